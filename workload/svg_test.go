package workload_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"gears/locale"
	"gears/workload"
)

// svgDoc is what the test reads back from a drawing.
type svgDoc struct {
	Title string
	Paths map[string]string // data-gear → d
	Texts map[string]string // data-gear → label
	Other []string          // every element name seen
}

// parseSVG parses b as XML, failing the test if it is not well formed.
func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	doc := svgDoc{Paths: map[string]string{}, Texts: map[string]string{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var inTitle bool
	var textGear string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, b)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			doc.Other = append(doc.Other, tok.Name.Local)
			attr := func(name string) string {
				for _, a := range tok.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch tok.Name.Local {
			case "title":
				inTitle = true
			case "path":
				doc.Paths[attr("data-gear")] = attr("d")
			case "text":
				textGear = attr("data-gear")
			}
		case xml.CharData:
			if inTitle {
				doc.Title += string(tok)
			}
			if textGear != "" {
				doc.Texts[textGear] += string(tok)
			}
		case xml.EndElement:
			inTitle, textGear = false, ""
		}
	}
	return doc
}

// polygonArea returns the area of the polygon of SVG path data made of M,
// L and Z commands with "x,y" pairs (the shoelace formula).
func polygonArea(t *testing.T, d string) float64 {
	t.Helper()
	var xs, ys []float64
	for _, f := range strings.Fields(d) {
		if f == "Z" {
			continue
		}
		x, y, ok := strings.Cut(strings.TrimLeft(f, "ML"), ",")
		fx, err1 := strconv.ParseFloat(x, 64)
		fy, err2 := strconv.ParseFloat(y, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad path point %q", f)
		}
		xs, ys = append(xs, fx), append(ys, fy)
	}
	var a float64
	for i := range xs {
		j := (i + 1) % len(xs)
		a += xs[i]*ys[j] - xs[j]*ys[i]
	}
	return math.Abs(a) / 2
}

func TestSVGAreasProportionalToHours(t *testing.T) {
	t.Parallel()
	for _, in := range []workload.Input{workload.Typical(), {Networks: 1, PostsPerWeek: 2, PlanWeeks: 52}, {Networks: 12, MentionsPerWeek: 5000, ReportsPerMonth: 8, Languages: 3}} {
		r, err := workload.Estimate(in)
		if err != nil {
			t.Fatal(err)
		}
		tr := func(k string, a ...any) string { return locale.T("en", k, a...) }
		doc := parseSVG(t, workload.SVG(r, r.Labels(tr)))
		if doc.Title != "Social media workload: the three gears" {
			t.Errorf("title = %q", doc.Title)
		}
		for _, el := range doc.Other {
			if el == "script" || el == "foreignObject" || el == "image" {
				t.Errorf("drawing contains <%s>", el)
			}
		}
		hours := map[string]float64{"strategy": r.StrategyWeekly(), "maintenance": r.Maintenance.WeeklyHours, "metrics": r.Metrics.WeeklyHours}
		if len(doc.Paths) != 3 {
			t.Fatalf("%d gears drawn, want 3", len(doc.Paths))
		}
		areaPerHour := polygonArea(t, doc.Paths["maintenance"]) / hours["maintenance"]
		for g, h := range hours {
			got := polygonArea(t, doc.Paths[g]) / areaPerHour
			if math.Abs(got-h)/h > 0.01 {
				t.Errorf("%s: area says %.2f h/week, want %.2f (±1 %%)", g, got, h)
			}
		}
		want := "Strategy: " + strconv.FormatFloat(r.Strategy.TotalHours, 'f', -1, 64) + " h over " + strconv.Itoa(r.PlanWeeks) + " weeks"
		if !strings.HasPrefix(doc.Texts["strategy"], want) {
			t.Errorf("strategy label = %q, want it to start %q", doc.Texts["strategy"], want)
		}
	}
}

func TestSVGEscapesLabels(t *testing.T) {
	t.Parallel()
	r, err := workload.Estimate(workload.Typical())
	if err != nil {
		t.Fatal(err)
	}
	hostile := `</text><script>alert("x")</script><text a='1'>&amp;`
	b := workload.SVG(r, workload.Labels{Title: hostile, Strategy: hostile, Maintenance: "M & <b>", Metrics: "]]>", Note: hostile})
	if bytes.Contains(b, []byte("<script")) {
		t.Fatalf("hostile label reached the SVG unescaped:\n%s", b)
	}
	doc := parseSVG(t, b)
	if doc.Title != hostile || doc.Texts["strategy"] != hostile || doc.Texts["maintenance"] != "M & <b>" {
		t.Errorf("labels did not survive escaping: title %q, strategy %q, maintenance %q", doc.Title, doc.Texts["strategy"], doc.Texts["maintenance"])
	}
}

func TestSVGZeroGear(t *testing.T) {
	t.Parallel()
	r, err := workload.Estimate(workload.Input{}) // no networks, no volume
	if err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, workload.SVG(r, workload.Labels{Title: "t"}))
	for g, d := range doc.Paths {
		if a := polygonArea(t, d); math.IsNaN(a) || a <= 0 {
			t.Errorf("%s: area %v", g, a)
		}
	}
}
