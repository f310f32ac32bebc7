package mastodon_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
)

type env struct {
	srv  *mastodontest.Server
	conn *mastodon.Connector
	acct mastodontest.Account
	cr   gears.Credentials
}

// setup starts a test server with one account and a connector whose
// waits are short.
func setup(t *testing.T, cfg mastodontest.Config, client *http.Client) env {
	t.Helper()
	srv := mastodontest.New(t, cfg)
	acct := srv.AddAccount("alice")
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	c := mastodon.New(client)
	c.PollInterval = 5 * time.Millisecond
	c.PollMaxInterval = 40 * time.Millisecond
	c.MediaTimeout = 5 * time.Second
	return env{srv: srv, conn: c, acct: acct, cr: gears.Credentials{Server: srv.URL + "/", AccessToken: acct.Token}}
}

// wholeWindow is a rate-limit window for tests that spend a budget: the
// test server's windows are aligned on multiples of their length since
// 1970, and a test that straddled the end of a five-minute one would get
// a fresh budget half-way. This one ends in 2069.
const wholeWindow = 100 * 365 * 24 * time.Hour

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// remote asserts err is a *gears.RemoteError of kind and returns it.
func remote(t *testing.T, err error, kind gears.RemoteErrorKind) *gears.RemoteError {
	t.Helper()
	var re *gears.RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *gears.RemoteError", err, err)
	}
	if re.Network != gears.Mastodon || re.Kind != kind {
		t.Fatalf("error %v: network %s kind %s, want mastodon %s", err, re.Network, re.Kind, kind)
	}
	return re
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVerify(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	acct, cr, err := e.conn.Verify(testContext(t), e.cr)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(e.srv.URL, "http://")
	if acct.ID != e.acct.ID || acct.Handle != "@alice@"+host || acct.DisplayName != "Alice" || acct.URL != e.srv.URL+"/@alice" {
		t.Errorf("account = %+v", acct)
	}
	if cr.Server != e.srv.URL || cr.AccessToken != e.acct.Token {
		t.Errorf("credentials = %+v, want server %s", cr, e.srv.URL)
	}
}

func TestVerifyUnknownToken(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	e.cr.AccessToken = "nope"
	_, _, err := e.conn.Verify(testContext(t), e.cr)
	re := remote(t, err, gears.RemoteAuth)
	if re.Status != 401 || re.Message != "The access token is invalid" {
		t.Errorf("error = %+v", re)
	}
	e.cr.AccessToken = ""
	_, _, err = e.conn.Verify(testContext(t), e.cr)
	remote(t, err, gears.RemoteAuth)
}

func TestPublishText(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	before := time.Now().Add(-time.Second)
	pub, err := e.conn.Publish(testContext(t), e.cr, gears.OutgoingPost{Text: "Hello, fediverse!", Key: "k-text"})
	if err != nil {
		t.Fatal(err)
	}
	sts := e.srv.Statuses(e.acct.ID)
	if len(sts) != 1 {
		t.Fatalf("%d statuses, want 1", len(sts))
	}
	st := sts[0]
	if pub.RemoteID != st.ID || pub.URL != e.srv.URL+"/@alice/"+st.ID || pub.CreatedAt.Before(before) {
		t.Errorf("published = %+v, status %+v", pub, st)
	}
	if st.Text != "Hello, fediverse!" || st.IdempotencyKey != "k-text" || st.Visibility != "public" {
		t.Errorf("status = %+v", st)
	}
}

func TestPublishWithImagesWaitsForProcessing(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{MediaProcessingPolls: 2}, nil)
	img := pngBytes(t)
	post := gears.OutgoingPost{Text: "Two pictures", Key: "k-media", Media: []gears.OutgoingMedia{
		{Data: img, ContentType: "image/png", Alt: "A black square"},
		{Data: img, Alt: "Another black square"}, // type sniffed
	}}
	pub, err := e.conn.Publish(testContext(t), e.cr, post)
	if err != nil {
		t.Fatal(err)
	}
	sts := e.srv.Statuses(e.acct.ID)
	if len(sts) != 1 || sts[0].ID != pub.RemoteID || len(sts[0].MediaIDs) != 2 {
		t.Fatalf("statuses = %+v", sts)
	}
	for i, id := range sts[0].MediaIDs {
		if alt, _ := e.srv.MediaDescription(id); alt != post.Media[i].Alt {
			t.Errorf("attachment %d alt = %q", i, alt)
		}
	}
	// Two 206 answers then a 200, per image.
	if n := e.srv.Requests("GET /api/v1/media/"); n != 6 {
		t.Errorf("%d polls, want 6", n)
	}
}

func TestPublishWaitsForTimedProcessing(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{MediaProcessing: 150 * time.Millisecond}, nil)
	_, err := e.conn.Publish(testContext(t), e.cr, gears.OutgoingPost{Key: "k", Media: []gears.OutgoingMedia{{Data: pngBytes(t), ContentType: "image/png"}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.srv.Requests("GET /api/v1/media/"); n < 2 {
		t.Errorf("%d polls, want several", n)
	}
}

func TestPublishMediaPollingHonoursContext(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{MediaProcessing: time.Hour}, nil)
	ctx, cancel := context.WithTimeout(testContext(t), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Key: "k", Media: []gears.OutgoingMedia{{Data: pngBytes(t), ContentType: "image/png"}}})
	remote(t, err, gears.RemoteTemporary)
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %s after the context ended", time.Since(start))
	}
	if n := len(e.srv.Statuses(e.acct.ID)); n != 0 {
		t.Errorf("%d statuses", n)
	}
}

// TestRetryAfterDroppedConnection: the server creates the status and
// drops the connection; the outcome is unknown; the retry with the same
// key returns the same status.
func TestRetryAfterDroppedConnection(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}})
	e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenDrop: true})
	post := gears.OutgoingPost{Text: "Exactly once", Key: "k-drop"}
	_, err := e.conn.Publish(testContext(t), e.cr, post)
	remote(t, err, gears.RemoteUnknown)
	if n := len(e.srv.Statuses(e.acct.ID)); n != 1 {
		t.Fatalf("%d statuses after the dropped answer, want 1", n)
	}
	pub, err := e.conn.Publish(testContext(t), e.cr, post)
	if err != nil {
		t.Fatal(err)
	}
	sts := e.srv.Statuses(e.acct.ID)
	if len(sts) != 1 || sts[0].ID != pub.RemoteID {
		t.Fatalf("statuses = %+v, published %+v", sts, pub)
	}
}

// TestTransportReplaysIdempotentPost: on a reused connection, net/http
// itself replays a request carrying Idempotency-Key; the server's
// idempotency makes that harmless.
func TestTransportReplaysIdempotentPost(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	if _, _, err := e.conn.Verify(ctx, e.cr); err != nil { // leaves an idle connection
		t.Fatal(err)
	}
	e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenDrop: true})
	post := gears.OutgoingPost{Text: "Replayed", Key: "k-replay"}
	if _, err := e.conn.Publish(ctx, e.cr, post); err != nil {
		remote(t, err, gears.RemoteUnknown)
		if _, err := e.conn.Publish(ctx, e.cr, post); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.srv.Statuses(e.acct.ID)); n != 1 {
		t.Errorf("%d statuses, want 1", n)
	}
	if n := e.srv.Requests("POST /api/v1/statuses"); n != 2 {
		t.Errorf("%d status POSTs, want 2", n)
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	// Long enough that only the hung requests meet it, on a loaded
	// machine too: the retry must be answered in time.
	e := setup(t, mastodontest.Config{}, &http.Client{Timeout: 2 * time.Second})
	ctx := testContext(t)

	// Processed, then no answer: unknown; the retry finds the same status.
	e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenHang: true})
	post := gears.OutgoingPost{Text: "Slow server", Key: "k-slow"}
	_, err := e.conn.Publish(ctx, e.cr, post)
	re := remote(t, err, gears.RemoteUnknown)
	if !strings.Contains(re.Message, "timeout") {
		t.Errorf("message = %q", re.Message)
	}
	pub, err := e.conn.Publish(ctx, e.cr, post)
	if err != nil {
		t.Fatal(err)
	}
	if sts := e.srv.Statuses(e.acct.ID); len(sts) != 1 || sts[0].ID != pub.RemoteID {
		t.Errorf("statuses = %+v", sts)
	}

	// A read that hangs is only temporary.
	e.srv.Inject("GET /api/v1/accounts/verify_credentials", 1, mastodontest.Fault{Hang: true})
	_, _, err = e.conn.Verify(ctx, e.cr)
	remote(t, err, gears.RemoteTemporary)
}

func TestConnectionRefusedIsTemporary(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := mastodon.New(&http.Client{Timeout: 2 * time.Second})
	_, err = c.Publish(testContext(t), gears.Credentials{Server: "http://" + addr, AccessToken: "t"}, gears.OutgoingPost{Text: "x", Key: "k"})
	re := remote(t, err, gears.RemoteTemporary)
	if !strings.Contains(re.Message, "not sent") {
		t.Errorf("message = %q", re.Message)
	}
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pattern string
		status  int
		want    gears.RemoteErrorKind
	}{
		{"POST /api/v1/statuses", 500, gears.RemoteUnknown},
		{"POST /api/v1/statuses", 502, gears.RemoteUnknown},
		{"POST /api/v1/statuses", 503, gears.RemoteUnknown},
		{"POST /api/v1/statuses", 504, gears.RemoteUnknown},
		{"POST /api/v2/media", 500, gears.RemoteTemporary},
		{"POST /api/v2/media", 503, gears.RemoteTemporary},
		{"GET /api/v1/media/", 502, gears.RemoteTemporary},
	} {
		e := setup(t, mastodontest.Config{MediaProcessingPolls: 1}, nil)
		e.srv.Inject(tt.pattern, 1, mastodontest.Fault{Status: tt.status, Body: "<html><body><h1>Oops</h1></body></html>"})
		_, err := e.conn.Publish(testContext(t), e.cr, gears.OutgoingPost{Text: "x", Key: "k", Media: []gears.OutgoingMedia{{Data: pngBytes(t), ContentType: "image/png"}}})
		re := remote(t, err, tt.want)
		if re.Status != tt.status || re.Message != http.StatusText(tt.status) {
			t.Errorf("%s %d: error %+v", tt.pattern, tt.status, re)
		}
	}
	e := setup(t, mastodontest.Config{}, nil)
	e.srv.Inject("GET /api/v1/accounts/verify_credentials", 1, mastodontest.Fault{Status: 503})
	_, _, err := e.conn.Verify(testContext(t), e.cr)
	remote(t, err, gears.RemoteTemporary)
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	t.Run("Retry-After", func(t *testing.T) {
		t.Parallel()
		e := setup(t, mastodontest.Config{}, nil)
		e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{Status: 429, Header: http.Header{"Retry-After": {"7"}}})
		_, err := e.conn.Publish(testContext(t), e.cr, gears.OutgoingPost{Text: "x", Key: "k"})
		re := remote(t, err, gears.RemoteRateLimited)
		if re.RetryAfter != 7*time.Second || re.Message != "Too Many Requests" {
			t.Errorf("error = %+v", re)
		}
	})
	t.Run("X-RateLimit-Reset", func(t *testing.T) {
		t.Parallel()
		e := setup(t, mastodontest.Config{}, nil)
		reset := time.Now().Add(40 * time.Second).UTC().Format("2006-01-02T15:04:05.000000Z")
		e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{Status: 429, Body: `{"error":"Too many requests"}`,
			Header: http.Header{"X-Ratelimit-Limit": {"300"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}}})
		_, err := e.conn.Publish(testContext(t), e.cr, gears.OutgoingPost{Text: "x", Key: "k"})
		re := remote(t, err, gears.RemoteRateLimited)
		if re.RetryAfter < 35*time.Second || re.RetryAfter > 41*time.Second || re.Message != "Too many requests" {
			t.Errorf("error = %+v", re)
		}
		var rl *mastodon.RateLimit
		if !errors.As(err, &rl) || rl.Limit != 300 || rl.Remaining != 0 {
			t.Errorf("rate limit in error = %+v", rl)
		}
	})
	t.Run("budget spent", func(t *testing.T) {
		t.Parallel()
		e := setup(t, mastodontest.Config{RateLimit: 3, RateWindow: wholeWindow}, nil)
		ctx := testContext(t)
		for i := range 3 {
			if _, _, err := e.conn.Verify(ctx, e.cr); err != nil {
				t.Fatalf("call %d: %v", i+1, err)
			}
			rl, ok := e.conn.RateLimit(e.cr)
			if !ok || rl.Limit != 3 || rl.Remaining != 2-i || rl.Reset.Before(time.Now()) {
				t.Fatalf("after call %d: rate limit %+v, %v", i+1, rl, ok)
			}
		}
		_, _, err := e.conn.Verify(ctx, e.cr)
		re := remote(t, err, gears.RemoteRateLimited)
		if re.RetryAfter <= 0 || re.RetryAfter > 24*time.Hour { // the reset, at most a day away
			t.Errorf("retry after %s", re.RetryAfter)
		}
		// The budget is per token: another account is not held back.
		other := e.srv.AddAccount("bob")
		if _, _, err := e.conn.Verify(ctx, gears.Credentials{Server: e.srv.URL, AccessToken: other.Token}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRejected(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	for _, tt := range []struct {
		post gears.OutgoingPost
		want string
	}{
		{gears.OutgoingPost{Text: "  ", Key: "k1"}, "Validation failed: Text can't be blank"},
		{gears.OutgoingPost{Text: strings.Repeat("a", 501), Key: "k2"}, "Validation failed: Text character limit of 500 exceeded"},
		{gears.OutgoingPost{Text: "bmp", Key: "k3", Media: []gears.OutgoingMedia{{Data: []byte("BM..."), ContentType: "image/bmp"}}},
			"Validation failed: File content type is invalid, File is invalid"},
	} {
		_, err := e.conn.Publish(ctx, e.cr, tt.post)
		re := remote(t, err, gears.RemoteRejected)
		if re.Status != 422 || re.Message != tt.want {
			t.Errorf("%q: error %+v", tt.post.Text, re)
		}
	}
	if n := len(e.srv.Statuses(e.acct.ID)); n != 0 {
		t.Errorf("%d statuses", n)
	}
	_, err := e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: "no key"})
	remote(t, err, gears.RemoteRejected)
}

// TestCountMatchesServer publishes texts Check calls exactly at the limit
// and one over it, with the entities that change the count.
func TestCountMatchesServer(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	for i, prefix := range []string{
		"",
		"See https://example.com/a/very/long/path/that/is/longer/than/twenty-three?x=1 ",
		"Hi @bob@remote.example.social ",
		"Thanks @alice! ",
		"Café e\u0301 👍🏽 👨\u200d👩\u200d👧 🇪🇸 ",
	} {
		fill := 500 - mastodon.Count(prefix)
		ok := prefix + strings.Repeat("a", fill)
		if got := mastodon.Count(ok); got != 500 {
			t.Fatalf("%q: Count = %d", prefix, got)
		}
		if _, err := e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: ok, Key: "ok" + string(rune('0'+i))}); err != nil {
			t.Errorf("%q at 500: %v", prefix, err)
		}
		if ps := e.conn.Check(ok+"a", nil); len(ps) != 1 || ps[0].Key != "mastodon.too_long" {
			t.Errorf("%q at 501: problems %+v", prefix, ps)
		}
		_, err := e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: ok + "a", Key: "long" + string(rune('0'+i))})
		remote(t, err, gears.RemoteRejected)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{MaxCharacters: 1000, MaxMediaAttachments: 6, ImageSizeLimit: 10 << 20, DescriptionLimit: 800,
		SupportedMIMETypes: []string{"image/png"}}, nil)
	l, err := e.conn.Limits(testContext(t), e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if l.MaxCharacters != 1000 || l.MaxMedia != 6 || l.ImageSizeLimit != 10<<20 || l.DescriptionLimit != 800 ||
		l.CharactersPerURL != 23 || len(l.SupportedMIMETypes) != 1 {
		t.Errorf("limits = %+v", l)
	}
	if ps := mastodon.CheckLimits(l, strings.Repeat("a", 1000), []gears.MediaInfo{{ContentType: "image/jpeg", Size: 11 << 20}}); len(ps) != 2 {
		t.Errorf("problems = %+v", ps)
	}
}

func TestLimitsFallBackToV1Instance(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{MaxCharacters: 700}, nil)
	e.srv.Inject("GET /api/v2/instance", 1, mastodontest.Fault{Status: 404, Body: `{"error":"Record not found"}`})
	l, err := e.conn.Limits(testContext(t), e.srv.URL)
	if err != nil || l.MaxCharacters != 700 {
		t.Fatalf("limits = %+v, %v", l, err)
	}
	if n := e.srv.Requests("GET /api/v1/instance"); n != 1 {
		t.Errorf("%d v1 requests", n)
	}
}
