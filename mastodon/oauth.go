package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"gears"
)

// Scopes are the OAuth scopes Gears asks for: reading the account and its
// statuses (to verify and to reconcile), its notifications and search (to
// listen), writing statuses and media. A token granted before listening
// existed lacks read:notifications and read:search: Mastodon answers 403,
// a gears.RemoteAuth error, and the account needs reconnecting.
var Scopes = []string{"read:accounts", "read:statuses", "read:notifications", "read:search", "write:statuses", "write:media"}

// App is an application registered on a Mastodon server.
type App struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// RegisterApp registers Gears on server with POST /api/v1/apps, for the
// authorization-code flow ending at redirectURI.
func (c *Connector) RegisterApp(ctx context.Context, server, clientName, redirectURI string, scopes []string) (App, error) {
	base, err := NormalizeServer(server)
	if err != nil {
		return App{}, err
	}
	form := url.Values{
		"client_name":   {clientName},
		"redirect_uris": {redirectURI},
		"scopes":        {strings.Join(scopes, " ")},
	}
	resp, err := c.send(ctx, base, request{
		method: http.MethodPost, path: "/api/v1/apps",
		body: []byte(form.Encode()), contentType: "application/x-www-form-urlencoded",
	})
	if err != nil {
		return App{}, fmt.Errorf("register mastodon app: %w", err)
	}
	var app App
	if err := resp.decode(&app); err != nil {
		return App{}, fmt.Errorf("register mastodon app: %w", err)
	}
	if app.ClientID == "" || app.ClientSecret == "" {
		return App{}, fmt.Errorf("register mastodon app: %w", resp.fail(gears.RemoteTemporary, "no client credentials in the answer", nil))
	}
	return app, nil
}

// AuthorizeURL returns the page of server where a person approves access
// (GET /oauth/authorize, response_type=code). state comes back with the
// code on redirectURI and must be checked there.
func AuthorizeURL(server, clientID, redirectURI string, scopes []string, state string) (string, error) {
	base, err := NormalizeServer(server)
	if err != nil {
		return "", err
	}
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {clientID},
		"redirect_uri":  {redirectURI},
		"scope":         {strings.Join(scopes, " ")},
		"state":         {state},
	}
	return base + "/oauth/authorize?" + q.Encode(), nil
}

// ExchangeCode trades an authorization code for an access token with
// POST /oauth/token (grant_type=authorization_code). A used, expired or
// foreign code is a RemoteRejected error ("invalid_grant").
func (c *Connector) ExchangeCode(ctx context.Context, server, clientID, clientSecret, redirectURI, code string) (string, error) {
	base, err := NormalizeServer(server)
	if err != nil {
		return "", err
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"client_id":     {clientID},
		"client_secret": {clientSecret},
		"redirect_uri":  {redirectURI},
	}
	resp, err := c.send(ctx, base, request{
		method: http.MethodPost, path: "/oauth/token",
		body: []byte(form.Encode()), contentType: "application/x-www-form-urlencoded",
	})
	if err != nil {
		var re *gears.RemoteError
		// Doorkeeper answers a bad code with 400; a bad client with 401,
		// which is the app's fault, not an account's: both are refusals.
		if asRemote(err, &re) && re.Status == http.StatusUnauthorized {
			re.Kind = gears.RemoteRejected
		}
		return "", fmt.Errorf("exchange mastodon code: %w", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := resp.decode(&tok); err != nil {
		return "", fmt.Errorf("exchange mastodon code: %w", err)
	}
	if tok.AccessToken == "" || (tok.TokenType != "" && !strings.EqualFold(tok.TokenType, "bearer")) {
		return "", fmt.Errorf("exchange mastodon code: %w", resp.fail(gears.RemoteTemporary, "no bearer token in the answer", nil))
	}
	return tok.AccessToken, nil
}

func asRemote(err error, re **gears.RemoteError) bool { return errors.As(err, re) }
