package chart

import (
	"math"
	"strconv"
	"time"
)

// Color is an opaque RGB colour.
type Color struct{ R, G, B uint8 }

// Hex returns the colour as #rrggbb.
func (c Color) Hex() string {
	const digits = "0123456789abcdef"
	b := []byte{'#', 0, 0, 0, 0, 0, 0}
	for i, v := range []uint8{c.R, c.G, c.B} {
		b[1+2*i], b[2+2*i] = digits[v>>4], digits[v&15]
	}
	return string(b)
}

// The palette: series take its colours in turn. They follow the gears of
// the product (blue strategy, green maintenance, red metrics) and stay
// apart for the common kinds of colour blindness.
var palette = []Color{
	{0x1f, 0x6f, 0xb4}, // blue
	{0xd9, 0x5f, 0x02}, // orange
	{0x1b, 0x9e, 0x77}, // green
	{0x75, 0x70, 0xb3}, // purple
	{0xc0, 0x39, 0x2b}, // red
	{0x66, 0x66, 0x66}, // grey
}

// SeriesColor returns the colour of the i-th series.
func SeriesColor(i int) Color { return palette[i%len(palette)] }

var (
	ink    = Color{0x22, 0x22, 0x22}
	muted  = Color{0x77, 0x77, 0x77}
	rule   = Color{0xdd, 0xdd, 0xdd}
	target = Color{0xc0, 0x39, 0x2b}
)

// Anchor is where a text's x coordinate sits on it.
type Anchor int

// Anchors of text.
const (
	Start Anchor = iota
	Middle
	End
)

// XY is a point on a canvas, in its units from the top left.
type XY struct{ X, Y float64 }

// Canvas is a surface a chart draws on, in its own units (SVG pixels, PDF
// points) from the top left corner, y growing downwards. Text is drawn
// with its baseline at y.
type Canvas interface {
	Rect(x, y, w, h float64, fill Color)
	Line(x1, y1, x2, y2 float64, stroke Color, width float64, dashed bool)
	Polyline(points []XY, stroke Color, width float64)
	Text(x, y float64, s string, size float64, fill Color, anchor Anchor)
}

// Chart is something that draws itself on a canvas of a size.
type Chart interface {
	// Draw draws the chart on c, filling a box of w × h from c's origin.
	Draw(c Canvas, w, h float64)
	// Label names the chart for those who cannot see it (the SVG's title).
	Label() string
}

// Numbers formats a number of the charts' axes and cells; nil is Plain.
type Numbers func(float64) string

// Plain formats n with as few decimals as it needs (at most two), and
// thousands as "12k" and millions as "1.2M": short axis labels, with Go's
// decimal point. Compact writes them in a language.
func Plain(n float64) string { return compact(n, short) }

// Compact returns Numbers that write n as briefly as Plain does, each
// figure written by write, which rounds v to at most decimals places,
// drops trailing zeros and uses its language's marks: for a page in
// Spanish, func(v float64, d int) string { return locale.Number("es", v, -d) }
// writes "1,2k" and "0,25".
func Compact(write func(v float64, decimals int) string) Numbers {
	return func(n float64) string { return compact(n, write) }
}

func compact(n float64, write func(float64, int) string) string {
	switch a := math.Abs(n); {
	case a >= 1e6:
		return write(n/1e6, 1) + "M"
	case a >= 1e4:
		return write(n/1e3, 0) + "k"
	case a >= 1e3:
		return write(n/1e3, 1) + "k"
	}
	return write(n, 2)
}

// short rounds n to at most decimals places and drops trailing zeros.
func short(n float64, decimals int) string {
	p := math.Pow(10, float64(decimals))
	r := math.Round(n*p) / p
	if r == 0 {
		r = 0 // not -0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Dates formats a date of a time axis; nil is ISO "2006-01-02".
type Dates func(time.Time) string

func (f Dates) format(t time.Time) string {
	if f == nil {
		return t.Format("2006-01-02")
	}
	return f(t)
}

func (f Numbers) format(n float64) string {
	if f == nil {
		return Plain(n)
	}
	return f(n)
}

// ticks returns about n round values covering [lo, hi], including both
// ends: steps of 1, 2 or 5 × 10^k.
func ticks(lo, hi float64, n int) []float64 {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if hi == 0 {
			return []float64{0, 1}
		}
		lo, hi = math.Min(0, lo), math.Max(0, hi)
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	var out []float64
	for v := start; v <= end+step/2; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// finite drops NaN and infinite values from a range computation.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
