package locale

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?(\[\d+\])?[vTtbcdoOqxXUeEfFgGsp]`)

// TestCatalogueComplete proves every key has a text in every language, with
// the same number of format verbs, so no person meets an untranslated key.
func TestCatalogueComplete(t *testing.T) {
	t.Parallel()
	for _, key := range Keys() {
		en := catalogue["en"][key]
		for _, lang := range Languages {
			text, ok := catalogue[lang][key]
			if !ok || text == "" {
				t.Errorf("key %q has no %s text", key, lang)
				continue
			}
			if got, want := len(verb.FindAllString(text, -1)), len(verb.FindAllString(en, -1)); got != want {
				t.Errorf("key %q: %s text has %d verbs, en has %d", key, lang, got, want)
			}
		}
	}
	for lang, byKey := range catalogue {
		for key := range byKey {
			if _, ok := catalogue[Default][key]; !ok {
				t.Errorf("key %q is in %s but not in %s", key, lang, Default)
			}
		}
	}
}

// TestFormatsRender formats every text with plain arguments and fails on
// Go's markers of a broken verb (%!f(BADINDEX) and the like).
func TestFormatsRender(t *testing.T) {
	t.Parallel()
	for _, key := range Keys() {
		for _, lang := range Languages {
			args := sampleArgs(catalogue[lang][key])
			if got := T(lang, key, args...); strings.Contains(got, "%!") {
				t.Errorf("%s %s renders as %q", lang, key, got)
			}
		}
	}
}

// sampleArgs returns arguments of the type each verb of text expects.
func sampleArgs(text string) []any {
	var args []any
	next := 0
	index := regexp.MustCompile(`\[(\d+)\]`)
	for _, v := range verb.FindAllString(text, -1) {
		i := next
		if m := index.FindStringSubmatch(v); m != nil {
			fmt.Sscan(m[1], &i)
			i--
		}
		next = i + 1
		for len(args) <= i {
			args = append(args, nil)
		}
		switch v[len(v)-1] {
		case 'd', 'x', 'X', 'o', 'b', 'c':
			args[i] = 1
		case 'f', 'e', 'g', 'F', 'E', 'G':
			args[i] = 1.5
		default:
			args[i] = "x"
		}
	}
	return args
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ header, want string }{
		{"", "en"},
		{"es-ES,es;q=0.9,en;q=0.8", "es"},
		{"fr-FR,fr;q=0.9,es;q=0.5,en;q=0.4", "es"},
		{"de, en;q=0.1", "en"},
		{"es;q=0, en", "en"},
		{"ES-mx", "es"},
		{"xx;q=bad, es;q=0.3", "es"},
	} {
		if got := Match(tt.header); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestT(t *testing.T) {
	t.Parallel()
	if got := T("es", "error.not_found"); got != "No encontrado." {
		t.Errorf("T(es) = %q", got)
	}
	if got := T("zz", "error.not_found"); got != "Not found." {
		t.Errorf("unknown language: T = %q, want the English text", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: T = %q", got)
	}
}

type nested struct{}

func (nested) MessageKey() string { return "request.unknown_field" }
func (nested) MessageArgs() []any { return []any{"colour"} }

func TestNestedMessage(t *testing.T) {
	t.Parallel()
	args := []any{"x", nested{}}
	if got := T("es", "request.bad_type", nested{}); got != "El campo «Campo desconocido: «colour».» tiene un tipo incorrecto." {
		t.Errorf("nested = %q", got)
	}
	T("en", "request.bad_type", args...)
	if _, ok := args[1].(nested); !ok {
		t.Error("T changed the caller's arguments")
	}
}
