package mastodon

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextLength is how many characters of a status's text an inbound
// message keeps; the rest is cut behind "…".
const MaxTextLength = 5000

// htmlText reduces HTML (Status.content) to its text, as a browser would
// show it, without any markup: tags and comments go, the contents of
// script, style and the like go with them, entities are decoded once,
// <br> becomes a line break, and the ends of paragraphs, list items and
// other blocks become blank lines. White space in the source counts as
// one space, as in HTML. The text of links is kept, with the "invisible"
// parts of the links Mastodon shortens, so a link reads as its full URL
// again.
//
// A "<" that opens no tag is text, as it is for a browser. So is what the
// entities decode to: "&lt;b&gt;" is the author's own "<b>". The result is
// plain text, to be escaped wherever it is shown.
func htmlText(s string) string {
	var b strings.Builder
	skip := "" // an element whose content is dropped, until its end tag
	text := func(t string) {
		b.WriteString(strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' || r == '\f' {
				return ' '
			}
			return r
		}, html.UnescapeString(t)))
	}
	for i := 0; i < len(s); {
		if skip != "" {
			// Raw text, as in a script: only its end tag ends it.
			i = endOfElement(s, i, skip)
			skip = ""
			continue
		}
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			text(s[i : i+j])
			i += j
			continue
		}
		rest := s[i+1:]
		switch {
		case strings.HasPrefix(rest, "!--"):
			if end := strings.Index(s[i+4:], "-->"); end >= 0 {
				i += 4 + end + 3
			} else {
				i = len(s)
			}
		case rest != "" && (rest[0] == '!' || rest[0] == '?' || rest[0] == '/' && (len(rest) == 1 || !isASCIILetter(rest[1]))):
			// A doctype, CDATA, processing instruction or "</" without a
			// name: a bogus comment, up to the next ">".
			if end := strings.IndexByte(rest, '>'); end >= 0 {
				i += 1 + end + 1
			} else {
				i = len(s)
			}
		case rest != "" && (isASCIILetter(rest[0]) || rest[0] == '/'):
			end := tagEnd(s, i)
			tag := s[i+1 : end]
			i = end + 1
			closing := strings.HasPrefix(tag, "/")
			name := tagName(strings.TrimPrefix(tag, "/"))
			switch name {
			case "script", "style", "template", "noscript", "iframe", "object", "svg", "math", "title", "textarea", "head", "select":
				if !closing && !strings.HasSuffix(tag, "/") {
					skip = name
				}
			case "br":
				b.WriteByte('\n')
			case "li", "dt", "dd", "tr":
				if !closing {
					b.WriteByte('\n')
				}
			case "p", "div", "blockquote", "pre", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6",
				"section", "article", "header", "footer", "aside", "figure", "hr":
				b.WriteString("\n\n")
			}
		default:
			// "<" followed by a space, a digit, "<", or nothing: text.
			text("<")
			i++
		}
	}
	return b.String()
}

// endOfElement returns the index after the end tag of the element name
// whose content starts at i ("</name" then a space, "/" or ">", in any
// case), or len(s) when there is none.
func endOfElement(s string, i int, name string) int {
	for {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return len(s)
		}
		j += i
		k := j + 2 + len(name)
		if k <= len(s) && strings.EqualFold(s[j+2:k], name) && (k == len(s) || strings.IndexByte(" \t\n\r\f/>", s[k]) >= 0) {
			return tagEnd(s, j) + 1
		}
		i = j + 2
	}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tagEnd returns the index of the ">" closing the tag opened at i,
// skipping quoted attribute values; len(s)-1 when it is not closed (the
// rest is then part of the tag, as for a browser). A quote anywhere in the
// tag is taken to open a value, so a tag never ends before a browser
// would end it.
func tagEnd(s string, i int) int {
	var quote byte
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		}
	}
	return len(s) - 1
}

// tagName returns the lower-case name of the tag whose inside is tag.
func tagName(tag string) string {
	end := strings.IndexFunc(tag, func(r rune) bool { return unicode.IsSpace(r) || r == '/' || r == '>' })
	if end >= 0 {
		tag = tag[:end]
	}
	return strings.ToLower(tag)
}

// inboundText is the text of an inbound message: the content warning (a
// plain-text field) as a first paragraph, then the content reduced by
// htmlText, tidied by plainText and cut at MaxTextLength characters.
func inboundText(spoiler, content string) string {
	t := htmlText(content)
	if sp := strings.TrimSpace(spoiler); sp != "" {
		t = sp + "\n\n" + t
	}
	return plainText(t, MaxTextLength)
}

// plainText tidies untrusted text: invalid UTF-8 and control characters
// go (line breaks stay), as do the bidirectional overrides and isolates
// that make text read differently from what it is; runs of spaces become
// one, lines are trimmed, and at most one blank line separates
// paragraphs. It keeps at most n characters, ending with "…" when cut.
func plainText(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	newlines, space := 0, false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			newlines++
			space = false
			continue
		case r == '\t' || r == '\u00a0' || unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), r == utf8.RuneError, r == '\ufeff', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			continue
		}
		if b.Len() > 0 {
			switch {
			case newlines >= 2:
				b.WriteString("\n\n")
			case newlines == 1:
				b.WriteByte('\n')
			case space:
				b.WriteByte(' ')
			}
		}
		newlines, space = 0, false
		b.WriteRune(r)
	}
	out := b.String()
	if utf8.RuneCountInString(out) <= n {
		return out
	}
	count := 0
	for i := range out {
		if count == n {
			return strings.TrimRightFunc(out[:i], unicode.IsSpace) + "…"
		}
		count++
	}
	return out
}
