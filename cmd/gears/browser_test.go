package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"gears/store"
	"gears/workload"
)

// The browser tests drive a whole Gears through a headless Chromium, as a
// person would: the pages, the forms, the cookies, gears.js under the real
// Content-Security-Policy. Chromium comes from testenv.Chromium; set
// GEARS_TEST_SCREENSHOTS to a folder to keep screenshots of the main pages.

// TestBrowserFirstRunAndTeam sets up an empty instance, creates a workspace
// and builds its team: an existing user added at once, a new one invited
// and joining through the link in a browser of their own.
func TestBrowserFirstRunAndTeam(t *testing.T) {
	t.Parallel()
	m := bootForBrowser(t)
	ctx := context.Background()
	code, err := store.NewSetupService(m.DB).SetupCode(ctx)
	if err != nil || code == "" {
		t.Fatalf("set-up code = %q, %v", code, err)
	}
	owner := newTab(t, m.URL())

	// An empty instance sends everyone from / through /login to /setup.
	if st := owner.open("/"); st != 200 {
		t.Fatalf("GET / ended with status %d", st)
	}
	if p := owner.location().Path; p != "/setup" {
		t.Fatalf("/ on an empty instance landed on %s, want /setup", p)
	}
	if h := owner.text("#setup-h"); h != "Set up Gears" {
		t.Errorf("set-up heading = %q", h)
	}

	// A wrong code is refused, the rest of the form is kept.
	owner.do("fill the set-up form", fill("#code", "AAAA-BBBB-CCCC", "#name", "Olga Owner", "#email", "olga@example.com", "#password", browserPassword))
	if st := owner.navigate("submit a wrong set-up code", click(`form[action="/setup"] button[type="submit"]`)); st != 400 {
		t.Errorf("wrong set-up code: status %d, want 400", st)
	}
	if a := owner.text(".alert"); !strings.Contains(a, "set-up code is not right") {
		t.Errorf("wrong set-up code says %q", a)
	}
	if v := owner.value("#email"); v != "olga@example.com" {
		t.Errorf("e-mail after a wrong code = %q, want it kept", v)
	}

	owner.do("fill the set-up form", fill("#code", code, "#name", "Olga Owner", "#email", "olga@example.com", "#password", browserPassword))
	if st := owner.navigate("complete set-up", click(`form[action="/setup"] button[type="submit"]`)); st != 200 {
		t.Fatalf("set-up ended with status %d", st)
	}
	if p := owner.location().Path; p != "/" {
		t.Fatalf("after set-up: at %s, want /", p)
	}
	if h := owner.text("main h1"); h != "Your workspaces" {
		t.Errorf("home heading = %q", h)
	}
	if e := owner.text(".card.empty h2"); e != "Start with a workspace" {
		t.Errorf("home empty state = %q", e)
	}
	if f := owner.text(".flash"); f != "Welcome to Gears." {
		t.Errorf("flash after set-up = %q", f)
	}
	if u := owner.text("header .user"); u != "Olga Owner" {
		t.Errorf("signed in as %q, want Olga Owner", u)
	}
	if c, _ := store.NewSetupService(m.DB).SetupCode(ctx); c != "" {
		t.Errorf("set-up code still offered after set-up: %q", c)
	}

	// A workspace, through the form.
	owner.navigate("follow New workspace", click(`.card.empty a[href="/workspaces/new"]`))
	if tz := owner.value("#timezone"); tz != "Europe/Madrid" {
		t.Errorf("time zone offered = %q, want Europe/Madrid", tz)
	}
	owner.do("fill the workspace form", fill("#name", "Café Aurora", "#timezone", "Europe/Madrid"))
	if st := owner.navigate("create the workspace", click(`form[action="/workspaces"] button[type="submit"]`)); st != 200 {
		t.Fatalf("creating the workspace ended with status %d", st)
	}
	wsPath := owner.location().Path
	if !strings.HasPrefix(wsPath, "/w/") || !strings.HasSuffix(wsPath, "/") {
		t.Fatalf("after creating the workspace: at %s, want /w/{id}/", wsPath)
	}
	if h := owner.text("main h1"); h != "Café Aurora" {
		t.Errorf("overview heading = %q, want Café Aurora", h)
	}
	if f := owner.text(".flash"); f != "Workspace created." {
		t.Errorf("flash = %q", f)
	}
	if s := owner.text("main .page-head .muted"); !strings.Contains(s, "Europe/Madrid") {
		t.Errorf("overview does not show the time zone: %q", s)
	}
	if r := owner.text(".sidebar .ws-name .role"); r != "Owner" {
		t.Errorf("sidebar role = %q, want Owner", r)
	}
	if sel := eval[string](owner, `document.getElementById("ws-switch").selectedOptions[0].textContent`); sel != "Café Aurora" {
		t.Errorf("workspace switcher shows %q", sel)
	}

	// Members, through the sidebar: someone without an account is invited.
	owner.navigate("follow Members", click(`.sidebar a[href="`+wsPath+`members"]`))
	if p := owner.location().Path; p != wsPath+"members" {
		t.Fatalf("Members link led to %s", p)
	}
	if cur := eval[string](owner, `document.querySelector('.sidebar a[aria-current="page"]').textContent`); cur != "Members" {
		t.Errorf("sidebar marks %q as the current page", cur)
	}
	owner.do("fill the add-member form", fill("#member-email", "ivy@example.com", "#member-role", "approver"))
	if st := owner.navigate("invite ivy", click(`form[action="`+wsPath+`members"] button[type="submit"]`)); st != 200 {
		t.Fatalf("inviting ended with status %d", st)
	}
	link := owner.value("#invite-link")
	if !strings.HasPrefix(link, m.URL()+"/invite/") || len(link) < len(m.URL()+"/invite/")+20 {
		t.Fatalf("invitation link = %q, want %s/invite/{token}", link, m.URL())
	}
	if h := owner.text("#link-h"); h != "Invitation created" {
		t.Errorf("invitation notice = %q", h)
	}
	if inv := owner.text(`section[aria-labelledby="inv-h"] li`); !strings.Contains(inv, "ivy@example.com") || !strings.Contains(inv, "Approver") {
		t.Errorf("pending invitation reads %q", inv)
	}
	if owner.exists(`tr[data-member="ivy@example.com"]`) {
		t.Error("an invited person is listed as a member before joining")
	}

	// Someone with an account joins at once.
	bea := createUser(t, m, "bea@example.com", "Bea Editor")
	owner.do("fill the add-member form", fill("#member-email", "bea@example.com", "#member-role", "editor"))
	if st := owner.navigate("add bea", click(`form[action="`+wsPath+`members"] button[type="submit"]`)); st != 200 {
		t.Fatalf("adding bea ended with status %d", st)
	}
	if f := owner.text(".flash"); f != "Member added." {
		t.Errorf("flash = %q", f)
	}
	row := `tr[data-member="bea@example.com"]`
	if name := owner.text(row + " td"); name != "Bea Editor" {
		t.Errorf("bea's row starts with %q", name)
	}
	if role := owner.value(fmt.Sprintf("%s #role-%d", row, bea.ID)); role != "editor" {
		t.Errorf("bea's role = %q, want editor", role)
	}
	if n := owner.text("#m-h .count"); n != "2" {
		t.Errorf("member count = %q, want 2", n)
	}
	if owner.exists("#invite-link") {
		t.Error("the invitation link is shown again after another action")
	}
	owner.fitsWidth("the members page")
	owner.screenshot("members")

	// Ivy opens the link in a browser of her own and joins.
	ivy := newTab(t, m.URL())
	if st := ivy.openURL(link); st != 200 {
		t.Fatalf("invitation page: status %d", st)
	}
	if h := ivy.text("#inv-h"); h != "Join a workspace" {
		t.Errorf("invitation heading = %q", h)
	}
	if intro := ivy.text("#inv-h + p"); !strings.Contains(intro, "Café Aurora") || !strings.Contains(intro, "Approver") {
		t.Errorf("invitation intro = %q, want the workspace and the role", intro)
	}
	if e := ivy.value("#email"); e != "ivy@example.com" {
		t.Errorf("invitation e-mail = %q", e)
	}
	ivy.do("fill the invitation", fill("#name", "Ivy Approver", "#password", browserPassword))
	if st := ivy.navigate("accept the invitation", click(`form[action^="/invite/"] button[type="submit"]`)); st != 200 {
		t.Fatalf("accepting ended with status %d", st)
	}
	if p := ivy.location().Path; p != wsPath {
		t.Fatalf("after joining ivy is at %s, want %s", p, wsPath)
	}
	if h := ivy.text("main h1"); h != "Café Aurora" {
		t.Errorf("ivy sees heading %q", h)
	}
	if r := ivy.text(".sidebar .ws-name .role"); r != "Approver" {
		t.Errorf("ivy's role shown = %q, want Approver", r)
	}
	if u := ivy.text("header .user"); u != "Ivy Approver" {
		t.Errorf("ivy is signed in as %q", u)
	}
	// An approver sees the team but may not change it.
	ivy.open(wsPath + "members")
	if ivy.exists("#member-email") || ivy.exists("select[id^='role-']") {
		t.Error("an approver is offered to manage members")
	}
	if r := ivy.text(`tr[data-member="ivy@example.com"] .role`); r != "Approver" {
		t.Errorf("ivy's row shows role %q", r)
	}
	// The link worked once.
	if st := ivy.openURL(link); st != 404 {
		t.Errorf("a used invitation link: status %d, want 404", st)
	}

	// The owner sees her join.
	owner.open(wsPath + "members")
	if role := owner.value(`tr[data-member="ivy@example.com"] select`); role != "approver" {
		t.Errorf("ivy's role in the owner's table = %q, want approver", role)
	}
	if owner.exists(`section[aria-labelledby="inv-h"]`) {
		t.Error("the accepted invitation is still pending")
	}
	owner.open(wsPath)
	people := owner.text(".people")
	for _, want := range []string{"Olga Owner", "Bea Editor", "Ivy Approver"} {
		if !strings.Contains(people, want) {
			t.Errorf("overview's people %q lack %s", people, want)
		}
	}
	owner.fitsWidth("the overview")
	owner.screenshot("overview")
}

// TestBrowserSwitchLanguage switches the interface to Spanish with the
// header's selector: it sticks across pages and sign-ins, because it is
// stored on the user, and switches back.
func TestBrowserSwitchLanguage(t *testing.T) {
	t.Parallel()
	m := bootForBrowser(t)
	u := createUser(t, m, "lena@example.com", "Lena")
	ws := createWorkspace(t, m, u, "Aurora")
	wsPath := fmt.Sprintf("/w/%d/", ws.ID)
	b := newTab(t, m.URL())

	// A signed-out visit is sent to sign in, and back afterwards.
	b.open(wsPath + "planner")
	if loc := b.location(); loc.Path != "/login" || loc.Query().Get("next") != wsPath+"planner" {
		t.Fatalf("signed out, the planner sent us to %s", loc)
	}
	if st := b.signIn(u.Email, browserPassword); st != 200 {
		t.Fatalf("sign-in ended with status %d", st)
	}
	if p := b.location().Path; p != wsPath+"planner" {
		t.Fatalf("after sign-in: at %s, want %splanner", p, wsPath)
	}
	if l := b.lang(); l != "en" {
		t.Fatalf("html lang = %q before switching", l)
	}
	if nav := b.text(`.sidebar a[href="` + wsPath + `planner"]`); nav != "Planner" {
		t.Errorf("nav reads %q", nav)
	}
	// gears.js ran under the CSP: the no-JavaScript buttons are hidden.
	if !eval[bool](b, `document.documentElement.classList.contains("js") && getComputedStyle(document.querySelector(".lang .js-hide")).display === "none"`) {
		t.Error("gears.js did not run: the language form's button is visible")
	}

	b.navigate("switch to Spanish", choose("#lang-switch", "es"))
	if p := b.location().Path; p != wsPath+"planner" {
		t.Errorf("after switching: at %s, want the same page", p)
	}
	if l := b.lang(); l != "es" {
		t.Fatalf("html lang = %q after choosing Español", l)
	}
	if nav := b.text(`.sidebar a[href="` + wsPath + `planner"]`); nav != "Planificador" {
		t.Errorf("Spanish nav reads %q, want Planificador", nav)
	}
	if h := b.text("main h1"); h != "Planificador" {
		t.Errorf("Spanish heading = %q", h)
	}
	if v := b.value("#lang-switch"); v != "es" {
		t.Errorf("the selector shows %q after switching", v)
	}

	// Another page: still Spanish.
	b.open(wsPath + "members")
	if l := b.lang(); l != "es" {
		t.Errorf("members page lang = %q, want es", l)
	}
	if h := b.text("main h1"); h != "Miembros" {
		t.Errorf("members heading = %q, want Miembros", h)
	}
	if r := b.text(".sidebar .ws-name .role"); r != "Propietario" {
		t.Errorf("role reads %q, want Propietario", r)
	}

	// Stored on the user, not only in this browser's cookie: a fresh
	// browser signs in in English and then speaks Spanish.
	if got, err := store.NewUserService(m.DB).FindUserByEmail(context.Background(), u.Email); err != nil || got.Language != "es" {
		t.Errorf("stored language = %+v, %v; want es", got, err)
	}
	other := newTab(t, m.URL())
	other.open("/login")
	if l := other.lang(); l != "en" {
		t.Errorf("a fresh browser's sign-in page is in %q, want en", l)
	}
	other.signIn(u.Email, browserPassword)
	if l := other.lang(); l != "es" {
		t.Errorf("after signing in elsewhere the page is in %q, want es", l)
	}

	// And back.
	b.navigate("switch to English", choose("#lang-switch", "en"))
	if l := b.lang(); l != "en" {
		t.Fatalf("html lang = %q after choosing English", l)
	}
	if h := b.text("main h1"); h != "Members" {
		t.Errorf("heading after switching back = %q", h)
	}
	b.open(wsPath)
	if nav := b.text(`.sidebar a[href="` + wsPath + `planner"]`); nav != "Planner" {
		t.Errorf("nav after switching back reads %q", nav)
	}
}

// TestBrowserWrongPassword: a wrong password is refused with the message
// in the page's language, the e-mail typed is kept and the password is not.
func TestBrowserWrongPassword(t *testing.T) {
	t.Parallel()
	m := bootForBrowser(t)
	u := createUser(t, m, "walt@example.com", "Walt")
	b := newTab(t, m.URL())

	b.open("/login")
	if h := b.text("#login-h"); h != "Sign in to Gears" {
		t.Errorf("sign-in heading = %q", h)
	}
	if st := b.signIn(u.Email, "not the password at all"); st != 401 {
		t.Errorf("wrong password: status %d, want 401", st)
	}
	if p := b.location().Path; p != "/login" {
		t.Errorf("after a wrong password: at %s, want /login", p)
	}
	if a := b.text(".alert"); a != "That e-mail address and password do not match." {
		t.Errorf("alert = %q", a)
	}
	if v := b.value("#email"); v != u.Email {
		t.Errorf("e-mail field = %q, want %q kept", v, u.Email)
	}
	if v := b.value("#password"); v != "" {
		t.Errorf("the password field was sent back: %q", v)
	}
	if b.exists("header .user") {
		t.Error("signed in after a wrong password")
	}

	// In Spanish, through the sign-in page's own language links.
	b.navigate("switch the sign-in page to Spanish", click(`.lang-inline button[value="es"]`))
	if l := b.lang(); l != "es" {
		t.Fatalf("sign-in page lang = %q after choosing Español", l)
	}
	if h := b.text("#login-h"); h != "Inicie sesión en Gears" {
		t.Errorf("Spanish sign-in heading = %q", h)
	}
	if st := b.signIn(u.Email, "tampoco es esta"); st != 401 {
		t.Errorf("wrong password: status %d, want 401", st)
	}
	if a := b.text(".alert"); a != "El correo electrónico y la contraseña no coinciden." {
		t.Errorf("Spanish alert = %q", a)
	}
	if v := b.value("#email"); v != u.Email {
		t.Errorf("e-mail field = %q, want it kept", v)
	}

	// The right password still works after a few wrong ones.
	if st := b.signIn(u.Email, browserPassword); st != 200 {
		t.Fatalf("right password: status %d", st)
	}
	if n := b.text("header .user"); n != "Walt" {
		t.Errorf("signed in as %q", n)
	}
}

// TestBrowserPlannerLive: the planner recomputes as the person types,
// without submitting, and shows the server's estimate and its drawing.
func TestBrowserPlannerLive(t *testing.T) {
	t.Parallel()
	m := bootForBrowser(t)
	u := createUser(t, m, "pia@example.com", "Pia")
	ws := createWorkspace(t, m, u, "Aurora")
	b := newTab(t, m.URL())
	if st := b.signIn(u.Email, browserPassword); st != 200 {
		t.Fatalf("sign-in ended with status %d", st)
	}

	plannerPath := fmt.Sprintf("/w/%d/planner", ws.ID)
	if st := b.open(plannerPath); st != 200 {
		t.Fatalf("planner: status %d", st)
	}
	weekly := func(networks int) string {
		in := workload.Typical()
		in.Networks = networks
		res, err := workload.Estimate(in)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%.1f", res.WeeklyHours)
	}
	const total = "#planner-results .totals .total strong"
	typical := workload.Typical().Networks
	if v := b.value("#pf-networks"); v != fmt.Sprint(typical) {
		t.Fatalf("networks field = %q, want the typical %d", v, typical)
	}
	before := b.text(total)
	if before != weekly(typical) {
		t.Errorf("weekly total = %q, want %s for %d networks", before, weekly(typical), typical)
	}
	if !b.exists("#planner-results svg") {
		t.Error("no drawing in the results")
	}

	const networks = 9
	want := weekly(networks)
	if want == before {
		t.Fatalf("%d networks give the same total as %d (%s): pick another number", networks, typical, want)
	}
	b.do("type a number of networks", retype("#pf-networks", fmt.Sprint(networks)))
	b.waitUntil("the weekly total follows the typing",
		fmt.Sprintf(`document.querySelector(%q)?.textContent.trim() === %q && document.getElementById("planner-results").getAttribute("aria-busy") === "false"`, total, want))
	if got := b.text(total); got != want {
		t.Errorf("weekly total = %q after typing %d, want %s", got, networks, want)
	}
	if !b.exists("#planner-results svg") {
		t.Error("the live update lost the drawing")
	}
	if loc := b.location(); loc.Path != plannerPath || loc.RawQuery != "" {
		t.Errorf("the live update navigated: at %s", loc)
	}
	if v := b.value("#pf-networks"); v != fmt.Sprint(networks) {
		t.Errorf("networks field = %q after typing", v)
	}

	// A value that is not a number shows the error in place of the results.
	// The message names the field as the form labels it, in the page's
	// language, not by its internal name. Waited for word for word: the
	// page updates a quarter of a second after each key, so on a slow
	// machine "2" and "2." can show their own results or error first.
	wantErr := `"` + b.text(`label[for="pf-networks"]`) + `" must be a whole number.`
	b.do("type a fraction of a network", retype("#pf-networks", "2.5"))
	b.waitUntil("the error for 2.5 networks replaces the results",
		fmt.Sprintf(`document.querySelector("#planner-results .alert")?.textContent.replace(/\s+/g, " ").trim() === %q && document.getElementById("planner-results").getAttribute("aria-busy") === "false"`, wantErr))
	if a := b.text("#planner-results .alert"); a != wantErr {
		t.Errorf("error for 2.5 networks = %q, want %q", a, wantErr)
	}
	b.do("type a number of networks again", retype("#pf-networks", fmt.Sprint(networks)))
	b.waitUntil("the results come back", fmt.Sprintf(`document.querySelector(%q)?.textContent.trim() === %q`, total, want))
	b.fitsWidth("the planner")
	b.screenshot("planner")

	// Submitting the form (without JavaScript's help) gives the same page.
	q := url.Values{"networks": {fmt.Sprint(networks)}}
	b.open(plannerPath + "?" + q.Encode())
	if got := b.text(total); got != want {
		t.Errorf("submitted planner shows %q, want %s", got, want)
	}
}
