package chart

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// SVG renders a chart as an inline SVG element of width × height pixels,
// which scales with its container. Every text is escaped.
func SVG(ch Chart, width, height int) template.HTML {
	var s svgCanvas
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" font-family="system-ui, sans-serif">`,
		width, height, width, height, template.HTMLEscapeString(ch.Label()))
	fmt.Fprintf(&s.b, `<title>%s</title>`, template.HTMLEscapeString(ch.Label()))
	ch.Draw(&s, float64(width), float64(height))
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String()) // built from escaped text and numbers only
}

type svgCanvas struct{ b strings.Builder }

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func (s *svgCanvas) Rect(x, y, w, h float64, fill Color) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(x), num(y), num(w), num(h), fill.Hex())
}

func (s *svgCanvas) Line(x1, y1, x2, y2 float64, stroke Color, width float64, dashed bool) {
	dash := ""
	if dashed {
		dash = ` stroke-dasharray="6 4"`
	}
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`,
		num(x1), num(y1), num(x2), num(y2), stroke.Hex(), num(width), dash)
}

func (s *svgCanvas) Polyline(points []XY, stroke Color, width float64) {
	s.b.WriteString(`<polyline fill="none" stroke-linejoin="round" points="`)
	for i, p := range points {
		if i > 0 {
			s.b.WriteByte(' ')
		}
		s.b.WriteString(num(p.X) + "," + num(p.Y))
	}
	fmt.Fprintf(&s.b, `" stroke="%s" stroke-width="%s"/>`, stroke.Hex(), num(width))
}

func (s *svgCanvas) Text(x, y float64, text string, size float64, fill Color, anchor Anchor) {
	a := "start"
	switch anchor {
	case Middle:
		a = "middle"
	case End:
		a = "end"
	}
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" font-size="%s" fill="%s" text-anchor="%s">%s</text>`,
		num(x), num(y), num(size), fill.Hex(), a, template.HTMLEscapeString(text))
}
