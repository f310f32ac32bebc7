package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gears"
	"gears/store"
	"gears/web"
)

// accessCase builds a request that succeeds for whoever is allowed to make
// it: path (with the fixture's IDs), and a form or JSON body.
type accessCase func(f *fixture, who string) (path string, body string)

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

func fixed(path, body string) accessCase {
	return func(*fixture, string) (string, string) { return path, body }
}

func inWS(suffix, body string) accessCase {
	return func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/w/%d%s", f.ws.ID, suffix), body
	}
}

func inAPIWS(suffix, body string) accessCase {
	return func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d%s", f.ws.ID, suffix), body
	}
}

// accessCases has one entry per route of the server; TestAccess fails for
// a route without one.
var accessCases = map[string]accessCase{
	"GET /login": fixed("/login", ""),
	"POST /login": func(f *fixture, who string) (string, string) {
		return "/login", form("email", who+"@example.com", "password", "correct horse battery")
	},
	"POST /logout":        fixed("/logout", ""),
	"GET /setup":          fixed("/setup", ""),
	"POST /setup":         fixed("/setup", form("code", "AAAA-BBBB-CCCC", "email", "x@example.com", "password", "correct horse battery")),
	"GET /invite/{token}": func(f *fixture, _ string) (string, string) { return "/invite/" + f.invite.Token, "" },
	"POST /invite/{token}": func(f *fixture, _ string) (string, string) {
		return "/invite/" + f.invite.Token, form("name", "Invitee", "password", "correct horse battery")
	},
	"POST /settings/language": fixed("/settings/language", form("language", "es", "next", "/")),
	"GET /{$}":                fixed("/", ""),
	"GET /switch": func(f *fixture, who string) (string, string) {
		return fmt.Sprintf("/switch?ws=%d", f.ownWorkspace(who)), ""
	},
	"GET /workspaces/new":    fixed("/workspaces/new", ""),
	"POST /workspaces":       fixed("/workspaces", form("name", "Brand new", "timezone", "UTC")),
	"POST /demo":             fixed("/demo", ""),
	"GET /settings/profile":  fixed("/settings/profile", ""),
	"POST /settings/profile": fixed("/settings/profile", form("name", "Renamed", "language", "es")),
	"POST /settings/tokens":  fixed("/settings/tokens", form("name", "laptop")),
	"POST /settings/tokens/{id}/delete": func(f *fixture, who string) (string, string) {
		return fmt.Sprintf("/settings/tokens/%d/delete", f.idsOf(who).tokenID), ""
	},
	"GET /w/{ws}/{$}":       inWS("/", ""),
	"GET /w/{ws}/planner":   inWS("/planner?networks=3&posts_per_week=5", ""),
	"GET /w/{ws}/strategy":  inWS("/strategy", ""),
	"GET /w/{ws}/calendar":  inWS("/calendar", ""),
	"GET /w/{ws}/inbox":     inWS("/inbox", ""),
	"GET /w/{ws}/metrics":   inWS("/metrics", ""),
	"GET /w/{ws}/settings":  inWS("/settings", ""),
	"POST /w/{ws}/settings": inWS("/settings", form("name", "Aurora Roasters", "timezone", "America/Bogota")),
	"POST /w/{ws}/delete":   inWS("/delete", form("confirm", "Aurora")),
	"GET /w/{ws}/members":   inWS("/members", ""),
	"POST /w/{ws}/members":  inWS("/members", form("email", "someone.new@example.com", "role", "editor")),
	"POST /w/{ws}/members/{user}/role": func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/w/%d/members/%d/role", f.ws.ID, f.actors["editor"].user.ID), form("role", "analyst")
	},
	"POST /w/{ws}/members/{user}/remove": func(f *fixture, who string) (string, string) {
		return fmt.Sprintf("/w/%d/members/%d/remove", f.ws.ID, f.idsOf(who).user.ID), "" // leaving
	},
	"POST /w/{ws}/invitations/{inv}/revoke": func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/w/%d/invitations/%d/revoke", f.ws.ID, f.invite.ID), ""
	},

	"GET /api/v1/me":      fixed("/api/v1/me", ""),
	"PATCH /api/v1/me":    fixed("/api/v1/me", `{"language":"es"}`),
	"GET /api/v1/tokens":  fixed("/api/v1/tokens", ""),
	"POST /api/v1/tokens": fixed("/api/v1/tokens", `{"name":"script"}`),
	"DELETE /api/v1/tokens/{id}": func(f *fixture, who string) (string, string) {
		return fmt.Sprintf("/api/v1/tokens/%d", f.idsOf(who).tokenID), ""
	},
	"POST /api/v1/plans/estimate":          fixed("/api/v1/plans/estimate", `{"networks":3,"posts_per_week":7}`),
	"GET /api/v1/workspaces":               fixed("/api/v1/workspaces", ""),
	"POST /api/v1/workspaces":              fixed("/api/v1/workspaces", `{"name":"Another brand","timezone":"Europe/Lisbon"}`),
	"GET /api/v1/workspaces/{ws}":          inAPIWS("", ""),
	"PATCH /api/v1/workspaces/{ws}":        inAPIWS("", `{"name":"Aurora Roasters"}`),
	"DELETE /api/v1/workspaces/{ws}":       inAPIWS("", ""),
	"GET /api/v1/workspaces/{ws}/members":  inAPIWS("/members", ""),
	"POST /api/v1/workspaces/{ws}/members": inAPIWS("/members", `{"email":"someone.new@example.com","role":"approver"}`),
	"PATCH /api/v1/workspaces/{ws}/members/{user}": func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/members/%d", f.ws.ID, f.actors["editor"].user.ID), `{"role":"analyst"}`
	},
	"DELETE /api/v1/workspaces/{ws}/members/{user}": func(f *fixture, who string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/members/%d", f.ws.ID, f.idsOf(who).user.ID), "" // leaving
	},
}

// idsOf returns whose IDs a request names: the actor's own, or the
// owner's for a request made by nobody (which must be refused anyway).
func (f *fixture) idsOf(who string) *actor {
	if a, ok := f.actors[who]; ok {
		return a
	}
	return f.actors["owner"]
}

func (f *fixture) ownWorkspace(who string) int64 {
	if who == "outsider" {
		return f.other.ID
	}
	return f.ws.ID
}

// do sends one request as a (nil: nobody), with the CSRF token a page
// would carry, and returns the status.
func (f *fixture) do(t *testing.T, rt web.Route, a *actor, path, body string) int {
	t.Helper()
	var req *http.Request
	if rt.API {
		req, _ = http.NewRequest(rt.Method, f.srv.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if a != nil {
			req.Header.Set("Authorization", "Bearer "+a.token)
		}
	} else {
		if rt.Method == "POST" && a != nil {
			if body != "" {
				body += "&"
			}
			body += "csrf=" + url.QueryEscape(a.csrf)
		}
		req, _ = http.NewRequest(rt.Method, f.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := f.client(t, a).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestAccess proves, for every route that exists, that each role can do
// what it should, that nobody reaches a workspace they do not belong to
// (404, not 403), and that nobody at all reaches what needs a sign-in.
// Every case runs on its own copy of the fixture, so what one request
// changes (a deleted workspace, a member who left) cannot decide another.
func TestAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tmpl := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	base := &fixture{db: db, actors: map[string]*actor{}}
	base.populate(t)
	if _, err := db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	routes := web.New(web.Config{}, db, quietLogger()).Routes()
	db.Close()

	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		build, ok := accessCases[key]
		if !ok {
			t.Errorf("route %s has no access case: add one to accessCases", key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			for _, who := range append([]string{"anonymous"}, actorNames...) {
				f := &fixture{actors: base.actors, ws: base.ws, other: base.other, invite: base.invite, owner2: base.owner2}
				f.db, err = store.Open(ctx, store.Options{DataDir: copySQLite(t, tmpl)})
				if err != nil {
					t.Fatal(err)
				}
				f.serve(t)
				path, body := build(f, who)
				got := f.do(t, rt, f.actors[who], path, body)
				f.db.Close()
				want, ok := expectation(rt, who)
				if !ok(got) {
					t.Errorf("%s as %s: status %d, want %s", key, who, got, want)
				}
			}
		})
	}
}

// expectation says what status a route must give an actor.
func expectation(rt web.Route, who string) (string, func(int) bool) {
	success := func(s int) bool { return s >= 200 && s < 400 }
	if who == "anonymous" {
		switch {
		case rt.Access == web.Public:
			return "no server error", func(s int) bool { return s < 500 }
		case rt.API:
			return "401", func(s int) bool { return s == 401 }
		case rt.Method == "GET":
			return "303 to sign in", func(s int) bool { return s == 303 }
		default:
			return "403 (no CSRF token without a session)", func(s int) bool { return s == 403 }
		}
	}
	switch rt.Access {
	case web.Public:
		return "no server error", func(s int) bool { return s < 500 }
	case web.SignedIn:
		return "success", success
	}
	if who == "outsider" {
		return "404", func(s int) bool { return s == 404 }
	}
	if gears.Role(who).Can(rt.Action) {
		return "success", success
	}
	return "403", func(s int) bool { return s == 403 }
}
