package mastodon_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
)

func TestOAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	const redirect = "https://gears.example/accounts/mastodon/callback"
	app, err := e.conn.RegisterApp(ctx, e.srv.URL, "Gears", redirect, mastodon.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	if app.ClientID == "" || app.ClientSecret == "" || app.Name != "Gears" {
		t.Fatalf("app = %+v", app)
	}

	authURL, err := mastodon.AuthorizeURL(e.srv.URL+"/", app.ClientID, redirect, mastodon.Scopes, "st4te")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(authURL, e.srv.URL+"/oauth/authorize?") {
		t.Fatalf("authorize URL = %s", authURL)
	}
	// The person approves; the server redirects to Gears with a code.
	browser := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), redirect+"?") {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if loc.Query().Get("state") != "st4te" {
		t.Errorf("state = %q", loc.Query().Get("state"))
	}
	code := loc.Query().Get("code")

	tok, err := e.conn.ExchangeCode(ctx, e.srv.URL, app.ClientID, app.ClientSecret, redirect, code)
	if err != nil {
		t.Fatal(err)
	}
	acct, _, err := e.conn.Verify(ctx, gears.Credentials{Server: e.srv.URL, AccessToken: tok})
	if err != nil || acct.ID != e.acct.ID {
		t.Fatalf("verify with the new token: %+v, %v", acct, err)
	}

	// A code works once.
	_, err = e.conn.ExchangeCode(ctx, e.srv.URL, app.ClientID, app.ClientSecret, redirect, code)
	re := remote(t, err, gears.RemoteRejected)
	if re.Status != 400 || !strings.HasPrefix(re.Message, "invalid_grant: ") {
		t.Errorf("error = %+v", re)
	}
	// A wrong secret is a refusal, not an account's lost token.
	_, err = e.conn.ExchangeCode(ctx, e.srv.URL, app.ClientID, "wrong", redirect, code)
	re = remote(t, err, gears.RemoteRejected)
	if re.Status != 401 || !strings.HasPrefix(re.Message, "invalid_client") {
		t.Errorf("error = %+v", re)
	}
	// Registration is validated.
	_, err = e.conn.RegisterApp(ctx, e.srv.URL, "Gears", "not a uri", mastodon.Scopes)
	re = remote(t, err, gears.RemoteRejected)
	if re.Status != 422 {
		t.Errorf("error = %+v", re)
	}
	if _, err := mastodon.AuthorizeURL("http://example.com", "id", redirect, nil, "s"); err == nil {
		t.Error("AuthorizeURL accepted plain http to a public host")
	}
}
