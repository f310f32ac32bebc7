package web_test

import (
	"context"
	"fmt"
	"time"

	"gears"
	"gears/store"
	"gears/workload"
)

// Helpers that give the fixture plans, tasks, time and work counts. They
// panic on failure: access cases build with them and have no *testing.T.

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// as returns a context acting as the fixture's member u.
func as(u *gears.User) context.Context {
	return gears.NewContextWithUser(context.Background(), u)
}

// worker returns who if who may track time in the workspace, else the
// owner: the person whose time a case builds.
func (f *fixture) worker(who string) *gears.User {
	if a, ok := f.actors[who]; ok && who != "outsider" && gears.Role(who).Can(gears.ActionTrackTime) {
		return a.user
	}
	return f.actors["owner"].user
}

func (f *fixture) planService() *store.PlanService { return store.NewPlanService(f.db) }

// mustPlan saves a plan as the owner.
func (f *fixture) mustPlan(name string, networks int) *workload.Plan {
	in := workload.Typical()
	in.Networks = networks
	return must(f.planService().CreatePlan(as(f.actors["owner"].user), f.ws.ID, workload.PlanCreate{Name: name, Input: in}))
}

// mustActive saves and activates a plan from this week, and returns its
// tasks.
func (f *fixture) mustActive() (*workload.Plan, []*workload.Task) {
	p := f.mustPlan("Today", 4)
	tasks := must(f.planService().ActivatePlan(as(f.actors["owner"].user), f.ws.ID, p.ID, time.Now()))
	return p, tasks
}

// lastWeeks returns the Mondays of the n finished weeks before this one,
// in the workspace's time zone, oldest first.
func (f *fixture) lastWeeks(n int) []time.Time {
	return workload.Weeks(time.Now().In(f.ws.Location()).AddDate(0, 0, -7), n)
}

// Unit times of the synthetic history: minutes per post (calendar and
// graphics), per conversation, and per report (performance and ROI).
const (
	histPostMinutes         = 15 + 10
	histConversationMinutes = 3
	histReportMinutes       = 120 + 60
)

// mustHistory records the n finished weeks before this one as the owner:
// counts of work done, and the time they took at the unit times above.
func (f *fixture) mustHistory(n int) {
	for k := 1; k <= n; k++ {
		f.mustHistoryWeek(k)
	}
}

// mustHistoryWeek records the finished week k weeks back.
func (f *fixture) mustHistoryWeek(k int) {
	ctx := as(f.actors["owner"].user)
	plans := f.planService()
	monday := workload.WeekStart(time.Now().In(f.ws.Location())).AddDate(0, 0, -7*k)
	wc := workload.WorkCount{WeekStart: monday, Posts: float64(8 + 3*k), Conversations: float64(100 + 25*k), Reports: float64(1 + k%2)}
	if err := plans.SetWorkCount(ctx, f.ws.ID, wc); err != nil {
		panic(err)
	}
	at := monday.AddDate(0, 0, 1).Add(10 * time.Hour)
	for key, minutes := range map[string]float64{
		"maintenance.calendar":   wc.Posts * 15,
		"maintenance.graphics":   wc.Posts * 10,
		"maintenance.engagement": wc.Conversations * histConversationMinutes,
		"metrics.performance":    wc.Reports * 120,
		"metrics.roi":            wc.Reports * 60,
	} {
		for minutes > 0 {
			m := min(minutes, workload.MaxEntryMinutes)
			must(plans.AddTime(ctx, f.ws.ID, workload.TimeEntryCreate{ActivityKey: key, StartedAt: at, Minutes: m}))
			minutes -= m
		}
	}
}

// mustEntry records 30 minutes of monitoring for u today.
func (f *fixture) mustEntry(u *gears.User) *workload.TimeEntry {
	return must(f.planService().AddTime(as(u), f.ws.ID, workload.TimeEntryCreate{ActivityKey: "maintenance.monitoring", StartedAt: time.Now(), Minutes: 30}))
}

// mustTimer starts u's timer.
func (f *fixture) mustTimer(u *gears.User) *workload.TimeEntry {
	return must(f.planService().StartTimer(as(u), f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.monitoring"}))
}

func (f *fixture) path(format string, args ...any) string {
	return fmt.Sprintf("/w/%d", f.ws.ID) + fmt.Sprintf(format, args...)
}

func (f *fixture) apiPath(format string, args ...any) string {
	return fmt.Sprintf("/api/v1/workspaces/%d", f.ws.ID) + fmt.Sprintf(format, args...)
}
