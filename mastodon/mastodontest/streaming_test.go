package mastodontest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gears/mastodon/mastodontest"
)

// TestStreaming serves the user:notification stream at both addresses:
// an opening comment, heartbeats, and each notification of the account.
func TestStreaming(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{StreamHeartbeat: 30 * time.Millisecond})
	alice, bob := srv.AddAccount("alice"), srv.AddAccount("bob")
	for _, path := range []string{
		"/api/v1/streaming/user/notification",
		"/api/v1/streaming?stream=user:notification&access_token=" + alice.Token,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		if !strings.Contains(path, "access_token") {
			req.Header.Set("Authorization", "Bearer "+alice.Token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, ct)
		}
		lines := bufio.NewScanner(resp.Body)
		next := func() string {
			if !lines.Scan() {
				t.Fatalf("%s: stream ended: %v", path, lines.Err())
			}
			return lines.Text()
		}
		if l := next(); l != ":)" {
			t.Errorf("%s: first line %q", path, l)
		}
		if l := next(); l != ":thump" {
			t.Errorf("%s: second line %q", path, l)
		}
		// The previous path's stream, closed by the client, ends on the
		// server a moment later: a loaded machine can make that moment long.
		for deadline := time.Now().Add(30 * time.Second); srv.Streams(alice.ID) != 1; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d streams open, want 1", srv.Streams(alice.ID))
			}
		}
		srv.Mention(alice.ID, "@bob not for alice's stream", mastodontest.StatusOptions{})
		st := srv.Mention(bob.ID, "@alice hello", mastodontest.StatusOptions{})
		l := next()
		for l == ":thump" {
			l = next()
		}
		if l != "event: notification" {
			t.Fatalf("%s: event line %q", path, l)
		}
		data, ok := strings.CutPrefix(next(), "data: ")
		var n struct {
			Type   string `json:"type"`
			Status struct {
				ID string `json:"id"`
			} `json:"status"`
		}
		if !ok || json.Unmarshal([]byte(data), &n) != nil || n.Type != "mention" || n.Status.ID != st.ID {
			t.Errorf("%s: data %q", path, data)
		}
		if l := next(); l != "" {
			t.Errorf("%s: no blank line after the event: %q", path, l)
		}
		resp.Body.Close()
		cancel()
	}
}

func TestStreamingRefused(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	alice := srv.AddAccount("alice")
	off := mastodontest.New(t, mastodontest.Config{NoStreaming: true})
	offAlice := off.AddAccount("alice")
	for _, tc := range []struct {
		base, path, token string
		want              int
	}{
		{srv.URL, "/api/v1/streaming/user/notification", "", 401},
		{srv.URL, "/api/v1/streaming/user/notification", "nope", 401},
		{srv.URL, "/api/v1/streaming?stream=public", alice.Token, 400},
		{srv.URL, "/api/v1/streaming/public", alice.Token, 404},
		{off.URL, "/api/v1/streaming/user/notification", offAlice.Token, 404},
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.base+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s with %q: %d, want %d", tc.path, tc.token, resp.StatusCode, tc.want)
		}
	}
	if n := srv.Streams(""); n != 0 {
		t.Errorf("%d streams open", n)
	}
}
