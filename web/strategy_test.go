package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

func strategyEpochDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func newStrategyFixture(t *testing.T, db *store.DB) *fixture {
	f := &fixture{db: db, actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	return f
}

// TestObjectiveFormAndProgress sets a follower-base goal through the page
// as a person would: a refused form keeps what was typed and names the
// field; the objective's page shows its progress as an SVG chart, the
// figures, the PDF export of its period, and the time spent is logged to
// the planner's follower-base activity.
func TestObjectiveFormAndProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		b := signIn(t, f, "editor")
		st, body, _ := b.get(f.path("/objectives"))
		if st != 200 {
			t.Fatalf("objectives = %d", st)
		}
		for _, field := range []string{"title", "kpi", "target", "baseline", "starts_on", "due_on", "account", "network", "campaign"} {
			if !strings.Contains(body, `id="`+field+`" name="`+field+`"`) {
				t.Errorf("the objective form lacks the field %s", field)
			}
		}
		loc := f.ws.Location()
		today := time.Now().In(loc)
		start, due := today.AddDate(0, 0, -4), today.AddDate(0, 0, 6)
		opened := strconv.FormatInt(time.Now().Add(-5*time.Minute).UnixMilli(), 10)
		good := url.Values{"title": {"Grow on <Mastodon>"}, "kpi": {"followers"}, "baseline": {"1000"}, "target": {"1.100"},
			"starts_on": {start.Format("2006-01-02")}, "due_on": {due.Format("2006-01-02")}, "account": {strconv.FormatInt(f.account.ID, 10)},
			"opened_at": {opened}}
		good.Set("target", "1100")

		bad := url.Values{}
		for k, v := range good {
			bad[k] = v
		}
		bad.Set("target", "lots")
		st, body, _ = b.post(f.path("/objectives"), bad)
		if st != 400 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, shown(`"target" must be a number, such as 1500 or 12.5.`)) ||
			!strings.Contains(body, `value="Grow on &lt;Mastodon&gt;"`) || !strings.Contains(body, `value="lots"`) {
			t.Fatalf("bad target = %d; the error must name the field and the input be kept", st)
		}
		bad.Set("target", "1100")
		bad.Set("campaign", "Spring")
		if st, body, _ = b.post(f.path("/objectives"), bad); st != 400 || !strings.Contains(body, "This KPI cannot be limited to one campaign.") {
			t.Errorf("a campaign on followers = %d", st)
		}
		bad.Set("campaign", "")
		bad.Set("due_on", start.AddDate(0, 0, -1).Format("2006-01-02"))
		if st, body, _ = b.post(f.path("/objectives"), bad); st != 400 || !strings.Contains(body, "The due date must be after the start date.") {
			t.Errorf("due before start = %d", st)
		}
		if list, _ := store.NewStrategyService(db).FindObjectives(as(f.actors["editor"].user), f.ws.ID); len(list) != 0 {
			t.Fatalf("a refused form stored %d objectives", len(list))
		}

		st, _, h := b.post(f.path("/objectives"), good)
		if st != 303 || !strings.HasPrefix(h.Get("Location"), f.path("/objectives/")) {
			t.Fatalf("create = %d %s", st, h.Get("Location"))
		}
		page := strings.Split(h.Get("Location"), "?")[0]
		id, _ := strconv.ParseInt(strings.TrimPrefix(page, f.path("/objectives/")), 10, 64)

		// Followers read on two days: 1040 two days ago, 1060 today.
		storetest.Exec(t, db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, 1040, 0)`, f.ws.ID, f.account.ID, strategyEpochDay(today.AddDate(0, 0, -2)))
		storetest.Exec(t, db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, 1060, 0)`, f.ws.ID, f.account.ID, strategyEpochDay(today))
		st, body, _ = b.get(page)
		if st != 200 {
			t.Fatalf("objective page = %d", st)
		}
		pdf := fmt.Sprintf(`/api/v1/workspaces/%d/report.pdf?from=%s&amp;to=%s`, f.ws.ID, start.Format("2006-01-02"), today.Format("2006-01-02"))
		// 60 of 100 followers, where the line expects 40 by now.
		// The PDF report needs view_reports, which an editor lacks: the
		// owner is offered it, the editor is not.
		if strings.Contains(body, "Export PDF") {
			t.Errorf("the editor is offered the PDF report")
		}
		if _, owners, _ := signIn(t, f, "owner").get(page); !strings.Contains(owners, pdf) || !strings.Contains(owners, "Export PDF") {
			t.Errorf("the owner's objective page lacks the PDF report %q", pdf)
		}
		for _, want := range []string{`<figure id="progress-chart" class="chart"><svg`, "</svg></figure>",
			`data-figure="current">1060<`, `data-figure="expected">1040<`, `data-figure="percent">60 %<`, `data-status="on_track"`,
			"Grow on &lt;Mastodon&gt;", "On-track line", "Target 1100"} {
			if !strings.Contains(body, want) {
				t.Errorf("the objective page lacks %q", want)
			}
		}
		if strings.Contains(body, "<Mastodon>") {
			t.Errorf("the title is shown unescaped")
		}
		entries, err := store.NewPlanService(db).FindTime(as(f.actors["editor"].user), f.ws.ID, workload.TimeFilter{})
		if err != nil || len(entries) != 1 || entries[0].ActivityKey != "strategy.followers" || entries[0].RefType != "objective" || entries[0].RefID != id || entries[0].Minutes < 4.9 {
			t.Errorf("time logged = %+v, %v", entries, err)
		}

		// Editing keeps the form's input on refusal, then saves.
		edit := url.Values{}
		for k, v := range good {
			edit[k] = v
		}
		edit.Set("title", " ")
		if st, body, _ = b.post(page, edit); st != 400 || !strings.Contains(body, shown(`"title" is required.`)) {
			t.Errorf("empty title = %d", st)
		}
		edit.Set("title", "Grow more")
		edit.Set("target", "1200")
		if st, _, _ = b.post(page, edit); st != 303 {
			t.Errorf("edit = %d", st)
		}
		if _, body, _ = b.get(page); !strings.Contains(body, "Grow more") || !strings.Contains(body, `data-figure="percent">30 %<`) {
			t.Errorf("after the edit the page does not show the new target")
		}
		// The strategy page lists it with where it stands.
		if _, body, _ = b.get(f.path("/strategy")); !strings.Contains(body, fmt.Sprintf(`data-objective="%d"`, id)) || !strings.Contains(body, "30 %") {
			t.Errorf("the strategy page does not list the objective's progress")
		}
		// The client's approver reads it, without the forms.
		a := signIn(t, f, "approver")
		if st, body, _ = a.get(page); st != 200 || strings.Contains(body, `id="objective-form"`) || !strings.Contains(body, `id="progress-chart"`) {
			t.Errorf("the approver's objective page = %d", st)
		}
		if st, _, _ = b.post(page+"/delete", nil); st != 303 {
			t.Errorf("delete = %d", st)
		}
	})
}

// TestCustomKPIReadings enters readings of a custom KPI in Spanish: a
// decimal comma is read, a bad value is refused in Spanish.
func TestCustomKPIReadings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	o := f.mustObjective(gears.KPICustom)
	b := signIn(t, f, "editor")
	page := f.path("/objectives/%d", o.ID)
	b.get(page)
	b.post("/settings/language", url.Values{"language": {"es"}, "next": {"/"}})
	b.get(page)
	st, body, _ := b.post(page+"/readings", url.Values{"day": {time.Now().In(f.ws.Location()).Format("2006-01-02")}, "value": {"muchos"}})
	if st != 400 || !strings.Contains(body, shown(`«value» debe ser un número, como 1500 o 12,5.`)) || !strings.Contains(body, `value="muchos"`) {
		t.Fatalf("bad reading in Spanish = %d", st)
	}
	if st, _, _ = b.post(page+"/readings", url.Values{"day": {time.Now().In(f.ws.Location()).Format("2006-01-02")}, "value": {"37,5"}}); st != 303 {
		t.Fatalf("reading = %d", st)
	}
	if _, body, _ = b.get(page); !strings.Contains(body, `data-figure="current">37,5<`) || !strings.Contains(body, "Lecturas") {
		t.Errorf("the reading is not shown")
	}
	if keys := untranslated(body); len(keys) > 0 {
		t.Errorf("untranslated keys: %v", keys)
	}
}

// TestObjectiveChartInTheReadersLanguage reads an objective's chart in
// English and Spanish: its axis and its target are written as the
// language writes numbers.
func TestObjectiveChartInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := as(f.actors["owner"].user)
	today := time.Now().In(f.ws.Location())
	// A custom KPI read at 0.25 and 0.75, with a target of 1.5: the axis
	// runs from 0 to 1.5 by 0.5, with halves to write.
	o := must(f.strategyService().CreateObjective(owner, f.ws.ID, gears.ObjectiveInput{Title: "Rate", KPI: gears.KPICustom,
		Target: 1.5, StartsOn: today.AddDate(0, 0, -7).Format("2006-01-02"), DueOn: today.AddDate(0, 0, 7).Format("2006-01-02")}))
	for i, v := range []float64{0.25, 0.75} {
		must(f.strategyService().AddReading(owner, f.ws.ID, o.ID, gears.KPIReadingInput{Day: today.AddDate(0, 0, -6+6*i).Format("2006-01-02"), Value: v}))
	}
	b := signIn(t, f, "owner")
	chartOf := regexp.MustCompile(`(?s)<figure id="progress-chart".*?</figure>`)
	for lang, c := range map[string]struct{ want, not []string }{
		"en": {want: []string{">Target 1.5</text>", ">0.5</text>", ">1.5</text>"}},
		"es": {want: []string{">Objetivo 1,5</text>", ">0,5</text>", ">1,5</text>"}, not: []string{"0.5", "1.5"}},
	} {
		st, body, _ := b.get(f.path("/objectives/%d", o.ID), "Accept-Language", lang)
		svg := chartOf.FindString(body)
		if st != 200 || svg == "" {
			t.Fatalf("%s: objective page = %d without its chart", lang, st)
		}
		for _, w := range c.want {
			if !strings.Contains(svg, w) {
				t.Errorf("%s: the chart lacks %s:\n%s", lang, w, svg)
			}
		}
		for _, n := range c.not {
			if regexp.MustCompile(`>[^<]*` + regexp.QuoteMeta(n) + `[^<]*</text>`).MatchString(svg) {
				t.Errorf("%s: the chart writes %s", lang, n)
			}
		}
	}
}

// TestStrategyWorkspaceForms fills the strategy workspace: the document,
// research, competitors and the set-up checklist. What people type is
// shown as text, addresses that would run script are refused, and every
// page reads in Spanish.
func TestStrategyWorkspaceForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "editor")
	sp := f.path("/strategy")
	if st, _, _ := b.get(sp); st != 200 {
		t.Fatalf("strategy = %d", st)
	}
	opened := strconv.FormatInt(time.Now().Add(-3*time.Minute).UnixMilli(), 10)
	if st, _, h := b.post(sp, url.Values{"audiences": {"Coffee lovers <18-35>"}, "tone": {"Warm"}, "role_mastodon": {"Community"}, "opened_at": {opened}}); st != 303 || !strings.HasPrefix(h.Get("Location"), sp) {
		t.Fatalf("save the document = %d", st)
	}
	st, body, _ := b.post(sp+"/research", url.Values{"title": {"<script>alert(1)</script>"}, "source_url": {"javascript:alert(2)"}})
	if st != 400 || !strings.Contains(body, shown(`"source_url" must be a web address starting with https:// or http://.`)) || !strings.Contains(body, shown("<script>alert(1)</script>")) {
		t.Fatalf("a script address = %d", st)
	}
	if st, _, _ = b.post(sp+"/research", url.Values{"title": {"<script>alert(1)</script>"}, "body": {"Mornings"}, "source_url": {"https://example.org/s"}, "opened_at": {opened}}); st != 303 {
		t.Fatalf("note = %d", st)
	}
	notes := must(store.NewStrategyService(f.db).FindResearchNotes(as(f.actors["editor"].user), f.ws.ID))
	st, body, _ = b.post(f.path("/strategy/research/%d", notes[0].ID), url.Values{"title": {"Edited title"}, "source_url": {"ftp://example.org"}})
	if st != 400 || !strings.Contains(body, `<details open>`) || !strings.Contains(body, `value="Edited title"`) || !strings.Contains(body, `value="ftp://example.org"`) {
		t.Errorf("a refused edit of a note = %d: its form must open with the input kept", st)
	}
	if st, _, _ = b.post(sp+"/competitors", url.Values{"name": {"Bean Bros"}, "network": {"mastodon"}, "handle": {"@beanbros@example.social"}, "profile_url": {"https://example.social/@beanbros"}}); st != 303 {
		t.Fatalf("competitor = %d", st)
	}
	st, body, _ = b.post(sp+"/competitors", url.Values{"name": {"Again"}, "network": {"mastodon"}, "handle": {"beanbros@example.social"}})
	if st != 409 || !strings.Contains(body, "beanbros@example.social is already on the list for that network.") || !strings.Contains(body, `value="Again"`) {
		t.Errorf("the same competitor twice = %d", st)
	}
	if st, _, _ = b.post(f.path("/strategy/checklist/%d", f.account.ID), url.Values{"item": {"bio"}, "done": {"1"}, "opened_at": {opened}}); st != 303 {
		t.Errorf("tick = %d", st)
	}
	if st, _, _ = b.post(f.path("/strategy/checklist/%d", f.account.ID), url.Values{"item": {"haircut"}, "done": {"1"}}); st != 400 {
		t.Errorf("an unknown step = %d", st)
	}
	st, body, _ = b.get(sp)
	if st != 200 {
		t.Fatalf("strategy = %d", st)
	}
	for _, want := range []string{"Coffee lovers &lt;18-35&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;", `href="https://example.social/@beanbros"`, `data-item="bio" data-done="true"`, `data-item="avatar" data-done="false"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the strategy page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Errorf("the strategy page shows markup unescaped")
	}
	entries, err := store.NewPlanService(f.db).FindTime(as(f.actors["editor"].user), f.ws.ID, workload.TimeFilter{})
	acts := map[string]bool{}
	for _, e := range entries {
		acts[e.ActivityKey] = true
	}
	if err != nil || !acts["strategy.communication"] || !acts["strategy.research"] || !acts["strategy.platforms"] {
		t.Errorf("time logged to %v, %v", acts, err)
	}
	// An approver reads the workspace without its forms, and may not post.
	a := signIn(t, f, "approver")
	if st, body, _ = a.get(sp); st != 200 || strings.Contains(body, `action="`+sp+`/research"`) || !strings.Contains(body, "Coffee lovers") {
		t.Errorf("the approver's strategy page = %d", st)
	}
	if st, _, _ = a.post(sp+"/research", url.Values{"title": {"Mine"}}); st != 403 {
		t.Errorf("an approver's note = %d", st)
	}
	c := f.mustCampaign()
	o := f.mustObjective(gears.KPIPosts)
	for _, p := range []string{sp, f.path("/objectives"), f.path("/objectives/%d", o.ID), f.path("/campaigns"), f.path("/campaigns/%d", c.ID)} {
		st, body, _ := b.get(p, "Accept-Language", "es")
		if st != 200 || !strings.Contains(body, `lang="es"`) {
			t.Errorf("%s in Spanish = %d", p, st)
			continue
		}
		if keys := untranslated(body); len(keys) > 0 {
			t.Errorf("%s shows untranslated keys: %v", p, keys)
		}
	}
}

// TestCampaignPages creates a campaign, puts a post in it, renames it
// (its post follows), enters spend with a decimal comma and links to the
// calendar filtered by it.
func TestCampaignPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		b := signIn(t, f, "editor")
		b.get(f.path("/campaigns"))
		st, body, _ := b.post(f.path("/campaigns"), url.Values{"name": {"Spring"}, "starts_on": {"2026-03-10"}, "ends_on": {"2026-03-01"}})
		if st != 400 || !strings.Contains(body, "The campaign cannot end before it starts.") || !strings.Contains(body, `value="Spring"`) {
			t.Fatalf("ends before it starts = %d", st)
		}
		st, _, h := b.post(f.path("/campaigns"), url.Values{"name": {"Spring"}, "starts_on": {"2026-03-01"}, "ends_on": {"2026-03-31"}, "networks": {"mastodon"}})
		if st != 303 {
			t.Fatalf("create = %d", st)
		}
		page := strings.Split(h.Get("Location"), "?")[0]
		post := must(store.NewPostService(db, nil).CreatePost(as(f.actors["editor"].user), f.ws.ID,
			gears.PostInput{Text: "Spring roast <new>", AccountIDs: []int64{f.account.ID}, Campaign: "Spring"}))
		st, body, _ = b.get(page)
		cal := f.path("/calendar?campaign=Spring&amp;date=2026-03-01&amp;view=list")
		if st != 200 || !strings.Contains(body, fmt.Sprintf(`data-post="%d"`, post.ID)) || !strings.Contains(body, "Spring roast &lt;new&gt;") || !strings.Contains(body, cal) {
			t.Fatalf("campaign page = %d", st)
		}
		if st, _, _ = b.post(page, url.Values{"name": {"Spring sale"}, "starts_on": {"2026-03-01"}, "ends_on": {"2026-03-31"}}); st != 303 {
			t.Fatalf("rename = %d", st)
		}
		if p := must(store.NewPostService(db, nil).FindPost(as(f.actors["editor"].user), f.ws.ID, post.ID)); p.Campaign != "Spring sale" {
			t.Errorf("the post's campaign = %q", p.Campaign)
		}
		st, body, _ = b.post(page+"/spend", url.Values{"amount": {"cien"}, "spent_on": {"2026-03-02"}, "note": {"Ads"}})
		if st != 400 || !strings.Contains(body, shown(`"amount" must be a number`)) || !strings.Contains(body, `value="cien"`) {
			t.Fatalf("bad amount = %d", st)
		}
		st, body, _ = b.post(page+"/spend", url.Values{"amount": {""}, "spent_on": {"2026-03-02"}, "note": {"Ads"}})
		if st != 400 || !strings.Contains(body, shown(`"amount" needs a number.`)) || strings.Contains(body, "<details open>") {
			t.Errorf("no amount = %d: the error belongs to the spend form", st)
		}
		if st, _, _ = b.post(page+"/spend", url.Values{"amount": {"120,50"}, "spent_on": {"2026-03-02"}, "network": {"mastodon"}, "gear": {"strategy"}}); st != 303 {
			t.Fatalf("spend = %d", st)
		}
		if _, body, _ = b.get(page); !strings.Contains(body, `data-figure="spent">120.50<`) || !strings.Contains(body, "Spring sale") {
			t.Errorf("the spend is not shown")
		}
		// The composer offers the workspace's campaigns.
		if _, body, _ = b.get(f.path("/posts/new")); !strings.Contains(body, `list="campaigns"`) || !strings.Contains(body, `<option value="Spring sale">`) {
			t.Errorf("the composer does not offer the campaigns")
		}
	})
}

// Schemas of api/openapi.yaml (see checkSchema).
var (
	strategyObjectiveSchema = map[string][]string{
		"id": {"number"}, "title": {"string"}, "kpi": {"string"}, "account_id": {"number", "null"}, "network": {"string"},
		"campaign": {"string"}, "baseline": {"number"}, "target": {"number"}, "starts_on": {"string"}, "due_on": {"string"}, "created_at": {"time"},
	}
	strategyProgressSchema = map[string][]string{
		"series": {"array"}, "current": {"number"}, "has_data": {"boolean"}, "percent": {"number"}, "expected": {"number"},
		"on_track": {"boolean"}, "reached": {"boolean"}, "today": {"string"},
	}
	strategyProgressPointSchema = map[string][]string{"day": {"string"}, "value": {"number"}, "expected": {"number"}}
	strategyCampaignSchema      = map[string][]string{
		"id": {"number"}, "name": {"string"}, "description": {"string"}, "networks": {"array"}, "starts_on": {"string"}, "ends_on": {"string"},
		"spent_cents": {"number"}, "posts": {"number"}, "created_at": {"time"},
	}
	strategySpendSchema = map[string][]string{
		"id": {"number"}, "campaign_id": {"number"}, "amount_cents": {"number"}, "network": {"string"}, "gear": {"string"},
		"spent_on": {"string"}, "note": {"string"}, "created_at": {"time"},
	}
	strategyCompetitorSchema = map[string][]string{
		"id": {"number"}, "name": {"string"}, "network": {"string"}, "handle": {"string"}, "profile_url": {"string"}, "notes": {"string"}, "created_at": {"time"},
	}
	strategyNoteSchema = map[string][]string{
		"id": {"number"}, "title": {"string"}, "body": {"string"}, "source_url": {"string"}, "created_by": {"number", "null"},
		"created_at": {"time"}, "updated_at": {"time"},
	}
	strategyStrategySchema = map[string][]string{
		"audiences": {"string"}, "tone": {"string"}, "channels": {"array"}, "updated_by": {"number", "null"}, "updated_at": {"time", "null"},
	}
	strategyChecklistSchema = map[string][]string{"account_id": {"number"}, "network": {"string"}, "handle": {"string"}, "items": {"array"}}
	strategySetupItemSchema = map[string][]string{"item": {"string"}, "done": {"boolean"}, "done_by": {"number", "null"}, "done_at": {"time", "null"}}
	strategyReadingSchema   = map[string][]string{
		"id": {"number"}, "day": {"string"}, "value": {"number"}, "note": {"string"}, "created_by": {"number", "null"}, "created_at": {"time"},
	}
)

func strategyObj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not an object: %v", v)
	}
	return m
}

// TestStrategyAPI drives the strategy gear through the JSON API: the
// documented shapes, partial updates, and bad input refused with the
// field named, in English and Spanish, with nothing written.
func TestStrategyAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		ed := f.actors["editor"]
		api := func(method, path, body string) apiResult { return f.api(t, ed, method, f.apiPath("%s", path), body) }

		r := api("POST", "/objectives", `{"title":"Clicks","kpi":"clicks","network":"bluesky","target":500,"starts_on":"2026-01-01","due_on":"2026-12-31"}`)
		if r.status != 201 {
			t.Fatalf("create objective = %d %s", r.status, r.raw)
		}
		checkSchema(t, "objective", r.body, strategyObjectiveSchema)
		id := int64(r.body["id"].(float64))
		r = api("PATCH", fmt.Sprintf("/objectives/%d", id), `{"target":600}`)
		if r.status != 200 || r.body["target"] != 600.0 || r.body["network"] != "bluesky" || r.body["title"] != "Clicks" {
			t.Fatalf("patch objective = %d %s", r.status, r.raw)
		}
		r = api("GET", fmt.Sprintf("/objectives/%d/progress", id), "")
		if r.status != 200 {
			t.Fatalf("progress = %d %s", r.status, r.raw)
		}
		checkSchema(t, "progress", strategyObj(t, r.body["progress"]), strategyProgressSchema)
		checkSchema(t, "progress objective", strategyObj(t, r.body["objective"]), strategyObjectiveSchema)
		series := strategyObj(t, r.body["progress"])["series"].([]any)
		if len(series) == 0 {
			t.Fatalf("no series: %s", r.raw)
		}
		checkSchema(t, "progress point", strategyObj(t, series[0]), strategyProgressPointSchema)
		if first := strategyObj(t, series[0]); first["day"] != "2026-01-01" {
			t.Errorf("the series starts on %v", first["day"])
		}
		if r = api("GET", "/objectives", ""); r.status != 200 || len(r.body["objectives"].([]any)) != 1 {
			t.Errorf("objectives = %d %s", r.status, r.raw)
		}

		// Bad input, in both languages, names the field.
		for _, c := range []struct {
			body, field, en, es string
		}{
			{`{"title":"x","kpi":"clicks","target":5,"starts_on":"2026-01-01","due_on":"2026-12-31","colour":"red"}`, "colour", "colour", "colour"},
			{`{"title":"x","kpi":"clicks","target":"five","starts_on":"2026-01-01","due_on":"2026-12-31"}`, "target", "target", "target"},
			{`{"title":"x","kpi":"likes","target":5,"starts_on":"2026-01-01","due_on":"2026-12-31"}`, "kpi", "Choose one of the KPIs offered.", "Elige uno de los KPI ofrecidos."},
			{`{"title":"x","kpi":"clicks","account_id":1,"target":5,"starts_on":"2026-01-01","due_on":"2026-12-31"}`, "account", "This KPI cannot be limited to one account.", "Este KPI no se puede limitar a una cuenta."},
			{`{"title":"x","kpi":"clicks","target":5,"starts_on":"2026-13-01","due_on":"2026-12-31"}`, "starts_on", `"starts_on" must be a date such as 2026-11-26.`, "«starts_on» debe ser una fecha como 2026-11-26."},
			{`{"title":"x","kpi":"clicks","target":0,"starts_on":"2026-01-01","due_on":"2026-12-31"}`, "target", "The target must differ from the baseline.", "El objetivo debe ser distinto del punto de partida."},
		} {
			for lang, want := range map[string]string{"en": c.en, "es": c.es} {
				r := f.apiIn(t, ed, lang, "POST", f.apiPath("/objectives"), c.body)
				code, msg := errorOf(t, r)
				e := strategyObj(t, r.body["error"])
				if r.status != 400 || code != "invalid" || e["field"] != c.field || !strings.Contains(msg, want) {
					t.Errorf("%s in %s = %d %s", c.body, lang, r.status, r.raw)
				}
			}
		}
		if r = api("GET", "/objectives", ""); len(r.body["objectives"].([]any)) != 1 {
			t.Errorf("refused objectives were stored: %s", r.raw)
		}

		// Readings only for custom KPIs.
		r = api("POST", fmt.Sprintf("/objectives/%d/readings", id), `{"day":"2026-02-01","value":3}`)
		if r.status != 400 {
			t.Errorf("a reading of clicks = %d %s", r.status, r.raw)
		}
		r = api("POST", "/objectives", `{"title":"NPS","kpi":"custom","baseline":20,"target":40,"starts_on":"2026-01-01","due_on":"2026-12-31"}`)
		custom := int64(r.body["id"].(float64))
		r = api("POST", fmt.Sprintf("/objectives/%d/readings", custom), `{"day":"2026-02-01","value":31.5,"note":"survey"}`)
		if r.status != 201 {
			t.Fatalf("reading = %d %s", r.status, r.raw)
		}
		checkSchema(t, "reading", r.body, strategyReadingSchema)
		if r = api("GET", fmt.Sprintf("/objectives/%d/readings", custom), ""); r.status != 200 || len(r.body["readings"].([]any)) != 1 {
			t.Errorf("readings = %d %s", r.status, r.raw)
		}

		// Campaigns and spend.
		r = api("POST", "/campaigns", `{"name":"Spring","description":"","networks":["mastodon"],"starts_on":"2026-03-01","ends_on":"2026-03-31"}`)
		if r.status != 201 {
			t.Fatalf("campaign = %d %s", r.status, r.raw)
		}
		checkSchema(t, "campaign", r.body, strategyCampaignSchema)
		cid := int64(r.body["id"].(float64))
		if r = api("POST", "/campaigns", `{"name":"Spring","starts_on":"2026-03-01","ends_on":"2026-03-31"}`); r.status != 409 {
			t.Errorf("a second Spring = %d %s", r.status, r.raw)
		}
		if r = api("PATCH", fmt.Sprintf("/campaigns/%d", cid), `{"name":"Spring sale"}`); r.status != 200 || r.body["name"] != "Spring sale" || r.body["ends_on"] != "2026-03-31" {
			t.Errorf("rename = %d %s", r.status, r.raw)
		}
		r = api("POST", fmt.Sprintf("/campaigns/%d/spend", cid), `{"amount_cents":12050,"network":"mastodon","gear":"maintenance","spent_on":"2026-03-03","note":"Boost"}`)
		if r.status != 201 {
			t.Fatalf("spend = %d %s", r.status, r.raw)
		}
		checkSchema(t, "spend", r.body, strategySpendSchema)
		if r = api("POST", fmt.Sprintf("/campaigns/%d/spend", cid), `{"amount_cents":0,"spent_on":"2026-03-03"}`); r.status != 400 || strategyObj(t, r.body["error"])["field"] != "amount" {
			t.Errorf("zero spend = %d %s", r.status, r.raw)
		}
		if r = api("GET", fmt.Sprintf("/campaigns/%d", cid), ""); r.body["spent_cents"] != 12050.0 {
			t.Errorf("spent = %s", r.raw)
		}
		if r = api("GET", fmt.Sprintf("/campaigns/%d/spend", cid), ""); r.status != 200 || len(r.body["spend"].([]any)) != 1 {
			t.Errorf("spend list = %d %s", r.status, r.raw)
		}

		// Competitors, notes, the document and the checklist.
		r = api("POST", "/competitors", `{"name":"Bean Bros","network":"mastodon","handle":"beanbros@example.social","profile_url":"https://example.social/@beanbros","notes":""}`)
		if r.status != 201 {
			t.Fatalf("competitor = %d %s", r.status, r.raw)
		}
		checkSchema(t, "competitor", r.body, strategyCompetitorSchema)
		if r = api("POST", "/competitors", `{"name":"X","network":"myspace","handle":"x"}`); r.status != 400 || strategyObj(t, r.body["error"])["field"] != "network" {
			t.Errorf("a competitor on myspace = %d %s", r.status, r.raw)
		}
		r = api("POST", "/research-notes", `{"title":"Mornings","body":"Replies peak at 9","source_url":""}`)
		if r.status != 201 {
			t.Fatalf("note = %d %s", r.status, r.raw)
		}
		checkSchema(t, "note", r.body, strategyNoteSchema)
		r = api("PUT", "/strategy", `{"audiences":"Locals","tone":"Warm","channels":[{"network":"bluesky","role":"News"}]}`)
		if r.status != 200 {
			t.Fatalf("strategy = %d %s", r.status, r.raw)
		}
		checkSchema(t, "strategy", r.body, strategyStrategySchema)
		r = api("PUT", fmt.Sprintf("/checklist/%d/links", f.account.ID), `{"done":true}`)
		if r.status != 200 {
			t.Fatalf("tick = %d %s", r.status, r.raw)
		}
		checkSchema(t, "checklist", r.body, strategyChecklistSchema)
		for _, it := range r.body["items"].([]any) {
			checkSchema(t, "set-up item", strategyObj(t, it), strategySetupItemSchema)
		}
		if r = api("PUT", fmt.Sprintf("/checklist/%d/links", f.account.ID), `{}`); r.status != 400 || strategyObj(t, r.body["error"])["field"] != "done" {
			t.Errorf("no done = %d %s", r.status, r.raw)
		}
		if r = api("GET", "/checklist", ""); r.status != 200 || len(r.body["accounts"].([]any)) != 1 {
			t.Errorf("checklist = %d %s", r.status, r.raw)
		}

		// Nobody outside the workspace sees any of it.
		out := f.actors["outsider"]
		for _, p := range []string{"/objectives", fmt.Sprintf("/objectives/%d/progress", id), "/campaigns", fmt.Sprintf("/campaigns/%d/spend", cid), "/competitors", "/research-notes", "/strategy", "/checklist"} {
			if r := f.api(t, out, "GET", f.apiPath("%s", p), ""); r.status != 404 {
				t.Errorf("outsider GET %s = %d", p, r.status)
			}
		}
		if r := f.api(t, out, "DELETE", f.apiPath("/objectives/%d", id), ""); r.status != 404 {
			t.Errorf("outsider DELETE = %d", r.status)
		}
		if r = api("DELETE", fmt.Sprintf("/objectives/%d", id), ""); r.status != 204 {
			t.Errorf("delete = %d", r.status)
		}
	})
}
