package mastodon

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gears"
	"gears/outbound"
)

// ErrNoStreaming is wrapped by the *gears.RemoteError (kind
// RemoteRejected) that Stream returns when the instance offers no
// streaming API: its streaming address answers 404 or 501, or something
// other than an event stream. Trying again soon is pointless.
var ErrNoStreaming = errors.New("the instance offers no streaming API")

const (
	// streamPath is the user:notification stream as server-sent events.
	streamPath = "/api/v1/streaming/user/notification"
	// streamIdle is how long a stream may stay silent, headers and
	// heartbeats included, before it is taken as dead. Mastodon sends a
	// heartbeat every 15 s.
	streamIdle = 90 * time.Second
	// maxEvent bounds one event (its lines together) and so one line.
	maxEvent = 1 << 20
)

// errStreamIdle is the cause of a stream given up for silence.
var errStreamIdle = errors.New("no data from the stream")

// Stream opens the streaming API's user:notification stream of the
// account and calls ring for each notification of a type Notifications
// reads (mention, quote, reblog, favourite, follow; one that cannot be
// read rings too). It is a doorbell: what arrived is read by
// Notifications, so a ring carries nothing. ring is called from Stream's
// goroutine and must not block.
//
// The streaming address is the instance's (GET /api/v2/instance
// configuration.urls.streaming, or GET /api/v1/instance
// urls.streaming_api), wss:// read as https://, when it is the server's
// host or one under it and passes NormalizeServer; otherwise the server
// itself (where Mastodon's usual proxy setup serves the stream too). The
// stream is GET {streaming}/api/v1/streaming/user/notification with the
// token as a Bearer header, read as server-sent events.
//
// Stream returns only with an error, always a *gears.RemoteError: when
// ctx ends (wrapping ctx's error), when the connection breaks or the
// server ends the stream (RemoteTemporary), when nothing at all arrives
// for 90 s, heartbeats included (RemoteTemporary), or when the server
// refuses it: 401 or 403 is RemoteAuth, 429 RemoteRateLimited, 5xx
// RemoteTemporary, 404 and 501 RemoteRejected wrapping ErrNoStreaming.
// The connector's client is used without its overall timeout; its
// transport's connect and header timeouts still apply. An event larger
// than 1 MiB breaks the stream.
func (c *Connector) Stream(ctx context.Context, cr gears.Credentials, ring func()) error {
	return c.stream(ctx, cr, ring, streamIdle)
}

func (c *Connector) stream(ctx context.Context, cr gears.Credentials, ring func(), idle time.Duration) error {
	server, err := checkCredentials(cr)
	if err != nil {
		return err
	}
	if ring == nil {
		ring = func() {}
	}
	base, err := c.streamingBase(ctx, server, cr.AccessToken)
	if err != nil {
		return fmt.Errorf("find the mastodon streaming api: %w", err)
	}
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// The watchdog: any byte (headers, heartbeat, event) pushes it back.
	watchdog := time.AfterFunc(idle, func() { cancel(errStreamIdle) })
	defer watchdog.Stop()

	req, err := http.NewRequestWithContext(sctx, http.MethodGet, base+streamPath, nil)
	if err != nil {
		return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected, Message: "invalid streaming request", Err: err}
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-store")
	req.Header.Set("User-Agent", "Gears")
	req.Header.Set("Authorization", "Bearer "+cr.AccessToken)
	// A copy of the client without its overall timeout, which would end
	// every stream: the watchdog stands in for it.
	hc := *c.client
	hc.Timeout = 0
	resp, err := hc.Do(req)
	if err != nil {
		return streamError(ctx, sctx, "no answer", err)
	}
	defer resp.Body.Close()
	watchdog.Reset(idle)
	if resp.StatusCode != http.StatusOK {
		return streamRefused(resp)
	}
	if mt := mediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected, Status: resp.StatusCode,
			Message: "the streaming answer is " + outbound.RemoteText(mt, 100) + ", not an event stream", Err: ErrNoStreaming}
	}
	body := &activity{r: resp.Body, seen: func() { watchdog.Reset(idle) }}
	err = readEvents(body, func(event string, data []byte) {
		if event == "notification" && ringsFor(data) {
			ring()
		}
	})
	if err == nil {
		err = io.EOF
	}
	return streamError(ctx, sctx, "the stream broke", err)
}

// streamError classifies the end of a stream that had no answer or broke.
func streamError(parent, ctx context.Context, msg string, err error) error {
	switch {
	case parent.Err() != nil:
		return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteTemporary, Message: "cancelled", Err: context.Cause(parent)}
	case errors.Is(context.Cause(ctx), errStreamIdle):
		return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteTemporary, Message: "the stream fell silent", Err: errStreamIdle}
	case errors.Is(err, io.EOF):
		return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteTemporary, Message: "the server ended the stream", Err: err}
	case errors.Is(err, bufio.ErrTooLong), errors.Is(err, errEventTooLarge):
		return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteTemporary, Message: "an event larger than 1 MiB", Err: err}
	}
	return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteTemporary, Message: msg, Err: err}
}

// streamRefused classifies a streaming answer other than 200.
func streamRefused(resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	r := &response{status: resp.StatusCode, header: resp.Header, body: data}
	if rl, ok := parseRateLimit(resp.Header); ok {
		r.rl = &rl
	}
	err := r.statusError()
	var re *gears.RemoteError
	if errors.As(err, &re) && (re.Status == http.StatusNotFound || re.Status == http.StatusNotImplemented) {
		re.Kind, re.Err = gears.RemoteRejected, ErrNoStreaming
	}
	return fmt.Errorf("open the mastodon stream: %w", err)
}

// streamingBase returns the base URL of the instance's streaming API.
// A failure that may pass (a timeout, a 5xx, a 429) is returned; an
// instance that does not say, or says something unusable, streams from
// the server itself. The instance is asked with the account's token, so
// that the request counts against the account's rate limit, not against
// the limit of this host's address that every account on the instance
// shares.
func (c *Connector) streamingBase(ctx context.Context, server, token string) (string, error) {
	var in struct {
		Configuration struct {
			URLs struct {
				Streaming string `json:"streaming"`
			} `json:"urls"`
		} `json:"configuration"`
		URLs struct {
			StreamingAPI string `json:"streaming_api"`
		} `json:"urls"`
	}
	resp, err := c.send(ctx, server, request{method: http.MethodGet, path: "/api/v2/instance", token: token})
	var re *gears.RemoteError
	if errors.As(err, &re) && re.Status == http.StatusNotFound {
		resp, err = c.send(ctx, server, request{method: http.MethodGet, path: "/api/v1/instance", token: token})
	}
	if errors.As(err, &re) && re.Kind == gears.RemoteRejected {
		return server, nil
	}
	if err != nil {
		return "", err
	}
	if resp.decode(&in) != nil {
		return server, nil
	}
	adv := in.Configuration.URLs.Streaming
	if adv == "" {
		adv = in.URLs.StreamingAPI
	}
	return streamingURL(server, adv), nil
}

// streamingURL returns the advertised streaming address as an http(s)
// base URL when it is the server's host or one under it; the server
// otherwise. The token goes there: it must not go anywhere an instance
// names.
func streamingURL(server, advertised string) string {
	u, err := url.Parse(strings.TrimSpace(advertised))
	if advertised == "" || err != nil {
		return server
	}
	switch strings.ToLower(u.Scheme) {
	case "wss", "https":
		u.Scheme = "https"
	case "ws", "http":
		u.Scheme = "http"
	default:
		return server
	}
	base, err := NormalizeServer(u.String())
	if err != nil {
		return server
	}
	su, err1 := url.Parse(server)
	bu, err2 := url.Parse(base)
	if err1 != nil || err2 != nil {
		return server
	}
	host, want := bu.Hostname(), su.Hostname()
	if host != want && !strings.HasSuffix(host, "."+want) {
		return server
	}
	return base
}

// ringsFor reports whether a notification event is one Notifications
// reads; an event whose type cannot be read rings, to be safe.
func ringsFor(data []byte) bool {
	var n struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &n) != nil || n.Type == "" {
		return true
	}
	return slices.Contains(notificationTypes, n.Type)
}

var errEventTooLarge = errors.New("event too large")

// readEvents reads server-sent events (the WHATWG EventSource format:
// "field: value" lines, ":" comments, a blank line ending each event)
// and calls dispatch for each event with data, until r ends (nil) or
// fails. Lines end with "\n" or "\r\n".
func readEvents(r io.Reader, dispatch func(event string, data []byte)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEvent)
	var (
		event   string
		data    []byte
		hasData bool
		size    int
	)
	for sc.Scan() {
		line := sc.Bytes()
		size += len(line) + 1
		if size > maxEvent {
			return errEventTooLarge
		}
		if len(line) == 0 {
			if hasData {
				dispatch(event, bytes.TrimSuffix(data, []byte("\n")))
			}
			event, data, hasData, size = "", data[:0], false, 0
			continue
		}
		if line[0] == ':' {
			continue // a comment: Mastodon's ":thump" heartbeat
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			event = string(value)
		case "data":
			data = append(append(data, value...), '\n')
			hasData = true
		}
	}
	return sc.Err()
}

// activity reports every read that brought bytes.
type activity struct {
	r    io.Reader
	seen func()
}

func (a *activity) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.seen()
	}
	return n, err
}
