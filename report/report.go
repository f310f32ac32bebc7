// Package report lays out a report (its summary figures, charts, tables
// and notes, all already translated and formatted) as a PDF document, with
// the charts of package chart drawn as vector graphics.
//
// The PDF uses the standard Helvetica face in the Windows-1252 encoding,
// which covers English and Spanish; signs it lacks become their nearest
// (− as -, thin spaces as spaces), and a character outside it (an emoji in a
// campaign's name) prints as a dot.
package report

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"gears/chart"
)

// Document is a report ready to lay out: every string is in the reader's
// language, every number already formatted.
type Document struct {
	Title     string   // the workspace's name
	Subtitle  string   // what and when: "Report · 1 Nov 2026 – 30 Nov 2026"
	Figures   []Figure // the summary
	Sections  []Section
	Footer    string    // left of the page number: "Gears · generated 2026-11-26 10:00"
	Generated time.Time // the PDF's creation date
}

// Figure is one number of the summary, with an optional note under it
// (how it compares with the period before).
type Figure struct{ Label, Value, Note string }

// Section is a heading followed by any of a chart, a table and notes.
type Section struct {
	Heading string
	Chart   chart.Chart // nil: none
	Table   *Table
	Notes   []string // paragraphs (ROI's arithmetic, recommendations, what was missing)
}

// Table is a grid of text; the first column is the widest.
type Table struct {
	Header []string
	Rows   [][]string
}

// nearest replaces characters our messages use that Windows-1252 lacks
// with the nearest it has.
var nearest = strings.NewReplacer(
	"\u2212", "-", // minus sign
	"\u2009", " ", "\u202f", " ", "\u200a", " ", // thin and narrow spaces
	"\u2248", "~", // almost equal
	"\u2192", "->", "\u2190", "<-",
	"\u2264", "<=", "\u2265", ">=",
)

// Page geometry, in points: A4 with 40-point margins.
const (
	pageW, pageH = 595.28, 841.89
	margin       = 40.0
	contentW     = pageW - 2*margin
	chartH       = 220.0
	lineH        = 14.0
)

// PDF writes the document as a PDF.
func PDF(w io.Writer, d Document) error {
	if d.Title == "" {
		return errors.New("report: a document needs a title")
	}
	pdf := fpdf.New("P", "pt", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+10)
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(nearest.Replace(s)) }
	pdf.SetTitle(d.Title, true)
	pdf.SetCreator("Gears", true)
	pdf.SetProducer("Gears", true)
	if !d.Generated.IsZero() {
		pdf.SetCreationDate(d.Generated)
		pdf.SetModificationDate(d.Generated)
	}
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(0x77, 0x77, 0x77)
		pdf.CellFormat(contentW/2, 10, tr(d.Footer), "", 0, "L", false, 0, "")
		pdf.CellFormat(contentW/2, 10, fmt.Sprintf("%d / {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont("Helvetica", "B", 18)
	pdf.SetTextColor(0x22, 0x22, 0x22)
	pdf.MultiCell(contentW, 22, tr(d.Title), "", "L", false)
	if d.Subtitle != "" {
		pdf.SetFont("Helvetica", "", 11)
		pdf.SetTextColor(0x55, 0x55, 0x55)
		pdf.MultiCell(contentW, 16, tr(d.Subtitle), "", "L", false)
	}
	pdf.Ln(8)
	figures(pdf, tr, d.Figures)
	for _, s := range d.Sections {
		section(pdf, tr, s)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return pdf.Output(w)
}

// figures lays the summary out in three columns of label over value.
func figures(pdf *fpdf.Fpdf, tr func(string) string, fs []Figure) {
	const cols = 3
	colW := contentW / cols
	for i := 0; i < len(fs); i += cols {
		row := fs[i:min(i+cols, len(fs))]
		h := 36.0
		for _, f := range row {
			if f.Note != "" {
				h = 48
			}
		}
		room(pdf, h+4)
		y := pdf.GetY()
		for j, f := range row {
			x := margin + float64(j)*colW
			pdf.SetXY(x, y)
			pdf.SetFont("Helvetica", "", 9)
			pdf.SetTextColor(0x77, 0x77, 0x77)
			pdf.CellFormat(colW-6, 12, tr(f.Label), "", 2, "L", false, 0, "")
			pdf.SetFont("Helvetica", "B", 14)
			pdf.SetTextColor(0x22, 0x22, 0x22)
			pdf.CellFormat(colW-6, 18, tr(f.Value), "", 2, "L", false, 0, "")
			if f.Note != "" {
				pdf.SetFont("Helvetica", "", 8)
				pdf.SetTextColor(0x77, 0x77, 0x77)
				pdf.CellFormat(colW-6, 11, fitText(pdf, tr(f.Note), colW-6), "", 2, "L", false, 0, "")
			}
		}
		pdf.SetXY(margin, y+h)
	}
	pdf.Ln(6)
}

func section(pdf *fpdf.Fpdf, tr func(string) string, s Section) {
	need := 30.0
	if s.Chart != nil {
		need += chartH
	}
	room(pdf, need)
	pdf.SetFont("Helvetica", "B", 13)
	pdf.SetTextColor(0x22, 0x22, 0x22)
	pdf.MultiCell(contentW, 18, tr(s.Heading), "", "L", false)
	pdf.Ln(4)
	if s.Chart != nil {
		y := pdf.GetY()
		s.Chart.Draw(&canvas{pdf: pdf, tr: tr, ox: margin, oy: y}, contentW, chartH)
		pdf.SetXY(margin, y+chartH+8)
	}
	if s.Table != nil {
		table(pdf, tr, *s.Table)
	}
	pdf.SetFont("Helvetica", "", 10)
	pdf.SetTextColor(0x33, 0x33, 0x33)
	for _, n := range s.Notes {
		pdf.MultiCell(contentW, lineH, tr(n), "", "L", false)
		pdf.Ln(2)
	}
	pdf.Ln(10)
}

// table draws a grid, the first column twice as wide as the others, the
// header repeated on each new page.
func table(pdf *fpdf.Fpdf, tr func(string) string, t Table) {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	if n == 0 {
		return
	}
	unit := contentW / float64(n+1)
	width := func(i int) float64 {
		if i == 0 {
			return 2 * unit
		}
		return unit
	}
	row := func(cells []string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 9)
		for i := 0; i < n; i++ {
			text, align := "", "R"
			if i < len(cells) {
				text = cells[i]
			}
			if i == 0 {
				align = "L"
			}
			pdf.CellFormat(width(i), 16, fitText(pdf, tr(text), width(i)-4), "B", 0, align, false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.SetDrawColor(0xdd, 0xdd, 0xdd)
	pdf.SetLineWidth(0.5)
	pdf.SetTextColor(0x22, 0x22, 0x22)
	header := func() {
		if len(t.Header) > 0 {
			row(t.Header, true)
		}
	}
	header()
	for _, r := range t.Rows {
		if room(pdf, 16) {
			header()
		}
		row(r, false)
	}
	pdf.Ln(6)
}

// room starts a new page unless h points are left on this one, and says
// whether it did.
func room(pdf *fpdf.Fpdf, h float64) bool {
	if pdf.GetY()+h > pageH-margin-10 {
		pdf.AddPage()
		return true
	}
	return false
}

// fitText shortens s with "..." to fit width at the current font.
func fitText(pdf *fpdf.Fpdf, s string, width float64) string {
	if pdf.GetStringWidth(s) <= width {
		return s
	}
	r := []byte(s) // already Windows-1252: one byte a character
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"...") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}
