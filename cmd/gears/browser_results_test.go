package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"gears"
	"gears/demo"
	"gears/locale"
	"gears/report/reporttest"
	"gears/roi"
	"gears/store"
	"gears/workload"
)

// TestBrowserObjectiveAndPDF is the strategy and results gears as a person
// uses them: create an objective, give it readings, see its progress chart,
// and export the PDF report, whose numbers must be those of the API.
func TestBrowserObjectiveAndPDF(t *testing.T) {
	m := bootForBrowser(t)
	owner := createUser(t, m, "owner@results.example", "Owner")
	ws := createWorkspace(t, m, owner, "Results workspace")
	ctx := gears.NewContextWithUser(context.Background(), owner)
	today := time.Now().In(ws.Location())
	day := func(offset int) string { return today.AddDate(0, 0, offset).Format(gears.DateLayout) }

	// Something to report: an hour and a half of research at 40.00 an hour,
	// and three conversions worth 75.00 in all.
	rate := int64(4000)
	if err := store.NewReportService(m.DB).SetRate(ctx, ws.ID, owner.ID, &rate); err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewPlanService(m.DB).AddTime(ctx, ws.ID, workload.TimeEntryCreate{
		ActivityKey: "strategy.research", StartedAt: today.Add(-3 * time.Hour), Minutes: 90}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.NewLinkService(m.DB).RecordConversion(ctx, ws.ID, gears.ConversionInput{
		Campaign: "Spring", Count: 3, Value: "75.00", Currency: "EUR", ExternalID: "order-1", Source: gears.SourceManual}); err != nil {
		t.Fatal(err)
	}

	b := newTab(t, m.URL())
	b.signIn(owner.Email, browserPassword)

	// 1. An objective with a custom KPI, through the form.
	b.open(fmt.Sprintf("/w/%d/objectives", ws.ID))
	b.do("fill the objective", fill("#title", "Newsletter sign-ups", "#baseline", "0", "#target", "100"),
		choose("#kpi", "custom"),
		setValue("#starts_on", day(-10)), setValue("#due_on", day(20)))
	if status := b.navigate("create the objective", click(`#objective-form button[type="submit"]`)); status != 200 {
		t.Fatalf("creating the objective answered %d", status)
	}
	if !strings.Contains(b.location().Path, "/objectives/") {
		t.Fatalf("after creating the objective the browser is at %s", b.location())
	}

	// 2. Two readings: the chart draws a line through them, under the
	// dashed target.
	for _, r := range []struct{ day, value string }{{day(-5), "20"}, {day(0), "45"}} {
		b.do("fill a reading", setValue("#r-day", r.day), retype("#r-value", r.value))
		b.navigate("add a reading", click(`#readings form button[type="submit"]`))
	}
	if got := b.text(`[data-figure="current"]`); got != "45" {
		t.Errorf("current value %q, want 45", got)
	}
	if n := eval[int](b, `document.querySelectorAll('#progress-chart svg polyline').length`); n < 1 {
		t.Errorf("the progress chart draws no line")
	}
	if n := eval[int](b, `document.querySelectorAll('#progress-chart svg line[stroke-dasharray]').length`); n < 1 {
		t.Errorf("the progress chart has no dashed target line")
	}
	if !eval[bool](b, `(() => { const r = document.querySelector('#progress-chart svg').getBoundingClientRect(); return r.width > 200 && r.height > 100 })()`) {
		t.Errorf("the progress chart is not shown at a readable size")
	}

	// 3. Export the PDF, as a download.
	href := eval[string](b, `document.querySelector('#export-pdf').href`)
	pdf := b.download("export the PDF", "#export-pdf")
	pages, err := reporttest.Read(pdf)
	if err != nil {
		t.Fatalf("the exported PDF: %v", err)
	}
	text := ""
	lines := 0
	for _, p := range pages {
		text += p.Joined() + "\n"
		lines += p.Lines
	}
	if lines < 20 {
		t.Errorf("the PDF draws %d segments: no chart", lines)
	}

	// 4. The PDF's numbers are the API's for the same period.
	summaryURL := strings.Replace(href, "/report.pdf?", "/reports/summary?", 1)
	ctxStep, cancel := b.step()
	raw, err := chromedp.Run(ctxStep, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.text())`, summaryURL), chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		t.Fatalf("fetch the summary: %v", err)
	}
	var sum struct {
		Posts, Engagements, Clicks int64
		FollowersDelta             int64 `json:"followers_delta"`
		Hours                      map[string]float64
		Cost, Value                roi.Money
		ROI                        *struct{ Gain, Cost int64 }
	}
	if err := json.Unmarshal([]byte(raw), &sum); err != nil {
		t.Fatalf("summary %s: %v", raw, err)
	}
	if sum.Cost.Amount != 6000 || sum.Value.Amount != 7500 || sum.ROI == nil {
		t.Fatalf("the API's summary is not the hand-computed one (cost 60.00, value 75.00): %s", raw)
	}
	lang := b.lang()
	T := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	ratio := roi.ROI{Gain: sum.ROI.Gain, Cost: sum.ROI.Cost}
	if !strings.Contains(text, ws.Name) {
		t.Errorf("the PDF does not name the workspace; it says:\n%s", text)
	}
	// Each figure of the summary is its label followed by its value.
	for _, f := range [][2]string{
		{T("reports.posts"), T("roi.plain", roi.Count(sum.Posts))},
		{T("reports.engagements"), T("roi.plain", roi.Count(sum.Engagements))},
		{T("reports.clicks"), T("roi.plain", roi.Count(sum.Clicks))},
		{T("gear.strategy"), T("reportpdf.hours_value", locale.Number(lang, sum.Hours["strategy"], 1))},
		{T("reports.cost"), T(sum.Cost.MessageKey(), sum.Cost.MessageArgs()...)},
		{T("reports.value"), T(sum.Value.MessageKey(), sum.Value.MessageArgs()...)},
		{T("reports.roi"), T(ratio.MessageKey(), ratio.MessageArgs()...)},
	} {
		if !figureShown(pages, f[0], f[1]) {
			t.Errorf("the PDF does not show %q as %q; it says:\n%s", f[0], f[1], text)
		}
	}
}

// figureShown reports whether a page shows label immediately followed by
// value.
func figureShown(pages []reporttest.Page, label, value string) bool {
	for _, p := range pages {
		for i := 0; i+1 < len(p.Text); i++ {
			if p.Text[i] == label && p.Text[i+1] == value {
				return true
			}
		}
	}
	return false
}

// setValue sets an input's value by script (date inputs do not take typed
// text the same way in every locale).
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event('input', {bubbles: true})); })()`, sel, value))
}

// download clicks sel, lets the browser save what it answers, and returns
// the file.
func (b *tab) download(what, sel string) []byte {
	b.t.Helper()
	dir := b.t.TempDir()
	ctx, cancel := b.step()
	defer cancel()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes,
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
			})
			return err
		}),
		click(sel),
	); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("%s: %v", what, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.t.Fatalf("%s: %v", what, err)
			}
			return data
		case browser.DownloadProgressStateCanceled:
			b.t.Fatalf("%s: the download was cancelled", what)
		}
	}
	b.t.Fatalf("%s: no download", what)
	return nil
}

// TestBrowserDemoResults opens the strategy and results pages of the
// example workspace, full of data, as a person would: every chart of the
// report is drawn, and no page is wider than a desktop screen.
func TestBrowserDemoResults(t *testing.T) {
	m := bootForBrowser(t)
	owner := createUser(t, m, "owner@demo-results.example", "Owner")
	ws, err := demo.Fill(context.Background(), m.DB, owner)
	if err != nil {
		t.Fatal(err)
	}
	b := newTab(t, m.URL())
	b.signIn(owner.Email, browserPassword)

	b.open(fmt.Sprintf("/w/%d/metrics", ws.ID))
	for _, name := range []string{"engagement", "best_hours", "followers", "hours", "planned_actual", "roi"} {
		// A drawn chart has marks besides its axes: lines, bars or cells.
		marks := eval[int](b, fmt.Sprintf(`document.querySelectorAll('[data-chart=%q] svg polyline, [data-chart=%q] svg rect').length`, name, name))
		if marks < 1 {
			t.Errorf("the report's %s chart draws %d marks", name, marks)
		}
	}
	if n := eval[int](b, `document.querySelectorAll('.recommendation[data-status="advice"]').length`); n == 0 {
		t.Error("the report recommends nothing for the example workspace")
	}
	// The last 30 days against the 30 before: every figure says how it moved.
	if n := eval[int](b, `document.querySelectorAll('[data-summary] dd.change').length`); n != 10 {
		t.Errorf("the summary compares %d figures with the period before, want 10", n)
	}
	if n := eval[int](b, `document.querySelectorAll('[data-top-posts] tbody tr').length`); n != 10 {
		t.Errorf("the report lists %d top posts, want 10", n)
	}
	b.fitsWidth("the report")
	b.screenshot("report")

	for _, page := range []string{"/strategy", "/objectives", "/objectives/1", "/campaigns", "/campaigns/1", "/links", "/conversions"} {
		if status := b.open(fmt.Sprintf("/w/%d%s", ws.ID, page)); status != 200 {
			t.Errorf("%s answered %d", page, status)
			continue
		}
		b.fitsWidth(page)
		b.screenshot(strings.ReplaceAll(strings.Trim(page, "/"), "/", "-"))
	}
	// A campaign's results, with the hours tracked for it.
	b.open(fmt.Sprintf("/w/%d/campaigns/1", ws.ID))
	if hours := b.text(`[data-campaign-results] [data-k="hours"]`); hours == "" || hours == "0.0" {
		t.Errorf("the campaign's results show %q hours", hours)
	}
}
