package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/report/reporttest"
	"gears/store"
	"gears/workload"
)

// signIn returns a browser signed in as the fixture's member who.
func signIn(t *testing.T, f *fixture, who string) *browser {
	t.Helper()
	b := newBrowser(t, f)
	b.get("/login")
	if st, _, _ := b.post("/login", url.Values{"email": {who + "@example.com"}, "password": {"correct horse battery"}}); st != 303 {
		t.Fatalf("sign in as %s = %d", who, st)
	}
	return b
}

// plannerForm is the planner's form as a person fills it in.
func plannerForm(name string, networks int) url.Values {
	return url.Values{
		"name": {name}, "networks": {fmt.Sprint(networks)}, "posts_per_week": {"7"}, "mentions_per_week": {"80"},
		"blog_posts_per_month": {"1"}, "campaigns_per_quarter": {"1"}, "contests_per_quarter": {"0"},
		"reports_per_month": {"1"}, "languages": {"1"}, "org_size": {"small"}, "audience": {"b2c"},
		"crisis_risk": {"low"}, "hours_per_fte": {"40"}, "rate": {"25"}, "plan_weeks": {"12"},
	}
}

var planLocation = regexp.MustCompile(`/planner\?plan=(\d+)`)

// TestPlannerSavedPlans saves, reopens, updates, compares, activates and
// deletes plans through the planner's forms.
func TestPlannerSavedPlans(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "manager")
	if st, body, _ := b.get(f.path("/planner")); st != 200 || !strings.Contains(body, "No plans saved yet") || !strings.Contains(body, `action="/w/`) {
		t.Fatalf("planner = %d", st)
	}
	// A plan without a name is refused, and nothing typed is lost.
	st, body, _ := b.post(f.path("/plans"), plannerForm("  ", 3))
	if st != 400 || !strings.Contains(body, "Give the plan a name.") || !strings.Contains(body, `name="networks" value="3"`) || !strings.Contains(body, `id="pf-networks" name="networks" type="number" min="0" step="1" inputmode="decimal" value="3"`) {
		t.Fatalf("unnamed plan = %d, want 400 with the form kept", st)
	}
	// A bad number is refused with the name kept.
	bad := plannerForm("Today", 3)
	bad.Set("posts_per_week", "lots")
	if st, body, _ := b.post(f.path("/plans"), bad); st != 400 || !strings.Contains(body, "must be a number") || !strings.Contains(body, `value="Today"`) {
		t.Fatalf("bad number = %d, want 400 keeping the name", st)
	}
	st, _, h := b.post(f.path("/plans"), plannerForm("Today", 3))
	m := planLocation.FindStringSubmatch(h.Get("Location"))
	if st != 303 || m == nil {
		t.Fatalf("save = %d %s", st, h.Get("Location"))
	}
	today := m[1]
	st, body, _ = b.get(h.Get("Location"))
	if st != 200 || !strings.Contains(body, "Plan saved.") || !strings.Contains(body, `<span data-open-plan>Today</span>`) || !strings.Contains(body, `name="plan" value="`+today+`"`) || !strings.Contains(body, `id="pf-networks" name="networks" type="number" min="0" step="1" inputmode="decimal" value="3"`) {
		t.Fatalf("opened plan = %d", st)
	}
	// The live fragment of an open plan offers to update it.
	if st, body, _ := b.get(f.path("/planner?fragment=1&plan=%s&networks=5", today)); st != 200 || !strings.Contains(body, `action="/w/`+fmt.Sprint(f.ws.ID)+`/plans/`+today+`"`) || !strings.Contains(body, `name="networks" value="5"`) {
		t.Fatalf("fragment = %d: no update form with the typed values", st)
	}
	// Update: a new name and two more networks.
	st, _, h = b.post(f.path("/plans/%s", today), plannerForm("Today, bigger", 5))
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "/planner?plan="+today+"&ok=flash.saved") {
		t.Fatalf("update = %d %s", st, h.Get("Location"))
	}
	if st, body, _ := b.post(f.path("/plans/%s", today), plannerForm("", 5)); st != 400 || !strings.Contains(body, "Give the plan a name.") || !strings.Contains(body, `data-open-plan>Today, bigger<`) {
		t.Errorf("update without a name = %d", st)
	}
	_, _, h = b.post(f.path("/plans"), plannerForm("Quiet", 2))
	quiet := planLocation.FindStringSubmatch(h.Get("Location"))[1]

	// Compare the two scenarios.
	st, body, _ = b.get(f.path("/planner/compare?a=%s&b=%s", quiet, today))
	if st != 200 || !strings.Contains(body, "Today, bigger") || !strings.Contains(body, "Quiet") || strings.Count(body, "<svg") < 2 || !strings.Contains(body, `id="gears-title-1"`) || !strings.Contains(body, `id="gears-title-2"`) {
		t.Fatalf("compare = %d", st)
	}
	if !regexp.MustCompile(`data-weekly-diff="(\+|&#43;)\d+\.\d"`).MatchString(body) || !strings.Contains(body, `data-activity="maintenance.monitoring"`) {
		t.Errorf("compare shows no positive weekly difference for two more networks")
	}
	if st, _, _ := b.get(f.path("/planner/compare?a=%s&b=999999", quiet)); st != 404 {
		t.Errorf("compare with a missing plan = %d", st)
	}

	// Activate: the board shows the tasks, unassigned.
	st, _, h = b.post(f.path("/plans/%s/activate", today), nil)
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "/board?ok=flash.plan_activated") {
		t.Fatalf("activate = %d %s", st, h.Get("Location"))
	}
	st, body, _ = b.get(h.Get("Location"))
	if st != 200 || !strings.Contains(body, "plan: Today, bigger") || !strings.Contains(body, "Unassigned") || !strings.Contains(body, `data-activity="maintenance.monitoring"`) {
		t.Fatalf("board after activation = %d", st)
	}
	// Delete the other.
	if st, _, h := b.post(f.path("/plans/%s/delete", quiet), nil); st != 303 || !strings.Contains(h.Get("Location"), "flash.plan_deleted") {
		t.Errorf("delete = %d", st)
	}
	if st, body, _ := b.get(f.path("/planner")); st != 200 || strings.Contains(body, ">Quiet<") || !strings.Contains(body, "active</span>") {
		t.Errorf("planner after delete = %d", st)
	}
	// An approver sees the plans but no forms that change them.
	a := signIn(t, f, "approver")
	if st, body, _ := a.get(f.path("/planner")); st != 200 || !strings.Contains(body, "Today, bigger") || strings.Contains(body, "/activate") || strings.Contains(body, `id="save-plan"`) {
		t.Errorf("approver's planner = %d", st)
	}
}

// TestBoardAndTime assigns tasks on the board and tracks time on the time
// page, as people do.
func TestBoardAndTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	_, tasks := f.mustActive()
	var monitoring *workload.Task
	for _, task := range tasks {
		if task.ActivityKey == "maintenance.monitoring" {
			monitoring = task
		}
	}
	mgr := signIn(t, f, "manager")
	mgr.get(f.path("/board"))
	editorID := f.actors["editor"].user.ID
	week := workload.WeekStart(time.Now().In(f.ws.Location())).Format("2006-01-02")
	st, _, h := mgr.post(f.path("/tasks/%d/assign", monitoring.ID), url.Values{"assignee_id": {fmt.Sprint(editorID)}, "week": {week}})
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "/board?week="+week+"&ok=flash.saved") {
		t.Fatalf("assign = %d %s", st, h.Get("Location"))
	}
	if st, body, _ := mgr.post(f.path("/tasks/%d/assign", monitoring.ID), url.Values{"assignee_id": {fmt.Sprint(f.actors["outsider"].user.ID)}}); st != 400 || !strings.Contains(body, "only be assigned to members") {
		t.Errorf("assign to an outsider = %d", st)
	}
	if st, _, _ := mgr.get(f.path("/board?week=someday")); st != 400 {
		t.Errorf("bad week = %d, want 400", st)
	}

	// The editor tracks time: a timer, then an entry by hand.
	ed := signIn(t, f, "editor")
	st, body, _ := ed.get(f.path("/time"))
	if st != 200 || !strings.Contains(body, fmt.Sprintf(`<option value="task:%d" selected>`, monitoring.ID)) || strings.Contains(body, "data-timer-running") {
		t.Fatalf("time page = %d: the editor's own task should be offered first", st)
	}
	if st, _, _ := ed.post(f.path("/time/start"), url.Values{"work": {fmt.Sprintf("task:%d", monitoring.ID)}, "note": {"morning round"}}); st != 303 {
		t.Fatalf("start = %d", st)
	}
	st, body, _ = ed.get(f.path("/time"))
	if st != 200 || !strings.Contains(body, "data-timer-running") || !strings.Contains(body, "morning round") || !strings.Contains(body, "/time/stop") {
		t.Fatalf("running timer not shown: %d", st)
	}
	if st, body, _ := ed.post(f.path("/time/start"), url.Values{"work": {"maintenance.curation"}}); st != 409 || !strings.Contains(body, "already running") {
		t.Errorf("second timer = %d", st)
	}
	if st, _, _ := ed.post(f.path("/time/stop"), nil); st != 303 {
		t.Fatalf("stop = %d", st)
	}
	if st, body, _ := ed.post(f.path("/time/stop"), nil); st != 409 || !strings.Contains(body, "No timer is running.") {
		t.Errorf("stop without a timer = %d", st)
	}
	now := time.Now().In(f.ws.Location())
	today, todayWeek := now.Format("2006-01-02"), workload.WeekStart(now).Format("2006-01-02")
	entry := url.Values{"work": {"maintenance.curation"}, "date": {today}, "amount": {"-20"}, "unit": {"min"}, "note": {"read the feeds"}}
	if st, body, _ := ed.post(f.path("/time"), entry); st != 400 || !strings.Contains(body, "at most 1440 minutes") || !strings.Contains(body, `value="read the feeds"`) || !strings.Contains(body, `value="-20"`) {
		t.Errorf("negative minutes = %d, want 400 keeping the input", st)
	}
	entry.Set("amount", "yesterday")
	if st, _, _ := ed.post(f.path("/time"), entry); st != 400 {
		t.Errorf("amount not a number = %d", st)
	}
	entry.Set("amount", "1,5")
	entry.Set("unit", "h")
	entry.Set("date", "25/11/2026")
	if st, body, _ := ed.post(f.path("/time"), entry); st != 400 || !strings.Contains(body, "YYYY-MM-DD") {
		t.Errorf("bad date = %d", st)
	}
	entry.Set("date", today)
	entry.Set("work", "maintenance.knitting")
	if st, body, _ := ed.post(f.path("/time"), entry); st != 400 || !strings.Contains(body, "not an activity") {
		t.Errorf("unknown activity = %d", st)
	}
	entry.Set("work", "maintenance.curation")
	if st, _, h := ed.post(f.path("/time"), entry); st != 303 || !strings.Contains(h.Get("Location"), "flash.time_added") {
		t.Fatalf("manual entry = %d", st)
	}
	st, body, _ = ed.get(f.path("/time?week=%s", todayWeek)) // the entry's week, even if a new one began
	if st != 200 || !strings.Contains(body, "read the feeds") || !strings.Contains(body, ">1:30<") {
		t.Fatalf("the hour and a half is not listed: %d", st)
	}
	id := regexp.MustCompile(`data-entry="(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(id) != 2 {
		t.Fatalf("%d entries listed, want 2", len(id))
	}

	// The board: the editor's group with the budget, and their time.
	st, body, _ = ed.get(f.path("/board"))
	if st != 200 || !strings.Contains(body, fmt.Sprintf(`data-person="%d"`, editorID)) || !strings.Contains(body, "Tracked by you") || strings.Contains(body, "assign-") {
		t.Errorf("editor's board = %d", st)
	}
	st, body, _ = mgr.get(f.path("/board"))
	if st != 200 || !strings.Contains(body, fmt.Sprintf(`data-person="%d"`, editorID)) || !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, editorID)) {
		t.Errorf("manager's board = %d", st)
	}
	// Another week is empty of time; the previous link points back.
	next := workload.WeekStart(time.Now().In(f.ws.Location())).AddDate(0, 0, 7).Format("2006-01-02")
	if st, body, _ := ed.get(f.path("/board?week=%s", next)); st != 200 || !strings.Contains(body, "?week="+week) {
		t.Errorf("next week's board = %d", st)
	}

	if st, _, _ := ed.post(f.path("/time/%s/delete", id[1][1]), url.Values{"week": {week}}); st != 303 {
		t.Errorf("delete entry = %d", st)
	}
	if st, _, _ := ed.post(f.path("/time/%s/delete", id[1][1]), nil); st != 404 {
		t.Errorf("delete it again = %d", st)
	}
	if st, _, _ := signIn(t, f, "approver").get(f.path("/time")); st != 403 {
		t.Errorf("approver's time page = %d", st)
	}
}

// TestWorkloadAndCalibrationPages reads planned against actual and the
// calibration as a manager, in both languages.
func TestWorkloadAndCalibrationPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	mgr := signIn(t, f, "manager")
	if st, body, _ := mgr.get(f.path("/workload")); st != 200 || !strings.Contains(body, "No plan is active yet") {
		t.Fatalf("workload without a plan = %d", st)
	}
	if st, body, _ := mgr.get(f.path("/calibration")); st != 200 || !strings.Contains(body, `data-calibration="short"`) || !strings.Contains(body, "0 of the weeks shown have them; 4 are needed") {
		t.Fatalf("calibration without history = %d", st)
	}
	f.mustActive()
	f.mustHistory(4)
	editorID := f.actors["editor"].user.ID
	// The owner's time is unassigned work: every task is unassigned, the
	// owner tracks it, and has 40 h of capacity.
	st, body, _ := mgr.get(f.path("/workload?weeks=4"))
	if st != 200 || !strings.Contains(body, "Capacity against load") || !strings.Contains(body, "load-low") || !strings.Contains(body, "Under capacity") {
		t.Fatalf("workload = %d", st)
	}
	if !strings.Contains(body, `href="/w/`+fmt.Sprint(f.ws.ID)+`/workload.csv?weeks=4"`) {
		t.Errorf("no CSV link")
	}
	// Capacity: a bad value is refused and kept; a good one saved.
	if st, body, _ := mgr.post(f.path("/capacity/%d?weeks=4", editorID), url.Values{"weekly_hours": {"200"}}); st != 400 || !strings.Contains(body, "from 0 to 168") || !strings.Contains(body, `value="200" aria-invalid="true"`) {
		t.Errorf("capacity 200 = %d", st)
	}
	if st, _, h := mgr.post(f.path("/capacity/%d?weeks=4", editorID), url.Values{"weekly_hours": {"0"}}); st != 303 || !strings.HasSuffix(h.Get("Location"), "/workload?weeks=4&ok=flash.saved") {
		t.Errorf("capacity 0 = %d %s", st, h.Get("Location"))
	}
	if st, _, _ := mgr.get(f.path("/workload?weeks=99")); st != 400 {
		t.Errorf("99 weeks = %d", st)
	}
	st, body, _ = mgr.get(f.path("/calibration"))
	if st != 200 || !strings.Contains(body, `data-calibration="ready"`) || !strings.Contains(body, "Based on 4 weeks") || !strings.Contains(body, "Your own times") || !strings.Contains(body, "Published figures") {
		t.Fatalf("calibration = %d", st)
	}
	if !strings.Contains(body, "the plan needs 35.4 h a week instead of 37 h (-1.6 h)") {
		t.Errorf("the English explanation lacks the plan's difference")
	}
	st, body, _ = mgr.get(f.path("/calibration"), "Accept-Language", "es")
	if st != 200 || !strings.Contains(body, "A partir de 4 semanas") || !strings.Contains(body, "Sus propios tiempos") {
		t.Errorf("calibration in Spanish = %d", st)
	}
	// Its explanation writes the numbers with the decimal comma: with 25
	// minutes a post and 3 hours a report instead of 30 and 6, the plan
	// needs 35.4 hours a week instead of 37, 1.6 fewer (the sign kept).
	if ex := regexp.MustCompile(`(?s)<ul class="explanation">.*?</ul>`).FindString(body); !strings.Contains(ex, "el plan requiere 35,4 h semanales en lugar de 37 h (-1,6 h)") {
		t.Errorf("the Spanish explanation: %s", ex)
	}
	// Counts typed on the page: all checked before any is saved.
	weeks := f.lastWeeks(2)
	d1, d2 := weeks[1].Format("2006-01-02"), weeks[0].Format("2006-01-02")
	form := url.Values{"week": {d1, d2}, "posts_" + d1: {"30"}, "conversations_" + d1: {"400"}, "reports_" + d1: {"2"}, "posts_" + d2: {"-3"}}
	if st, body, _ := mgr.post(f.path("/work-counts"), form); st != 400 || !strings.Contains(body, "from 0 to 1,000,000") || !strings.Contains(body, `value="-3" aria-invalid="true"`) || !strings.Contains(body, `name="posts_`+d1+`" type="number" min="0" step="any" inputmode="decimal" value="30"`) {
		t.Errorf("negative count = %d, want 400 with the input kept", st)
	}
	counts := must(f.planService().FindWorkCounts(as(f.actors["owner"].user), f.ws.ID, weeks[1], weeks[1].AddDate(0, 0, 7)))
	if len(counts) != 1 || counts[0].Posts == 30 {
		t.Errorf("a refused form saved %+v", counts)
	}
	form.Set("posts_"+d2, "")
	if st, _, _ := mgr.post(f.path("/work-counts"), form); st != 303 {
		t.Errorf("counts = %d", st)
	}
	counts = must(f.planService().FindWorkCounts(as(f.actors["owner"].user), f.ws.ID, weeks[0], weeks[1].AddDate(0, 0, 7)))
	if len(counts) != 2 || counts[1].Posts != 30 || counts[1].Conversations != 400 || counts[0].Posts != 8+3*2 {
		t.Errorf("counts after saving = %+v", counts)
	}
	// The analyst reads but does not type counts.
	analyst := signIn(t, f, "analyst")
	if st, body, _ := analyst.get(f.path("/calibration")); st != 200 || strings.Contains(body, `name="posts_`) {
		t.Errorf("analyst's calibration = %d", st)
	}
	// Counts with decimals and thousands: the manager's inputs keep Go's
	// point; the analyst reads them in the page's language.
	form = url.Values{"week": {d1}, "posts_" + d1: {"30"}, "conversations_" + d1: {"1234.5"}, "reports_" + d1: {"2.5"}}
	if st, _, _ := mgr.post(f.path("/work-counts"), form); st != 303 {
		t.Errorf("counts with decimals = %d", st)
	}
	for lang, cells := range map[string][]string{
		"en": {`<td class="num">1,234.5</td><td class="num">2.5</td>`},
		"es": {`<td class="num">1.234,5</td><td class="num">2,5</td>`},
	} {
		_, body, _ := analyst.get(f.path("/calibration"), "Accept-Language", lang)
		for _, c := range cells {
			if !strings.Contains(body, c) {
				t.Errorf("%s: the analyst does not read %s", lang, c)
			}
		}
		_, body, _ = mgr.get(f.path("/calibration"), "Accept-Language", lang)
		if !strings.Contains(body, `name="conversations_`+d1+`" type="number" min="0" step="any" inputmode="decimal" value="1234.5"`) ||
			!strings.Contains(body, `name="reports_`+d1+`" type="number" min="0" step="any" inputmode="decimal" value="2.5"`) {
			t.Errorf("%s: the manager's inputs lost Go's point", lang)
		}
	}
}

// TestReportPDFHoursAsThePage tracks 45 minutes of maintenance and reads
// the PDF report in both languages: its hours have one decimal, as the
// metrics page shows them (0.75 → 0.8, half away from zero).
func TestReportPDFHoursAsThePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	madrid, _ := time.LoadLocation("Europe/Madrid")
	must(f.planService().AddTime(as(f.actors["editor"].user), f.ws.ID, workload.TimeEntryCreate{ActivityKey: "maintenance.engagement",
		StartedAt: time.Date(2026, 1, 13, 10, 0, 0, 0, madrid), Minutes: 45}))
	b := signIn(t, f, "owner")
	for lang, want := range map[string][3]string{
		"en": {"Maintenance", "0.8 h", "0.0 h"},
		"es": {"Mantenimiento", "0,8 h", "0,0 h"},
	} {
		st, pdf, h := b.get(f.apiPath("/report.pdf?from=2026-01-01&to=2026-01-31"), "Accept-Language", lang)
		if st != 200 || h.Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s: report.pdf = %d %s", lang, st, h.Get("Content-Type"))
		}
		pages, err := reporttest.Read([]byte(pdf))
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, p := range pages {
			text = append(text, p.Text...)
		}
		i := slices.Index(text, want[0])
		if i < 0 || i+1 >= len(text) || text[i+1] != want[1] {
			t.Errorf("%s: the PDF does not show %s as %s:\n%s", lang, want[0], want[1], strings.Join(text, "\n"))
		}
		// Metrics, with no hours, as the page writes none.
		if !slices.Contains(text, want[2]) {
			t.Errorf("%s: the PDF lacks %s:\n%s", lang, want[2], strings.Join(text, "\n"))
		}
	}
}

// TestPlannerTextIsInert puts markup in a plan's name and a member's name
// and checks every planner page shows it escaped.
func TestPlannerTextIsInert(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	name := evil
	if _, err := store.NewUserService(f.db).UpdateUser(as(f.actors["editor"].user), f.actors["editor"].user.ID, gears.UserUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	owner := as(f.actors["owner"].user)
	plans := f.planService()
	a := must(plans.CreatePlan(owner, f.ws.ID, workload.PlanCreate{Name: evil, Input: workload.Typical()}))
	b := f.mustPlan("Other", 6)
	tasks := must(plans.ActivatePlan(owner, f.ws.ID, a.ID, time.Now()))
	must(plans.AssignTask(owner, f.ws.ID, tasks[0].ID, &f.actors["editor"].user.ID))
	must(plans.StartTimer(owner, f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.monitoring", Note: evil}))
	f.mustHistory(4)
	br := signIn(t, f, "owner")
	for _, p := range []string{
		f.path("/planner?plan=%d", a.ID), f.path("/planner/compare?a=%d&b=%d", a.ID, b.ID), f.path("/board"),
		f.path("/time"), f.path("/workload"), f.path("/calibration"),
	} {
		st, body, _ := br.get(p)
		if st != 200 {
			t.Fatalf("%s = %d", p, st)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s shows markup unescaped", p)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the name escaped", p)
		}
	}
}

// formulaText returns the text of the formula the planner page body shows
// for the activity key, tags stripped.
func formulaText(t *testing.T, body, key string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr data-activity="` + regexp.QuoteMeta(key) + `">.*?<p class="mono" data-formula>(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no formula for %s", key)
	}
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], ""))
}

// TestPlannerFormulaInWords reads the formulas of the planner page in
// English and Spanish: drivers and factors named as the form names them,
// numbers written as each language writes them, and no internal keys.
func TestPlannerFormulaInWords(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "manager")
	q := url.Values{
		"networks": {"3"}, "posts_per_week": {"7"}, "mentions_per_week": {"1200"}, "blog_posts_per_month": {"1"},
		"campaigns_per_quarter": {"1"}, "contests_per_quarter": {"0"}, "reports_per_month": {"1"}, "languages": {"2"},
		"org_size": {"medium"}, "audience": {"b2c"}, "crisis_risk": {"high"}, "hours_per_fte": {"40"}, "rate": {"25"}, "plan_weeks": {"12"},
	}
	// Worked by hand from the catalogue's defaults:
	//   maintenance.crisis: (2 + 0.5 × 3 + 0.005 × 1200) = 9.5, × 1.25 for
	//   a medium organisation, × 2 for a high crisis risk: 23.75 h/week.
	//   maintenance.calendar: (1 + 0.3 × 7 + 30 × 1 × 4/52 + 13 × 0 × 4/52)
	//   = 5.4077, × 1.25 for size, × (1 + 0.5 × (2 − 1)) = 1.5 for two
	//   languages: 10.139 ≈ 10.14 h/week.
	//   strategy.followers: 40 × 3 = 120, × 1 for consumers: 120 h.
	for _, c := range []struct {
		lang string
		want map[string]string
	}{
		{"en", map[string]string{
			"maintenance.crisis":   "(2 + 0.5 × 3 Social networks + 0.005 × 1,200 Mentions per week) × 1.25 Organisation size: Medium × 2 Crisis risk: High = 23.75 h/week",
			"maintenance.calendar": "(1 + 0.3 × 7 Posts per week + 30 × 1 Campaigns per quarter × 4/52 + 13 × 0 Contests per quarter × 4/52) × 1.25 Organisation size: Medium × 1.5 Languages: 2 = 10.14 h/week",
			"strategy.followers":   "(40 × 3 Social networks) × 1 Audience: Consumers (B2C) = 120 h",
		}},
		{"es", map[string]string{
			"maintenance.crisis":   "(2 + 0,5 × 3 Redes sociales + 0,005 × 1.200 Menciones por semana) × 1,25 Tamaño de la organización: Mediana × 2 Riesgo de crisis: Alto = 23,75 h/semana",
			"maintenance.calendar": "(1 + 0,3 × 7 Publicaciones por semana + 30 × 1 Campañas por trimestre × 4/52 + 13 × 0 Concursos por trimestre × 4/52) × 1,25 Tamaño de la organización: Mediana × 1,5 Idiomas: 2 = 10,14 h/semana",
			"strategy.followers":   "(40 × 3 Redes sociales) × 1 Público: Consumidores (B2C) = 120 h",
		}},
	} {
		st, body, _ := b.get(f.path("/planner")+"?"+q.Encode(), "Accept-Language", c.lang)
		if st != 200 {
			t.Fatalf("%s planner = %d", c.lang, st)
		}
		for key, want := range c.want {
			if got := formulaText(t, body, key); got != want {
				t.Errorf("%s formula of %s:\n got %q\nwant %q", c.lang, key, got, want)
			}
		}
		if strings.Contains(body, "[crisis.") || strings.Contains(body, "[size.") || strings.Contains(body, "[audience.") {
			t.Errorf("the %s page shows a factor's key", c.lang)
		}
		// The multipliers' sources are listed with the terms'.
		row := regexp.MustCompile(`(?s)<tr data-activity="maintenance.crisis">.*?</tr>`).FindString(body)
		if src := map[string]string{"en": "Roundpeg 2013: larger companies", "es": "Roundpeg 2013: las empresas más grandes"}[c.lang]; !strings.Contains(row, src) {
			t.Errorf("the %s crisis line does not cite the size multiplier's source %q", c.lang, src)
		}
	}

	// Every choice of every factor is named in words in both languages.
	activities := len(workload.Activities())
	for _, field := range []struct {
		name    string
		choices []string
	}{
		{"org_size", []string{"micro", "small", "medium", "large"}},
		{"audience", []string{"b2c", "b2b"}},
		{"crisis_risk", []string{"low", "medium", "high"}},
	} {
		for _, choice := range field.choices {
			for _, lang := range []string{"en", "es"} {
				p := url.Values{"fragment": {"1"}, "languages": {"3"}, field.name: {choice}}
				st, body, _ := b.get(f.path("/planner")+"?"+p.Encode(), "Accept-Language", lang)
				formulas := regexp.MustCompile(`(?s)<p class="mono" data-formula>(.*?)</p>`).FindAllStringSubmatch(body, -1)
				if st != 200 || len(formulas) != activities {
					t.Fatalf("%s=%s in %s: status %d, %d formulas, want %d", field.name, choice, lang, st, len(formulas), activities)
				}
				for _, m := range formulas {
					text := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], ""))
					if strings.Contains(text, "planner.") || strings.ContainsAny(text, "[_") {
						t.Errorf("%s=%s in %s: formula %q shows a key", field.name, choice, lang, text)
					}
				}
			}
		}
	}
}
