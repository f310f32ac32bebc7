package mastodontest

import (
	"net/http"
	"slices"
	"strings"
)

// What the server answers for metrics (docs.joinmastodon.org:
// methods/statuses#get, methods/statuses#index, methods/accounts#get,
// methods/accounts#lookup, entities/Status, entities/Account):
//
//   - GET /api/v1/statuses/:id: the Status, for anyone who may see it
//     (public and unlisted without a token); 404 {"error":"Record not
//     found"} for a status that does not exist, was deleted, or that the
//     token may not see.
//   - GET /api/v1/statuses?id[]=…: the Statuses that exist and may be
//     seen, in the order asked, at most 20 (the first 20 IDs asked);
//     fewer when some are missing. Config.NoStatusesIndex answers 404, as
//     Mastodon before 4.3.
//   - GET /api/v1/accounts/:id and GET /api/v1/accounts/lookup?acct=:
//     the Account; acct is "user" for a local account or "user@domain"
//     (the server's own domain names a local account); 404 otherwise.
//
// Counts: replies_count, reblogs_count and favourites_count count what
// happened on the server, and quotes_count (Mastodon 4.5) the statuses
// quoting it; SetCounts replaces them. An Account's followers_count,
// following_count and statuses_count count the follows and statuses of
// the server; SetAccountCounts replaces them. SetStatusFields replaces
// any field of a Status as rendered (nil removes it), for hostile
// answers: a negative, huge or missing count.

// Counts are the counts of a status.
type Counts struct {
	Replies, Reblogs, Favourites, Quotes int64
}

// AccountCounts are the counts of an account.
type AccountCounts struct {
	Followers, Following, Statuses int64
}

type countsState struct {
	status   map[string]Counts
	fields   map[string]map[string]any
	accounts map[string]AccountCounts
}

// SetCounts replaces the counts of a status.
func (s *Server) SetCounts(statusID string, c Counts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustStatus(statusID)
	if s.counts.status == nil {
		s.counts.status = map[string]Counts{}
	}
	s.counts.status[statusID] = c
}

// SetStatusFields replaces fields of a status as the API renders it; a
// nil value removes the field.
func (s *Server) SetStatusFields(statusID string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustStatus(statusID)
	if s.counts.fields == nil {
		s.counts.fields = map[string]map[string]any{}
	}
	s.counts.fields[statusID] = fields
}

// SetAccountCounts replaces the counts of an account.
func (s *Server) SetAccountCounts(accountID string, c AccountCounts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustAccount(accountID)
	if s.counts.accounts == nil {
		s.counts.accounts = map[string]AccountCounts{}
	}
	s.counts.accounts[accountID] = c
}

// DeleteStatus deletes a status, as its author would.
func (s *Server) DeleteStatus(statusID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustStatus(statusID)
	s.statuses = slices.DeleteFunc(s.statuses, func(o *Status) bool { return o == st })
}

// statusCounts sets the counts of a rendered status. Must be called with
// s.mu held.
func (s *Server) statusCounts(st *Status, m map[string]any) {
	quotes := 0
	for _, o := range s.statuses {
		if o.QuoteOfID == st.ID {
			quotes++
		}
	}
	m["quotes_count"] = quotes
	if c, ok := s.counts.status[st.ID]; ok {
		m["replies_count"], m["reblogs_count"], m["favourites_count"], m["quotes_count"] = c.Replies, c.Reblogs, c.Favourites, c.Quotes
	}
	for k, v := range s.counts.fields[st.ID] {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
}

// accountCounts sets the counts of a rendered account. Must be called
// with s.mu held.
func (s *Server) accountCounts(a *Account, m map[string]any) {
	followers, following, statuses := 0, len(s.follows[a.ID]), 0
	for _, f := range s.follows {
		if f[a.ID] {
			followers++
		}
	}
	for _, st := range s.statuses {
		if st.AccountID == a.ID {
			statuses++
		}
	}
	m["followers_count"], m["following_count"], m["statuses_count"] = followers, following, statuses
	if c, ok := s.counts.accounts[a.ID]; ok {
		m["followers_count"], m["following_count"], m["statuses_count"] = c.Followers, c.Following, c.Statuses
	}
}

// viewer returns the token's account: nil without a token. A token given
// but unknown answers 401.
func (s *Server) viewer(w http.ResponseWriter, r *http.Request) (*Account, bool) {
	if bearer(r) == "" {
		return nil, true
	}
	a := s.auth(w, r)
	return a, a != nil
}

func (s *Server) routeCounts(w http.ResponseWriter, r *http.Request) {
	viewer, ok := s.viewer(w, r)
	if !ok {
		return
	}
	p := r.URL.Path
	switch {
	case p == "/api/v1/statuses":
		if s.cfg.NoStatusesIndex {
			writeError(w, http.StatusNotFound, "Record not found")
			return
		}
		ids := r.URL.Query()["id[]"]
		if len(ids) > 20 {
			ids = ids[:20]
		}
		s.mu.Lock()
		out := []any{}
		for _, id := range ids {
			if st := s.status(id); st != nil && s.canSee(viewer, st) {
				out = append(out, s.statusJSON(st))
			}
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case strings.HasPrefix(p, "/api/v1/statuses/") && strings.Count(p, "/") == 4:
		s.mu.Lock()
		st := s.status(strings.TrimPrefix(p, "/api/v1/statuses/"))
		if st == nil || !s.canSee(viewer, st) {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "Record not found")
			return
		}
		v := s.statusJSON(st)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, v)
	case p == "/api/v1/accounts/lookup":
		acct := strings.ToLower(strings.TrimPrefix(r.URL.Query().Get("acct"), "@"))
		if user, domain, ok := strings.Cut(acct, "@"); ok && domain == strings.ToLower(strings.TrimPrefix(s.URL, "http://")) {
			acct = user
		}
		s.mu.Lock()
		a := s.byName[acct]
		s.writeAccount(w, a)
	case strings.HasPrefix(p, "/api/v1/accounts/") && strings.Count(p, "/") == 4:
		s.mu.Lock()
		a := s.accounts[strings.TrimPrefix(p, "/api/v1/accounts/")]
		s.writeAccount(w, a)
	default:
		writeError(w, http.StatusNotFound, "Record not found")
	}
}

// writeAccount answers the account, or 404; it unlocks s.mu.
func (s *Server) writeAccount(w http.ResponseWriter, a *Account) {
	if a == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	v := s.accountJSON(a)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, v)
}
