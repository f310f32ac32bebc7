package outbound

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gears"
)

// TransportError classifies a request that got no answer (refused or
// dropped connection, DNS, TLS, timeout, cancellation) as a temporary
// *gears.RemoteError of network n wrapping err. Its Message is
// "cancelled", "timeout" or "no answer". It never returns nil; the caller
// may make the kind or the message more precise, e.g. RemoteUnknown when
// a request with a side effect was sent before the connection broke.
func TransportError(n gears.Network, err error) *gears.RemoteError {
	msg := "no answer"
	var te interface{ Timeout() bool }
	switch {
	case errors.Is(err, ErrNotPublic):
		// Refused here, for good: the address is an internal one.
		return &gears.RemoteError{Network: n, Kind: gears.RemoteRejected, Message: ErrNotPublic.Error(), Err: err}
	case errors.Is(err, context.Canceled):
		msg = "cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &te) && te.Timeout():
		msg = "timeout"
	}
	return &gears.RemoteError{Network: n, Kind: gears.RemoteTemporary, Message: msg, Err: err}
}

// StatusError classifies a non-2xx answer from a server that is not a
// network's API (a feed, a webhook receiver; the connectors read their
// APIs' own signs of rate limits and refused credentials): 408, 429 and
// 5xx are temporary, anything else is rejected. RetryAfter is what
// Retry-After says (RetryAfter), else a minute for a 429. Message is the
// body as RemoteText (200 runes) unless it is empty or markup (an error
// page), else the status text. It never returns nil.
func StatusError(n gears.Network, resp *http.Response, body []byte, now time.Time) *gears.RemoteError {
	code := resp.StatusCode
	e := &gears.RemoteError{Network: n, Kind: gears.RemoteRejected, Status: code, Message: http.StatusText(code)}
	if msg := RemoteText(string(body), 200); msg != "" && !strings.HasPrefix(msg, "<") {
		e.Message = msg
	}
	retry, ok := RetryAfter(resp.Header, now)
	switch {
	case code == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = gears.RemoteTemporary, time.Minute
		if ok {
			e.RetryAfter = retry
		}
	case code >= 500 || code == http.StatusRequestTimeout:
		e.Kind, e.RetryAfter = gears.RemoteTemporary, retry
	}
	return e
}

// RemoteText makes a server's words safe to keep in an error, a log or a
// field: invalid UTF-8, U+FFFD and every character that is not printable
// (unicode.IsPrint: control and format characters such as bidirectional
// overrides, line separators, spaces other than U+0020) become a space;
// the text is cut after max runes with "…" and trimmed of spaces.
func RemoteText(s string, max int) string {
	var b strings.Builder
	count := 0
	for _, r := range s { // an invalid byte comes as utf8.RuneError
		if count >= max {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			r = ' '
		}
		b.WriteRune(r)
		count++
	}
	return strings.TrimSpace(b.String())
}

// maxRetryAfter is the longest wait RetryAfter believes.
const maxRetryAfter = 24 * time.Hour

// RetryAfter reads the Retry-After header: a number of seconds or an HTTP
// date, as a wait from now rounded to the second and kept within [1 s,
// 24 h] (a date in the past is one second, an absurd number a day). ok is
// false when the header is missing or says nothing usable (a negative
// number, text that is not a date): the caller then has its own default.
func RetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	switch {
	case v == "":
		return 0, false
	case strings.Trim(v, "0123456789") == "":
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(maxRetryAfter/time.Second) {
			secs = int64(maxRetryAfter / time.Second) // only digits: err is ErrRange
		}
		d = time.Duration(secs) * time.Second
	default:
		t, err := http.ParseTime(v)
		if err != nil {
			return 0, false
		}
		d = t.Sub(now)
	}
	return min(max(d, time.Second), maxRetryAfter).Round(time.Second), true
}
