package store_test

import (
	"slices"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

// TestTopPosts: the period's published deliveries, each with its latest
// counts and its network's link clicks, in the order asked; a delivery not
// read yet is listed with no counts; other periods, other workspaces and
// inbox answers are not; the report's top posts are the same list.
func TestTopPosts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMetricsFixture(t, db)
		reports, links := store.NewReportService(db), store.NewLinkService(db)
		// A second post, a day later, on Mastodon only, with a variant.
		in := f.input(nil)
		in.AccountIDs = []int64{f.acct}
		in.Text = "Second roast"
		second, err := f.posts.CreatePost(as(f.owner), f.ws.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.PublishForTest(db, second.Deliveries[0].ID, "1002", f.now.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		// A post published the month before is outside the period.
		old, err := f.posts.CreatePost(as(f.owner), f.ws.ID, f.input(nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.PublishForTest(db, old.Deliveries[0].ID, "900", f.now.AddDate(0, -1, 0)); err != nil {
			t.Fatal(err)
		}
		f.round(t)
		f.now = f.now.Add(2 * time.Hour)
		f.record(t,
			store.PostReadingResult{DeliveryID: f.d1, ReadAt: f.now, Reading: counts(1, 2, 3, 0)},  // 6
			store.PostReadingResult{DeliveryID: f.d2, ReadAt: f.now, Reading: counts(0, 1, 10, 1)}) // 12
		// Clicks: 7 on the first post's Mastodon link, 2 on its Bluesky one.
		for net, n := range map[gears.Network]int64{gears.Mastodon: 7, gears.Bluesky: 2} {
			l, err := links.CreateLink(as(f.owner), f.ws.ID, gears.LinkCreate{TargetURL: "https://aurora.example/", Network: net, PostID: &f.post.ID})
			if err != nil {
				t.Fatal(err)
			}
			if err := links.AddClicks(mctx, []store.Clicks{{LinkID: l.ID, Day: dayOf(f.now, time.UTC), Count: n}}); err != nil {
				t.Fatal(err)
			}
		}

		sept := gears.ReportPeriod{From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)}
		ids := func(list []gears.PostPerformance) []int64 {
			var out []int64
			for _, p := range list {
				out = append(out, p.DeliveryID)
			}
			return out
		}
		d3 := second.Deliveries[0].ID
		for _, c := range []struct {
			order gears.PostSort
			want  []int64
		}{
			{"", []int64{f.d2, f.d1, d3}}, // 12, 6, 0
			{gears.SortClicks, []int64{f.d1, f.d2, d3}},
			{gears.SortReposts, []int64{f.d1, f.d2, d3}},
			{gears.SortQuotes, []int64{f.d2, d3, f.d1}}, // ties: the newest first
			{gears.SortPublished, []int64{d3, f.d2, f.d1}},
		} {
			list, err := reports.TopPosts(as(f.owner), f.ws.ID, sept, c.order, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(list); !slices.Equal(got, c.want) {
				t.Errorf("order %q: %v, want %v", c.order, got, c.want)
			}
		}
		list, err := reports.TopPosts(as(f.owner), f.ws.ID, sept, "", 2)
		if err != nil || len(list) != 2 {
			t.Fatalf("limit 2: %d, %v", len(list), err)
		}
		top := list[0]
		if top.PostID != f.post.ID || top.Network != gears.Bluesky || top.Counts != (gears.PostCounts{Likes: 10, Reposts: 1, Quotes: 1}) ||
			top.Engagements != 12 || top.Clicks != 2 || top.Campaign != "autumn" || top.Text != f.post.Text || !top.PublishedAt.Equal(f.now.Add(-2*time.Hour)) {
			t.Errorf("top = %+v", top)
		}
		if list[1].Clicks != 7 || list[1].Handle != "@aurora@example.social" || list[1].RemoteURL != "https://example.social/@aurora/1001" {
			t.Errorf("second = %+v", list[1])
		}

		// The report lists the same.
		d, err := reports.Report(as(f.owner), f.ws.ID, sept)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(d.TopPosts); !slices.Equal(got, []int64{f.d2, f.d1, d3}) {
			t.Errorf("report's top posts = %v", got)
		}

		// Bad input, and who may read.
		if _, err := reports.TopPosts(as(f.owner), f.ws.ID, sept, "loudest", 10); gears.AsError(err).Field != "sort" {
			t.Errorf("unknown order: %v", err)
		}
		for _, n := range []int{0, gears.MaxTopPosts + 1} {
			if _, err := reports.TopPosts(as(f.owner), f.ws.ID, sept, "", n); gears.AsError(err).Field != "limit" {
				t.Errorf("limit %d: %v", n, err)
			}
		}
		if _, err := reports.TopPosts(as(f.editor), f.ws.ID, sept, "", 10); gears.ErrorCode(err) != gears.EFORBIDDEN {
			t.Errorf("an editor reads the top posts: %v", err)
		}
	})
}
