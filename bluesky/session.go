package bluesky

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"

	"gears"
	"gears/outbound"
)

// Sessions.
//
// A Bluesky account is reached with a session: a short-lived access JWT
// (about two hours) and a refresh JWT (about two months) that
// com.atproto.server.refreshSession exchanges for a new pair, the old
// refresh JWT then being spent. When a call answers ExpiredToken (HTTP
// 400), or InvalidToken or 401 (a token the server no longer accepts), the
// connector refreshes the session once, or, when that fails, signs in again
// with the app password (com.atproto.server.createSession), and repeats
// the call. Only when that too is refused is the failure a RemoteAuth:
// the account needs reconnecting.
//
// How refreshed credentials reach the caller: gears.Connector.Publish
// returns only a gears.Published, so the connector keeps the newest
// session of each account in memory, and Refreshed(credentials) returns
// the credentials to store when they changed. The publishing engine asks
// after each publish (package jobs) and stores what it gets; Verify
// returns fresh credentials directly. Until the caller stores them, every
// call of this connector uses the newest session anyway, and a caller
// that never stores them costs one refresh (or sign-in) per process and
// expiry, not a failure: the app password is always there to sign in
// again.

// session is what the PDS answered to createSession or refreshSession.
type session struct {
	access, refresh string
	did, handle     string
}

// apply returns c with the session's tokens and DID.
func (s session) apply(c gears.Credentials) gears.Credentials {
	c.AccessToken, c.RefreshToken, c.DID = s.access, s.refresh, s.did
	return c
}

// account is the connector's state for one account: its newest session
// and what the PDS last said of its rate limit. mu is held while the
// session is renewed, so that concurrent deliveries renew it once; qmu
// guards the quota, which calls made during a renewal record.
type account struct {
	mu sync.Mutex
	s  session

	qmu   sync.Mutex
	quota quota
}

// accountKey names an account by server, handle (or DID) as typed, and
// app password, so that reconnecting with a new app password starts from
// the stored credentials again.
func accountKey(server string, c gears.Credentials) string {
	id := normalizeHandle(c.Handle)
	if id == "" {
		id = c.DID
	}
	sum := sha256.Sum256([]byte(c.AppPassword))
	return server + "\x00" + id + "\x00" + hex.EncodeToString(sum[:8])
}

// account returns the state of the account c acts as, made from c on
// first use.
func (cn *Connector) account(server string, c gears.Credentials) *account {
	key := accountKey(server, c)
	cn.mu.Lock()
	defer cn.mu.Unlock()
	if cn.accounts == nil {
		cn.accounts = make(map[string]*account)
	}
	a, ok := cn.accounts[key]
	if !ok {
		a = &account{s: session{access: c.AccessToken, refresh: c.RefreshToken, did: c.DID}}
		if h := normalizeHandle(c.Handle); h != c.DID {
			a.s.handle = h
		}
		cn.accounts[key] = a
	}
	return a
}

func (a *account) current() session {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.s
}

// Refreshed returns c with the newest session the connector holds for
// its account, and whether that differs from c: the caller should then
// store the credentials returned.
func (cn *Connector) Refreshed(c gears.Credentials) (gears.Credentials, bool) {
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return c, false
	}
	cn.mu.Lock()
	a, ok := cn.accounts[accountKey(server, c)]
	cn.mu.Unlock()
	if !ok {
		return c, false
	}
	s := a.current()
	if s.access == "" || (s.access == c.AccessToken && s.refresh == c.RefreshToken && s.did == c.DID) {
		return c, false
	}
	return s.apply(c), true
}

// authed runs fn with the account's session, first signing in when there
// is none, and renews the session once when fn fails for its tokens.
func (cn *Connector) authed(ctx context.Context, server string, a *account, c gears.Credentials, fn func(session) error) error {
	s := a.current()
	if s.access == "" || s.did == "" {
		var err error
		if s, err = cn.renew(ctx, server, a, c, s.access); err != nil {
			return err
		}
	}
	err := fn(s)
	if !renewable(err) {
		return err
	}
	if s, err = cn.renew(ctx, server, a, c, s.access); err != nil {
		return err
	}
	return fn(s)
}

// renew replaces the session whose access token failed: by refreshing it,
// else by signing in with the app password. When another call renewed it
// meanwhile, its session is used.
func (cn *Connector) renew(ctx context.Context, server string, a *account, c gears.Credentials, failed string) (session, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.s.access != "" && a.s.access != failed && a.s.did != "" {
		return a.s, nil
	}
	if a.s.refresh != "" {
		s, err := cn.refreshSession(ctx, server, a.s.refresh)
		if err == nil {
			a.s = s
			return s, nil
		}
		var re *gears.RemoteError
		if !errors.As(err, &re) || re.Kind != gears.RemoteAuth {
			return session{}, err // the server is unwell: try again later, without spending a sign-in
		}
	}
	if c.AppPassword == "" {
		return session{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteAuth, Message: "the session expired and there is no app password to sign in again"}
	}
	id := a.s.did
	if id == "" {
		id = normalizeHandle(c.Handle)
	}
	s, err := cn.createSession(ctx, server, id, c.AppPassword)
	if err != nil {
		return session{}, err
	}
	a.s = s
	return s, nil
}

// sessionAnswer is the answer of createSession and refreshSession.
type sessionAnswer struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
	Active     *bool  `json:"active"`
	Status     string `json:"status"`
}

func (r sessionAnswer) session(nsid string) (session, error) {
	if r.AccessJwt == "" || r.RefreshJwt == "" || !validDID(r.DID) || len(r.AccessJwt) > 8192 || len(r.RefreshJwt) > 8192 {
		return session{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteTemporary, Status: http.StatusOK,
			Message: "the answer of " + nsid + " lacks the session"}
	}
	if r.Active != nil && !*r.Active {
		status := outbound.RemoteText(r.Status, 40)
		if status == "" {
			status = "inactive"
		}
		return session{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteAuth, Status: http.StatusOK,
			Message: "the account is " + status}
	}
	return session{access: r.AccessJwt, refresh: r.RefreshJwt, did: r.DID, handle: normalizeHandle(outbound.RemoteText(r.Handle, 253))}, nil
}

// createSession signs in with an identifier (handle or DID) and password.
func (cn *Connector) createSession(ctx context.Context, server, identifier, password string) (session, error) {
	const nsid = "com.atproto.server.createSession"
	var out sessionAnswer
	in := map[string]string{"identifier": identifier, "password": password}
	if err := cn.do(ctx, server, call{method: http.MethodPost, nsid: nsid, body: in}, &out); err != nil {
		return session{}, err
	}
	return out.session(nsid)
}

// refreshSession exchanges a refresh JWT for a new session.
func (cn *Connector) refreshSession(ctx context.Context, server, refresh string) (session, error) {
	const nsid = "com.atproto.server.refreshSession"
	var out sessionAnswer
	if err := cn.do(ctx, server, call{method: http.MethodPost, nsid: nsid, token: refresh}, &out); err != nil {
		var re *gears.RemoteError
		if errors.As(err, &re) && re.Kind == gears.RemoteRejected {
			re.Kind = gears.RemoteAuth // e.g. 400 InvalidRequest "Token has been revoked"
		}
		return session{}, err
	}
	return out.session(nsid)
}
