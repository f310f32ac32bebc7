package outbound_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/outbound"
)

func TestTransportError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		msg  string
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "no answer"},
		{"cancelled", fmt.Errorf("post: %w", context.Canceled), "cancelled"},
		{"deadline", fmt.Errorf("post: %w", context.DeadlineExceeded), "timeout"},
		{"client timeout", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, "timeout"},
		{"cancelled wins", errors.Join(context.Canceled, context.DeadlineExceeded), "cancelled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := outbound.TransportError(gears.Mastodon, tt.err)
			if e.Network != gears.Mastodon || e.Kind != gears.RemoteTemporary || e.Status != 0 || e.Message != tt.msg {
				t.Errorf("TransportError(%v) = %#v, want temporary %q", tt.err, e, tt.msg)
			}
			if !errors.Is(e, tt.err) {
				t.Errorf("TransportError(%v) does not wrap the cause", tt.err)
			}
		})
	}
}

func TestStatusError(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		kind   gears.RemoteErrorKind
		retry  time.Duration
		msg    string
	}{
		{"500", 500, nil, "", gears.RemoteTemporary, 0, "Internal Server Error"},
		{"503 retry after", 503, http.Header{"Retry-After": {"30"}}, "", gears.RemoteTemporary, 30 * time.Second, "Service Unavailable"},
		{"502 unusable retry after", 502, http.Header{"Retry-After": {"later"}}, "", gears.RemoteTemporary, 0, "Bad Gateway"},
		{"408", 408, nil, "", gears.RemoteTemporary, 0, "Request Timeout"},
		{"429 without", 429, nil, "", gears.RemoteTemporary, time.Minute, "Too Many Requests"},
		{"429 seconds", 429, http.Header{"Retry-After": {"120"}}, "", gears.RemoteTemporary, 2 * time.Minute, "Too Many Requests"},
		{"429 unusable", 429, http.Header{"Retry-After": {"-1"}}, "", gears.RemoteTemporary, time.Minute, "Too Many Requests"},
		{"404 with text", 404, nil, "  no such hook\n", gears.RemoteRejected, 0, "no such hook"},
		{"410 error page", 410, nil, "<html><body>Gone</body></html>", gears.RemoteRejected, 0, "Gone"},
		{"400 hostile text", 400, nil, "bad\x1b[2J\u202eevil", gears.RemoteRejected, 0, "bad [2J evil"},
		{"401 retry after ignored", 401, http.Header{"Retry-After": {"30"}}, "", gears.RemoteRejected, 0, "Unauthorized"},
		{"302", 302, http.Header{"Location": {"/elsewhere"}}, "", gears.RemoteRejected, 0, "Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{StatusCode: tt.status, Header: tt.header}
			e := outbound.StatusError(gears.Network("feed"), resp, []byte(tt.body), now)
			if e.Network != "feed" || e.Status != tt.status || e.Kind != tt.kind || e.RetryAfter != tt.retry || e.Message != tt.msg {
				t.Errorf("StatusError = %#v, want kind %s retry after %v message %q", e, tt.kind, tt.retry, tt.msg)
			}
		})
	}
}

func TestRemoteText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"plain", "Not found", 200, "Not found"},
		{"trimmed", "  \n busy \t", 200, "busy"},
		{"controls", "a\x00b\x1b[31mc\r\nd\u0085e", 200, "a b [31mc  d e"},
		{"invalid UTF-8", "Espa\xf1a \xff\xfe!", 200, "Espa a   !"},
		{"replacement character", "caf\ufffd", 200, "caf"},
		{"bidi and invisible", "\u202eevil\u202c \u2066x\u2069\ufeff\u200by\u2028z", 200, "evil   x   y z"},
		{"non-ASCII spaces", "a\u00a0b\u3000c", 200, "a b c"},
		{"letters, marks, emoji", "ñandú ü 東京 👍🏽 😀", 200, "ñandú ü 東京 👍🏽 😀"},
		{"exactly max", "abcde", 5, "abcde"},
		{"cut", "abcdef", 5, "abcde…"},
		{"cut counts runes", "ééééé é", 5, "ééééé…"},
		{"cut after an invalid byte", "ab\xffcd", 3, "ab …"},
		{"zero", "abc", 0, "…"},
		{"empty", "", 10, ""},
		{"only controls", "\x00\x01\x02", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := outbound.RemoteText(tt.in, tt.max); got != tt.want {
				t.Errorf("RemoteText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		name   string
		header string // "" for none
		want   time.Duration
		ok     bool
	}{
		{"missing", "", 0, false},
		{"seconds", "120", 2 * time.Minute, true},
		{"spaces", " 30 ", 30 * time.Second, true},
		{"zero", "0", time.Second, true},
		{"a day", "86400", 24 * time.Hour, true},
		{"more than a day", "86401", 24 * time.Hour, true},
		{"absurd", "99999999999", 24 * time.Hour, true},
		{"beyond int64", "999999999999999999999999", 24 * time.Hour, true},
		{"negative", "-5", 0, false},
		{"plus sign", "+5", 0, false},
		{"fraction", "1.5", 0, false},
		{"date", date(5 * time.Minute), 5 * time.Minute, true},
		{"date in the past", date(-time.Hour), time.Second, true},
		{"date next year", date(365 * 24 * time.Hour), 24 * time.Hour, true},
		{"RFC 850 date", now.Add(90 * time.Second).Format(time.RFC850), 90 * time.Second, true},
		{"text", "soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.header != "" {
				h.Set("Retry-After", tt.header)
			}
			got, ok := outbound.RetryAfter(h, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
			}
		})
	}
	t.Run("rounded to the second", func(t *testing.T) {
		t.Parallel()
		h := http.Header{"Retry-After": {date(time.Minute)}}
		if got, _ := outbound.RetryAfter(h, now.Add(-400*time.Millisecond)); got != time.Minute {
			t.Errorf("RetryAfter = %v, want 1m0s", got)
		}
	})
}

func ExampleRemoteText() {
	body := "Service \x1b[31mUnavailable\x00: try later\n" + strings.Repeat("x", 100)
	fmt.Println(outbound.RemoteText(body, 30))
	// Output: Service  [31mUnavailable : try…
}

func ExampleRetryAfter() {
	now := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, v := range []string{"120", "Thu, 01 May 2025 10:05:00 GMT", "-1", "99999999999"} {
		d, ok := outbound.RetryAfter(http.Header{"Retry-After": {v}}, now)
		fmt.Println(v, d, ok)
	}
	// Output:
	// 120 2m0s true
	// Thu, 01 May 2025 10:05:00 GMT 5m0s true
	// -1 0s false
	// 99999999999 24h0m0s true
}
