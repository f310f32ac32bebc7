package mastodon_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gears"
	"gears/mastodon/mastodontest"
)

// TestHostileServer: whatever a server sends, the connector answers with a
// classified error, promptly, without panicking.
func TestHostileServer(t *testing.T) {
	t.Parallel()
	const verify = "GET /api/v1/accounts/verify_credentials"
	for _, tt := range []struct {
		name  string
		fault mastodontest.Fault
		kind  gears.RemoteErrorKind
		msg   string
	}{
		{"endless body", mastodontest.Fault{EndlessBody: true}, gears.RemoteTemporary, "answer larger than 1048576 bytes"},
		{"endless error page", mastodontest.Fault{EndlessBody: true, Status: 500}, gears.RemoteTemporary, "Internal Server Error"},
		{"invalid JSON", mastodontest.Fault{Status: 200, Body: `{"id": "1", "acct": `}, gears.RemoteTemporary, "the answer is not the JSON expected"},
		{"wrong JSON types", mastodontest.Fault{Status: 200, Body: `{"id": 1, "acct": ["x"]}`}, gears.RemoteTemporary, "the answer is not the JSON expected"},
		{"JSON without an id", mastodontest.Fault{Status: 200, Body: `{"acct": "x"}`}, gears.RemoteTemporary, "the account has no id"},
		{"null", mastodontest.Fault{Status: 200, Body: `null`}, gears.RemoteTemporary, "the account has no id"},
		{"HTML error page", mastodontest.Fault{Status: 502, Body: "<html><head><title>502</title></head><body>nginx</body></html>"}, gears.RemoteTemporary, "Bad Gateway"},
		{"HTML on 200", mastodontest.Fault{Status: 200, Body: "<!doctype html><p>Welcome to our captive portal"}, gears.RemoteTemporary, "the answer is not the JSON expected"},
		{"error of the wrong type", mastodontest.Fault{Status: 422, Body: `{"error": {"nested": true}}`}, gears.RemoteRejected, "Unprocessable Entity"},
		{"redirect", mastodontest.Fault{Status: 302, Header: http.Header{"Location": {"https://evil.example/"}}, Body: " "}, gears.RemoteRejected, "Found"},
		{"dropped", mastodontest.Fault{Drop: true}, gears.RemoteTemporary, "no answer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, mastodontest.Config{}, nil)
			e.srv.Inject(verify, 1, tt.fault)
			start := time.Now()
			_, _, err := e.conn.Verify(testContext(t), e.cr)
			re := remote(t, err, tt.kind)
			if re.Message != tt.msg {
				t.Errorf("message = %q, want %q", re.Message, tt.msg)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}

	t.Run("long control-laden message", func(t *testing.T) {
		t.Parallel()
		e := setup(t, mastodontest.Config{}, nil)
		e.srv.Inject(verify, 1, mastodontest.Fault{Status: 422, Body: `{"error":"` + strings.Repeat("bad\u0007\\n", 5000) + `"}`})
		_, _, err := e.conn.Verify(testContext(t), e.cr)
		re := remote(t, err, gears.RemoteRejected)
		if n := utf8.RuneCountInString(re.Message); n > 301 || strings.ContainsAny(re.Message, "\a\n") {
			t.Errorf("message of %d runes: %q", n, re.Message[:40])
		}
	})

	t.Run("status answer that cannot be read", func(t *testing.T) {
		t.Parallel()
		e := setup(t, mastodontest.Config{}, nil)
		e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{Status: 200, Body: `{"id":`})
		_, err := e.conn.Publish(testContext(t), e.cr, gears.OutgoingPost{Text: "x", Key: "k"})
		remote(t, err, gears.RemoteUnknown) // a 200 means it was probably created
	})

	t.Run("pagination that does not move", func(t *testing.T) {
		t.Parallel()
		e := setup(t, mastodontest.Config{}, nil)
		page := `[{"id":"100","created_at":"` + time.Now().UTC().Format(time.RFC3339) + `","content":"<p>other</p>","media_attachments":[]}]`
		e.srv.Inject("GET /api/v1/accounts/"+e.acct.ID+"/statuses", 1000, mastodontest.Fault{Status: 200, Body: page})
		_, err := e.conn.FindPost(testContext(t), e.cr, gears.OutgoingPost{Text: "x", Key: "k"}, time.Now().Add(-time.Hour))
		if err != gears.ErrNotFound {
			t.Fatalf("err = %v", err)
		}
		if n := e.srv.Requests("GET /api/v1/accounts/" + e.acct.ID + "/statuses"); n > 2 {
			t.Errorf("%d pages read of a list that does not move", n)
		}
	})

	t.Run("media id with a path", func(t *testing.T) {
		t.Parallel()
		e := setup(t, mastodontest.Config{}, nil)
		e.srv.Inject("POST /api/v2/media", 1, mastodontest.Fault{Status: 202, Body: `{"id":"../../statuses","url":null}`})
		_, err := e.conn.Publish(testContext(t), e.cr, gears.OutgoingPost{Key: "k", Media: []gears.OutgoingMedia{{Data: pngBytes(t), ContentType: "image/png"}}})
		remote(t, err, gears.RemoteTemporary)
		if n := len(e.srv.Statuses(e.acct.ID)); n != 0 {
			t.Errorf("%d statuses", n)
		}
	})
}
