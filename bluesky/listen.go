package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gears"
	"gears/outbound"
)

var _ gears.Listener = (*Connector)(nil)

// Reading lists. Both lists Gears reads (notifications, search results)
// come newest first, a page at a time, with an opaque cursor to older
// pages. A poll reads from the newest entry back to the point its cursor
// names, at most maxPages pages of pageSize entries.
const (
	pageSize  = 50
	maxPages  = 10
	listLimit = 8 << 20 // bytes of one page's answer
	maxText   = 64 << 10
)

// Notifications reads the account's notifications
// (app.bsky.notification.listNotifications, through the PDS, which passes
// it to the AppView named by AppView): mentions, replies, quotes,
// reposts, likes and follows, oldest first. Other reasons (a like of a
// repost, a starter pack joined, a verification) are passed over.
//
// An empty cursor reads the newest page only; any other reads every
// notification after the cursor's point, up to maxPages pages (a larger
// backlog loses its oldest part). See listCursor for what the cursor
// holds.
func (cn *Connector) Notifications(ctx context.Context, c gears.Credentials, cursor string) (gears.Page, error) {
	page, err := cn.readList(ctx, c, cursor, "app.bsky.notification.listNotifications", url.Values{}, false,
		func(data []byte) ([]entry, string, error) {
			var out struct {
				Notifications []notificationView `json:"notifications"`
				Cursor        string             `json:"cursor"`
			}
			if err := json.Unmarshal(data, &out); err != nil {
				return nil, "", err
			}
			entries := make([]entry, 0, len(out.Notifications))
			for _, n := range out.Notifications {
				at, ok := parseTime(n.IndexedAt)
				if !ok || n.URI == "" {
					continue // cannot be placed in the list
				}
				msg, ok := cn.notificationMessage(n, at)
				e := entry{key: n.URI, at: at}
				if ok {
					e.msg = &msg
				}
				entries = append(entries, e)
			}
			return entries, out.Cursor, nil
		})
	if err != nil {
		return gears.Page{}, fmt.Errorf("read bluesky notifications: %w", err)
	}
	return page, nil
}

// Search reads recent public posts that match query
// (app.bsky.feed.searchPosts with sort=latest, through the PDS and the
// AppView), as messages of kind gears.KindMatch, oldest first, with the
// same cursor as Notifications. The search's since parameter is set from
// the cursor; posts at or before the cursor's point are left out here
// too, as an AppView may not honour since.
func (cn *Connector) Search(ctx context.Context, c gears.Credentials, query, cursor string) (gears.Page, error) {
	q := strings.TrimSpace(query)
	if q == "" || utf8.RuneCountInString(q) > 512 {
		return gears.Page{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected,
			Message: "the search needs a query of at most 512 characters", Err: gears.Invalid("query", "bluesky.query_invalid")}
	}
	params := url.Values{"q": {q}, "sort": {"latest"}}
	page, err := cn.readList(ctx, c, cursor, "app.bsky.feed.searchPosts", params, true,
		func(data []byte) ([]entry, string, error) {
			var out struct {
				Posts  []postView `json:"posts"`
				Cursor string     `json:"cursor"`
			}
			if err := json.Unmarshal(data, &out); err != nil {
				return nil, "", err
			}
			entries := make([]entry, 0, len(out.Posts))
			for _, p := range out.Posts {
				at, ok := parseTime(p.IndexedAt)
				if !ok || p.URI == "" {
					continue
				}
				msg, ok := cn.postMessage(gears.KindMatch, p.URI, p.CID, p.Author, p.Record, at)
				e := entry{key: p.URI, at: at}
				if ok {
					e.msg = &msg
				}
				entries = append(entries, e)
			}
			return entries, out.Cursor, nil
		})
	if err != nil {
		return gears.Page{}, fmt.Errorf("search bluesky for %q: %w", outbound.RemoteText(q, 100), err)
	}
	return page, nil
}

// readList reads the pages of a newest-first list (nsid, with params, and
// since from the cursor when withSince is set) that are newer than
// cursor, decoding each answer with decode.
func (cn *Connector) readList(ctx context.Context, c gears.Credentials, cursor, nsid string, params url.Values, withSince bool,
	decode func([]byte) ([]entry, string, error)) (gears.Page, error) {
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return gears.Page{}, err
	}
	proxy, err := cn.appView()
	if err != nil {
		return gears.Page{}, err
	}
	cur, err := parseListCursor(cursor)
	if err != nil {
		return gears.Page{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Message: "invalid cursor", Err: err}
	}
	if withSince && !cur.since.IsZero() {
		params.Set("since", cur.since.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z"))
	}
	a := cn.account(server, c)
	fetch := func(apiCursor string) ([]entry, string, error) {
		q := url.Values{}
		for k, v := range params {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(pageSize))
		if apiCursor != "" {
			q.Set("cursor", apiCursor)
		}
		var raw json.RawMessage
		err := cn.authed(ctx, server, a, c, func(s session) error {
			return cn.do(ctx, server, call{method: http.MethodGet, nsid: nsid, query: q, token: s.access, proxy: proxy, limit: listLimit, quota: a}, &raw)
		})
		if err != nil {
			return nil, "", err
		}
		entries, next, err := decode(raw)
		if err != nil {
			return nil, "", answerError(call{nsid: nsid}, http.StatusOK, "the answer is not the list expected", err)
		}
		return entries, next, nil
	}
	msgs, next, err := readNewer(cur, fetch)
	if err != nil {
		return gears.Page{}, err
	}
	return gears.Page{Messages: msgs, Cursor: next.String()}, nil
}

// appView returns the atproto-proxy value for app.bsky.* reads.
func (cn *Connector) appView() (string, error) {
	v := strings.TrimSpace(cn.AppView)
	if v == "" {
		return DefaultAppView, nil
	}
	did, fragment, ok := strings.Cut(v, "#")
	if !ok || !validDID(did) || fragment == "" || len(fragment) > 64 || strings.IndexFunc(fragment, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) >= 0 {
		return "", &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected,
			Message: "invalid AppView " + outbound.RemoteText(v, 100), Err: gears.Invalid("app_view", "bluesky.appview_invalid")}
	}
	return v, nil
}

// What the AppView answers.
type (
	profileView struct {
		DID         string `json:"did"`
		Handle      string `json:"handle"`
		DisplayName string `json:"displayName"`
	}
	notificationView struct {
		URI       string          `json:"uri"`
		CID       string          `json:"cid"`
		Author    profileView     `json:"author"`
		Reason    string          `json:"reason"`
		Record    json.RawMessage `json:"record"`
		IndexedAt string          `json:"indexedAt"`
	}
	postView struct {
		URI       string          `json:"uri"`
		CID       string          `json:"cid"`
		Author    profileView     `json:"author"`
		Record    json.RawMessage `json:"record"`
		IndexedAt string          `json:"indexedAt"`
	}
	// inboundPost is the part of an app.bsky.feed.post record Gears reads.
	inboundPost struct {
		Text      string    `json:"text"`
		CreatedAt string    `json:"createdAt"`
		Langs     []string  `json:"langs"`
		Reply     *replyRef `json:"reply"`
	}
	// subjectRecord is a like or a repost.
	subjectRecord struct {
		Subject   strongRef `json:"subject"`
		CreatedAt string    `json:"createdAt"`
	}
	followRecord struct {
		Subject   string `json:"subject"`
		CreatedAt string `json:"createdAt"`
	}
)

// notificationMessage turns a notification into a message; ok is false
// for reasons Gears does not read and for notifications it cannot use.
func (cn *Connector) notificationMessage(n notificationView, indexed time.Time) (gears.InboundMessage, bool) {
	switch n.Reason {
	case "mention":
		return cn.postMessage(gears.KindMention, n.URI, n.CID, n.Author, n.Record, indexed)
	case "reply":
		return cn.postMessage(gears.KindReply, n.URI, n.CID, n.Author, n.Record, indexed)
	case "quote":
		return cn.postMessage(gears.KindQuote, n.URI, n.CID, n.Author, n.Record, indexed)
	case "like", "repost":
		author, ok := cn.author(n.Author)
		var rec subjectRecord
		if !ok || json.Unmarshal(n.Record, &rec) != nil {
			return gears.InboundMessage{}, false
		}
		did, rkey, ok := parsePostURI(rec.Subject.URI)
		if !ok || !validCID(rec.Subject.CID) {
			return gears.InboundMessage{}, false
		}
		kind := gears.KindFavourite
		if n.Reason == "repost" {
			kind = gears.KindRepost
		}
		return gears.InboundMessage{
			RemoteID:  n.Reason + ":" + author.ID + ":" + rec.Subject.URI,
			Kind:      kind,
			Thread:    rec.Subject.URI,
			Post:      gears.PostRef{ID: rec.Subject.URI, CID: rec.Subject.CID},
			Author:    author,
			URL:       cn.postURL("", did, rkey),
			CreatedAt: createdAt(rec.CreatedAt, indexed),
		}, true
	case "follow":
		author, ok := cn.author(n.Author)
		var rec followRecord
		if !ok || json.Unmarshal(n.Record, &rec) != nil {
			return gears.InboundMessage{}, false
		}
		id := "follow:" + author.ID
		return gears.InboundMessage{
			RemoteID:  id,
			Kind:      gears.KindFollow,
			Thread:    id,
			Author:    author,
			URL:       author.URL,
			CreatedAt: createdAt(rec.CreatedAt, indexed),
		}, true
	}
	return gears.InboundMessage{}, false
}

// postMessage turns a post (its URI, CID, author and record) into a
// message of kind. Its thread is the root of the thread it answers, or
// the post itself; an answer to it goes under it, in that thread.
func (cn *Connector) postMessage(kind gears.MessageKind, uri, cid string, av profileView, record json.RawMessage, indexed time.Time) (gears.InboundMessage, bool) {
	author, ok := cn.author(av)
	did, rkey, uriOK := parsePostURI(uri)
	var rec inboundPost
	if !ok || !uriOK || did != author.ID || !validCID(cid) || json.Unmarshal(record, &rec) != nil {
		return gears.InboundMessage{}, false
	}
	self := gears.PostRef{ID: uri, CID: cid}
	root := self
	if r := rec.Reply; r != nil {
		if _, _, ok := parsePostURI(r.Root.URI); ok && validCID(r.Root.CID) {
			root = gears.PostRef{ID: r.Root.URI, CID: r.Root.CID}
		}
	}
	msg := gears.InboundMessage{
		RemoteID:  uri,
		Kind:      kind,
		Thread:    root.ID,
		Post:      self,
		Reply:     gears.ReplyTo{Parent: self, Root: root},
		Author:    author,
		Text:      plainText(rec.Text),
		URL:       cn.postURL(strings.TrimPrefix(author.Handle, "@"), did, rkey),
		CreatedAt: createdAt(rec.CreatedAt, indexed),
	}
	if len(rec.Langs) > 0 && validLang(rec.Langs[0]) {
		msg.Lang = rec.Langs[0]
	}
	return msg, true
}

// author describes the author of a notification or post; ok is false
// when its DID is not one.
func (cn *Connector) author(p profileView) (gears.RemoteAccount, bool) {
	if !validDID(p.DID) {
		return gears.RemoteAccount{}, false
	}
	handle := normalizeHandle(p.Handle)
	if !validHandle(handle) {
		handle = ""
	}
	return cn.remoteAccount(p.DID, handle, outbound.RemoteText(p.DisplayName, 64)), true
}

// plainText keeps a post's text as it is, but for what no text column
// can hold: invalid UTF-8 and NUL characters. It stays untrusted.
func plainText(s string) string {
	if len(s) > maxText {
		s = s[:maxText]
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// createdAt is the time a record states, or indexed when it states none.
func createdAt(s string, indexed time.Time) time.Time {
	if t, ok := parseTime(s); ok {
		return t
	}
	return indexed
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// parsePostURI reads at://DID/app.bsky.feed.post/RKEY.
func parsePostURI(s string) (did, rkey string, ok bool) {
	rest, found := strings.CutPrefix(s, "at://")
	if !found || len(s) > 8192 {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || !validDID(parts[0]) || parts[1] != postCollection || !validRecordKey(parts[2]) {
		return "", "", false
	}
	return parts[0], parts[2], true
}

// validRecordKey checks the record key syntax of the AT Protocol.
func validRecordKey(s string) bool {
	if s == "" || len(s) > 512 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._:~-", c) >= 0) {
			return false
		}
	}
	return true
}

// validHandle checks the handle syntax of the AT Protocol (a domain name
// of two labels or more, the last not starting with a digit).
func validHandle(s string) bool {
	if len(s) > 253 || s == "handle.invalid" {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	last := labels[len(labels)-1]
	return last[0] >= 'a' && last[0] <= 'z'
}

// validLang accepts what looks like a BCP-47 tag: en, pt-BR, zh-Hant-TW.
func validLang(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for i, part := range strings.Split(s, "-") {
		if part == "" || len(part) > 8 || (i == 0 && len(part) < 2) {
			return false
		}
		for j := 0; j < len(part); j++ {
			c := part[j]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}
