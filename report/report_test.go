package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"gears/chart"
	"gears/report"
	"gears/report/reporttest"
)

func document(sections int) report.Document {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var pts []chart.Point
	for i := range 30 {
		pts = append(pts, chart.Point{X: at.AddDate(0, 0, i), Y: float64(i * i)})
	}
	d := report.Document{
		Title:    "Café Olé (ejemplo)",
		Subtitle: "Informe · 1 nov 2026 – 30 nov 2026",
		Figures: []report.Figure{{"Publicaciones", "42", "+5 % (antes 40)"}, {"Interacciones", "1.234", ""}, {"Coste", "1.200,50 €", ""},
			{"ROI", "−12,5 %", "−2,5 puntos (antes −10 %)"}},
		Footer:    "Gears",
		Generated: at,
	}
	for i := range sections {
		d.Sections = append(d.Sections, report.Section{
			Heading: fmt.Sprintf("Sección %d", i+1),
			Chart:   chart.Line{Title: "Interacciones por día", Series: []chart.Series{{Name: "todas", Points: pts}}},
			Table:   &report.Table{Header: []string{"Campaña", "Coste", "Valor", "ROI"}, Rows: [][]string{{"Primavera", "100,00 €", "150,00 €", "50 %"}}},
			Notes:   []string{"ROI = (valor − coste) ÷ coste = (150,00 € − 100,00 €) ÷ 100,00 € = 50 %"},
		})
	}
	return d
}

func TestPDFSaysWhatTheDocumentSays(t *testing.T) {
	var buf bytes.Buffer
	if err := report.PDF(&buf, document(3)); err != nil {
		t.Fatal(err)
	}
	pages, err := reporttest.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// Three charts of 220 points do not fit one A4 page with the summary.
	if len(pages) < 2 {
		t.Fatalf("%d pages, want at least 2", len(pages))
	}
	all := ""
	for _, p := range pages {
		all += p.Joined() + "\n"
	}
	for _, want := range []string{"Café Olé (ejemplo)", "Informe · 1 nov 2026 – 30 nov 2026", "1.200,50 €", "Sección 3",
		"Primavera", "50 %", "(150,00 € - 100,00 €)", "-12,5 %", "+5 % (antes 40)", "-2,5 puntos (antes -10 %)", fmt.Sprintf("1 / %d", len(pages))} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF does not say %q; it says:\n%s", want, all)
		}
	}
	// The chart is drawn: a 30-point line is 29 segments, plus the axes.
	if pages[0].Lines < 29 {
		t.Errorf("page 1 has %d segments: no chart drawn", pages[0].Lines)
	}
}

func TestPDFWithoutCharts(t *testing.T) {
	var with, without bytes.Buffer
	if err := report.PDF(&with, document(1)); err != nil {
		t.Fatal(err)
	}
	d := document(1)
	d.Sections[0].Chart = nil
	if err := report.PDF(&without, d); err != nil {
		t.Fatal(err)
	}
	a, err := reporttest.Read(with.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	b, err := reporttest.Read(without.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// The reader sees the difference a chart makes, so the test above can fail.
	if a[0].Lines <= b[0].Lines+20 {
		t.Errorf("segments with a chart %d, without %d", a[0].Lines, b[0].Lines)
	}
}

func TestPDFNeedsATitle(t *testing.T) {
	if err := report.PDF(&bytes.Buffer{}, report.Document{}); err == nil {
		t.Fatal("a document without a title was written")
	}
}

func TestReadRefusesWhatIsNotAPDF(t *testing.T) {
	for _, b := range []string{"", "hello", "%PDF-1.3\n1 0 obj<<>>endobj"} {
		if _, err := reporttest.Read([]byte(b)); err == nil {
			t.Errorf("Read(%q) succeeded", b)
		}
	}
}
