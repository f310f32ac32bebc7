package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gears"
	"gears/locale"
	"gears/notify"
)

func TestValidateWebhookURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		url string
		key string // "" when valid
	}{
		{"https://hooks.example.com/gears", ""},
		{"https://hooks.example.com:8443/a?b=c", ""},
		{"HTTPS://hooks.example.com/", ""},
		{"http://127.0.0.1:8080/hook", ""},
		{"http://localhost/hook", ""},
		{"http://[::1]:9000/", ""},
		{"http://example.com/hook", "notify.webhook_url_https"},
		{"http://10.0.0.1/hook", "notify.webhook_url_https"},
		{"ftp://example.com/hook", "notify.webhook_url_invalid"},
		{"javascript:alert(1)", "notify.webhook_url_invalid"},
		{"https://user:pass@example.com/hook", "notify.webhook_url_userinfo"},
		{"https://user@example.com/hook", "notify.webhook_url_userinfo"},
		{"example.com/hook", "notify.webhook_url_invalid"},
		{"/relative", "notify.webhook_url_invalid"},
		{"https://", "notify.webhook_url_invalid"},
		{"https:///path", "notify.webhook_url_invalid"},
		{"https://exa mple.com/", "notify.webhook_url_invalid"},
		{" https://example.com/", "notify.webhook_url_invalid"},
		{"https://example.com/\r\nX: y", "notify.webhook_url_invalid"},
		{"::::", "notify.webhook_url_invalid"},
		{"", "notify.webhook_url_invalid"},
	} {
		err := notify.ValidateWebhookURL(tt.url)
		if tt.key == "" {
			if err != nil {
				t.Errorf("ValidateWebhookURL(%q) = %v, want nil", tt.url, err)
			}
			continue
		}
		var ge *gears.Error
		if !errors.As(err, &ge) || ge.Code != gears.EINVALID || ge.Key != tt.key || ge.Field != "url" {
			t.Errorf("ValidateWebhookURL(%q) = %v, want invalid url %s", tt.url, err, tt.key)
		} else if !locale.Has(ge.Key) {
			t.Errorf("key %s is not in the catalogue", ge.Key)
		}
	}
}

// received is one request a test receiver saw.
type received struct {
	header http.Header
	body   []byte
}

func receiver(t *testing.T, status int, header http.Header) (*httptest.Server, <-chan received) {
	t.Helper()
	ch := make(chan received, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ch <- received{r.Header.Clone(), body}
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"error":"nope"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

func remoteError(t *testing.T, err error) *gears.RemoteError {
	t.Helper()
	var re *gears.RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *gears.RemoteError", err, err)
	}
	return re
}

func TestWebhookSend(t *testing.T) {
	t.Parallel()
	srv, got := receiver(t, http.StatusNoContent, nil)
	secret := []byte("s3cret")
	now := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	s := &notify.WebhookSender{Client: srv.Client(), Now: func() time.Time { return now }}
	e := notify.Event{ID: "evt_42", Type: "crisis.alert", WorkspaceID: 7,
		CreatedAt: now.Add(-time.Second), Data: map[string]any{"score": -0.9, "text": "¡Qué desastre!"}}
	if err := s.Send(context.Background(), notify.Webhook{URL: srv.URL + "/hook", Secret: secret}, e); err != nil {
		t.Fatal(err)
	}
	r := <-got
	for k, want := range map[string]string{
		"Content-Type":     "application/json",
		"User-Agent":       "Gears",
		"X-Gears-Event":    "crisis.alert",
		"X-Gears-Delivery": "evt_42",
	} {
		if v := r.header.Get(k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if err := notify.Verify(secret, r.header.Get("X-Gears-Signature"), r.body, now, time.Minute); err != nil {
		t.Errorf("signature: %v (%s)", err, r.header.Get("X-Gears-Signature"))
	}
	var body struct {
		ID          string         `json:"id"`
		Type        string         `json:"type"`
		WorkspaceID int64          `json:"workspace_id"`
		CreatedAt   time.Time      `json:"created_at"`
		Data        map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	if body.ID != "evt_42" || body.Type != "crisis.alert" || body.WorkspaceID != 7 ||
		!body.CreatedAt.Equal(now.Add(-time.Second)) || body.Data["text"] != "¡Qué desastre!" {
		t.Errorf("body = %s", r.body)
	}

	// No data is sent as {}, and a zero time as the time of sending.
	for _, data := range []any{nil, json.RawMessage(nil)} {
		if err := s.Send(context.Background(), notify.Webhook{URL: srv.URL, Secret: secret}, notify.Event{ID: "evt_43", Type: "test", Data: data}); err != nil {
			t.Fatal(err)
		}
		r = <-got
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(r.body, &raw); err != nil || string(raw["data"]) != "{}" || string(raw["created_at"]) != `"2025-05-01T10:00:00Z"` {
			t.Errorf("body = %s", r.body)
		}
	}
	if err := s.Send(context.Background(), notify.Webhook{URL: srv.URL, Secret: secret}, notify.Event{ID: "evt_44", Type: "test", Data: json.RawMessage(`{"a":1}`)}); err != nil {
		t.Fatal(err)
	}
	if r = <-got; !strings.Contains(string(r.body), `"data":{"a":1}`) {
		t.Errorf("raw data: body = %s", r.body)
	}
}

func TestWebhookFailures(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		status     int
		header     http.Header
		kind       gears.RemoteErrorKind
		retryAfter time.Duration
	}{
		{"500", 500, nil, gears.RemoteTemporary, 0},
		{"502", 502, nil, gears.RemoteTemporary, 0},
		{"503 retry after", 503, http.Header{"Retry-After": {"30"}}, gears.RemoteTemporary, 30 * time.Second},
		{"408", 408, nil, gears.RemoteTemporary, 0},
		{"429 seconds", 429, http.Header{"Retry-After": {"120"}}, gears.RemoteTemporary, 2 * time.Minute},
		{"429 date", 429, http.Header{"Retry-After": {"Thu, 01 May 2025 10:05:00 GMT"}}, gears.RemoteTemporary, 5 * time.Minute},
		{"429 absurd", 429, http.Header{"Retry-After": {"99999999999"}}, gears.RemoteTemporary, 24 * time.Hour},
		{"429 without", 429, nil, gears.RemoteTemporary, time.Minute},
		{"400", 400, nil, gears.RemoteRejected, 0},
		{"404", 404, nil, gears.RemoteRejected, 0},
		{"410", 410, nil, gears.RemoteRejected, 0},
		{"413", 413, nil, gears.RemoteRejected, 0},
		{"redirect", 302, http.Header{"Location": {"https://elsewhere.example/"}}, gears.RemoteRejected, 0},
		{"permanent redirect", 308, http.Header{"Location": {"/other"}}, gears.RemoteRejected, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, got := receiver(t, tt.status, tt.header)
			now := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
			s := &notify.WebhookSender{Client: srv.Client(), Now: func() time.Time { return now }}
			err := s.Send(context.Background(), notify.Webhook{URL: srv.URL, Secret: []byte("k")}, notify.Event{ID: "1", Type: "test"})
			re := remoteError(t, err)
			if re.Kind != tt.kind || re.Status != tt.status || re.RetryAfter != tt.retryAfter || re.Network != notify.NetworkWebhook {
				t.Errorf("error = %#v, want kind %s status %d retry after %v", re, tt.kind, tt.status, tt.retryAfter)
			}
			if n := len(got); n != 1 {
				t.Errorf("%d requests, want 1 (a redirect is not followed)", n)
			}
		})
	}
}

func TestWebhookHangs(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	s := &notify.WebhookSender{Client: srv.Client()}
	start := time.Now()
	err := s.Send(ctx, notify.Webhook{URL: srv.URL, Secret: []byte("k")}, notify.Event{ID: "1", Type: "test"})
	re := remoteError(t, err)
	if re.Kind != gears.RemoteTemporary || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want temporary with the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Send took %v", d)
	}
}

func TestWebhookNoServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &notify.WebhookSender{Client: &http.Client{Transport: &http.Transport{}}}
	err = s.Send(context.Background(), notify.Webhook{URL: "http://" + addr + "/", Secret: []byte("k")}, notify.Event{ID: "1", Type: "test"})
	if re := remoteError(t, err); re.Kind != gears.RemoteTemporary || re.Status != 0 {
		t.Errorf("error = %v, want temporary", err)
	}
}

func TestWebhookRefusesBadInput(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	t.Cleanup(srv.Close)
	s := &notify.WebhookSender{Client: srv.Client()}
	for _, tt := range []struct {
		name string
		h    notify.Webhook
		e    notify.Event
		key  string
	}{
		{"http to another host", notify.Webhook{URL: "http://example.com/", Secret: []byte("k")}, notify.Event{ID: "1", Type: "test"}, "notify.webhook_url_https"},
		{"no secret", notify.Webhook{URL: srv.URL}, notify.Event{ID: "1", Type: "test"}, ""},
		{"no id", notify.Webhook{URL: srv.URL, Secret: []byte("k")}, notify.Event{Type: "test"}, ""},
		{"header injection", notify.Webhook{URL: srv.URL, Secret: []byte("k")}, notify.Event{ID: "1", Type: "test\r\nX-Evil: 1"}, ""},
		{"data not JSON", notify.Webhook{URL: srv.URL, Secret: []byte("k")}, notify.Event{ID: "1", Type: "test", Data: func() {}}, ""},
	} {
		err := s.Send(context.Background(), tt.h, tt.e)
		if re := remoteError(t, err); re.Kind != gears.RemoteRejected {
			t.Errorf("%s: error = %v, want rejected", tt.name, err)
		}
		if tt.key != "" {
			if ge := gears.AsError(err); ge.Key != tt.key {
				t.Errorf("%s: key = %q, want %q", tt.name, ge.Key, tt.key)
			}
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
