package chart

import (
	"math"
	"slices"
	"time"
)

// Point is a value at a time.
type Point struct {
	X time.Time
	Y float64
}

// Series is a named line of points.
type Series struct {
	Name   string
	Points []Point
}

// Line is a chart of one or more series over time, with an optional target
// drawn as a dashed horizontal line.
type Line struct {
	Title       string // labels the chart (the SVG's title); not drawn
	Series      []Series
	Target      *float64
	TargetLabel string
	Numbers     Numbers // the y axis; nil is Plain
	Dates       Dates   // the x axis; nil is ISO dates
	Empty       string  // said in the middle when there is no point
	// Zoom fits the y axis to the values rather than starting it at zero:
	// for levels such as follower counts, where the change is what matters.
	Zoom bool
}

// Label implements Chart.
func (l Line) Label() string { return l.Title }

// Draw implements Chart.
func (l Line) Draw(c Canvas, w, h float64) {
	fr := newFrame(len(l.Series) > 1 || l.Target != nil, w, h)
	var minX, maxX time.Time
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, s := range l.Series {
		for _, p := range s.Points {
			if !finite(p.Y) {
				continue
			}
			if n == 0 || p.X.Before(minX) {
				minX = p.X
			}
			if n == 0 || p.X.After(maxX) {
				maxX = p.X
			}
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
			n++
		}
	}
	if n == 0 {
		fr.empty(c, l.Empty)
		return
	}
	if l.Target != nil && finite(*l.Target) {
		lo, hi = math.Min(lo, *l.Target), math.Max(hi, *l.Target)
	}
	if !l.Zoom {
		lo = math.Min(lo, 0) // counts read best from zero
	}
	ys := ticks(lo, hi, 4)
	lo, hi = ys[0], ys[len(ys)-1]
	span := maxX.Sub(minX).Seconds()
	x := func(t time.Time) float64 {
		if span == 0 {
			return fr.left + fr.width/2
		}
		return fr.left + t.Sub(minX).Seconds()/span*fr.width
	}
	y := func(v float64) float64 { return fr.top + fr.height - (v-lo)/(hi-lo)*fr.height }

	fr.yAxis(c, ys, y, l.Numbers)
	// Dates: the first, the last and up to three between.
	c.Text(fr.left, fr.top+fr.height+14, l.Dates.format(minX), 10, muted, Start)
	if span > 0 {
		c.Text(fr.left+fr.width, fr.top+fr.height+14, l.Dates.format(maxX), 10, muted, End)
		if fr.width > 300 {
			for i := 1; i <= 3; i++ {
				t := minX.Add(time.Duration(float64(maxX.Sub(minX)) * float64(i) / 4))
				c.Text(x(t), fr.top+fr.height+14, l.Dates.format(t), 10, muted, Middle)
			}
		}
	}
	if l.Target != nil && finite(*l.Target) {
		ty := y(*l.Target)
		c.Line(fr.left, ty, fr.left+fr.width, ty, target, 1.5, true)
	}
	var legend []legendItem
	for i, s := range l.Series {
		pts := slices.Clone(s.Points)
		slices.SortStableFunc(pts, func(a, b Point) int { return a.X.Compare(b.X) })
		var line []XY
		for _, p := range pts {
			if finite(p.Y) {
				line = append(line, XY{x(p.X), y(p.Y)})
			}
		}
		col := SeriesColor(i)
		switch len(line) {
		case 0:
		case 1:
			c.Rect(line[0].X-2.5, line[0].Y-2.5, 5, 5, col)
		default:
			c.Polyline(line, col, 2)
		}
		legend = append(legend, legendItem{s.Name, col, false})
	}
	if l.Target != nil && finite(*l.Target) {
		legend = append(legend, legendItem{l.TargetLabel, target, true})
	}
	fr.legend(c, legend)
}
