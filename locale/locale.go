// Package locale holds the one message catalogue of Gears, in English and
// Spanish, and chooses a language for each person.
//
// The catalogue is made of JSON files in messages/, one per area of the
// product; each maps a key to its text in every language:
//
//	{"nav.planner": {"en": "Planner", "es": "Planificador"}}
//
// Texts use fmt verbs for their arguments; use explicit indexes (%[1]s)
// where the languages order them differently.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Languages are the languages Gears speaks, the default first.
var Languages = []string{"en", "es"}

// Default is the language used when nothing else decides.
const Default = "en"

//go:embed messages/*.json
var files embed.FS

// catalogue maps language → key → text.
var catalogue = mustLoad(files)

func mustLoad(fsys fs.FS) map[string]map[string]string {
	c, err := load(fsys)
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (map[string]map[string]string, error) {
	c := make(map[string]map[string]string)
	for _, l := range Languages {
		c[l] = make(map[string]string)
	}
	names, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("locale: %s: %w", path.Base(name), err)
		}
		for key, texts := range m {
			for lang, text := range texts {
				byKey, ok := c[lang]
				if !ok {
					return nil, fmt.Errorf("locale: %s: key %q: unknown language %q", name, key, lang)
				}
				if _, dup := byKey[key]; dup {
					return nil, fmt.Errorf("locale: %s: key %q defined twice", name, key)
				}
				byKey[key] = text
			}
		}
	}
	return c, nil
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	_, ok := catalogue[lang]
	return ok
}

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := catalogue[Default][key]
	return ok
}

// T returns the text of key in lang, formatted with args (a Message or a
// Numeral among them is first written in lang). An unknown
// language falls back to Default; an unknown key is returned as it is, so a
// missing text shows up instead of vanishing (a test keeps that from
// shipping).
func T(lang, key string, args ...any) string {
	byKey, ok := catalogue[lang]
	if !ok {
		byKey = catalogue[Default]
	}
	text, ok := byKey[key]
	if !ok {
		if text, ok = catalogue[Default][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return text
	}
	copied := false
	for i, a := range args {
		var s string
		switch m := a.(type) {
		case Message:
			s = T(lang, m.MessageKey(), m.MessageArgs()...)
		case Numeral:
			v, decimals := m.Numeral()
			s = Number(lang, v, decimals)
		default:
			continue
		}
		if !copied {
			args, copied = append([]any(nil), args...), true // leave the caller's slice alone
		}
		args[i] = s
	}
	return fmt.Sprintf(text, args...)
}

// Message is an argument that is itself a message: T translates it in the
// same language before formatting, e.g. a network's limit inside "Account
// %[1]s: %[2]s".
type Message interface {
	MessageKey() string
	MessageArgs() []any
}

// Keys returns every key of the catalogue, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalogue[Default]))
	for k := range catalogue[Default] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Match chooses a language from an Accept-Language header value, by the
// order of preference the header gives (q values); Default if none fits.
func Match(acceptLanguage string) string {
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if Supported(base) && q > bestQ && q > 0 {
			best, bestQ = base, q
		}
	}
	return best
}
