package mastodontest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Config sets the instance. Zero fields take Mastodon's defaults.
type Config struct {
	MaxCharacters       int           // 500
	MaxMediaAttachments int           // 4
	ImageSizeLimit      int64         // 16 MiB
	VideoSizeLimit      int64         // 99 MiB
	DescriptionLimit    int           // 1500
	SupportedMIMETypes  []string      // images, videos and audio Mastodon accepts
	RateLimit           int           // requests per token (or IP) per window: 300
	Latency             time.Duration // added to every answer, as a distant server's
	RateWindow          time.Duration
	// An upload stays processing for MediaProcessing after it was made
	// and for its first MediaProcessingPolls GET /api/v1/media/:id.
	MediaProcessing      time.Duration
	MediaProcessingPolls int
	// NoStreaming answers 404 on the streaming API, as an instance
	// whose proxy does not route it.
	NoStreaming bool
	// StreamHeartbeat is how often an open stream sends ":thump"
	// (15 s, as Mastodon's streaming server).
	StreamHeartbeat time.Duration
	// StreamingURL is the streaming base URL the instance advertises;
	// the server itself (ws://127.0.0.1:port) when empty.
	StreamingURL string
	// NoStatusesIndex answers 404 to GET /api/v1/statuses?id[]=, as
	// Mastodon before 4.3 does.
	NoStatusesIndex bool
}

func (c Config) withDefaults() Config {
	if c.MaxCharacters == 0 {
		c.MaxCharacters = 500
	}
	if c.MaxMediaAttachments == 0 {
		c.MaxMediaAttachments = 4
	}
	if c.ImageSizeLimit == 0 {
		c.ImageSizeLimit = 16 << 20
	}
	if c.VideoSizeLimit == 0 {
		c.VideoSizeLimit = 99 << 20
	}
	if c.DescriptionLimit == 0 {
		c.DescriptionLimit = 1500
	}
	if len(c.SupportedMIMETypes) == 0 {
		c.SupportedMIMETypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic",
			"video/mp4", "video/webm", "video/quicktime", "audio/mpeg", "audio/ogg", "audio/wav"}
	}
	if c.RateLimit == 0 {
		c.RateLimit = 300
	}
	if c.RateWindow == 0 {
		c.RateWindow = 5 * time.Minute
	}
	return c
}

// Fault is what an injected failure does to a request.
type Fault struct {
	Status int         // answer this status (with Body) without processing
	Header http.Header // extra headers for Status
	Body   string      // the body for Status; Mastodon's error JSON when empty

	Hang            bool // wait, unanswered, until the client goes away
	Drop            bool // close the connection at once, unprocessed
	ProcessThenDrop bool // process the request, then close without answering
	ProcessThenHang bool // process the request, then wait until the client goes away
	EndlessBody     bool // answer Status (200 when 0) with a body that never ends
}

type fault struct {
	method, path string // path ending in "/" matches a prefix
	left         int
	f            Fault
}

// Account is an account of the server.
type Account struct {
	ID       string
	Username string
	// Domain is "" for a local account. A remote account (AddRemoteAccount)
	// has no token: it acts only through the helpers.
	Domain string
	// DisplayName is sent as is; empty means the username capitalised.
	DisplayName string
	Token       string
}

// Acct is the account's acct: "user" for a local account, "user@domain"
// for a remote one.
func (a Account) Acct() string {
	if a.Domain == "" {
		return a.Username
	}
	return a.Username + "@" + a.Domain
}

// Status is a status as the server recorded it.
type Status struct {
	ID                 string
	AccountID          string
	Text               string // as posted (for a raw status, its HTML without tags)
	Content            string // as rendered, or as given to AddRawStatus
	SpoilerText        string
	MediaIDs           []string
	Visibility         string // public, unlisted, private or direct
	Language           string
	InReplyToID        string
	InReplyToAccountID string
	Mentions           []string // IDs of the accounts mentioned
	Tags               []string // hashtags, lower case, without "#"
	ReblogOfID         string   // set on the status a boost makes
	QuoteOfID          string   // the status quoted
	ConversationID     string
	IdempotencyKey     string
	CreatedAt          time.Time
}

func (st *Status) clone() Status {
	c := *st
	c.MediaIDs = append([]string(nil), st.MediaIDs...)
	c.Mentions = append([]string(nil), st.Mentions...)
	c.Tags = append([]string(nil), st.Tags...)
	return c
}

type media struct {
	id, accountID, typ, mime, description string
	size                                  int
	doneAt                                time.Time
	pollsLeft                             int
	attached                              bool
}

type app struct {
	id, name, clientID, secret, redirectURI, scopes string
}

type grant struct {
	clientID, redirectURI, accountID, scopes string
}

type bucket struct {
	count int
	reset time.Time
}

// Server is a running test server. Its methods are safe for concurrent
// use.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port.
	URL string

	cfg     Config
	hs      *httptest.Server
	closing chan struct{}

	mu            sync.Mutex
	offset        time.Duration
	seq           int64
	accounts      map[string]*Account // by ID
	byToken       map[string]*Account
	scopes        map[string]string   // token → granted scopes
	byName        map[string]*Account // by lower-case acct
	statuses      []*Status           // by ID
	notifications []*Notification     // by ID
	nseq          int64
	favourites    map[string]map[string]bool // status ID → account IDs
	follows       map[string]map[string]bool // follower ID → followed IDs
	convs         []*accountConversation
	convSeq       int64
	media         map[string]*media
	idem          map[string]idemEntry
	apps          map[string]*app // by client ID
	codes         map[string]grant
	buckets       map[string]*bucket
	faults        []*fault
	requests      []string // "METHOD /path"
	authorizer    string   // account ID that approves /oauth/authorize
	streams       map[*subscriber]bool
	counts        countsState // metrics.go
}

type idemEntry struct {
	statusID string
	expires  time.Time
}

// New starts a server on 127.0.0.1 and closes it when the test ends.
func New(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	s := &Server{
		cfg:        cfg.withDefaults(),
		closing:    make(chan struct{}),
		accounts:   make(map[string]*Account),
		byToken:    make(map[string]*Account),
		scopes:     make(map[string]string),
		byName:     make(map[string]*Account),
		favourites: make(map[string]map[string]bool),
		follows:    make(map[string]map[string]bool),
		media:      make(map[string]*media),
		idem:       make(map[string]idemEntry),
		apps:       make(map[string]*app),
		codes:      make(map[string]grant),
		buckets:    make(map[string]*bucket),
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.hs.URL
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server, waking injected hangs.
func (s *Server) Close() {
	select {
	case <-s.closing:
		return
	default:
		close(s.closing)
	}
	s.hs.CloseClientConnections()
	s.hs.Close()
}

func (s *Server) now() time.Time { return time.Now().Add(s.offset) }

// Advance moves the server's clock forward by d.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// nextID returns a Mastodon-like ID: milliseconds << 16 | sequence.
func (s *Server) nextID(at time.Time) string {
	s.seq++
	return strconv.FormatInt(at.UnixMilli()<<16|(s.seq&0xffff), 10)
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// AddAccount creates a local account with an access token. The first
// account approves OAuth authorisations.
func (s *Server) AddAccount(username string) Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &Account{ID: strconv.Itoa(len(s.accounts) + 1), Username: username, Token: token()}
	s.accounts[a.ID] = a
	s.byToken[a.Token] = a
	s.scopes[a.Token] = "read write follow push"
	s.byName[strings.ToLower(username)] = a
	if s.authorizer == "" {
		s.authorizer = a.ID
	}
	return *a
}

// AddStatus records a public status as if the account had posted it
// elsewhere (another app, the web) at the given time. It is Mention with
// only StatusOptions.At set.
func (s *Server) AddStatus(accountID, text string, at time.Time) Status {
	return s.Mention(accountID, text, StatusOptions{At: at})
}

// Statuses returns the statuses of an account, oldest first, boosts
// included.
func (s *Server) Statuses(accountID string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Status
	for _, st := range s.statuses {
		if st.AccountID == accountID {
			out = append(out, st.clone())
		}
	}
	return out
}

// Inject makes the next n requests matching pattern ("POST
// /api/v1/statuses"; a path ending in "/" matches every path under it)
// fail as f says.
func (s *Server) Inject(pattern string, n int, f Fault) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mu.Lock()
	s.faults = append(s.faults, &fault{method: method, path: path, left: n, f: f})
	s.mu.Unlock()
}

// Requests counts the requests received matching pattern (as Inject).
func (s *Server) Requests(pattern string) int {
	method, path, _ := strings.Cut(pattern, " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		m, p, _ := strings.Cut(r, " ")
		if m == method && matchPath(path, p) {
			n++
		}
	}
	return n
}

func matchPath(pattern, path string) bool {
	if strings.HasSuffix(pattern, "/") {
		return strings.HasPrefix(path, pattern)
	}
	return pattern == path
}

func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	for _, f := range s.faults {
		if f.left > 0 && f.method == r.Method && matchPath(f.path, r.URL.Path) {
			f.left--
			ff := f.f
			return &ff
		}
	}
	return nil
}

// serve applies faults, then the rate limit, then routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Latency > 0 {
		time.Sleep(s.cfg.Latency)
	}
	f := s.takeFault(r)
	if f != nil {
		switch {
		case f.Hang:
			s.hang(r)
			return
		case f.Drop:
			drop(w)
			return
		case f.EndlessBody:
			code := f.Status
			if code == 0 {
				code = http.StatusOK
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			chunk := []byte(strings.Repeat(`{"error":"x"}`, 4096))
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				select {
				case <-s.closing:
					return
				case <-r.Context().Done():
					return
				default:
				}
			}
		case f.Status != 0:
			for k, v := range f.Header {
				w.Header()[k] = v
			}
			body := f.Body
			if body == "" {
				body = fmt.Sprintf(`{"error":%q}`, http.StatusText(f.Status))
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
			}
			w.WriteHeader(f.Status)
			_, _ = io.WriteString(w, body)
			return
		case f.ProcessThenDrop, f.ProcessThenHang:
			rec := httptest.NewRecorder()
			s.limited(rec, r)
			if f.ProcessThenHang {
				s.hang(r)
				return
			}
			drop(w)
			return
		}
	}
	s.limited(w, r)
}

func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closing:
	}
}

// drop closes the connection without a word.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("mastodontest: cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, as when a proxy dies
		}
		_ = conn.Close()
	}
}

// limited applies the rate limit, then routes. The streaming API is
// served apart, without a rate limit, as Mastodon's streaming server is.
func (s *Server) limited(w http.ResponseWriter, r *http.Request) {
	if isStreaming(r.URL.Path) {
		s.streaming(w, r)
		return
	}
	key := "ip:" + r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		key = "ip:" + host
	}
	if t := bearer(r); t != "" {
		key = "token:" + t
	}
	s.mu.Lock()
	now := s.now()
	b := s.buckets[key]
	if b == nil || !now.Before(b.reset) {
		w := s.cfg.RateWindow
		b = &bucket{reset: time.Unix(0, (now.UnixNano()/int64(w)+1)*int64(w)).UTC()}
		s.buckets[key] = b
	}
	b.count++
	remaining := max(s.cfg.RateLimit-b.count, 0)
	over := b.count > s.cfg.RateLimit
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.cfg.RateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", b.reset.Format("2006-01-02T15:04:05.000000Z07:00"))
	s.mu.Unlock()
	if over {
		writeError(w, http.StatusTooManyRequests, "Too many requests")
		return
	}
	s.route(w, r)
}

func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && p == "/api/v1/accounts/verify_credentials":
		s.verifyCredentials(w, r)
	case r.Method == http.MethodPost && p == "/api/v1/statuses":
		s.postStatus(w, r)
	case r.Method == http.MethodPost && p == "/api/v2/media":
		s.postMedia(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/api/v1/media/"):
		s.getMedia(w, r, strings.TrimPrefix(p, "/api/v1/media/"))
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/api/v1/accounts/") && strings.HasSuffix(p, "/statuses"):
		s.accountStatuses(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/accounts/"), "/statuses"))
	case r.Method == http.MethodGet && (p == "/api/v1/statuses" || strings.HasPrefix(p, "/api/v1/statuses/") ||
		p == "/api/v1/accounts/lookup" || strings.HasPrefix(p, "/api/v1/accounts/") && strings.Count(p, "/") == 4):
		s.routeCounts(w, r)
	case r.Method == http.MethodGet && p == "/api/v1/notifications":
		s.getNotifications(w, r)
	case r.Method == http.MethodGet && p == "/api/v1/conversations":
		s.getConversations(w, r)
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/api/v1/conversations/") && strings.HasSuffix(p, "/read"):
		s.readConversation(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/conversations/"), "/read"))
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/api/v1/timelines/tag/"):
		s.tagTimeline(w, r, strings.TrimPrefix(p, "/api/v1/timelines/tag/"))
	case r.Method == http.MethodGet && p == "/api/v2/search":
		s.search(w, r)
	case r.Method == http.MethodGet && (p == "/api/v2/instance" || p == "/api/v1/instance"):
		s.instance(w, r)
	case r.Method == http.MethodPost && p == "/api/v1/apps":
		s.postApp(w, r)
	case r.Method == http.MethodGet && p == "/oauth/authorize":
		s.authorize(w, r)
	case r.Method == http.MethodPost && p == "/oauth/token":
		s.token(w, r)
	default:
		writeError(w, http.StatusNotFound, "Record not found")
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes Mastodon's Error entity.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// auth returns the token's account, or answers 401.
func (s *Server) auth(w http.ResponseWriter, r *http.Request) *Account {
	s.mu.Lock()
	a := s.byToken[bearer(r)]
	s.mu.Unlock()
	if a == nil {
		writeError(w, http.StatusUnauthorized, "The access token is invalid")
	}
	return a
}

func (s *Server) accountJSON(a *Account) map[string]any {
	name := a.DisplayName
	if name == "" {
		name = strings.ToUpper(a.Username[:1]) + a.Username[1:]
	}
	m := map[string]any{
		"id": a.ID, "username": a.Username, "acct": a.Acct(), "display_name": name,
		"locked": false, "bot": false, "created_at": "2024-01-01T00:00:00.000Z", "note": "",
		"url": s.profileURL(a), "avatar": s.URL + "/avatars/original/missing.png",
		"followers_count": 0, "following_count": 0, "statuses_count": 0, "emojis": []any{}, "fields": []any{},
	}
	s.accountCounts(a, m)
	return m
}

func (s *Server) profileURL(a *Account) string {
	if a.Domain != "" {
		return "https://" + a.Domain + "/@" + a.Username
	}
	return s.URL + "/@" + a.Username
}

func (s *Server) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	a := s.auth(w, r)
	if a == nil {
		return
	}
	s.mu.Lock()
	v := s.accountJSON(a)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, v)
}

// form reads a form, multipart form or JSON body into values.
func form(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&m); err != nil {
			return nil, err
		}
		v := url.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case []any:
				for _, e := range x {
					v.Add(k+"[]", fmt.Sprint(e))
				}
			case nil:
			default:
				v.Set(k, fmt.Sprint(x))
			}
		}
		return v, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, err
		}
		return r.MultipartForm.Value, nil
	default:
		r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return r.PostForm, nil
	}
}

// statusJSON renders the Status entity. Must be called with s.mu held.
func (s *Server) statusJSON(st *Status) map[string]any {
	a := s.accounts[st.AccountID]
	atts := []any{}
	for _, id := range st.MediaIDs {
		if m := s.media[id]; m != nil {
			atts = append(atts, s.mediaJSON(m, true))
		}
	}
	mentions := []any{}
	for _, id := range st.Mentions {
		if m := s.accounts[id]; m != nil {
			mentions = append(mentions, map[string]any{"id": m.ID, "username": m.Username, "acct": m.Acct(), "url": s.profileURL(m)})
		}
	}
	tags := []any{}
	for _, t := range st.Tags {
		tags = append(tags, map[string]any{"name": t, "url": s.URL + "/tags/" + t})
	}
	opt := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	var reblog, quote any
	if o := s.status(st.ReblogOfID); o != nil {
		reblog = s.statusJSON(o)
	}
	if q := s.status(st.QuoteOfID); q != nil {
		quote = map[string]any{"state": "accepted", "quoted_status": s.statusJSON(q)}
	}
	replies, reblogs := 0, 0
	for _, o := range s.statuses {
		if o.InReplyToID == st.ID {
			replies++
		}
		if o.ReblogOfID == st.ID {
			reblogs++
		}
	}
	base := s.profileURL(a)
	m := map[string]any{
		"id": st.ID, "created_at": st.CreatedAt.Format("2006-01-02T15:04:05.000Z"),
		"in_reply_to_id": opt(st.InReplyToID), "in_reply_to_account_id": opt(st.InReplyToAccountID),
		"sensitive": st.SpoilerText != "", "spoiler_text": st.SpoilerText,
		"visibility": st.Visibility, "language": opt(st.Language),
		"uri":     strings.Replace(base, "/@", "/users/", 1) + "/statuses/" + st.ID,
		"url":     base + "/" + st.ID,
		"content": st.Content, "reblog": reblog, "quote": quote, "application": map[string]any{"name": "test", "website": nil},
		"account": s.accountJSON(a), "media_attachments": atts,
		"mentions": mentions, "tags": tags, "emojis": []any{}, "card": nil, "poll": nil,
		"replies_count": replies, "reblogs_count": reblogs, "favourites_count": len(s.favourites[st.ID]),
		"favourited": false, "reblogged": false, "muted": false, "bookmarked": false,
	}
	s.statusCounts(st, m)
	return m
}

func (s *Server) postStatus(w http.ResponseWriter, r *http.Request) {
	a := s.auth(w, r)
	if a == nil {
		return
	}
	v, err := form(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid form data")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	// Mastodon looks the key up before validating anything.
	if key != "" {
		if e, ok := s.idem[a.ID+"\x00"+key]; ok && now.Before(e.expires) {
			for _, st := range s.statuses {
				if st.ID == e.statusID {
					writeJSON(w, http.StatusOK, s.statusJSON(st))
					return
				}
			}
		}
	}
	var parent *Status
	if id := v.Get("in_reply_to_id"); id != "" {
		// Mastodon answers 404 for a status that does not exist or that
		// the account may not see.
		if parent = s.status(id); parent == nil || parent.ReblogOfID != "" || !s.canSee(a, parent) {
			writeError(w, http.StatusNotFound, "The post you are trying to reply to does not appear to exist.")
			return
		}
	}
	text := v.Get("status")
	ids := v["media_ids[]"]
	if len(ids) == 0 {
		ids = v["media_ids"]
	}
	visibility := v.Get("visibility")
	if visibility == "" {
		visibility = "public"
	}
	switch visibility {
	case "public", "unlisted", "private", "direct":
	default:
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: Visibility is not included in the list")
		return
	}
	if len(ids) > s.cfg.MaxMediaAttachments {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Cannot attach more than %d files", s.cfg.MaxMediaAttachments))
		return
	}
	var atts []*media
	avs := 0
	for _, id := range ids {
		m := s.media[id]
		if m == nil || m.accountID != a.ID || m.attached {
			writeError(w, http.StatusUnprocessableEntity, "Validation failed: Media attachments are invalid")
			return
		}
		if s.processing(m, now, false) {
			writeError(w, http.StatusUnprocessableEntity, "Cannot attach files that have not finished processing. Try again in a moment!")
			return
		}
		if m.typ == "video" || m.typ == "audio" || m.typ == "gifv" {
			avs++
		}
		atts = append(atts, m)
	}
	if avs > 0 && len(atts) > 1 {
		writeError(w, http.StatusUnprocessableEntity, "Cannot attach a video to a post that already contains images")
		return
	}
	if strings.TrimSpace(text) == "" && len(atts) == 0 {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: Text can't be blank")
		return
	}
	if n := countLength(v.Get("spoiler_text") + text); n > s.cfg.MaxCharacters {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: Text character limit of %d exceeded", s.cfg.MaxCharacters))
		return
	}
	lang := v.Get("language")
	if lang == "" {
		lang = "en"
	}
	st := &Status{ID: s.nextID(now), AccountID: a.ID, Text: text, SpoilerText: v.Get("spoiler_text"), MediaIDs: ids,
		Visibility: visibility, Language: lang, IdempotencyKey: key, CreatedAt: now.UTC()}
	if parent != nil {
		st.InReplyToID = parent.ID
	}
	for _, m := range atts {
		m.attached = true
	}
	s.insert(st, nil, false)
	if key != "" {
		s.idem[a.ID+"\x00"+key] = idemEntry{statusID: st.ID, expires: now.Add(time.Hour)}
	}
	writeJSON(w, http.StatusOK, s.statusJSON(st))
}

func idLess(a, b string) bool {
	x, _ := strconv.ParseInt(a, 10, 64)
	y, _ := strconv.ParseInt(b, 10, 64)
	return x < y
}

// processing reports whether m is still processing; a poll uses one up.
func (s *Server) processing(m *media, now time.Time, poll bool) bool {
	busy := now.Before(m.doneAt) || m.pollsLeft > 0
	if poll && m.pollsLeft > 0 {
		m.pollsLeft--
	}
	return busy
}

func mediaKind(mimeType string) string {
	switch {
	case mimeType == "image/gif":
		return "gifv"
	case strings.HasPrefix(mimeType, "image/"):
		return "image"
	case strings.HasPrefix(mimeType, "video/"):
		return "video"
	case strings.HasPrefix(mimeType, "audio/"):
		return "audio"
	}
	return "unknown"
}

func (s *Server) mediaJSON(m *media, done bool) map[string]any {
	var u any
	if done {
		u = s.URL + "/system/media_attachments/files/" + m.id + "/original/file"
	}
	var desc any
	if m.description != "" {
		desc = m.description
	}
	return map[string]any{
		"id": m.id, "type": m.typ, "url": u,
		"preview_url": s.URL + "/system/media_attachments/files/" + m.id + "/small/file",
		"remote_url":  nil, "text_url": nil, "meta": map[string]any{}, "description": desc, "blurhash": nil,
	}
}

func (s *Server) postMedia(w http.ResponseWriter, r *http.Request) {
	a := s.auth(w, r)
	if a == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.VideoSizeLimit+(1<<20))
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: File content type is invalid, File is invalid")
		return
	}
	defer r.MultipartForm.RemoveAll()
	fh := r.MultipartForm.File["file"]
	if len(fh) == 0 {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: File content type is invalid, File is invalid")
		return
	}
	mt, _, _ := mime.ParseMediaType(fh[0].Header.Get("Content-Type"))
	supported := false
	for _, t := range s.cfg.SupportedMIMETypes {
		if t == mt {
			supported = true
		}
	}
	if !supported {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: File content type is invalid, File is invalid")
		return
	}
	kind := mediaKind(mt)
	limit := s.cfg.ImageSizeLimit
	if kind != "image" {
		limit = s.cfg.VideoSizeLimit
	}
	if fh[0].Size > limit {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: File file size must be less than %d MB", limit>>20))
		return
	}
	desc := ""
	if d := r.MultipartForm.Value["description"]; len(d) > 0 {
		desc = d[0]
	}
	if n := len([]rune(desc)); n > s.cfg.DescriptionLimit {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: Description is too long (maximum is %d characters)", s.cfg.DescriptionLimit))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	m := &media{id: s.nextID(now), accountID: a.ID, typ: kind, mime: mt, description: desc, size: int(fh[0].Size),
		doneAt: now.Add(s.cfg.MediaProcessing), pollsLeft: s.cfg.MediaProcessingPolls}
	s.media[m.id] = m
	if s.processing(m, now, false) {
		writeJSON(w, http.StatusAccepted, s.mediaJSON(m, false))
		return
	}
	writeJSON(w, http.StatusOK, s.mediaJSON(m, true))
}

func (s *Server) getMedia(w http.ResponseWriter, r *http.Request, id string) {
	a := s.auth(w, r)
	if a == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.media[id]
	if m == nil || m.accountID != a.ID {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	if s.processing(m, s.now(), true) {
		w.WriteHeader(http.StatusPartialContent)
		return
	}
	writeJSON(w, http.StatusOK, s.mediaJSON(m, true))
}

func (s *Server) accountStatuses(w http.ResponseWriter, r *http.Request, id string) {
	var viewer *Account
	if bearer(r) != "" {
		if viewer = s.auth(w, r); viewer == nil {
			return
		}
	}
	q := r.URL.Query()
	limit := limitParam(q, 20, 40)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[id] == nil {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	var all []*Status
	for _, st := range s.statuses {
		if st.AccountID != id || !s.canSee(viewer, st) || st.ReblogOfID != "" && truthy(q.Get("exclude_reblogs")) {
			continue
		}
		all = append(all, st)
	}
	s.writeStatusPage(w, "/api/v1/accounts/"+id+"/statuses", q, keep(q, "limit", "exclude_reblogs"), limit, all)
}

func (s *Server) instance(w http.ResponseWriter, r *http.Request) {
	c := s.cfg
	writeJSON(w, http.StatusOK, map[string]any{
		"domain": strings.TrimPrefix(s.URL, "http://"), "title": "Mastodon test server", "version": "4.4.0",
		"source_url": "https://github.com/mastodon/mastodon", "description": "",
		"urls": map[string]any{"streaming_api": s.streamingURL()}, // GET /api/v1/instance's place for it
		"configuration": map[string]any{
			"urls":     map[string]any{"streaming": s.streamingURL()},
			"accounts": map[string]any{"max_featured_tags": 10, "max_pinned_statuses": 5},
			"statuses": map[string]any{"max_characters": c.MaxCharacters, "max_media_attachments": c.MaxMediaAttachments,
				"characters_reserved_per_url": 23},
			"media_attachments": map[string]any{"supported_mime_types": c.SupportedMIMETypes, "description_limit": c.DescriptionLimit,
				"image_size_limit": c.ImageSizeLimit, "image_matrix_limit": 33177600, "video_size_limit": c.VideoSizeLimit,
				"video_frame_rate_limit": 120, "video_matrix_limit": 8294400},
			"polls": map[string]any{"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746},
		},
	})
}

func (s *Server) postApp(w http.ResponseWriter, r *http.Request) {
	v, err := form(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid form data")
		return
	}
	name, redirect := v.Get("client_name"), v.Get("redirect_uris")
	if strings.TrimSpace(name) == "" {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: Application name can't be blank")
		return
	}
	u, err := url.Parse(redirect)
	if redirect == "" || err != nil || (!u.IsAbs() && redirect != "urn:ietf:wg:oauth:2.0:oob") {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: Redirect URI must be an absolute URI.")
		return
	}
	scopes := v.Get("scopes")
	if scopes == "" {
		scopes = "read"
	}
	s.mu.Lock()
	ap := &app{id: strconv.Itoa(len(s.apps) + 1), name: name, clientID: token(), secret: token(), redirectURI: redirect, scopes: scopes}
	s.apps[ap.clientID] = ap
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"id": ap.id, "name": name, "website": nil, "scopes": strings.Fields(scopes),
		"redirect_uri": redirect, "redirect_uris": []string{redirect},
		"client_id": ap.clientID, "client_secret": ap.secret, "client_secret_expires_at": 0,
	})
}

func subset(asked, allowed string) bool {
	ok := map[string]bool{}
	for _, s := range strings.Fields(allowed) {
		ok[s] = true
	}
	for _, s := range strings.Fields(asked) {
		top, _, _ := strings.Cut(s, ":")
		if !ok[s] && !ok[top] {
			return false
		}
	}
	return true
}

// authorize approves at once as the authorizing account, as a person
// clicking "Authorize" would, and redirects with code and state.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	ap := s.apps[q.Get("client_id")]
	scope := q.Get("scope")
	if scope == "" {
		scope = "read"
	}
	switch {
	case q.Get("response_type") != "code":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_response_type", "error_description": "The authorization server does not support this response type."})
	case ap == nil:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."})
	case q.Get("redirect_uri") != ap.redirectURI:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_redirect_uri", "error_description": "The requested redirect uri is malformed or doesn't match client redirect URI."})
	case !subset(scope, ap.scopes):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_scope", "error_description": "The requested scope is invalid, unknown, or malformed."})
	case s.authorizer == "":
		writeError(w, http.StatusForbidden, "No account to authorize with")
	default:
		code := token()
		s.codes[code] = grant{clientID: ap.clientID, redirectURI: ap.redirectURI, accountID: s.authorizer, scopes: scope}
		u, _ := url.Parse(ap.redirectURI)
		rq := u.Query()
		rq.Set("code", code)
		if st := q.Get("state"); st != "" {
			rq.Set("state", st)
		}
		u.RawQuery = rq.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	v, err := form(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ap := s.apps[v.Get("client_id")]
	if ap == nil || ap.secret != v.Get("client_secret") {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."})
		return
	}
	if v.Get("grant_type") != "authorization_code" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "The authorization grant type is not supported by the authorization server."})
		return
	}
	g, ok := s.codes[v.Get("code")]
	if !ok || g.clientID != ap.clientID || g.redirectURI != v.Get("redirect_uri") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."})
		return
	}
	delete(s.codes, v.Get("code"))
	a := s.accounts[g.accountID]
	t := token()
	s.byToken[t] = a
	s.scopes[t] = g.scopes
	writeJSON(w, http.StatusOK, map[string]any{"access_token": t, "token_type": "Bearer", "scope": g.scopes, "created_at": s.now().Unix()})
}

// MediaDescription returns the description (alt text) an upload was
// given, and whether the upload exists.
func (s *Server) MediaDescription(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.media[id]
	if m == nil {
		return "", false
	}
	return m.description, true
}
