package bluesky

import (
	_ "embed"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// FacetKind says what a facet marks.
type FacetKind string

// Kinds of facet, by their feature in app.bsky.richtext.facet.
const (
	FacetLink    FacetKind = "link"    // #link: Value is the full URI
	FacetMention FacetKind = "mention" // #mention: Value is the handle, without "@", still to resolve to a DID
	FacetTag     FacetKind = "tag"     // #tag: Value is the tag, without "#" (cashtags keep their "$")
)

// Facet is a range of the text with a meaning. Start and End are byte
// offsets in the UTF-8 text, End exclusive, as app.bsky.richtext.facet
// counts them: text[Start:End] is the range.
type Facet struct {
	Start, End int
	Kind       FacetKind
	Value      string
}

// DetectFacets finds the links, mentions and hashtags of text exactly as
// Bluesky's own app does (@atproto/api's RichText.detectFacets, which this
// mirrors rule for rule):
//
//   - a mention is "@" and a handle after the start, a space or "(", and
//     the handle ends in a known top-level domain or ".test";
//   - a link is an http(s) URL, or a bare domain with a known top-level
//     domain (sent as https://…), after the start, a space or "("; one
//     trailing . , ; : ! or ? is left out, then a ")" when the URL has no
//     "(";
//   - a hashtag is "#" (or "＃") after the start or a space, with at least
//     one character that is not a digit or punctuation, trailing
//     punctuation left out, at most 64 UTF-16 units; "$" and one to five
//     letters and digits starting with a letter is a cashtag, sent as the
//     tag "$TICKER".
//
// The facets are sorted by Start. Mentions still have to be resolved to
// DIDs (the connector drops those that cannot be).
func DetectFacets(text string) []Facet {
	var facets []Facet
	for _, m := range mentionRE.FindAllStringSubmatchIndex(text, -1) {
		handle := text[m[6]:m[7]]
		if !validDomain(handle) && !strings.HasSuffix(handle, ".test") {
			continue // probably not a handle
		}
		facets = append(facets, Facet{Start: m[4], End: m[7], Kind: FacetMention, Value: handle})
	}
	domain := urlRE.SubexpIndex("domain")
	for _, m := range urlRE.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[4], m[5]
		uri := text[start:end]
		if !strings.HasPrefix(uri, "http") {
			if m[2*domain] < 0 || !validDomain(text[m[2*domain]:m[2*domain+1]]) {
				continue
			}
			uri = "https://" + uri
		}
		if strings.ContainsRune(".,;:!?", lastRune(uri)) {
			uri, end = uri[:len(uri)-1], end-1
		}
		if strings.HasSuffix(uri, ")") && !strings.Contains(uri, "(") {
			uri, end = uri[:len(uri)-1], end-1
		}
		facets = append(facets, Facet{Start: start, End: end, Kind: FacetLink, Value: uri})
	}
	for _, m := range tagRE.FindAllStringSubmatchIndex(text, -1) {
		if m[4] < 0 {
			continue
		}
		tag := text[m[4]:m[5]]
		if strings.HasPrefix(tag, "\ufe0f") {
			continue // the lookahead (?!\ufe0f) of the original
		}
		tag = strings.TrimRightFunc(strings.TrimFunc(tag, jsSpace), unicode.IsPunct)
		if tag == "" || utf16Len(tag) > 64 {
			continue
		}
		facets = append(facets, Facet{Start: m[3], End: m[4] + len(tag), Kind: FacetTag, Value: tag})
	}
	for _, m := range cashtagRE.FindAllStringSubmatchIndex(text, -1) {
		if next, _ := utf8.DecodeRuneInString(text[m[5]:]); m[5] < len(text) && !jsSpace(next) && !strings.ContainsRune(`.,;:!?)"'’`, next) {
			continue // the lookahead of the original
		}
		facets = append(facets, Facet{Start: m[4], End: m[5], Kind: FacetTag, Value: "$" + strings.ToUpper(text[m[4]+1:m[5]])})
	}
	sort.SliceStable(facets, func(i, j int) bool { return facets[i].Start < facets[j].Start })
	return facets
}

// jsWhite is what JavaScript's \s matches; Go's \s is ASCII only.
const jsWhite = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

// tagStop are the characters that end a hashtag besides white space:
// soft hyphen, word joiner, hair space, zero-width space and joiners,
// combining enclosing keycap.
const tagStop = `\x{ad}\x{2060}\x{200a}\x{200b}\x{200c}\x{200d}\x{20e2}`

// The expressions of @atproto/api (packages/api/src/rich-text/util.ts),
// in Go's syntax: JavaScript's \s spelled out, [a-z] with /i spelled as
// [a-zA-Z] (Go's (?i) would also fold ſ and K into ASCII), lookarounds
// checked in code.
var (
	mentionRE = regexp.MustCompile(`(^|[` + jsWhite + `]|\()(@)([a-zA-Z0-9.-]+)(\b)`)
	urlRE     = regexp.MustCompile(`(?m)(^|[` + jsWhite + `]|\()(([hH][tT][tT][pP][sS]?://[^` + jsWhite + `]+)|((?P<domain>[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)+)[^` + jsWhite + `]*))`)
	tagRE     = regexp.MustCompile(`(^|[` + jsWhite + `])[#＃]([^` + jsWhite + tagStop + `]*[^0-9` + jsWhite + `\p{P}` + tagStop + `]+[^` + jsWhite + tagStop + `]*)?`)
	cashtagRE = regexp.MustCompile(`(^|[` + jsWhite + `]|\()(\$[A-Za-z][A-Za-z0-9]{0,4})`)
)

func jsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

//go:embed tlds.txt
var tldList string

var tlds = func() map[string]bool {
	m := make(map[string]bool)
	for _, line := range strings.Split(tldList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// validDomain reports whether s ends in "." and a known top-level domain,
// case-sensitively, as @atproto/api's isValidDomain does.
func validDomain(s string) bool {
	i := strings.LastIndexByte(s, '.')
	return i >= 0 && tlds[s[i+1:]]
}
