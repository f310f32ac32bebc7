package chart

import (
	"fmt"
	"math"
)

// Heatmap is a grid of values shaded from light to dark (engagement per
// post by weekday and hour). Rows run down, columns across; a NaN cell is
// drawn empty (no data, not zero).
type Heatmap struct {
	Title   string // labels the chart (the SVG's title); not drawn
	Rows    []string
	Cols    []string
	Values  [][]float64 // [row][col]
	Numbers Numbers     // the scale's labels; nil is Plain
	// Max labels the highest value, a format with one %s for it (a
	// translated text); "" is "max %s".
	Max   string
	Empty string
}

// Label implements Chart.
func (m Heatmap) Label() string { return m.Title }

// Draw implements Chart.
func (m Heatmap) Draw(c Canvas, w, h float64) {
	fr := newFrame(false, w, h)
	hi := math.Inf(-1)
	for _, row := range m.Values {
		for _, v := range row {
			if finite(v) {
				hi = math.Max(hi, v)
			}
		}
	}
	if len(m.Rows) == 0 || len(m.Cols) == 0 || math.IsInf(hi, -1) {
		fr.empty(c, m.Empty)
		return
	}
	cw := fr.width / float64(len(m.Cols))
	ch := fr.height / float64(len(m.Rows))
	base := SeriesColor(0)
	for i, name := range m.Rows {
		cy := fr.top + float64(i)*ch
		c.Text(fr.left-6, cy+ch/2+3.5, name, labelSize, muted, End)
		for j := range m.Cols {
			v := math.NaN()
			if i < len(m.Values) && j < len(m.Values[i]) {
				v = m.Values[i][j]
			}
			col := Color{0xf4, 0xf4, 0xf4}
			if finite(v) {
				share := 0.0
				if hi > 0 {
					share = math.Max(v, 0) / hi
				}
				col = blend(Color{0xe8, 0xf1, 0xfa}, base, share)
			}
			c.Rect(fr.left+float64(j)*cw+0.5, cy+0.5, math.Max(cw-1, 0.5), math.Max(ch-1, 0.5), col)
		}
	}
	// Column labels, thinned to what fits.
	every := int(math.Ceil(textWidth("00", labelSize) * 1.6 / cw))
	for j, name := range m.Cols {
		if every < 1 || j%every == 0 {
			c.Text(fr.left+float64(j)*cw+cw/2, fr.top+fr.height+14, name, labelSize, muted, Middle)
		}
	}
	label := m.Max
	if label == "" {
		label = "max %s"
	}
	c.Text(fr.left+fr.width, fr.top-4, fmt.Sprintf(label, m.Numbers.format(hi)), labelSize, muted, End)
}

// blend mixes a towards b by share (0..1).
func blend(a, b Color, share float64) Color {
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*share)) }
	return Color{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B)}
}
