package bluesky

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// facetCases are texts and the facets Bluesky's app makes of them (each
// checked against @atproto/api by TestDetectFacetsMatchesBlueskyApp).
var facetCases = []struct {
	name string
	text string
	want []Facet
}{
	{"plain", "hello world", nil},
	{"link", "Go to https://example.com", []Facet{{6, 25, FacetLink, "https://example.com"}}},
	{"bare domain at the very end", "see example.com", []Facet{{4, 15, FacetLink, "https://example.com"}}},
	{"link is the whole text", "https://a.co", []Facet{{0, 12, FacetLink, "https://a.co"}}},
	{"trailing period", "Read https://example.com/page.", []Facet{{5, 29, FacetLink, "https://example.com/page"}}},
	{"trailing parenthesis", "(see https://example.com/x)", []Facet{{5, 26, FacetLink, "https://example.com/x"}}},
	{"parentheses inside the URL", "https://en.wikipedia.org/wiki/Go_(language)", []Facet{{0, 43, FacetLink, "https://en.wikipedia.org/wiki/Go_(language)"}}},
	{"parenthesis then period", "x (https://example.com).", []Facet{{3, 22, FacetLink, "https://example.com"}}},
	{"emoji before a link", "👋🏽 https://example.com", []Facet{{9, 28, FacetLink, "https://example.com"}}},
	{"newline before a link", "line\nhttps://a.co", []Facet{{5, 17, FacetLink, "https://a.co"}}},
	{"no-break space before a link", "x\u00a0https://a.co", []Facet{{3, 15, FacetLink, "https://a.co"}}},
	{"unknown top-level domain", "see example.notatld", nil},
	{"upper-case top-level domain", "see EXAMPLE.COM", nil},
	{"upper-case scheme", "see HTTPS://EXAMPLE.COM", nil},
	{"e-mail address", "mail bob@example.com", nil},
	{"link after a word", "foohttps://example.com", nil},
	{"mention", "hi @alice.test", []Facet{{3, 14, FacetMention, "alice.test"}}},
	{"mention with dots and a trailing period", "cc @alice.bsky.social.", []Facet{{3, 21, FacetMention, "alice.bsky.social"}}},
	{"mention in parentheses", "(@alice.test)", []Facet{{1, 12, FacetMention, "alice.test"}}},
	{"mention without a domain", "hi @alice", nil},
	{"mention with an unknown domain", "hi @alice.notatld", nil},
	{"mention inside a word", "a@alice.test", nil},
	{"hashtag with non-ASCII letters", "#ñandú y #Zürich", []Facet{{0, 8, FacetTag, "ñandú"}, {11, 19, FacetTag, "Zürich"}}},
	{"hashtag with combining marks", "e\u0301 #cafe\u0301", []Facet{{4, 11, FacetTag, "cafe\u0301"}}},
	{"CJK text and hashtag", "日本語のテキスト #日本語", []Facet{{25, 35, FacetTag, "日本語"}}},
	{"full-width number sign", "＃タグ", []Facet{{0, 9, FacetTag, "タグ"}}},
	{"hashtag with trailing punctuation", "#go!", []Facet{{0, 3, FacetTag, "go"}}},
	{"hashtag of digits", "#2024", nil},
	{"hashtag of digits and a letter", "#2024s", []Facet{{0, 6, FacetTag, "2024s"}}},
	{"hashtag inside a word", "a#b", nil},
	{"hashtag with a variation selector", "#\ufe0f", nil},
	{"hashtag longer than 64", "#" + strings.Repeat("a", 65), nil},
	{"hashtag of 64", "#" + strings.Repeat("a", 64), []Facet{{0, 65, FacetTag, strings.Repeat("a", 64)}}},
	{"hashtag after an emoji", "🎉 #party", []Facet{{5, 11, FacetTag, "party"}}},
	{"cashtag", "buy $aapl.", []Facet{{4, 9, FacetTag, "$AAPL"}}},
	{"cashtag too long", "$TOOLONG", nil},
	{"everything, sorted", "#first @bob.test https://a.co/x, then b.org #end", []Facet{
		{0, 6, FacetTag, "first"}, {7, 16, FacetMention, "bob.test"}, {17, 31, FacetLink, "https://a.co/x"},
		{38, 43, FacetLink, "https://b.org"}, {44, 48, FacetTag, "end"},
	}},
}

func TestDetectFacets(t *testing.T) {
	t.Parallel()
	for _, tc := range facetCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := DetectFacets(tc.text)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("DetectFacets(%q)\n got %+v\nwant %+v", tc.text, got, tc.want)
			}
			checkFacets(t, tc.text, got)
		})
	}
}

// checkFacets checks that every facet's byte range slices text at rune
// boundaries, in order, and covers what the facet claims.
func checkFacets(t *testing.T, text string, facets []Facet) {
	t.Helper()
	for i, f := range facets {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("%q: facet %d %+v: range outside the text (%d bytes)", text, i, f, len(text))
		}
		if !utf8.RuneStart(text[f.Start]) || (f.End < len(text) && !utf8.RuneStart(text[f.End])) {
			t.Fatalf("%q: facet %d %+v: range cuts a character", text, i, f)
		}
		if i > 0 && facets[i-1].Start > f.Start {
			t.Fatalf("%q: facets not sorted: %+v", text, facets)
		}
		covered := text[f.Start:f.End]
		switch f.Kind {
		case FacetLink:
			if covered != f.Value && "https://"+covered != f.Value {
				t.Fatalf("%q: link %+v covers %q", text, f, covered)
			}
		case FacetMention:
			if covered != "@"+f.Value {
				t.Fatalf("%q: mention %+v covers %q", text, f, covered)
			}
		case FacetTag:
			if covered != "#"+f.Value && covered != "＃"+f.Value && !(strings.HasPrefix(f.Value, "$") && strings.EqualFold(covered, f.Value)) {
				t.Fatalf("%q: tag %+v covers %q", text, f, covered)
			}
		default:
			t.Fatalf("%q: facet of unknown kind %+v", text, f)
		}
	}
}

// fragments make random texts full of the cases facets get wrong.
var fragments = []string{
	" ", " ", " ", "\n", "\u00a0", "\u3000", "(", ")", ".", ",", "!", "?", ":", "#", "＃", "@", "$",
	"a", "Z", "7", "é", "e\u0301", "日本", "한국어", "👋🏽", "👨‍👩‍👧", "🇪🇸", "\ufe0f", "\u200b", "\u00ad",
	"https://", "http://", "example.com", "bsky.app", "a.co/x_(y)", "/path?q=1", "alice.test", "bob.bsky.social",
	"tag", "café", "日本語", "2024", "AAPL", "wiki", "\u0301",
}

// randomText joins random fragments.
func randomText(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(24); n > 0; n-- {
		b.WriteString(fragments[r.IntN(len(fragments))])
	}
	return b.String()
}

// RandomTexts returns n reproducible random texts (also fed to Bluesky's
// own detection by the external tests).
func RandomTexts(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		out[i] = randomText(r)
	}
	return out
}

func TestDetectFacetsProperties(t *testing.T) {
	t.Parallel()
	for _, text := range RandomTexts(5000) {
		checkFacets(t, text, DetectFacets(text))
	}
}

func FuzzDetectFacets(f *testing.F) {
	for _, tc := range facetCases {
		f.Add(tc.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		checkFacets(t, text, DetectFacets(text))
	})
}

// FacetCaseTexts returns the texts of the table, for the external tests.
func FacetCaseTexts() []string {
	out := make([]string, len(facetCases))
	for i, tc := range facetCases {
		out[i] = tc.text
	}
	return out
}
