package feeds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"gears"
	"gears/outbound"
)

// DefaultMaxBytes is the largest feed read when Reader.MaxBytes is 0.
const DefaultMaxBytes = 5 << 20

// Limits of what one read returns.
const (
	firstRead    = 20   // items returned by a read without a cursor
	maxPerRead   = 100  // items returned by one read; the rest come with the next
	maxText      = 2000 // runes of a message's text
	maxSummary   = 500  // runes of an Item's summary
	maxTitle     = 300  // runes of a title
	maxRedirects = 5
)

// Errors wrapped by the *gears.RemoteError of a feed that cannot be used.
var (
	ErrNotFeed  = errors.New("feeds: not an RSS, Atom or JSON feed")
	ErrTooLarge = errors.New("feeds: feed larger than the limit")
)

// Reader reads feeds. The zero Reader is ready to use.
type Reader struct {
	// Client makes the requests; nil means outbound.Client(nil). Redirects
	// (at most 5, to http or https only) are followed by the Reader, not by
	// the client.
	Client *http.Client
	// MaxBytes is the largest body read, after decompression; 0 means
	// DefaultMaxBytes. A larger feed is an error, not a truncated feed.
	MaxBytes int64
}

// Item is one entry of a feed, for the composer's curated content.
type Item struct {
	ID        string    // the GUID, else the link, else a hash of title and date
	Title     string    // plain text
	Link      string    // http(s) only; "" when the item has none usable
	Summary   string    // plain text of the description or content, cut
	Published time.Time // published, else updated; zero when the feed says neither
}

// defaultClient is shared by the Readers without a Client of their own.
var defaultClient = sync.OnceValue(func() *http.Client { return outbound.Client(nil) })

func (r *Reader) client() *http.Client {
	if r.Client == nil {
		return defaultClient()
	}
	return outbound.Client(r.Client)
}

func (r *Reader) maxBytes() int64 {
	if r.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return r.MaxBytes
}

// Read fetches the feed at feedURL and returns its items newer than
// cursor, oldest first, with the cursor to store for the next read.
//
// The GET is conditional (If-None-Match, If-Modified-Since) on what the
// cursor remembers: a 304 returns no messages and the same cursor. With
// cursor "" (or one that cannot be decoded) only the 20 most recent items
// are returned, so following a feed does not import its history. An item
// is new when its ID was not seen by earlier reads and it is not dated
// before the oldest item the cursor remembers; one read returns at most
// 100 items, and the next read continues with the rest.
//
// Each message has Kind gears.KindMatch; RemoteID and Thread are the
// item's ID (GUID, else link, else a hash of title and date); Text is the
// title, a blank line and the plain text of the description (or content),
// at most about 2,000 characters; URL the item's http(s) link; Author the
// item's author, or the feed's title, with the site's host as Handle;
// CreatedAt the published (or updated) date, or now.
func (r *Reader) Read(ctx context.Context, feedURL, cursor string) (gears.Page, error) {
	cur, ok := decodeCursor(cursor)
	if !ok {
		cur = state{}
	}
	doc, err := r.fetch(ctx, feedURL, cur.ETag, cur.Modified)
	if err != nil {
		return gears.Page{}, err
	}
	if doc.notModified {
		return gears.Page{Cursor: cursor}, nil
	}
	f, err := parse(doc.body)
	if err != nil {
		return gears.Page{}, err
	}
	now := time.Now().UTC()
	all := entries(f, doc.url, now)

	var fresh []entry
	if !ok {
		fresh = all[max(0, len(all)-firstRead):]
	} else {
		seen := make(map[string]bool, len(cur.Seen))
		for _, h := range cur.Seen {
			seen[h] = true
		}
		for _, e := range all {
			if seen[e.hash] || (!e.date.IsZero() && !cur.Floor.IsZero() && e.date.Before(cur.Floor)) {
				continue
			}
			fresh = append(fresh, e)
		}
	}
	next := state{ETag: doc.etag, Modified: doc.modified}
	held := map[string]bool{}
	if len(fresh) > maxPerRead {
		for _, e := range fresh[maxPerRead:] {
			held[e.hash] = true
		}
		fresh = fresh[:maxPerRead]
		// The same document must be read again for the rest.
		next.ETag, next.Modified = "", ""
	}
	next.remember(all, held, cur)

	msgs := make([]gears.InboundMessage, len(fresh))
	for i, e := range fresh {
		created := e.date
		if created.IsZero() {
			created = now
		}
		msgs[i] = gears.InboundMessage{
			RemoteID:  e.id,
			Kind:      gears.KindMatch,
			Thread:    e.id,
			Author:    e.author,
			Text:      e.text(),
			URL:       e.link,
			Lang:      e.lang,
			CreatedAt: created,
		}
	}
	return gears.Page{Messages: msgs, Cursor: next.encode()}, nil
}

// Items fetches the feed at feedURL and returns its latest items, newest
// first, at most limit (20 when limit <= 0, never more than 100).
func (r *Reader) Items(ctx context.Context, feedURL string, limit int) ([]Item, error) {
	if limit <= 0 {
		limit = firstRead
	}
	limit = min(limit, maxPerRead)
	doc, err := r.fetch(ctx, feedURL, "", "")
	if err != nil {
		return nil, err
	}
	f, err := parse(doc.body)
	if err != nil {
		return nil, err
	}
	all := entries(f, doc.url, time.Now().UTC())
	items := make([]Item, 0, min(limit, len(all)))
	for i := len(all) - 1; i >= 0 && len(items) < limit; i-- {
		e := all[i]
		items = append(items, Item{ID: e.id, Title: e.title, Link: e.link, Summary: clip(e.body, maxSummary), Published: e.date})
	}
	return items, nil
}

// document is a fetched feed.
type document struct {
	notModified    bool
	body           []byte
	url            *url.URL // after redirects
	etag, modified string
}

const accept = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// fetch GETs the feed, following redirects to http(s) addresses.
func (r *Reader) fetch(ctx context.Context, raw, etag, modified string) (document, error) {
	u, err := parseURL(raw)
	if err != nil {
		inv := gears.Invalid("url", "feeds.url_invalid")
		inv.Err = err
		return document{}, rejected("invalid feed URL", inv)
	}
	client, limit := r.client(), r.maxBytes()
	for hops := 0; ; hops++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return document{}, rejected("invalid request", err)
		}
		req.Header.Set("User-Agent", "Gears")
		req.Header.Set("Accept", accept)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		if modified != "" {
			req.Header.Set("If-Modified-Since", modified)
		}
		resp, err := client.Do(req)
		if err != nil {
			return document{}, outbound.TransportError(network, err)
		}
		switch code := resp.StatusCode; {
		case code == http.StatusMovedPermanently || code == http.StatusFound || code == http.StatusSeeOther ||
			code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect:
			loc := resp.Header.Get("Location")
			discard(resp)
			if hops == maxRedirects {
				return document{}, &gears.RemoteError{Network: network, Kind: gears.RemoteRejected, Status: code, Message: "too many redirects"}
			}
			next, err := u.Parse(loc)
			if err == nil {
				_, err = parseURL(next.String())
			}
			if loc == "" || err != nil {
				return document{}, &gears.RemoteError{Network: network, Kind: gears.RemoteRejected, Status: code,
					Message: "redirect to an unusable address " + outbound.RemoteText(loc, 200), Err: err}
			}
			u = next
			continue
		case code == http.StatusNotModified:
			discard(resp)
			return document{notModified: true, url: u}, nil
		case code < 200 || code >= 300:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
			discard(resp)
			return document{}, outbound.StatusError(network, resp, body, time.Now())
		}
		doc := document{url: u, etag: validator(resp.Header.Get("ETag")), modified: validator(resp.Header.Get("Last-Modified"))}
		doc.body, err = readBody(resp, limit)
		resp.Body.Close()
		return doc, err
	}
}

// readBody reads at most limit bytes, and fails beyond.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	tooLarge := &gears.RemoteError{Network: network, Kind: gears.RemoteRejected, Status: resp.StatusCode,
		Message: fmt.Sprintf("feed larger than %d bytes", limit),
		Err:     &gears.Error{Code: gears.EUNPROCESSABLE, Key: "feeds.too_large", Err: ErrTooLarge}}
	if resp.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &gears.RemoteError{Network: network, Kind: gears.RemoteTemporary, Status: resp.StatusCode,
			Message: "reading the feed", Err: err}
	}
	if int64(len(body)) > limit {
		return nil, tooLarge
	}
	return body, nil
}

// discard reads a little of an unused body, so the connection can be
// reused, and closes it.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// validator keeps an ETag or Last-Modified value that is short printable
// ASCII, to send back; "" otherwise.
func validator(v string) string {
	if len(v) > 256 {
		return ""
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return ""
		}
	}
	return v
}

var (
	bom         = []byte("\xef\xbb\xbf")
	xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)
)

// parse parses a feed document. Invalid UTF-8 in a document that is, or
// says it is, UTF-8 is replaced rather than refused.
func parse(body []byte) (f *gofeed.Feed, err error) {
	body = bytes.TrimPrefix(body, bom)
	if !utf8.Valid(body) {
		head := body[:min(len(body), 200)]
		if m := xmlEncoding.FindSubmatch(head); m == nil || strings.EqualFold(string(m[1]), "utf-8") || strings.EqualFold(string(m[1]), "utf8") {
			body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
	}
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, malformed(fmt.Errorf("parser panic: %v", p))
		}
	}()
	f, err = gofeed.NewParser().Parse(bytes.NewReader(body))
	switch {
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected),
		// gofeed takes any JSON object for a JSON Feed.
		err == nil && f.FeedType == "json" && !strings.Contains(f.FeedVersion, "jsonfeed.org/version/"):
		return nil, &gears.RemoteError{Network: network, Kind: gears.RemoteRejected, Message: "not an RSS, Atom or JSON feed",
			Err: &gears.Error{Code: gears.EUNPROCESSABLE, Key: "feeds.not_a_feed", Err: ErrNotFeed}}
	case err != nil:
		return nil, malformed(err)
	}
	return f, nil
}

func malformed(err error) error {
	return &gears.RemoteError{Network: network, Kind: gears.RemoteRejected, Message: "the feed is not well formed",
		Err: &gears.Error{Code: gears.EUNPROCESSABLE, Key: "feeds.malformed", Err: err}}
}

// entry is a feed item as Gears reads it.
type entry struct {
	id, hash    string
	title, body string
	link        string
	author      gears.RemoteAccount
	lang        string
	date        time.Time // zero when the feed gives none
}

func (e entry) text() string {
	switch {
	case e.body == "" || e.body == e.title:
		return clip(e.title, maxText)
	case e.title == "":
		return clip(e.body, maxText)
	}
	return clip(e.title+"\n\n"+e.body, maxText)
}

// entries reads a feed's items, without duplicate IDs (the first wins),
// oldest first: by date, undated items last, in the reverse of the feed's
// order where dates do not decide (feeds list the newest first).
func entries(f *gofeed.Feed, base *url.URL, now time.Time) []entry {
	site := link(base, f.Link)
	siteURL := base
	if u, err := url.Parse(site); site != "" && err == nil {
		siteURL = u
	}
	feedTitle := clip(PlainText(f.Title), 200)
	lang := language(f.Language)
	out := make([]entry, 0, len(f.Items))
	ids := make(map[string]bool, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		e := entry{link: link(base, it.Link), lang: lang, date: itemDate(it, now)}
		e.id = itemID(it, e.link)
		if ids[e.id] {
			continue
		}
		ids[e.id] = true
		e.hash = hashKey(e.id)
		e.title = plainText(it.Title, maxTitle)
		e.body = plainText(it.Description, maxText)
		if e.body == "" {
			e.body = plainText(it.Content, maxText)
		}
		e.author = itemAuthor(it, feedTitle, base, siteURL)
		out = append(out, e)
	}
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b entry) int {
		switch {
		case a.date.IsZero() && b.date.IsZero():
			return 0
		case a.date.IsZero():
			return 1
		case b.date.IsZero():
			return -1
		}
		return a.date.Compare(b.date)
	})
	return out
}

// itemDate is the item's published date, else its updated date; a date
// more than a day ahead is taken as now.
func itemDate(it *gofeed.Item, now time.Time) time.Time {
	var t time.Time
	switch {
	case it.PublishedParsed != nil:
		t = *it.PublishedParsed
	case it.UpdatedParsed != nil:
		t = *it.UpdatedParsed
	}
	if t.After(now.Add(24 * time.Hour)) {
		t = now
	}
	return t.UTC()
}

// maxID is the longest ID kept as it is; longer ones are hashed.
const maxID = 512

// itemID is the item's GUID, else its link (resolved when it is a usable
// one), else a hash of its title and dates.
func itemID(it *gofeed.Item, resolved string) string {
	id := outbound.RemoteText(it.GUID, maxID+1)
	if id == "" {
		id = resolved
	}
	if id == "" {
		id = outbound.RemoteText(it.Link, maxID+1)
	}
	if id == "" {
		sum := sha256.Sum256([]byte(it.Title + "\x00" + it.Published + "\x00" + it.Updated))
		return "sha256:" + hex.EncodeToString(sum[:16])
	}
	if len(id) > maxID {
		sum := sha256.Sum256([]byte(id))
		return "sha256:" + hex.EncodeToString(sum[:16])
	}
	return id
}

// itemAuthor is the item's first author, else the feed itself.
func itemAuthor(it *gofeed.Item, feedTitle string, feedURL, site *url.URL) gears.RemoteAccount {
	var name, email string
	for _, p := range it.Authors {
		if p != nil {
			name, email = clip(PlainText(p.Name), 100), outbound.RemoteText(p.Email, 254)
			break
		}
	}
	if strings.ContainsAny(email, " <>\"") || !strings.Contains(email, "@") {
		email = ""
	}
	host := strings.TrimPrefix(strings.ToLower(site.Hostname()), "www.")
	a := gears.RemoteAccount{ID: feedURL.String(), URL: site.String(), Handle: host}
	if email != "" {
		a.Handle = email
	}
	for _, s := range []string{name, email, feedTitle, host} {
		if s != "" {
			a.DisplayName = s
			break
		}
	}
	return a
}

var languageTag = regexp.MustCompile(`^([A-Za-z]{2,3})([-_][A-Za-z0-9]{1,8})*$`)

// language returns the primary language of a feed's language tag, in
// lower case ("es" for "es-ES"), or "" when it is not a language tag.
func language(s string) string {
	s = strings.TrimSpace(s)
	m := languageTag.FindStringSubmatch(s)
	if len(s) > 35 || m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

func hashKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:8])
}

func rejected(msg string, err error) error {
	return &gears.RemoteError{Network: network, Kind: gears.RemoteRejected, Message: msg, Err: err}
}
