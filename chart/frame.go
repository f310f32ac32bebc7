package chart

import "unicode/utf8"

// frame lays out a chart: the plot and, below it, the axis labels and an
// optional legend. The title is not drawn: the page or the PDF heads the
// chart with its own heading, and the title labels the SVG for those who
// cannot see it.
type frame struct {
	w, h                     float64
	left, top, width, height float64
	legendY                  float64
	titleText                string
}

const labelSize = 10

func newFrame(legend bool, w, h float64) *frame {
	f := &frame{w: w, h: h, left: 48, top: 12}
	bottom := 22.0 // the x axis labels
	if legend {
		bottom += 18
	}
	f.width = max(w-f.left-12, 10)
	f.height = max(h-f.top-bottom, 10)
	f.legendY = f.top + f.height + 34
	return f
}

// empty says that there is nothing to draw, in the middle of the plot.
func (f *frame) empty(c Canvas, text string) {
	c.Rect(f.left, f.top+f.height, f.width, 1, rule)
	if text != "" {
		c.Text(f.left+f.width/2, f.top+f.height/2, text, labelSize+1, muted, Middle)
	}
}

// yAxis draws the horizontal rules and labels of the ticks.
func (f *frame) yAxis(c Canvas, ys []float64, y func(float64) float64, numbers Numbers) {
	for _, v := range ys {
		py := y(v)
		col := rule
		if v == 0 {
			col = muted
		}
		c.Line(f.left, py, f.left+f.width, py, col, 1, false)
		c.Text(f.left-6, py+3.5, numbers.format(v), labelSize, muted, End)
	}
}

type legendItem struct {
	name   string
	color  Color
	dashed bool
}

// legend draws the items in a row under the plot.
func (f *frame) legend(c Canvas, items []legendItem) {
	if len(items) < 2 && !(len(items) == 1 && items[0].dashed) {
		return
	}
	x := f.left
	for _, it := range items {
		if it.dashed {
			c.Line(x, f.legendY-3.5, x+14, f.legendY-3.5, it.color, 1.5, true)
		} else {
			c.Rect(x, f.legendY-9, 14, 8, it.color)
		}
		c.Text(x+18, f.legendY, it.name, labelSize, ink, Start)
		x += 18 + textWidth(it.name, labelSize) + 16
	}
}

// textWidth estimates the width of s at a size: an average glyph is about
// 0.55 of the size in the sans-serif faces both SVG and PDF use.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * 0.55
}
