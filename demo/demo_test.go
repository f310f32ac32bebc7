package demo_test

import (
	"context"
	"testing"
	"time"

	"gears"
	"gears/crisis"
	"gears/demo"
	"gears/recommend"
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
		posts, err := store.NewPostService(db, nil).FindPosts(as, ws.ID, gears.PostFilter{Limit: 500})
		states := map[gears.PostStatus]int{}
		for _, p := range posts {
			states[p.Status]++
		}
		if err != nil || len(posts)-states[gears.PostPublished] != 6 { // the published ones are the results' history
			t.Fatalf("demo posts = %d, %v", len(posts), err)
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

// TestDemoResults checks the example strategy and results: the last 30
// days' report has posts, engagement, clicks, new followers, cost, value
// and an ROI; the objectives have progress; the best times are advised;
// and filling again changes nothing.
func TestDemoResults(t *testing.T) {
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
		as := gears.NewContextWithUser(ctx, owner)
		loc := ws.Location()
		period := gears.LastDays(time.Now().In(loc), 30)
		reports := store.NewReportService(db)
		sum, err := reports.Summary(as, ws.ID, period)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Posts < 20 || sum.Engagements <= 0 || sum.Clicks <= 0 || sum.FollowersDelta <= 0 ||
			sum.Cost.Amount <= 0 || sum.Value.Amount <= 0 || sum.ROI == nil || sum.Cost.Currency != "EUR" {
			t.Fatalf("demo summary of the last 30 days = %+v", sum)
		}
		if sum.Hours.Maintenance <= 0 || sum.Hours.Metrics <= 0 || sum.Hours.Strategy <= 0 {
			t.Errorf("demo hours by gear = %+v", sum.Hours)
		}
		for _, m := range sum.Missing {
			t.Errorf("the demo's ROI misses %+v", m)
		}
		t.Logf("demo, last 30 days: %d posts, %d engagements, %d clicks, %+d followers, hours %+v, cost %d, value %d, ROI %.1f%%",
			sum.Posts, sum.Engagements, sum.Clicks, sum.FollowersDelta, sum.Hours, sum.Cost.Amount, sum.Value.Amount, sum.ROI.Percent)

		rep, err := reports.Report(as, ws.ID, period)
		if err != nil {
			t.Fatal(err)
		}
		var gears3 int
		for _, l := range rep.ByGear.Lines {
			if l.Hours > 0 && l.Cost.Amount > 0 {
				gears3++
			}
		}
		if gears3 != 3 {
			t.Errorf("demo ROI by gear = %+v", rep.ByGear.Lines)
		}
		var autumn bool
		for _, l := range rep.ByCampaign.Lines {
			autumn = autumn || (l.Key == "Autumn origins" && l.Hours > 0 && l.Cost.Amount > 0 && l.Value.Amount > 0 && l.ROI != nil)
		}
		if !autumn {
			t.Errorf("demo ROI by campaign = %+v", rep.ByCampaign.Lines)
		}
		if len(rep.Followers) != 2 || len(rep.Followers[0].Points) < 25 || len(rep.Hours) == 0 {
			t.Errorf("demo report: %d follower series, %d gear weeks", len(rep.Followers), len(rep.Hours))
		}
		var engagedDays int
		for _, d := range rep.Engagement {
			if d.Total() > 0 {
				engagedDays++
			}
		}
		if engagedDays < 20 {
			t.Errorf("the demo's engagement chart has %d days with engagement", engagedDays)
		}
		// The heat map shows the pattern: Tuesday and Thursday mornings
		// (9–12) get more per post than the rest of the week.
		var morning, rest store.HeatCell
		for wd, hours := range rep.BestHours {
			for h, c := range hours {
				if (wd == 1 || wd == 3) && h >= 9 && h < 12 {
					morning.Posts, morning.Engagements = morning.Posts+c.Posts, morning.Engagements+c.Engagements
				} else {
					rest.Posts, rest.Engagements = rest.Posts+c.Posts, rest.Engagements+c.Engagements
				}
			}
		}
		if morning.Posts == 0 || morning.PerPost() < 1.5*rest.PerPost() {
			t.Errorf("demo best hours: Tue/Thu mornings %+v, the rest %+v", morning, rest)
		}

		// The roll-up came through the metrics store: rebuilding it from
		// the stored readings gives the same engagements.
		if err := db.RebuildDaily(ctx, ws.ID); err != nil {
			t.Fatal(err)
		}
		if again, err := reports.Summary(as, ws.ID, period); err != nil || again.Engagements != sum.Engagements {
			t.Errorf("rebuilt roll-up: %d engagements, recorded %d (%v)", again.Engagements, sum.Engagements, err)
		}

		recs, err := store.NewRecommendService(db).Recommendations(as, ws.ID, period)
		if err != nil {
			t.Fatal(err)
		}
		advice := map[string]int{}
		for _, r := range recs {
			if r.Kind == recommend.KindBestTime && r.Status == recommend.Advice {
				advice[r.Network]++
				if r.Figures["weekday"] != 2 && r.Figures["weekday"] != 4 && r.Figures["weekday"] != 6 {
					t.Errorf("demo best time on weekday %v: %+v", r.Figures["weekday"], r.Figures)
				}
			}
		}
		if advice["mastodon"] == 0 || advice["bluesky"] == 0 {
			t.Errorf("demo best-time advice per network = %v", advice)
		}

		strategy := store.NewStrategyService(db)
		objectives, err := strategy.FindObjectives(as, ws.ID)
		if err != nil || len(objectives) != 3 {
			t.Fatalf("demo objectives = %d, %v", len(objectives), err)
		}
		kpis := map[gears.KPI]bool{}
		for _, o := range objectives {
			kpis[o.KPI] = true
			_, p, err := strategy.Progress(as, ws.ID, o.ID, time.Now())
			if err != nil || !p.HasData || len(p.Series) == 0 || p.Current == o.Baseline {
				t.Errorf("progress of %q = %+v, %v", o.Title, p, err)
			}
		}
		if !kpis[gears.KPIFollowers] || !kpis[gears.KPIEngagements] || !kpis[gears.KPICustom] {
			t.Errorf("demo KPIs = %v", kpis)
		}
		st, err := strategy.FindStrategy(as, ws.ID)
		if err != nil || st.Audiences == "" || st.Tone == "" || len(st.Channels) != 2 {
			t.Errorf("demo strategy = %+v, %v", st, err)
		}
		notes, err := strategy.FindResearchNotes(as, ws.ID)
		if err != nil || len(notes) != 2 {
			t.Errorf("demo research notes = %d, %v", len(notes), err)
		}
		campaigns, err := strategy.FindCampaigns(as, ws.ID)
		if err != nil || len(campaigns) != 2 {
			t.Fatalf("demo campaigns = %d, %v", len(campaigns), err)
		}
		for _, c := range campaigns {
			if c.SpentCents <= 0 || c.Posts == 0 {
				t.Errorf("demo campaign %s: spent %d, %d posts", c.Name, c.SpentCents, c.Posts)
			}
		}
		checklist, err := strategy.FindChecklist(as, ws.ID)
		if err != nil || len(checklist) != 2 {
			t.Fatalf("demo checklist = %d, %v", len(checklist), err)
		}
		var done, open int
		for _, a := range checklist {
			for _, it := range a.Items {
				if it.Done {
					done++
				} else {
					open++
				}
			}
		}
		if done == 0 || open == 0 {
			t.Errorf("demo checklist: %d done, %d open", done, open)
		}
		series, err := store.NewMetricsService(db, nil).Followers(as, ws.ID, period.From, period.To)
		if err != nil {
			t.Fatal(err)
		}
		var competitors int
		for _, s := range series {
			if s.Kind == "competitor" && len(s.Days) >= 30 && s.Delta > 0 {
				competitors++
			}
		}
		if competitors != 2 {
			t.Errorf("demo competitors with a month of counts = %d of %d series", competitors, len(series))
		}

		// Filling again finds the workspace and adds nothing.
		if _, err := demo.Fill(ctx, db, owner); err != nil {
			t.Fatal(err)
		}
		after, err := reports.Summary(as, ws.ID, period)
		if err != nil || after.Posts != sum.Posts || after.Engagements != sum.Engagements || after.Clicks != sum.Clicks ||
			after.Value != sum.Value || after.Cost != sum.Cost {
			t.Errorf("after a second fill: %+v, before %+v (%v)", after, sum, err)
		}
		if list, err := strategy.FindCampaigns(as, ws.ID); err != nil || len(list) != 2 {
			t.Errorf("campaigns after a second fill = %d, %v", len(list), err)
		}
	})
}

// BenchmarkFill measures filling the example workspace, which `gears
// serve --demo` does at start: each iteration fills a new database.
func BenchmarkFill(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, d)
				owner, _, err := demo.Owner(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := demo.Fill(ctx, db, owner); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
