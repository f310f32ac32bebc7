package web_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

// fieldOf returns the field an API error names.
func fieldOf(r apiResult) string {
	e, _ := r.body["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

// wantError checks an API error's status, code, field and that its message
// mentions want.
func wantError(t *testing.T, r apiResult, status int, field, want string) {
	t.Helper()
	code, msg := errorOf(t, r)
	if r.status != status || fieldOf(r) != field || !strings.Contains(msg, want) {
		t.Errorf("got %d %s field %q %q, want %d field %q mentioning %q", r.status, code, fieldOf(r), msg, status, field, want)
	}
}

func decodeInto(t *testing.T, r apiResult, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.raw), v); err != nil {
		t.Fatalf("decode %s: %v", r.raw, err)
	}
}

func TestAPIPlans(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		editor, manager := f.actors["editor"], f.actors["manager"]

		r := f.api(t, editor, "POST", f.apiPath("/plans"), `{"name":" Today ","input":{"networks":4,"posts_per_week":10,"mentions_per_week":100,"rate":30}}`)
		if r.status != 201 {
			t.Fatalf("create = %d %s", r.status, r.raw)
		}
		var today workload.Plan
		decodeInto(t, r, &today)
		est := f.api(t, editor, "POST", "/api/v1/plans/estimate", `{"networks":4,"posts_per_week":10,"mentions_per_week":100,"rate":30}`)
		var want workload.Result
		decodeInto(t, est, &want)
		if today.Name != "Today" || today.Active || today.Result == nil || today.Result.WeeklyHours != want.WeeklyHours || today.Result.WeeklyCost != want.WeeklyCost {
			t.Fatalf("created %s; estimate %s", r.raw, est.raw)
		}
		if today.Result.Maintenance.Activities[0].Name == "" {
			t.Errorf("activities are not named: %s", r.raw)
		}

		// Bad input names its field and saves nothing.
		wantError(t, f.api(t, editor, "POST", f.apiPath("/plans"), `{"name":"  ","input":{}}`), 400, "name", "name")
		wantError(t, f.api(t, editor, "POST", f.apiPath("/plans"), `{"name":"Bad","input":{"networks":-2}}`), 400, "networks", "networks")
		wantError(t, f.api(t, editor, "POST", f.apiPath("/plans"), `{"name":"Bad","input":{"networks":2,"colour":"red"}}`), 400, "colour", "colour")
		wantError(t, f.api(t, editor, "POST", f.apiPath("/plans"), `{"name":"`+strings.Repeat("x", 81)+`","input":{}}`), 400, "name", "80")
		if r := f.api(t, f.actors["approver"], "POST", f.apiPath("/plans"), `{"name":"Client's","input":{}}`); r.status != 403 {
			t.Errorf("approver creates a plan: %d", r.status)
		}

		r = f.api(t, editor, "PATCH", f.apiPath("/plans/%d", today.ID), `{"name":"With two more networks","input":{"networks":6,"posts_per_week":10,"mentions_per_week":100,"rate":30}}`)
		var more workload.Plan
		decodeInto(t, r, &more)
		if r.status != 200 || more.Name != "With two more networks" || more.Input.Networks != 6 || more.Result.WeeklyHours <= want.WeeklyHours {
			t.Fatalf("update = %d %s", r.status, r.raw)
		}
		r = f.api(t, editor, "PATCH", f.apiPath("/plans/%d", today.ID), `{"name":"Today"}`)
		if r.status != 200 || r.body["name"] != "Today" || r.body["input"].(map[string]any)["networks"].(float64) != 6 {
			t.Fatalf("rename only = %d %s", r.status, r.raw)
		}
		second := f.api(t, editor, "POST", f.apiPath("/plans"), `{"name":"Quiet","input":{"networks":2,"posts_per_week":4}}`)
		var quiet workload.Plan
		decodeInto(t, second, &quiet)

		r = f.api(t, f.actors["approver"], "GET", f.apiPath("/plans"), "")
		var list struct{ Plans []workload.Plan }
		decodeInto(t, r, &list)
		if r.status != 200 || len(list.Plans) != 2 || list.Plans[0].Result == nil {
			t.Fatalf("list = %d %s", r.status, r.raw)
		}
		if r := f.api(t, f.actors["outsider"], "GET", f.apiPath("/plans/%d", today.ID), ""); r.status != 404 {
			t.Errorf("outsider reads a plan: %d", r.status)
		}

		// Activation makes one task per activity with hours; an editor may
		// not, a manager may.
		if r := f.api(t, editor, "POST", f.apiPath("/plans/%d/activate", today.ID), ""); r.status != 403 {
			t.Errorf("editor activates: %d", r.status)
		}
		r = f.api(t, manager, "POST", f.apiPath("/plans/%d/activate", today.ID), "")
		var act struct{ Tasks []workload.Task }
		decodeInto(t, r, &act)
		withHours := 0
		for _, g := range workload.Gears() {
			for _, l := range more.Result.Lines(g) {
				if l.Hours > 0 {
					withHours++
				}
			}
		}
		if r.status != 200 || len(act.Tasks) != withHours {
			t.Fatalf("activate = %d, %d tasks, want %d: %s", r.status, len(act.Tasks), withHours, r.raw)
		}
		var engagement workload.Task
		for _, task := range act.Tasks {
			if task.ActivityKey == "maintenance.engagement" {
				engagement = task
			}
		}
		uid := f.actors["editor"].user.ID
		r = f.api(t, manager, "PATCH", f.apiPath("/tasks/%d", engagement.ID), fmt.Sprintf(`{"assignee_id":%d}`, uid))
		if r.status != 200 || r.body["assignee_id"].(float64) != float64(uid) {
			t.Fatalf("assign = %d %s", r.status, r.raw)
		}
		wantError(t, f.api(t, manager, "PATCH", f.apiPath("/tasks/%d", engagement.ID), fmt.Sprintf(`{"assignee_id":%d}`, f.actors["outsider"].user.ID)), 400, "assignee_id", "members")
		if r := f.api(t, editor, "PATCH", f.apiPath("/tasks/%d", engagement.ID), `{"assignee_id":null}`); r.status != 403 {
			t.Errorf("editor assigns: %d", r.status)
		}

		// Activating another plan replaces the tasks and keeps assignees.
		r = f.api(t, manager, "POST", f.apiPath("/plans/%d/activate", quiet.ID), `{"starts_on":"`+time.Now().Format("2006-01-02")+`"}`)
		decodeInto(t, r, &act)
		if r.status != 200 || len(act.Tasks) == 0 {
			t.Fatalf("second activation = %d %s", r.status, r.raw)
		}
		for _, task := range act.Tasks {
			if task.PlanID != quiet.ID {
				t.Errorf("task %d of plan %d, want %d", task.ID, task.PlanID, quiet.ID)
			}
			if task.ActivityKey == "maintenance.engagement" && (task.AssigneeID == nil || *task.AssigneeID != uid) {
				t.Errorf("engagement lost its assignee: %+v", task)
			}
		}
		r = f.api(t, f.actors["analyst"], "GET", f.apiPath("/tasks?week=%s", time.Now().Format("2006-01-02")), "")
		var week struct{ Tasks []workload.Task }
		decodeInto(t, r, &week)
		if r.status != 200 || len(week.Tasks) != len(act.Tasks) {
			t.Errorf("this week's tasks = %d %d, want %d", r.status, len(week.Tasks), len(act.Tasks))
		}
		for _, task := range week.Tasks {
			if task.PlanID != quiet.ID {
				t.Errorf("this week runs a task of plan %d", task.PlanID)
			}
		}
		r = f.api(t, manager, "GET", f.apiPath("/plans"), "")
		decodeInto(t, r, &list)
		if !list.Plans[0].Active || list.Plans[0].ID != quiet.ID || list.Plans[1].Active {
			t.Errorf("the active plan comes first and alone: %s", r.raw)
		}
		wantError(t, f.api(t, manager, "POST", f.apiPath("/plans/%d/activate", quiet.ID), `{"starts_on":"next tuesday"}`), 400, "starts_on", "next tuesday")

		if r := f.api(t, editor, "DELETE", f.apiPath("/plans/%d", today.ID), ""); r.status != 204 {
			t.Fatalf("delete = %d %s", r.status, r.raw)
		}
		if r := f.api(t, editor, "GET", f.apiPath("/plans/%d", today.ID), ""); r.status != 404 {
			t.Errorf("deleted plan = %d", r.status)
		}
	})
}

func TestAPITime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		editor, analyst, manager := f.actors["editor"], f.actors["analyst"], f.actors["manager"]

		r := f.api(t, editor, "POST", f.apiPath("/time/timer/start"), `{"activity_key":"maintenance.engagement","note":"replies"}`)
		if r.status != 201 || r.body["running"] != true || r.body["activity_key"] != "maintenance.engagement" || r.body["source"] != "timer" {
			t.Fatalf("start = %d %s", r.status, r.raw)
		}
		wantError(t, f.api(t, editor, "POST", f.apiPath("/time/timer/start"), `{"activity_key":"maintenance.monitoring"}`), 409, "", "already running")
		r = f.api(t, editor, "POST", f.apiPath("/time/timer/stop"), "")
		if r.status != 200 || r.body["running"] != false {
			t.Fatalf("stop = %d %s", r.status, r.raw)
		}
		wantError(t, f.api(t, editor, "POST", f.apiPath("/time/timer/stop"), ""), 409, "", "No timer")
		if r := f.api(t, f.actors["approver"], "POST", f.apiPath("/time/timer/start"), `{"activity_key":"maintenance.engagement"}`); r.status != 403 {
			t.Errorf("approver starts a timer: %d", r.status)
		}

		// Manual entries: a date means noon in the workspace's time zone.
		r = f.api(t, editor, "POST", f.apiPath("/time"), `{"activity_key":"maintenance.monitoring","started_at":"2026-03-02","minutes":45,"note":"morning round"}`)
		if r.status != 201 || r.body["started_at"] != "2026-03-02T11:00:00Z" || r.body["minutes"].(float64) != 45 || r.body["source"] != "manual" {
			t.Fatalf("manual = %d %s", r.status, r.raw)
		}
		mine := int64(r.body["id"].(float64))
		r = f.api(t, analyst, "POST", f.apiPath("/time"), `{"activity_key":"metrics.performance","started_at":"2026-03-10T09:30:00+01:00","minutes":120}`)
		if r.status != 201 || r.body["started_at"] != "2026-03-10T08:30:00Z" {
			t.Fatalf("manual with a time = %d %s", r.status, r.raw)
		}
		theirs := int64(r.body["id"].(float64))

		for _, tt := range []struct{ name, body, field, mention string }{
			{"unknown activity", `{"activity_key":"maintenance.juggling","started_at":"2026-03-02","minutes":10}`, "activity_key", "maintenance.juggling"},
			{"negative minutes", `{"activity_key":"maintenance.monitoring","started_at":"2026-03-02","minutes":-5}`, "minutes", "1440"},
			{"too many minutes", `{"activity_key":"maintenance.monitoring","started_at":"2026-03-02","minutes":2000}`, "minutes", "1440"},
			{"bad date", `{"activity_key":"maintenance.monitoring","started_at":"02/03/2026","minutes":10}`, "started_at", "YYYY-MM-DD"},
			{"no date", `{"activity_key":"maintenance.monitoring","minutes":10}`, "started_at", ""},
			{"minutes as text", `{"activity_key":"maintenance.monitoring","started_at":"2026-03-02","minutes":"ten"}`, "minutes", "minutes"},
			{"unknown task", `{"task_id":999999,"started_at":"2026-03-02","minutes":10}`, "task_id", ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, f.api(t, editor, "POST", f.apiPath("/time"), tt.body), 400, tt.field, tt.mention)
			})
		}

		list := func(a *actor, query string) []workload.TimeEntry {
			t.Helper()
			r := f.api(t, a, "GET", f.apiPath("/time%s", query), "")
			var out struct{ Entries []workload.TimeEntry }
			decodeInto(t, r, &out)
			if r.status != 200 || out.Entries == nil {
				t.Fatalf("GET time%s = %d %s", query, r.status, r.raw)
			}
			return out.Entries
		}
		// Without reports, one sees only one's own time, whatever one asks.
		if got := list(editor, ""); len(got) != 2 || got[0].UserID != editor.user.ID || got[1].UserID != editor.user.ID {
			t.Errorf("editor sees %+v", got)
		}
		if got := list(editor, fmt.Sprintf("?user_id=%d", analyst.user.ID)); len(got) != 2 || got[0].UserID != editor.user.ID {
			t.Errorf("editor asking for the analyst's time sees %+v", got)
		}
		if got := list(manager, ""); len(got) != 3 {
			t.Errorf("manager sees %d entries, want 3", len(got))
		}
		if got := list(manager, fmt.Sprintf("?user_id=%d", analyst.user.ID)); len(got) != 1 || got[0].ID != theirs {
			t.Errorf("manager filtering by the analyst sees %+v", got)
		}
		if got := list(manager, "?from=2026-03-01&to=2026-03-09"); len(got) != 1 || got[0].ID != mine {
			t.Errorf("first week of March: %+v", got)
		}
		if got := list(manager, "?from=2026-03-10T09:00:00Z"); len(got) != 1 || got[0].ID == theirs || got[0].ID == mine {
			t.Errorf("from 10 March 09:00Z: %+v", got) // the timer's entry, today
		}
		wantError(t, f.api(t, manager, "GET", f.apiPath("/time?from=yesterday"), ""), 400, "from", "yesterday")
		wantError(t, f.api(t, manager, "GET", f.apiPath("/time?user_id=me"), ""), 400, "user_id", "me")

		// One deletes one's own time; managers anyone's.
		if r := f.api(t, editor, "DELETE", f.apiPath("/time/%d", theirs), ""); r.status != 404 {
			t.Errorf("editor deletes the analyst's entry: %d", r.status)
		}
		if r := f.api(t, manager, "DELETE", f.apiPath("/time/%d", theirs), ""); r.status != 204 {
			t.Errorf("manager deletes the analyst's entry: %d %s", r.status, r.raw)
		}
		if r := f.api(t, editor, "DELETE", f.apiPath("/time/%d", mine), ""); r.status != 204 {
			t.Errorf("editor deletes their own entry: %d", r.status)
		}
	})
}

// TestAPIWorkload checks planned against actual, the load and the CSV
// against numbers worked out by hand.
func TestAPIWorkload(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		manager, editor, analyst := f.actors["manager"], f.actors["editor"], f.actors["analyst"]
		loc := f.ws.Location()
		weeks := workload.Weeks(time.Now().In(loc), 3)
		// The plan runs from last week; its engagement task is the editor's.
		plan := f.mustPlan("Today", 4)
		r := f.api(t, manager, "POST", f.apiPath("/plans/%d/activate", plan.ID), `{"starts_on":"`+weeks[1].Format("2006-01-02")+`"}`)
		var act struct{ Tasks []workload.Task }
		decodeInto(t, r, &act)
		budget := map[string]float64{}
		var engagement int64
		for _, task := range act.Tasks {
			budget[task.ActivityKey] = task.WeeklyHours
			if task.ActivityKey == "maintenance.engagement" {
				engagement = task.ID
			}
		}
		f.api(t, manager, "PATCH", f.apiPath("/tasks/%d", engagement), fmt.Sprintf(`{"assignee_id":%d}`, editor.user.ID))
		if r := f.api(t, manager, "PUT", f.apiPath("/capacity/%d", editor.user.ID), `{"weekly_hours":4}`); r.status != 200 {
			t.Fatalf("capacity = %d %s", r.status, r.raw)
		}
		wantError(t, f.api(t, manager, "PUT", f.apiPath("/capacity/%d", editor.user.ID), `{"weekly_hours":500}`), 400, "weekly_hours", "168")
		wantError(t, f.api(t, manager, "PUT", f.apiPath("/capacity/%d", editor.user.ID), `{}`), 400, "weekly_hours", "168")
		if r := f.api(t, manager, "PUT", f.apiPath("/capacity/%d", f.actors["outsider"].user.ID), `{"weekly_hours":10}`); r.status != 404 {
			t.Errorf("capacity of a stranger = %d", r.status)
		}
		// Time: the editor 90 + 60 minutes of engagement this week; the
		// analyst 30 minutes of engagement last week, and 45 of
		// monitoring three weeks ago (outside the report).
		thisTue := weeks[2].AddDate(0, 0, 1).Add(10 * time.Hour)
		lastTue := weeks[1].AddDate(0, 0, 1).Add(10 * time.Hour)
		add := func(a *actor, key string, at time.Time, minutes float64) {
			r := f.api(t, a, "POST", f.apiPath("/time"), fmt.Sprintf(`{"activity_key":%q,"started_at":%q,"minutes":%v}`, key, at.Format(time.RFC3339), minutes))
			if r.status != 201 {
				t.Fatalf("add time = %d %s", r.status, r.raw)
			}
		}
		add(editor, "maintenance.engagement", thisTue, 90)
		add(editor, "maintenance.engagement", thisTue, 60)
		add(analyst, "maintenance.engagement", lastTue, 30)
		add(analyst, "maintenance.monitoring", weeks[0].AddDate(0, 0, -5), 45)

		r = f.api(t, f.actors["approver"], "GET", f.apiPath("/workload?weeks=3"), "")
		var out struct {
			Weeks []time.Time
			Rows  []workload.Row
			Load  []workload.LoadCell
		}
		decodeInto(t, r, &out)
		if r.status != 200 || len(out.Weeks) != 3 || !out.Weeks[0].Equal(weeks[0]) {
			t.Fatalf("workload = %d %s", r.status, r.raw)
		}
		row := func(week time.Time, user int64, key string) workload.Row {
			t.Helper()
			for _, r := range out.Rows {
				if r.Week.Equal(week) && r.UserID == user && r.ActivityKey == key {
					return r
				}
			}
			return workload.Row{}
		}
		near := func(a, b float64) bool { return math.Abs(a-b) < 0.006 }
		eng := budget["maintenance.engagement"]
		if got := row(weeks[2], editor.user.ID, "maintenance.engagement"); !near(got.Planned, eng) || !near(got.Tracked, 2.5) || !near(got.Difference, 2.5-eng) || got.Gear != workload.Maintenance {
			t.Errorf("this week, editor, engagement = %+v; want planned %v, tracked 2.5", got, eng)
		}
		// Last week the task was assigned already (assignment changes the
		// task, not a week): the analyst's half hour is tracked against
		// nothing planned for them.
		if got := row(weeks[1], analyst.user.ID, "maintenance.engagement"); !near(got.Planned, 0) || !near(got.Tracked, 0.5) || !near(got.Difference, 0.5) {
			t.Errorf("last week, analyst, engagement = %+v", got)
		}
		if got := row(weeks[1], 0, "maintenance.monitoring"); !near(got.Planned, budget["maintenance.monitoring"]) || got.Tracked != 0 {
			t.Errorf("last week, unassigned monitoring = %+v", got)
		}
		for _, r := range out.Rows {
			if r.Week.Equal(weeks[0]) && (r.Planned != 0 || r.Tracked != 0) {
				t.Errorf("three weeks ago, before the plan and the report: %+v", r)
			}
		}
		var cell workload.LoadCell
		for _, c := range out.Load {
			if c.Week.Equal(weeks[2]) && c.UserID == editor.user.ID {
				cell = c
			}
		}
		wantLoad := math.Round(math.Max(eng, 2.5)/4*100) / 100
		if cell.Capacity != 4 || !near(cell.Planned, eng) || !near(cell.Tracked, 2.5) || !near(cell.Load, wantLoad) {
			t.Errorf("editor's load this week = %+v, want %v", cell, wantLoad)
		}
		wantError(t, f.api(t, manager, "GET", f.apiPath("/workload?weeks=0"), ""), 400, "weeks", "52")
		wantError(t, f.api(t, manager, "GET", f.apiPath("/workload?weeks=many"), ""), 400, "weeks", "52")
		if r := f.api(t, editor, "GET", f.apiPath("/workload"), ""); r.status != 403 {
			t.Errorf("editor reads planned against actual: %d", r.status)
		}

		// The CSV: the same numbers, and names that cannot run as formulas.
		evil := `=HYPERLINK("http://evil.example","click")`
		if _, err := store.NewUserService(db).UpdateUser(as(editor.user), editor.user.ID, gears.UserUpdate{Name: &evil}); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", f.srv.URL+f.apiPath("/workload.csv?weeks=3"), nil)
		req.Header.Set("Authorization", "Bearer "+manager.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		records, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil {
			t.Fatalf("parse csv: %v\n%s", err, body)
		}
		header := strings.Join(records[0], ",")
		if header != "week,user_id,person,gear,activity_key,activity,planned_hours,tracked_hours,difference_hours" {
			t.Fatalf("header %q", header)
		}
		if len(records)-1 != len(out.Rows) {
			t.Errorf("csv has %d rows, the API %d", len(records)-1, len(out.Rows))
		}
		found := false
		for _, rec := range records[1:] {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
					t.Errorf("cell %q could run as a formula", cell)
				}
			}
			if rec[0] == weeks[2].Format("2006-01-02") && rec[1] == strconv.FormatInt(editor.user.ID, 10) && rec[4] == "maintenance.engagement" {
				found = true
				planned, _ := strconv.ParseFloat(rec[6], 64)
				tracked, _ := strconv.ParseFloat(rec[7], 64)
				diff, err := strconv.ParseFloat(rec[8], 64)
				if rec[2] != "'"+evil || rec[3] != "maintenance" || !near(planned, eng) || !near(tracked, 2.5) || err != nil || !near(diff, 2.5-eng) {
					t.Errorf("csv row %q", rec)
				}
			}
			if rec[1] == "0" && rec[2] != "Unassigned" {
				t.Errorf("unassigned work is named %q", rec[2])
			}
		}
		if !found {
			t.Errorf("no csv row for the editor's engagement this week:\n%s", body)
		}
		if !strings.Contains(string(body), "\r\n") {
			t.Errorf("csv lines must end in CRLF")
		}
	})
}

func TestAPICalibration(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		manager, analyst := f.actors["manager"], f.actors["analyst"]

		wantError(t, f.api(t, analyst, "GET", f.apiPath("/calibration"), ""), 409, "", "0 of the weeks")
		f.mustHistory(3)
		wantError(t, f.api(t, analyst, "GET", f.apiPath("/calibration"), ""), 409, "", "3 of the weeks shown have them; 4 are needed")

		// Counts: a bad week or a negative count names its field.
		wantError(t, f.api(t, manager, "PUT", f.apiPath("/work-counts/2026-13-40"), `{"posts":1}`), 400, "week", "2026-13-40")
		wantError(t, f.api(t, manager, "PUT", f.apiPath("/work-counts/2020-06-01"), `{"posts":-1}`), 400, "posts", "")
		if r := f.api(t, analyst, "PUT", f.apiPath("/work-counts/2020-06-01"), `{"posts":1}`); r.status != 403 {
			t.Errorf("analyst types counts: %d", r.status)
		}
		// Any day names its week: Wednesday 3 June 2020 is in the week of
		// Monday 1 June, midnight in Madrid.
		r := f.api(t, f.actors["editor"], "PUT", f.apiPath("/work-counts/2020-06-03"), `{"posts":12,"conversations":150,"reports":2}`)
		if r.status != 200 || r.body["week_start"] != "2020-06-01T00:00:00+02:00" || r.body["posts"].(float64) != 12 {
			t.Errorf("work count = %d %s", r.status, r.raw)
		}

		// A fourth week: a calibration, without a comparison until a plan
		// is active.
		f.mustHistoryWeek(4)
		r = f.api(t, analyst, "GET", f.apiPath("/calibration"), "")
		if r.status != 200 || r.body["comparison"] != nil || r.body["weeks"].(float64) != 4 {
			t.Fatalf("calibration without a plan = %d %s", r.status, r.raw)
		}
		f.mustActive()
		r = f.api(t, analyst, "GET", f.apiPath("/calibration"), "")
		var out struct {
			Weeks       int
			Calibration workload.Calibration
			Comparison  *workload.Comparison
			PlanID      *int64 `json:"plan_id"`
			Explanation []string
		}
		decodeInto(t, r, &out)
		if r.status != 200 || out.Comparison == nil || out.PlanID == nil || len(out.Calibration.Fits) != 3 || len(out.Explanation) < 4 {
			t.Fatalf("calibration = %d %s", r.status, r.raw)
		}
		// The history's unit times are recovered within 10 %.
		wantHours := map[workload.UnitTime]float64{
			workload.PerPost:         histPostMinutes / 60.0,
			workload.PerConversation: histConversationMinutes / 60.0,
			workload.PerReport:       histReportMinutes / 60.0,
		}
		for _, fit := range out.Calibration.Fits {
			want := wantHours[fit.Unit]
			if !fit.Usable || math.Abs(fit.Hours-want) > 0.1*want {
				t.Errorf("fit %s = %+v, want %.3f h", fit.Unit, fit, want)
			}
		}
		if out.Comparison.Calibrated.WeeklyHours == out.Comparison.Default.WeeklyHours {
			t.Errorf("the recalibrated plan is the default one: %s", r.raw)
		}
		if !strings.Contains(out.Explanation[0], "Based on 4 weeks") || !strings.Contains(out.Explanation[len(out.Explanation)-1], "h a week instead of") {
			t.Errorf("explanation %q", out.Explanation)
		}
		if out.Comparison.Default.Maintenance.Activities[0].Name == "" {
			t.Errorf("comparison activities are not named")
		}
		if r := f.api(t, f.actors["editor"], "GET", f.apiPath("/calibration"), ""); r.status != 403 {
			t.Errorf("editor reads calibration: %d", r.status)
		}
	})
}
