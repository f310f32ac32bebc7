package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gears"
	"gears/mastodon/mastodontest"
	"gears/store"
)

// bootInbox starts a whole Gears that reads its accounts every half
// second, with Mastodon as its only network.
func bootInbox(t *testing.T) *Main {
	t.Helper()
	browserContext(t) // skip before booting anything when Chromium is missing
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Workers = 5
	cfg.PollEvery = 500 * time.Millisecond
	return bootMastodon(t, cfg)
}

// connectMastodon connects the brand's account on masto to ws.
func connectMastodon(t *testing.T, m *Main, ctx context.Context, ws *gears.Workspace, masto *mastodontest.Server, brand mastodontest.Account) *gears.Account {
	t.Helper()
	a, err := m.Accounts.ConnectAccount(ctx, ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: masto.URL, AccessToken: brand.Token})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// waitConversations waits until the inbox holds at least n conversations
// matching f.
func waitConversations(t *testing.T, m *Main, ctx context.Context, wsID int64, f gears.ConversationFilter, n int) []*gears.Conversation {
	t.Helper()
	inbox := store.NewInboxService(m.DB, store.NewPostService(m.DB, nil))
	deadline := time.Now().Add(waitTimeout)
	for {
		list, err := inbox.FindConversations(ctx, wsID, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) >= n {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("the inbox holds %d conversations matching %+v after %s, want %d", len(list), f, waitTimeout, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserInbox follows a complaint from Mastodon to its answer, as the
// team would: the mention arrives by itself, the owner finds it among the
// negative conversations, answers with a saved reply in the thread, the
// customer writes again and the conversation opens again; then the owner
// opens an incident about it that pauses scheduled publishing.
func TestBrowserInbox(t *testing.T) {
	t.Parallel()
	masto := mastodontest.New(t, mastodontest.Config{})
	brand := masto.AddAccount("aurora")
	reader := masto.AddAccount("marta")
	masto.SetDisplayName(reader.ID, "Marta")
	m := bootInbox(t)
	owner := createUser(t, m, "olga@example.com", "Olga Owner")
	ws := createWorkspace(t, m, owner, "Café Aurora")
	ctx := gears.NewContextWithUser(context.Background(), owner)
	connectMastodon(t, m, ctx, ws, masto, brand)
	inbox := store.NewInboxService(m.DB, store.NewPostService(m.DB, nil))
	if _, err := inbox.CreateSavedReply(ctx, ws.ID, gears.SavedReply{Name: "Sorry", Text: "Sorry, {name}! We are sending a new one today. {agent}"}); err != nil {
		t.Fatal(err)
	}
	wsPath := fmt.Sprintf("/w/%d/", ws.ID)

	// The first poll takes the newest page only; the complaint comes after.
	waitAccountPolled(t, m, ws.ID)
	complaint := masto.Mention(reader.ID, "@aurora my order arrived broken, awful service. Still waiting for a refund!", mastodontest.StatusOptions{})
	masto.Mention(reader.ID, "@aurora thanks for the lovely coffee yesterday", mastodontest.StatusOptions{})
	waitConversations(t, m, ctx, ws.ID, gears.ConversationFilter{}, 2)

	o := newTab(t, m.URL())
	if st := o.signIn(owner.Email, browserPassword); st != 200 {
		t.Fatalf("sign-in: status %d", st)
	}
	o.open(wsPath + "inbox")
	if n := eval[int](o, `document.querySelectorAll(".conversations li").length`); n != 2 {
		t.Fatalf("inbox lists %d conversations, want 2", n)
	}
	o.do("choose negative", choose("#f-sentiment", "negative"))
	o.navigate("filter", click(`form[role="search"] button[type="submit"]`))
	if n := eval[int](o, `document.querySelectorAll(".conversations li").length`); n != 1 {
		t.Fatalf("negative conversations: %d, want 1", n)
	}
	if s := o.text(".conversations .subject"); !strings.Contains(s, "arrived broken") {
		t.Errorf("the negative conversation is %q", s)
	}
	o.do("search", fill("#f-q", "refu*"))
	o.navigate("search refu*", click(`form[role="search"] button[type="submit"]`))
	if n := eval[int](o, `document.querySelectorAll(".conversations li").length`); n != 1 {
		t.Fatalf("search for refu*: %d conversations, want 1", n)
	}
	o.navigate("open the conversation", click(".conversations a"))
	if a := o.text(".message .author"); !strings.Contains(a, "Marta") {
		t.Errorf("author shown as %q", a)
	}
	o.do("use the saved reply", choose("#saved-reply", "Sorry, Marta! We are sending a new one today. Olga Owner"))
	if v := o.value("#reply-text"); v != "Sorry, Marta! We are sending a new one today. Olga Owner" {
		t.Fatalf("the saved reply filled %q", v)
	}
	if st := o.navigate("send the reply", click(`form[action$="/reply"] button[type="submit"]`)); st != 200 {
		t.Fatalf("reply: status %d", st)
	}
	if f := o.text(".flash"); !strings.Contains(f, "Reply on its way") {
		t.Errorf("flash after replying = %q", f)
	}

	// The answer is on Mastodon, in the thread, once.
	var answer mastodontest.Status
	waitFor(t, "the answer on Mastodon", func() bool {
		for _, st := range masto.Statuses(brand.ID) {
			if st.InReplyToID == complaint.ID {
				answer = st
				return true
			}
		}
		return false
	})
	if n := len(masto.Statuses(brand.ID)); n != 1 {
		t.Errorf("the brand has %d statuses, want 1", n)
	}
	// The customer answers the answer: the conversation opens again.
	masto.Mention(reader.ID, "@aurora ok, thank you", mastodontest.StatusOptions{InReplyToID: answer.ID})
	var conv *gears.Conversation
	waitFor(t, "the customer's answer", func() bool {
		list, err := inbox.FindConversations(ctx, ws.ID, gears.ConversationFilter{Query: "broken"})
		if err != nil || len(list) != 1 {
			return false
		}
		conv = list[0]
		return conv.Count == 3
	})
	if conv.Status != gears.ConversationOpen || conv.RespondedAt == nil {
		t.Errorf("after the customer's answer: status %s, responded %v", conv.Status, conv.RespondedAt)
	}
	o.open(fmt.Sprintf("%sinbox/%d", wsPath, conv.ID))
	if n := eval[int](o, `document.querySelectorAll(".messages .message").length`); n != 3 {
		t.Errorf("the conversation shows %d messages, want 3", n)
	}
	if n := eval[int](o, `document.querySelectorAll(".messages .message.outbound").length`); n != 1 {
		t.Errorf("the conversation shows %d answers, want 1", n)
	}

	// An incident about it, pausing scheduled publishing.
	o.navigate("open an incident", click(`form[action$="/incidents"] button[type="submit"]`))
	if !strings.Contains(o.location().Path, "/incidents/") {
		t.Fatalf("after opening an incident: at %s", o.location().Path)
	}
	if n := eval[int](o, `document.querySelectorAll(".checklist li").length`); n < 5 {
		t.Errorf("the checklist has %d steps", n)
	}
	o.navigate("check the first step", click(`.checklist li[data-step="1"] button`))
	o.waitUntil("the first step done", `document.querySelector('.checklist li[data-step="1"]').classList.contains("done")`)
	if n := eval[int](o, `document.querySelectorAll('.timeline li[data-event="checklist"]').length`); n != 1 {
		t.Errorf("timeline has %d checklist entries, want 1", n)
	}
	if n := eval[int](o, `document.querySelectorAll('.timeline li[data-event="linked"]').length`); n != 1 {
		t.Errorf("timeline has %d linked conversations, want 1", n)
	}
}

// waitAccountPolled waits until the workspace's accounts were read once.
func waitAccountPolled(t *testing.T, m *Main, wsID int64) {
	t.Helper()
	waitFor(t, "the first poll", func() bool {
		var n int
		err := m.DB.SQL().QueryRow(`SELECT COUNT(*) FROM accounts WHERE workspace_id = ? AND inbox_polled_at > 0`, wsID).Scan(&n)
		return err == nil && n > 0
	})
}

// waitTimeout bounds the waits for the background work of a Gears under
// test (polls, publishing): generous, for CI's two shared cores.
const waitTimeout = time.Minute

// waitFor polls cond for up to waitTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s", what, waitTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// xssCorpus reads testdata/xss.txt.
func xssCorpus(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/xss.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "# ") {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBrowserInboxXSS sends every payload of testdata/xss.txt to the brand
// as a mention three ways — as text (which Mastodon escapes), as the raw
// HTML of a status (a hostile server), and as a hostile display name — and
// as plain text of a network without markup (Bluesky), then shows the
// inbox and conversations in Chromium: no script may run (no dialog, no
// marker set), and no markup may come out of the messages.
func TestBrowserInboxXSS(t *testing.T) {
	t.Parallel()
	payloads := xssCorpus(t)
	if len(payloads) < 100 {
		t.Fatalf("the corpus has %d payloads, want at least 100", len(payloads))
	}
	masto := mastodontest.New(t, mastodontest.Config{})
	brand := masto.AddAccount("aurora")
	m := bootInbox(t)
	owner := createUser(t, m, "olga@example.com", "Olga Owner")
	ws := createWorkspace(t, m, owner, "Café Aurora")
	ctx := gears.NewContextWithUser(context.Background(), owner)
	connectMastodon(t, m, ctx, ws, masto, brand)
	waitAccountPolled(t, m, ws.ID)

	for i, p := range payloads {
		from := masto.AddAccount(fmt.Sprintf("x%d", i))
		masto.SetDisplayName(from.ID, p)
		masto.Mention(from.ID, "@aurora "+p, mastodontest.StatusOptions{})
		masto.AddRawStatus(from.ID, "<p>"+p+"</p>", mastodontest.StatusOptions{Mentions: []string{brand.ID}})
	}
	// A network without markup gives the payload as it is.
	bsky, err := m.Accounts.AddExampleAccount(ctx, ws.ID, gears.Bluesky, "aurora.example.com", "Aurora")
	if err != nil {
		t.Fatal(err)
	}
	var plain []gears.InboundMessage
	for i, p := range payloads {
		id := fmt.Sprintf("at://did:plc:x%d/app.bsky.feed.post/%d", i, i)
		plain = append(plain, gears.InboundMessage{RemoteID: id, Kind: gears.KindMention, Thread: id, Post: gears.PostRef{ID: id, CID: "bafy"},
			Reply:  gears.ReplyTo{Parent: gears.PostRef{ID: id, CID: "bafy"}, Root: gears.PostRef{ID: id, CID: "bafy"}},
			Author: gears.RemoteAccount{ID: "did:plc:x", Handle: "x.example.com", DisplayName: p, URL: p}, Text: p, URL: p, CreatedAt: time.Now()})
	}
	inbox := store.NewInboxService(m.DB, store.NewPostService(m.DB, nil))
	if _, err := inbox.Ingest(context.Background(), store.Source{WorkspaceID: ws.ID, Network: gears.Bluesky, AccountID: &bsky.ID}, plain, nil); err != nil {
		t.Fatal(err)
	}
	total := 3 * len(payloads)
	waitConversations(t, m, ctx, ws.ID, gears.ConversationFilter{Limit: 200}, 200)
	waitFor(t, "every payload in the inbox", func() bool {
		var n int
		err := m.DB.SQL().QueryRow(`SELECT COUNT(*) FROM messages WHERE workspace_id = ?`, ws.ID).Scan(&n)
		return err == nil && n >= total
	})

	o := newTab(t, m.URL())
	var dialogs atomic.Int32
	var dialogText atomic.Value
	// A payload that runs would open a dialog (alert): the page would
	// then hang, so the count is checked before anything else.
	if err := chromedp.Listen(o.ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			dialogText.Store(d.Message)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if st := o.signIn(owner.Email, browserPassword); st != 200 {
		t.Fatalf("sign-in: status %d", st)
	}
	// Only the page's own markup may be in a message: paragraphs of text
	// and the template's links to the network, with a web address.
	const escaped = `(() => {
		const bad = [];
		for (const box of document.querySelectorAll(".message-text")) {
			for (const el of box.querySelectorAll("*")) {
				if (el.tagName !== "P" || el.attributes.length > 0) bad.push(el.outerHTML.slice(0, 80));
			}
		}
		for (const a of document.querySelectorAll("main a")) {
			const h = a.getAttribute("href") || "";
			if (!(h.startsWith("/") || h.startsWith("?") || h.startsWith("#") || /^https?:\/\//.test(h))) bad.push(a.outerHTML.slice(0, 80));
		}
		for (const sel of ["main script", "main iframe", "main img", "main svg", "main object", "main embed", "main style", "main math", "main video", "main audio", "main base", "main meta", "main link", "main template", "main marquee", "main details"]) {
			for (const el of document.querySelectorAll(sel)) bad.push(el.outerHTML.slice(0, 80));
		}
		for (const el of document.querySelectorAll("main *")) {
			for (const at of el.attributes) if (at.name.startsWith("on")) bad.push(el.outerHTML.slice(0, 80));
		}
		return bad;
	})()`
	check := func(where string) {
		t.Helper()
		time.Sleep(50 * time.Millisecond) // let anything that would run, run
		if n := dialogs.Load(); n > 0 {
			t.Fatalf("%s: a payload opened %d dialogs (%v)", where, n, dialogText.Load())
		}
		if bad := eval[[]string](o, escaped); len(bad) > 0 {
			t.Errorf("%s: markup escaped the messages: %q", where, bad)
		}
		if x := eval[bool](o, `window.__xss !== undefined`); x {
			t.Errorf("%s: a payload ran", where)
		}
	}
	shown := 0
	next := fmt.Sprintf("/w/%d/inbox?limit=200", ws.ID)
	for next != "" {
		o.open(next)
		check(next)
		shown += eval[int](o, `document.querySelectorAll(".conversations li").length`)
		next = ""
		if o.exists(`a[data-more]`) {
			next = fmt.Sprintf("/w/%d/inbox", ws.ID) + eval[string](o, `document.querySelector('a[data-more]').getAttribute("href")`)
		}
	}
	if shown < total {
		t.Errorf("the inbox showed %d conversations, want %d", shown, total)
	}
	// The texts are shown as they were written: the escaped payloads read
	// literally.
	list, err := inbox.FindConversations(ctx, ws.ID, gears.ConversationFilter{Network: gears.Bluesky, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range list {
		if i%8 != 0 {
			continue
		}
		path := fmt.Sprintf("/w/%d/inbox/%d", ws.ID, c.ID)
		o.open(path)
		check(path)
		want := strings.Map(func(r rune) rune {
			if r < 0x20 {
				return -1
			}
			return r
		}, c.Messages[0].Text)
		if got := eval[string](o, `Array.from(document.querySelectorAll(".message-text p")).map(p => p.textContent).join("\n")`); got != want {
			t.Errorf("%s shows %q, want the text %q", path, got, want)
		}
	}
	mlist, err := inbox.FindConversations(ctx, ws.ID, gears.ConversationFilter{Network: gears.Mastodon, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range mlist {
		if i%10 == 0 {
			path := fmt.Sprintf("/w/%d/inbox/%d", ws.ID, c.ID)
			o.open(path)
			check(path)
		}
	}
}

// lockedBuffer lets the job workers and the test write logs at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
