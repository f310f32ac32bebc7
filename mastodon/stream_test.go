package mastodon

// These tests are inside the package: they shorten the silence after
// which a stream is given up (90 s in Stream) and read the event parser
// directly.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/mastodon/mastodontest"
)

type streamEnv struct {
	srv  *mastodontest.Server
	conn *Connector
	acct mastodontest.Account
	cr   gears.Credentials
}

// streamSetup starts a test server with one account, and a connector
// whose client gives up on any request after clientTimeout.
func streamSetup(t *testing.T, cfg mastodontest.Config, clientTimeout time.Duration) streamEnv {
	t.Helper()
	srv := mastodontest.New(t, cfg)
	acct := srv.AddAccount("alice")
	conn := New(&http.Client{Timeout: clientTimeout})
	return streamEnv{srv: srv, conn: conn, acct: acct, cr: gears.Credentials{Server: srv.URL, AccessToken: acct.Token}}
}

// run is a stream running in the background.
type run struct {
	rings  chan struct{} // one per ring
	ended  chan struct{} // closed when the stream returned err
	err    error
	cancel context.CancelFunc
}

// open runs a stream in the background, cancelled when the test ends.
func (e streamEnv) open(t *testing.T, idle time.Duration) *run {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{rings: make(chan struct{}, 100), ended: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(r.ended)
		r.err = e.conn.stream(ctx, e.cr, func() { r.rings <- struct{}{} }, idle)
	}()
	t.Cleanup(func() {
		cancel()
		<-r.ended
	})
	return r
}

// waitTimeout bounds the waits for what a stream does: generous, for
// CI's two shared cores, where every package's tests run at once. The
// tests check what happens, not how fast.
const waitTimeout = 30 * time.Second

func waitStreams(t *testing.T, srv *mastodontest.Server, accountID string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for srv.Streams(accountID) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d open streams, want %d", srv.Streams(accountID), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitRing(t *testing.T, rings <-chan struct{}, within time.Duration) {
	t.Helper()
	select {
	case <-rings:
	case <-time.After(within):
		t.Fatalf("no ring within %s", within)
	}
}

func (r *run) wait(t *testing.T, within time.Duration) error {
	t.Helper()
	select {
	case <-r.ended:
		return r.err
	case <-time.After(within):
		t.Fatalf("the stream did not end within %s", within)
		return nil
	}
}

// remoteKind asserts err is a *gears.RemoteError of Mastodon and kind.
func remoteKind(t *testing.T, err error, kind gears.RemoteErrorKind) *gears.RemoteError {
	t.Helper()
	var re *gears.RemoteError
	if !errors.As(err, &re) || re.Network != gears.Mastodon || re.Kind != kind {
		t.Fatalf("error %v (%T), want a mastodon %s *gears.RemoteError", err, err, kind)
	}
	return re
}

// TestStreamRingsForNotifications rings once per notification, keeps
// the stream open well past the client's overall timeout, and ends with
// the context.
func TestStreamRingsForNotifications(t *testing.T) {
	t.Parallel()
	// The client's timeout also bounds the request for the instance's
	// streaming address: a second, not less, so that a loaded machine
	// answers it in time. The silence allowed is far longer than the
	// heartbeats', which a loaded machine can delay.
	e := streamSetup(t, mastodontest.Config{StreamHeartbeat: 20 * time.Millisecond}, time.Second)
	bob := e.srv.AddAccount("bob")
	r := e.open(t, 10*time.Second)
	waitStreams(t, e.srv, e.acct.ID, 1)
	time.Sleep(2 * time.Second) // twice the client's timeout

	st := e.srv.Mention(bob.ID, "@alice hello", mastodontest.StatusOptions{})
	waitRing(t, r.rings, waitTimeout)
	e.srv.Favourite(bob.ID, e.srv.AddStatus(e.acct.ID, "mine", time.Time{}).ID)
	waitRing(t, r.rings, waitTimeout)
	e.srv.Mention(e.acct.ID, "@bob hi back", mastodontest.StatusOptions{InReplyToID: st.ID}) // bob's notification
	e.srv.Mention(bob.ID, "no mention at all", mastodontest.StatusOptions{})
	time.Sleep(100 * time.Millisecond)
	if n := len(r.rings); n != 0 {
		t.Errorf("%d rings for notifications of others", n)
	}
	if n := e.srv.Requests("GET /api/v2/instance"); n != 1 {
		t.Errorf("%d instance requests, want 1", n)
	}

	r.cancel()
	err := r.wait(t, waitTimeout)
	remoteKind(t, err, gears.RemoteTemporary)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	waitStreams(t, e.srv, e.acct.ID, 0)
}

// TestStreamBreaks ends the stream with a temporary error when the
// connection is reset, when the server goes silent (heartbeats
// included), or never answers.
func TestStreamBreaks(t *testing.T) {
	t.Parallel()
	t.Run("reset", func(t *testing.T) {
		t.Parallel()
		e := streamSetup(t, mastodontest.Config{}, 5*time.Second)
		r := e.open(t, time.Minute)
		waitStreams(t, e.srv, e.acct.ID, 1)
		if n := e.srv.DropStreams(); n != 1 {
			t.Fatalf("dropped %d streams", n)
		}
		remoteKind(t, r.wait(t, waitTimeout), gears.RemoteTemporary)
	})
	t.Run("silent", func(t *testing.T) {
		t.Parallel()
		e := streamSetup(t, mastodontest.Config{StreamHeartbeat: time.Hour}, 5*time.Second)
		start := time.Now()
		err := e.open(t, 300*time.Millisecond).wait(t, waitTimeout)
		if !errors.Is(remoteKind(t, err, gears.RemoteTemporary), errStreamIdle) {
			t.Errorf("error %v, want the silence", err)
		}
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Errorf("given up after %s", d)
		}
	})
	t.Run("heartbeats keep it open", func(t *testing.T) {
		t.Parallel()
		// Heartbeats twenty times as frequent as the silence allowed: a
		// loaded machine may delay a few, not twenty in a row. Watched
		// for three times the silence allowed.
		e := streamSetup(t, mastodontest.Config{StreamHeartbeat: 50 * time.Millisecond}, 5*time.Second)
		r := e.open(t, time.Second)
		select {
		case <-r.ended:
			t.Fatalf("the stream ended: %v", r.err)
		case <-time.After(3 * time.Second):
		}
	})
	t.Run("no answer", func(t *testing.T) {
		t.Parallel()
		e := streamSetup(t, mastodontest.Config{}, 5*time.Second)
		e.srv.Inject("GET "+streamPath, 1, mastodontest.Fault{Hang: true})
		err := e.open(t, 300*time.Millisecond).wait(t, waitTimeout)
		if !errors.Is(remoteKind(t, err, gears.RemoteTemporary), errStreamIdle) {
			t.Errorf("error %v, want the silence", err)
		}
	})
	t.Run("ended by the server", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != streamPath {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, ":)\n")
		}))
		defer srv.Close()
		err := New(nil).Stream(context.Background(), gears.Credentials{Server: srv.URL, AccessToken: "t"}, func() {})
		if !errors.Is(remoteKind(t, err, gears.RemoteTemporary), io.EOF) {
			t.Errorf("error %v, want io.EOF", err)
		}
	})
}

// TestStreamRefused classifies the answers that refuse a stream.
func TestStreamRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		cfg         mastodontest.Config
		fault       *mastodontest.Fault
		token       string
		kind        gears.RemoteErrorKind
		noStreaming bool
		// attempts is how many stream requests may be made (1 when 0):
		// the transport sends a GET again once when a reused connection
		// drops.
		attempts int
	}{
		{name: "unknown token", token: "nope", kind: gears.RemoteAuth},
		{name: "401", fault: &mastodontest.Fault{Status: 401}, kind: gears.RemoteAuth},
		{name: "no streaming", cfg: mastodontest.Config{NoStreaming: true}, kind: gears.RemoteRejected, noStreaming: true},
		{name: "501", fault: &mastodontest.Fault{Status: 501}, kind: gears.RemoteRejected, noStreaming: true},
		{name: "not an event stream", fault: &mastodontest.Fault{Status: 200, Body: "<html>", Header: http.Header{"Content-Type": {"text/html"}}},
			kind: gears.RemoteRejected, noStreaming: true},
		{name: "503", fault: &mastodontest.Fault{Status: 503}, kind: gears.RemoteTemporary},
		{name: "429", fault: &mastodontest.Fault{Status: 429, Header: http.Header{"Retry-After": {"7"}}}, kind: gears.RemoteRateLimited},
		{name: "dropped", fault: &mastodontest.Fault{Drop: true}, kind: gears.RemoteTemporary, attempts: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := streamSetup(t, tc.cfg, 5*time.Second)
			attempts := max(tc.attempts, 1)
			if tc.fault != nil {
				e.srv.Inject("GET "+streamPath, attempts, *tc.fault)
			}
			if tc.token != "" {
				e.cr.AccessToken = tc.token
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			err := e.conn.Stream(ctx, e.cr, func() { t.Error("rang") })
			re := remoteKind(t, err, tc.kind)
			if got := errors.Is(err, ErrNoStreaming); got != tc.noStreaming {
				t.Errorf("errors.Is(%v, ErrNoStreaming) = %v", err, got)
			}
			if tc.kind == gears.RemoteRateLimited && re.RetryAfter != 7*time.Second {
				t.Errorf("retry after %s", re.RetryAfter)
			}
			if n := e.srv.Requests("GET " + streamPath); n < 1 || n > attempts {
				t.Errorf("%d stream requests, want 1 to %d", n, attempts)
			}
		})
	}
}

// TestStreamAddress streams from the address the instance advertises
// when it is the server's host, and from the server itself otherwise;
// an instance that cannot say is not an error.
func TestStreamAddress(t *testing.T) {
	t.Parallel()
	// streaming serves one notification event then holds the stream;
	// it records where the stream was asked for.
	type hit struct{ path, auth string }
	streaming := func(hits chan<- hit) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			hits <- hit{r.URL.Path, r.Header.Get("Authorization")}
			w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
			fmt.Fprint(w, ":)\n\nevent: notification\ndata: {\"id\":\"1\",\n")
			fmt.Fprint(w, "data: \"type\":\"mention\"}\n\n")
			http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}
	}
	for _, tc := range []struct {
		name string
		// instance answers the instance requests, given the streaming
		// server's ws:// address; "" answers 404.
		v2, v1   func(ws string) string
		separate bool // the stream is expected at the separate server
	}{
		{name: "v2", v2: func(ws string) string { return `{"configuration":{"urls":{"streaming":"` + ws + `"}}}` }, separate: true},
		{name: "v1", v1: func(ws string) string { return `{"urls":{"streaming_api":"` + ws + `"}}` }, separate: true},
		{name: "another host", v2: func(string) string { return `{"configuration":{"urls":{"streaming":"wss://evil.example"}}}` }},
		{name: "a path", v2: func(ws string) string { return `{"configuration":{"urls":{"streaming":"` + ws + `/x"}}}` }},
		{name: "not a url", v2: func(string) string { return `{"configuration":{"urls":{"streaming":"ftp://127.0.0.1"}}}` }},
		{name: "unsaid", v2: func(string) string { return `{}` }},
		{name: "no instance"},
		{name: "not json", v2: func(string) string { return `<html>` }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			separateHits, ownHits := make(chan hit, 1), make(chan hit, 1)
			sep := httptest.NewServer(streaming(separateHits))
			defer sep.Close()
			ws := "ws://" + strings.TrimPrefix(sep.URL, "http://")
			own := streaming(ownHits)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var answer func(string) string
				switch r.URL.Path {
				case streamPath:
					own(w, r)
					return
				case "/api/v2/instance":
					answer = tc.v2
				case "/api/v1/instance":
					answer = tc.v1
				}
				if answer == nil {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusNotFound)
					fmt.Fprint(w, `{"error":"Record not found"}`)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, answer(ws))
			}))
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			rang := make(chan struct{}, 1)
			done := make(chan error, 1)
			go func() {
				done <- New(nil).Stream(ctx, gears.Credentials{Server: srv.URL, AccessToken: "secret"}, func() { rang <- struct{}{} })
			}()
			defer func() { cancel(); <-done }()
			waitRing(t, rang, waitTimeout)
			want, other := ownHits, separateHits
			if tc.separate {
				want, other = separateHits, ownHits
			}
			if h := <-want; h.path != streamPath || h.auth != "Bearer secret" {
				t.Errorf("stream asked as %+v", h)
			}
			if len(other) != 0 {
				t.Error("the stream was asked for at the wrong server")
			}
		})
	}
}

// TestStreamEvents reads server-sent events as the format says, and
// refuses what is too large.
func TestStreamEvents(t *testing.T) {
	t.Parallel()
	in := ":)\n" +
		"event: notification\r\ndata: {\"type\":\"mention\"}\r\n\r\n" +
		":thump\n" +
		"event: notification\ndata:{\"type\":\n" + "data: \"follow\"}\nid: 7\nretry: 10\n\n" +
		"event: delete\ndata: 123\n\n" +
		"event: notification\n\n" + // no data: not dispatched
		"data: plain\n\n" +
		"event: notification\ndata: {\"type\":\"poll\"}\n\n" +
		"event: notification\ndata: not json\n\n" +
		"event: notification\ndata: {\"type\":\"favourite\"}\n" // unfinished: not dispatched
	var got []string
	rings := 0
	err := readEvents(strings.NewReader(in), func(event string, data []byte) {
		got = append(got, event+"="+string(data))
		if event == "notification" && ringsFor(data) {
			rings++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`notification={"type":"mention"}`, "notification={\"type\":\n\"follow\"}", "delete=123", "=plain",
		`notification={"type":"poll"}`, "notification=not json"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events\n%q\nwant\n%q", got, want)
	}
	if rings != 3 { // mention, follow, and the unreadable one; not poll
		t.Errorf("%d rings, want 3", rings)
	}

	big := "data: " + strings.Repeat("x", maxEvent/2) + "\n"
	if err := readEvents(strings.NewReader(big+big+"\n"), func(string, []byte) { t.Error("dispatched") }); !errors.Is(err, errEventTooLarge) {
		t.Errorf("two half-MiB lines: %v", err)
	}
	long := "data: " + strings.Repeat("x", maxEvent+10) + "\n\n"
	if err := readEvents(strings.NewReader(long), func(string, []byte) { t.Error("dispatched") }); err == nil {
		t.Error("a line over 1 MiB was read")
	}
}

func TestStreamingURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ server, advertised, want string }{
		{"https://mastodon.social", "wss://streaming.mastodon.social", "https://streaming.mastodon.social"},
		{"https://mastodon.social", "wss://mastodon.social/", "https://mastodon.social"},
		{"https://mastodon.social", "https://mastodon.social:8443", "https://mastodon.social:8443"},
		{"https://mastodon.social", "", "https://mastodon.social"},
		{"https://mastodon.social", "wss://elsewhere.example", "https://mastodon.social"},
		{"https://mastodon.social", "wss://evilmastodon.social", "https://mastodon.social"},
		{"https://mastodon.social", "ws://streaming.mastodon.social", "https://mastodon.social"}, // plain only on loopback
		{"https://mastodon.social", "wss://streaming.mastodon.social/api", "https://mastodon.social"},
		{"https://mastodon.social", "wss://user:pw@streaming.mastodon.social", "https://mastodon.social"},
		{"https://mastodon.social", "gopher://mastodon.social", "https://mastodon.social"},
		{"https://mastodon.social", "::", "https://mastodon.social"},
		{"http://127.0.0.1:3000", "ws://127.0.0.1:4000", "http://127.0.0.1:4000"},
	} {
		if got := streamingURL(tc.server, tc.advertised); got != tc.want {
			t.Errorf("streamingURL(%q, %q) = %q, want %q", tc.server, tc.advertised, got, tc.want)
		}
	}
}
