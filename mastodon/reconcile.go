package mastodon

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"gears"
)

// IdempotencyWindow is how long Mastodon remembers an Idempotency-Key
// (documented as "up to 1 hour"). Within it, publishing again with the
// same key is itself a safe reconciliation.
const IdempotencyWindow = time.Hour

// clockSkew widens the search of FindPost to statuses stamped a little
// before since by a server whose clock runs behind ours.
const clockSkew = 5 * time.Minute

// FindPublished reconciles a delivery whose outcome is unknown. Mastodon
// does not return or store the Idempotency-Key anywhere a client can read
// it, so the post is found by its content: see FindPost.
func (c *Connector) FindPublished(ctx context.Context, cr gears.Credentials, post gears.OutgoingPost, since time.Time) (gears.Published, error) {
	return c.FindPost(ctx, cr, post, since)
}

// FindPost looks among the account's own statuses created since (less a
// few minutes of clock skew) for the one that publishes post: same text,
// once Mastodon's HTML is reduced to text, the same number of
// attachments, and the same status answered (none for a post that is not
// a reply), so that a short reply such as "Thanks!" is not mistaken for
// the same words said to someone else. It reads GET
// /api/v1/accounts/:id/statuses newest first, page by page with max_id,
// up to ScanLimit statuses (direct ones included: the author sees them). When several match,
// the oldest is returned (the first attempt's). It returns
// gears.ErrNotFound when there is none.
//
// Text is compared after reducing both sides the way Mastodon renders
// them: whitespace runs count as one space, and a remote mention
// "@user@domain" as "@user" (Mastodon shows only the username).
func (c *Connector) FindPost(ctx context.Context, cr gears.Credentials, post gears.OutgoingPost, since time.Time) (gears.Published, error) {
	server, err := checkCredentials(cr)
	if err != nil {
		return gears.Published{}, err
	}
	a, err := c.verify(ctx, server, cr.AccessToken)
	if err != nil {
		return gears.Published{}, fmt.Errorf("find mastodon post: %w", err)
	}
	want := comparable(post.Text)
	from := since.Add(-clockSkew)
	limit := c.ScanLimit
	if limit <= 0 {
		limit = 200
	}
	var found *status
	seen, maxID := 0, ""
scan:
	for seen < limit {
		q := url.Values{"limit": {"40"}, "exclude_reblogs": {"true"}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		resp, err := c.send(ctx, server, request{
			method: http.MethodGet,
			path:   "/api/v1/accounts/" + url.PathEscape(a.ID) + "/statuses?" + q.Encode(),
			token:  cr.AccessToken,
			limit:  maxListBody,
		})
		if err != nil {
			return gears.Published{}, fmt.Errorf("find mastodon post: %w", err)
		}
		var page []status
		if err := resp.decode(&page); err != nil {
			return gears.Published{}, fmt.Errorf("find mastodon post: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for i := range page {
			s := &page[i]
			if seen >= limit || !since.IsZero() && s.CreatedAt.Before(from) {
				break scan
			}
			seen++
			if s.Reblog == nil && s.ID != "" && len(s.MediaAttachments) == len(post.Media) &&
				sameParent(s, post.Reply) && comparable(htmlText(s.Content)) == want {
				found = s
			}
		}
		next := page[len(page)-1].ID
		if !olderID(next, maxID) {
			break // the server does not move backwards: stop rather than loop
		}
		maxID = next
	}
	if found == nil {
		return gears.Published{}, gears.ErrNotFound
	}
	return found.published(), nil
}

// olderID reports whether id comes before the previous cursor (the first
// page has no cursor).
func olderID(id, prev string) bool {
	return id != "" && (prev == "" || compareID(id, prev) < 0)
}

// comparable reduces a text to what survives Mastodon's rendering.
func comparable(text string) string {
	var b strings.Builder
	for _, seg := range segments(text) {
		b.WriteString(seg.text) // mentions come back as "@user"
	}
	return strings.Join(strings.FieldsFunc(b.String(), unicode.IsSpace), " ")
}

// sameParent reports whether s answers the status reply names, or, for no
// reply, answers none.
func sameParent(s *status, reply *gears.ReplyTo) bool {
	parent := ""
	if reply != nil {
		parent = strings.TrimSpace(reply.Parent.ID)
	}
	got := ""
	if s.InReplyToID != nil {
		got = *s.InReplyToID
	}
	return got == parent
}
