package mastodon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gears"
	"gears/outbound"
)

// Response bodies are read up to these sizes; a larger successful answer
// is an error, a larger error page is cut.
const (
	maxBody     = 1 << 20 // one entity
	maxListBody = 8 << 20 // a page of 40 statuses
)

// RateLimit is the state of a rate limit as the server last reported it
// (X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset). Mastodon
// reports the limit the caller is closest to exceeding.
//
// A *RateLimit is also an error: every *gears.RemoteError the connector
// returns for an HTTP answer that carried the headers wraps one, so
//
//	var rl *mastodon.RateLimit
//	if errors.As(err, &rl) { … rl.Remaining, rl.Reset … }
//
// finds it. Connector.RateLimit returns the latest one for an account.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

func (r *RateLimit) Error() string {
	return fmt.Sprintf("rate limit %d/%d until %s", r.Remaining, r.Limit, r.Reset.UTC().Format(time.RFC3339))
}

// parseRateLimit reads the rate-limit headers; ok is false without them.
func parseRateLimit(h http.Header) (RateLimit, bool) {
	limit, err1 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit")))
	rem, err2 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err1 != nil || err2 != nil {
		return RateLimit{}, false
	}
	rl := RateLimit{Limit: limit, Remaining: rem}
	if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(h.Get("X-RateLimit-Reset"))); err == nil {
		rl.Reset = t
	}
	return rl, true
}

// RateLimit returns the rate-limit state last reported to the account
// with these credentials, so the publishing engine can slow down before
// it meets a 429.
func (c *Connector) RateLimit(cr gears.Credentials) (RateLimit, bool) {
	base, err := NormalizeServer(cr.Server)
	if err != nil {
		return RateLimit{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rl, ok := c.rates[rateKey(base, cr.AccessToken)]
	return rl, ok
}

// Quota implements gears.QuotaReporter from the last X-RateLimit headers
// seen for the account.
func (c *Connector) Quota(cr gears.Credentials) (int, time.Time, bool) {
	rl, ok := c.RateLimit(cr)
	return rl.Remaining, rl.Reset, ok
}

var _ gears.QuotaReporter = (*Connector)(nil)

func rateKey(server, token string) string {
	sum := sha256.Sum256([]byte(token))
	return server + " " + hex.EncodeToString(sum[:8])
}

// request is one call to the API.
type request struct {
	method      string
	path        string // with the query
	token       string
	body        []byte
	contentType string
	header      http.Header
	// sideEffect marks the one call whose failure after sending leaves the
	// outcome unknown: POST /api/v1/statuses.
	sideEffect bool
	limit      int64
}

type response struct {
	status int
	header http.Header
	body   []byte
	side   bool
	rl     *RateLimit
}

// send makes the call and classifies any failure as a *gears.RemoteError.
// A non-2xx answer is an error; the caller decodes a 2xx answer.
func (c *Connector) send(ctx context.Context, server string, r request) (*response, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), r.method, server+r.path, body)
	if err != nil {
		return nil, &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected, Message: "invalid request", Err: err}
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Gears")
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, transportError(r, err, wrote.Load())
	}
	defer resp.Body.Close()
	out := &response{status: resp.StatusCode, header: resp.Header, side: r.sideEffect}
	if rl, ok := parseRateLimit(resp.Header); ok {
		out.rl = &rl
		c.mu.Lock()
		c.rates[rateKey(server, r.token)] = rl
		c.mu.Unlock()
	}
	limit := r.limit
	if limit <= 0 {
		limit = maxBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if err != nil && ok {
		return nil, out.fail(gears.RemoteTemporary, "reading the answer", err)
	}
	if int64(len(data)) > limit {
		if ok {
			return nil, out.fail(gears.RemoteTemporary, fmt.Sprintf("answer larger than %d bytes", limit), nil)
		}
		data = data[:limit]
	}
	out.body = data
	if ok {
		return out, nil
	}
	return nil, out.statusError()
}

// fail builds an error about a 2xx answer that cannot be used. For the
// status POST, the status was most likely created: the outcome is unknown.
func (r *response) fail(kind gears.RemoteErrorKind, msg string, err error) error {
	if r.side {
		kind = gears.RemoteUnknown
	}
	e := &gears.RemoteError{Network: gears.Mastodon, Kind: kind, Status: r.status, Message: msg, Err: err}
	if e.Err == nil && r.rl != nil {
		e.Err = r.rl
	}
	return e
}

// decode reads a JSON answer into v.
func (r *response) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return r.fail(gears.RemoteTemporary, "the answer is not the JSON expected", err)
	}
	return nil
}

// statusError classifies a non-2xx answer.
func (r *response) statusError() error {
	e := &gears.RemoteError{Network: gears.Mastodon, Status: r.status, Message: errorMessage(r.status, r.body)}
	if r.rl != nil {
		e.Err = r.rl
	}
	switch {
	case r.status == http.StatusTooManyRequests:
		e.Kind = gears.RemoteRateLimited
		e.RetryAfter = retryAfter(r.header, time.Now())
	case r.status == http.StatusUnauthorized || r.status == http.StatusForbidden:
		e.Kind = gears.RemoteAuth
	case r.status >= 500:
		// 500 can follow the commit of the status (Mastodon does more work
		// after it: the idempotency record, fan-out, rendering), and
		// 502/503/504 come from the reverse proxy, which gave up on Puma
		// without knowing whether Puma went on to create the status. Any
		// 5xx on the status POST is therefore "maybe".
		e.Kind = gears.RemoteTemporary
		if r.side {
			e.Kind = gears.RemoteUnknown
		}
	case r.status == http.StatusRequestTimeout:
		e.Kind = gears.RemoteTemporary
		if r.side {
			e.Kind = gears.RemoteUnknown
		}
	default: // 3xx (redirects are not followed), 404, 410, 413, 422, other 4xx
		e.Kind = gears.RemoteRejected
	}
	return e
}

// errorMessage returns the server's words from a Mastodon Error entity
// ({"error": "…", "error_description": "…"}), or the status text when the
// body is anything else (an HTML page from a proxy, say). The result is
// cut and stripped of control characters: it is untrusted.
func errorMessage(status int, body []byte) string {
	var v struct {
		Error       any `json:"error"`
		Description any `json:"error_description"`
	}
	msg := ""
	if json.Unmarshal(body, &v) == nil {
		if s, ok := v.Error.(string); ok {
			msg = s
		}
		if s, ok := v.Description.(string); ok && s != "" {
			if msg != "" {
				msg += ": "
			}
			msg += s
		}
	}
	if msg = outbound.RemoteText(msg, 300); msg == "" {
		msg = http.StatusText(status)
	}
	return msg
}

// retryAfter is when to try again after a 429: what Retry-After says
// (outbound.RetryAfter), else X-RateLimit-Reset, else one minute; kept
// within [1 s, 24 h] whatever the server claims.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if d, ok := outbound.RetryAfter(h, now); ok {
		return d
	}
	if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(h.Get("X-RateLimit-Reset"))); err == nil {
		return min(max(t.Sub(now), time.Second), 24*time.Hour).Round(time.Second)
	}
	return time.Minute
}

// transportError classifies a failure without an HTTP answer. When the
// request was never completely written (refused connection, DNS, TLS,
// cancelled before sending) the server cannot have acted on it. After it
// was written, a timeout or a dropped connection leaves the status POST's
// outcome unknown; other calls have no visible effect and are retried.
func transportError(r request, err error, wrote bool) error {
	e := outbound.TransportError(gears.Mastodon, err)
	if wrote && r.sideEffect {
		e.Kind = gears.RemoteUnknown
	}
	if !wrote {
		e.Message += " (request not sent)"
	}
	return e
}
