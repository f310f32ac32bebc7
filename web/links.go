package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"gears"
	"gears/locale"
	"gears/store"
)

// Tracked links and conversions. The redirect /l/{code} is served outside
// the route table's middleware (see followLink): it answers from an
// in-memory cache and counts clicks in memory; a flusher writes the
// counts in batches (RunClickFlusher).

// linkRoutes returns the routes of tracked short links (/l/{code}) and conversions.
func (s *Server) linkRoutes() []Route {
	page, api := pageRoute, apiRoute
	const (
		view     = gears.ActionView
		edit     = gears.ActionEdit
		reports  = gears.ActionViewReports
		settings = gears.ActionManageSettings
	)
	return []Route{
		page("GET", "/w/{ws}/links", Workspace, view, s.linksPage),
		page("POST", "/w/{ws}/links", Workspace, edit, s.createLinkForm),
		page("POST", "/w/{ws}/links/{link}", Workspace, edit, s.setLinkTargetForm),
		page("GET", "/w/{ws}/conversions", Workspace, reports, s.conversionsPage),
		page("GET", "/w/{ws}/conversions.csv", Workspace, reports, s.conversionsCSV),
		page("POST", "/w/{ws}/conversions", Workspace, edit, s.createConversionForm),
		{Method: "POST", Pattern: "/w/{ws}/conversions/import", Access: Workspace, Action: edit, MaxBody: 2 * maxImport, handle: s.importConversionsForm},
		page("POST", "/w/{ws}/conversions/hook", Workspace, settings, s.resetHookForm),
		api("GET", "/workspaces/{ws}/links", Workspace, view, s.apiLinks),
		api("POST", "/workspaces/{ws}/links", Workspace, edit, s.apiCreateLink),
		api("GET", "/workspaces/{ws}/conversions", Workspace, reports, s.apiConversions),
		api("POST", "/workspaces/{ws}/conversions", Workspace, edit, s.apiRecordConversion),
		// The webhook: public, JSON, authenticated by the secret token in
		// its address (no session, so no CSRF token).
		{Method: "POST", Pattern: "/hooks/conversions/{token}", API: true, Access: Public, MaxBody: 64 << 10, handle: s.conversionHook},
	}
}

// tracking is the redirect's state: the links service, the cache of codes
// and the click counter.
type tracking struct {
	links  *store.LinkService
	cache  *linkCache
	clicks *clickCounter
	zones  sync.Map // time zone name → *time.Location
}

func newTracking(db *store.DB) *tracking {
	t := &tracking{links: store.NewLinkService(db), cache: newLinkCache(linkCacheSize, linkCacheTTL), clicks: newClickCounter()}
	t.links.Changed = t.cache.forget
	return t
}

// The cache holds at most linkCacheSize codes (found or not), each for at
// most linkCacheTTL: a change made here is seen at once (the service tells
// the cache), one made by another replica within the TTL.
const (
	linkCacheSize = 100_000
	linkCacheTTL  = time.Minute
)

// cachedLink is a code's answer: a link (id > 0) or "no such code".
type cachedLink struct {
	id       int64
	location []string // the Location header's value, shared read-only
	loc      *time.Location
	expires  int64 // Unix nanoseconds
}

// linkCache maps codes to links, bounded: when full, a sweep drops expired
// entries and, if that is not enough, an arbitrary eighth of the rest.
type linkCache struct {
	mu  sync.RWMutex
	m   map[string]*cachedLink
	max int
	ttl time.Duration
	gen uint64 // bumped by forget, so a lookup that raced a change is not cached
}

func newLinkCache(max int, ttl time.Duration) *linkCache {
	return &linkCache{m: make(map[string]*cachedLink, 1024), max: max, ttl: ttl}
}

func (c *linkCache) get(code string, now int64) (*cachedLink, uint64) {
	c.mu.RLock()
	e, gen := c.m[code], c.gen
	c.mu.RUnlock()
	if e != nil && e.expires > now {
		return e, gen
	}
	return nil, gen
}

func (c *linkCache) put(code string, e *cachedLink, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // the link changed during the lookup: the next request looks again
	}
	if len(c.m) >= c.max {
		now := time.Now().UnixNano()
		for k, v := range c.m {
			if v.expires <= now {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.max-c.max/8 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[code] = e
}

// forget drops a code whose link changed.
func (c *linkCache) forget(code string) {
	c.mu.Lock()
	delete(c.m, code)
	c.gen++
	c.mu.Unlock()
}

// clickKey is a link's clicks on one local day.
type clickKey struct{ link, day int64 }

const clickShards = 32

// clickCounter counts clicks in memory, in shards so that concurrent
// redirects rarely wait on one another.
type clickCounter struct {
	shards [clickShards]struct {
		mu sync.Mutex
		m  map[clickKey]int64
		_  [40]byte // keep shards on separate cache lines
	}
}

func newClickCounter() *clickCounter {
	c := &clickCounter{}
	for i := range c.shards {
		c.shards[i].m = map[clickKey]int64{}
	}
	return c
}

func (c *clickCounter) add(k clickKey, n int64) {
	sh := &c.shards[uint64(k.link)%clickShards]
	sh.mu.Lock()
	sh.m[k] += n
	sh.mu.Unlock()
}

// take empties the counter and returns what it held.
func (c *clickCounter) take() []store.Clicks {
	var out []store.Clicks
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		m := sh.m
		if len(m) > 0 {
			sh.m = make(map[clickKey]int64, len(m))
		}
		sh.mu.Unlock()
		for k, n := range m {
			out = append(out, store.Clicks{LinkID: k.link, Day: k.day, Count: n})
		}
	}
	return out
}

// maxPendingClicks bounds what the counter keeps while the database
// refuses its flushes: beyond it, the oldest counts are dropped (and
// logged) rather than memory growing without end.
const maxPendingClicks = 200_000

// FlushClicks writes the clicks counted since the last flush in one
// transaction. When the write fails the counts go back into the counter
// for the next flush.
func (s *Server) FlushClicks(ctx context.Context) error {
	batch := s.tracking.clicks.take()
	if len(batch) == 0 {
		return nil
	}
	if err := s.tracking.links.AddClicks(ctx, batch); err != nil {
		if len(batch) <= maxPendingClicks {
			for _, c := range batch {
				s.tracking.clicks.add(clickKey{c.LinkID, c.Day}, c.Count)
			}
		} else {
			s.logger.Error("clicks dropped", "links", len(batch))
		}
		return err
	}
	return nil
}

// ClickFlushEvery is how often RunClickFlusher writes the counted clicks:
// a crash loses at most this much of them.
const ClickFlushEvery = 2 * time.Second

// RunClickFlusher flushes the counted clicks every interval until ctx
// ends, then once more (stop serving first, so nothing is counted after).
func (s *Server) RunClickFlusher(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = ClickFlushEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			return s.FlushClicks(fctx)
		case <-t.C:
			if err := s.FlushClicks(ctx); err != nil && ctx.Err() == nil {
				s.logger.Error("flush clicks", "err", err)
			}
		}
	}
}

var (
	noStore         = []string{"no-store"}
	plainText       = []string{"text/plain; charset=utf-8"}
	noReferrer      = []string{"no-referrer"}
	nosniff         = []string{"nosniff"}
	botUserAgentsLC = [][]byte{[]byte("bot"), []byte("crawl"), []byte("spider"), []byte("slurp"), []byte("facebookexternalhit"),
		[]byte("preview"), []byte("mastodon"), []byte("http.rb"), []byte("pleroma"), []byte("akkoma"), []byte("misskey"),
		[]byte("friendica"), []byte("cardyb"), []byte("whatsapp"), []byte("embedly"), []byte("iframely"), []byte("curl/"),
		[]byte("wget"), []byte("python-"), []byte("go-http-client"), []byte("headlesschrome/") /* not counted; see docs/links.md */}
)

// followLink serves GET (and HEAD) /l/{code}: a 302 to the link's target
// with its UTM tags, and a click counted in memory. It runs outside the
// route middleware: no session, cookie, CSRF token or workspace is
// involved, and nothing about the visitor is kept.
//
// 302, not 301: a permanent redirect is cached by browsers for good, so a
// corrected target would never reach those who clicked before, and their
// later clicks would not be counted.
func (s *Server) followLink(w http.ResponseWriter, r *http.Request) {
	t := s.tracking
	code := r.PathValue("code")
	now := time.Now()
	e, gen := t.cache.get(code, now.UnixNano())
	if e == nil {
		e = &cachedLink{expires: now.Add(t.cache.ttl).UnixNano()}
		l, err := t.links.ResolveLink(r.Context(), code)
		switch {
		case err == nil:
			e.id, e.location, e.loc = l.ID, []string{l.Destination}, t.zone(l.Timezone)
		case gears.ErrorCode(err) == gears.ENOTFOUND:
		default:
			s.logger.ErrorContext(r.Context(), "resolve link", "err", err)
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		}
		if gears.ValidLinkCode(code) {
			t.cache.put(code, e, gen)
		}
	}
	h := w.Header()
	h["Cache-Control"] = noStore
	h["Referrer-Policy"] = noReferrer
	if e.id == 0 {
		h["Content-Type"] = plainText
		h["X-Content-Type-Options"] = nosniff
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, locale.T(locale.Match(r.Header.Get("Accept-Language")), "link.not_found")+"\n")
		return
	}
	h["Location"] = e.location
	w.WriteHeader(http.StatusFound)
	if countable(r) {
		t.clicks.add(clickKey{e.id, store.LocalDay(now, e.loc)}, 1)
	}
}

// zone returns a time zone by name, loaded once.
func (t *tracking) zone(name string) *time.Location {
	if l, ok := t.zones.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	t.zones.Store(name, loc)
	return loc
}

// countable says whether a request is a person's click: GET, not a
// prefetch, and a browser's user agent rather than a link-preview fetcher,
// a crawler or a script. The user agent is only read here, never kept.
func countable(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	for _, h := range [...]string{"Purpose", "Sec-Purpose", "X-Moz", "X-Purpose"} {
		if v := r.Header.Get(h); v != "" && (strings.Contains(v, "prefetch") || strings.Contains(v, "preview")) {
			return false
		}
	}
	ua := r.Header.Get("User-Agent")
	if ua == "" {
		return false
	}
	var buf [256]byte
	lc := buf[:0]
	for i := 0; i < len(ua) && i < len(buf); i++ {
		c := ua[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lc = append(lc, c)
	}
	for _, bot := range botUserAgentsLC {
		if bytes.Contains(lc, bot) {
			return false
		}
	}
	return true
}

// shortURL is a link's public address.
func (s *Server) shortURL(r *http.Request, code string) string {
	return s.absURL(r, "/l/"+code)
}

// linkJSON is a link as the API shows it.
type linkJSON struct {
	*gears.Link
	ShortURL string `json:"short_url"`
}

// The links page.

type linksPage struct {
	Links    []linkJSON
	Input    gears.LinkCreate
	Created  *linkJSON
	Err      *formError
	EditErr  *formError
	EditID   int64
	EditURL  string
	Networks []gears.Network
	Older    int64 // when set, more links are older than the list: ?before=Older
	// Campaigns are the workspace's, offered for the campaign field.
	Campaigns []*gears.Campaign
}

// linksPageSize is how many links the links page lists at once.
const linksPageSize = 200

func (s *Server) loadLinks(r *http.Request, p *linksPage) error {
	f := store.LinkFilter{Limit: linksPageSize}
	if v := r.URL.Query().Get("before"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return gears.Invalid("before", "link.bad_before")
		}
		f.BeforeID = id
	}
	list, err := s.tracking.links.FindLinks(r.Context(), info(r).workspace.ID, f)
	if err != nil {
		return err
	}
	if len(list) == linksPageSize {
		p.Older = list[len(list)-1].ID
	}
	p.Networks = []gears.Network{gears.Mastodon, gears.Bluesky}
	if p.Campaigns, err = s.strategy().FindCampaigns(r.Context(), info(r).workspace.ID); err != nil {
		return err
	}
	p.Links = make([]linkJSON, len(list))
	for i, l := range list {
		p.Links[i] = linkJSON{Link: l, ShortURL: s.shortURL(r, l.Code)}
	}
	return nil
}

func (s *Server) linksPage(w http.ResponseWriter, r *http.Request) error {
	p := &linksPage{}
	if err := s.loadLinks(r, p); err != nil {
		return err
	}
	return s.render(w, r, "links", "links", p)
}

func (s *Server) createLinkForm(w http.ResponseWriter, r *http.Request) error {
	in := gears.LinkCreate{TargetURL: r.PostFormValue("target_url"), Network: gears.Network(r.PostFormValue("network")),
		Campaign: r.PostFormValue("campaign"), UTMContent: r.PostFormValue("utm_content")}
	l, err := s.tracking.links.CreateLink(r.Context(), info(r).workspace.ID, in)
	p := &linksPage{Input: in}
	if lerr := s.loadLinks(r, p); lerr != nil {
		return lerr
	}
	if err != nil {
		return s.formFailed(w, r, err, "links", "links", p, &p.Err)
	}
	p.Created, p.Input = &linkJSON{Link: l, ShortURL: s.shortURL(r, l.Code)}, gears.LinkCreate{}
	s.renderPage(w, r, http.StatusCreated, "links", p, "links")
	return nil
}

func (s *Server) setLinkTargetForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "link")
	if err != nil {
		return err
	}
	target := r.PostFormValue("target_url")
	if _, err := s.tracking.links.SetLinkTarget(r.Context(), ws.ID, id, target); err != nil {
		p := &linksPage{EditID: id, EditURL: target}
		if lerr := s.loadLinks(r, p); lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "links", "links", p, &p.EditErr)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/links", "flash.link_saved")
}

// The API of links.

func (s *Server) apiLinks(w http.ResponseWriter, r *http.Request) error {
	f := store.LinkFilter{}
	q := r.URL.Query()
	if v := q.Get("post_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return gears.Invalid("post_id", "request.bad_id", "post_id")
		}
		f.PostID = id
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return gears.Invalid("limit", "link.bad_limit", 1000)
		}
		f.Limit = n
	}
	list, err := s.tracking.links.FindLinks(r.Context(), info(r).workspace.ID, f)
	if err != nil {
		return err
	}
	out := make([]linkJSON, len(list))
	for i, l := range list {
		out[i] = linkJSON{Link: l, ShortURL: s.shortURL(r, l.Code)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": out})
	return nil
}

func (s *Server) apiCreateLink(w http.ResponseWriter, r *http.Request) error {
	var in gears.LinkCreate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	l, err := s.tracking.links.CreateLink(r.Context(), info(r).workspace.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, linkJSON{Link: l, ShortURL: s.shortURL(r, l.Code)})
	return nil
}

// The composer's tracked links.

// trackLinks makes the tracked links the composer asks for (link_url,
// link_content): one per network of the post's accounts, and puts each
// network's short URL in the text of its accounts (as their variants), so
// that what each delivery publishes is decided when the post is saved.
// It returns the links it made, for settleLinks.
func (s *Server) trackLinks(r *http.Request, wsID, postID int64, in *gears.PostInput, accounts []*gears.Account, target, content string) ([]int64, error) {
	if strings.TrimSpace(target) == "" {
		if strings.TrimSpace(content) != "" {
			return nil, gears.Invalid("link_target_url", "link.url_required")
		}
		return nil, nil
	}
	network := map[int64]gears.Network{}
	for _, a := range accounts {
		network[a.ID] = a.Network
	}
	var networks []gears.Network
	for _, id := range in.AccountIDs {
		if n, ok := network[id]; ok {
			networks = append(networks, n)
		}
	}
	if len(networks) == 0 {
		return nil, gears.Invalid("account_ids", "post.no_accounts")
	}
	links, made, err := s.tracking.links.TrackPost(r.Context(), wsID, postID, in.Campaign, store.TrackedLink{URL: target, UTMContent: content}, networks)
	if err != nil {
		return nil, err
	}
	if in.Variants == nil {
		in.Variants = map[string]gears.Variant{}
	}
	for _, id := range in.AccountIDs {
		l := links[network[id]]
		if l == nil {
			continue
		}
		key := strconv.FormatInt(id, 10)
		text := in.Text
		if v, ok := in.Variants[key]; ok && strings.TrimSpace(v.Text) != "" {
			text = v.Text
		}
		in.Variants[key] = gears.Variant{Text: gears.PutLink(text, l.TargetURL, s.shortURL(r, l.Code))}
	}
	return made, nil
}

// settleLinks names the saved post of the links trackLinks made, or drops
// them when the post could not be saved.
func (s *Server) settleLinks(r *http.Request, wsID int64, post *gears.Post, made []int64, saveErr error) {
	if len(made) == 0 {
		return
	}
	var err error
	if saveErr != nil || post == nil {
		err = s.tracking.links.DropUnusedLinks(r.Context(), wsID, made)
	} else {
		err = s.tracking.links.AttachLinks(r.Context(), wsID, post.ID, made)
	}
	if err != nil {
		s.logger.ErrorContext(r.Context(), "settle tracked links", "links", made, "err", err)
	}
}

// postLinks lists a post's tracked links for the composer.
func (s *Server) postLinks(r *http.Request, wsID, postID int64) []linkJSON {
	list, err := s.tracking.links.FindLinks(r.Context(), wsID, store.LinkFilter{PostID: postID})
	if err != nil {
		// The post's page still shows; its links are missing, and said so in the log.
		s.logger.Error("post links", "post_id", postID, "err", err)
		return nil
	}
	out := make([]linkJSON, len(list))
	for i, l := range list {
		out[i] = linkJSON{Link: l, ShortURL: s.shortURL(r, l.Code)}
	}
	return out
}

// Conversions.

// conversionJSON is a conversion as the API takes it: value is a decimal
// amount in the workspace's currency (a JSON number or a string such as
// "12.50"), occurred_at an RFC 3339 time or a date.
type conversionJSON struct {
	Campaign   string  `json:"campaign"`
	Network    string  `json:"network"`
	Link       string  `json:"link"`
	Count      *int64  `json:"count"`
	Value      *amount `json:"value"`
	Currency   string  `json:"currency"`
	OccurredAt string  `json:"occurred_at"`
	ID         string  `json:"id"`
}

func (c conversionJSON) input(loc *time.Location) (gears.ConversionInput, error) {
	in := gears.ConversionInput{Campaign: c.Campaign, Network: gears.Network(c.Network), Link: c.Link, Currency: c.Currency, ExternalID: c.ID}
	if c.Count != nil {
		if *c.Count <= 0 {
			return in, gears.Invalid("count", "conversion.bad_count", gears.MaxConversionCount)
		}
		in.Count = *c.Count
	}
	if c.Value != nil {
		in.Value = string(*c.Value)
	}
	if c.OccurredAt != "" {
		t, err := parseOccurred(c.OccurredAt, loc)
		if err != nil {
			return in, err
		}
		in.OccurredAt = &t
	}
	return in, nil
}

// parseOccurred reads an RFC 3339 time, a local "2006-01-02 15:04", or a
// local date (its start: today's date is never in the future).
func parseOccurred(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", v, loc); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(dateLayout, v, loc); err == nil {
		return t, nil
	}
	return time.Time{}, gears.Invalid("occurred_at", "conversion.bad_time", v)
}

// amount is a value as JSON gives it: a number (12.5) or a string
// ("12.50", "12,50"), read exactly, without floating point.
type amount string

func (a *amount) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*a = amount(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[string]()}
	}
	*a = amount(s)
	return nil
}

// conversionResult is the answer to a recorded conversion.
type conversionResult struct {
	Conversion *gears.Conversion `json:"conversion"`
	Duplicate  bool              `json:"duplicate"`
}

func writeConversion(w http.ResponseWriter, c *gears.Conversion, dup bool) {
	status := http.StatusCreated
	if dup {
		status = http.StatusOK
	}
	writeJSON(w, status, conversionResult{Conversion: c, Duplicate: dup})
}

func (s *Server) apiConversions(w http.ResponseWriter, r *http.Request) error {
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return gears.Invalid("limit", "link.bad_limit", 1000)
		}
		limit = n
	}
	list, err := s.tracking.links.FindConversions(r.Context(), info(r).workspace.ID, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversions": list})
	return nil
}

func (s *Server) apiRecordConversion(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	var body conversionJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in, err := body.input(ws.Location())
	if err != nil {
		return err
	}
	c, dup, err := s.tracking.links.RecordConversion(r.Context(), ws.ID, in)
	if err != nil {
		return err
	}
	writeConversion(w, c, dup)
	return nil
}

// conversionHook records a conversion posted to a workspace's secret
// address. Dates without a zone are read in UTC (the sender's workspace
// is not known until the token is checked).
func (s *Server) conversionHook(w http.ResponseWriter, r *http.Request) error {
	var body conversionJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in, err := body.input(time.UTC)
	if err != nil {
		return err
	}
	c, dup, err := s.tracking.links.RecordHookConversion(r.Context(), r.PathValue("token"), in)
	if err != nil {
		return err
	}
	writeConversion(w, c, dup)
	return nil
}

// The conversions page.

type conversionRowView struct {
	Line   int
	Error  string
	Values string
}

type conversionsPage struct {
	Conversions []*gears.Conversion
	Currency    string
	HookMade    *time.Time
	HookURL     string // shown once, right after it is made
	Input       conversionForm
	Err         *formError
	ImportErr   *formError
	ImportRows  []conversionRowView
	CSV         string
	// Campaigns are the workspace's, offered for the campaign field.
	Campaigns []*gears.Campaign
}

type conversionForm struct {
	Campaign, Network, Link, Count, Value, OccurredAt, ID string
}

func (s *Server) loadConversions(r *http.Request, p *conversionsPage) error {
	ctx, ws := r.Context(), info(r).workspace
	var err error
	if p.Conversions, err = s.tracking.links.FindConversions(ctx, ws.ID, 0); err != nil {
		return err
	}
	if p.Currency, err = s.tracking.links.Currency(ctx, ws.ID); err != nil {
		return err
	}
	if p.Campaigns, err = s.strategy().FindCampaigns(ctx, ws.ID); err != nil {
		return err
	}
	p.HookMade, err = s.tracking.links.ConversionHookMade(ctx, ws.ID)
	return err
}

func (s *Server) conversionsPage(w http.ResponseWriter, r *http.Request) error {
	p := &conversionsPage{}
	if err := s.loadConversions(r, p); err != nil {
		return err
	}
	return s.render(w, r, "conversions", "conversions", p)
}

// conversionsFailed shows the page again with a form's error; the page
// needs view_reports, so whoever may only edit gets the error page.
func (s *Server) conversionsFailed(w http.ResponseWriter, r *http.Request, p *conversionsPage, err error, slot **formError) error {
	if !info(r).workspace.Role.Can(gears.ActionViewReports) {
		return err
	}
	if lerr := s.loadConversions(r, p); lerr != nil {
		return lerr
	}
	return s.formFailed(w, r, err, "conversions", "conversions", p, slot)
}

func (s *Server) createConversionForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	f := conversionForm{Campaign: r.PostFormValue("campaign"), Network: r.PostFormValue("network"), Link: r.PostFormValue("link"),
		Count: r.PostFormValue("count"), Value: r.PostFormValue("value"), OccurredAt: r.PostFormValue("occurred_at"), ID: r.PostFormValue("id")}
	p := &conversionsPage{Input: f}
	in, err := f.input(ws.Location())
	if err == nil {
		_, _, err = s.tracking.links.RecordConversion(r.Context(), ws.ID, in)
	}
	if err != nil {
		return s.conversionsFailed(w, r, p, err, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/conversions", "flash.conversion_saved")
}

func (f conversionForm) input(loc *time.Location) (gears.ConversionInput, error) {
	in := gears.ConversionInput{Campaign: f.Campaign, Network: gears.Network(f.Network), Link: f.Link, Value: f.Value, ExternalID: f.ID}
	if v := strings.TrimSpace(f.Count); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return in, gears.Invalid("count", "conversion.bad_count", gears.MaxConversionCount)
		}
		in.Count = n
	}
	if v := strings.TrimSpace(f.OccurredAt); v != "" {
		t, err := parseOccurred(v, loc)
		if err != nil {
			return in, err
		}
		in.OccurredAt = &t
	}
	return in, nil
}

// conversionColumns are the columns a conversions CSV may have, in any
// order; campaign (or link) is needed, the rest optional.
// link_id and source, which the export writes, are accepted and ignored so
// that an export can come back (its id column makes the rows duplicates).
var conversionColumns = []string{"occurred_at", "campaign", "network", "link", "count", "value", "currency", "id", "link_id", "source"}

// importConversionsForm imports a CSV of conversions: all rows, or none
// when any is wrong — then every wrong row is listed by its line with the
// reason, and the file is kept in the form to send again once fixed.
func (s *Server) importConversionsForm(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	ws := ri.workspace
	p := &conversionsPage{}
	var data []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(maxImport); err != nil {
			return s.conversionsFailed(w, r, p, gears.Invalid("file", "import.no_file"), &p.ImportErr)
		}
		defer r.MultipartForm.RemoveAll()
		if f, _, err := r.FormFile("file"); err == nil {
			data, _ = io.ReadAll(io.LimitReader(f, maxImport+1))
			f.Close()
		}
	}
	if len(data) == 0 {
		data = []byte(r.FormValue("csv"))
	}
	if len(bytes.TrimSpace(data)) == 0 || len(data) > maxImport {
		return s.conversionsFailed(w, r, p, gears.Invalid("file", "import.no_file"), &p.ImportErr)
	}
	p.CSV = string(data)
	rows, lines, rowErrs, err := parseConversions(data, ws.Location())
	if err != nil {
		return s.conversionsFailed(w, r, p, err, &p.ImportErr)
	}
	// Rows that could not even be read are sent as ones the store refuses
	// too, so that its answer covers every row.
	for i, e := range rowErrs {
		if e != nil {
			rows[i] = gears.ConversionInput{Count: -1}
		}
	}
	results, err := s.tracking.links.ImportConversions(r.Context(), ws.ID, rows)
	if err != nil && gears.ErrorCode(err) != gears.EINVALID {
		return err
	}
	if err == nil {
		return redirect(w, r, "/w/"+itoa(ws.ID)+"/conversions", "flash.conversions_imported")
	}
	for i, res := range results {
		e := rowErrs[i]
		if e == nil {
			e = res.Err
		}
		if e != nil {
			p.ImportRows = append(p.ImportRows, conversionRowView{Line: lines[i], Error: message(ri.lang, e)})
		}
	}
	if len(p.ImportRows) == 0 { // the file as a whole was refused
		return s.conversionsFailed(w, r, p, err, &p.ImportErr)
	}
	return s.conversionsFailed(w, r, p, gears.Invalid("file", "conversion.import_failed", len(p.ImportRows)), &p.ImportErr)
}

// parseConversions reads a CSV of conversions: the inputs, each row's line
// in the file, and each row's reading error (nil when it read well).
func parseConversions(data []byte, loc *time.Location) ([]gears.ConversionInput, []int, []*gears.Error, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, nil, gears.Invalid("file", "import.bad_csv", 1)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range conversionColumns {
			known = known || c == h
		}
		if !known {
			return nil, nil, nil, gears.Invalid("file", "import.unknown_column", h)
		}
		col[h] = i
	}
	_, hasCampaign := col["campaign"]
	_, hasLink := col["link"]
	if !hasCampaign && !hasLink {
		return nil, nil, nil, gears.Invalid("file", "import.missing_column", "campaign")
	}
	var rows []gears.ConversionInput
	var lines []int
	var errs []*gears.Error
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, nil, nil, gears.Invalid("file", "import.bad_csv", line)
		}
		line, _ := cr.FieldPos(0)
		if len(rows) >= store.MaxConversionRows {
			return nil, nil, nil, gears.Invalid("file", "import.too_many", store.MaxConversionRows)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		empty := true
		for _, v := range rec {
			empty = empty && strings.TrimSpace(v) == ""
		}
		if empty {
			continue
		}
		f := conversionForm{Campaign: get("campaign"), Network: get("network"), Link: get("link"), Count: get("count"),
			Value: get("value"), OccurredAt: get("occurred_at"), ID: get("id")}
		in, err := f.input(loc)
		in.Currency = get("currency")
		var rowErr *gears.Error
		if err != nil {
			rowErr = gears.AsError(err)
		}
		rows, lines, errs = append(rows, in), append(lines, line), append(errs, rowErr)
	}
	if len(rows) == 0 {
		return nil, nil, nil, gears.Invalid("file", "import.empty")
	}
	return rows, lines, errs, nil
}

// resetHookForm makes a new webhook address and shows it, once.
func (s *Server) resetHookForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	token, err := s.tracking.links.ResetConversionHook(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	p := &conversionsPage{HookURL: s.absURL(r, "/hooks/conversions/"+token)}
	if err := s.loadConversions(r, p); err != nil {
		return err
	}
	return s.render(w, r, "conversions", "conversions", p)
}

// conversionsCSV exports the workspace's conversions; text cells are
// defused against spreadsheet formulas.
func (s *Server) conversionsCSV(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	// Every conversion, a thousand at a time, so that the file can come
	// back whole as an import.
	var list []*gears.Conversion
	var before *store.ConversionCursor
	for {
		page, err := s.tracking.links.FindConversionsBefore(r.Context(), ws.ID, before, 1000)
		if err != nil {
			return err
		}
		list = append(list, page...)
		if len(page) < 1000 {
			break
		}
		last := page[len(page)-1]
		before = &store.ConversionCursor{OccurredAt: last.OccurredAt, ID: last.ID}
	}
	loc := ws.Location()
	rows := make([][]string, 0, len(list))
	for _, c := range list {
		value := ""
		if c.ValueCents != nil {
			value = gears.FormatCents(*c.ValueCents)
		}
		link := ""
		if c.LinkID != nil {
			link = strconv.FormatInt(*c.LinkID, 10)
		}
		rows = append(rows, []string{c.OccurredAt.In(loc).Format("2006-01-02 15:04"), csvSafe(c.Campaign), csvSafe(string(c.Network)), link,
			strconv.FormatInt(c.Count, 10), value, csvSafe(c.Currency), csvSafe(c.ExternalID), string(c.Source)})
	}
	return writeCSV(w, "conversions-"+itoa(ws.ID)+".csv",
		[]string{"occurred_at", "campaign", "network", "link_id", "count", "value", "currency", "id", "source"}, rows)
}
