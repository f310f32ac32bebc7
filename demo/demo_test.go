package demo_test

import (
	"context"
	"testing"
	"time"

	"gears"
	"gears/crisis"
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
		if convs, err := store.NewInboxService(db, nil).FindConversations(as, ws.ID, gears.ConversationFilter{}); err != nil || len(convs) == 0 {
			t.Errorf("the demo inbox is empty: %v", err)
		}
		if _, pw, err := demo.Owner(ctx, db); err != nil || pw != "" {
			t.Errorf("second Owner made a new password: %q %v", pw, err)
		}
	})
}

// TestDemoInbox checks the example inbox: a dozen conversations on the
// example accounts in both languages and every stream, a hashtag search
// with its matches, saved replies, and a resolved incident.
func TestDemoInbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner, _, err := demo.Owner(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := demo.Fill(ctx, db, owner)
		if err != nil {
			t.Fatal(err)
		}
		checkInbox(t, gears.NewContextWithUser(ctx, owner), db, ws)
	})
}

func checkInbox(t *testing.T, as context.Context, db *store.DB, ws *gears.Workspace) {
	t.Helper()
	inbox := store.NewInboxService(db, nil)
	all, err := inbox.FindConversations(as, ws.ID, gears.ConversationFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var onAccounts, threads int
	streams := map[gears.Stream]int{}
	statuses := map[gears.ConversationStatus]int{}
	sentiments := map[gears.Sentiment]int{}
	langs := map[string]int{}
	networks := map[gears.Network]int{}
	for _, c := range all {
		streams[c.Stream]++
		if c.SearchID != nil {
			continue
		}
		onAccounts++
		statuses[c.Status]++
		sentiments[c.Sentiment]++
		networks[c.Network]++
		if c.Count != len(c.Messages) {
			t.Errorf("conversation %d counts %d messages, has %d", c.ID, c.Count, len(c.Messages))
		}
		if c.Count == 3 {
			threads++
		}
		for _, m := range c.Messages {
			langs[m.Lang]++
		}
	}
	if onAccounts != 12 || threads != 1 {
		t.Fatalf("demo inbox: %d conversations on the accounts (want 12), %d threads of 3 (want 1)", onAccounts, threads)
	}
	for _, s := range gears.Streams {
		if streams[s] == 0 {
			t.Errorf("the demo inbox has nothing in %s: %v", s, streams)
		}
	}
	if statuses[gears.ConversationOpen] == 0 || statuses[gears.ConversationWaiting] == 0 || statuses[gears.ConversationClosed] == 0 {
		t.Errorf("demo conversation statuses = %v", statuses)
	}
	if sentiments[gears.Negative] == 0 || sentiments[gears.Positive] == 0 || sentiments[gears.Neutral] == 0 {
		t.Errorf("demo sentiments = %v", sentiments)
	}
	if langs["es"] == 0 || langs["en"] == 0 || networks[gears.Mastodon] == 0 || networks[gears.Bluesky] == 0 {
		t.Errorf("demo languages = %v, networks = %v", langs, networks)
	}
	unassigned, err := inbox.FindConversations(as, ws.ID, gears.ConversationFilter{AssigneeID: new(int64), Limit: 200})
	if err != nil || len(unassigned) == len(all) {
		t.Errorf("no demo conversation is assigned: %d of %d unassigned, %v", len(unassigned), len(all), err)
	}
	found, err := inbox.FindConversations(as, ws.ID, gears.ConversationFilter{Query: "pedido"})
	if err != nil || len(found) != 1 || found[0].Count != 3 {
		t.Errorf("searching the demo inbox for \"pedido\" = %d, %v", len(found), err)
	}
	searches, err := store.NewListeningService(db, nil).FindSearches(as, ws.ID)
	if err != nil || len(searches) != 1 || searches[0].Kind != gears.SearchHashtag {
		t.Fatalf("demo searches = %+v, %v", searches, err)
	}
	matches, err := inbox.FindConversations(as, ws.ID, gears.ConversationFilter{SearchID: &searches[0].ID})
	if err != nil || len(matches) != 2 || matches[0].Stream != gears.StreamListening {
		t.Errorf("demo matches = %d, %v", len(matches), err)
	}
	replies, err := inbox.FindSavedReplies(as, ws.ID)
	if err != nil || len(replies) != 2 {
		t.Errorf("demo saved replies = %d, %v", len(replies), err)
	}
	incidents := store.NewIncidentService(db)
	list, err := incidents.FindIncidents(as, ws.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("demo incidents = %d, %v", len(list), err)
	}
	in, err := incidents.FindIncident(as, ws.ID, list[0].ID)
	if err != nil || in.Status != gears.IncidentResolved || in.ClosedAt == nil || in.Summary == "" || in.OwnerID == nil || len(in.Conversations) != 1 {
		t.Fatalf("demo incident = %+v, %v", in, err)
	}
	general, _ := crisis.PlaybookByKey("general")
	if len(in.Checklist) != len(general.Steps) {
		t.Errorf("demo incident checklist has %d steps, the general playbook %d", len(in.Checklist), len(general.Steps))
	}
	for _, c := range in.Checklist {
		if c.DoneAt == nil {
			t.Errorf("demo incident: step %d (%s) not done", c.Position, c.Step)
		}
	}
	if _, paused, err := store.NewPostService(db, nil).PublishingSettings(as, ws.ID); err != nil || paused {
		t.Errorf("the demo's publishing is paused: %v", err)
	}
}
