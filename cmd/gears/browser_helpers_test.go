package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gears"
	"gears/internal/testenv"
	"gears/store"
)

// The browser tests share one headless Chromium, started by the first test
// that needs it and stopped by TestMain. Each test works in a tab of its own
// browser context, so tests never share cookies: every Gears a test boots
// listens on 127.0.0.1, and cookies do not tell ports apart.

// The deadlines are generous: CI runs these tests on two shared cores
// beside every other package's, where a step that takes a second here
// can take ten. Each step has its own deadline, so a hung browser still
// fails the test at the step that hung.
const (
	browserTestTimeout = 5 * time.Minute  // a whole test, tab included
	browserStepTimeout = 30 * time.Second // one step: a page load, a wait, a read
	screenshotsVar     = "GEARS_TEST_SCREENSHOTS"
)

var sharedBrowser struct {
	once sync.Once
	ctx  context.Context // the browser's first context; tabs derive from it
	stop func()
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedBrowser.stop != nil {
		sharedBrowser.stop()
	}
	os.Exit(code)
}

// browserContext returns the shared browser, starting it the first time.
// Without Chromium the test stops through testenv.Missing.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	path := testenv.Chromium(t)
	if _, err := exec.LookPath(path); err != nil {
		testenv.Missing(t, "Chromium", fmt.Sprintf("%q is not an executable (%v); install chromium or set %s", path, err, testenv.ChromiumVar))
	}
	sharedBrowser.once.Do(func() {
		profile, err := os.MkdirTemp("", "gears-chromium-")
		if err != nil {
			sharedBrowser.err = err
			return
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Flag("headless", true),
			chromedp.Flag("no-sandbox", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("no-first-run", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(profile),
		)
		ctx, cancel := chromedp.NewContext(allocCtx)
		sharedBrowser.ctx = ctx
		sharedBrowser.stop = func() {
			cancel()
			cancelAlloc()
			os.RemoveAll(profile)
		}
		// The first Do starts the browser and binds its life to ctx, which
		// has no deadline: a timeout here would stop the browser for every
		// later test. The start is bounded by a watchdog instead.
		started := make(chan error, 1)
		go func() { started <- chromedp.Do(ctx) }()
		select {
		case sharedBrowser.err = <-started:
		case <-time.After(time.Minute):
			sharedBrowser.err = fmt.Errorf("chromium did not start within a minute")
			cancel()
		}
	})
	if sharedBrowser.err != nil {
		t.Fatalf("start chromium: %v", sharedBrowser.err)
	}
	return sharedBrowser.ctx
}

// tab is one browser tab driven by a test, with a clean cookie jar.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the Gears under test, e.g. http://127.0.0.1:41234
}

// newTab opens a tab in a new browser context (an incognito-like profile)
// on the shared browser. The tab closes when the test ends; it can live at
// most browserTestTimeout.
func newTab(t *testing.T, base string) *tab {
	t.Helper()
	bctx := browserContext(t)
	deadline, cancelDeadline := context.WithTimeout(bctx, browserTestTimeout)
	ctx, cancelTab := chromedp.NewContext(deadline, chromedp.WithNewBrowserContext())
	tb := &tab{t: t, ctx: ctx, base: base}
	t.Cleanup(func() {
		if t.Failed() {
			tb.logPage()
		}
		cancelTab()
		cancelDeadline()
	})
	// The first Do opens the tab and binds its life to the context it gets:
	// ctx itself, never a step's shorter one. A desktop viewport, for the
	// screenshots.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tb
}

// step returns a context for one step, bounded by browserStepTimeout.
func (b *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, browserStepTimeout)
}

// do runs actions that return nothing, failing the test on error.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a path of the Gears under test and returns the HTTP status of
// the page that finally loads (after redirects).
func (b *tab) open(path string) int64 {
	b.t.Helper()
	return b.openURL(b.base + path)
}

// openURL loads an absolute URL and returns the final page's HTTP status.
func (b *tab) openURL(u string) int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		b.t.Fatalf("open %s: %v", u, err)
	}
	return resp.Status
}

// navigate runs actions that load a new page (a click on a submit button, a
// form submitted by script) and waits for it; it returns its HTTP status.
func (b *tab) navigate(what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		b.t.Fatalf("%s: no document response", what)
	}
	return resp.Status
}

// text returns the rendered text of the first element sel matches, trimmed;
// it waits for the element to exist.
func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// value returns the current value of a form field.
func (b *tab) value(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page (through DevTools,
// which the Content-Security-Policy does not restrict).
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// exists reports whether sel matches an element now, without waiting.
func (b *tab) exists(sel string) bool {
	b.t.Helper()
	return eval[bool](b, fmt.Sprintf("document.querySelector(%q) !== null", sel))
}

// lang is the page's <html lang>.
func (b *tab) lang() string {
	b.t.Helper()
	return eval[string](b, "document.documentElement.lang")
}

// location returns the page's URL.
func (b *tab) location() *url.URL {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(s)
	if err != nil {
		b.t.Fatalf("location %q: %v", s, err)
	}
	return u
}

// waitUntil polls a JavaScript condition until it holds, or fails the test
// after browserStepTimeout. chromedp.Poll cannot serve here: it builds its
// predicate with new Function, which the page's CSP (no unsafe-eval)
// refuses. The condition is only asked of a page that finished loading: a
// page still arriving can already hold the element looked for while the
// rest of it is missing.
func (b *tab) waitUntil(what, cond string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && Boolean(`+cond+`)`))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("waiting until %s: %v (last error: %v)", what, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// fill sets form fields by CSS selector, in the order given, as the page
// would have them after typing.
func fill(fields ...string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(fields); i += 2 {
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS(fields[i])), chromedp.SetValue(chromedp.CSS(fields[i]), fields[i+1]))
	}
	return chromedp.Steps(steps...)
}

// retype empties a field and types text into it key by key, as a person
// would, so the page sees its input events.
func retype(sel, text string) chromedp.Action[chromedp.Void] {
	// Cleared with JavaScript: chromedp's SetValue with "" leaves text
	// fields holding "undefined".
	clear := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel))
	return chromedp.Steps(clear, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// click is a real mouse click on the first element sel matches.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// choose picks an option of a select as a person would, firing the change
// event that gears.js listens to.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		s.value = %q;
		s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`, sel, value))
}

// screenshot writes a full-page PNG to $GEARS_TEST_SCREENSHOTS, when set.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv(screenshotsVar)
	if dir == "" {
		return
	}
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// fitsWidth reports, as a test error, a page wider than the viewport (a
// horizontal scroll bar on a desktop screen), naming the elements that
// stick out.
func (b *tab) fitsWidth(page string) {
	b.t.Helper()
	type overflow struct {
		Scroll, Client int
		Culprits       []string
	}
	o := eval[overflow](b, `(() => {
		const w = document.documentElement.clientWidth;
		const out = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1);
		// The outermost elements that stick out, e.g. "section#planner-results".
		const top = out.filter(e => !out.includes(e.parentElement)).slice(0, 5);
		return {Scroll: document.documentElement.scrollWidth, Client: w, Culprits: top.map(e =>
			e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "") +
			" (" + Math.round(e.getBoundingClientRect().width) + "px wide)")};
	})()`)
	if o.Scroll > o.Client {
		b.t.Errorf("%s is %dpx wide in a %dpx viewport; sticking out: %s", page, o.Scroll, o.Client, strings.Join(o.Culprits, ", "))
	}
}

// logPage logs where the tab is and what it shows, to explain a failure.
func (b *tab) logPage() {
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
	if err != nil {
		b.t.Logf("tab at %s (page unreadable: %v)", loc, err)
		return
	}
	if len(body) > 2000 {
		body = body[:2000] + "…"
	}
	b.t.Logf("tab at %s shows:\n%s", loc, body)
}

// bootForBrowser starts a whole Gears on port 0 with a temporary database,
// as the browser tests want it.
func bootForBrowser(t *testing.T) *Main {
	t.Helper()
	browserContext(t) // skip before booting anything when Chromium is missing
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.LogFormat = "text"
	cfg.LogLevel = "error"
	cfg.Workers = 5
	return boot(t, cfg)
}

const browserPassword = "correct horse battery staple"

// createUser adds a user straight to the store (after set-up is done, or to
// skip it).
func createUser(t *testing.T, m *Main, email, name string) *gears.User {
	t.Helper()
	u, err := store.NewUserService(m.DB).CreateUser(context.Background(), gears.UserCreate{Email: email, Name: name, Password: browserPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// createWorkspace adds a workspace owned by u straight to the store.
func createWorkspace(t *testing.T, m *Main, u *gears.User, name string) *gears.Workspace {
	t.Helper()
	ws, err := store.NewWorkspaceService(m.DB).CreateWorkspace(gears.NewContextWithUser(context.Background(), u), gears.WorkspaceCreate{Name: name, Timezone: "Europe/Madrid"})
	if err != nil {
		t.Fatalf("create workspace %s: %v", name, err)
	}
	return ws
}

// signIn signs in through the /login form and returns the status of the
// page it lands on.
func (b *tab) signIn(email, password string) int64 {
	b.t.Helper()
	if p := b.location().Path; p != "/login" {
		b.open("/login")
	}
	b.do("fill the sign-in form", fill("#email", email, "#password", password))
	return b.navigate("sign in", click(`form[action="/login"] button[type="submit"]`))
}
