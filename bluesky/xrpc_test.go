package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gears"
)

// fakePDS answers XRPC calls with a handler per method; unset methods
// answer as a healthy PDS would. It counts the calls.
type fakePDS struct {
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	calls    map[string]int
	srv      *httptest.Server
}

func newFake(t *testing.T) *fakePDS {
	f := &fakePDS{handlers: map[string]http.HandlerFunc{}, calls: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
		f.mu.Lock()
		f.calls[nsid]++
		h := f.handlers[nsid]
		f.mu.Unlock()
		if h == nil {
			h = defaultHandler(nsid)
		}
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePDS) on(nsid string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers[nsid] = h
}

func (f *fakePDS) count(nsid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[nsid]
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

const fakeDID = "did:plc:abcdefghijklmnopqrstuvwx"

func sessionBody(access, refresh string) string {
	return fmt.Sprintf(`{"accessJwt":%q,"refreshJwt":%q,"handle":"alice.test","did":%q,"active":true}`, access, refresh, fakeDID)
}

func defaultHandler(nsid string) http.HandlerFunc {
	switch nsid {
	case "com.atproto.server.createSession":
		return answer(200, sessionBody("access-1", "refresh-1"))
	case "com.atproto.server.refreshSession":
		return answer(200, sessionBody("access-2", "refresh-2"))
	case "com.atproto.repo.createRecord":
		return func(w http.ResponseWriter, r *http.Request) {
			var in struct {
				Repo, Collection, Rkey string
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				answer(400, `{"error":"InvalidRequest"}`)(w, r)
				return
			}
			answer(200, fmt.Sprintf(`{"uri":"at://%s/%s/%s","cid":"bafy"}`, in.Repo, in.Collection, in.Rkey))(w, r)
		}
	case "com.atproto.repo.getRecord":
		return answer(400, `{"error":"RecordNotFound","message":"Could not locate record"}`)
	case "com.atproto.identity.resolveHandle":
		return answer(400, `{"error":"InvalidRequest","message":"Unable to resolve handle"}`)
	case "com.atproto.repo.uploadBlob":
		return answer(200, `{"blob":{"$type":"blob","ref":{"$link":"bafkreiabcdefgh"},"mimeType":"image/png","size":3}}`)
	}
	return answer(501, `{"error":"MethodNotImplemented","message":"Method Not Implemented"}`)
}

// creds are credentials with a live session for the fake.
func (f *fakePDS) creds() gears.Credentials {
	return gears.Credentials{Server: f.srv.URL, Handle: "alice.test", AppPassword: "app-pass", AccessToken: "access-1", RefreshToken: "refresh-1", DID: fakeDID}
}

func publish(t *testing.T, f *fakePDS, client *http.Client) (gears.Published, error) {
	t.Helper()
	return New(client).Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "hello", Key: NewKey()})
}

func asRemote(t *testing.T, err error) *gears.RemoteError {
	t.Helper()
	var re *gears.RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *gears.RemoteError", err, err)
	}
	return re
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	cases := []struct {
		header map[string]string
		want   time.Duration
	}{
		{map[string]string{"RateLimit-Reset": strconv.FormatInt(now.Unix()+120, 10)}, 2 * time.Minute},
		{map[string]string{"ratelimit-reset": strconv.FormatInt(now.Unix()+120, 10), "Retry-After": "5"}, 2 * time.Minute},
		{map[string]string{"Retry-After": "30"}, 30 * time.Second},
		{map[string]string{"Retry-After": now.Add(90 * time.Second).UTC().Format(http.TimeFormat)}, 90 * time.Second},
		{map[string]string{"RateLimit-Reset": strconv.FormatInt(now.Unix()-50, 10)}, time.Second},
		{map[string]string{"RateLimit-Reset": "99999999999"}, maxRetryAfter},
		{map[string]string{"RateLimit-Reset": "soon", "Retry-After": "later"}, defaultRetryAfter},
		{map[string]string{"Retry-After": "-5"}, defaultRetryAfter},
		{nil, defaultRetryAfter},
	}
	for _, tc := range cases {
		h := http.Header{}
		for k, v := range tc.header {
			h.Set(k, v)
		}
		if got := retryAfter(h, now); got != tc.want {
			t.Errorf("retryAfter(%v) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	reset := time.Now().Add(10 * time.Minute).Unix()
	f.on("com.atproto.repo.createRecord", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("RateLimit-Limit", "5000")
		w.Header().Set("RateLimit-Remaining", "0")
		w.Header().Set("RateLimit-Reset", strconv.FormatInt(reset, 10))
		w.Header().Set("RateLimit-Policy", "5000;w=3600")
		answer(429, `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`)(w, r)
	})
	_, err := publish(t, f, nil)
	re := asRemote(t, err)
	if re.Kind != gears.RemoteRateLimited || re.Status != 429 || re.RetryAfter < 9*time.Minute || re.RetryAfter > 10*time.Minute {
		t.Errorf("429: %v (retry after %v)", err, re.RetryAfter)
	}
	if n := f.count("com.atproto.repo.getRecord"); n != 0 {
		t.Errorf("a rate-limited write was looked for %d times", n)
	}
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		nsid   string
		status int
		want   gears.RemoteErrorKind
	}{
		{"com.atproto.repo.createRecord", 500, gears.RemoteTemporary},
		{"com.atproto.repo.createRecord", 502, gears.RemoteUnknown},
		{"com.atproto.repo.createRecord", 503, gears.RemoteUnknown},
		{"com.atproto.repo.createRecord", 504, gears.RemoteUnknown},
		{"com.atproto.repo.createRecord", 400, gears.RemoteRejected},
		{"com.atproto.repo.createRecord", 413, gears.RemoteRejected},
		{"com.atproto.repo.uploadBlob", 502, gears.RemoteTemporary},
		{"com.atproto.repo.uploadBlob", 500, gears.RemoteTemporary},
	}
	for _, tc := range cases {
		f := newFake(t)
		f.on(tc.nsid, answer(tc.status, `{"error":"Whatever","message":"went wrong"}`))
		_, err := New(nil).Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "x", Key: NewKey(),
			Media: []gears.OutgoingMedia{{Data: []byte("png"), ContentType: "image/png"}}})
		if re := asRemote(t, err); re.Kind != tc.want || re.Status != tc.status {
			t.Errorf("%s %d: %v; want %s", tc.nsid, tc.status, err, tc.want)
		}
		lookedUp := f.count("com.atproto.repo.getRecord") > 0
		if wantLookup := tc.nsid == "com.atproto.repo.createRecord"; lookedUp != wantLookup {
			t.Errorf("%s %d: record looked for: %v", tc.nsid, tc.status, lookedUp)
		}
	}
}

// TestErrorThenFound: createRecord fails in a way that may hide a write
// (the PDS's answer to a duplicate key is HTTP 500), and the record is
// there: Publish returns it.
func TestErrorThenFound(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	key := NewKey()
	f.on("com.atproto.repo.createRecord", answer(500, `{"error":"InternalServerError","message":"Internal Server Error"}`))
	f.on("com.atproto.repo.getRecord", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("rkey") != key || r.URL.Query().Get("repo") != fakeDID {
			answer(400, `{"error":"RecordNotFound"}`)(w, r)
			return
		}
		answer(200, fmt.Sprintf(`{"uri":"at://%s/app.bsky.feed.post/%s","cid":"bafy","value":{"$type":"app.bsky.feed.post","text":"x","createdAt":"2026-01-02T03:04:05.678Z"}}`, fakeDID, key))(w, r)
	})
	pub, err := New(nil).Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "x", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	want := gears.Published{RemoteID: "at://" + fakeDID + "/app.bsky.feed.post/" + key, URL: "https://bsky.app/profile/alice.test/post/" + key,
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)}
	if pub != want {
		t.Errorf("Publish = %+v, want %+v", pub, want)
	}
}

func TestDroppedConnection(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.on("com.atproto.repo.createRecord", func(w http.ResponseWriter, r *http.Request) {
		_, _ = r.Body.Read(make([]byte, 1024))
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the request was sent; the answer never comes
		}
	})
	_, err := publish(t, f, nil)
	if re := asRemote(t, err); re.Kind != gears.RemoteUnknown || re.Status != 0 {
		t.Errorf("dropped connection during createRecord: %v; want RemoteUnknown", err)
	}
	if f.count("com.atproto.repo.getRecord") != 1 {
		t.Error("the record was not looked for")
	}
}

func TestTimeoutAfterSending(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.on("com.atproto.repo.createRecord", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// The timeout must fall on createRecord, the request that hangs, not
	// on one before it that a loaded machine answers late.
	_, err := publish(t, f, &http.Client{Timeout: 3 * time.Second})
	if re := asRemote(t, err); re.Kind != gears.RemoteUnknown {
		t.Errorf("timeout during createRecord: %v; want RemoteUnknown", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	creds := f.creds()
	f.srv.Close()
	_, err := New(nil).Publish(context.Background(), creds, gears.OutgoingPost{Text: "x", Key: NewKey()})
	if re := asRemote(t, err); re.Kind != gears.RemoteTemporary {
		t.Errorf("connection refused: %v; want RemoteTemporary", err)
	}
	_, err = New(nil).FindPublished(context.Background(), creds, gears.OutgoingPost{Key: NewKey()}, time.Now())
	if re := asRemote(t, err); re.Kind != gears.RemoteTemporary {
		t.Errorf("FindPublished, connection refused: %v; want RemoteTemporary", err)
	}
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	t.Run("taken down: no renewal", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.repo.createRecord", answer(400, `{"error":"AccountTakedown","message":"Account has been taken down"}`))
		_, err := publish(t, f, nil)
		if re := asRemote(t, err); re.Kind != gears.RemoteAuth {
			t.Errorf("%v; want RemoteAuth", err)
		}
		if n := f.count("com.atproto.server.refreshSession") + f.count("com.atproto.server.createSession"); n != 0 {
			t.Errorf("%d renewals of a taken-down account", n)
		}
	})
	t.Run("expired: refreshed once", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.repo.createRecord", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer access-2" {
				answer(400, `{"error":"ExpiredToken","message":"Token has expired"}`)(w, r)
				return
			}
			defaultHandler("com.atproto.repo.createRecord")(w, r)
		})
		cn := New(nil)
		if _, err := cn.Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "x", Key: NewKey()}); err != nil {
			t.Fatal(err)
		}
		if f.count("com.atproto.server.refreshSession") != 1 || f.count("com.atproto.server.createSession") != 0 || f.count("com.atproto.repo.createRecord") != 2 {
			t.Errorf("calls %v", f.calls)
		}
		c, changed := cn.Refreshed(f.creds())
		if !changed || c.AccessToken != "access-2" || c.RefreshToken != "refresh-2" || c.AppPassword != "app-pass" {
			t.Errorf("Refreshed = %+v, %v", c, changed)
		}
	})
	t.Run("refresh refused: signed in again", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.repo.createRecord", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer access-1b" {
				answer(401, `{"error":"AuthenticationRequired","message":"Token has been revoked"}`)(w, r)
				return
			}
			defaultHandler("com.atproto.repo.createRecord")(w, r)
		})
		f.on("com.atproto.server.refreshSession", answer(400, `{"error":"ExpiredToken","message":"Token has expired"}`))
		f.on("com.atproto.server.createSession", answer(200, sessionBody("access-1b", "refresh-1b")))
		if _, err := publish(t, f, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refresh fails for the server: no sign-in", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.repo.createRecord", answer(400, `{"error":"ExpiredToken"}`))
		f.on("com.atproto.server.refreshSession", answer(503, `upstream down`))
		_, err := publish(t, f, nil)
		if re := asRemote(t, err); re.Kind != gears.RemoteTemporary {
			t.Errorf("%v; want RemoteTemporary", err)
		}
		if f.count("com.atproto.server.createSession") != 0 {
			t.Error("signed in although the refresh failed for the server")
		}
	})
	t.Run("deactivated at sign-in", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.server.createSession", answer(200, strings.Replace(sessionBody("a", "r"), `"active":true`, `"active":false,"status":"deactivated"`, 1)))
		_, _, err := New(nil).Verify(context.Background(), gears.Credentials{Server: f.srv.URL, Handle: "alice.test", AppPassword: "p"})
		if re := asRemote(t, err); re.Kind != gears.RemoteAuth || !strings.Contains(re.Message, "deactivated") {
			t.Errorf("%v; want RemoteAuth, deactivated", err)
		}
	})
}

func TestHostileAnswers(t *testing.T) {
	t.Parallel()
	huge := `{"accessJwt":"` + strings.Repeat("a", 2<<20) + `"}`
	for name, body := range map[string]string{
		"larger than a megabyte": huge,
		"wrong types":            `{"accessJwt":5,"refreshJwt":[],"did":{}}`,
		"not JSON":               `<html>hello</html>`,
		"no session":             `{}`,
		"invalid DID":            `{"accessJwt":"a","refreshJwt":"b","did":"javascript:alert(1)"}`,
		"null":                   `null`,
	} {
		f := newFake(t)
		f.on("com.atproto.server.createSession", answer(200, body))
		_, _, err := New(nil).Verify(context.Background(), gears.Credentials{Server: f.srv.URL, Handle: "alice.test", AppPassword: "p"})
		if re := asRemote(t, err); re.Kind != gears.RemoteTemporary {
			t.Errorf("%s: %v; want RemoteTemporary", name, err)
		}
	}

	t.Run("error body", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.server.createSession", answer(400, `{"error":"Bad\u0000Name","message":"`+strings.Repeat("\u001b[31mx", 5000)+`"}`))
		_, _, err := New(nil).Verify(context.Background(), gears.Credentials{Server: f.srv.URL, Handle: "alice.test", AppPassword: "p"})
		re := asRemote(t, err)
		if re.Kind != gears.RemoteRejected || len(re.Message) > 500 || strings.ContainsAny(re.Message, "\x00\x1b") {
			t.Errorf("%v: message %q", re.Kind, re.Message)
		}
		f.on("com.atproto.server.createSession", answer(400, `<html>`+strings.Repeat("x", 1<<20)+`</html>`))
		_, _, err = New(nil).Verify(context.Background(), gears.Credentials{Server: f.srv.URL, Handle: "alice.test", AppPassword: "p"})
		if re := asRemote(t, err); re.Kind != gears.RemoteRejected || !strings.HasPrefix(re.Message, "Bad Request") {
			t.Errorf("HTML error page: %v", err)
		}
	})

	t.Run("a bad DID for a mention", func(t *testing.T) {
		f := newFake(t)
		var record struct {
			Rkey   string     `json:"rkey"`
			Record postRecord `json:"record"`
		}
		f.on("com.atproto.identity.resolveHandle", answer(200, `{"did":"javascript:alert(1)"}`))
		f.on("com.atproto.repo.createRecord", func(w http.ResponseWriter, r *http.Request) {
			_ = json.NewDecoder(r.Body).Decode(&record)
			answer(200, fmt.Sprintf(`{"uri":"at://%s/app.bsky.feed.post/%s"}`, fakeDID, record.Rkey))(w, r)
		})
		if _, err := New(nil).Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "hi @bob.test https://a.co", Key: NewKey()}); err != nil {
			t.Fatal(err)
		}
		if len(record.Record.Facets) != 1 || record.Record.Facets[0].Features[0]["uri"] != "https://a.co" {
			t.Errorf("facets %+v; want only the link", record.Record.Facets)
		}
	})

	t.Run("a bad blob reference", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.repo.uploadBlob", answer(200, `{"blob":{"$type":"blob","ref":{"$link":"../../etc/passwd"},"mimeType":"image/png","size":3}}`))
		_, err := New(nil).Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "x", Key: NewKey(), Media: []gears.OutgoingMedia{{Data: []byte("png"), ContentType: "image/png"}}})
		if re := asRemote(t, err); re.Kind != gears.RemoteTemporary || f.count("com.atproto.repo.createRecord") != 0 {
			t.Errorf("%v; want RemoteTemporary before any createRecord", err)
		}
	})

	t.Run("a garbled answer to createRecord", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.repo.createRecord", answer(200, `{"uri":`))
		_, err := publish(t, f, nil)
		if re := asRemote(t, err); re.Kind != gears.RemoteUnknown {
			t.Errorf("%v; want RemoteUnknown", err)
		}
	})

	t.Run("getRecord answers with another record", func(t *testing.T) {
		f := newFake(t)
		f.on("com.atproto.repo.getRecord", answer(200, `{"uri":"at://did:plc:other/app.bsky.feed.post/3l25zusnsfctk","value":{"$type":"app.bsky.feed.post"}}`))
		_, err := New(nil).FindPublished(context.Background(), f.creds(), gears.OutgoingPost{Key: "3l25zusnsfctk"}, time.Now())
		if err == nil || errors.Is(err, gears.ErrNotFound) {
			t.Errorf("FindPublished = %v; want an error", err)
		}
	})
}

func TestNormalizeServer(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                            "https://bsky.social",
		"bsky.social":                 "https://bsky.social",
		" https://PDS.example.com/":   "https://pds.example.com",
		"http://127.0.0.1:2583":       "http://127.0.0.1:2583",
		"http://localhost:2583/":      "http://localhost:2583",
		"http://[::1]:2583":           "http://[::1]:2583",
		"http://example.com":          "",
		"ftp://example.com":           "",
		"https://user:pw@example.com": "",
		"https://example.com/?q=1":    "",
		"https://":                    "",
	} {
		got, err := NormalizeServer(in)
		if want == "" {
			var ge *gears.Error
			if err == nil || !errors.As(err, &ge) || ge.Key != "bluesky.server_invalid" {
				t.Errorf("NormalizeServer(%q) = %q, %v; want bluesky.server_invalid", in, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("NormalizeServer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestVerifyNeedsCredentials(t *testing.T) {
	t.Parallel()
	_, _, err := New(nil).Verify(context.Background(), gears.Credentials{Handle: "alice.bsky.social"})
	var ge *gears.Error
	if re := asRemote(t, err); re.Kind != gears.RemoteAuth || !errors.As(err, &ge) || ge.Key != "bluesky.credentials_missing" {
		t.Errorf("Verify without a password: %v", err)
	}
}

func TestWebPSize(t *testing.T) {
	t.Parallel()
	// A VP8X header for 640×480 (canvas sizes stored minus one).
	b := make([]byte, 30)
	copy(b, "RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00")
	b[24], b[25], b[26] = 0x7f, 0x02, 0 // 639
	b[27], b[28], b[29] = 0xdf, 0x01, 0 // 479
	if w, h, ok := imageSize(b); !ok || w != 640 || h != 480 {
		t.Errorf("imageSize(VP8X) = %d, %d, %v", w, h, ok)
	}
	if _, _, ok := imageSize([]byte("not an image")); ok {
		t.Error("imageSize of junk is ok")
	}
}
