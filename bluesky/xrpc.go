package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gears"
	"gears/outbound"
)

// Answers are read up to these sizes: a larger successful answer is an
// error, a larger error body is cut.
const (
	maxBody      = 1 << 20  // a JSON answer
	maxErrorBody = 64 << 10 // an error answer
	maxMessage   = 300      // characters of the server's message kept
)

// Default wait for a 429 without a usable header, and the longest wait a
// RateLimit-Reset is believed for (the daily write limit resets within a
// day); Retry-After is believed up to 24 h (outbound.RetryAfter).
const (
	defaultRetryAfter = time.Minute
	maxRetryAfter     = 25 * time.Hour
)

// call is one XRPC request.
type call struct {
	method string // "GET" or "POST"
	nsid   string // e.g. com.atproto.repo.createRecord
	query  url.Values
	token  string
	// body is JSON-encoded unless raw is set; contentType goes with raw.
	body        any
	raw         []byte
	contentType string
	// sideEffect marks the call whose failure after sending leaves the
	// outcome unknown: createRecord.
	sideEffect bool
	// proxy, when set, is the atproto-proxy header: the service the PDS
	// passes the call to (the AppView for app.bsky.*).
	proxy string
	// limit is the largest successful answer read (maxBody when 0).
	limit int64
	// quota, when set, is the account whose rate limit the answer's
	// RateLimit-* headers describe.
	quota *account
}

// xrpcError is the body of a failed XRPC call: {"error","message"}.
type xrpcError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// do sends c to server and decodes a successful JSON answer into out (when
// out is not nil). Every failure is a *gears.RemoteError.
func (cn *Connector) do(ctx context.Context, server string, c call, out any) error {
	var body io.Reader
	contentType := c.contentType
	switch {
	case c.raw != nil:
		body = bytes.NewReader(c.raw)
	case c.body != nil:
		b, err := json.Marshal(c.body)
		if err != nil {
			return &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Message: "cannot encode the request", Err: err}
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	u := server + "/xrpc/" + c.nsid
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), c.method, u, body)
	if err != nil {
		return &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Message: "invalid request", Err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Gears")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.proxy != "" {
		req.Header.Set("Atproto-Proxy", c.proxy)
	}
	resp, err := cn.client.Do(req)
	if err != nil {
		return transportError(c, err, wrote.Load())
	}
	defer resp.Body.Close()
	if c.quota != nil {
		c.quota.noteQuota(resp.Header)
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := int64(maxErrorBody)
	if ok {
		limit = maxBody
		if c.limit > 0 {
			limit = c.limit
		}
	}
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if !ok {
		return statusError(c, resp.StatusCode, resp.Header, data[:min(len(data), int(limit))], time.Now())
	}
	if rerr != nil {
		return answerError(c, resp.StatusCode, "reading the answer", rerr)
	}
	if int64(len(data)) > limit {
		return answerError(c, resp.StatusCode, fmt.Sprintf("answer larger than %d bytes", limit), nil)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return answerError(c, resp.StatusCode, "the answer is not the JSON expected", err)
	}
	return nil
}

// answerError is about a 2xx answer that cannot be used: for createRecord
// the record was most likely written, so the outcome is unknown.
func answerError(c call, status int, msg string, err error) error {
	kind := gears.RemoteTemporary
	if c.sideEffect {
		kind = gears.RemoteUnknown
	}
	return &gears.RemoteError{Network: gears.Bluesky, Kind: kind, Status: status, Message: msg, Err: err}
}

// transportError classifies a failure without an answer. Before the
// request was written (connection refused, DNS, TLS) nothing happened:
// temporary. After it was written, a createRecord may have taken effect:
// unknown.
func transportError(c call, err error, wrote bool) error {
	e := outbound.TransportError(gears.Bluesky, err)
	if wrote && c.sideEffect {
		e.Kind = gears.RemoteUnknown
	}
	if !wrote && e.Message == "no answer" {
		e.Message = "cannot connect"
	}
	e.Message += " (" + c.nsid + ")"
	return e
}

// statusError classifies a non-2xx answer from its status and XRPC error
// name.
func statusError(c call, status int, h http.Header, body []byte, now time.Time) error {
	var xe xrpcError
	_ = json.Unmarshal(body, &xe) // a body that is not the XRPC error leaves xe empty
	name := outbound.RemoteText(xe.Error, 64)
	msg := outbound.RemoteText(xe.Message, maxMessage)
	switch {
	case name != "" && msg != "":
		msg = name + ": " + msg
	case name != "":
		msg = name
	case msg == "":
		msg = http.StatusText(status)
	}
	e := &gears.RemoteError{Network: gears.Bluesky, Status: status, Message: msg + " (" + c.nsid + ")"}
	switch {
	case status == http.StatusTooManyRequests || name == "RateLimitExceeded":
		e.Kind = gears.RemoteRateLimited
		e.RetryAfter = retryAfter(h, now)
	case status >= 500:
		e.Kind = gears.RemoteTemporary
		if c.sideEffect && (status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout) {
			// A proxy in front of the PDS answered: it may have passed the
			// write on before giving up.
			e.Kind = gears.RemoteUnknown
		}
	case authError(status, name):
		e.Kind = gears.RemoteAuth
	case status == http.StatusRequestTimeout:
		e.Kind = gears.RemoteTemporary
	default:
		e.Kind = gears.RemoteRejected
	}
	e.Err = &XRPCError{Status: status, Name: name}
	return e
}

// XRPCError is the XRPC error name a PDS answered with (e.g.
// "ExpiredToken", "InvalidRequest", "RecordNotFound"). Every
// *gears.RemoteError made from an error answer wraps one:
//
//	var xe *bluesky.XRPCError
//	if errors.As(err, &xe) && xe.Name == "RecordNotFound" { … }
type XRPCError struct {
	Status int
	Name   string
}

func (e *XRPCError) Error() string { return fmt.Sprintf("XRPC %d %s", e.Status, e.Name) }

// xrpcName returns the XRPC error name in err, or "".
func xrpcName(err error) string {
	var xe *XRPCError
	if errors.As(err, &xe) {
		return xe.Name
	}
	return ""
}

// authError reports whether an answer refuses the credentials.
func authError(status int, name string) bool {
	switch name {
	case "ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing", "AccountTakedown",
		"AccountDeactivated", "AccountSuspended", "InvalidPassword", "AuthFactorTokenRequired":
		return true
	}
	return status == http.StatusUnauthorized || status == http.StatusForbidden
}

// renewable reports whether a failure of an authenticated call may be
// cured by a new session: the access token expired, was refused, or is
// not accepted any more. A taken-down or deactivated account is not.
func renewable(err error) bool {
	var re *gears.RemoteError
	if !errors.As(err, &re) || re.Kind != gears.RemoteAuth {
		return false
	}
	switch xrpcName(err) {
	case "ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing":
		return true
	case "":
		return re.Status == http.StatusUnauthorized
	}
	return false
}

// retryAfter reads when to try again: RateLimit-Reset (Unix seconds, as
// the PDS sends it; a time in the past counts as one second, a wait beyond
// maxRetryAfter is cut to it), else Retry-After (outbound.RetryAfter), else
// a minute.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 && n < 1<<40 {
			return min(max(time.Unix(n, 0).Sub(now), time.Second), maxRetryAfter).Round(time.Second)
		}
	}
	if d, ok := outbound.RetryAfter(h, now); ok {
		return d
	}
	return defaultRetryAfter
}
