package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"gears"
	"gears/locale"
	"gears/recommend"
	"gears/report"
	"gears/roi"
	"gears/store"
)

// renderReportPDF answers with the report as a PDF, in the reader's
// language. The PDF is laid out in memory first, so that a failure is an
// error page, not half a file.
func (s *Server) renderReportPDF(w http.ResponseWriter, r *http.Request, d *store.ReportData) error {
	var buf bytes.Buffer
	if err := writeReportPDF(&buf, info(r).lang, d); err != nil {
		return gears.Internal("report pdf: %w", err)
	}
	name := fmt.Sprintf("report-%d-%s-%s.pdf", d.WorkspaceID, d.Period.From.Format(gears.DateLayout), d.Period.To.Format(gears.DateLayout))
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err := buf.WriteTo(w)
	return err
}

// writeReportPDF writes the report of d as a PDF in lang: the summary's
// figures, then each chart, the ROI tables with their arithmetic, and what
// the figures do without.
func writeReportPDF(w io.Writer, lang string, d *store.ReportData) error {
	T := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	v := reportView(lang, d)
	num := func(n int64) string { return T("roi.plain", roi.Count(n)) }
	// Hours with one decimal, as the page shows them: "0,8 h".
	hours := func(h float64) string { return T("reportpdf.hours_value", locale.Number(lang, h, 1)) }
	signed := func(n int64) string {
		if n > 0 {
			return "+" + num(n)
		}
		return num(n)
	}
	sum := d.Summary
	doc := report.Document{
		Title:    d.WorkspaceName,
		Subtitle: T("reportpdf.subtitle", v.Period),
		Footer:   T("reportpdf.footer", v.Period),
	}
	// Each figure with, under it, how it moved since the period before
	// (keyed as the page's figures).
	for _, f := range []struct{ key, label, value string }{
		{"posts", T("reports.posts"), num(sum.Posts)},
		{"engagements", T("reports.engagements"), num(sum.Engagements)},
		{"followers_delta", T("reports.followers_delta"), signed(sum.FollowersDelta)},
		{"clicks", T("reports.clicks"), num(sum.Clicks)},
		{"hours_strategy", T("gear.strategy"), hours(sum.Hours.Strategy)},
		{"hours_maintenance", T("gear.maintenance"), hours(sum.Hours.Maintenance)},
		{"hours_metrics", T("gear.metrics"), hours(sum.Hours.Metrics)},
		{"cost", T("reports.cost"), v.Cost},
		{"value", T("reports.value"), v.Value},
		{"roi", T("reports.roi"), v.ROI},
	} {
		fig := report.Figure{Label: f.label, Value: f.value}
		if c := v.Change(f.key); c != nil {
			fig.Note = c.Text
		}
		doc.Figures = append(doc.Figures, fig)
	}
	if v.Compared != "" {
		doc.Subtitle += "\n" + v.Compared
	}
	charts := map[string]report.Section{}
	for _, c := range reportChartSet(lang, d) {
		charts[c.Name] = report.Section{Heading: c.Chart.Label(), Chart: c.Chart}
	}
	for _, name := range []string{"engagement", "best_hours", "followers", "hours", "planned_actual", "roi"} {
		doc.Sections = append(doc.Sections, charts[name])
	}
	for _, t := range v.Tables {
		tab := &report.Table{Header: []string{T("reports.line"), T("reports.hours"), T("reports.cost"), T("reports.value"), T("reports.roi")}}
		sec := report.Section{Heading: T("reports.roi") + " · " + T(t.Title), Table: tab}
		for _, l := range append(t.Lines, t.Total) {
			tab.Rows = append(tab.Rows, []string{l.Key, hours(l.Hours), l.Cost, l.Value, l.ROI})
		}
		for _, step := range t.Total.Steps {
			sec.Notes = append(sec.Notes, step)
		}
		doc.Sections = append(doc.Sections, sec)
	}
	if len(d.TopPosts) > 0 {
		loc := d.Location()
		tab := &report.Table{Header: []string{T("reports.post"), T("reports.published"), T("reports.engagements"), T("reports.clicks")}}
		for _, p := range d.TopPosts {
			tab.Rows = append(tab.Rows, []string{T("network."+string(p.Network)) + " · " + strings.Join(strings.Fields(p.Text), " "),
				p.PublishedAt.In(loc).Format("2006-01-02 15:04"), num(p.Engagements), num(p.Clicks)})
		}
		doc.Sections = append(doc.Sections, report.Section{Heading: T("reports.top_posts"), Table: tab,
			Notes: []string{T("reports.top_posts_help.engagements")}})
	}
	if b := v.Recommendations; b != nil {
		sec := report.Section{Heading: b.Title}
		if len(b.Groups) == 0 {
			sec.Notes = append(sec.Notes, b.None)
		}
		for _, g := range b.Groups {
			for _, it := range g.Items {
				text := g.Title + ": " + it.Text
				if it.Status == recommend.InsufficientData {
					text = b.Insufficient + " · " + text
				}
				sec.Notes = append(sec.Notes, text)
				for _, e := range it.Evidence {
					sec.Notes = append(sec.Notes, "    – "+e)
				}
			}
		}
		doc.Sections = append(doc.Sections, sec)
	}
	if len(v.Missing) > 0 {
		doc.Sections = append(doc.Sections, report.Section{Heading: T("reportpdf.missing"), Notes: v.Missing})
	}
	return report.PDF(w, doc)
}
