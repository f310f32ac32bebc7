package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
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

func inWSPath(f *fixture, suffix string) string { return fmt.Sprintf("/w/%d%s", f.ws.ID, suffix) }

func inAPIWS(suffix, body string) accessCase {
	return func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d%s", f.ws.ID, suffix), body
	}
}

// accessCases has one entry per route of the server; TestAccess fails for
// a route without one.
var accessCases = map[string]accessCase{
	"GET /w/{ws}/calendar":             inWS("/calendar?view=month&network=mastodon", ""),
	"GET /w/{ws}/posts/new":            inWS("/posts/new?date=2030-01-02", ""),
	"GET /w/{ws}/calendar.csv":         inWS("/calendar.csv?from=2020-01-01", ""),
	"POST /w/{ws}/calendar/feed/reset": inWS("/calendar/feed/reset", ""),
	"GET /ical/{token}":                fixed("/ical/gcal_not-a-real-feed-token.ics", ""),
	"GET /w/{ws}/calendar/import":      inWS("/calendar/import", ""),
	"POST /w/{ws}/calendar/import": func(f *fixture, _ string) (string, string) {
		csv := "date,time,text,accounts\n" + time.Now().AddDate(0, 0, 3).Format("2006-01-02") + ",11:00,Imported," + f.account.Handle + "\n"
		return inWSPath(f, "/calendar/import"), form("csv", csv)
	},
	"POST /w/{ws}/accounts/mastodon/authorize": func(f *fixture, _ string) (string, string) {
		return inWSPath(f, "/accounts/mastodon/authorize"), form("server", f.net.server.URL)
	},
	"GET /oauth/mastodon/callback": fixed("/oauth/mastodon/callback?code=x&state=nobody-began-this", ""),
	"POST /w/{ws}/posts": func(f *fixture, _ string) (string, string) {
		return inWSPath(f, "/posts"), form("text", "Hello from the composer", "account", fmt.Sprint(f.account.ID), "action", "draft")
	},
	"GET /w/{ws}/posts/{post}": func(f *fixture, _ string) (string, string) { return f.postPath(f.planned, ""), "" },
	"POST /w/{ws}/posts/{post}": func(f *fixture, _ string) (string, string) {
		return f.postPath(f.draft, ""), form("text", "Edited", "account", fmt.Sprint(f.account.ID), "action", "draft")
	},
	"POST /w/{ws}/posts/{post}/submit":  func(f *fixture, _ string) (string, string) { return f.postPath(f.draft, "/submit"), "" },
	"POST /w/{ws}/posts/{post}/approve": func(f *fixture, _ string) (string, string) { return f.postPath(f.review, "/approve"), "" },
	"POST /w/{ws}/posts/{post}/send-back": func(f *fixture, _ string) (string, string) {
		return f.postPath(f.review, "/send-back"), form("comment", "Shorter, please")
	},
	"POST /w/{ws}/posts/{post}/publish-now": func(f *fixture, _ string) (string, string) { return f.postPath(f.planned, "/publish-now"), "" },
	"POST /w/{ws}/posts/{post}/reschedule": func(f *fixture, _ string) (string, string) {
		return f.postPath(f.planned, "/reschedule"), form("date", time.Now().AddDate(0, 0, 3).Format("2006-01-02"), "time", "10:30")
	},
	"POST /w/{ws}/posts/{post}/delete": func(f *fixture, _ string) (string, string) { return f.postPath(f.draft, "/delete"), "" },
	"POST /w/{ws}/posts/{post}/comment": func(f *fixture, _ string) (string, string) {
		return f.postPath(f.planned, "/comment"), form("comment", "Love it")
	},
	"POST /w/{ws}/publishing/pause":    inWS("/publishing/pause", ""),
	"POST /w/{ws}/publishing/resume":   inWS("/publishing/resume", ""),
	"POST /w/{ws}/publishing/approval": inWS("/publishing/approval", form("required", "1")),
	"GET /w/{ws}/accounts":             inWS("/accounts", ""),
	"POST /w/{ws}/accounts": func(f *fixture, _ string) (string, string) {
		return inWSPath(f, "/accounts"), form("network", "mastodon", "server", f.net.server.URL, "access_token", f.net.remote.Token)
	},
	"POST /w/{ws}/accounts/{account}/disconnect": func(f *fixture, _ string) (string, string) {
		return inWSPath(f, fmt.Sprintf("/accounts/%d/disconnect", f.account.ID)), ""
	},
	"GET /w/{ws}/media":  inWS("/media", ""),
	"POST /w/{ws}/media": func(f *fixture, _ string) (string, string) { return inWSPath(f, "/media"), f.upload() },
	"GET /w/{ws}/media/{media}": func(f *fixture, _ string) (string, string) {
		return inWSPath(f, fmt.Sprintf("/media/%d", f.picture.ID)), ""
	},
	"POST /w/{ws}/media/{media}/alt": func(f *fixture, _ string) (string, string) {
		return inWSPath(f, fmt.Sprintf("/media/%d/alt", f.picture.ID)), form("alt", "Beans")
	},
	"POST /w/{ws}/media/{media}/delete": func(f *fixture, _ string) (string, string) {
		return inWSPath(f, fmt.Sprintf("/media/%d/delete", f.picture.ID)), ""
	},
	"GET /api/v1/workspaces/{ws}/accounts": inAPIWS("/accounts", ""),
	"POST /api/v1/workspaces/{ws}/accounts": func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/accounts", f.ws.ID), fmt.Sprintf(`{"network":"mastodon","server":%q,"access_token":%q}`, f.net.server.URL, f.net.remote.Token)
	},
	"DELETE /api/v1/workspaces/{ws}/accounts/{account}": func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/accounts/%d", f.ws.ID, f.account.ID), ""
	},
	"GET /api/v1/workspaces/{ws}/media": inAPIWS("/media", ""),
	"POST /api/v1/workspaces/{ws}/media": func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/media", f.ws.ID), f.upload()
	},
	"GET /api/v1/workspaces/{ws}/posts": inAPIWS("/posts?from=2020-01-01T00:00:00Z", ""),
	"POST /api/v1/workspaces/{ws}/posts": func(f *fixture, _ string) (string, string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/posts", f.ws.ID), fmt.Sprintf(`{"text":"From the API","account_ids":[%d],"scheduled_at":null}`, f.account.ID)
	},
	"GET /api/v1/workspaces/{ws}/posts/{post}":          func(f *fixture, _ string) (string, string) { return f.apiPostPath(f.planned, ""), "" },
	"PATCH /api/v1/workspaces/{ws}/posts/{post}":        func(f *fixture, _ string) (string, string) { return f.apiPostPath(f.draft, ""), `{"text":"Patched"}` },
	"DELETE /api/v1/workspaces/{ws}/posts/{post}":       func(f *fixture, _ string) (string, string) { return f.apiPostPath(f.draft, ""), "" },
	"POST /api/v1/workspaces/{ws}/posts/{post}/submit":  func(f *fixture, _ string) (string, string) { return f.apiPostPath(f.draft, "/submit"), "" },
	"POST /api/v1/workspaces/{ws}/posts/{post}/approve": func(f *fixture, _ string) (string, string) { return f.apiPostPath(f.review, "/approve"), "" },
	"POST /api/v1/workspaces/{ws}/posts/{post}/send-back": func(f *fixture, _ string) (string, string) {
		return f.apiPostPath(f.review, "/send-back"), `{"comment":"Shorter"}`
	},
	"POST /api/v1/workspaces/{ws}/posts/{post}/publish-now": func(f *fixture, _ string) (string, string) { return f.apiPostPath(f.planned, "/publish-now"), "" },
	"POST /api/v1/workspaces/{ws}/publishing/pause":         inAPIWS("/publishing/pause", ""),
	"POST /api/v1/workspaces/{ws}/publishing/resume":        inAPIWS("/publishing/resume", ""),

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

	// The planner's work.
	"POST /w/{ws}/plans": inWS("/plans", form("name", "Today", "networks", "3", "posts_per_week", "5")),
	"POST /w/{ws}/plans/{plan}": func(f *fixture, _ string) (string, string) {
		return f.path("/plans/%d", f.mustPlan("Today", 4).ID), form("name", "Tomorrow", "networks", "6")
	},
	"POST /w/{ws}/plans/{plan}/delete": func(f *fixture, _ string) (string, string) {
		return f.path("/plans/%d/delete", f.mustPlan("Today", 4).ID), ""
	},
	"POST /w/{ws}/plans/{plan}/activate": func(f *fixture, _ string) (string, string) {
		return f.path("/plans/%d/activate", f.mustPlan("Today", 4).ID), ""
	},
	"GET /w/{ws}/planner/compare": func(f *fixture, _ string) (string, string) {
		return f.path("/planner/compare?a=%d&b=%d", f.mustPlan("Today", 4).ID, f.mustPlan("More", 6).ID), ""
	},
	"GET /w/{ws}/board": func(f *fixture, who string) (string, string) {
		f.mustActive()
		f.mustEntry(f.worker(who))
		return f.path("/board"), ""
	},
	"POST /w/{ws}/tasks/{task}/assign": func(f *fixture, _ string) (string, string) {
		_, tasks := f.mustActive()
		return f.path("/tasks/%d/assign", tasks[0].ID), form("assignee_id", fmt.Sprint(f.actors["editor"].user.ID))
	},
	"GET /w/{ws}/time": func(f *fixture, who string) (string, string) {
		f.mustActive()
		f.mustEntry(f.worker(who))
		f.mustTimer(f.worker(who))
		return f.path("/time"), ""
	},
	"POST /w/{ws}/time":       inWS("/time", form("work", "maintenance.monitoring", "date", time.Now().Format("2006-01-02"), "amount", "1.5", "unit", "h")),
	"POST /w/{ws}/time/start": inWS("/time/start", form("work", "maintenance.engagement", "note", "replies")),
	"POST /w/{ws}/time/stop": func(f *fixture, who string) (string, string) {
		f.mustTimer(f.worker(who))
		return f.path("/time/stop"), ""
	},
	"POST /w/{ws}/time/{entry}/delete": func(f *fixture, who string) (string, string) {
		return f.path("/time/%d/delete", f.mustEntry(f.worker(who)).ID), ""
	},
	"GET /w/{ws}/workload": func(f *fixture, who string) (string, string) {
		f.mustActive()
		f.mustEntry(f.worker(who))
		return f.path("/workload?weeks=4"), ""
	},
	"GET /w/{ws}/workload.csv": func(f *fixture, who string) (string, string) {
		f.mustActive()
		f.mustEntry(f.worker(who))
		return f.path("/workload.csv"), ""
	},
	"POST /w/{ws}/capacity/{user}": func(f *fixture, _ string) (string, string) {
		return f.path("/capacity/%d", f.actors["editor"].user.ID), form("weekly_hours", "32")
	},
	"GET /w/{ws}/calibration": func(f *fixture, _ string) (string, string) {
		f.mustActive()
		f.mustHistory(4)
		return f.path("/calibration"), ""
	},
	"POST /w/{ws}/work-counts": func(f *fixture, _ string) (string, string) {
		d := f.lastWeeks(1)[0].Format("2006-01-02")
		return f.path("/work-counts"), form("week", d, "posts_"+d, "12", "conversations_"+d, "140", "reports_"+d, "1")
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
	"GET /api/v1/workspaces/{ws}/plans":  inAPIWS("/plans", ""),
	"POST /api/v1/workspaces/{ws}/plans": inAPIWS("/plans", `{"name":"Today","input":{"networks":3,"posts_per_week":7}}`),
	"GET /api/v1/workspaces/{ws}/plans/{plan}": func(f *fixture, _ string) (string, string) {
		return f.apiPath("/plans/%d", f.mustPlan("Today", 4).ID), ""
	},
	"PATCH /api/v1/workspaces/{ws}/plans/{plan}": func(f *fixture, _ string) (string, string) {
		return f.apiPath("/plans/%d", f.mustPlan("Today", 4).ID), `{"name":"Renamed"}`
	},
	"DELETE /api/v1/workspaces/{ws}/plans/{plan}": func(f *fixture, _ string) (string, string) {
		return f.apiPath("/plans/%d", f.mustPlan("Today", 4).ID), ""
	},
	"POST /api/v1/workspaces/{ws}/plans/{plan}/activate": func(f *fixture, _ string) (string, string) {
		return f.apiPath("/plans/%d/activate", f.mustPlan("Today", 4).ID), ""
	},
	"GET /api/v1/workspaces/{ws}/tasks": func(f *fixture, _ string) (string, string) {
		f.mustActive()
		return f.apiPath("/tasks"), ""
	},
	"PATCH /api/v1/workspaces/{ws}/tasks/{task}": func(f *fixture, _ string) (string, string) {
		_, tasks := f.mustActive()
		return f.apiPath("/tasks/%d", tasks[0].ID), fmt.Sprintf(`{"assignee_id":%d}`, f.actors["editor"].user.ID)
	},
	"GET /api/v1/workspaces/{ws}/time":  inAPIWS("/time?from=2020-01-01", ""),
	"POST /api/v1/workspaces/{ws}/time": inAPIWS("/time", `{"activity_key":"maintenance.monitoring","started_at":"2026-11-02","minutes":45}`),
	"DELETE /api/v1/workspaces/{ws}/time/{entry}": func(f *fixture, who string) (string, string) {
		return f.apiPath("/time/%d", f.mustEntry(f.worker(who)).ID), ""
	},
	"POST /api/v1/workspaces/{ws}/time/timer/start": inAPIWS("/time/timer/start", `{"activity_key":"maintenance.engagement"}`),
	"POST /api/v1/workspaces/{ws}/time/timer/stop": func(f *fixture, who string) (string, string) {
		f.mustTimer(f.worker(who))
		return f.apiPath("/time/timer/stop"), ""
	},
	"GET /api/v1/workspaces/{ws}/workload":     inAPIWS("/workload?weeks=2", ""),
	"GET /api/v1/workspaces/{ws}/workload.csv": inAPIWS("/workload.csv", ""),
	"PUT /api/v1/workspaces/{ws}/capacity/{user}": func(f *fixture, _ string) (string, string) {
		return f.apiPath("/capacity/%d", f.actors["editor"].user.ID), `{"weekly_hours":30}`
	},
	"PUT /api/v1/workspaces/{ws}/work-counts/{week}": inAPIWS("/work-counts/2026-11-16", `{"posts":10,"conversations":100,"reports":1}`),
	"GET /api/v1/workspaces/{ws}/calibration": func(f *fixture, _ string) (string, string) {
		f.mustHistory(4)
		return f.apiPath("/calibration"), ""
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

const boundary = "gearsformboundary"

// upload returns a multipart body with the fixture's image as "file".
func (f *fixture) upload() string {
	var b strings.Builder
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA cup\r\n")
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cup.png\"\r\nContent-Type: image/png\r\n\r\n")
	b.Write(f.pngBytes)
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.String()
}

func (f *fixture) postPath(p *gears.Post, suffix string) string {
	return fmt.Sprintf("/w/%d/posts/%d%s", f.ws.ID, p.ID, suffix)
}

func (f *fixture) apiPostPath(p *gears.Post, suffix string) string {
	return fmt.Sprintf("/api/v1/workspaces/%d/posts/%d%s", f.ws.ID, p.ID, suffix)
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
	multipart := strings.HasPrefix(body, "--"+boundary)
	if rt.API {
		req, _ = http.NewRequest(rt.Method, f.srv.URL+path, strings.NewReader(body))
		if multipart {
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		} else if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if a != nil {
			req.Header.Set("Authorization", "Bearer "+a.token)
		}
	} else if multipart {
		req, _ = http.NewRequest(rt.Method, f.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		if a != nil {
			req.Header.Set("X-CSRF-Token", a.csrf)
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
	storetest.InsertOnlyJobs(t, db)
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
				f := *base
				f.db, f.srv = nil, nil
				f.db, err = store.Open(ctx, store.Options{DataDir: copySQLite(t, tmpl)})
				if err != nil {
					t.Fatal(err)
				}
				storetest.InsertOnlyJobs(t, f.db)
				f.serve(t)
				path, body := build(&f, who)
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

// expectationOverrides are routes whose answer depends on more than who
// asks: a sign-in's state that nobody began is refused for everyone.
var expectationOverrides = map[string]func(who string) (string, func(int) bool){
	"GET /oauth/mastodon/callback": func(who string) (string, func(int) bool) {
		if who == "anonymous" {
			return "303 to sign in", func(s int) bool { return s == 303 }
		}
		return "400: no such sign-in", func(s int) bool { return s == 400 }
	},
}

// expectation says what status a route must give an actor.
func expectation(rt web.Route, who string) (string, func(int) bool) {
	if o, ok := expectationOverrides[rt.Method+" "+rt.Pattern]; ok {
		return o(who)
	}
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
