package chart

import "math"

// Group is one series of a bar chart: a value per label.
type Group struct {
	Name   string
	Values []float64 // one per label of the chart; missing ones are 0
}

// Bars is a chart of grouped vertical bars: for each label, one bar per
// group side by side (planned against actual hours per gear; ROI per
// campaign). Values may be negative.
type Bars struct {
	Title   string // labels the chart (the SVG's title); not drawn
	Labels  []string
	Groups  []Group
	Numbers Numbers // the y axis; nil is Plain
	Empty   string
}

// Label implements Chart.
func (b Bars) Label() string { return b.Title }

// Draw implements Chart.
func (b Bars) Draw(c Canvas, w, h float64) {
	fr := newFrame(len(b.Groups) > 1, w, h)
	if len(b.Labels) == 0 || len(b.Groups) == 0 {
		fr.empty(c, b.Empty)
		return
	}
	lo, hi := 0.0, 0.0
	for _, g := range b.Groups {
		for _, v := range g.Values {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	ys := ticks(lo, hi, 4)
	lo, hi = ys[0], ys[len(ys)-1]
	y := func(v float64) float64 { return fr.top + fr.height - (v-lo)/(hi-lo)*fr.height }
	fr.yAxis(c, ys, y, b.Numbers)

	slot := fr.width / float64(len(b.Labels))
	bar := slot * 0.8 / float64(len(b.Groups))
	for i, label := range b.Labels {
		x0 := fr.left + float64(i)*slot + slot*0.1
		for j, g := range b.Groups {
			if i >= len(g.Values) || !finite(g.Values[i]) {
				continue
			}
			v := g.Values[i]
			top, bottom := y(math.Max(v, 0)), y(math.Min(v, 0))
			c.Rect(x0+float64(j)*bar, top, math.Max(bar-1, 1), math.Max(bottom-top, 0.5), SeriesColor(j))
		}
		c.Text(fr.left+float64(i)*slot+slot/2, fr.top+fr.height+14, fit(label, slot, labelSize), labelSize, muted, Middle)
	}
	items := make([]legendItem, len(b.Groups))
	for j, g := range b.Groups {
		items[j] = legendItem{g.Name, SeriesColor(j), false}
	}
	fr.legend(c, items)
}

// fit shortens s with an ellipsis to about width at size.
func fit(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	n := int(width / (size * 0.55))
	if n < 2 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}
