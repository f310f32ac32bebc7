package workload_test

import (
	"testing"
	"time"

	"gears/workload"
)

func TestWeekStartAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	madrid, _ := time.LoadLocation("Europe/Madrid")
	for _, tt := range []struct{ in, want time.Time }{
		{time.Date(2026, 3, 29, 23, 30, 0, 0, madrid), time.Date(2026, 3, 23, 0, 0, 0, 0, madrid)}, // Sunday of the change
		{time.Date(2026, 3, 30, 0, 0, 0, 0, madrid), time.Date(2026, 3, 30, 0, 0, 0, 0, madrid)},
		{time.Date(2026, 10, 25, 2, 30, 0, 0, madrid), time.Date(2026, 10, 19, 0, 0, 0, 0, madrid)},
		{time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC)},
	} {
		if got := workload.WeekStart(tt.in); !got.Equal(tt.want) {
			t.Errorf("WeekStart(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	weeks := workload.Weeks(time.Date(2026, 4, 1, 0, 0, 0, 0, madrid), 3)
	if len(weeks) != 3 || !weeks[0].Equal(time.Date(2026, 3, 16, 0, 0, 0, 0, madrid)) || !weeks[2].Equal(time.Date(2026, 3, 30, 0, 0, 0, 0, madrid)) {
		t.Errorf("Weeks = %v", weeks)
	}
}

func TestTasksFromPlan(t *testing.T) {
	t.Parallel()
	res, err := workload.Estimate(workload.Typical())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 5, 6, 15, 0, 0, 0, time.UTC) // a Wednesday
	tasks := workload.TasksFromPlan(res, start)
	var weekly, strategy float64
	for _, tk := range tasks {
		if !tk.StartsOn.Equal(time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s starts %v", tk.ActivityKey, tk.StartsOn)
		}
		if tk.WeeklyHours <= 0 {
			t.Errorf("%s has no hours", tk.ActivityKey)
		}
		if tk.Gear == workload.Strategy {
			if tk.EndsOn == nil || !tk.EndsOn.Equal(tk.StartsOn.AddDate(0, 0, 7*res.PlanWeeks)) {
				t.Errorf("strategy task %s ends %v", tk.ActivityKey, tk.EndsOn)
			}
			strategy += tk.WeeklyHours * float64(res.PlanWeeks)
		} else {
			if tk.EndsOn != nil {
				t.Errorf("weekly task %s ends", tk.ActivityKey)
			}
			weekly += tk.WeeklyHours
		}
	}
	if diff := weekly - res.WeeklyHours; diff > 0.05 || diff < -0.05 {
		t.Errorf("tasks budget %v h/week, plan says %v", weekly, res.WeeklyHours)
	}
	if diff := strategy - res.Strategy.TotalHours; diff > 0.5 || diff < -0.5 {
		t.Errorf("strategy tasks add to %v h, plan says %v", strategy, res.Strategy.TotalHours)
	}
}

func TestPlannedVsActualAndLoad(t *testing.T) {
	t.Parallel()
	w1 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	w2 := w1.AddDate(0, 0, 7)
	ana, bea := int64(1), int64(2)
	end := w2
	tasks := []*workload.Task{
		{ActivityKey: "maintenance.engagement", WeeklyHours: 7, AssigneeID: &ana, StartsOn: w1},
		{ActivityKey: "metrics.performance", WeeklyHours: 2, AssigneeID: &bea, StartsOn: w1},
		{ActivityKey: "strategy.research", WeeklyHours: 3, StartsOn: w1, EndsOn: &end}, // unassigned, first week only
	}
	entries := []*workload.TimeEntry{
		{UserID: ana, ActivityKey: "maintenance.engagement", StartedAt: w1.Add(30 * time.Hour), Minutes: 240},
		{UserID: ana, ActivityKey: "maintenance.engagement", StartedAt: w1.Add(50 * time.Hour), Minutes: 300},
		{UserID: ana, ActivityKey: "maintenance.curation", StartedAt: w2.Add(10 * time.Hour), Minutes: 90}, // unplanned
		{UserID: bea, ActivityKey: "metrics.performance", StartedAt: w2.Add(10 * time.Hour), Minutes: 60, Running: true},
	}
	rows := workload.PlannedVsActual(tasks, entries, []time.Time{w1, w2})
	want := []workload.Row{
		{Week: w1, UserID: 0, Gear: workload.Strategy, ActivityKey: "strategy.research", Planned: 3, Tracked: 0, Difference: -3},
		{Week: w1, UserID: ana, Gear: workload.Maintenance, ActivityKey: "maintenance.engagement", Planned: 7, Tracked: 9, Difference: 2},
		{Week: w1, UserID: bea, Gear: workload.Metrics, ActivityKey: "metrics.performance", Planned: 2, Tracked: 0, Difference: -2},
		{Week: w2, UserID: ana, Gear: workload.Maintenance, ActivityKey: "maintenance.engagement", Planned: 7, Tracked: 0, Difference: -7},
		{Week: w2, UserID: ana, Gear: workload.Maintenance, ActivityKey: "maintenance.curation", Planned: 0, Tracked: 1.5, Difference: 1.5},
		{Week: w2, UserID: bea, Gear: workload.Metrics, ActivityKey: "metrics.performance", Planned: 2, Tracked: 0, Difference: -2},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	cells := workload.Load(rows, []time.Time{w1, w2}, map[int64]float64{ana: 8, bea: 10, 3: 40})
	byKey := map[[2]int64]workload.LoadCell{}
	for _, c := range cells {
		byKey[[2]int64{c.Week.Unix(), c.UserID}] = c
	}
	if c := byKey[[2]int64{w1.Unix(), ana}]; c.Planned != 7 || c.Tracked != 9 || c.Load != 1.13 {
		t.Errorf("ana week 1 = %+v", c)
	}
	if c := byKey[[2]int64{w2.Unix(), 3}]; c.Capacity != 40 || c.Load != 0 {
		t.Errorf("a member without work gets an empty cell: %+v", c)
	}
	if c := byKey[[2]int64{w1.Unix(), 0}]; c.Planned != 3 || c.Load != 0 {
		t.Errorf("unassigned week 1 = %+v", c)
	}
}

func TestHistory(t *testing.T) {
	t.Parallel()
	w := workload.Weeks(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), 3)
	entries := []*workload.TimeEntry{
		{ActivityKey: "maintenance.engagement", StartedAt: w[0].Add(time.Hour), Minutes: 120},
		{ActivityKey: "maintenance.engagement", StartedAt: w[0].AddDate(0, 0, -7), Minutes: 600}, // before the range
		{ActivityKey: "metrics.performance", StartedAt: w[2].Add(time.Hour), Minutes: 30},
	}
	counts := []workload.WorkCount{{WeekStart: w[0].Add(36 * time.Hour), Posts: 9, Conversations: 50, Reports: 1}}
	h := workload.History(entries, counts, w)
	if len(h) != 2 || h[0].Hours["maintenance.engagement"] != 2 || h[0].Posts != 9 || h[1].Hours["metrics.performance"] != 0.5 || h[1].Posts != 0 {
		t.Errorf("history = %+v", h)
	}
}
