package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gears/store"
	"gears/store/storetest"
)

// measuredPost stores a post published on account at, with the counts
// metrics collection read.
func (f *fixture) measuredPost(t *testing.T, account int64, network string, at time.Time, likes int64) {
	t.Helper()
	ms := at.UnixMilli()
	post := storetest.Exec(t, f.db, `INSERT INTO posts (workspace_id, text, content_type, status, created_at, updated_at)
		VALUES (?, 'Fresh roast', 'message', 'published', ?, ?) RETURNING id`, f.ws.ID, ms, ms)
	delivery := storetest.Exec(t, f.db, `INSERT INTO deliveries (post_id, account_id, status, idem_key, published_at)
		VALUES (?, ?, 'published', ?, ?) RETURNING id`, post, account, fmt.Sprint("rec-", post), ms)
	storetest.Exec(t, f.db, `INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, likes, reads, read_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`, delivery, f.ws.ID, post, account, network, ms, likes, ms+86400_000)
}

// The Recommendation schema of api/openapi.yaml.
var recommendationSchema = map[string][]string{
	"kind": {"string"}, "status": {"string"}, "network": {"string"}, "account_id": {"number", "null"},
	"activity_key": {"string"}, "text": {"string"}, "evidence": {"array"}, "figures": {"object"},
}

// recommendations checks the answer's shape and returns its list.
func recommendations(t *testing.T, r apiResult) []map[string]any {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("recommendations = %d %s", r.status, r.raw)
	}
	for k := range r.body {
		if k != "from" && k != "to" && k != "recommendations" {
			t.Errorf("the answer has the undocumented property %q", k)
		}
	}
	raw, ok := r.body["recommendations"].([]any)
	if !ok {
		t.Fatalf("recommendations is not an array: %s", r.raw)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		if out[i], ok = x.(map[string]any); !ok {
			t.Fatalf("recommendation %d is not an object: %s", i, r.raw)
		}
		checkSchema(t, "recommendation", out[i], recommendationSchema)
		for _, e := range out[i]["evidence"].([]any) {
			if s, ok := e.(string); !ok || s == "" || strings.Contains(s, "%!") || strings.Contains(s, "recommend.") {
				t.Errorf("evidence %v of %v", e, out[i]["text"])
			}
		}
		for k, v := range out[i]["figures"].(map[string]any) {
			if _, ok := v.(float64); !ok {
				t.Errorf("figure %s = %v, not a number", k, v)
			}
		}
	}
	return out
}

func find(list []map[string]any, kind, network string) map[string]any {
	for _, r := range list {
		if r["kind"] == kind && r["network"] == network {
			return r
		}
	}
	return nil
}

// TestRecommendationsAPI reads recommendations through the API on both
// databases: Mastodon's best time (Tuesday mornings, three times the
// median), Bluesky too sparse for best times and weak against Mastodon
// with flat followers, in both languages; the documented shape; and a
// clear 400 for each bad period.
func TestRecommendationsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		loc := f.ws.Location()
		monday := time.Date(2026, 1, 5, 0, 0, 0, 0, loc)
		day := func(week, weekday, hour, minute int) time.Time {
			return monday.AddDate(0, 0, 7*week+weekday-1).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
		}
		// Mastodon: Tuesdays 10:15 get 30 (four weeks); twenty Monday
		// 08:00 posts over five weeks get 10. Median 10, Tuesday 30: lift 3.
		for w := range 4 {
			f.measuredPost(t, f.account.ID, "mastodon", day(w, 2, 10, 15), 30)
		}
		for i := range 20 {
			f.measuredPost(t, f.account.ID, "mastodon", day(i%5, 1, 8, i), 10)
		}
		// Bluesky: twelve posts of one like each (1 per post against
		// Mastodon's 320 ÷ 24 = 13.3), followers flat at 200.
		bsky := storetest.Exec(t, f.db, `INSERT INTO accounts (workspace_id, network, server, handle, remote_id, credentials, status, created_at)
			VALUES (?, 'bluesky', 'http://127.0.0.1:9', 'aurora.example.com', 'did:plc:aurora', 'v1:none', 'active', ?) RETURNING id`,
			f.ws.ID, time.Now().UnixMilli())
		for i := range 12 {
			f.measuredPost(t, bsky, "bluesky", day(i%6, 3, 12, 0), 1)
		}
		for _, d := range []int{0, 40} {
			at := monday.AddDate(0, 0, d)
			storetest.Exec(t, f.db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, ?, ?)`,
				f.ws.ID, bsky, time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC).Unix()/86400, 200, at.UnixMilli())
		}

		owner, approver := f.actors["owner"], f.actors["approver"]
		path := f.apiPath("/reports/recommendations?from=2026-01-05&to=2026-03-29")
		r := f.api(t, approver, "GET", path, "")
		list := recommendations(t, r)
		if r.body["from"] != "2026-01-05" || r.body["to"] != "2026-03-29" {
			t.Errorf("period = %v to %v", r.body["from"], r.body["to"])
		}
		best := find(list, "best_time", "mastodon")
		if best == nil || best["status"] != "advice" {
			t.Fatalf("no best time on Mastodon: %s", r.raw)
		}
		figs := best["figures"].(map[string]any)
		for k, v := range map[string]float64{"weekday": 2, "start_hour": 9, "end_hour": 12, "lift": 3, "slot_posts": 4, "posts": 24, "network_median": 10, "slot_median": 30} {
			if figs[k] != v {
				t.Errorf("best time %s = %v, want %v", k, figs[k], v)
			}
		}
		if best["text"] != "Post on Mastodon on Tuesdays, 09:00–12:00." || best["account_id"] != nil {
			t.Errorf("best time = %v", best)
		}
		if sparse := find(list, "best_time", "bluesky"); sparse == nil || sparse["status"] != "insufficient_data" ||
			sparse["evidence"].([]any)[0] != "12 posts over 6 weeks; at least 20 posts over 4 weeks are needed" {
			t.Errorf("Bluesky's best times = %v", sparse)
		}
		weak := find(list, "weak_channel", "bluesky")
		if weak == nil || weak["status"] != "advice" || weak["account_id"] != float64(bsky) ||
			!strings.HasPrefix(weak["text"].(string), "aurora.example.com on Bluesky engages far less") {
			t.Errorf("weak channel = %v in %s", weak, r.raw)
		}
		// In Spanish.
		es := recommendations(t, f.apiIn(t, owner, "es", "GET", path, ""))
		if b := find(es, "best_time", "mastodon"); b == nil || b["text"] != "Publique en Mastodon los martes, 09:00–12:00." ||
			b["evidence"].([]any)[2] != "3× la mediana de la red" {
			t.Errorf("es best time = %v", b)
		}
		if w := find(es, "weak_channel", "bluesky"); w == nil || !strings.Contains(w["text"].(string), "genera muchas menos interacciones") {
			t.Errorf("es weak channel = %v", w)
		}

		// A period with nothing in it: an empty list, not null.
		if r := f.api(t, owner, "GET", f.apiPath("/reports/recommendations?from=2024-01-01&to=2024-03-31"), ""); r.status != 200 ||
			!strings.Contains(r.raw, `"recommendations":[]`) {
			t.Errorf("empty period = %d %s", r.status, r.raw)
		}
		// Without a period: the last twelve weeks up to today.
		r = f.api(t, owner, "GET", f.apiPath("/reports/recommendations"), "")
		recommendations(t, r)
		today := time.Now().In(loc)
		if r.body["to"] != today.Format("2006-01-02") || r.body["from"] != today.AddDate(0, 0, -83).Format("2006-01-02") {
			t.Errorf("default period = %v to %v", r.body["from"], r.body["to"])
		}

		// Bad periods: 400 with the field at fault, in each language.
		for _, tt := range []struct{ query, field string }{
			{"from=2026-02-30&to=2026-03-01", "from"},
			{"from=yesterday&to=2026-03-01", "from"},
			{"from=2026-01-01", "to"},
			{"from=2026-03-01&to=2026-01-01", "from"},
			{"from=2020-01-01&to=2026-01-01", "to"},
		} {
			msgs := map[string]string{}
			for _, lang := range []string{"en", "es"} {
				r := f.apiIn(t, owner, lang, "GET", f.apiPath("/reports/recommendations?%s", tt.query), "")
				code, msg := errorOf(t, r)
				if r.status != 400 || code != "invalid" || fieldOf(r) != tt.field || strings.Contains(msg, "%!") || strings.HasPrefix(msg, "report.") {
					t.Errorf("?%s in %s = %d %s, want 400 on %s", tt.query, lang, r.status, r.raw, tt.field)
				}
				msgs[lang] = msg
			}
			if msgs["en"] == msgs["es"] {
				t.Errorf("?%s: the same message in both languages: %q", tt.query, msgs["en"])
			}
		}
		// Who may read them: those who view reports.
		if r := f.api(t, f.actors["editor"], "GET", path, ""); r.status != 403 {
			t.Errorf("editor = %d", r.status)
		}
		if r := f.api(t, f.actors["outsider"], "GET", path, ""); r.status != 404 {
			t.Errorf("outsider = %d", r.status)
		}
	})
}
