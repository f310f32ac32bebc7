package workload

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
)

// Labels are the texts of a drawing, already translated.
type Labels struct {
	Title       string // the drawing's <title>
	Strategy    string // under the blue gear
	Maintenance string // under the green gear
	Metrics     string // under the red gear
	Note        string // how to read the drawing
}

// Labels returns the texts of r's drawing translated by tr, e.g.
// func(k string, a ...any) string { return locale.T(lang, k, a...) }. The
// hours are handed to tr as numbers locale.T writes in its language
// (locale.Numeral): "23.8" in English, "23,8" in Spanish.
func (r Result) Labels(tr func(key string, args ...any) string) Labels {
	return Labels{
		Title:       tr("planner.svg.title"),
		Strategy:    tr("planner.svg.strategy", tenths(r.Strategy.TotalHours), r.PlanWeeks, tenths(r.StrategyWeekly())),
		Maintenance: tr("planner.svg.maintenance", tenths(r.Maintenance.WeeklyHours)),
		Metrics:     tr("planner.svg.metrics", tenths(r.Metrics.WeeklyHours)),
		Note:        tr("planner.svg.note"),
	}
}

// Gear colours.
const (
	colourStrategy    = "#2563eb" // blue
	colourMaintenance = "#16a34a" // green
	colourMetrics     = "#dc2626" // red
)

// Drawing geometry, in SVG user units.
const (
	gearTeeth   = 12
	rootRatio   = 0.78  // root radius ÷ tip radius
	maxRadius   = 110.0 // tip radius of the largest gear
	slotWidth   = 320.0 // horizontal room of each gear
	topMargin   = 50.0
	labelHeight = 70.0
)

// SVG draws the three gears of r as toothed gears whose areas are
// proportional to their hours per week: maintenance and metrics as they are,
// strategy as its total spread over r.PlanWeeks. The SVG is standalone and
// inert (no scripts, no external references); every text is escaped.
func SVG(r Result, l Labels) []byte {
	hours := []float64{r.StrategyWeekly(), r.Maintenance.WeeklyHours, r.Metrics.WeeklyHours}
	gears := []struct {
		gear   Gear
		colour string
		label  string
	}{
		{Strategy, colourStrategy, l.Strategy},
		{Maintenance, colourMaintenance, l.Maintenance},
		{Metrics, colourMetrics, l.Metrics},
	}
	largest := math.Max(hours[0], math.Max(hours[1], hours[2]))
	width, height := slotWidth*3, topMargin+2*maxRadius+labelHeight
	cy := topMargin + maxRadius

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="gears-title">`+"\n",
		num(width), num(height), num(width), num(height))
	b.WriteString(`<title id="gears-title">` + escape(l.Title) + "</title>\n")
	fmt.Fprintf(&b, `<text x="%s" y="28" text-anchor="middle" font-family="sans-serif" font-size="16">%s</text>`+"\n",
		num(width/2), escape(l.Note))
	for i, g := range gears {
		cx := slotWidth*float64(i) + slotWidth/2
		if radius := gearRadius(hours[i], largest); radius > 0 {
			fmt.Fprintf(&b, `<path data-gear="%s" d="%s" fill="%s"/>`+"\n", g.gear, gearPath(cx, cy, radius), g.colour)
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="#ffffff"/>`+"\n", num(cx), num(cy), num(round(radius*0.22, 2)))
		}
		fmt.Fprintf(&b, `<text data-gear="%s" x="%s" y="%s" text-anchor="middle" font-family="sans-serif" font-size="14">%s</text>`+"\n",
			g.gear, num(cx), num(topMargin+2*maxRadius+35), escape(g.label))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// gearRadius returns the tip radius that makes a gear's area proportional
// to its hours: the largest gear gets maxRadius.
func gearRadius(hours, largest float64) float64 {
	if hours <= 0 || largest <= 0 {
		return 0
	}
	return maxRadius * math.Sqrt(hours/largest)
}

// gearOutline returns the outline of a gear of tip radius 1 centred on the
// origin. Every gear is this shape scaled, so areas go with radius squared.
func gearOutline() [][2]float64 {
	// Fractions of one tooth period: root, flank up, tip, flank down, root.
	steps := []struct{ at, radius float64 }{
		{0, rootRatio}, {0.2, 1}, {0.45, 1}, {0.65, rootRatio}, {0.825, rootRatio},
	}
	var pts [][2]float64
	period := 2 * math.Pi / gearTeeth
	for t := range gearTeeth {
		for _, s := range steps {
			a := period * (float64(t) + s.at)
			pts = append(pts, [2]float64{s.radius * math.Cos(a), s.radius * math.Sin(a)})
		}
	}
	return pts
}

// gearPath returns the SVG path data of a gear of tip radius r at (cx, cy).
func gearPath(cx, cy, r float64) string {
	var b bytes.Buffer
	for i, p := range gearOutline() {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&b, "%s%s,%s ", cmd, num(round(cx+r*p[0], 2)), num(round(cy+r*p[1], 2)))
	}
	b.WriteString("Z")
	return b.String()
}

// escape returns s escaped for XML text and attribute values.
func escape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writing to a bytes.Buffer cannot fail
	return b.String()
}
