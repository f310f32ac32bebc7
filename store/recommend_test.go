package store_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"gears"
	"gears/recommend"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

// recFixture is a Madrid workspace with a Mastodon and a Bluesky account,
// asked about the seven weeks from Monday 5 October to Sunday 22 November
// 2026, on Thursday 26 November.
type recFixture struct {
	*planFixture
	mastodon, bluesky int64
	period            gears.ReportPeriod
	madrid            *time.Location
}

func newRecFixture(t *testing.T, db *store.DB) *recFixture {
	f := &recFixture{planFixture: newPlanFixture(t, db)}
	db.SetNow(func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) })
	var err error
	if f.mastodon, err = store.InsertAccountForTest(db, f.ws.ID, gears.Mastodon, "@aurora@example.social"); err != nil {
		t.Fatal(err)
	}
	if f.bluesky, err = store.InsertAccountForTest(db, f.ws.ID, gears.Bluesky, "@aurora.example.com"); err != nil {
		t.Fatal(err)
	}
	f.period = gears.ReportPeriod{From: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	f.madrid, _ = time.LoadLocation("Europe/Madrid")
	return f
}

// published stores a post published on account at (UTC) with its latest
// counts (read when read is true), and returns the post's ID.
func (f *recFixture) published(t *testing.T, account int64, network string, at time.Time, replies, likes int64, read bool, replyTo string) int64 {
	t.Helper()
	ms := at.UnixMilli()
	post := storetest.Exec(t, f.db, `INSERT INTO posts (workspace_id, text, content_type, status, created_at, updated_at, reply_to)
		VALUES (?, 'Fresh roast', 'message', 'published', ?, ?, ?) RETURNING id`, f.ws.ID, ms, ms, replyTo)
	delivery := storetest.Exec(t, f.db, `INSERT INTO deliveries (post_id, account_id, status, idem_key, published_at)
		VALUES (?, ?, 'published', ?, ?) RETURNING id`, post, account, fmt.Sprint("idem-", post), ms)
	var readAt any
	if read {
		readAt = ms + 3600_000
	}
	storetest.Exec(t, f.db, `INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, replies, likes, reads, read_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`, delivery, f.ws.ID, post, account, network, ms, replies, likes, readAt)
	return post
}

func (f *recFixture) followers(t *testing.T, account int64, date string, n int64) {
	t.Helper()
	d, _ := time.Parse("2006-01-02", date)
	storetest.Exec(t, f.db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, ?, ?)`,
		f.ws.ID, account, d.Unix()/86400, n, d.UnixMilli())
}

func (f *recFixture) daily(t *testing.T, date, network string, account, replies, likes, clicks, conversions int64) {
	t.Helper()
	d, _ := time.Parse("2006-01-02", date)
	storetest.Exec(t, f.db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, replies, likes, clicks, conversions)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.ws.ID, d.Unix()/86400, network, account, replies, likes, clicks, conversions)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRecommendInputs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newRecFixture(t, db)
		// 08:30 UTC on Tuesday 6 October is 10:30 in Madrid (summer time);
		// 09:30 UTC on Tuesday 3 November is 10:30 too (winter time).
		f.published(t, f.mastodon, "mastodon", time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC), 2, 5, true, "")
		f.published(t, f.mastodon, "mastodon", time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC), 1, 3, true, "")
		f.published(t, f.bluesky, "bluesky", time.Date(2026, 10, 8, 17, 0, 0, 0, time.UTC), 0, 1, true, "")
		// Left out: an answer from the inbox, a post never read, posts
		// before and after the period (23:30 UTC on 22 November is already
		// the 23rd in Madrid).
		f.published(t, f.mastodon, "mastodon", time.Date(2026, 10, 7, 9, 0, 0, 0, time.UTC), 50, 50, true, `{"parent":"1"}`)
		f.published(t, f.mastodon, "mastodon", time.Date(2026, 10, 7, 9, 0, 0, 0, time.UTC), 0, 0, false, "")
		f.published(t, f.mastodon, "mastodon", time.Date(2026, 10, 4, 21, 59, 0, 0, time.UTC), 9, 9, true, "")
		f.published(t, f.mastodon, "mastodon", time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC), 9, 9, true, "")

		// Followers: a count before the first week is its start.
		f.followers(t, f.mastodon, "2026-10-01", 990)
		f.followers(t, f.mastodon, "2026-10-05", 1000)
		f.followers(t, f.mastodon, "2026-10-12", 1003)
		f.followers(t, f.mastodon, "2026-11-20", 1010)
		f.followers(t, f.mastodon, "2026-11-25", 2000) // after the period

		// The roll-up: replies and likes by day; clicks with and without a
		// network (those without are no channel's).
		f.daily(t, "2026-10-06", "mastodon", f.mastodon, 2, 5, 0, 0)
		f.daily(t, "2026-10-11", "mastodon", f.mastodon, 1, 0, 0, 0) // Sunday: still week 0
		f.daily(t, "2026-10-12", "bluesky", f.bluesky, 0, 1, 0, 0)   // Monday: week 1
		f.daily(t, "2026-11-22", "mastodon", 0, 0, 0, 4, 1)
		f.daily(t, "2026-11-23", "mastodon", f.mastodon, 7, 7, 0, 0) // after the period
		f.daily(t, "2026-11-01", "", 0, 0, 0, 6, 0)

		// The plan: activated for the first week; engagement tracked in
		// weeks 0 and 6, one entry of the owner's and one of the editor's.
		p, err := f.plans.CreatePlan(as(f.owner), f.ws.ID, workload.PlanCreate{Name: "Today", Input: workload.Typical()})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := f.plans.ActivatePlan(as(f.owner), f.ws.ID, p.ID, time.Date(2026, 10, 5, 12, 0, 0, 0, f.madrid))
		if err != nil {
			t.Fatal(err)
		}
		budget := map[string]float64{}
		for _, tk := range tasks {
			budget[tk.ActivityKey] += tk.WeeklyHours
		}
		for who, at := range map[*gears.User]time.Time{
			f.owner:  time.Date(2026, 10, 6, 9, 0, 0, 0, f.madrid),
			f.editor: time.Date(2026, 11, 22, 23, 0, 0, 0, f.madrid), // Sunday night: still week 6
		} {
			if _, err := f.plans.AddTime(as(who), f.ws.ID, workload.TimeEntryCreate{ActivityKey: "maintenance.engagement", StartedAt: at, Minutes: 90}); err != nil {
				t.Fatal(err)
			}
		}

		rs := store.NewRecommendService(db)
		in, err := rs.Inputs(as(f.bo), f.ws.ID, f.period)
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Weeks) != 7 || in.Weeks[0].Format(time.DateOnly) != "2026-10-05" || in.Weeks[6].Format(time.DateOnly) != "2026-11-16" ||
			in.Weeks[0].Location().String() != "Europe/Madrid" {
			t.Errorf("weeks = %v", in.Weeks)
		}
		// Posts in local time.
		if len(in.Posts) != 3 {
			t.Fatalf("posts = %+v", in.Posts)
		}
		for i, want := range []struct {
			network string
			day     time.Weekday
			hour    int
			eng     int64
		}{{"mastodon", time.Tuesday, 10, 7}, {"bluesky", time.Thursday, 19, 1}, {"mastodon", time.Tuesday, 10, 4}} {
			p := in.Posts[i]
			if p.Network != want.network || p.At.Weekday() != want.day || p.At.Hour() != want.hour || p.Engagements != want.eng {
				t.Errorf("post %d = %+v (%s %d), want %+v", i, p, p.At.Weekday(), p.At.Hour(), want)
			}
		}
		// Channels: posts and engagements measured, followers' first and
		// last count in the period.
		if len(in.Channels) != 2 {
			t.Fatalf("channels = %+v", in.Channels)
		}
		bs, ms := in.Channels[0], in.Channels[1]
		if bs.AccountID != f.bluesky || bs.Posts != 1 || bs.Engagements != 1 || bs.Followers != nil {
			t.Errorf("bluesky = %+v", bs)
		}
		if ms.AccountID != f.mastodon || ms.Posts != 2 || ms.Engagements != 11 || ms.Handle != "@aurora@example.social" ||
			ms.Followers == nil || *ms.Followers != (recommend.FollowerChange{Start: 1000, End: 1010, Days: 46}) {
			t.Errorf("mastodon = %+v %+v", ms, ms.Followers)
		}
		if len(in.Links) != 1 || in.Links["mastodon"] != (recommend.Links{Clicks: 4, Conversions: 1}) {
			t.Errorf("links = %v", in.Links)
		}
		// Planned against tracked, summed over people.
		var eng *recommend.Activity
		for i := range in.Activities {
			if in.Activities[i].Key == "maintenance.engagement" {
				eng = &in.Activities[i]
			}
		}
		if eng == nil || budget["maintenance.engagement"] <= 0 {
			t.Fatalf("no engagement activity: %+v %v", in.Activities, budget)
		}
		for i := range 7 {
			want := 0.0
			if i == 0 || i == 6 {
				want = 1.5
			}
			if !near(eng.Tracked[i], want) || !near(eng.Planned[i], budget["maintenance.engagement"]) {
				t.Errorf("week %d: planned %v tracked %v, want %v and %v", i, eng.Planned[i], eng.Tracked[i], budget["maintenance.engagement"], want)
			}
		}
		// Weekly results: week 0 has 3 replies and 8 engagements, week 1
		// one like, week 3 six clicks without a network (Sunday 1 November), week 6 four
		// clicks and a conversion; clicks and conversions are not measured
		// (no link, no conversion recorded): left out.
		r := in.Results
		if fmt.Sprint(r[recommend.Replies]) != "[3 0 0 0 0 0 0]" || fmt.Sprint(r[recommend.Engagements]) != "[8 1 0 0 0 0 0]" {
			t.Errorf("replies %v, engagements %v", r[recommend.Replies], r[recommend.Engagements])
		}
		if _, ok := r[recommend.Clicks]; ok {
			t.Errorf("clicks measured without links: %v", r)
		}
		// Followers: 1000 − 990 in week 0, 3 in week 1, 7 in week 6.
		if got := fmt.Sprint(r[recommend.Followers]); got != "[10 3 0 0 0 0 7]" {
			t.Errorf("followers = %s", got)
		}

		if in.CalibrationWeeks != workload.MinCalibrationWeeks || in.CountedWeeks != 0 {
			t.Errorf("calibration weeks %d of %d", in.CountedWeeks, in.CalibrationWeeks)
		}
		// Counts of work: those of weeks up to the period's end count.
		for _, d := range []int{9, 16, 23} {
			if err := f.plans.SetWorkCount(as(f.owner), f.ws.ID, workload.WorkCount{WeekStart: time.Date(2026, 11, d, 12, 0, 0, 0, f.madrid), Posts: 5, Conversations: 20, Reports: 1}); err != nil {
				t.Fatal(err)
			}
		}

		// With a link and a conversion recorded, clicks and conversions
		// are measured.
		storetest.Exec(t, db, `INSERT INTO links (workspace_id, code, target_url, created_at, updated_at) VALUES (?, 'abc123', 'https://example.com', ?, ?)`,
			f.ws.ID, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
		storetest.Exec(t, db, `INSERT INTO conversions (workspace_id, currency, occurred_at, source, created_at) VALUES (?, 'EUR', ?, 'manual', ?)`,
			f.ws.ID, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).UnixMilli(), time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).UnixMilli())
		in, err = rs.Inputs(as(f.owner), f.ws.ID, f.period)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(in.Results[recommend.Clicks], in.Results[recommend.Conversions]); got != "[0 0 0 6 0 0 4] [0 0 0 0 0 0 1]" {
			t.Errorf("clicks and conversions = %s", got)
		}
		if in.CountedWeeks != 2 {
			t.Errorf("counted weeks = %d, want 2 (9 and 16 November)", in.CountedWeeks)
		}

		// A post younger than MinPostAge counts for its channel, not yet
		// for the best times.
		f.published(t, f.bluesky, "bluesky", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), 3, 3, true, "")
		upToToday := gears.ReportPeriod{From: f.period.From, To: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
		in, err = rs.Inputs(as(f.owner), f.ws.ID, upToToday)
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Posts) != 4 || in.Channels[0].Posts != 2 {
			t.Errorf("young post: %d posts, bluesky %+v", len(in.Posts), in.Channels[0])
		}

		// Who may ask: those who view reports; the workspace is not found
		// by outsiders; a bad period is refused with its field.
		_, err = rs.Inputs(as(f.editor), f.ws.ID, f.period)
		wantCode(t, err, gears.EFORBIDDEN)
		other := mustUser(t, db, "other@example.com")
		_, err = rs.Recommendations(as(other), f.ws.ID, f.period)
		wantCode(t, err, gears.ENOTFOUND)
		_, err = rs.Inputs(as(f.owner), f.ws.ID, gears.ReportPeriod{From: f.period.To, To: f.period.From})
		wantCode(t, err, gears.EINVALID)
	})
}

// TestRecommendationsFromTheDatabase: engagement work tracked 2 h over
// its budget in each of the last three complete weeks is an estimate
// mismatch, pointed out with its numbers.
func TestRecommendationsFromTheDatabase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newRecFixture(t, db)
		p, err := f.plans.CreatePlan(as(f.owner), f.ws.ID, workload.PlanCreate{Name: "Today", Input: workload.Typical()})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := f.plans.ActivatePlan(as(f.owner), f.ws.ID, p.ID, time.Date(2026, 10, 5, 12, 0, 0, 0, f.madrid))
		if err != nil {
			t.Fatal(err)
		}
		var budget float64
		for _, tk := range tasks {
			if tk.ActivityKey == "maintenance.engagement" {
				budget += tk.WeeklyHours
			}
		}
		over := max(budget*2, budget+1.5) // over by 100 % or 1.5 h, whichever is more
		for _, monday := range []int{2, 9, 16} {
			at := time.Date(2026, 11, monday, 10, 0, 0, 0, f.madrid)
			if _, err := f.plans.AddTime(as(f.owner), f.ws.ID, workload.TimeEntryCreate{ActivityKey: "maintenance.engagement", StartedAt: at, Minutes: over * 60}); err != nil {
				t.Fatal(err)
			}
		}
		recs, err := store.NewRecommendService(db).Recommendations(as(f.bo), f.ws.ID, f.period)
		if err != nil {
			t.Fatal(err)
		}
		var found *recommend.Recommendation
		for i, r := range recs {
			if r.Kind == recommend.KindEstimateMismatch && r.Status == recommend.Advice {
				if found != nil {
					t.Errorf("more than one mismatch: %+v", recs)
				}
				found = &recs[i]
			}
		}
		if found == nil || found.ActivityKey != "maintenance.engagement" || found.Text.Key != "recommend.estimate.over" ||
			found.Figures["weeks"] != 3 || math.Abs(found.Figures["tracked_mean"]-over) > 0.01 {
			t.Fatalf("mismatch = %+v in %+v", found, recs)
		}
	})
}

// BenchmarkRecommendations: a year of a busy workspace on SQLite — 20,000
// measured posts on two accounts, their daily roll-up and follower counts,
// an active plan and a year of tracked time — gathered and analysed.
func BenchmarkRecommendations(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	owner, err := store.NewUserService(db).CreateUser(as(nil), gears.UserCreate{Email: "owner@example.com", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	ws, err := store.NewWorkspaceService(db).CreateWorkspace(as(owner), gears.WorkspaceCreate{Name: "Aurora", Timezone: "Europe/Madrid"})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	var accounts [2]int64
	for i, nw := range []gears.Network{gears.Mastodon, gears.Bluesky} {
		if accounts[i], err = store.InsertAccountForTest(db, ws.ID, nw, fmt.Sprint("@aurora", i)); err != nil {
			b.Fatal(err)
		}
	}
	tx, err := db.SQL().Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range 20000 {
		at := start.Add(time.Duration(i) * 26 * time.Minute).UnixMilli()
		acct, nw := accounts[i%2], []string{"mastodon", "bluesky"}[i%2]
		var post, delivery int64
		if err := tx.QueryRow(`INSERT INTO posts (workspace_id, text, content_type, status, created_at, updated_at) VALUES (?, 'x', 'message', 'published', ?, ?) RETURNING id`, ws.ID, at, at).Scan(&post); err != nil {
			b.Fatal(err)
		}
		if err := tx.QueryRow(`INSERT INTO deliveries (post_id, account_id, status, idem_key, published_at) VALUES (?, ?, 'published', ?, ?) RETURNING id`, post, acct, fmt.Sprint(post), at).Scan(&delivery); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, likes, reads, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
			delivery, ws.ID, post, acct, nw, at, i%37, at+3600_000); err != nil {
			b.Fatal(err)
		}
	}
	for d := range 366 {
		day := start.AddDate(0, 0, d).Unix() / 86400
		for i, acct := range accounts {
			nw := []string{"mastodon", "bluesky"}[i]
			if _, err := tx.Exec(`INSERT INTO daily_metrics (workspace_id, day, network, account_id, replies, likes, clicks) VALUES (?, ?, ?, ?, ?, ?, ?)`, ws.ID, day, nw, acct, d%7, d%31, d%5); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec(`INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, ?, ?)`, ws.ID, acct, day, 1000+d, day*86400_000); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	plans := store.NewPlanService(db)
	p, err := plans.CreatePlan(as(owner), ws.ID, workload.PlanCreate{Name: "Today", Input: workload.Typical()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := plans.ActivatePlan(as(owner), ws.ID, p.ID, start); err != nil {
		b.Fatal(err)
	}
	for d := range 366 {
		for _, key := range []string{"maintenance.engagement", "maintenance.calendar", "metrics.performance"} {
			if _, err := plans.AddTime(as(owner), ws.ID, workload.TimeEntryCreate{ActivityKey: key, StartedAt: start.AddDate(0, 0, d).Add(9 * time.Hour), Minutes: 45}); err != nil {
				b.Fatal(err)
			}
		}
	}
	period := gears.ReportPeriod{From: start, To: start.AddDate(0, 0, 364)}
	rs := store.NewRecommendService(db)
	b.ResetTimer()
	for b.Loop() {
		recs, err := rs.Recommendations(as(owner), ws.ID, period)
		if err != nil || len(recs) == 0 {
			b.Fatalf("%d recommendations, %v", len(recs), err)
		}
	}
}
