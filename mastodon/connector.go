package mastodon

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"time"

	"gears"
	"gears/outbound"
)

var (
	_ gears.Connector = (*Connector)(nil)
	_ gears.Listener  = (*Connector)(nil)
)

// Connector speaks the Mastodon client API for Gears. Set its exported
// fields, if at all, before its first use; it is then safe for concurrent
// use.
type Connector struct {
	client *http.Client

	// Defaults are the limits Check applies (DefaultLimits unless
	// changed). Use CheckLimits with Limits(ctx, server) for one server's.
	Defaults Limits
	// PollInterval is the first wait before asking whether an upload has
	// been processed; it doubles up to PollMaxInterval. MediaTimeout
	// bounds the whole wait.
	PollInterval    time.Duration
	PollMaxInterval time.Duration
	MediaTimeout    time.Duration
	// ScanLimit bounds how many of the account's statuses FindPost reads.
	ScanLimit int
	// ReadPages bounds how many pages (of 40) one call of Notifications
	// or Search reads, so that a backlog is drained over several polls,
	// each of bounded cost.
	ReadPages int
	mu        sync.Mutex
	rates     map[string]RateLimit
	ids       map[string]string // the account ID of each token, by rateKey
	// singleStatus holds the servers without GET /api/v1/statuses?id[]=
	// (before Mastodon 4.3): PostCounts reads their statuses one by one.
	singleStatus sync.Map
}

// New returns a connector that uses client, or, when client is nil, a
// client with timeouts fit for a background publisher. Redirects are never
// followed: a Mastodon API answers without them, and following one would
// turn a POST into a GET.
func New(client *http.Client) *Connector {
	hc := outbound.Client(client)
	return &Connector{
		client:          hc,
		Defaults:        DefaultLimits(),
		PollInterval:    500 * time.Millisecond,
		PollMaxInterval: 5 * time.Second,
		MediaTimeout:    3 * time.Minute,
		ScanLimit:       200,
		ReadPages:       5,
		rates:           make(map[string]RateLimit),
		ids:             make(map[string]string),
	}
}

// Network returns gears.Mastodon.
func (c *Connector) Network() gears.Network { return gears.Mastodon }

// NormalizeServer returns the base URL of a Mastodon server as
// "https://host[:port]": https:// is assumed when no scheme is given, a
// trailing slash is dropped, and http:// is accepted only for loopback
// hosts (tests). Anything else (a path, a query, user info) is refused
// with a *gears.RemoteError of kind RemoteRejected wrapping a
// gears.Invalid("server", "mastodon.server_invalid").
func NormalizeServer(server string) (string, error) {
	s := strings.TrimSpace(server)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" ||
		strings.Trim(u.Path, "/") != "" || u.Opaque != "" {
		return "", invalidServer(server, err)
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	switch scheme {
	case "https":
	case "http":
		if !outbound.Loopback(u.Hostname()) {
			return "", invalidServer(server, nil)
		}
	default:
		return "", invalidServer(server, nil)
	}
	if p := u.Port(); p != "" && ((scheme == "https" && p == "443") || (scheme == "http" && p == "80")) {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	return scheme + "://" + host, nil
}

func invalidServer(server string, err error) error {
	inv := gears.Invalid("server", "mastodon.server_invalid")
	inv.Err = err
	return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected,
		Message: "invalid server address " + outbound.RemoteText(server, 100), Err: inv}
}

// account is the part of the Account entity Gears reads.
type account struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	URL         string `json:"url"`
}

// checkCredentials checks credentials before a call and returns the base URL.
func checkCredentials(cr gears.Credentials) (string, error) {
	server, err := NormalizeServer(cr.Server)
	if err != nil {
		return "", err
	}
	if cr.AccessToken == "" {
		return "", &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteAuth, Message: "no access token"}
	}
	return server, nil
}

func (c *Connector) verify(ctx context.Context, server, token string) (account, error) {
	var a account
	resp, err := c.send(ctx, server, request{method: http.MethodGet, path: "/api/v1/accounts/verify_credentials", token: token})
	if err != nil {
		return a, err
	}
	if err := resp.decode(&a); err != nil {
		return a, err
	}
	if a.ID == "" || a.Acct == "" {
		return a, resp.fail(gears.RemoteTemporary, "the account has no id", nil)
	}
	c.mu.Lock()
	c.ids[rateKey(server, token)] = a.ID
	c.mu.Unlock()
	return a, nil
}

// accountID returns the ID of the account the token acts as, asking the
// server only the first time.
func (c *Connector) accountID(ctx context.Context, server, token string) (string, error) {
	c.mu.Lock()
	id, ok := c.ids[rateKey(server, token)]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	a, err := c.verify(ctx, server, token)
	return a.ID, err
}

// remoteAccount describes an account for Gears, its handle written
// "@user@host" (the server's host for a local account). Its text is the
// network's: cut, without control characters, and its URL only when it is
// http or https.
func remoteAccount(a account, server string) gears.RemoteAccount {
	handle := "@" + outbound.RemoteText(a.Acct, 200)
	if !strings.Contains(a.Acct, "@") {
		handle += "@" + strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
	}
	return gears.RemoteAccount{
		ID:          outbound.RemoteText(a.ID, 64),
		Handle:      handle,
		DisplayName: oneLine(a.DisplayName, 200),
		URL:         webURL(a.URL),
	}
}

// Verify checks the access token with GET
// /api/v1/accounts/verify_credentials and returns the account it acts as,
// with the handle written "@user@host". The credentials come back with
// their server address normalised.
func (c *Connector) Verify(ctx context.Context, cr gears.Credentials) (gears.RemoteAccount, gears.Credentials, error) {
	server, err := checkCredentials(cr)
	if err != nil {
		return gears.RemoteAccount{}, cr, err
	}
	a, err := c.verify(ctx, server, cr.AccessToken)
	if err != nil {
		return gears.RemoteAccount{}, cr, fmt.Errorf("verify mastodon credentials: %w", err)
	}
	cr.Server = server
	return remoteAccount(a, server), cr, nil
}

// status is the part of the Status entity Gears reads.
type status struct {
	ID                 string          `json:"id"`
	CreatedAt          time.Time       `json:"created_at"`
	URL                *string         `json:"url"`
	URI                string          `json:"uri"`
	Content            string          `json:"content"`
	SpoilerText        string          `json:"spoiler_text"`
	Visibility         string          `json:"visibility"`
	Language           *string         `json:"language"`
	InReplyToID        *string         `json:"in_reply_to_id"`
	InReplyToAccountID *string         `json:"in_reply_to_account_id"`
	Account            account         `json:"account"`
	Reblog             *struct{}       `json:"reblog"`
	Quote              *quote          `json:"quote"`
	MediaAttachments   []mediaResponse `json:"media_attachments"`
}

// quote is the Quote entity (Mastodon 4.5): the status a status quotes.
type quote struct {
	QuotedStatus *struct {
		ID string `json:"id"`
	} `json:"quoted_status"`
}

func (s status) published() gears.Published {
	u := s.URI
	if s.URL != nil && *s.URL != "" {
		u = *s.URL
	}
	return gears.Published{RemoteID: outbound.RemoteText(s.ID, 64), URL: outbound.RemoteText(u, 500), CreatedAt: s.CreatedAt}
}

type mediaResponse struct {
	ID  string  `json:"id"`
	URL *string `json:"url"`
}

// Publish uploads each attachment with POST /api/v2/media, waits until
// the server has processed it, then creates the status with POST
// /api/v1/statuses, visibility public, sending post.Key as the
// Idempotency-Key header. Mastodon keeps that key for an hour: within it,
// any number of calls with the same key make one status. After it, call
// FindPost before publishing again.
//
// A reply (post.Reply) is sent with in_reply_to_id set to
// Reply.Parent.ID and, when Reply.Visibility is set, that visibility
// ("direct" keeps a private conversation private); an invalid one is
// refused before anything is sent. Mastodon notifies, and for a direct
// reply shows it to, only the accounts its text @mentions: the text must
// name the person answered.
//
// A failure while sending the status, or a 5xx answer to it, is a
// RemoteUnknown error: the status may exist.
func (c *Connector) Publish(ctx context.Context, cr gears.Credentials, post gears.OutgoingPost) (gears.Published, error) {
	server, err := checkCredentials(cr)
	if err != nil {
		return gears.Published{}, err
	}
	if strings.TrimSpace(post.Key) == "" {
		return gears.Published{}, &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected, Message: "no idempotency key"}
	}
	form := url.Values{"status": {post.Text}, "visibility": {"public"}}
	if r := post.Reply; r != nil {
		parent := strings.TrimSpace(r.Parent.ID)
		if !validID(parent) {
			return gears.Published{}, &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected,
				Message: "the reply names no status to answer"}
		}
		form.Set("in_reply_to_id", parent)
		switch r.Visibility {
		case "":
		case "public", "unlisted", "private", "direct":
			form.Set("visibility", r.Visibility)
		default:
			return gears.Published{}, &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected,
				Message: "unknown visibility " + outbound.RemoteText(r.Visibility, 20)}
		}
	}
	ids := make([]string, 0, len(post.Media))
	for i, m := range post.Media {
		id, err := c.upload(ctx, server, cr.AccessToken, m)
		if err != nil {
			return gears.Published{}, fmt.Errorf("upload mastodon attachment %d: %w", i+1, err)
		}
		ids = append(ids, id)
	}
	if len(ids) > 0 {
		form["media_ids[]"] = ids
	}
	resp, err := c.send(ctx, server, request{
		method:      http.MethodPost,
		path:        "/api/v1/statuses",
		token:       cr.AccessToken,
		body:        []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded",
		header:      http.Header{"Idempotency-Key": {post.Key}},
		sideEffect:  true,
	})
	if err != nil {
		return gears.Published{}, fmt.Errorf("post mastodon status: %w", err)
	}
	var s status
	if err := resp.decode(&s); err != nil {
		return gears.Published{}, fmt.Errorf("post mastodon status: %w", err)
	}
	if s.ID == "" {
		return gears.Published{}, fmt.Errorf("post mastodon status: %w", resp.fail(gears.RemoteUnknown, "the status has no id", nil))
	}
	return s.published(), nil
}

// upload sends one attachment and waits until it is processed.
func (c *Connector) upload(ctx context.Context, server, token string, m gears.OutgoingMedia) (string, error) {
	ct := m.ContentType
	if ct == "" {
		ct = http.DetectContentType(m.Data)
	}
	name := "upload"
	if exts, _ := mime.ExtensionsByType(mediaType(ct)); len(exts) > 0 {
		name += exts[0]
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err == nil {
		_, err = part.Write(m.Data)
	}
	if err == nil && m.Alt != "" {
		err = mw.WriteField("description", m.Alt)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return "", &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected, Message: "cannot encode the attachment", Err: err}
	}
	resp, err := c.send(ctx, server, request{
		method: http.MethodPost, path: "/api/v2/media", token: token,
		body: buf.Bytes(), contentType: mw.FormDataContentType(),
	})
	if err != nil {
		return "", err
	}
	var mr mediaResponse
	if err := resp.decode(&mr); err != nil {
		return "", err
	}
	if mr.ID == "" || strings.ContainsAny(mr.ID, "/?#") {
		return "", resp.fail(gears.RemoteTemporary, "the attachment has no usable id", nil)
	}
	if resp.status == http.StatusOK && mr.URL != nil {
		return mr.ID, nil
	}
	return mr.ID, c.waitProcessed(ctx, server, token, mr.ID)
}

// waitProcessed polls GET /api/v1/media/:id (206 while processing, 200
// when done) with a doubling, bounded wait.
func (c *Connector) waitProcessed(ctx context.Context, server, token, id string) error {
	wait := max(c.PollInterval, 10*time.Millisecond)
	deadline := time.Now().Add(c.MediaTimeout)
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteTemporary, Message: "cancelled while the attachment was processing", Err: ctx.Err()}
		case <-t.C:
		}
		resp, err := c.send(ctx, server, request{method: http.MethodGet, path: "/api/v1/media/" + url.PathEscape(id), token: token})
		if err != nil {
			return err
		}
		if resp.status == http.StatusOK {
			return nil
		}
		if time.Now().After(deadline) {
			return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteTemporary, Status: resp.status,
				Message: fmt.Sprintf("attachment still processing after %s", c.MediaTimeout)}
		}
		wait = min(wait*2, max(c.PollMaxInterval, wait))
	}
}
