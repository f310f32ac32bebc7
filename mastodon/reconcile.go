package mastodon

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
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
// once Mastodon's HTML is reduced to text, and the same number of
// attachments. It reads GET /api/v1/accounts/:id/statuses newest first,
// page by page with max_id, up to ScanLimit statuses. When several match,
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
				comparable(htmlToText(s.Content)) == want {
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

// olderID reports whether id comes before the previous cursor (Mastodon
// IDs are numbers in strings; the first page has no cursor).
func olderID(id, prev string) bool {
	if id == "" {
		return false
	}
	if prev == "" {
		return true
	}
	a, err1 := strconv.ParseUint(id, 10, 64)
	b, err2 := strconv.ParseUint(prev, 10, 64)
	if err1 != nil || err2 != nil {
		return id != prev
	}
	return a < b
}

// comparable reduces a text to what survives Mastodon's rendering.
func comparable(text string) string {
	var b strings.Builder
	for _, seg := range segments(text) {
		b.WriteString(seg.text) // mentions come back as "@user"
	}
	return strings.Join(strings.FieldsFunc(b.String(), unicode.IsSpace), " ")
}

// htmlToText reduces the HTML of Status.content to its text: tags go,
// <br> and paragraph ends become line breaks, entities are decoded, and
// the "invisible" parts of shortened links are kept, so a link reads as
// the full URL again.
func htmlToText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(html.UnescapeString(s[i : i+j]))
			i += j
			continue
		}
		end := tagEnd(s, i)
		name := tagName(s[i+1 : end])
		switch name {
		case "br", "br/":
			b.WriteString("\n")
		case "/p", "p":
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
		}
		i = end + 1
	}
	return b.String()
}

// tagEnd returns the index of the ">" closing the tag opened at i,
// skipping quoted attribute values; len(s)-1 when it is not closed.
func tagEnd(s string, i int) int {
	var quote byte
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		}
	}
	return len(s) - 1
}

func tagName(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, " \t\n\r"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
}
