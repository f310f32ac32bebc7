package web

import (
	"context"
	"errors"
	"net/http"

	"gears"
	"gears/mastodon"
	"gears/store"
)

// mastodonOAuth is what the sign-in through a Mastodon instance needs of
// the Mastodon connector.
type mastodonOAuth interface {
	RegisterApp(ctx context.Context, server, clientName, redirectURI string, scopes []string) (mastodon.App, error)
	ExchangeCode(ctx context.Context, server, clientID, clientSecret, redirectURI, code string) (string, error)
}

func (s *Server) mastodonOAuth() (mastodonOAuth, error) {
	if m, ok := s.cfg.Connectors[gears.Mastodon].(mastodonOAuth); ok {
		return m, nil
	}
	return nil, gears.Errorf(gears.EINVALID, "account.network_unknown")
}

// oauthRedirect is where the instance sends people back: GEARS_BASE_URL's
// address, or the one this request came to.
func (s *Server) oauthRedirect(r *http.Request) string {
	return s.absURL(r, "/oauth/mastodon/callback")
}

// startMastodonOAuth registers Gears as an app on the instance and sends
// the person there to sign in and allow it.
func (s *Server) startMastodonOAuth(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	server := r.PostFormValue("server")
	fail := func(err error) error {
		p, lerr := s.accountsData(r)
		if lerr != nil {
			return lerr
		}
		p.Form = gears.AccountConnect{Network: gears.Mastodon, Server: server}
		return s.formFailed(w, r, err, "accounts", "accounts", p, &p.Err)
	}
	oauth, err := s.mastodonOAuth()
	if err != nil {
		return fail(err)
	}
	norm, err := mastodon.NormalizeServer(server)
	if err != nil {
		return fail(gears.Invalid("server", "mastodon.server_invalid"))
	}
	redirectURI := s.oauthRedirect(r)
	app, err := oauth.RegisterApp(r.Context(), norm, "Gears", redirectURI, mastodon.Scopes)
	if err != nil {
		return fail(remoteRefused(err, "account.oauth_register_failed", norm))
	}
	state, err := s.accounts.BeginOAuth(r.Context(), ws.ID, store.OAuthFlow{Server: norm, ClientID: app.ClientID, ClientSecret: app.ClientSecret})
	if err != nil {
		return err
	}
	to, err := mastodon.AuthorizeURL(norm, app.ClientID, redirectURI, mastodon.Scopes, state)
	if err != nil {
		return fail(gears.Invalid("server", "mastodon.server_invalid"))
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// finishMastodonOAuth takes the code the instance sent back, exchanges it
// for a token and connects the account.
func (s *Server) finishMastodonOAuth(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	flow, err := s.accounts.FinishOAuth(r.Context(), q.Get("state"))
	if err != nil {
		return err
	}
	back := "/w/" + itoa(flow.WorkspaceID) + "/accounts"
	if q.Get("error") != "" || q.Get("code") == "" {
		return redirect(w, r, back, "flash.oauth_cancelled")
	}
	oauth, err := s.mastodonOAuth()
	if err != nil {
		return err
	}
	token, err := oauth.ExchangeCode(r.Context(), flow.Server, flow.ClientID, flow.ClientSecret, s.oauthRedirect(r), q.Get("code"))
	if err != nil {
		return remoteRefused(err, "account.verify_failed", "Mastodon")
	}
	if _, err := s.accounts.ConnectAccount(r.Context(), flow.WorkspaceID, gears.AccountConnect{Network: gears.Mastodon, Server: flow.Server, AccessToken: token}); err != nil {
		return err
	}
	return redirect(w, r, back, "flash.account_connected")
}

// remoteRefused turns a network's refusal into an error a person can act
// on; other errors pass through.
func remoteRefused(err error, key string, arg string) error {
	var re *gears.RemoteError
	if errors.As(err, &re) {
		return &gears.Error{Code: gears.EUNPROCESSABLE, Key: key, Args: []any{arg}, Field: "server", Err: err}
	}
	return err
}
