package mastodontest

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// StatusOptions shapes a status made by Mention or AddRawStatus.
type StatusOptions struct {
	InReplyToID string    // the status answered; it must exist
	Visibility  string    // public (when empty), unlisted, private or direct
	Language    string    // "en" when empty
	SpoilerText string    // content warning, plain text
	QuoteID     string    // a status quoted (Mastodon 4.5 quote posts); its author is notified
	Mentions    []string  // IDs of accounts mentioned besides those @named in the text
	At          time.Time // creation time; now when zero
}

// Notification is a notification as the server recorded it.
type Notification struct {
	ID        string
	Type      string // mention, quote, reblog, favourite or follow
	AccountID string // the account notified
	FromID    string // the account that acted
	StatusID  string // the status concerned; "" for a follow
	CreatedAt time.Time
}

// accountConversation is one account's view of a direct conversation.
type accountConversation struct {
	id, accountID, conversationID string
	participants                  []string // the others
	lastStatusID                  string
	unread                        bool
}

// AddRemoteAccount creates an account of another server (acct
// "username@domain"), which can act through the helpers but has no token.
func (s *Server) AddRemoteAccount(username, domain string) Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &Account{ID: strconv.Itoa(len(s.accounts) + 1), Username: username, Domain: strings.ToLower(domain)}
	s.accounts[a.ID] = a
	s.byName[strings.ToLower(a.Acct())] = a
	return *a
}

// SetDisplayName changes the display name an account shows (any text:
// tests use it for hostile names).
func (s *Server) SetDisplayName(accountID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustAccount(accountID).DisplayName = name
}

// Mention posts a status as the account fromID, as if from another app:
// the text is rendered as Mastodon renders it, every account it @names
// (and opts.Mentions) is mentioned and notified, the author of a quoted
// status is notified, and a direct status updates its participants'
// conversations. Like Mastodon, replying does not notify the author of
// the status answered unless the reply mentions them. It panics on an
// unknown account or status.
func (s *Server) Mention(fromID, text string, opts StatusOptions) Status {
	return s.post(fromID, text, "", opts)
}

// AddRawStatus is Mention with Status.content given as is, unsanitised:
// the way to serve hostile HTML. Only opts.Mentions are mentioned; the
// hashtags are read from the HTML without its tags.
func (s *Server) AddRawStatus(accountID, html string, opts StatusOptions) Status {
	return s.post(accountID, "", html, opts)
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func (s *Server) post(accountID, text, rawHTML string, o StatusOptions) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustAccount(accountID)
	at := o.At
	if at.IsZero() {
		at = s.now()
	}
	vis := o.Visibility
	if vis == "" {
		vis = "public"
	}
	if !slices.Contains([]string{"public", "unlisted", "private", "direct"}, vis) {
		panic("mastodontest: unknown visibility " + vis)
	}
	lang := o.Language
	if lang == "" {
		lang = "en"
	}
	st := &Status{ID: s.nextID(at), AccountID: accountID, Text: text, SpoilerText: o.SpoilerText, Visibility: vis,
		Language: lang, CreatedAt: at.UTC()}
	if o.InReplyToID != "" {
		st.InReplyToID = s.mustStatus(o.InReplyToID).ID
	}
	if o.QuoteID != "" {
		st.QuoteOfID = s.mustStatus(o.QuoteID).ID
	}
	for _, id := range o.Mentions {
		s.mustAccount(id)
	}
	raw := rawHTML != ""
	if raw {
		st.Content = rawHTML
		st.Text = html.UnescapeString(tagRE.ReplaceAllString(rawHTML, " "))
	}
	s.insert(st, o.Mentions, raw)
	return st.clone()
}

// insert completes st (content, mentions, hashtags, reply and
// conversation), records it, and notifies. Must be called with s.mu held.
func (s *Server) insert(st *Status, mentions []string, raw bool) {
	if !raw {
		st.Content = s.render(st.Text)
	}
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			st.Mentions = append(st.Mentions, id)
		}
	}
	for _, e := range entities(st.Text) {
		switch {
		case e.kind == 'm' && !raw:
			acct := e.user
			if e.domain != "" {
				acct += "@" + e.domain
			}
			if a := s.byName[strings.ToLower(acct)]; a != nil {
				add(a.ID)
			}
		case e.kind == 'h':
			if t := strings.ToLower(e.user); !slices.Contains(st.Tags, t) {
				st.Tags = append(st.Tags, t)
			}
		}
	}
	for _, id := range mentions {
		add(id)
	}
	if p := s.status(st.InReplyToID); p != nil {
		st.InReplyToAccountID = p.AccountID
		st.ConversationID = p.ConversationID
	} else {
		s.convSeq++
		st.ConversationID = strconv.FormatInt(s.convSeq, 10)
	}
	s.statuses = append(s.statuses, st)
	sort.Slice(s.statuses, func(i, j int) bool { return idLess(s.statuses[i].ID, s.statuses[j].ID) })

	quoted := ""
	if q := s.status(st.QuoteOfID); q != nil {
		quoted = q.AccountID
		s.notify("quote", quoted, st.AccountID, st.ID)
	}
	for _, id := range st.Mentions {
		if id != quoted {
			s.notify("mention", id, st.AccountID, st.ID)
		}
	}
	if st.Visibility == "direct" {
		s.converse(st)
	}
}

// notify records a notification for a local account other than the
// actor. Must be called with s.mu held.
func (s *Server) notify(typ, accountID, fromID, statusID string) {
	if a := s.accounts[accountID]; a == nil || a.Domain != "" || accountID == fromID {
		return
	}
	s.nseq++
	n := &Notification{ID: strconv.FormatInt(s.nseq, 10), Type: typ,
		AccountID: accountID, FromID: fromID, StatusID: statusID, CreatedAt: s.now().UTC()}
	s.notifications = append(s.notifications, n)
	s.stream(n)
}

// converse files a direct status in the conversations of its local
// participants (the author and those mentioned). Must be called with s.mu
// held.
func (s *Server) converse(st *Status) {
	people := append([]string{st.AccountID}, st.Mentions...)
	for _, p := range people {
		if a := s.accounts[p]; a == nil || a.Domain != "" {
			continue
		}
		var ac *accountConversation
		for _, c := range s.convs {
			if c.accountID == p && c.conversationID == st.ConversationID {
				ac = c
			}
		}
		if ac == nil {
			ac = &accountConversation{id: strconv.Itoa(len(s.convs) + 1), accountID: p, conversationID: st.ConversationID}
			s.convs = append(s.convs, ac)
		}
		for _, o := range people {
			if o != p && !slices.Contains(ac.participants, o) {
				ac.participants = append(ac.participants, o)
			}
		}
		ac.lastStatusID = st.ID
		ac.unread = p != st.AccountID
	}
}

// Reblog boosts a status as the account, notifying its author, and
// returns the boost. Boosting a boost boosts the original, as Mastodon
// does. It panics on an unknown account or status, or one that is private
// or direct.
func (s *Server) Reblog(accountID, statusID string) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustAccount(accountID)
	o := s.mustStatus(statusID)
	if o.ReblogOfID != "" {
		o = s.mustStatus(o.ReblogOfID)
	}
	if o.Visibility != "public" && o.Visibility != "unlisted" {
		panic("mastodontest: a " + o.Visibility + " status cannot be boosted")
	}
	now := s.now()
	st := &Status{ID: s.nextID(now), AccountID: accountID, Visibility: "public", ReblogOfID: o.ID, CreatedAt: now.UTC()}
	s.statuses = append(s.statuses, st)
	sort.Slice(s.statuses, func(i, j int) bool { return idLess(s.statuses[i].ID, s.statuses[j].ID) })
	s.notify("reblog", o.AccountID, accountID, o.ID)
	return st.clone()
}

// Favourite favourites a status as the account, notifying its author
// the first time. It panics on an unknown account or status.
func (s *Server) Favourite(accountID, statusID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustAccount(accountID)
	st := s.mustStatus(statusID)
	if s.favourites[st.ID] == nil {
		s.favourites[st.ID] = map[string]bool{}
	}
	if !s.favourites[st.ID][accountID] {
		s.favourites[st.ID][accountID] = true
		s.notify("favourite", st.AccountID, accountID, st.ID)
	}
}

// Follow makes followerID follow followedID, notifying it the first time.
// It panics on an unknown account.
func (s *Server) Follow(followerID, followedID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustAccount(followerID)
	s.mustAccount(followedID)
	if s.follows[followerID] == nil {
		s.follows[followerID] = map[string]bool{}
	}
	if !s.follows[followerID][followedID] {
		s.follows[followerID][followedID] = true
		s.notify("follow", followedID, followerID, "")
	}
}

// Notifications returns the notifications of an account, oldest first.
func (s *Server) Notifications(accountID string) []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Notification
	for _, n := range s.notifications {
		if n.AccountID == accountID {
			out = append(out, *n)
		}
	}
	return out
}

func (s *Server) mustAccount(id string) *Account {
	a := s.accounts[id]
	if a == nil {
		panic("mastodontest: unknown account " + id)
	}
	return a
}

func (s *Server) mustStatus(id string) *Status {
	st := s.status(id)
	if st == nil {
		panic("mastodontest: unknown status " + id)
	}
	return st
}

// status finds a status by ID; nil when there is none. Must be called
// with s.mu held.
func (s *Server) status(id string) *Status {
	if id == "" {
		return nil
	}
	i := sort.Search(len(s.statuses), func(i int) bool { return !idLess(s.statuses[i].ID, id) })
	if i < len(s.statuses) && s.statuses[i].ID == id {
		return s.statuses[i]
	}
	return nil
}

// canSee reports whether viewer (nil: anonymous) may see st, as
// Mastodon's StatusPolicy#show? does: public and unlisted for everyone,
// private for followers and those mentioned, direct for those mentioned,
// everything for the author. Must be called with s.mu held.
func (s *Server) canSee(viewer *Account, st *Status) bool {
	switch {
	case st.Visibility == "public" || st.Visibility == "unlisted":
		return true
	case viewer == nil:
		return false
	case viewer.ID == st.AccountID || slices.Contains(st.Mentions, viewer.ID):
		return true
	case st.Visibility == "private":
		return s.follows[viewer.ID][st.AccountID]
	}
	return false
}

// allowed answers 403 unless the token was granted scope or its parent
// ("read" for "read:notifications").
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, scope string) bool {
	s.mu.Lock()
	granted := strings.Fields(s.scopes[bearer(r)])
	s.mu.Unlock()
	top, _, _ := strings.Cut(scope, ":")
	if slices.Contains(granted, scope) || slices.Contains(granted, top) {
		return true
	}
	writeError(w, http.StatusForbidden, "This action is outside the authorized scopes")
	return false
}

// limitParam reads limit as Mastodon does: def when absent or not
// positive, at most max.
func limitParam(q url.Values, def, max int) int {
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		return min(n, max)
	}
	return def
}

func truthy(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "t", "on", "yes":
		return true
	}
	return false
}

func statusKey(st *Status) int64 {
	n, _ := strconv.ParseInt(st.ID, 10, 64)
	return n
}

// paginate applies max_id, since_id and min_id to items sorted by key,
// oldest first, as Mastodon's Paginable does, and returns one page newest
// first: with min_id, the page immediately newer than it; otherwise the
// newest page below max_id (and above since_id).
func paginate[T any](items []T, key func(T) int64, q url.Values, limit int) []T {
	bound := func(k string) (int64, bool) {
		n, err := strconv.ParseInt(q.Get(k), 10, 64)
		return n, err == nil
	}
	maxID, hasMax := bound("max_id")
	sinceID, hasSince := bound("since_id")
	minID, hasMin := bound("min_id")
	var in []T
	for _, it := range items {
		k := key(it)
		if hasMax && k >= maxID || hasSince && k <= sinceID || hasMin && k <= minID {
			continue
		}
		in = append(in, it)
	}
	var page []T
	if hasMin {
		page = append(page, in[:min(limit, len(in))]...)
		slices.Reverse(page)
		return page
	}
	for i := len(in) - 1; i >= 0 && len(page) < limit; i-- {
		page = append(page, in[i])
	}
	return page
}

// keep returns the parameters of q named, for the Link header.
func keep(q url.Values, names ...string) url.Values {
	v := url.Values{}
	for _, n := range names {
		if q.Has(n) {
			v[n] = q[n]
		}
	}
	return v
}

// setLink writes Mastodon's Link header: rel="next" pages back from the
// oldest item with max_id, rel="prev" forward from the newest with min_id.
func (s *Server) setLink(w http.ResponseWriter, path string, params url.Values, newest, oldest string) {
	link := func(k, id string) string {
		v := url.Values{}
		for k, vs := range params {
			v[k] = vs
		}
		v.Set(k, id)
		return s.URL + path + "?" + v.Encode()
	}
	w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`, link("max_id", oldest), link("min_id", newest)))
}

// notificationTypes are the types GET /api/v1/notifications knows here.
var notificationTypes = []string{"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
	"admin.sign_up", "admin.report", "severed_relationships", "moderation_warning", "quote", "quoted_update"}

func (s *Server) getNotifications(w http.ResponseWriter, r *http.Request) {
	a := s.auth(w, r)
	if a == nil || !s.allowed(w, r, "read:notifications") {
		return
	}
	q := r.URL.Query()
	types := append(q["types[]"], q["types"]...)
	exclude := append(q["exclude_types[]"], q["exclude_types"]...)
	from := q.Get("account_id")
	limit := limitParam(q, 40, 80)
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*Notification
	for _, n := range s.notifications {
		if n.AccountID != a.ID || len(types) > 0 && !slices.Contains(types, n.Type) ||
			slices.Contains(exclude, n.Type) || from != "" && n.FromID != from {
			continue
		}
		all = append(all, n)
	}
	page := paginate(all, func(n *Notification) int64 { k, _ := strconv.ParseInt(n.ID, 10, 64); return k }, q, limit)
	out := make([]any, 0, len(page))
	for _, n := range page {
		out = append(out, s.notificationJSON(n))
	}
	if len(page) > 0 {
		s.setLink(w, "/api/v1/notifications", keep(q, "limit", "account_id", "types[]", "exclude_types[]"), page[0].ID, page[len(page)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

// notificationJSON renders the Notification entity. Must be called with
// s.mu held.
func (s *Server) notificationJSON(n *Notification) map[string]any {
	v := map[string]any{"id": n.ID, "type": n.Type, "created_at": n.CreatedAt.Format("2006-01-02T15:04:05.000Z"),
		"group_key": "ungrouped-" + n.ID, "account": s.accountJSON(s.accounts[n.FromID])}
	if st := s.status(n.StatusID); st != nil {
		v["status"] = s.statusJSON(st)
	}
	return v
}

func (s *Server) conversationJSON(ac *accountConversation) map[string]any {
	accounts := []any{}
	for _, id := range ac.participants {
		accounts = append(accounts, s.accountJSON(s.accounts[id]))
	}
	var last any
	if st := s.status(ac.lastStatusID); st != nil {
		last = s.statusJSON(st)
	}
	return map[string]any{"id": ac.id, "unread": ac.unread, "accounts": accounts, "last_status": last}
}

// getConversations lists the account's direct conversations by their last
// status, newest first; max_id, since_id and min_id are last-status IDs.
func (s *Server) getConversations(w http.ResponseWriter, r *http.Request) {
	a := s.auth(w, r)
	if a == nil || !s.allowed(w, r, "read:statuses") {
		return
	}
	q := r.URL.Query()
	limit := limitParam(q, 20, 40)
	s.mu.Lock()
	defer s.mu.Unlock()
	key := func(ac *accountConversation) int64 { k, _ := strconv.ParseInt(ac.lastStatusID, 10, 64); return k }
	var all []*accountConversation
	for _, ac := range s.convs {
		if ac.accountID == a.ID {
			all = append(all, ac)
		}
	}
	sort.Slice(all, func(i, j int) bool { return key(all[i]) < key(all[j]) })
	page := paginate(all, key, q, limit)
	out := make([]any, 0, len(page))
	for _, ac := range page {
		out = append(out, s.conversationJSON(ac))
	}
	if len(page) > 0 {
		s.setLink(w, "/api/v1/conversations", keep(q, "limit"), page[0].lastStatusID, page[len(page)-1].lastStatusID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) readConversation(w http.ResponseWriter, r *http.Request, id string) {
	a := s.auth(w, r)
	if a == nil || !s.allowed(w, r, "write:conversations") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ac := range s.convs {
		if ac.id == id && ac.accountID == a.ID {
			ac.unread = false
			writeJSON(w, http.StatusOK, s.conversationJSON(ac))
			return
		}
	}
	writeError(w, http.StatusNotFound, "Record not found")
}

// tagTimeline serves the public statuses with a hashtag, newest first:
// any[], all[], none[], local, remote, only_media, max_id, since_id,
// min_id, limit (20, at most 40).
func (s *Server) tagTimeline(w http.ResponseWriter, r *http.Request, tag string) {
	if bearer(r) != "" && s.auth(w, r) == nil {
		return
	}
	q := r.URL.Query()
	limit := limitParam(q, 20, 40)
	tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
	lower := func(vs []string) []string {
		var out []string
		for _, v := range vs {
			out = append(out, strings.ToLower(v))
		}
		return out
	}
	anyOf, allOf, noneOf := lower(q["any[]"]), lower(q["all[]"]), lower(q["none[]"])
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*Status
	for _, st := range s.statuses {
		a := s.accounts[st.AccountID]
		if st.ReblogOfID != "" || st.Visibility != "public" ||
			truthy(q.Get("local")) && a.Domain != "" || truthy(q.Get("remote")) && a.Domain == "" ||
			truthy(q.Get("only_media")) && len(st.MediaIDs) == 0 {
			continue
		}
		match := slices.Contains(st.Tags, tag) || slices.ContainsFunc(anyOf, func(t string) bool { return slices.Contains(st.Tags, t) })
		for _, t := range allOf {
			match = match && slices.Contains(st.Tags, t)
		}
		if !match || slices.ContainsFunc(noneOf, func(t string) bool { return slices.Contains(st.Tags, t) }) {
			continue
		}
		all = append(all, st)
	}
	s.writeStatusPage(w, "/api/v1/timelines/tag/"+url.PathEscape(tag), q, keep(q, "limit", "local", "only_media"), limit, all)
}

// snowflakeTime is the time in a Mastodon ID (milliseconds << 16).
func snowflakeTime(id string) (time.Time, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(n >> 16).UTC(), true
}

// search serves GET /api/v2/search as Mastodon 4 with Elasticsearch does,
// which is not what its documentation says of min_id: statuses matching
// every word of q (case-insensitive substrings of the text and the
// content warning) that the account may see (public and unlisted ones,
// its own, those it is mentioned in), newest first, with offset; min_id
// and max_id become after: and before: on the creation time cut to the
// second, so min_id returns the newest matches (not those immediately
// newer), and may return the status min_id names and others of its
// second again.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var viewer *Account
	if bearer(r) != "" {
		if viewer = s.auth(w, r); viewer == nil || !s.allowed(w, r, "read:search") {
			return
		}
	}
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if query == "" {
		writeError(w, http.StatusBadRequest, "param is missing or the value is empty: q")
		return
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	if viewer == nil && offset > 0 {
		writeError(w, http.StatusUnauthorized, "Search queries pagination is not supported without authentication")
		return
	}
	if viewer == nil && truthy(q.Get("resolve")) {
		writeError(w, http.StatusUnauthorized, "Search queries that resolve remote resources are not supported without authentication")
		return
	}
	limit := limitParam(q, 20, 40)
	typ := q.Get("type")
	terms := strings.Fields(strings.ToLower(query))
	after, hasAfter := snowflakeTime(q.Get("min_id"))
	before, hasBefore := snowflakeTime(q.Get("max_id"))
	after, before = after.Truncate(time.Second), before.Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	res := map[string]any{"accounts": []any{}, "statuses": []any{}, "hashtags": []any{}}
	if typ == "" || typ == "statuses" {
		var found []any
		skipped := 0
		for i := len(s.statuses) - 1; i >= 0 && len(found) < limit; i-- {
			st := s.statuses[i]
			text := strings.ToLower(st.SpoilerText + " " + st.Text)
			if st.ReblogOfID != "" || hasAfter && !st.CreatedAt.After(after) || hasBefore && !st.CreatedAt.Before(before) ||
				!(st.Visibility == "public" || st.Visibility == "unlisted" || viewer != nil && s.canSee(viewer, st)) ||
				slices.ContainsFunc(terms, func(t string) bool { return !strings.Contains(text, t) }) {
				continue
			}
			if skipped < offset {
				skipped++
				continue
			}
			found = append(found, s.statusJSON(st))
		}
		if found != nil {
			res["statuses"] = found
		}
	}
	if typ == "" || typ == "accounts" {
		var found []any
		for _, a := range s.accounts {
			if len(found) < limit && strings.Contains(strings.ToLower(a.Acct()+" "+a.DisplayName), strings.TrimPrefix(terms[0], "@")) {
				found = append(found, s.accountJSON(a))
			}
		}
		if found != nil {
			res["accounts"] = found
		}
	}
	if typ == "" || typ == "hashtags" {
		var found []any
		seen := map[string]bool{}
		for _, st := range s.statuses {
			for _, t := range st.Tags {
				if !seen[t] && len(found) < limit && strings.HasPrefix(t, strings.TrimPrefix(terms[0], "#")) {
					seen[t] = true
					found = append(found, map[string]any{"name": t, "url": s.URL + "/tags/" + t, "history": []any{}})
				}
			}
		}
		if found != nil {
			res["hashtags"] = found
		}
	}
	writeJSON(w, http.StatusOK, res)
}

// writeStatusPage answers one page of statuses (newest first, as q asks)
// with the Link header of the pages around it; path and kept are what the
// links repeat.
func (s *Server) writeStatusPage(w http.ResponseWriter, path string, q, kept url.Values, limit int, all []*Status) {
	page := paginate(all, statusKey, q, limit)
	out := make([]any, 0, len(page))
	for _, st := range page {
		out = append(out, s.statusJSON(st))
	}
	if len(page) > 0 {
		s.setLink(w, path, kept, page[0].ID, page[len(page)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}
