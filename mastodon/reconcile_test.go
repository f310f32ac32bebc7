package mastodon_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"gears"
	"gears/mastodon/mastodontest"
)

// A text whose rendering by Mastodon differs from it in every way the
// reduction must undo: a long link shortened with an ellipsis, a remote
// mention shown as @user, a local mention, a hashtag, HTML-special
// characters, a line break and a paragraph break.
const richText = "Spring sale <50% off> & more!\nDetails: https://shop.example.com/spring/sale/2026?utm_source=gears&x=1 #Sale\n\nThanks @bob@remote.example.social and @alice."

func noKeepAlive() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestFindPostAfterDroppedConnection(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, noKeepAlive())
	ctx := testContext(t)
	since := time.Now()
	e.srv.AddStatus(e.acct.ID, "an older post", since.Add(-time.Minute))
	e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenDrop: true})
	post := gears.OutgoingPost{Text: richText, Key: "k-rich", Media: []gears.OutgoingMedia{{Data: pngBytes(t), ContentType: "image/png"}}}
	_, err := e.conn.Publish(ctx, e.cr, post)
	remote(t, err, gears.RemoteUnknown)
	// Statuses posted after it push it onto a later page.
	for i := range 90 {
		e.srv.AddStatus(e.acct.ID, fmt.Sprintf("later post %d", i), time.Now())
	}
	sts := e.srv.Statuses(e.acct.ID)
	var created mastodontest.Status
	for _, st := range sts {
		if st.IdempotencyKey == "k-rich" {
			created = st
		}
	}
	pub, err := e.conn.FindPost(ctx, e.cr, post, since)
	if err != nil {
		t.Fatal(err)
	}
	if pub.RemoteID != created.ID || pub.URL == "" || pub.CreatedAt.IsZero() {
		t.Errorf("found %+v, want status %s (content %s)", pub, created.ID, created.Content)
	}
	if n := e.srv.Requests("GET /api/v1/accounts/" + e.acct.ID + "/statuses"); n < 3 {
		t.Errorf("%d pages read, want at least 3", n)
	}
}

func TestFindPostNotFound(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	since := time.Now()
	// Never created: the server answered 503 before processing.
	e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{Status: 503})
	post := gears.OutgoingPost{Text: "Never made it", Key: "k-never"}
	_, err := e.conn.Publish(ctx, e.cr, post)
	remote(t, err, gears.RemoteUnknown)
	// The same text long before the first attempt is another post.
	e.srv.AddStatus(e.acct.ID, "Never made it", since.Add(-2*time.Hour))
	// Same text with an attachment is another post too.
	if _, err := e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: "Never made it", Key: "other",
		Media: []gears.OutgoingMedia{{Data: pngBytes(t), ContentType: "image/png"}}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.conn.FindPost(ctx, e.cr, post, since)
	if !errors.Is(err, gears.ErrNotFound) {
		t.Fatalf("err = %v, want gears.ErrNotFound", err)
	}
}

func TestFindPostScanIsBounded(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	since := time.Now().Add(-time.Minute)
	post := gears.OutgoingPost{Text: "Buried", Key: "k"}
	if _, err := e.conn.Publish(ctx, e.cr, post); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		e.srv.AddStatus(e.acct.ID, fmt.Sprintf("noise %d", i), time.Now())
	}
	e.conn.ScanLimit = 45
	_, err := e.conn.FindPost(ctx, e.cr, post, since)
	if !errors.Is(err, gears.ErrNotFound) {
		t.Fatalf("err = %v, want gears.ErrNotFound past the scan limit", err)
	}
	if n := e.srv.Requests("GET /api/v1/accounts/" + e.acct.ID + "/statuses"); n != 2 {
		t.Errorf("%d pages, want 2", n)
	}
}

// TestReconcileAfterIdempotencyWindow shows why the engine must look
// before it retries once the hour is over: the server has forgotten the
// key, and only FindPost stands between a retry and a duplicate.
func TestReconcileAfterIdempotencyWindow(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, noKeepAlive())
	ctx := testContext(t)
	since := time.Now()
	post := gears.OutgoingPost{Text: "An hour later", Key: "k-hour"}
	e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenDrop: true})
	_, err := e.conn.Publish(ctx, e.cr, post)
	remote(t, err, gears.RemoteUnknown)
	e.srv.Advance(61 * time.Minute)

	pub, err := e.conn.FindPost(ctx, e.cr, post, since)
	if err != nil {
		t.Fatalf("FindPost: %v", err)
	}
	if sts := e.srv.Statuses(e.acct.ID); len(sts) != 1 || sts[0].ID != pub.RemoteID {
		t.Fatalf("statuses = %+v", sts)
	}
	// What a blind retry would have done:
	if _, err := e.conn.Publish(ctx, e.cr, post); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Statuses(e.acct.ID)); n != 2 {
		t.Errorf("the test server kept the key past an hour: %d statuses", n)
	}
}

func TestFindPublished(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	since := time.Now()
	post := gears.OutgoingPost{Text: "Find me by key", Key: "k-find"}
	want, err := e.conn.Publish(ctx, e.cr, post)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.conn.FindPublished(ctx, e.cr, post, since)
	if err != nil || got.RemoteID != want.RemoteID {
		t.Errorf("FindPublished = %+v, %v; want %s", got, err, want.RemoteID)
	}
	if _, err := e.conn.FindPublished(ctx, e.cr, gears.OutgoingPost{Text: "something never posted", Key: "k-other"}, since); !errors.Is(err, gears.ErrNotFound) {
		t.Errorf("err = %v, want gears.ErrNotFound", err)
	}
}
