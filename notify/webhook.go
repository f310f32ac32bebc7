package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gears"
	"gears/outbound"
)

// Webhook is where a workspace wants its alerts POSTed, and the secret
// they are signed with.
type Webhook struct {
	URL    string
	Secret []byte
}

// maxURL is the longest webhook URL accepted.
const maxURL = 2048

// ValidateWebhookURL checks a webhook address: absolute https://, or
// http:// to this machine only (outbound.Loopback), without user info.
// The error is a *gears.Error about the field "url".
func ValidateWebhookURL(raw string) error {
	const field = "url"
	if raw == "" || len(raw) > maxURL || strings.TrimSpace(raw) != raw {
		return gears.Invalid(field, "notify.webhook_url_invalid")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		e := gears.Invalid(field, "notify.webhook_url_invalid")
		e.Err = err
		return e
	}
	if u.User != nil {
		return gears.Invalid(field, "notify.webhook_url_userinfo")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !outbound.Loopback(u.Hostname()) {
			return gears.Invalid(field, "notify.webhook_url_https")
		}
	default:
		return gears.Invalid(field, "notify.webhook_url_invalid")
	}
	return nil
}

// WebhookSender POSTs events to webhooks.
type WebhookSender struct {
	// Client makes the requests; nil means outbound.Client(nil). Whatever
	// the client, redirects are not followed.
	Client *http.Client
	// Now is the clock of the signatures; nil means time.Now.
	Now func() time.Time
}

// defaultClient is shared by the senders without a Client of their own,
// so that they share its connections.
var defaultClient = sync.OnceValue(func() *http.Client { return outbound.Client(nil) })

func (s *WebhookSender) client() *http.Client {
	if s.Client == nil {
		return defaultClient()
	}
	return outbound.Client(s.Client)
}

func (s *WebhookSender) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Sizes of what is read of a webhook's answer.
const (
	keepBody  = 1 << 10  // kept for the error message
	drainBody = 64 << 10 // read (and dropped) so the connection can be reused
)

// Send POSTs e to h as JSON, signed, with the headers Content-Type,
// User-Agent ("Gears"), X-Gears-Event (e.Type), X-Gears-Delivery (e.ID)
// and X-Gears-Signature (see Sign). A 2xx answer is success; anything
// else is a *gears.RemoteError, temporary or rejected (see the package
// documentation). Redirects are never followed: a 3xx is rejected.
func (s *WebhookSender) Send(ctx context.Context, h Webhook, e Event) error {
	if err := ValidateWebhookURL(h.URL); err != nil {
		return rejected(NetworkWebhook, "invalid webhook URL", err)
	}
	if len(h.Secret) == 0 {
		return rejected(NetworkWebhook, "the webhook has no secret", nil)
	}
	if !headerSafe(e.ID) || !headerSafe(e.Type) {
		return rejected(NetworkWebhook, "the event needs an id and a type, each one line of text", nil)
	}
	now := s.now()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	e.CreatedAt = e.CreatedAt.UTC()
	if raw, ok := e.Data.(json.RawMessage); e.Data == nil || ok && len(raw) == 0 {
		e.Data = struct{}{}
	}
	body, err := json.Marshal(e)
	if err != nil {
		return rejected(NetworkWebhook, "the event cannot be encoded as JSON", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return rejected(NetworkWebhook, "invalid request", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Gears")
	req.Header.Set("X-Gears-Event", e.Type)
	req.Header.Set("X-Gears-Delivery", e.ID)
	req.Header.Set("X-Gears-Signature", Sign(h.Secret, now, body))
	resp, err := s.client().Do(req)
	if err != nil {
		// Temporary even when the request may have arrived: receivers
		// deduplicate by X-Gears-Delivery, so a retry is harmless.
		return outbound.TransportError(NetworkWebhook, err)
	}
	defer resp.Body.Close()
	kept, _ := io.ReadAll(io.LimitReader(resp.Body, keepBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainBody))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return statusError(NetworkWebhook, resp, kept, now)
}

// headerSafe reports whether s is a non-empty line of printable text.
func headerSafe(s string) bool {
	if s == "" || len(s) > 200 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func rejected(n gears.Network, msg string, err error) error {
	return &gears.RemoteError{Network: n, Kind: gears.RemoteRejected, Message: msg, Err: err}
}

// statusError classifies a non-2xx answer (outbound.StatusError); a
// redirect, which is not followed, says where it pointed.
func statusError(n gears.Network, resp *http.Response, body []byte, now time.Time) error {
	e := outbound.StatusError(n, resp, body, now)
	if code := resp.StatusCode; code >= 300 && code < 400 {
		e.Message = "redirect not followed"
		if loc := resp.Header.Get("Location"); loc != "" {
			e.Message += " (to " + outbound.RemoteText(loc, 200) + ")"
		}
	}
	return e
}
