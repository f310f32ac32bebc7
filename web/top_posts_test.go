package web_test

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"gears/report/reporttest"
	"gears/store"
	"gears/store/storetest"
)

// topPostSchema is the PostPerformance of api/openapi.yaml.
var topPostSchema = map[string][]string{
	"post_id": {"number"}, "delivery_id": {"number"}, "account_id": {"number"}, "network": {"string"}, "handle": {"string"},
	"url": {"string"}, "published_at": {"time"}, "text": {"string"}, "campaign": {"string"}, "counts": {"object"},
	"engagements": {"number"}, "clicks": {"number"},
}

// publishForReport marks the fixture's scheduled post published on 10
// January 2026 with the given text and network URL (both as a network or a
// member could make them), and stores its latest counts: 2 replies, 5
// likes.
func (f *fixture) publishForReport(t *testing.T, text, url string) {
	t.Helper()
	at := time.Date(2026, 1, 10, 9, 30, 0, 0, time.UTC).UnixMilli()
	storetest.Exec(t, f.db, `UPDATE posts SET text = ?, campaign = ? WHERE id = ?`, text, hostileCampaign, f.planned.ID)
	storetest.Exec(t, f.db, `UPDATE deliveries SET status = 'published', remote_id = '77', remote_url = ?, published_at = ? WHERE post_id = ?`, url, at, f.planned.ID)
	storetest.Exec(t, f.db, `INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, replies, likes, reads)
		SELECT id, ?, post_id, account_id, 'mastodon', published_at, 2, 5, 1 FROM deliveries WHERE post_id = ?`, f.ws.ID, f.planned.ID)
}

// TestTopPosts: the API lists the period's posts with their counts in the
// documented shape and refuses bad orders and limits; the CSV holds them
// defused; the report page and the shared page show them inert.
func TestTopPosts(t *testing.T) {
	t.Parallel()
	f := &fixture{db: storetest.Open(t, store.SQLite), actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	f.populateResults(t)
	const text = `=HYPERLINK("http://evil.example") <script>alert(1)</script> New bags are in`
	f.publishForReport(t, text, "javascript:alert(1)")
	owner := f.actors["owner"]

	r := f.api(t, owner, "GET", f.apiPath("/reports/posts?from=2026-01-01&to=2026-01-31&sort=likes"), "")
	if r.status != 200 || r.body["from"] != "2026-01-01" {
		t.Fatalf("posts = %d %s", r.status, r.raw)
	}
	posts := r.body["posts"].([]any)
	if len(posts) != 1 {
		t.Fatalf("posts = %s", r.raw)
	}
	p := posts[0].(map[string]any)
	checkSchema(t, "post", p, topPostSchema)
	checkSchema(t, "counts", p["counts"].(map[string]any), map[string][]string{"replies": {"number"}, "reposts": {"number"}, "likes": {"number"}, "quotes": {"number"}})
	if p["engagements"].(float64) != 7 || p["text"] != text || p["published_at"] != "2026-01-10T09:30:00Z" || p["campaign"] != hostileCampaign {
		t.Errorf("post = %v", p)
	}
	if r := f.api(t, owner, "GET", f.apiPath("/reports/posts?from=2026-02-01&to=2026-02-28"), ""); r.status != 200 || len(r.body["posts"].([]any)) != 0 {
		t.Errorf("February = %d %s", r.status, r.raw)
	}
	wantError(t, f.api(t, owner, "GET", f.apiPath("/reports/posts?sort=loudest"), ""), 400, "sort", "loudest")
	for _, limit := range []string{"0", "5001", "ten", "-1"} {
		wantError(t, f.api(t, owner, "GET", f.apiPath("/reports/posts?limit=%s", limit), ""), 400, "limit", "5000")
	}
	wantError(t, f.api(t, owner, "GET", f.apiPath("/reports/posts?from=2026-01-31&to=2026-01-01"), ""), 400, "from", "")
	if r := f.api(t, f.actors["editor"], "GET", f.apiPath("/reports/posts"), ""); r.status != 403 {
		t.Errorf("an editor reads the top posts: %d", r.status)
	}

	// The CSV: one line, the text defused against formulas.
	status, body := f.get(t, owner, "en", f.apiPath("/reports/posts.csv?from=2026-01-01&to=2026-01-31"))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || err != nil || len(rows) != 2 {
		t.Fatalf("CSV = %d %v:\n%s", status, err, body)
	}
	if rows[0][0] != "published_at" || rows[1][0] != "2026-01-10 10:30" || rows[1][5] != "'"+text || rows[1][10] != "7" || rows[1][12] != "javascript:alert(1)" {
		t.Errorf("CSV row = %q", rows[1])
	}

	// The PDF lists it too.
	status, body = f.get(t, owner, "en", f.apiPath("/report.pdf?from=2026-01-01&to=2026-01-31"))
	pages, err := reporttest.Read([]byte(body))
	if status != 200 || err != nil {
		t.Fatalf("PDF = %d, %v", status, err)
	}
	var said []string
	for _, p := range pages {
		said = append(said, p.Text...)
	}
	// The figures say how they moved since December, which had nothing.
	if i := slices.Index(said, "Engagements"); i < 0 || i+2 >= len(said) || said[i+2] != "before: 0" {
		t.Errorf("the PDF does not compare the engagements:\n%s", strings.Join(said, "\n"))
	}
	if i := slices.Index(said, "Top posts"); i < 0 || !slices.Contains(said[i:], "2026-01-10 10:30") ||
		!slices.ContainsFunc(said[i:], func(s string) bool { return strings.HasPrefix(s, "Mastodon · =HYPERLINK") }) {
		t.Errorf("the PDF lacks the top posts:\n%s", strings.Join(said, "\n"))
	}

	// The page: the post's text and campaign as text, no script, no
	// javascript: link, and the CSV offered.
	for _, lang := range []string{"en", "es"} {
		status, page := f.get(t, owner, lang, f.path("/metrics?period=custom&from=2026-01-01&to=2026-01-31"))
		if status != 200 || !strings.Contains(page, "data-top-posts") || !strings.Contains(page, shown(text)) ||
			!strings.Contains(page, "reports/posts.csv?from=2026-01-01&amp;to=2026-01-31") || !strings.Contains(page, "2026-01-10 10:30") {
			t.Fatalf("%s: the page lacks the top posts: %d", lang, status)
		}
		if strings.Contains(page, "<script>alert") || strings.Contains(page, `href="javascript:`) {
			t.Errorf("%s: the post's text or URL is live on the page", lang)
		}
		if keys := untranslated(page); len(keys) > 0 {
			t.Errorf("%s: untranslated keys %v", lang, keys)
		}
	}
	// Ordered by likes on the page; an order it does not know is the
	// report's own.
	_, page := f.get(t, owner, "en", f.path("/metrics?period=custom&from=2026-01-01&to=2026-01-31&posts=likes"))
	if !strings.Contains(page, `<option value="likes" selected>`) || !strings.Contains(page, "with the most likes") || !strings.Contains(page, `name="from" value="2026-01-01"`) {
		t.Error("the page does not order its top posts by likes")
	}
	if status, page := f.get(t, owner, "en", f.path("/metrics?posts=loudest")); status != 200 || !strings.Contains(page, `<option value="engagements" selected>`) {
		t.Errorf("an unknown order: %d", status)
	}
}
