package store_test

import (
	"context"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

// metricsFixture is a workspace (Europe/Madrid) with a post of campaign
// "autumn" published on two accounts at f.now.
type metricsFixture struct {
	*postFixture
	metrics *store.MetricsService
	post    *gears.Post
	d1, d2  int64 // deliveries: Mastodon, Bluesky
}

func newMetricsFixture(t *testing.T, db *store.DB) *metricsFixture {
	t.Helper()
	f := &metricsFixture{postFixture: newPostFixture(t, db), metrics: store.NewMetricsService(db, nil)}
	in := f.input(nil)
	in.Campaign = "autumn"
	p, err := f.posts.CreatePost(as(f.owner), f.ws.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	f.post = p
	for _, d := range p.Deliveries {
		if d.AccountID == f.acct {
			f.d1 = d.ID
		} else {
			f.d2 = d.ID
		}
	}
	if f.d1 == 0 || f.d2 == 0 {
		t.Fatalf("deliveries %+v", p.Deliveries)
	}
	if err := store.PublishForTest(db, f.d1, "1001", f.now); err != nil {
		t.Fatal(err)
	}
	if err := store.PublishForTest(db, f.d2, "at://did:plc:x/app.bsky.feed.post/3k", f.now); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *metricsFixture) round(t *testing.T) []int64 {
	t.Helper()
	ids, err := f.metrics.MetricsRound(mctx)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func (f *metricsFixture) record(t *testing.T, rs ...store.PostReadingResult) {
	t.Helper()
	if err := f.metrics.RecordPostReadings(mctx, rs); err != nil {
		t.Fatal(err)
	}
}

func (f *metricsFixture) daily(t *testing.T) map[int64][4]int64 {
	t.Helper()
	d, err := store.DailyForTest(f.db, f.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func counts(r, rp, l, q int64) gears.PostReading {
	return gears.PostReading{Counts: gears.PostCounts{Replies: r, Reposts: rp, Likes: l, Quotes: q}}
}

func dayOf(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// TestPostReadings: the first round makes the rows and finds nothing due;
// an hour later both accounts are due; each reading adds its growth to the
// roll-up on the reading's local day (negative when counts fall); a
// reading stored twice counts once; a deleted post stops being read.
func TestPostReadings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMetricsFixture(t, db)
		madrid, _ := time.LoadLocation("Europe/Madrid")
		// The first round sees the new deliveries; nothing is due before an hour.
		f.now = f.now.Add(30 * time.Minute)
		if ids := f.round(t); len(ids) != 0 {
			// Profiles are due at once (no follower count today) for
			// accounts; here the accounts' credentials are fake, but the
			// round does not open them.
			for _, id := range ids {
				if id != f.acct && id != f.acct2 {
					t.Fatalf("round = %v", ids)
				}
			}
		}
		if n, _ := store.CountForTest(db, `SELECT COUNT(*) FROM post_metrics WHERE next_read_at = ?`, f.now.Add(30*time.Minute).UnixMilli()); n != 2 {
			t.Fatalf("rows due at +1 h: %d", n)
		}
		// A second round adds no rows.
		f.round(t)
		if n, _ := store.CountForTest(db, `SELECT COUNT(*) FROM post_metrics`); n != 2 {
			t.Fatalf("rows after two rounds: %d", n)
		}

		first := f.now.Add(30 * time.Minute) // +1 h, 09:00 UTC
		f.record(t, store.PostReadingResult{DeliveryID: f.d1, ReadAt: first, Reading: counts(1, 2, 5, 0)},
			store.PostReadingResult{DeliveryID: f.d2, ReadAt: first, Reading: counts(0, 1, 3, 1)})
		day := dayOf(first, madrid)
		if got, want := f.daily(t)[day], [4]int64{1, 3, 8, 1}; got != want {
			t.Fatalf("daily after first readings = %v, want %v", got, want)
		}
		// The same reading again (a job retried) counts once.
		f.record(t, store.PostReadingResult{DeliveryID: f.d1, ReadAt: first, Reading: counts(1, 2, 5, 0)})
		// An older reading arriving late is ignored.
		f.record(t, store.PostReadingResult{DeliveryID: f.d1, ReadAt: first.Add(-time.Minute), Reading: counts(9, 9, 9, 9)})
		if got, want := f.daily(t)[day], [4]int64{1, 3, 8, 1}; got != want {
			t.Fatalf("daily after repeats = %v, want %v", got, want)
		}
		// Counts that fell: negative growth, the next local day (Madrid is
		// UTC+2 in September: 23:30 UTC is tomorrow there).
		late := time.Date(2026, 9, 1, 23, 30, 0, 0, time.UTC)
		f.record(t, store.PostReadingResult{DeliveryID: f.d1, ReadAt: late, Reading: counts(3, 2, 4, 0)})
		if got, want := f.daily(t)[day+1], [4]int64{2, 0, -1, 0}; got != want {
			t.Fatalf("daily the next local day = %v, want %v", got, want)
		}
		// Impossible counts are refused, and the schedule moves on.
		f.record(t, store.PostReadingResult{DeliveryID: f.d2, ReadAt: late, Reading: counts(-5, 0, 0, 0)})
		// The post is gone from Mastodon: its counts stay, its readings stop.
		f.record(t, store.PostReadingResult{DeliveryID: f.d1, ReadAt: late.Add(time.Hour), Reading: gears.PostReading{Gone: true}})

		got, err := f.metrics.PostMetrics(as(f.owner), f.ws.ID, f.post.ID)
		if err != nil || len(got) != 2 {
			t.Fatalf("PostMetrics = %+v, %v", got, err)
		}
		byID := map[int64]gears.DeliveryMetrics{got[0].DeliveryID: got[0], got[1].DeliveryID: got[1]}
		m1, m2 := byID[f.d1], byID[f.d2]
		if m1.Counts != (gears.PostCounts{Replies: 3, Reposts: 2, Likes: 4}) || m1.Reads != 2 || !m1.Gone || m1.NextReadAt != nil ||
			m1.ReadAt == nil || !m1.ReadAt.Equal(late) || m1.Engagements != 9 {
			t.Errorf("Mastodon delivery: %+v", m1)
		}
		// +24 h is the next reading after 23:30 on the day of publication.
		if m2.Counts != (gears.PostCounts{Reposts: 1, Likes: 3, Quotes: 1}) || m2.Reads != 1 || m2.Gone || m2.Error == "" ||
			m2.NextReadAt == nil || !m2.NextReadAt.Equal(time.Date(2026, 9, 2, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("Bluesky delivery: %+v", m2)
		}
		if n, _ := store.CountForTest(db, `SELECT COUNT(*) FROM post_metric_readings`); n != 3 {
			t.Errorf("snapshots: %d, want 3", n)
		}
		// Campaign, network and account are kept in the roll-up.
		if n, _ := store.CountForTest(db, `SELECT COUNT(*) FROM daily_metrics WHERE campaign = 'autumn' AND network = 'bluesky' AND account_id = ?`, f.acct2); n != 1 {
			t.Errorf("roll-up rows of the Bluesky account in the campaign: %d", n)
		}
	})
}

// TestPostMetricsAccess: another workspace's post is not found, and a
// member of another workspace does not see this one's.
func TestPostMetricsAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMetricsFixture(t, db)
		stranger := mustUser(t, db, "stranger@example.com")
		other, err := store.NewWorkspaceService(db).CreateWorkspace(as(stranger), gears.WorkspaceCreate{Name: "Other", Timezone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.metrics.PostMetrics(as(stranger), f.ws.ID, f.post.ID)
		wantCode(t, err, gears.ENOTFOUND)
		_, err = f.metrics.PostMetrics(as(stranger), other.ID, f.post.ID)
		wantCode(t, err, gears.ENOTFOUND)
		_, err = f.metrics.Followers(as(stranger), f.ws.ID, f.now, f.now)
		wantCode(t, err, gears.ENOTFOUND)
		// An editor sees a post's counts, not the follower reports.
		if _, err := f.metrics.PostMetrics(as(f.editor), f.ws.ID, f.post.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.metrics.Followers(as(f.editor), f.ws.ID, f.now, f.now)
		wantCode(t, err, gears.EFORBIDDEN)
		// The other workspace's series holds none of this one's profiles.
		if err := f.metrics.RecordProfile(mctx, store.ProfileReading{AccountID: f.acct, ReadAt: f.now, Counts: gears.ProfileCounts{Followers: 10}}); err != nil {
			t.Fatal(err)
		}
		list, err := f.metrics.Followers(as(stranger), other.ID, f.now.AddDate(0, 0, -1), f.now)
		if err != nil || len(list) != 0 {
			t.Fatalf("other workspace's followers = %+v, %v", list, err)
		}
	})
}

// TestFollowerCounts: one row a local day per profile, replaced by a later
// reading of the same day; the series covers the accounts and the
// competitors, with the change over the period; the round finds the
// profiles missing today's count.
func TestFollowerCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPostFixture(t, db)
		m := store.NewMetricsService(db, nil)
		rival, err := store.InsertCompetitorForTest(db, f.ws.ID, "mastodon", "rival@example.social")
		if err != nil {
			t.Fatal(err)
		}
		ids, err := m.MetricsRound(mctx)
		if err != nil || len(ids) != 2 {
			t.Fatalf("round with no counts yet = %v, %v", ids, err)
		}
		read := func(acct, comp int64, at time.Time, followers int64) {
			t.Helper()
			if err := m.RecordProfile(mctx, store.ProfileReading{AccountID: acct, CompetitorID: comp, ReadAt: at,
				Counts: gears.ProfileCounts{Followers: followers, Following: 3, Posts: 40}}); err != nil {
				t.Fatal(err)
			}
		}
		day1 := f.now
		read(f.acct, 0, day1, 100)
		read(f.acct, 0, day1.Add(time.Hour), 105) // same day: replaced
		read(0, rival, day1, 500)
		read(f.acct2, 0, day1, 7)
		if ids, _ := m.MetricsRound(mctx); len(ids) != 0 {
			t.Fatalf("round after today's counts = %v", ids)
		}
		read(f.acct, 0, day1.AddDate(0, 0, 1), 98)
		read(0, rival, day1.AddDate(0, 0, 2), 520)
		if n, _ := store.CountForTest(db, `SELECT COUNT(*) FROM follower_counts WHERE account_id = ?`, f.acct); n != 2 {
			t.Fatalf("account rows = %d", n)
		}
		// Negative or absurd counts are refused.
		err = m.RecordProfile(mctx, store.ProfileReading{AccountID: f.acct, ReadAt: day1, Counts: gears.ProfileCounts{Followers: -1}})
		wantCode(t, err, gears.EINVALID)

		from := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
		list, err := m.Followers(as(f.owner), f.ws.ID, from, from.AddDate(0, 0, 6))
		if err != nil || len(list) != 3 {
			t.Fatalf("Followers = %+v, %v", list, err)
		}
		var acct, comp *gears.FollowerSeries
		for i := range list {
			switch {
			case list[i].AccountID == f.acct:
				acct = &list[i]
			case list[i].CompetitorID == rival:
				comp = &list[i]
			}
		}
		if acct == nil || len(acct.Days) != 2 || acct.Days[0].Followers != 105 || acct.Days[0].Date != "2026-09-01" || acct.Delta != -7 {
			t.Errorf("account series %+v", acct)
		}
		if comp == nil || comp.Kind != "competitor" || len(comp.Days) != 2 || comp.Delta != 20 || comp.Days[1].Date != "2026-09-03" {
			t.Errorf("competitor series %+v", comp)
		}
		// From the second day, the change counts from the day before the
		// period (105), as the report's summary does: 98 − 105.
		later, err := m.Followers(as(f.owner), f.ws.ID, from.AddDate(0, 0, 1), from.AddDate(0, 0, 6))
		if err != nil {
			t.Fatal(err)
		}
		for _, sr := range later {
			if sr.AccountID == f.acct && (len(sr.Days) != 1 || sr.Delta != -7) {
				t.Errorf("account series from the second day %+v, want a change of -7", sr)
			}
		}
		// A period outside the counts gives empty series; a reversed or
		// too long one is refused with the field named.
		list, err = m.Followers(as(f.owner), f.ws.ID, from.AddDate(0, 1, 0), from.AddDate(0, 1, 1))
		if err != nil || len(list) != 3 || len(list[0].Days) != 0 {
			t.Fatalf("empty period = %+v, %v", list, err)
		}
		_, err = m.Followers(as(f.owner), f.ws.ID, from, from.AddDate(0, 0, -1))
		wantCode(t, err, gears.EINVALID)
		_, err = m.Followers(as(f.owner), f.ws.ID, from, from.AddDate(2, 0, 0))
		wantCode(t, err, gears.EINVALID)
	})
}

var mctx = context.Background()

// TestRefusedCompetitorWaitsADay: a competitor whose profile the network
// refused is not asked for again until the next local day.
func TestRefusedCompetitorWaitsADay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPostFixture(t, db)
		m := store.NewMetricsService(db, nil)
		rival, err := store.InsertCompetitorForTest(db, f.ws.ID, "mastodon", "nobody@example.social")
		if err != nil {
			t.Fatal(err)
		}
		// Both accounts have the day's count: only the competitor is due.
		countAccounts := func() {
			t.Helper()
			for _, a := range []int64{f.acct, f.acct2} {
				if err := m.RecordProfile(mctx, store.ProfileReading{AccountID: a, ReadAt: f.now, Counts: gears.ProfileCounts{Followers: 10}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		countAccounts()
		if ids, err := m.MetricsRound(mctx); err != nil || len(ids) != 1 || ids[0] != f.acct {
			t.Fatalf("round with the competitor due = %v, %v", ids, err)
		}
		if err := m.CompetitorRefused(mctx, rival, f.now); err != nil {
			t.Fatal(err)
		}
		if ids, err := m.MetricsRound(mctx); err != nil || len(ids) != 0 {
			t.Fatalf("round after the refusal = %v, %v", ids, err)
		}
		f.now = f.now.AddDate(0, 0, 1)
		countAccounts()
		if ids, err := m.MetricsRound(mctx); err != nil || len(ids) != 1 || ids[0] != f.acct {
			t.Fatalf("the next day's round = %v, %v: the competitor is due again", ids, err)
		}
	})
}
