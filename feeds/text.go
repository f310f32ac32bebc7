package feeds

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText returns the text a person reads in an HTML fragment: tags
// removed, the content of script, style and similar elements dropped,
// entities decoded, paragraphs and block elements separated by a blank
// line, line breaks and list items by a line break, any other run of
// white space collapsed to one space. Invalid UTF-8 and control
// characters are dropped. Text without markup comes out with its
// entities decoded and its white space collapsed.
func PlainText(fragment string) string { return plainText(fragment, 0) }

// plainText is PlainText, cut with "…" after max runes when max > 0.
func plainText(fragment string, max int) string {
	w := textWriter{max: max}
	z := html.NewTokenizer(strings.NewReader(fragment))
	z.SetMaxBuf(0)
	skip := 0 // depth inside elements whose content is not text
	for !w.full {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if skip == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if level, ok := breaks[a]; ok && skip == 0 {
				w.brk(level)
			}
		}
	}
	return w.String()
}

// skipped are the elements whose content is not text to read.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Math: true,
	atom.Head: true, atom.Title: true, atom.Select: true, atom.Textarea: true, atom.Button: true,
	atom.Noembed: true, atom.Noframes: true, atom.Xmp: true,
}

// Kinds of break between pieces of text.
const (
	space     = 1
	newline   = 2
	paragraph = 3
)

// breaks are the elements that separate text.
var breaks = map[atom.Atom]int{
	atom.Br: newline, atom.Li: newline, atom.Tr: newline, atom.Dt: newline, atom.Dd: newline,
	atom.Td: space, atom.Th: space, atom.Img: space,
	atom.P: paragraph, atom.Div: paragraph, atom.H1: paragraph, atom.H2: paragraph,
	atom.H3: paragraph, atom.H4: paragraph, atom.H5: paragraph, atom.H6: paragraph,
	atom.Blockquote: paragraph, atom.Pre: paragraph, atom.Ul: paragraph, atom.Ol: paragraph,
	atom.Dl: paragraph, atom.Table: paragraph, atom.Hr: paragraph, atom.Section: paragraph,
	atom.Article: paragraph, atom.Header: paragraph, atom.Footer: paragraph, atom.Aside: paragraph,
	atom.Figure: paragraph, atom.Figcaption: paragraph, atom.Address: paragraph, atom.Main: paragraph,
	atom.Nav: paragraph, atom.Details: paragraph, atom.Summary: paragraph,
}

// textWriter collapses white space and cuts the text at max runes.
type textWriter struct {
	b       strings.Builder
	pending int // the break owed before the next character
	runes   int
	max     int
	full    bool
}

func (w *textWriter) brk(level int) { w.pending = max(w.pending, level) }

func (w *textWriter) text(s string) {
	for i := 0; i < len(s) && !w.full; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			continue // invalid UTF-8
		case unicode.IsSpace(r) || unicode.IsControl(r):
			w.brk(space)
			continue
		}
		if w.b.Len() > 0 {
			switch w.pending {
			case space:
				w.b.WriteByte(' ')
			case newline:
				w.b.WriteByte('\n')
			case paragraph:
				w.b.WriteString("\n\n")
			}
		}
		w.pending = 0
		if w.max > 0 && w.runes == w.max {
			w.b.WriteString("…")
			w.full = true
			return
		}
		w.b.WriteRune(r)
		w.runes++
	}
}

func (w *textWriter) String() string { return w.b.String() }

// clip cuts s to n runes, ending with "…" when it was longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimRightFunc(string([]rune(s)[:n-1]), unicode.IsSpace) + "…"
}
