package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"gears"
	"gears/outbound"
)

var _ gears.MetricsReader = (*Connector)(nil)

// statusBatch is how many statuses one GET /api/v1/statuses asks for
// (Mastodon answers at most this many).
const statusBatch = 20

// PostCounts reads the counts of the account's statuses: replies_count,
// reblogs_count (reposts), favourites_count (likes) and, on Mastodon 4.5
// and later, quotes_count. It asks GET /api/v1/statuses?id[]= for up to
// 20 at a time (Mastodon 4.3 and later); a server that answers it 404
// (before 4.3) is asked GET /api/v1/statuses/:id for each, and remembered.
//
// A status the server does not return (deleted, or no longer visible to
// the account: the batch leaves it out, GET /api/v1/statuses/:id answers
// 404 or 410) is read as Gone; a batch's missing status is confirmed one by
// one before it is. A status whose counts are missing, not whole numbers,
// negative or over gears.MaxCount has no entry, and neither has an ID
// that cannot be a Mastodon ID. The first failure ends the read; the
// answer then holds what was read before it.
func (c *Connector) PostCounts(ctx context.Context, cr gears.Credentials, remoteIDs []string) (map[string]gears.PostReading, error) {
	out := map[string]gears.PostReading{}
	server, err := checkCredentials(cr)
	if err != nil {
		return out, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, id := range remoteIDs {
		if validID(id) && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for start := 0; start < len(ids); start += statusBatch {
		batch := ids[start:min(start+statusBatch, len(ids))]
		if _, old := c.singleStatus.Load(server); !old {
			missing, err := c.readBatch(ctx, server, cr.AccessToken, batch, out)
			var re *gears.RemoteError
			if errors.As(err, &re) && re.Status == http.StatusNotFound {
				c.singleStatus.Store(server, true)
			} else if err != nil {
				return out, fmt.Errorf("read mastodon status counts: %w", err)
			} else {
				batch = missing
			}
		}
		for _, id := range batch {
			if err := c.readOne(ctx, server, cr.AccessToken, id, out); err != nil {
				return out, fmt.Errorf("read mastodon status %s: %w", id, err)
			}
		}
	}
	return out, nil
}

// readBatch reads GET /api/v1/statuses?id[]=… into out and returns the
// IDs the answer left out.
func (c *Connector) readBatch(ctx context.Context, server, token string, batch []string, out map[string]gears.PostReading) ([]string, error) {
	q := url.Values{"id[]": batch}
	resp, err := c.send(ctx, server, request{method: http.MethodGet, path: "/api/v1/statuses?" + q.Encode(), token: token, limit: maxListBody})
	if err != nil {
		return nil, err
	}
	var list []json.RawMessage
	if err := resp.decode(&list); err != nil {
		return nil, err
	}
	asked := map[string]bool{}
	for _, id := range batch {
		asked[id] = true
	}
	answered := map[string]bool{}
	for _, raw := range list {
		id, counts, ok := statusCounts(raw)
		if id == "" || !asked[id] {
			continue // not one asked for: ignored
		}
		answered[id] = true
		if ok {
			out[id] = gears.PostReading{Counts: counts}
		}
	}
	var missing []string
	for _, id := range batch {
		if !answered[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// readOne reads GET /api/v1/statuses/:id into out.
func (c *Connector) readOne(ctx context.Context, server, token, id string, out map[string]gears.PostReading) error {
	resp, err := c.send(ctx, server, request{method: http.MethodGet, path: "/api/v1/statuses/" + url.PathEscape(id), token: token})
	var re *gears.RemoteError
	if errors.As(err, &re) && (re.Status == http.StatusNotFound || re.Status == http.StatusGone) {
		out[id] = gears.PostReading{Gone: true}
		return nil
	}
	if err != nil {
		return err
	}
	got, counts, ok := statusCounts(resp.body)
	if got == id && ok {
		out[id] = gears.PostReading{Counts: counts}
	}
	return nil
}

// statusCounts reads a Status entity's ID and counts; ok is false when
// the counts are unusable.
func statusCounts(raw []byte) (id string, counts gears.PostCounts, ok bool) {
	var s struct {
		ID        string          `json:"id"`
		Replies   json.RawMessage `json:"replies_count"`
		Reblogs   json.RawMessage `json:"reblogs_count"`
		Favorites json.RawMessage `json:"favourites_count"`
		Quotes    json.RawMessage `json:"quotes_count"`
	}
	if json.Unmarshal(raw, &s) != nil || !validID(s.ID) {
		return "", counts, false
	}
	var ok1, ok2, ok3, ok4 bool
	counts.Replies, ok1 = outbound.Count(s.Replies, false)
	counts.Reposts, ok2 = outbound.Count(s.Reblogs, false)
	counts.Likes, ok3 = outbound.Count(s.Favorites, false)
	counts.Quotes, ok4 = outbound.Count(s.Quotes, true)
	return s.ID, counts, ok1 && ok2 && ok3 && ok4
}

// Profile reads followers_count, following_count and statuses_count: of
// the account itself with GET /api/v1/accounts/verify_credentials when
// handle is "", else of the account named by handle ("user@server" or
// "@user@server"; "user" for an account of the same server) with GET
// /api/v1/accounts/lookup on the account's own server, which knows
// remote accounts it has seen (their counts are the server's copy). An
// unknown handle is a RemoteRejected error wrapping gears.ErrNotFound.
func (c *Connector) Profile(ctx context.Context, cr gears.Credentials, handle string) (gears.ProfileCounts, error) {
	server, err := checkCredentials(cr)
	if err != nil {
		return gears.ProfileCounts{}, err
	}
	path := "/api/v1/accounts/verify_credentials"
	if handle != "" {
		acct := strings.TrimPrefix(strings.TrimSpace(handle), "@")
		user, domain, _ := strings.Cut(acct, "@")
		if !validAcct(user, domain) {
			return gears.ProfileCounts{}, &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected,
				Message: "not a Mastodon handle: " + outbound.RemoteText(handle, 100), Err: gears.Invalid("handle", "metrics.handle_invalid")}
		}
		if strings.EqualFold(domain, hostOf(server)) {
			acct = user
		}
		path = "/api/v1/accounts/lookup?" + url.Values{"acct": {acct}}.Encode()
	}
	resp, err := c.send(ctx, server, request{method: http.MethodGet, path: path, token: cr.AccessToken})
	var re *gears.RemoteError
	if errors.As(err, &re) && re.Status == http.StatusNotFound && handle != "" {
		re.Err = gears.ErrNotFound
		return gears.ProfileCounts{}, fmt.Errorf("read mastodon profile %s: %w", outbound.RemoteText(handle, 100), re)
	}
	if err != nil {
		return gears.ProfileCounts{}, fmt.Errorf("read mastodon profile: %w", err)
	}
	var a struct {
		Followers json.RawMessage `json:"followers_count"`
		Following json.RawMessage `json:"following_count"`
		Statuses  json.RawMessage `json:"statuses_count"`
	}
	if err := resp.decode(&a); err != nil {
		return gears.ProfileCounts{}, fmt.Errorf("read mastodon profile: %w", err)
	}
	var p gears.ProfileCounts
	var ok1, ok2, ok3 bool
	p.Followers, ok1 = outbound.Count(a.Followers, false)
	p.Following, ok2 = outbound.Count(a.Following, true)
	p.Posts, ok3 = outbound.Count(a.Statuses, true)
	if !ok1 || !ok2 || !ok3 {
		return gears.ProfileCounts{}, fmt.Errorf("read mastodon profile: %w",
			resp.fail(gears.RemoteRejected, "the account's counts are missing or impossible", nil))
	}
	return p, nil
}

// validAcct reports whether user (and domain, when set) can name a
// Mastodon account: letters, digits and underscores (and dots and dashes,
// which other servers allow), and a host name.
func validAcct(user, domain string) bool {
	if user == "" || len(user) > 64 || len(domain) > 253 {
		return false
	}
	for _, r := range user {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	for _, r := range domain {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == ':') {
			return false
		}
	}
	return true
}

// hostOf returns the host (and port) of a base URL.
func hostOf(server string) string {
	return strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
}
