package demo_test

import (
	"context"
	"testing"
	"time"

	"gears"
	"gears/demo"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

func TestFillIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner, password, err := demo.Owner(ctx, db)
		if err != nil || password == "" || !owner.Admin {
			t.Fatalf("owner = %+v %q %v", owner, password, err)
		}
		if _, err := store.NewUserService(db).Authenticate(ctx, owner.Email, password); err != nil {
			t.Fatalf("the printed password does not sign in: %v", err)
		}
		ws, err := demo.Fill(ctx, db, owner)
		if err != nil {
			t.Fatal(err)
		}
		again, err := demo.Fill(ctx, db, owner)
		if err != nil || again.ID != ws.ID {
			t.Fatalf("second fill = %+v, %v", again, err)
		}
		members, err := store.NewWorkspaceService(db).FindMembers(gears.NewContextWithUser(ctx, owner), ws.ID)
		if err != nil || len(members) != 6 {
			t.Fatalf("members = %d, %v", len(members), err)
		}
		roles := map[gears.Role]int{}
		for _, m := range members {
			roles[m.Role]++
		}
		for _, r := range gears.Roles {
			if roles[r] == 0 {
				t.Errorf("the demo has no %s", r)
			}
		}
		// The planner has a history to calibrate from and tasks for the board.
		as := gears.NewContextWithUser(ctx, owner)
		plans := store.NewPlanService(db)
		weeks := workload.Weeks(time.Now().In(ws.Location()), 7)
		entries, err := plans.FindTime(as, ws.ID, workload.TimeFilter{From: weeks[0], To: weeks[6].AddDate(0, 0, 7)})
		if err != nil || len(entries) < 30 {
			t.Fatalf("time entries = %d, %v", len(entries), err)
		}
		counts, err := plans.FindWorkCounts(as, ws.ID, weeks[0], weeks[6])
		if err != nil || len(counts) != 6 {
			t.Fatalf("work counts = %d, %v", len(counts), err)
		}
		cal, err := workload.Calibrate(workload.History(entries, counts, weeks))
		if err != nil || cal.Weeks != 6 {
			t.Fatalf("calibration of the demo = %+v, %v", cal, err)
		}
		tasks, err := plans.FindTasks(as, ws.ID)
		if err != nil || len(tasks) == 0 {
			t.Fatalf("tasks = %d, %v", len(tasks), err)
		}
		rows := workload.PlannedVsActual(tasks, entries, weeks[:6])
		var planned, tracked float64
		for _, r := range rows {
			planned += r.Planned
			tracked += r.Tracked
		}
		if planned == 0 || tracked < planned*0.5 || tracked > planned*1.5 {
			t.Errorf("six weeks: planned %.1f h, tracked %.1f h", planned, tracked)
		}
		// The calendar has posts in several states, on accounts that cannot
		// publish: nothing leaves the demo.
		posts, err := store.NewPostService(db, nil).FindPosts(as, ws.ID, gears.PostFilter{})
		if err != nil || len(posts) != 6 {
			t.Fatalf("demo posts = %d, %v", len(posts), err)
		}
		states := map[gears.PostStatus]int{}
		for _, p := range posts {
			states[p.Status]++
		}
		if states[gears.PostScheduled] == 0 || states[gears.PostInReview] == 0 || states[gears.PostDraft] == 0 {
			t.Errorf("demo post states = %v", states)
		}
		accts, err := store.NewAccountService(db, nil, nil).FindAccounts(as, ws.ID)
		if err != nil || len(accts) != 2 || accts[0].Status != gears.AccountNeedsReconnect || accts[1].Status != gears.AccountNeedsReconnect {
			t.Fatalf("demo accounts = %+v, %v", accts, err)
		}
		if _, pw, err := demo.Owner(ctx, db); err != nil || pw != "" {
			t.Errorf("second Owner made a new password: %q %v", pw, err)
		}
	})
}
