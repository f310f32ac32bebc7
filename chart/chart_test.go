package chart_test

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears/chart"
)

// record is a canvas that keeps what was drawn.
type record struct {
	rects []rect
	lines []line
	polys [][]chart.XY
	texts []text
}

type rect struct {
	x, y, w, h float64
	fill       chart.Color
}
type line struct {
	x1, y1, x2, y2 float64
	dashed         bool
}
type text struct {
	x, y float64
	s    string
}

func (r *record) Rect(x, y, w, h float64, fill chart.Color) {
	r.rects = append(r.rects, rect{x, y, w, h, fill})
}
func (r *record) Line(x1, y1, x2, y2 float64, _ chart.Color, _ float64, dashed bool) {
	r.lines = append(r.lines, line{x1, y1, x2, y2, dashed})
}
func (r *record) Polyline(p []chart.XY, _ chart.Color, _ float64) { r.polys = append(r.polys, p) }
func (r *record) Text(x, y float64, s string, _ float64, _ chart.Color, _ chart.Anchor) {
	r.texts = append(r.texts, text{x, y, s})
}

func (r *record) has(s string) bool {
	for _, t := range r.texts {
		if t.s == s {
			return true
		}
	}
	return false
}

func day(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }

func TestLineMapsValuesAndTarget(t *testing.T) {
	target := 100.0
	l := chart.Line{Title: "Followers", Target: &target, TargetLabel: "Target",
		Series: []chart.Series{{Name: "main", Points: []chart.Point{{day(3), 50}, {day(1), 10}, {day(2), 30}}}}}
	var r record
	l.Draw(&r, 600, 240)
	if len(r.polys) != 1 || len(r.polys[0]) != 3 {
		t.Fatalf("polylines %v", r.polys)
	}
	p := r.polys[0]
	// Sorted by time, left to right; higher values higher up (smaller y).
	if !(p[0].X < p[1].X && p[1].X < p[2].X) {
		t.Errorf("x not increasing with time: %v", p)
	}
	if !(p[0].Y > p[1].Y && p[1].Y > p[2].Y) {
		t.Errorf("y not rising with the values 10, 30, 50: %v", p)
	}
	// The target is a dashed line above every point, as 100 > 50.
	var dashed []line
	for _, ln := range r.lines {
		if ln.dashed {
			dashed = append(dashed, ln)
		}
	}
	if len(dashed) == 0 || dashed[0].y1 >= p[2].Y {
		t.Fatalf("target line %v, highest point %v", dashed, p[2])
	}
	// Linear: 30 is halfway between 10 and 50.
	if mid := (p[0].Y + p[2].Y) / 2; math.Abs(mid-p[1].Y) > 0.01 {
		t.Errorf("30 at y %.2f, want %.2f", p[1].Y, mid)
	}
	for _, want := range []string{"2026-11-01", "2026-11-03", "Target", "100"} {
		if !r.has(want) {
			t.Errorf("no text %q in %v", want, r.texts)
		}
	}
}

func TestEmptyChartsSaySo(t *testing.T) {
	for _, c := range []chart.Chart{
		chart.Line{Title: "t", Empty: "No data yet"},
		chart.Bars{Title: "t", Empty: "No data yet"},
		chart.Heatmap{Title: "t", Rows: []string{"Mon"}, Cols: []string{"0"}, Values: [][]float64{{math.NaN()}}, Empty: "No data yet"},
	} {
		var r record
		c.Draw(&r, 400, 200)
		if !r.has("No data yet") || len(r.polys) != 0 {
			t.Errorf("%T: texts %v, polylines %d", c, r.texts, len(r.polys))
		}
	}
}

func TestBarsStraddleZero(t *testing.T) {
	b := chart.Bars{Title: "ROI", Labels: []string{"spring", "autumn"}, Groups: []chart.Group{{Name: "ROI", Values: []float64{150, -50}}}}
	var r record
	b.Draw(&r, 400, 200)
	var bars []rect
	for _, x := range r.rects {
		if x.fill == chart.SeriesColor(0) {
			bars = append(bars, x)
		}
	}
	if len(bars) != 2 {
		t.Fatalf("bars %v", bars)
	}
	// The positive bar ends where the negative one starts: at zero.
	if zeroA, zeroB := bars[0].y+bars[0].h, bars[1].y; math.Abs(zeroA-zeroB) > 0.01 {
		t.Errorf("zero at %.2f and %.2f", zeroA, zeroB)
	}
	if bars[0].h <= bars[1].h*2.5 {
		t.Errorf("150 drawn %.1f high, -50 drawn %.1f: not 3 to 1", bars[0].h, bars[1].h)
	}
}

func TestHeatmapShadesByValue(t *testing.T) {
	m := chart.Heatmap{Rows: []string{"Mon", "Tue"}, Cols: []string{"9", "10"},
		Values: [][]float64{{0, 10}, {5, math.NaN()}}}
	var r record
	m.Draw(&r, 300, 150)
	if len(r.rects) != 4 {
		t.Fatalf("cells %d", len(r.rects))
	}
	dark := func(c chart.Color) int { return -(int(c.R) + int(c.G) + int(c.B)) }
	zero, ten, five, none := r.rects[0].fill, r.rects[1].fill, r.rects[2].fill, r.rects[3].fill
	if !(dark(ten) > dark(five) && dark(five) > dark(zero)) {
		t.Errorf("shades not in order of 0 < 5 < 10: %v %v %v", zero, five, ten)
	}
	if none == zero {
		t.Errorf("a cell without data looks like a zero")
	}
}

func TestSVGIsWellFormedAndInert(t *testing.T) {
	hostile := `</text><script>alert(1)</script><text onload="x">&amp;`
	svg := string(chart.SVG(chart.Line{Title: hostile, Series: []chart.Series{
		{Name: hostile, Points: []chart.Point{{day(1), 1}, {day(2), 2}}},
		{Name: "b", Points: []chart.Point{{day(1), 2}}}}}, 640, 240))
	d := xml.NewDecoder(strings.NewReader(svg))
	allowed := map[string]bool{"svg": true, "title": true, "rect": true, "line": true, "polyline": true, "text": true}
	texts := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if !allowed[se.Name.Local] {
				t.Errorf("element %q in the SVG", se.Name.Local)
			}
			for _, a := range se.Attr {
				if strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("attribute %q in the SVG", a.Name.Local)
				}
			}
		}
		if cd, ok := tok.(xml.CharData); ok && string(cd) == hostile {
			texts++
		}
	}
	if texts < 2 { // the title and the legend keep the name, as text
		t.Errorf("the hostile name appears as text %d times, want 2 (title, legend)", texts)
	}
}

func TestPlain(t *testing.T) {
	for in, want := range map[float64]string{0: "0", -0.0001: "0", 2.5: "2.5", 3: "3", 1234: "1.2k", 15000: "15k", 2_500_000: "2.5M", -40: "-40", 0.125: "0.13"} {
		if got := chart.Plain(in); got != want {
			t.Errorf("Plain(%v) = %q, want %q", in, got, want)
		}
	}
}

// comma writes a figure with a decimal comma, rounded to decimals places
// (a stand-in for locale.Number).
func comma(v float64, decimals int) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', decimals, 64), ".", ",", 1)
}

func TestCompact(t *testing.T) {
	var asked []int
	nums := chart.Compact(func(v float64, decimals int) string { asked = append(asked, decimals); return comma(v, decimals) })
	for in, want := range map[float64]string{2.5: "2,50", 1234: "1,2k", 15000: "15k", 2_500_000: "2,5M", -40: "-40,00"} {
		if got := nums(in); got != want {
			t.Errorf("Compact(%v) = %q, want %q", in, got, want)
		}
	}
	// The writer is asked for at most two decimals under a thousand, one
	// for thousands and millions, none for tens of thousands.
	for _, d := range asked {
		if d < 0 || d > 2 {
			t.Errorf("the writer was asked for %d decimals", d)
		}
	}
	// The axes use it.
	var r record
	chart.Bars{Labels: []string{"a", "b"}, Groups: []chart.Group{{Name: "g", Values: []float64{0.5, 1.5}}}, Numbers: nums}.Draw(&r, 600, 240)
	if !r.has("0,50") || r.has("0.5") {
		t.Errorf("the axis is not written by Numbers: %v", r.texts)
	}
}

func TestHeatmapMaxLabel(t *testing.T) {
	m := chart.Heatmap{Rows: []string{"Mon"}, Cols: []string{"0", "1"}, Values: [][]float64{{1.5, 3.25}}}
	var plain, translated record
	m.Draw(&plain, 600, 240)
	if !plain.has("max 3.25") {
		t.Errorf("the scale's label without Max: %v", plain.texts)
	}
	m.Max, m.Numbers = "máx. %s", chart.Compact(comma)
	m.Draw(&translated, 600, 240)
	if !translated.has("máx. 3,25") {
		t.Errorf("the scale's label with Max: %v", translated.texts)
	}
}

func TestLineZoomFitsTheValues(t *testing.T) {
	series := []chart.Series{{Name: "followers", Points: []chart.Point{{day(1), 1970}, {day(2), 2000}, {day(3), 2107}}}}
	var full, zoomed record
	chart.Line{Series: series}.Draw(&full, 600, 240)
	chart.Line{Series: series, Zoom: true}.Draw(&zoomed, 600, 240)
	rise := func(r record) float64 { p := r.polys[0]; return p[0].Y - p[2].Y }
	// From zero, a rise of 137 on 2107 is a sliver; zoomed, it fills most
	// of the plot.
	if rise(zoomed) < 4*rise(full) {
		t.Errorf("the zoomed line rises %.1f, the full one %.1f", rise(zoomed), rise(full))
	}
	if zoomed.has("0") {
		t.Errorf("the zoomed axis still starts at zero: %v", zoomed.texts)
	}
}
