package mastodon

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gears"
	"gears/outbound"
)

// pageSize is how many items one read asks for: the default page of
// notifications (at most 80), the most a timeline or a search gives.
const pageSize = 40

// notificationTypes are the notification types Notifications asks for.
// A server that does not know one (quote, before Mastodon 4.5) ignores it.
var notificationTypes = []string{"mention", "quote", "reblog", "favourite", "follow"}

// notification is the part of the Notification entity Gears reads.
type notification struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Account   account   `json:"account"`
	Status    *status   `json:"status"`
}

// Notifications reads GET /api/v1/notifications (types mention, quote,
// reblog, favourite and follow) after cursor, a notification ID.
//
// With a cursor, it reads the page immediately newer than it (min_id),
// then the next, up to ReadPages pages of 40, so a backlog is drained in
// bounded steps over several calls; the returned cursor is the newest
// notification read. Without one, it reads only the newest page; when
// that is empty, the cursor returned is "0", before any ID, so that all
// that comes later is read (see startCursor). Pages are
// asked for with min_id built from the IDs read (which the API documents
// as equivalent to its Link header), never by following a URL the server
// gives. IDs compare as Mastodon's do: as numbers (a longer ID is larger),
// or, for servers with fixed-length IDs, in byte order.
//
// Mapping: a mention is gears.KindMention, or gears.KindReply when it
// answers a status of the account; a mention whose status has visibility
// "direct" is gears.KindDirect (see below); a quote is gears.KindQuote; a
// reblog gears.KindRepost, a favourite gears.KindFavourite, a follow
// gears.KindFollow. RemoteID is the status ID for posts, and
// "reblog:<account>:<status>", "favourite:<account>:<status>",
// "follow:<account>" for activity. Thread is the status answered (or the
// status itself) for posts, the status quoted for quotes, the status
// acted on for reblogs and favourites, and "follow:<account>" for follows.
// CreatedAt is the status's for posts and the notification's for
// activity. Text is the content warning, then the content reduced to
// plain text (see MaxTextLength); for reblogs and favourites, the text of
// the account's own status acted on.
//
// Direct messages are read from mention notifications, not from GET
// /api/v1/conversations: every direct status names its recipients, so
// each one arrives as a mention, whereas a conversation shows only its
// last status and would lose the others between two polls. Their Thread
// is "dm:" followed by the status answered (or the status itself), their
// Reply.Visibility "direct". A reply to a followers-only status has
// Reply.Visibility "private", so that the answer is no more public than
// the question. On Mastodon 4.3 and later, the account's notification
// policy may filter some notifications (by default, private mentions from
// accounts it does not follow); filtered notifications are not read.
//
// The account's own ID, which tells a reply from a mention (and leaves
// the account's own posts out of Search), is read once per token with GET
// /api/v1/accounts/verify_credentials. A failure after the first page
// ends the read early: the pages read are returned with their cursor, and
// the next call meets the failure again.
func (c *Connector) Notifications(ctx context.Context, cr gears.Credentials, cursor string) (gears.Page, error) {
	server, err := checkCredentials(cr)
	if err == nil {
		err = checkCursor(cursor)
	}
	if err != nil {
		return gears.Page{}, err
	}
	me, err := c.accountID(ctx, server, cr.AccessToken)
	if err != nil {
		return gears.Page{}, fmt.Errorf("read mastodon notifications: %w", err)
	}
	q := url.Values{"limit": {strconv.Itoa(pageSize)}, "types[]": notificationTypes}
	items, next, err := c.readAfter(ctx, server, cr.AccessToken, "/api/v1/notifications", q, cursor)
	if err != nil {
		return gears.Page{}, fmt.Errorf("read mastodon notifications: %w", err)
	}
	page := gears.Page{Cursor: next}
	seen := map[string]bool{}
	for _, raw := range items {
		var n notification
		if json.Unmarshal(raw, &n) != nil {
			continue // unreadable: skipped, and the cursor is past it
		}
		if m, ok := notificationMessage(n, me, server); ok && !seen[m.RemoteID] {
			seen[m.RemoteID] = true
			page.Messages = append(page.Messages, m)
		}
	}
	return page, nil
}

// Search reads public posts matching query after cursor, a status ID, as
// gears.KindMatch messages, oldest first, without the account's own posts,
// boosts, and followers-only or direct statuses.
//
// A query starting with "#" reads the hashtag's timeline, GET
// /api/v1/timelines/tag/:hashtag, forward from the cursor as
// Notifications does. Any other query reads GET /api/v2/search
// (type=statuses, resolve=false) with min_id=cursor, page after page with
// offset, up to ReadPages pages of 40. The API documents min_id there as
// "immediately newer", but Mastodon 4 with Elasticsearch turns it into
// "created after the cursor's second" and returns the newest matches
// first; reading with offset under a fixed min_id, and dropping what is
// not newer than the cursor, gathers the same matches either way. Where
// the server gives the newest first and more than ReadPages pages matched
// since the last call, the older surplus is skipped: a search that busy
// needs a shorter poll interval. Without a cursor, only the newest page is
// read (and "0" returned when it is empty, as by Notifications). Which statuses a search finds at all depends on the server (full-
// text search needs Elasticsearch, and Mastodon 4.2 and later search only
// the posts of accounts that opted in).
//
// An empty query, or a hashtag with other characters than letters,
// digits and "_", is a gears.RemoteRejected error wrapping a
// gears.Invalid("query", …).
func (c *Connector) Search(ctx context.Context, cr gears.Credentials, query, cursor string) (gears.Page, error) {
	server, err := checkCredentials(cr)
	if err == nil {
		err = checkCursor(cursor)
	}
	if err != nil {
		return gears.Page{}, err
	}
	query = strings.TrimSpace(query)
	tag, isTag := strings.CutPrefix(query, "#")
	switch {
	case isTag && !validTag(tag):
		return gears.Page{}, invalidQuery(query, "mastodon.hashtag_invalid")
	case !isTag && (query == "" || utf8.RuneCountInString(query) > 500):
		return gears.Page{}, invalidQuery(query, "mastodon.query_invalid")
	}
	me, err := c.accountID(ctx, server, cr.AccessToken)
	if err != nil {
		return gears.Page{}, fmt.Errorf("search mastodon: %w", err)
	}
	var items []json.RawMessage
	var next string
	if isTag {
		q := url.Values{"limit": {strconv.Itoa(pageSize)}}
		items, next, err = c.readAfter(ctx, server, cr.AccessToken, "/api/v1/timelines/tag/"+url.PathEscape(tag), q, cursor)
	} else {
		items, next, err = c.searchAfter(ctx, server, cr.AccessToken, query, cursor)
	}
	if err != nil {
		return gears.Page{}, fmt.Errorf("search mastodon for %q: %w", outbound.RemoteText(query, 100), err)
	}
	page := gears.Page{Cursor: next}
	for _, raw := range items {
		var s status
		if json.Unmarshal(raw, &s) != nil || s.Reblog != nil || s.Account.ID == me ||
			s.Visibility == "private" || s.Visibility == "direct" || !validID(s.Account.ID) {
			continue
		}
		m := postMessage(&s, remoteAccount(s.Account, server))
		m.Kind = gears.KindMatch
		m.Reply.Visibility = ""
		page.Messages = append(page.Messages, m)
	}
	return page, nil
}

func invalidQuery(query, key string) error {
	return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected,
		Message: "invalid search " + strconv.Quote(outbound.RemoteText(query, 100)), Err: gears.Invalid("query", key)}
}

// validTag reports whether tag is a hashtag's name as Mastodon writes
// them: letters, digits, marks, "_" and the middle dot.
func validTag(tag string) bool {
	if tag == "" || utf8.RuneCountInString(tag) > 100 {
		return false
	}
	for _, r := range tag {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_' || r == '·') {
			return false
		}
	}
	return true
}

func checkCursor(cursor string) error {
	if cursor != "" && !validID(cursor) {
		return &gears.RemoteError{Network: gears.Mastodon, Kind: gears.RemoteRejected, Message: "invalid cursor " + strconv.Quote(outbound.RemoteText(cursor, 80))}
	}
	return nil
}

// validID reports whether id can be an ID of Mastodon (digits) or of a
// server speaking its API (GoToSocial's ULIDs, Pleroma's flake IDs):
// letters and digits, at most 64.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || isASCIILetter(c)) {
			return false
		}
	}
	return true
}

// compareID orders two IDs: the longer is the larger (Mastodon's are
// numbers without leading zeros), then byte order (which also orders the
// fixed-length IDs of other servers).
func compareID(a, b string) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}

// newer returns the items of list with a valid ID after cursor, each
// once, oldest first, with their IDs.
func newer(list []json.RawMessage, cursor string) ([]json.RawMessage, []string) {
	type item struct {
		id  string
		raw json.RawMessage
	}
	var items []item
	seen := map[string]bool{}
	for _, raw := range list {
		var v struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &v) != nil || !validID(v.ID) || seen[v.ID] || cursor != "" && compareID(v.ID, cursor) <= 0 {
			continue
		}
		seen[v.ID] = true
		items = append(items, item{v.ID, raw})
	}
	slices.SortFunc(items, func(a, b item) int { return compareID(a.id, b.id) })
	raws, ids := make([]json.RawMessage, len(items)), make([]string, len(items))
	for i, it := range items {
		raws[i], ids[i] = it.raw, it.id
	}
	return raws, ids
}

func (c *Connector) readPages() int { return max(c.ReadPages, 1) }

// startCursor is the cursor after a first read that found nothing: an ID
// before every other, numeric (Mastodon) or not (ULIDs, flake IDs), so
// that everything that comes later is new. Without it the next read would
// be a first read again, and would take only the newest page of a burst.
const startCursor = "0"

// readAfter reads a list Mastodon pages with min_id (notifications,
// timelines) forward from cursor: the page immediately newer than it,
// then the next, up to ReadPages pages, stopping at a page that is not
// full. Without a cursor it reads the newest page only. It returns the
// items oldest first and the cursor after them.
func (c *Connector) readAfter(ctx context.Context, server, token, path string, q url.Values, cursor string) ([]json.RawMessage, string, error) {
	var out []json.RawMessage
	for p := 0; p < c.readPages(); p++ {
		if cursor != "" {
			q.Set("min_id", cursor)
		}
		list, err := c.getList(ctx, server, token, path+"?"+q.Encode(), nil)
		if err != nil {
			if p > 0 {
				break
			}
			return nil, "", err
		}
		items, ids := newer(list, cursor)
		out = append(out, items...)
		if len(ids) > 0 {
			cursor = ids[len(ids)-1]
		}
		if p == 0 && q.Get("min_id") == "" || len(ids) == 0 || len(list) < pageSize {
			break
		}
	}
	if cursor == "" {
		cursor = startCursor
	}
	return out, cursor, nil
}

// searchAfter reads the statuses GET /api/v2/search finds for query after
// cursor, pages of 40 at increasing offsets under the same min_id, up to
// ReadPages pages (see Search). Without a cursor it reads the newest page
// only.
func (c *Connector) searchAfter(ctx context.Context, server, token, query, cursor string) ([]json.RawMessage, string, error) {
	q := url.Values{"q": {query}, "type": {"statuses"}, "resolve": {"false"}, "limit": {strconv.Itoa(pageSize)}}
	if cursor != "" {
		q.Set("min_id", cursor)
	}
	var all []json.RawMessage
	for p := 0; p < c.readPages(); p++ {
		if p > 0 {
			q.Set("offset", strconv.Itoa(p*pageSize))
		}
		list, err := c.getList(ctx, server, token, "/api/v2/search?"+q.Encode(), func(r *response) ([]json.RawMessage, error) {
			var v struct {
				Statuses []json.RawMessage `json:"statuses"`
			}
			err := r.decode(&v)
			return v.Statuses, err
		})
		if err != nil {
			if p > 0 {
				break
			}
			return nil, "", err
		}
		all = append(all, list...)
		if cursor == "" || len(list) < pageSize {
			break
		}
	}
	items, ids := newer(all, cursor)
	if len(ids) > 0 {
		cursor = ids[len(ids)-1]
	}
	if cursor == "" {
		cursor = startCursor
	}
	return items, cursor, nil
}

// getList makes one GET and returns the JSON array it answers, or, with
// unwrap, the array unwrap takes from the answer.
func (c *Connector) getList(ctx context.Context, server, token, path string, unwrap func(*response) ([]json.RawMessage, error)) ([]json.RawMessage, error) {
	resp, err := c.send(ctx, server, request{method: http.MethodGet, path: path, token: token, limit: maxListBody})
	if err != nil {
		return nil, err
	}
	if unwrap != nil {
		return unwrap(resp)
	}
	var list []json.RawMessage
	err = resp.decode(&list)
	return list, err
}

// notificationMessage maps a notification to a message; false for one
// Gears does not read or cannot use.
func notificationMessage(n notification, me, server string) (gears.InboundMessage, bool) {
	from := n.Account
	if !validID(from.ID) {
		return gears.InboundMessage{}, false
	}
	author := remoteAccount(from, server)
	s := n.Status
	if n.Type == "follow" {
		id := "follow:" + from.ID
		return gears.InboundMessage{RemoteID: id, Kind: gears.KindFollow, Thread: id, Author: author,
			URL: author.URL, CreatedAt: n.CreatedAt}, true
	}
	if s == nil || !validID(s.ID) {
		return gears.InboundMessage{}, false
	}
	m := postMessage(s, author)
	switch n.Type {
	case "mention", "quote":
		switch {
		case s.Visibility == "direct":
			m.Kind = gears.KindDirect
			m.Thread = "dm:" + m.Thread
		case n.Type == "quote":
			m.Kind = gears.KindQuote
			if q := s.Quote; q != nil && q.QuotedStatus != nil && validID(q.QuotedStatus.ID) {
				m.Thread = q.QuotedStatus.ID
			}
		case s.InReplyToAccountID != nil && *s.InReplyToAccountID == me:
			m.Kind = gears.KindReply
		default:
			m.Kind = gears.KindMention
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = n.CreatedAt
		}
	case "reblog", "favourite":
		m.Kind = gears.KindRepost
		if n.Type == "favourite" {
			m.Kind = gears.KindFavourite
		}
		m.RemoteID = n.Type + ":" + from.ID + ":" + s.ID
		m.Thread = s.ID
		m.CreatedAt = n.CreatedAt
	default:
		return gears.InboundMessage{}, false
	}
	return m, true
}

// postMessage maps a status whose ID is valid, without its kind.
func postMessage(s *status, author gears.RemoteAccount) gears.InboundMessage {
	thread := s.ID
	if s.InReplyToID != nil && validID(*s.InReplyToID) {
		thread = *s.InReplyToID
	}
	lang := ""
	if s.Language != nil {
		lang = language(*s.Language)
	}
	u := ""
	if s.URL != nil {
		u = webURL(*s.URL)
	}
	if u == "" {
		u = author.URL
	}
	vis := ""
	if s.Visibility == "direct" || s.Visibility == "private" {
		vis = s.Visibility
	}
	ref := gears.PostRef{ID: s.ID}
	return gears.InboundMessage{
		RemoteID:  s.ID,
		Thread:    thread,
		Post:      ref,
		Reply:     gears.ReplyTo{Parent: ref, Root: ref, Visibility: vis},
		Author:    author,
		Text:      inboundText(s.SpoilerText, s.Content),
		URL:       u,
		Lang:      lang,
		CreatedAt: s.CreatedAt,
	}
}

// language returns a language tag such as "en" or "pt-BR" as it is, or
// "" for anything else.
func language(tag string) string {
	if len(tag) > 35 {
		return ""
	}
	for i, part := range strings.FieldsFunc(tag, func(r rune) bool { return r == '-' || r == '_' }) {
		if i == 0 && (len(part) < 2 || len(part) > 3) || len(part) > 8 {
			return ""
		}
		for j := 0; j < len(part); j++ {
			if c := part[j]; !(isASCIILetter(c) || i > 0 && c >= '0' && c <= '9') {
				return ""
			}
		}
	}
	if strings.Contains(tag, "--") || strings.HasPrefix(tag, "-") || strings.HasSuffix(tag, "-") {
		return ""
	}
	return tag
}

// webURL returns u when it is an absolute http or https URL of at most
// 500 bytes, and "" otherwise (javascript:, data:, relative, …).
func webURL(u string) string {
	if len(u) > 500 {
		return ""
	}
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" || p.User != nil {
		return ""
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.String()
	}
	return ""
}

// oneLine is plainText on one line: for names.
func oneLine(s string, n int) string {
	return strings.Join(strings.Fields(plainText(s, n)), " ")
}
