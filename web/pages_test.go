package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/web"
)

// browser is a cookie-keeping client that reads the CSRF token from each
// page, as a person's browser would carry it in the form.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
	csrf string
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newBrowser(t *testing.T, f *fixture) *browser {
	return &browser{t: t, c: f.client(t, nil), base: f.srv.URL}
}

func (b *browser) get(path string, header ...string) (int, string, http.Header) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), resp.Header
}

func (b *browser) post(path string, values url.Values) (int, string, http.Header) {
	b.t.Helper()
	if values == nil {
		values = url.Values{}
	}
	if !values.Has("csrf") {
		values.Set("csrf", b.csrf)
	}
	resp, err := b.c.PostForm(b.base+path, values)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), resp.Header
}

// TestFirstRun takes an empty instance as its first owner would: the
// set-up page asks for the code from the log, and nobody without it gets in.
func TestFirstRun(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db}
		f.serve(t)
		b := newBrowser(t, f)
		if st, _, h := b.get("/"); st != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("/ = %d %s", st, h.Get("Location"))
		}
		if st, _, h := b.get("/login"); st != 303 || h.Get("Location") != "/setup" {
			t.Fatalf("/login on an empty instance = %d %s", st, h.Get("Location"))
		}
		st, body, _ := b.get("/setup")
		if st != 200 || !strings.Contains(body, `name="code"`) {
			t.Fatalf("/setup = %d", st)
		}
		code, err := store.NewSetupService(db).SetupCode(context.Background())
		if err != nil || code == "" {
			t.Fatal(code, err)
		}
		form := url.Values{"code": {"WRONG-CODE-XXXX"}, "email": {"owner@example.com"}, "name": {"Olga"}, "password": {"a long enough password"}, "language": {"es"}}
		st, body, _ = b.post("/setup", form)
		if st != 400 || !strings.Contains(body, "set-up code is not right") || !strings.Contains(body, `value="owner@example.com"`) {
			t.Fatalf("wrong code = %d; the form must explain and keep the input", st)
		}
		form.Set("code", strings.ToLower(code))
		st, _, h := b.post("/setup", form)
		if st != 303 {
			t.Fatalf("setup = %d", st)
		}
		st, body, _ = b.get(h.Get("Location"))
		if st != 200 || !strings.Contains(body, `lang="es"`) || !strings.Contains(body, "Olga") {
			t.Fatalf("after setup = %d: not signed in in Spanish", st)
		}
		// The code is spent.
		other := newBrowser(t, f)
		other.get("/login")
		if st, _, _ := other.post("/setup", url.Values{"code": {code}, "email": {"thief@example.com"}, "password": {"a long enough password"}}); st != 409 {
			t.Errorf("second setup = %d, want 409", st)
		}
	})
}

func TestSignInOutAndCSRF(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := newBrowser(t, f)
	b.get("/login")
	st, _, h := b.post("/login", url.Values{"email": {"EDITOR@example.com"}, "password": {"correct horse battery"}, "next": {"/settings/profile"}})
	if st != 303 || h.Get("Location") != "/settings/profile" {
		t.Fatalf("login = %d %s", st, h.Get("Location"))
	}
	cookie := h.Values("Set-Cookie")
	var session string
	for _, c := range cookie {
		if strings.HasPrefix(c, "gears_session=") {
			session = c
		}
	}
	if !strings.Contains(session, "HttpOnly") || !strings.Contains(session, "SameSite=Lax") {
		t.Errorf("session cookie %q must be HttpOnly and SameSite", session)
	}
	if st, body, _ := b.get("/settings/profile"); st != 200 || !strings.Contains(body, "editor@example.com") {
		t.Fatalf("profile = %d", st)
	}
	// A form without the token, or with another's, is refused.
	if st, _, _ := b.post("/workspaces", url.Values{"name": {"X"}, "csrf": {"forged"}}); st != 403 {
		t.Errorf("forged CSRF = %d, want 403", st)
	}
	if st, _, _ := b.post("/workspaces", url.Values{"name": {"X"}, "csrf": {f.actors["owner"].csrf}}); st != 403 {
		t.Errorf("someone else's CSRF token = %d, want 403", st)
	}
	// Open redirects are not followed.
	b2 := newBrowser(t, f)
	b2.get("/login")
	if _, _, h := b2.post("/login", url.Values{"email": {"analyst@example.com"}, "password": {"correct horse battery"}, "next": {"//evil.example/"}}); h.Get("Location") != "/" {
		t.Errorf("next=//evil.example/ redirected to %q", h.Get("Location"))
	}
	if st, _, h := b.post("/logout", nil); st != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Fatalf("logout = %d", st)
	}
	if st, _, _ := b.get("/settings/profile"); st != 303 {
		t.Errorf("after logout /settings/profile = %d, want 303 to sign in", st)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := newBrowser(t, f)
	b.get("/login")
	for i := range 10 {
		st, body, _ := b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {fmt.Sprintf("wrong guess %d", i)}})
		if st != 401 || !strings.Contains(body, "do not match") {
			t.Fatalf("attempt %d = %d", i, st)
		}
	}
	st, body, _ := b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"correct horse battery"}})
	if st != 429 || !strings.Contains(body, "Too many failed attempts") {
		t.Fatalf("after 10 failures, even the right password = %d, want 429", st)
	}
	// Another account from the same address is not locked yet.
	if st, _, _ := b.post("/login", url.Values{"email": {"editor@example.com"}, "password": {"correct horse battery"}}); st != 303 {
		t.Errorf("other account = %d", st)
	}
}

func TestInvitationFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := newBrowser(t, f)
	owner.get("/login")
	owner.post("/login", url.Values{"email": {"manager@example.com"}, "password": {"correct horse battery"}})
	owner.get(fmt.Sprintf("/w/%d/members", f.ws.ID))
	st, body, _ := owner.post(fmt.Sprintf("/w/%d/members", f.ws.ID), url.Values{"email": {"Nuria@Example.com"}, "role": {"approver"}})
	link := regexp.MustCompile(`id="invite-link"[^>]*value="([^"]+)"`).FindStringSubmatch(body)
	if st != 200 || link == nil {
		t.Fatalf("invite = %d, no link shown", st)
	}
	// A manager may not make owners.
	if st, body, _ := owner.post(fmt.Sprintf("/w/%d/members", f.ws.ID), url.Values{"email": {"x@example.com"}, "role": {"owner"}}); st != 403 || !strings.Contains(body, "Only owners") {
		t.Errorf("manager invites an owner = %d", st)
	}
	u, _ := url.Parse(link[1])
	guest := newBrowser(t, f)
	st, body, _ = guest.get(u.Path, "Accept-Language", "es")
	if st != 200 || !strings.Contains(body, "Aurora") || !strings.Contains(body, "Aprobador") {
		t.Fatalf("invitation page = %d", st)
	}
	st, _, h := guest.post(u.Path, url.Values{"name": {"Nuria"}, "password": {"a good long password"}})
	if st != 303 || h.Get("Location") != fmt.Sprintf("/w/%d/?ok=flash.welcome", f.ws.ID) {
		t.Fatalf("accept = %d %s", st, h.Get("Location"))
	}
	st, body, _ = guest.get(h.Get("Location"))
	if st != 200 || !strings.Contains(body, "Nuria") {
		t.Fatalf("workspace after joining = %d", st)
	}
	if st, _, _ := guest.get(fmt.Sprintf("/w/%d/settings", f.ws.ID)); st != 403 {
		t.Errorf("approver on settings = %d, want 403", st)
	}
	if st, _, _ := newBrowser(t, f).get(u.Path); st != 404 {
		t.Errorf("used invitation = %d, want 404", st)
	}
}

// TestUntrustedTextIsInert puts markup where people type names and checks
// it comes back escaped on every page that shows it.
func TestUntrustedTextIsInert(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
	ctx := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	name := evil
	if _, err := store.NewWorkspaceService(f.db).UpdateWorkspace(ctx, f.ws.ID, gears.WorkspaceUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewUserService(f.db).UpdateUser(gears.NewContextWithUser(context.Background(), f.actors["editor"].user), f.actors["editor"].user.ID, gears.UserUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, f)
	b.get("/login")
	b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"correct horse battery"}})
	for _, p := range []string{"/settings/profile", fmt.Sprintf("/w/%d/", f.ws.ID), fmt.Sprintf("/w/%d/members", f.ws.ID), fmt.Sprintf("/w/%d/settings", f.ws.ID)} {
		st, body, h := b.get(p)
		if st != 200 {
			t.Fatalf("%s = %d", p, st)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s shows markup unescaped", p)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the name escaped", p)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(f.srv.URL + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s = %v %v", p, resp, err)
		}
		resp.Body.Close()
	}
	b := newBrowser(t, f)
	b.get("/login")
	resp, err := http.Get(f.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`gears_http_requests_total{route="GET /login",status="200"} 1`, "# TYPE gears_http_request_duration_seconds histogram", "go_goroutines "} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	resp, err = http.Get(f.srv.URL + "/api/openapi.yaml")
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(err)
	}
	spec, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// Every API route is in the OpenAPI description.
	for _, rt := range web.New(web.Config{}, f.db, quietLogger()).Routes() {
		if !rt.API {
			continue
		}
		path := strings.TrimPrefix(rt.Pattern, "/api/v1")
		if !strings.Contains(string(spec), "\n  "+path+":") {
			t.Errorf("openapi.yaml lacks %s", path)
		}
	}
}
