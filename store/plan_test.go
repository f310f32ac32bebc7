package store_test

import (
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

type planFixture struct {
	db                *store.DB
	plans             *store.PlanService
	ws                *gears.Workspace
	owner, editor, bo *gears.User
}

func newPlanFixture(t *testing.T, db *store.DB) *planFixture {
	t.Helper()
	f := &planFixture{db: db, plans: store.NewPlanService(db)}
	f.owner, f.editor, f.bo = mustUser(t, db, "owner@example.com"), mustUser(t, db, "editor@example.com"), mustUser(t, db, "client@example.com")
	wss := store.NewWorkspaceService(db)
	var err error
	if f.ws, err = wss.CreateWorkspace(as(f.owner), gears.WorkspaceCreate{Name: "Aurora", Timezone: "Europe/Madrid"}); err != nil {
		t.Fatal(err)
	}
	for u, r := range map[*gears.User]gears.Role{f.editor: gears.RoleEditor, f.bo: gears.RoleApprover} {
		if _, err := wss.AddMember(as(f.owner), f.ws.ID, gears.MemberAdd{Email: u.Email, Role: r}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestPlans(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPlanFixture(t, db)
		in := workload.Typical()
		p, err := f.plans.CreatePlan(as(f.editor), f.ws.ID, workload.PlanCreate{Name: " Today ", Input: in})
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "Today" || p.Input.Networks != 4 || p.Active {
			t.Errorf("created %+v", p)
		}
		_, err = f.plans.CreatePlan(as(f.bo), f.ws.ID, workload.PlanCreate{Name: "Client's", Input: in})
		wantCode(t, err, gears.EFORBIDDEN)
		bad := in
		bad.Networks = -1
		_, err = f.plans.CreatePlan(as(f.editor), f.ws.ID, workload.PlanCreate{Name: "Bad", Input: bad})
		wantCode(t, err, gears.EINVALID)
		more := in
		more.Networks = 6
		name := "With two more networks"
		up, err := f.plans.UpdatePlan(as(f.editor), f.ws.ID, p.ID, workload.PlanUpdate{Name: &name, Input: &more})
		if err != nil || up.Name != name || up.Input.Networks != 6 {
			t.Fatalf("update = %+v, %v", up, err)
		}
		list, err := f.plans.FindPlans(as(f.bo), f.ws.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("plans = %v, %v", list, err)
		}
		other := mustUser(t, db, "other@example.com")
		_, err = f.plans.FindPlan(as(other), f.ws.ID, p.ID)
		wantCode(t, err, gears.ENOTFOUND)
		w2, _ := store.NewWorkspaceService(db).CreateWorkspace(as(other), gears.WorkspaceCreate{Name: "Other"})
		_, err = f.plans.FindPlan(as(other), w2.ID, p.ID) // right workspace, foreign plan
		wantCode(t, err, gears.ENOTFOUND)
		if err := f.plans.DeletePlan(as(f.editor), f.ws.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.plans.DeletePlan(as(f.editor), f.ws.ID, p.ID), gears.ENOTFOUND)
	})
}

func TestActivatePlanKeepsHistoryAndAssignees(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPlanFixture(t, db)
		madrid, _ := time.LoadLocation("Europe/Madrid")
		week1 := time.Date(2026, 3, 2, 10, 0, 0, 0, madrid) // a Monday
		p1, _ := f.plans.CreatePlan(as(f.owner), f.ws.ID, workload.PlanCreate{Name: "A", Input: workload.Typical()})
		tasks, err := f.plans.ActivatePlan(as(f.owner), f.ws.ID, p1.ID, week1)
		if err != nil {
			t.Fatal(err)
		}
		res, _ := workload.Estimate(workload.Typical())
		if want := len(workload.TasksFromPlan(res, week1)); len(tasks) != want || want == 0 {
			t.Fatalf("%d tasks, want %d", len(tasks), want)
		}
		_, err = f.plans.ActivatePlan(as(f.editor), f.ws.ID, p1.ID, week1)
		wantCode(t, err, gears.EFORBIDDEN)
		var engagement *workload.Task
		for _, tk := range tasks {
			if tk.ActivityKey == "maintenance.engagement" {
				engagement = tk
			}
			if !tk.StartsOn.Equal(week1.Truncate(time.Hour).Add(-10*time.Hour)) || tk.StartsOn.Location().String() != "Europe/Madrid" {
				t.Fatalf("task starts %v", tk.StartsOn)
			}
		}
		if _, err := f.plans.AssignTask(as(f.owner), f.ws.ID, engagement.ID, &f.editor.ID); err != nil {
			t.Fatal(err)
		}
		stranger := mustUser(t, db, "stranger@example.com")
		_, err = f.plans.AssignTask(as(f.owner), f.ws.ID, engagement.ID, &stranger.ID)
		wantCode(t, err, gears.EINVALID)

		// Three weeks later a bigger plan replaces it.
		bigger := workload.Typical()
		bigger.Networks = 6
		p2, _ := f.plans.CreatePlan(as(f.owner), f.ws.ID, workload.PlanCreate{Name: "B", Input: bigger})
		week4 := week1.AddDate(0, 0, 21)
		if _, err := f.plans.ActivatePlan(as(f.owner), f.ws.ID, p2.ID, week4); err != nil {
			t.Fatal(err)
		}
		all, err := f.plans.FindTasks(as(f.bo), f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		var inWeek2, inWeek4 int
		for _, tk := range all {
			if tk.ActiveIn(workload.WeekStart(week1.AddDate(0, 0, 7))) {
				inWeek2++
				if tk.PlanID != p1.ID {
					t.Errorf("week 2 runs a task of plan %d", tk.PlanID)
				}
			}
			if tk.ActiveIn(workload.WeekStart(week4)) {
				inWeek4++
				if tk.PlanID != p2.ID {
					t.Errorf("week 4 runs a task of plan %d", tk.PlanID)
				}
				if tk.ActivityKey == "maintenance.engagement" && (tk.AssigneeID == nil || *tk.AssigneeID != f.editor.ID) {
					t.Errorf("the engagement task lost its assignee")
				}
			}
		}
		if inWeek2 == 0 || inWeek4 == 0 {
			t.Errorf("weeks 2 and 4 have %d and %d tasks", inWeek2, inWeek4)
		}
		plans, _ := f.plans.FindPlans(as(f.owner), f.ws.ID)
		if !plans[0].Active || plans[0].ID != p2.ID || plans[1].Active {
			t.Errorf("active plan: %+v %+v", plans[0], plans[1])
		}
	})
}

func TestTimeTracking(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPlanFixture(t, db)
		now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
		db.SetNow(func() time.Time { return now })
		e, err := f.plans.StartTimer(as(f.editor), f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.engagement", Note: "replies"})
		if err != nil || !e.Running {
			t.Fatalf("start = %+v, %v", e, err)
		}
		_, err = f.plans.StartTimer(as(f.editor), f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.curation"})
		wantCode(t, err, gears.ECONFLICT)
		_, err = f.plans.StartTimer(as(f.bo), f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.curation"})
		wantCode(t, err, gears.EFORBIDDEN)
		_, err = f.plans.StartTimer(as(f.owner), f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.nonsense"})
		wantCode(t, err, gears.EINVALID)
		now = now.Add(45 * time.Minute)
		e, err = f.plans.StopTimer(as(f.editor), f.ws.ID)
		if err != nil || e.Running || e.Minutes != 45 {
			t.Fatalf("stop = %+v, %v", e, err)
		}
		_, err = f.plans.StopTimer(as(f.editor), f.ws.ID)
		wantCode(t, err, gears.ECONFLICT)

		manual := workload.TimeEntryCreate{ActivityKey: "metrics.performance", StartedAt: now, Minutes: 90, Note: "monthly report"}
		if _, err := f.plans.AddTime(as(f.owner), f.ws.ID, manual); err != nil {
			t.Fatal(err)
		}
		manual.Minutes = -5
		_, err = f.plans.AddTime(as(f.owner), f.ws.ID, manual)
		wantCode(t, err, gears.EINVALID)
		captured, err := f.plans.RecordTime(as(f.editor), f.ws.ID, workload.TimeEntryCreate{ActivityKey: "maintenance.engagement", StartedAt: now, Minutes: 3, RefType: "conversation", RefID: 7})
		if err != nil || captured.Source != workload.SourceAuto || captured.RefID != 7 {
			t.Fatalf("record = %+v, %v", captured, err)
		}

		// The editor sees only their own time; the owner sees everyone's.
		mine, err := f.plans.FindTime(as(f.editor), f.ws.ID, workload.TimeFilter{})
		if err != nil || len(mine) != 2 {
			t.Fatalf("editor sees %d entries, %v", len(mine), err)
		}
		all, err := f.plans.FindTime(as(f.owner), f.ws.ID, workload.TimeFilter{From: now.Add(-time.Hour), To: now.Add(time.Hour)})
		if err != nil || len(all) != 3 {
			t.Fatalf("owner sees %d entries, %v", len(all), err)
		}
		wantCode(t, f.plans.DeleteTime(as(f.editor), f.ws.ID, all[1].ID), gears.ENOTFOUND) // the owner's
		if err := f.plans.DeleteTime(as(f.owner), f.ws.ID, all[0].ID); err != nil {        // the editor's
			t.Fatal(err)
		}
	})
}

func TestCapacityAndWorkCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPlanFixture(t, db)
		if err := f.plans.SetCapacity(as(f.owner), f.ws.ID, f.editor.ID, 20); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.plans.SetCapacity(as(f.owner), f.ws.ID, f.editor.ID, 200), gears.EINVALID)
		wantCode(t, f.plans.SetCapacity(as(f.editor), f.ws.ID, f.editor.ID, 30), gears.EFORBIDDEN)
		members, _ := store.NewWorkspaceService(db).FindMembers(as(f.owner), f.ws.ID)
		for _, m := range members {
			if m.UserID == f.editor.ID && m.Capacity != 20 {
				t.Errorf("capacity = %v", m.Capacity)
			}
		}
		madrid, _ := time.LoadLocation("Europe/Madrid")
		wed := time.Date(2026, 3, 25, 12, 0, 0, 0, madrid) // the week DST begins
		for _, posts := range []float64{10, 12} {          // the second replaces the first
			if err := f.plans.SetWorkCount(as(f.editor), f.ws.ID, workload.WorkCount{WeekStart: wed, Posts: posts, Conversations: 80, Reports: 1}); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, f.plans.SetWorkCount(as(f.editor), f.ws.ID, workload.WorkCount{WeekStart: wed, Posts: -1}), gears.EINVALID)
		counts, err := f.plans.FindWorkCounts(as(f.bo), f.ws.ID, wed.AddDate(0, 0, -14), wed.AddDate(0, 0, 14))
		if err != nil || len(counts) != 1 || counts[0].Posts != 12 || !counts[0].WeekStart.Equal(time.Date(2026, 3, 23, 0, 0, 0, 0, madrid)) {
			t.Fatalf("counts = %+v, %v", counts, err)
		}
	})
}
