package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/chart"
	"gears/locale"
	"gears/roi"
	"gears/store"
)

// reportRoutes returns the routes of reports: the summary, charts, ROI, PDF
// and CSV exports, schedules, share links, and the rates and values ROI
// counts.
func (s *Server) reportRoutes() []Route {
	page, api := pageRoute, apiRoute
	const (
		reports  = gears.ActionViewReports
		settings = gears.ActionManageSettings
		members  = gears.ActionManageMembers
	)
	return []Route{
		page("GET", "/w/{ws}/metrics", Workspace, reports, s.reportPage),
		page("POST", "/w/{ws}/reports/share", Workspace, settings, s.createShareForm),
		page("POST", "/w/{ws}/reports/share/{share}/revoke", Workspace, settings, s.revokeShareForm),
		page("POST", "/w/{ws}/reports/schedules", Workspace, settings, s.createScheduleForm),
		page("POST", "/w/{ws}/reports/schedules/{schedule}/delete", Workspace, settings, s.deleteScheduleForm),
		page("POST", "/w/{ws}/members/{user}/rate", Workspace, members, s.setRateForm),
		page("POST", "/w/{ws}/settings/results", Workspace, settings, s.resultSettingsForm),
		page("GET", "/share/{token}", Public, "", s.sharedReport),
		api("GET", "/workspaces/{ws}/reports/summary", Workspace, reports, s.apiSummary),
		api("GET", "/workspaces/{ws}/reports/summary.csv", Workspace, reports, s.summaryCSV),
		api("GET", "/workspaces/{ws}/report.pdf", Workspace, reports, s.reportPDF),
		api("GET", "/workspaces/{ws}/reports/recommendations", Workspace, reports, s.apiRecommendations),
	}
}

func (s *Server) reportService() *store.ReportService { return store.NewReportService(s.db) }

// today returns the workspace's local date now.
func today(ws *gears.Workspace) time.Time { return time.Now().In(ws.Location()) }

// apiPeriod reads ?from=&to= (both absent: the last 30 days).
func apiPeriod(r *http.Request) (gears.ReportPeriod, error) {
	q := r.URL.Query()
	return gears.ParseReportPeriod(q.Get("from"), q.Get("to"), today(info(r).workspace))
}

// apiSummary answers GET /reports/summary.
func (s *Server) apiSummary(w http.ResponseWriter, r *http.Request) error {
	p, err := apiPeriod(r)
	if err != nil {
		return err
	}
	sum, err := s.reportService().Summary(r.Context(), info(r).workspace.ID, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

// summaryCSV answers GET /reports/summary.csv: the summary's numbers in one
// row, money as decimals of the currency. Every cell is ours (numbers,
// dates, a currency code), and text cells are defused all the same.
func (s *Server) summaryCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := apiPeriod(r)
	if err != nil {
		return err
	}
	ws := info(r).workspace
	sum, err := s.reportService().Summary(r.Context(), ws.ID, p)
	if err != nil {
		return err
	}
	header, row := summaryRecord(p, sum)
	name := fmt.Sprintf("summary-%d-%s-%s.csv", ws.ID, p.From.Format(gears.DateLayout), p.To.Format(gears.DateLayout))
	return writeCSV(w, name, header, [][]string{row})
}

// summaryRecord is the summary as CSV: the header and its one row.
func summaryRecord(p gears.ReportPeriod, sum *store.Summary) (header, row []string) {
	roiCell := ""
	if sum.ROI != nil {
		roiCell = strconv.FormatFloat(sum.ROI.Percent, 'f', 1, 64)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	header = []string{"from", "to", "posts", "engagements", "followers_delta", "clicks",
		"hours_strategy", "hours_maintenance", "hours_metrics", "currency", "cost", "value", "roi_percent"}
	row = []string{p.From.Format(gears.DateLayout), p.To.Format(gears.DateLayout),
		strconv.FormatInt(sum.Posts, 10), strconv.FormatInt(sum.Engagements, 10), strconv.FormatInt(sum.FollowersDelta, 10),
		strconv.FormatInt(sum.Clicks, 10), f(sum.Hours.Strategy), f(sum.Hours.Maintenance), f(sum.Hours.Metrics),
		csvSafe(sum.Cost.Currency), gears.FormatCents(sum.Cost.Amount), gears.FormatCents(sum.Value.Amount), roiCell}
	return header, row
}

// WriteSummaryCSV writes the summary of period p as CSV, exactly as GET
// /reports/summary.csv answers it (for the command line).
func WriteSummaryCSV(w io.Writer, p gears.ReportPeriod, sum *store.Summary) error {
	header, row := summaryRecord(p, sum)
	return encodeCSV(w, header, [][]string{row})
}

// reportPDF answers GET /report.pdf.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) error {
	p, err := apiPeriod(r)
	if err != nil {
		return err
	}
	data, err := s.reportService().Report(r.Context(), info(r).workspace.ID, p)
	if err != nil {
		return err
	}
	return s.renderReportPDF(w, r, data)
}

// Period choices of the report page.
const (
	periodThisMonth = "this_month"
	periodLastMonth = "last_month"
	periodLast30    = "last_30"
	periodCustom    = "custom"
)

// pagePeriod reads the page's period picker: ?period= one of the choices,
// with from and to for custom.
func pagePeriod(r *http.Request) (string, gears.ReportPeriod, error) {
	q := r.URL.Query()
	now := today(info(r).workspace)
	t := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	choice := q.Get("period")
	if choice == "" && (q.Get("from") != "" || q.Get("to") != "") {
		choice = periodCustom
	}
	switch choice {
	case periodThisMonth:
		return choice, gears.ReportPeriod{From: first, To: t}, nil
	case periodLastMonth:
		return choice, gears.ReportPeriod{From: first.AddDate(0, -1, 0), To: first.AddDate(0, 0, -1)}, nil
	case periodCustom:
		p, err := gears.ParseReportPeriod(q.Get("from"), q.Get("to"), now)
		return choice, p, err
	case "", periodLast30:
		return periodLast30, gears.LastDays(now, 30), nil
	}
	return periodLast30, gears.LastDays(now, 30), gears.Invalid("period", "reports.bad_period")
}

// reportPage is what the report page and the shared report show.
type reportPage struct {
	Choice, From, To string
	Err              *formError
	Data             *store.ReportData
	Period           string // "1 Jan 2026 – 31 Jan 2026"
	// Changes says under each figure of the summary how it moved since
	// the period of as many days before (keyed as the figures' data-k);
	// Compared says which period that was. Both empty without one.
	Changes  map[string]summaryChange
	Compared string
	// PostSort is the order of the top posts shown.
	PostSort         gears.PostSort
	Cost, Value, ROI string
	Missing          []string
	Tables           []roiTable
	Heat             []bestHoursRow
	HeatMax          float64
	Followers        []followerRow
	Weeks            []weekRow
	// Charts holds the SVG of each chart by name (engagement, best_hours,
	// followers, hours, planned_actual, roi), drawn on the server by
	// package chart from our own numbers (its text escaped).
	Charts map[string]template.HTML
	// Recommendations is the block of what to change (partial
	// "recommendations"), every text translated.
	Recommendations *recommendationsBlock
	Shared          bool // the read-only page of a share link
	Manager         bool // may share and schedule
	Links           []*gears.ShareLink
	NewLink         string // a share link just made, shown once
	Sched           []*gears.ReportSchedule
	SchedErr        *formError
	ShareErr        *formError
	Freq            string
	Rcpts           string
}

type roiTable struct {
	Title string
	Lines []roiLine
	Total roiLine
}

type roiLine struct {
	Key, Cost, Value, ROI string
	Hours                 float64
	Steps, Missing        []string
}

type bestHoursRow struct {
	Day   string
	Cells []bestHoursCell
}

type bestHoursCell struct {
	Hour        int
	Posts       int64
	PerPost     float64
	Level       int // 0 (none) to 4, of the best cell
	Engagements int64
}

type followerRow struct {
	Account     string
	First, Last int64
	Delta       int64
}

type weekRow struct {
	Week                         time.Time
	Gear                         string
	Planned, Tracked, Difference float64
}

// money writes an amount in the language.
func money(lang string, m roi.Money) string {
	return locale.T(lang, m.MessageKey(), m.MessageArgs()...)
}

// missingText writes what ROI did without; hours without a rate of a
// redacted report name nobody.
func missingText(lang string, m roi.Missing) string {
	if m.Kind == roi.MissingRate && m.Person == "" {
		return locale.T(lang, "reports.missing.rate_anonymous", m.MessageArgs()[1])
	}
	return locale.T(lang, m.MessageKey(), m.MessageArgs()...)
}

func lineView(lang string, dim roi.Dimension, l roi.Line) roiLine {
	v := roiLine{Key: l.Key, Hours: l.Hours, Cost: money(lang, l.Cost), Value: money(lang, l.Value), ROI: "—"}
	switch {
	case l.Key == roi.None:
		v.Key = locale.T(lang, "roi.none")
	case l.Key == roi.TotalKey:
		v.Key = locale.T(lang, "reports.total")
	case dim == roi.ByGear:
		v.Key = locale.T(lang, "gear."+l.Key)
	case dim == roi.ByNetwork && locale.Has("network."+l.Key):
		v.Key = locale.T(lang, "network."+l.Key)
	}
	if l.ROI != nil {
		v.ROI = locale.T(lang, l.ROI.MessageKey(), l.ROI.MessageArgs()...)
	}
	for _, s := range l.Steps {
		v.Steps = append(v.Steps, locale.T(lang, s.MessageKey(), s.MessageArgs()...))
	}
	for _, m := range l.Missing {
		v.Missing = append(v.Missing, missingText(lang, m))
	}
	return v
}

// reportView turns report data into what the template shows, in lang.
func reportView(lang string, d *store.ReportData) *reportPage {
	p := &reportPage{Data: d, From: d.Period.From.Format(gears.DateLayout), To: d.Period.To.Format(gears.DateLayout)}
	p.Period = locale.T(lang, "reports.period_range", p.From, p.To)
	p.Cost, p.Value, p.ROI = money(lang, d.Summary.Cost), money(lang, d.Summary.Value), "—"
	if r := d.Summary.ROI; r != nil {
		x := roi.ROI{Gain: r.Gain, Cost: r.Cost}
		p.ROI = locale.T(lang, x.MessageKey(), x.MessageArgs()...)
	}
	for _, m := range d.Summary.Missing {
		p.Missing = append(p.Missing, missingText(lang, m))
	}
	if p.Changes = summaryChanges(lang, d); p.Changes != nil {
		prev := d.Period.Previous()
		p.Compared = locale.T(lang, "reports.change.compared", prev.Days(),
			locale.T(lang, "reports.period_range", prev.From.Format(gears.DateLayout), prev.To.Format(gears.DateLayout)))
	}
	for _, t := range []struct {
		title string
		r     roi.Report
	}{{"reports.roi_by_campaign", d.ByCampaign}, {"reports.roi_by_network", d.ByNetwork}, {"reports.roi_by_gear", d.ByGear}} {
		tab := roiTable{Title: t.title, Total: lineView(lang, t.r.By, t.r.Total)}
		for _, l := range t.r.Lines {
			tab.Lines = append(tab.Lines, lineView(lang, t.r.By, l))
		}
		p.Tables = append(p.Tables, tab)
	}
	best := 0.0
	for _, row := range d.BestHours {
		for _, c := range row {
			best = max(best, c.PerPost())
		}
	}
	p.HeatMax = best
	for wd, row := range d.BestHours {
		hr := bestHoursRow{Day: locale.T(lang, "reports.weekday."+strconv.Itoa(wd))}
		for h, c := range row {
			level := 0
			if c.Posts > 0 {
				level = 1
				if best > 0 {
					level = 1 + int(3*c.PerPost()/best+0.5)
					level = min(level, 4)
				}
			}
			hr.Cells = append(hr.Cells, bestHoursCell{Hour: h, Posts: c.Posts, Engagements: c.Engagements,
				PerPost: float64(int(c.PerPost()*10+0.5)) / 10, Level: level})
		}
		p.Heat = append(p.Heat, hr)
	}
	for _, f := range d.Followers {
		first, last := f.Points[0].Value, f.Points[len(f.Points)-1].Value
		p.Followers = append(p.Followers, followerRow{Account: f.Network + ":" + f.Handle, First: first, Last: last, Delta: last - first})
	}
	for _, w := range d.Hours {
		if w.Planned == 0 && w.Tracked == 0 {
			continue
		}
		p.Weeks = append(p.Weeks, weekRow{Week: w.Week, Gear: w.Gear, Planned: w.Planned, Tracked: w.Tracked,
			Difference: float64(int((w.Tracked-w.Planned)*100+0.5*sign(w.Tracked-w.Planned))) / 100})
	}
	p.Charts = reportCharts(lang, d)
	p.Recommendations = newRecommendationsBlock(lang, "/w/"+itoa(d.WorkspaceID)+"/calibration", d.Period, d.Recommendations)
	return p
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// reportCharts draws the report's charts as SVG, by name: the same
// charts as the PDF's (reportChartSet, web/report_charts.go).
func reportCharts(lang string, d *store.ReportData) map[string]template.HTML {
	out := map[string]template.HTML{}
	for _, c := range reportChartSet(lang, d) {
		out[c.Name] = chart.SVG(c.Chart, 720, 260)
	}
	return out
}

// reportPage shows the report of a period.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderReport(w, r, nil)
}

// renderReport renders the report page; edit fills in a form's outcome.
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, edit func(p *reportPage)) error {
	ri := info(r)
	ws := ri.workspace
	choice, period, perr := pagePeriod(r)
	var ferr *formError
	if perr != nil {
		var err error
		if ferr, err = asFormError(ri.lang, perr); err != nil {
			return err
		}
		choice, period = periodLast30, gears.LastDays(today(ws), 30)
	}
	data, err := s.reportService().Report(r.Context(), ws.ID, period)
	if err != nil {
		return err
	}
	p := reportView(ri.lang, data)
	p.Choice, p.Err = choice, ferr
	if err := s.sortTopPosts(r, p); err != nil {
		return err
	}
	if ferr != nil {
		// The custom dates typed stay in the form.
		p.From, p.To = r.URL.Query().Get("from"), r.URL.Query().Get("to")
	}
	p.Freq = gears.Weekly
	if ws.Role.Can(gears.ActionManageSettings) {
		p.Manager = true
		if p.Links, err = s.reportService().FindShareLinks(r.Context(), ws.ID); err != nil {
			return err
		}
		if p.Sched, err = s.reportService().FindSchedules(r.Context(), ws.ID); err != nil {
			return err
		}
	}
	if edit != nil {
		edit(p)
	}
	status := http.StatusOK
	if p.SchedErr != nil || p.ShareErr != nil {
		status = http.StatusBadRequest
	}
	s.renderPage(w, r, status, "report", p, "metrics")
	return nil
}

// createShareForm makes a share link and shows it once.
func (s *Server) createShareForm(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	c := gears.ShareLinkCreate{Rolling: r.PostFormValue("kind") == "rolling"}
	if !c.Rolling {
		p, err := gears.ParseReportPeriod(r.PostFormValue("from"), r.PostFormValue("to"), today(ri.workspace))
		if err != nil {
			return s.shareFailed(w, r, err)
		}
		c.Period = &p
	}
	l, err := s.reportService().CreateShareLink(r.Context(), ri.workspace.ID, c)
	if err != nil {
		return s.shareFailed(w, r, err)
	}
	link := s.absURL(r, "/share/"+l.Token)
	return s.renderReport(w, r, func(p *reportPage) { p.NewLink = link })
}

func (s *Server) shareFailed(w http.ResponseWriter, r *http.Request, err error) error {
	fe, err := asFormError(info(r).lang, err)
	if err != nil {
		return err
	}
	return s.renderReport(w, r, func(p *reportPage) { p.ShareErr = fe })
}

func (s *Server) revokeShareForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "share")
	if err != nil {
		return err
	}
	if err := s.reportService().RevokeShareLink(r.Context(), ws.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/metrics", "flash.share_revoked")
}

func (s *Server) createScheduleForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	c := gears.ReportScheduleCreate{Frequency: r.PostFormValue("frequency"),
		Recipients: strings.FieldsFunc(r.PostFormValue("recipients"), func(r rune) bool { return r == '\n' || r == ',' || r == ';' })}
	if _, err := s.reportService().CreateSchedule(r.Context(), ws.ID, c); err != nil {
		fe, err := asFormError(info(r).lang, err)
		if err != nil {
			return err
		}
		return s.renderReport(w, r, func(p *reportPage) {
			p.SchedErr, p.Freq, p.Rcpts = fe, r.PostFormValue("frequency"), r.PostFormValue("recipients")
		})
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/metrics", "flash.schedule_created")
}

func (s *Server) deleteScheduleForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "schedule")
	if err != nil {
		return err
	}
	if err := s.reportService().DeleteSchedule(r.Context(), ws.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/metrics", "flash.schedule_deleted")
}

// parseMoney reads an amount typed as 40, 40.5, 40,50 or 1.234,50 into
// cents; empty is nil.
func parseMoney(field, s string) (*int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return nil, nil
	}
	n, ok := parseAmount(s)
	if !ok {
		return nil, gears.Invalid(field, "reports.bad_amount")
	}
	return &n, nil
}

// parseAmount reads an amount typed in a form as cents: "1234", "1234.5",
// "1234,50", and with thousands grouped as either language groups them,
// "1,234.50" or "1.234,50" (or with spaces). The last point or comma is the
// decimal one when one or two digits follow it; every other separator must
// close a group of three digits. "1.5.5" and "1e3" are refused.
func parseAmount(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	whole, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && len(s)-i-1 <= 2 {
		whole, frac = s[:i], s[i+1:]
		if frac == "" {
			return 0, false
		}
	}
	if groups := strings.FieldsFunc(whole, func(r rune) bool { return r == '.' || r == ',' }); len(groups) > 1 {
		if strings.Count(whole, ".")+strings.Count(whole, ",") != len(groups)-1 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
		whole = strings.Join(groups, "")
	}
	c, err := gears.ParseCents(whole + "." + frac + strings.Repeat("0", 2-len(frac)))
	return c, err == nil
}

// setRateForm sets a member's hourly rate (empty: unknown).
func (s *Server) setRateForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	c, err := parseMoney("hourly_rate", r.PostFormValue("hourly_rate"))
	if err == nil {
		err = s.reportService().SetRate(r.Context(), ws.ID, uid, c)
	}
	if err != nil {
		p, lerr := s.membersData(r)
		if lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "members", "members", p, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/members", "flash.rate_saved")
}

// resultSettingsForm sets the workspace's currency and value per
// engagement (empty: none).
func (s *Server) resultSettingsForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	v, err := parseMoney("engagement_value", r.PostFormValue("engagement_value"))
	if err == nil {
		err = s.reportService().SetResultSettings(r.Context(), ws.ID, store.ResultSettings{Currency: r.PostFormValue("currency"), EngagementValueCents: v})
	}
	if err != nil {
		fe, err := asFormError(info(r).lang, err)
		if err != nil {
			return err
		}
		p := &settingsPage{Name: ws.Name, Timezone: ws.Timezone, Language: ws.Language, Zones: zonesWith(ws.Timezone),
			Results: &resultsForm{Currency: r.PostFormValue("currency"), EngagementValue: r.PostFormValue("engagement_value"),
				Currencies: store.Currencies, Err: fe}}
		s.renderPage(w, r, http.StatusBadRequest, "settings", p, "settings")
		return nil
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/settings", "flash.results_saved")
}

// sharedReport shows a share link's report read-only: its own page, with
// no navigation, nothing of the visitor's account or other workspaces, and
// no names or rates.
func (s *Server) sharedReport(w http.ResponseWriter, r *http.Request) error {
	d, err := s.reportService().SharedReport(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	lang := info(r).lang
	p := reportView(lang, d)
	p.Shared = true
	p.Recommendations.CalibrationPath = "" // the client has no way in
	v := &view{Lang: lang, Version: s.cfg.Version, Data: p}
	var buf bytes.Buffer
	if err := mustParsePages().byName["report"].ExecuteTemplate(&buf, "share-doc", v); err != nil {
		return gears.Internal("render shared report: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Write(buf.Bytes())
	return nil
}

// memberRates returns the members' hourly rates as the form shows them
// (managers only: the store refuses anyone else).
func (s *Server) memberRates(r *http.Request) (map[int64]string, error) {
	rates, err := s.reportService().FindRates(r.Context(), info(r).workspace.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(rates))
	for id, c := range rates {
		if c != nil {
			out[id] = gears.FormatCents(*c)
		}
	}
	return out, nil
}

// resultsForm is the settings page's form of currency and value per
// engagement.
type resultsForm struct {
	Currency, EngagementValue string
	Currencies                []string
	Err                       *formError
}

// resultsForm returns the workspace's currency and engagement value for
// the settings page; nil for whoever may not change them.
func (s *Server) resultsForm(r *http.Request) (*resultsForm, error) {
	ws := info(r).workspace
	if !ws.Role.Can(gears.ActionManageSettings) {
		return nil, nil
	}
	rs, err := s.reportService().FindResultSettings(r.Context(), ws.ID)
	if err != nil {
		return nil, err
	}
	f := &resultsForm{Currency: rs.Currency, Currencies: store.Currencies}
	if rs.EngagementValueCents != nil {
		f.EngagementValue = gears.FormatCents(*rs.EngagementValueCents)
	}
	return f, nil
}

// WriteReportPDF writes a report as a PDF in lang, for the scheduled
// e-mails (package jobs attaches it).
func WriteReportPDF(w io.Writer, lang string, d *store.ReportData) error {
	return writeReportPDF(w, lang, d)
}
