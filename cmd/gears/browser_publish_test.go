package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"gears"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/store"
)

// TestBrowserPublishing follows a post from the composer to Mastodon, as
// the team would: the owner connects the account, the editor writes a text
// too long for Mastodon, sees why, gives the account a variant and sends
// the post for approval; the approver approves it; the owner drags it to
// the next day on the calendar, publishes it at once, and pauses and
// resumes publishing. Mastodon is mastodontest; the job workers of Main
// do the publishing.
func TestBrowserPublishing(t *testing.T) {
	t.Parallel()
	masto := mastodontest.New(t, mastodontest.Config{})
	brand := masto.AddAccount("aurora")
	m := bootWithMastodonOnly(t)

	owner := createUser(t, m, "olga@example.com", "Olga Owner")
	ws := createWorkspace(t, m, owner, "Café Aurora") // Europe/Madrid
	loc := ws.Location()
	if loc.String() != "Europe/Madrid" {
		t.Fatalf("workspace time zone = %s, want Europe/Madrid", loc)
	}
	ownerCtx := gears.NewContextWithUser(context.Background(), owner)
	editor := createUser(t, m, "bea@example.com", "Bea Editor")
	approver := createUser(t, m, "ivy@example.com", "Ivy Approver")
	for _, mb := range []gears.MemberAdd{{Email: editor.Email, Role: gears.RoleEditor}, {Email: approver.Email, Role: gears.RoleApprover}} {
		if _, err := store.NewWorkspaceService(m.DB).AddMember(ownerCtx, ws.ID, mb); err != nil {
			t.Fatalf("add %s as %s: %v", mb.Email, mb.Role, err)
		}
	}
	posts := store.NewPostService(m.DB, nil)
	wsPath := fmt.Sprintf("/w/%d/", ws.ID)

	// 1. The owner connects the Mastodon account through the accounts page.
	o := newTab(t, m.URL())
	if st := o.signIn(owner.Email, browserPassword); st != 200 {
		t.Fatalf("owner's sign-in ended with status %d", st)
	}
	o.open(wsPath + "accounts")
	if o.exists(`details:has(#masto-token) > summary`) {
		// The access-token form, folded under the OAuth sign-in.
		o.do("unfold the access-token form", click(`details:has(#masto-token) > summary`))
	}
	o.do("fill the Mastodon form", fill("#masto-server", masto.URL, "#masto-token", brand.Token))
	if st := o.navigate("connect Mastodon", click(`form:has(#masto-token) button[type="submit"]`)); st != 200 {
		t.Fatalf("connecting ended with status %d", st)
	}
	if f := o.text(".flash"); f != "Account connected." {
		t.Errorf("flash after connecting = %q", f)
	}
	handle := "@aurora@" + strings.TrimPrefix(masto.URL, "http://")
	row := fmt.Sprintf(`tr[data-account=%q]`, handle)
	if !o.exists(row) {
		t.Fatalf("no row for %s in the accounts table", handle)
	}
	if s := o.text(row + " .status"); s != "Connected" {
		t.Errorf("%s shows status %q, want Connected", handle, s)
	}
	if n := o.text("#acc-h .count"); n != "1" {
		t.Errorf("connected accounts count = %q, want 1", n)
	}
	accounts, err := m.Accounts.FindAccounts(ownerCtx, ws.ID)
	if err != nil || len(accounts) != 1 || accounts[0].Handle != handle {
		t.Fatalf("stored accounts = %v, %v; want %s", accounts, err, handle)
	}
	acc := accounts[0]

	// 2. The editor writes a text Mastodon refuses, without a variant.
	e := newTab(t, m.URL())
	if st := e.signIn(editor.Email, browserPassword); st != 200 {
		t.Fatalf("editor's sign-in ended with status %d", st)
	}
	e.open(wsPath + "posts/new")
	check := fmt.Sprintf(`input[name="account"][value="%d"]`, acc.ID)
	if !eval[bool](e, fmt.Sprintf(`document.querySelector(%q).checked`, check)) {
		t.Error("the only account is not checked in a new post")
	}
	submit := `button[name="action"][value="schedule"]`
	if b := e.text(submit); b != "Send for approval" {
		t.Errorf("an editor's submit button reads %q, want Send for approval", b)
	}
	long := strings.TrimSpace(strings.Repeat("Fresh bread from the oven every morning at Café Aurora. ", 12))
	if n := utf8.RuneCountInString(long); n <= 500 {
		t.Fatalf("the long text has only %d characters", n)
	}
	openedAt := e.value(`input[name="opened_at"]`)
	e.do("write the long text", fill("#text", long))
	if st := e.navigate("submit the long text", click(submit)); st != 400 {
		t.Errorf("a text too long for Mastodon: status %d, want 400", st)
	}
	wantErr := fmt.Sprintf("For %s: The text counts %d characters as Mastodon counts them; this server allows 500.", handle, utf8.RuneCountInString(long))
	if a := e.text(".alert"); a != wantErr {
		t.Errorf("validation error = %q, want %q", a, wantErr)
	}
	if v := e.value("#text"); v != long {
		t.Errorf("the text after the error is %q, want it kept", v)
	}
	if !eval[bool](e, fmt.Sprintf(`document.querySelector(%q).checked`, check)) {
		t.Error("the account is unchecked after the error")
	}
	// The time spent writing counts from the first opening: an error on
	// the way must not restart it.
	if v := e.value(`input[name="opened_at"]`); v != openedAt {
		t.Errorf("opened_at after the error = %s, want %s kept from the first opening", v, openedAt)
	}
	if n, _ := posts.FindPosts(ownerCtx, ws.ID, gears.PostFilter{}); len(n) != 0 {
		t.Errorf("a refused post was stored: %d posts", len(n))
	}

	// A short text of the account's own, for a day after tomorrow at 10:00.
	variantSel := fmt.Sprintf("#variant-%d", acc.ID)
	summary := fmt.Sprintf(`.account-row:has(%s) details > summary`, variantSel)
	if s := e.text(summary); s != "Own text for this account" {
		t.Errorf("the variant's summary reads %q", s)
	}
	e.do("open the account's own text", click(summary))
	const variant = "Fresh bread every morning at Café Aurora. Come early!"
	day := time.Now().In(loc).AddDate(0, 0, 2)
	day = time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc)
	dayKey := day.Format("2006-01-02")
	if v := e.value(variantSel); v != "" {
		t.Errorf("the variant is %q before writing it", v)
	}
	// Typed key by key into the empty field. Not with retype: chromedp
	// (v0.23) sends SetValue's "" as no argument at all, so a textarea
	// would hold "undefined" and SetValue fails.
	e.do("write the variant", chromedp.SendKeys(chromedp.CSS(variantSel), variant))
	e.do("set the date", fill("#date", dayKey))
	e.do("set the time", fill("#time", "10:00"))
	if st := e.navigate("send for approval", click(submit)); st != 200 {
		t.Fatalf("sending for approval ended with status %d", st)
	}
	postPath := e.location().Path
	id, err := strconv.ParseInt(strings.TrimPrefix(postPath, wsPath+"posts/"), 10, 64)
	if err != nil {
		t.Fatalf("after sending for approval: at %s, want %sposts/{id}", postPath, wsPath)
	}
	if f := e.text(".flash"); f != "Sent for approval." {
		t.Errorf("flash = %q", f)
	}
	if s := e.text(".page-head .status"); s != "In review" {
		t.Errorf("the post's status reads %q, want In review", s)
	}
	if v := e.value(variantSel); v != variant {
		t.Errorf("the saved variant reads %q", v)
	}
	p := findPost(t, posts, ownerCtx, ws.ID, id)
	if p.Status != gears.PostInReview || p.Text != long || p.TextFor(acc.ID) != variant {
		t.Errorf("stored post: status %s, text %q, text for %s %q", p.Status, p.Text, handle, p.TextFor(acc.ID))
	}
	if p.ScheduledAt == nil || !p.ScheduledAt.Equal(day) {
		t.Errorf("stored time = %v, want %v", p.ScheduledAt, day)
	}

	// 3. The approver approves it.
	a := newTab(t, m.URL())
	if st := a.signIn(approver.Email, browserPassword); st != 200 {
		t.Fatalf("approver's sign-in ended with status %d", st)
	}
	a.open(postPath)
	if a.exists(`form[action$="/publish-now"]`) {
		t.Error("an approver is offered Publish now")
	}
	// An approver may not edit: saving the post answers 403, so the
	// composer must not offer it.
	if eval[bool](a, `[...document.querySelectorAll('button[name="action"]')].some(b => !b.matches(":disabled"))`) {
		t.Error("an approver is offered to save the post (Schedule, Save as draft), which answers 403")
	}
	if st := a.navigate("approve", click(`form[action$="/approve"] button[type="submit"]`)); st != 200 {
		t.Fatalf("approving ended with status %d", st)
	}
	if s := a.text(".page-head .status"); s != "Scheduled" {
		t.Errorf("after approval the status reads %q, want Scheduled", s)
	}
	p = findPost(t, posts, ownerCtx, ws.ID, id)
	if p.Status != gears.PostScheduled || len(p.Deliveries) != 1 || p.Deliveries[0].Status != gears.DeliveryScheduled {
		t.Fatalf("approved post: status %s, deliveries %+v; want scheduled", p.Status, p.Deliveries)
	}

	// 4. The owner drags it to the next day on the calendar. Chromium's
	// mouse cannot drive a native HTML5 drag through DevTools reliably,
	// so the drag events are dispatched with a DataTransfer from the
	// page: gears.js's own handlers still run, and so does their fetch to
	// the server.
	calPath := wsPath + "calendar?date=" + dayKey
	o.open(calPath)
	chip := fmt.Sprintf(`a[data-post="%d"]`, id)
	if !o.exists(fmt.Sprintf(`td[data-date=%q] > %s`, dayKey, chip)) {
		t.Fatalf("no chip for post %d in the cell of %s", id, dayKey)
	}
	if tm := o.text(chip + " .chip-time"); tm != "10:00" {
		t.Errorf("the chip's time reads %q, want 10:00", tm)
	}
	next := day.AddDate(0, 0, 1)
	if !o.exists(fmt.Sprintf(`td[data-date=%q]`, next.Format("2006-01-02"))) {
		// The month shown ends with the post's day's week: take the day
		// before instead (tomorrow, still to come).
		next = day.AddDate(0, 0, -1)
	}
	nextKey := next.Format("2006-01-02")
	to := fmt.Sprintf(`td[data-date=%q]`, nextKey)
	accepted := eval[bool](o, fmt.Sprintf(`(() => {
		const chip = document.querySelector(%q), day = document.querySelector(%q);
		const dt = new DataTransfer();
		const ev = (type, el) => { const e = new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}); el.dispatchEvent(e); return e; };
		ev("dragstart", chip);
		const over = ev("dragover", day);
		ev("drop", day);
		ev("dragend", chip);
		return over.defaultPrevented;
	})()`, chip, to))
	if !accepted {
		t.Error("the day cell did not accept the dragged chip")
	}
	o.waitUntil("the chip moves to "+nextKey, fmt.Sprintf(`document.querySelector(%q)`, to+" > "+chip+".moved"))
	if o.exists(fmt.Sprintf(`td[data-date=%q] > %s`, dayKey, chip)) {
		t.Errorf("the chip is still in the cell of %s", dayKey)
	}
	o.screenshot("calendar-moved")
	o.open(calPath)
	if !o.exists(to + " > " + chip) {
		t.Errorf("after reloading, the chip is not in the cell of %s", nextKey)
	}
	if o.exists(fmt.Sprintf(`td[data-date=%q] > %s`, dayKey, chip)) {
		t.Errorf("after reloading, the chip is back in the cell of %s", dayKey)
	}
	p = findPost(t, posts, ownerCtx, ws.ID, id)
	if p.ScheduledAt == nil || !p.ScheduledAt.Equal(next) {
		t.Errorf("after the drag the post is at %v, want %v (10:00 in %s)", p.ScheduledAt, next, loc)
	}
	if p.Status != gears.PostScheduled || p.TextFor(acc.ID) != variant {
		t.Errorf("after the drag: status %s, text for %s %q", p.Status, handle, p.TextFor(acc.ID))
	}

	// 5. The owner publishes it now; the job workers send the variant.
	o.open(postPath)
	if st := o.navigate("publish now", click(`form[action$="/publish-now"] button[type="submit"]`)); st != 200 {
		t.Fatalf("publishing now ended with status %d", st)
	}
	waitFor(t, "the post published", func() bool {
		p = findPost(t, posts, ownerCtx, ws.ID, id)
		return p.Status == gears.PostPublished
	})
	statuses := masto.Statuses(brand.ID)
	if len(statuses) != 1 {
		t.Fatalf("Mastodon has %d statuses, want 1: %+v", len(statuses), statuses)
	}
	if statuses[0].Text != variant {
		t.Errorf("Mastodon got %q, want the variant %q", statuses[0].Text, variant)
	}
	if d := p.Deliveries[0]; d.Status != gears.DeliveryPublished || d.RemoteID != statuses[0].ID {
		t.Errorf("delivery: status %s, remote id %q; want published as %s", d.Status, d.RemoteID, statuses[0].ID)
	}
	o.open(postPath)
	if s := o.text(".page-head .status"); s != "Published" {
		t.Errorf("the published post's status reads %q", s)
	}
	if s := o.text(fmt.Sprintf(`li[data-delivery="%d"] .status`, acc.ID)); s != "Published" {
		t.Errorf("the delivery's status reads %q", s)
	}

	// 6. The owner pauses publishing, and resumes it.
	o.open(wsPath + "calendar")
	if o.exists(`.alert[role="status"]`) {
		t.Error("the paused banner shows before pausing")
	}
	if st := o.navigate("pause publishing", click(`form[action$="/publishing/pause"] button[type="submit"]`)); st != 200 {
		t.Fatalf("pausing ended with status %d", st)
	}
	if b := o.text(`.alert[role="status"] strong`); b != "Publishing is paused." {
		t.Errorf("banner = %q, want Publishing is paused.", b)
	}
	if _, paused, err := posts.PublishingSettings(ownerCtx, ws.ID); err != nil || !paused {
		t.Errorf("stored paused = %v, %v; want true", paused, err)
	}
	if st := o.navigate("resume publishing", click(`.alert[role="status"] form[action$="/publishing/resume"] button`)); st != 200 {
		t.Fatalf("resuming ended with status %d", st)
	}
	if f := o.text(".flash"); f != "Publishing resumed." {
		t.Errorf("flash = %q", f)
	}
	if o.exists(`.alert[role="status"]`) {
		t.Error("the paused banner still shows after resuming")
	}
	if _, paused, err := posts.PublishingSettings(ownerCtx, ws.ID); err != nil || paused {
		t.Errorf("stored paused = %v, %v; want false", paused, err)
	}
	if n := len(masto.Statuses(brand.ID)); n != 1 {
		t.Errorf("after resuming Mastodon has %d statuses, want still 1", n)
	}
}

// bootWithMastodonOnly boots a Gears as bootForBrowser does, but reaching
// Mastodon only: the connectors must be set between NewMain and Open,
// which bootForBrowser does at once.
func bootWithMastodonOnly(t *testing.T) *Main {
	t.Helper()
	browserContext(t) // skip before booting anything when Chromium is missing
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Workers = 5
	return bootMastodon(t, cfg)
}

// bootMastodon starts a whole Gears of cfg with Mastodon as its only
// network, stopped when the test ends.
func bootMastodon(t *testing.T, cfg Config) *Main {
	t.Helper()
	return bootWith(t, cfg, store.Connectors{gears.Mastodon: mastodon.New(nil)})
}

// findPost reads a post from the database as ctx's user sees it.
func findPost(t *testing.T, posts *store.PostService, ctx context.Context, wsID, id int64) *gears.Post {
	t.Helper()
	p, err := posts.FindPost(ctx, wsID, id)
	if err != nil {
		t.Fatalf("find post %d: %v", id, err)
	}
	return p
}
