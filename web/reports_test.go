package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/report/reporttest"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

const hostileCampaign = `<img src=x onerror=alert(1)>`

// populateResults gives the fixture's workspace January 2026's results:
// the owner's 2 h of strategy at 40.00/h, the editor's 1 h of maintenance
// without a rate, 12 engagements and 3 clicks (campaign hostileCampaign),
// 50.00 of conversions, 0.50 per engagement, +20 followers; and the other
// workspace 999 engagements that must not count.
func (f *fixture) populateResults(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	owner := gears.NewContextWithUser(ctx, f.actors["owner"].user)
	reports := store.NewReportService(f.db)
	rate, value := int64(4000), int64(50)
	if err := reports.SetRate(owner, f.ws.ID, f.actors["owner"].user.ID, &rate); err != nil {
		t.Fatal(err)
	}
	if err := reports.SetResultSettings(owner, f.ws.ID, store.ResultSettings{Currency: "EUR", EngagementValueCents: &value}); err != nil {
		t.Fatal(err)
	}
	madrid, _ := time.LoadLocation("Europe/Madrid")
	plans := store.NewPlanService(f.db)
	for who, e := range map[string]workload.TimeEntryCreate{
		"owner":  {ActivityKey: "strategy.research", StartedAt: time.Date(2026, 1, 12, 10, 0, 0, 0, madrid), Minutes: 120},
		"editor": {ActivityKey: "maintenance.engagement", StartedAt: time.Date(2026, 1, 13, 10, 0, 0, 0, madrid), Minutes: 60},
	} {
		if _, err := plans.AddTime(gears.NewContextWithUser(ctx, f.actors[who].user), f.ws.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	day := func(d int) int64 { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC).Unix() / 86400 }
	q := `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, replies, reposts, likes, quotes, clicks,
		conversions, conversion_value_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	storetest.Exec(t, f.db, q, f.ws.ID, day(3), "mastodon", f.account.ID, hostileCampaign, 1, 2, 8, 1, 3, 1, 5000)
	storetest.Exec(t, f.db, q, f.other.ID, day(3), "mastodon", 0, "", 0, 0, 999, 0, 999, 0, 0)
	fc := `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, ?, ?)`
	storetest.Exec(t, f.db, fc, f.ws.ID, f.account.ID, day(2), 100, 0)
	storetest.Exec(t, f.db, fc, f.ws.ID, f.account.ID, day(30), 120, 0)
}

// summarySchema is the Summary of api/openapi.yaml.
var summarySchema = map[string][]string{
	"posts": {"number"}, "engagements": {"number"}, "followers_delta": {"number"}, "clicks": {"number"},
	"hours": {"object"}, "cost": {"object"}, "value": {"object"}, "roi": {"object", "null"},
}

// TestReportSummaryAPI reads the summary through the API: the documented
// shape key by key, the numbers, another workspace's data never counted,
// and bad dates refused in both languages.
func TestReportSummaryAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		f.populateResults(t)
		owner := f.actors["owner"]
		r := f.api(t, owner, "GET", f.apiPath("/reports/summary?from=2026-01-01&to=2026-01-31"), "")
		if r.status != 200 {
			t.Fatalf("summary = %d %s", r.status, r.raw)
		}
		checkSchema(t, "summary", r.body, summarySchema)
		checkSchema(t, "hours", r.body["hours"].(map[string]any), map[string][]string{"strategy": {"number"}, "maintenance": {"number"}, "metrics": {"number"}})
		money := map[string][]string{"amount": {"number"}, "currency": {"string"}}
		checkSchema(t, "cost", r.body["cost"].(map[string]any), money)
		checkSchema(t, "value", r.body["value"].(map[string]any), money)
		checkSchema(t, "roi", r.body["roi"].(map[string]any), map[string][]string{"gain": {"number"}, "cost": {"number"}, "percent": {"number"}})
		// cost = 2 h × 40.00 = 80.00 (the editor's hour has no rate);
		// value = 50.00 + 12 × 0.50 = 56.00; ROI = (56 − 80) ÷ 80 = −30 %.
		want := `{"posts":0,"engagements":12,"followers_delta":20,"clicks":3,"hours":{"strategy":2,"maintenance":1,"metrics":0},` +
			`"cost":{"amount":8000,"currency":"EUR"},"value":{"amount":5600,"currency":"EUR"},"roi":{"gain":-2400,"cost":8000,"percent":-30}}`
		if strings.TrimSpace(r.raw) != want {
			t.Errorf("summary =\n %s\nwant\n %s", r.raw, want)
		}
		// No cost: roi is null.
		r = f.api(t, owner, "GET", f.apiPath("/reports/summary?from=2026-01-13&to=2026-01-13"), "")
		if r.status != 200 || r.body["roi"] != nil || !strings.Contains(r.raw, `"roi":null`) {
			t.Errorf("a day without cost = %d %s", r.status, r.raw)
		}
		// Without dates: the last 30 days.
		if r := f.api(t, owner, "GET", f.apiPath("/reports/summary"), ""); r.status != 200 {
			t.Errorf("without dates = %d %s", r.status, r.raw)
		}
		// The approver (the client) reads it too; the editor may not.
		if r := f.api(t, f.actors["approver"], "GET", f.apiPath("/reports/summary?from=2026-01-01&to=2026-01-31"), ""); r.status != 200 || strings.TrimSpace(r.raw) != want {
			t.Errorf("the approver's summary = %d %s", r.status, r.raw)
		}
		if r := f.api(t, f.actors["editor"], "GET", f.apiPath("/reports/summary"), ""); r.status != 403 {
			t.Errorf("the editor's summary = %d", r.status)
		}
		// Another workspace: not found for us; its owner sees only its own.
		if r := f.api(t, owner, "GET", fmt.Sprintf("/api/v1/workspaces/%d/reports/summary", f.other.ID), ""); r.status != 404 {
			t.Errorf("another workspace's summary = %d", r.status)
		}
		o := f.api(t, f.actors["outsider"], "GET", fmt.Sprintf("/api/v1/workspaces/%d/reports/summary?from=2026-01-01&to=2026-01-31", f.other.ID), "")
		if o.body["engagements"] != float64(999) || o.body["followers_delta"] != float64(0) {
			t.Errorf("the other workspace's summary = %s", o.raw)
		}
		for _, tt := range []struct {
			query, field, en, es string
		}{
			{"from=2026-13-01&to=2026-01-31", "from", `"from" must be a date such as 2026-01-31.`, "«from» debe ser una fecha como 2026-01-31."},
			{"from=2026-01-01&to=31/01/2026", "to", `"to" must be a date such as 2026-01-31.`, "«to» debe ser una fecha como 2026-01-31."},
			{"from=2026-02-01&to=2026-01-31", "from", "The start date must not be after the end date.", "La fecha de inicio no puede ser posterior a la de fin."},
			{"from=2026-01-01", "to", `"to" is required`, "Falta «to»"},
			{"from=2020-01-01&to=2026-01-31", "to", "A report covers at most 1098 days.", "Un informe abarca como máximo 1098 días."},
			{"from=1999-12-31&to=2000-01-31", "from", `"from" must be a date between 2000 and 2199.`, "«from» debe ser una fecha entre 2000 y 2199."},
		} {
			for lang, want := range map[string]string{"en": tt.en, "es": tt.es} {
				for _, path := range []string{"/reports/summary?", "/reports/summary.csv?", "/report.pdf?"} {
					r := f.apiIn(t, owner, lang, "GET", f.apiPath("%s", path+tt.query), "")
					code, msg := errorOf(t, r)
					if r.status != 400 || code != "invalid" || fieldOf(r) != tt.field || !strings.Contains(msg, want) {
						t.Errorf("%s%s in %s = %d %s, want field %s %q", path, tt.query, lang, r.status, r.raw, tt.field, want)
					}
				}
			}
		}
	})
}

// TestReportSummaryCSV: the CSV has the same numbers as the JSON.
func TestReportSummaryCSV(t *testing.T) {
	t.Parallel()
	f := &fixture{db: storetest.Open(t, store.SQLite), actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	f.populateResults(t)
	req, _ := http.NewRequest("GET", f.srv.URL+f.apiPath("/reports/summary.csv?from=2026-01-01&to=2026-01-31"), nil)
	req.Header.Set("Authorization", "Bearer "+f.actors["analyst"].token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "summary-") {
		t.Fatalf("csv = %d %v", resp.StatusCode, resp.Header)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv rows = %v, %v", rows, err)
	}
	want := [][]string{
		{"from", "to", "posts", "engagements", "followers_delta", "clicks", "hours_strategy", "hours_maintenance", "hours_metrics", "currency", "cost", "value", "roi_percent"},
		{"2026-01-01", "2026-01-31", "0", "12", "20", "3", "2", "1", "0", "EUR", "80.00", "56.00", "-30.0"},
	}
	for i := range want {
		if strings.Join(rows[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d = %v, want %v", i, rows[i], want[i])
		}
	}
	// The PDF of the same period answers with a PDF.
	req, _ = http.NewRequest("GET", f.srv.URL+f.apiPath("/report.pdf?from=2026-01-01&to=2026-01-31"), nil)
	req.Header.Set("Authorization", "Bearer "+f.actors["approver"].token)
	pdf, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(pdf.Body)
	pdf.Body.Close()
	if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("pdf = %d %s", pdf.StatusCode, pdf.Header.Get("Content-Type"))
	}
	// What the PDF says: the summary's figures as the API gives them, the
	// charts drawn, the recommendations, and for the client no names or
	// rates.
	pages, err := reporttest.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	segments := 0
	for _, p := range pages {
		text = append(text, p.Text...)
		segments += p.Lines
	}
	all := strings.Join(text, "\n")
	for label, value := range map[string]string{"Engagements": "12", "Follower change": "+20", "Link clicks": "3"} {
		if i := slices.Index(text, label); i < 0 || i+1 >= len(text) || text[i+1] != value {
			t.Errorf("the PDF does not show %s as %s:\n%s", label, value, all)
		}
	}
	if segments < 50 {
		t.Errorf("the PDF draws %d segments: charts missing", segments)
	}
	if !strings.Contains(all, "Recommendations") {
		t.Errorf("the PDF has no recommendations:\n%s", all)
	}
	if strings.Contains(all, "40.00 €/h") || strings.Contains(all, "(Owner)") {
		t.Errorf("the client's PDF shows rates or names:\n%s", all)
	}
}

// get fetches a page as a (nil: nobody) in lang and returns its status
// and body.
func (f *fixture) get(t *testing.T, a *actor, lang, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := f.client(t, a).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// postForm sends a form as a, with its CSRF token, and returns the status,
// the body and where it redirects.
func (f *fixture) postForm(t *testing.T, a *actor, path string, kv ...string) (int, string, string) {
	t.Helper()
	body := form(kv...) + "&csrf=" + url.QueryEscape(a.csrf)
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.client(t, a).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// TestReportPage shows the report in both languages with the numbers, the
// ROI arithmetic and the charts' places; network text inert; names and
// rates only for managers; a bad custom date explained beside the form.
func TestReportPage(t *testing.T) {
	t.Parallel()
	f := &fixture{db: storetest.Open(t, store.SQLite), actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	f.populateResults(t)
	path := f.path("/metrics?period=custom&from=2026-01-01&to=2026-01-31")
	for _, lang := range []string{"en", "es"} {
		status, body := f.get(t, f.actors["owner"], lang, path)
		if status != 200 {
			t.Fatalf("%s: %d", lang, status)
		}
		if keys := untranslated(body); len(keys) > 0 {
			t.Errorf("%s shows untranslated keys: %v", lang, keys)
		}
		for _, want := range []string{`data-k="engagements">12<`, `data-k="followers_delta">20<`, `data-roi="reports.roi_by_gear"`,
			shown(hostileCampaign), "summary.csv?from=2026-01-01&to=2026-01-31", "report.pdf?from=2026-01-01&to=2026-01-31", "data-best-hours",
			`data-chart="engagement"><svg`, `data-chart="best_hours"><svg`, `data-chart="followers"><svg`, `data-chart="hours"><svg`,
			`data-chart="planned_actual"><svg`, `data-chart="roi"><svg`, `id="recommendations-title"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the page lacks %s", lang, want)
			}
		}
		if strings.Contains(body, hostileCampaign) {
			t.Errorf("%s: the campaign's name is markup on the page", lang)
		}
	}
	_, en := f.get(t, f.actors["owner"], "en", path)
	_, es := f.get(t, f.actors["owner"], "es", path)
	// Against December, which had nothing: no percent of nothing, only
	// what it was.
	for _, want := range []string{`data-change="engagements">before: 0<`, `data-change="cost">before: 0.00 €<`, `data-change="posts">as before: 0<`,
		`data-change="roi">before: —<`, "Compared with the 31 days before"} {
		if !strings.Contains(en, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if !strings.Contains(es, `data-change="cost">antes: 0,00 €<`) {
		t.Error("the Spanish page does not compare the cost")
	}
	// The owner sees each person's hours and rate in the arithmetic.
	if !strings.Contains(en, "2.0 h × 40.00 €/h (Owner) = 80.00 €") && !strings.Contains(en, "2 h × 40.00 €/h (Owner) = 80.00 €") {
		t.Errorf("the owner's page lacks the arithmetic of the hours: %s", stepsOf(en))
	}
	if !strings.Contains(es, "-30 %") && !strings.Contains(es, "−30 %") {
		t.Errorf("the Spanish page lacks the ROI: %s", stepsOf(es))
	}
	// The approver (the client) sees sums, never names or rates.
	_, client := f.get(t, f.actors["approver"], "en", path)
	if strings.Contains(client, "40.00 €/h") || strings.Contains(client, "(Owner)") || strings.Contains(client, "Editor has no hourly rate") {
		t.Errorf("the client's page shows rates or names: %s", stepsOf(client))
	}
	if !strings.Contains(client, "80.00 €") || strings.Contains(client, `action="/w/`+strconv.FormatInt(f.ws.ID, 10)+`/reports/share"`) {
		t.Errorf("the client's page: sums missing or sharing offered")
	}
	// A bad custom date: explained, the typed value kept, the default period shown.
	for lang, msg := range map[string]string{"en": "&#34;from&#34; must be a date such as 2026-01-31.", "es": "«from» debe ser una fecha como 2026-01-31."} {
		status, body := f.get(t, f.actors["owner"], lang, f.path("/metrics?period=custom&from=2026-02-30&to=2026-03-01"))
		if status != 200 || !strings.Contains(body, msg) || !strings.Contains(body, `value="2026-02-30"`) {
			t.Errorf("%s: a bad date = %d, lacks %q", lang, status, msg)
		}
	}
	for _, choice := range []string{"this_month", "last_month", "last_30"} {
		if status, _ := f.get(t, f.actors["analyst"], "en", f.path("/metrics?period=%s", choice)); status != 200 {
			t.Errorf("period %s = %d", choice, status)
		}
	}
}

// stepsOf returns the ROI steps on a page, for failure messages.
func stepsOf(body string) string {
	var out []string
	for _, m := range regexp.MustCompile(`<li>([^<]*)</li>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, " | ")
}

// TestShareLink: a manager shares the report, the link (shown once) opens
// it for anyone, read-only, with nothing else of the workspace; revoked or
// unknown, it is not found.
func TestShareLink(t *testing.T) {
	t.Parallel()
	f := &fixture{db: storetest.Open(t, store.SQLite), actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	f.populateResults(t)
	manager := f.actors["manager"]
	status, body, _ := f.postForm(t, manager, f.path("/reports/share"), "kind", "period", "from", "2026-01-01", "to", "2026-01-31")
	link := regexp.MustCompile(`value="(http://[^"]+/share/(gshr_[^"]+))"`).FindStringSubmatch(body)
	if status != 200 || link == nil {
		t.Fatalf("share = %d, no link shown", status)
	}
	// A note in the inbox, and a member's rate: neither may show.
	if s, _, _ := f.postForm(t, f.actors["owner"], f.path("/inbox/%d/notes", f.conversation.ID), "body", "Internal: VIP, offer a refund"); s != 303 {
		t.Fatalf("note = %d", s)
	}
	for _, lang := range []string{"en", "es"} {
		status, page := f.get(t, nil, lang, "/share/"+link[2])
		if status != 200 || !strings.Contains(page, `data-k="engagements">12<`) || !strings.Contains(page, "Aurora") || !strings.Contains(page, `id="recommendations-title"`) {
			t.Fatalf("%s: shared page = %d", lang, status)
		}
		if keys := untranslated(page); len(keys) > 0 {
			t.Errorf("%s: the shared page shows untranslated keys: %v", lang, keys)
		}
		for _, secret := range []string{"Owner", "Manager", "Editor", "Analyst", "Approver", "@example.com", "40.00 €/h", "VIP", "refund",
			"Elsewhere", `href="/w/`, "sidebar", "csrf", hostileCampaign} {
			if strings.Contains(page, secret) {
				t.Errorf("%s: the shared page shows %q", lang, secret)
			}
		}
	}
	// A signed-in visitor sees the same page: no navigation, no workspaces of theirs.
	if _, page := f.get(t, f.actors["outsider"], "en", "/share/"+link[2]); strings.Contains(page, "Elsewhere") || strings.Contains(page, "logout") {
		t.Error("the shared page shows the visitor's account")
	}
	links, err := store.NewReportService(f.db).FindShareLinks(gears.NewContextWithUser(context.Background(), manager.user), f.ws.ID)
	if err != nil || len(links) != 1 {
		t.Fatalf("links = %v, %v", links, err)
	}
	if s, _, loc := f.postForm(t, manager, f.path("/reports/share/%d/revoke", links[0].ID)); s != 303 || !strings.Contains(loc, "flash.share_revoked") {
		t.Fatalf("revoke = %d %s", s, loc)
	}
	for _, token := range []string{link[2], "gshr_nothing", "nothing"} {
		if status, _ := f.get(t, nil, "en", "/share/"+token); status != 404 {
			t.Errorf("/share/%s = %d, want 404", token, status)
		}
	}
	// Schedules: made and stopped by managers; a bad address is explained.
	status, body, _ = f.postForm(t, manager, f.path("/reports/schedules"), "frequency", "weekly", "recipients", "client@example.org\nnot an address")
	if status != 400 || !strings.Contains(body, "&#34;not an address&#34; is not an e-mail address.") || !strings.Contains(body, "client@example.org\nnot an address") {
		t.Errorf("a bad recipient = %d", status)
	}
	if s, _, loc := f.postForm(t, manager, f.path("/reports/schedules"), "frequency", "monthly", "recipients", "client@example.org, boss@example.org"); s != 303 || !strings.Contains(loc, "flash.schedule_created") {
		t.Errorf("schedule = %d %s", s, loc)
	}
	if _, page := f.get(t, manager, "es", f.path("/metrics")); !strings.Contains(page, "client@example.org, boss@example.org") || !strings.Contains(page, "Mensual") {
		t.Error("the schedule is not listed")
	}
}

// TestRatesAndValues: managers set rates on the members page and the
// currency and engagement value in the settings; others do not see rates.
func TestRatesAndValues(t *testing.T) {
	t.Parallel()
	f := &fixture{db: storetest.Open(t, store.SQLite), actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	owner := f.actors["owner"]
	editor := f.actors["editor"].user.ID
	if s, _, _ := f.postForm(t, owner, f.path("/members/%d/rate", editor), "hourly_rate", "1.234,56"); s != 303 {
		t.Fatalf("rate = %d", s)
	}
	if _, page := f.get(t, owner, "en", f.path("/members")); !strings.Contains(page, `value="1234.56"`) {
		t.Error("the members page lacks the rate")
	}
	for _, who := range []string{"analyst", "approver", "editor"} {
		if _, page := f.get(t, f.actors[who], "en", f.path("/members")); strings.Contains(page, "1234.56") || strings.Contains(page, "hourly_rate") {
			t.Errorf("%s sees rates", who)
		}
	}
	for lang, msg := range map[string]string{"en": "Write the amount as a number", "es": "Escriba el importe como un número"} {
		f.actors["owner"].user.Language = lang
		req := form("hourly_rate", "forty") + "&csrf=" + url.QueryEscape(owner.csrf)
		r, _ := http.NewRequest("POST", f.srv.URL+f.path("/members/%d/rate", editor), strings.NewReader(req))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Accept-Language", lang)
		resp, err := f.client(t, owner).Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), msg) {
			t.Errorf("%s: a bad rate = %d", lang, resp.StatusCode)
		}
	}
	if s, _, _ := f.postForm(t, owner, f.path("/settings/results"), "currency", "USD", "engagement_value", "0.25"); s != 303 {
		t.Fatalf("results settings = %d", s)
	}
	if _, page := f.get(t, owner, "en", f.path("/settings")); !strings.Contains(page, `<option value="USD" selected>`) || !strings.Contains(page, `value="0.25"`) {
		t.Error("the settings lack the currency and value")
	}
	if s, body, _ := f.postForm(t, owner, f.path("/settings/results"), "currency", "DOGE", "engagement_value", "1"); s != 400 || !strings.Contains(body, "Choose one of the currencies listed.") {
		t.Errorf("a bad currency = %d", s)
	}
}
