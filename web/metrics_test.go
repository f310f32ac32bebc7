package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

// The DeliveryMetrics, PostCounts, FollowerSeries and FollowerDay schemas
// of api/openapi.yaml.
var (
	deliveryMetricsSchema = map[string][]string{
		"delivery_id": {"number"}, "account_id": {"number"}, "network": {"string"}, "handle": {"string"}, "url": {"string"},
		"published_at": {"time"}, "counts": {"object"}, "engagements": {"number"}, "reads": {"number"},
		"read_at": {"time", "null"}, "next_read_at": {"time", "null"}, "gone": {"boolean"}, "error": {"string"},
	}
	postCountsSchema     = map[string][]string{"replies": {"number"}, "reposts": {"number"}, "likes": {"number"}, "quotes": {"number"}}
	followerSeriesSchema = map[string][]string{
		"kind": {"string"}, "account_id": {"number"}, "competitor_id": {"number"}, "network": {"string"}, "handle": {"string"},
		"name": {"string"}, "days": {"array"}, "delta": {"number"},
	}
	followerDaySchema = map[string][]string{"date": {"string"}, "followers": {"number"}, "following": {"number"}, "posts": {"number"}}
)

// withMetrics publishes the fixture's planned post two hours ago, reads
// its counts an hour later, and stores a follower count for the account
// and for a competitor; it returns the competitor's handle.
func (f *fixture) withMetrics(t *testing.T) (published time.Time) {
	t.Helper()
	ctx := context.Background()
	published = time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Millisecond)
	d := f.planned.Deliveries[0].ID
	storetest.Exec(t, f.db, `UPDATE deliveries SET status = 'published', remote_id = '7001', remote_url = 'https://example.social/@aurora/7001', published_at = ? WHERE id = ?`,
		published.UnixMilli(), d)
	storetest.Exec(t, f.db, `UPDATE posts SET status = 'published' WHERE id = ?`, f.planned.ID)
	storetest.Exec(t, f.db, `INSERT INTO competitors (workspace_id, name, network, handle, created_at) VALUES (?, 'Rival roasters', 'mastodon', 'rival@other.example', 0)`, f.ws.ID)
	m := store.NewMetricsService(f.db, nil)
	if _, err := m.MetricsRound(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.RecordPostReadings(ctx, []store.PostReadingResult{{DeliveryID: d, ReadAt: published.Add(time.Hour),
		Reading: gears.PostReading{Counts: gears.PostCounts{Replies: 4, Reposts: 6, Likes: 21, Quotes: 2}}}}); err != nil {
		t.Fatal(err)
	}
	if err := m.RecordProfile(ctx, store.ProfileReading{AccountID: f.account.ID, ReadAt: time.Now().AddDate(0, 0, -1),
		Counts: gears.ProfileCounts{Followers: 300, Following: 20, Posts: 41}}); err != nil {
		t.Fatal(err)
	}
	if err := m.RecordProfile(ctx, store.ProfileReading{AccountID: f.account.ID, ReadAt: time.Now(),
		Counts: gears.ProfileCounts{Followers: 312, Following: 20, Posts: 42}}); err != nil {
		t.Fatal(err)
	}
	return published
}

// TestMetricsAPI reads a post's counts and the follower series through
// the API: the documented shapes, the numbers stored, who may read them,
// and clear translated errors for a bad period.
func TestMetricsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		published := f.withMetrics(t)
		owner, editor, outsider := f.actors["owner"], f.actors["editor"], f.actors["outsider"]

		r := f.api(t, editor, "GET", f.apiPath("/posts/%d/metrics", f.planned.ID), "")
		if r.status != 200 || len(r.body) != 2 || r.body["post_id"] != float64(f.planned.ID) {
			t.Fatalf("post metrics = %d %s", r.status, r.raw)
		}
		list, _ := r.body["deliveries"].([]any)
		if len(list) != 1 {
			t.Fatalf("deliveries: %s", r.raw)
		}
		dm := list[0].(map[string]any)
		checkSchema(t, "delivery metrics", dm, deliveryMetricsSchema, "error")
		counts, _ := dm["counts"].(map[string]any)
		checkSchema(t, "counts", counts, postCountsSchema)
		if counts["likes"] != float64(21) || counts["quotes"] != float64(2) || dm["engagements"] != float64(33) || dm["reads"] != float64(1) ||
			dm["network"] != "mastodon" || dm["gone"] != false || dm["url"] != "https://example.social/@aurora/7001" {
			t.Errorf("delivery metrics %v", dm)
		}
		if at, _ := time.Parse(time.RFC3339, dm["next_read_at"].(string)); !at.Equal(published.Add(6 * time.Hour)) {
			t.Errorf("next reading %v, want +6 h", dm["next_read_at"])
		}
		// A draft has no published delivery: an empty list.
		if r := f.api(t, owner, "GET", f.apiPath("/posts/%d/metrics", f.draft.ID), ""); r.status != 200 || !strings.Contains(r.raw, `"deliveries":[]`) {
			t.Errorf("draft's metrics = %d %s", r.status, r.raw)
		}
		// Another workspace's member, and this post under another workspace: not found.
		if r := f.api(t, outsider, "GET", f.apiPath("/posts/%d/metrics", f.planned.ID), ""); r.status != 404 {
			t.Errorf("outsider = %d", r.status)
		}
		if r := f.api(t, outsider, "GET", fmt.Sprintf("/api/v1/workspaces/%d/posts/%d/metrics", f.other.ID, f.planned.ID), ""); r.status != 404 {
			t.Errorf("the post through another workspace = %d %s", r.status, r.raw)
		}
		if r := f.api(t, owner, "GET", f.apiPath("/posts/x/metrics"), ""); r.status != 404 { // as every {post} route
			t.Errorf("a bad post ID = %d", r.status)
		}

		// Followers, the last 30 days by default.
		r = f.api(t, owner, "GET", f.apiPath("/followers"), "")
		if r.status != 200 || r.body["timezone"] != f.ws.Timezone {
			t.Fatalf("followers = %d %s", r.status, r.raw)
		}
		series, _ := r.body["series"].([]any)
		if len(series) != 2 {
			t.Fatalf("series: %s", r.raw)
		}
		var acct, comp map[string]any
		for _, s := range series {
			sm := s.(map[string]any)
			checkSchema(t, "follower series", sm, followerSeriesSchema, "account_id", "competitor_id")
			for _, d := range sm["days"].([]any) {
				checkSchema(t, "follower day", d.(map[string]any), followerDaySchema)
			}
			if sm["kind"] == "account" {
				acct = sm
			} else {
				comp = sm
			}
		}
		if acct == nil || acct["delta"] != float64(12) || len(acct["days"].([]any)) != 2 || acct["account_id"] != float64(f.account.ID) {
			t.Errorf("account series %v", acct)
		}
		if comp == nil || comp["handle"] != "rival@other.example" || len(comp["days"].([]any)) != 0 {
			t.Errorf("competitor series %v", comp)
		}
		// A period without counts.
		r = f.api(t, owner, "GET", f.apiPath("/followers?from=2020-01-01&to=2020-01-31"), "")
		if r.status != 200 || r.body["from"] != "2020-01-01" || strings.Contains(r.raw, `"followers":`) {
			t.Errorf("an old period = %d %s", r.status, r.raw)
		}
		// The follower reports are reports: an editor may not read them.
		if r := f.api(t, editor, "GET", f.apiPath("/followers"), ""); r.status != 403 {
			t.Errorf("editor's followers = %d", r.status)
		}
		// Bad periods: the field named, in the asker's language.
		for _, c := range []struct{ query, field, es string }{
			{"from=2026-13-01", "from", "fecha"},
			{"to=yesterday", "to", "fecha"},
			{"from=2026-02-01&to=2026-01-01", "to", "anterior"},
			{"from=2020-01-01&to=2026-01-01", "to", "366"},
		} {
			r := f.apiIn(t, owner, "es", "GET", f.apiPath("/followers?%s", c.query), "")
			if r.status != 400 {
				t.Errorf("%s = %d %s", c.query, r.status, r.raw)
				continue
			}
			e := r.body["error"].(map[string]any)
			if e["field"] != c.field || !strings.Contains(strings.ToLower(e["message"].(string)), c.es) {
				t.Errorf("%s: error %v", c.query, e)
			}
		}
	})
}

// TestPostPageShowsCounts: the post's page shows each account's counts,
// when they were read and the next reading.
func TestPostPageShowsCounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	f.withMetrics(t)
	b := signIn(t, f, "editor")
	st, body, _ := b.get(f.path("/posts/%d", f.planned.ID))
	if st != 200 {
		t.Fatalf("post page = %d", st)
	}
	for _, want := range []string{"4 replies · 6 reposts · 21 likes · 2 quotes", "Next reading:", `data-metrics="` + strconv.FormatInt(f.account.ID, 10) + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the post page lacks %q", want)
		}
	}
	// A draft shows no results card.
	if _, body, _ := b.get(f.path("/posts/%d", f.draft.ID)); strings.Contains(body, "data-metrics") {
		t.Errorf("a draft shows results")
	}
}
