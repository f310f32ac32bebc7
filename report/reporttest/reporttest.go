// Package reporttest reads back what a PDF written by package report says:
// its pages, the text on each and how much is drawn, so that tests check
// the document itself rather than trusting the code that wrote it.
package reporttest

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Page is what one page of a PDF shows.
type Page struct {
	Text  []string // each string drawn, in order, decoded to UTF-8
	Rects int      // filled rectangles (bars, cells, legend keys)
	Lines int      // straight segments (axes, rules, polylines' pieces)
}

// Joined returns the page's text as one string, pieces joined by a space.
func (p Page) Joined() string { return strings.Join(p.Text, " ") }

var (
	objRE    = regexp.MustCompile(`(?s)(\d+) 0 obj(.*?)endobj`)
	pageRE   = regexp.MustCompile(`/Type /Page\b[^s]`)
	contents = regexp.MustCompile(`/Contents (\d+) 0 R`)
)

// Read returns the pages of a PDF in order. It understands the PDFs fpdf
// writes (uncompressed cross-reference, Flate or plain content streams),
// not every PDF.
func Read(pdf []byte) ([]Page, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, errors.New("reporttest: not a PDF")
	}
	if !bytes.Contains(pdf[max(0, len(pdf)-64):], []byte("%%EOF")) {
		return nil, errors.New("reporttest: the PDF does not end with %%EOF")
	}
	objs := map[string][]byte{}
	var order []string
	for _, m := range objRE.FindAllSubmatch(pdf, -1) {
		objs[string(m[1])] = m[2]
		order = append(order, string(m[1]))
	}
	var pages []Page
	for _, id := range order {
		body := objs[id]
		dict := body
		if i := bytes.Index(body, []byte("stream")); i >= 0 {
			dict = body[:i]
		}
		if !pageRE.Match(append(dict, ' ')) {
			continue
		}
		c := contents.FindSubmatch(dict)
		if c == nil {
			return nil, fmt.Errorf("reporttest: page object %s has no contents", id)
		}
		stream, err := streamOf(objs[string(c[1])])
		if err != nil {
			return nil, fmt.Errorf("reporttest: contents of page object %s: %w", id, err)
		}
		pages = append(pages, parse(stream))
	}
	if len(pages) == 0 {
		return nil, errors.New("reporttest: no page")
	}
	return pages, nil
}

func streamOf(obj []byte) ([]byte, error) {
	i := bytes.Index(obj, []byte("stream"))
	j := bytes.LastIndex(obj, []byte("endstream"))
	if i < 0 || j < i {
		return nil, errors.New("no stream")
	}
	data := obj[i+len("stream") : j]
	data = bytes.TrimPrefix(bytes.TrimPrefix(data, []byte("\r")), []byte("\n"))
	if !bytes.Contains(obj[:i], []byte("/FlateDecode")) {
		return data, nil
	}
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// parse walks a content stream's tokens: strings shown with Tj, rectangles
// (re) and segments (l).
func parse(s []byte) Page {
	var p Page
	var last string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '(':
			str, n := literal(s[i:])
			last = str
			i += n
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \n\r\t(", rune(s[j])) {
				j++
			}
			switch string(s[i:j]) {
			case "Tj":
				p.Text = append(p.Text, last)
			case "re":
				p.Rects++
			case "l":
				p.Lines++
			}
			i = j
		}
	}
	return p
}

// literal decodes a PDF string literal at the start of s, returning it in
// UTF-8 (from Windows-1252) and the bytes it took.
func literal(s []byte) (string, int) {
	var out []byte
	depth := 0
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case '0', '1', '2', '3', '4', '5', '6', '7':
				k := i
				for k < len(s) && k < i+3 && s[k] >= '0' && s[k] <= '7' {
					k++
				}
				v, _ := strconv.ParseUint(string(s[i:k]), 8, 8)
				out = append(out, byte(v))
				i = k - 1
			default:
				out = append(out, e)
			}
		case c == '(':
			if depth > 0 {
				out = append(out, c)
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return cp1252(out), i + 1
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return cp1252(out), i
}

// The characters of Windows-1252 between 0x80 and 0x9f; the rest is
// Latin-1.
var high = []rune("€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ")

func cp1252(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x80 && c <= 0x9f {
			sb.WriteRune(high[c-0x80])
		} else {
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
