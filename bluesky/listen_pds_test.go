package bluesky_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/bluesky"
	"gears/bluesky/pdstest"
)

// listener is the Gears account on the network with the AppView, with a
// connector that reads through it.
type listener struct {
	net   *pdstest.Network
	user  *pdstest.User // the same account, to read as it in the tests
	conn  *bluesky.Connector
	creds gears.Credentials
}

func setupListener(t *testing.T, name string) *listener {
	t.Helper()
	n := pdstest.StartNetwork(t)
	u := n.CreateUser(t, uniqueHandle(name))
	conn, _ := newConnector()
	conn.AppView = n.Proxy()
	_, creds, err := conn.Verify(ctx(t), gears.Credentials{Server: n.URL, Handle: u.Handle, AppPassword: u.AppPassword})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return &listener{net: n, user: u, conn: conn, creds: creds}
}

// publish publishes a post as the Gears account and returns its reference.
func (l *listener) publish(t *testing.T, post gears.OutgoingPost) pdstest.Ref {
	t.Helper()
	if post.Key == "" {
		post.Key = bluesky.NewKey()
	}
	pub, err := l.conn.Publish(ctx(t), l.creds, post)
	if err != nil {
		t.Fatal(err)
	}
	var out pdstest.Ref
	q := url.Values{"repo": {l.creds.DID}, "collection": {"app.bsky.feed.post"}, "rkey": {bluesky.RecordKey(post.Key)}}
	if err := l.net.XRPC(ctx(t), "com.atproto.repo.getRecord?"+q.Encode(), "", nil, &out); err != nil {
		t.Fatal(err)
	}
	if out.URI != pub.RemoteID || out.CID == "" {
		t.Fatalf("getRecord = %+v, published %+v", out, pub)
	}
	return out
}

// poll waits for the AppView and reads the notifications after cursor.
func (l *listener) poll(t *testing.T, cursor string) gears.Page {
	t.Helper()
	l.net.ProcessAll(t)
	page, err := l.conn.Notifications(ctx(t), l.creds, cursor)
	if err != nil {
		t.Fatalf("Notifications(%q): %v", cursor, err)
	}
	return page
}

func postURL(u *pdstest.User, ref pdstest.Ref) string {
	return "https://bsky.app/profile/" + u.Handle + "/post/" + ref.URI[strings.LastIndexByte(ref.URI, '/')+1:]
}

func author(u *pdstest.User) gears.RemoteAccount {
	return gears.RemoteAccount{ID: u.DID, Handle: "@" + u.Handle, URL: "https://bsky.app/profile/" + u.Handle}
}

func postRef(r pdstest.Ref) gears.PostRef { return gears.PostRef{ID: r.URI, CID: r.CID} }

// checkMessages compares messages with want, field by field, but for
// CreatedAt, which must be recent.
func checkMessages(t *testing.T, got, want []gears.InboundMessage) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("message %d missing: %s %s", i, want[i].Kind, want[i].RemoteID)
			continue
		case i >= len(want):
			t.Errorf("message %d unexpected: %s %s %q", i, got[i].Kind, got[i].RemoteID, got[i].Text)
			continue
		}
		g, w := got[i], want[i]
		if time.Since(g.CreatedAt) > 5*time.Minute || g.CreatedAt.After(time.Now().Add(time.Minute)) {
			t.Errorf("message %d (%s): CreatedAt %v", i, g.Kind, g.CreatedAt)
		}
		g.CreatedAt = time.Time{}
		if g != w {
			t.Errorf("message %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// TestNotifications: other people mention, answer (in a thread), quote,
// like, repost and follow the Gears account; each comes once, with its
// kind and thread, oldest first, and a poll without news returns nothing.
func TestNotifications(t *testing.T) {
	t.Parallel()
	l := setupListener(t, "gears")
	bob := l.net.CreateUser(t, uniqueHandle("bob"))
	carol := l.net.CreateUser(t, uniqueHandle("carol"))
	gearsUser := l.user

	// Nothing yet: no cursor either.
	page := l.poll(t, "")
	if len(page.Messages) != 0 || page.Cursor != "" {
		t.Fatalf("first poll of a new account: %+v", page)
	}

	// A first follow: the first poll takes the newest page.
	bob.Follow(t, gearsUser.DID)
	page = l.poll(t, "")
	checkMessages(t, page.Messages, []gears.InboundMessage{{RemoteID: "follow:" + bob.DID, Kind: gears.KindFollow,
		Thread: "follow:" + bob.DID, Author: author(bob), URL: author(bob).URL}})
	if page.Cursor == "" {
		t.Fatal("no cursor after a message")
	}
	cursor := page.Cursor

	p1 := l.publish(t, gears.OutgoingPost{Text: "The first post of Gears"})
	mention := bob.Write(t, pdstest.PostInput{Text: "Hello @" + gearsUser.Handle + "!", Mentions: []*pdstest.User{gearsUser}, Langs: []string{"en"}})
	reply := bob.Write(t, pdstest.PostInput{Text: "A reply", Parent: &p1, Langs: []string{"es", "en"}})
	// The AppView indexes each repository on its own: an answer to reply
	// indexed before reply would notify only reply's author.
	l.net.ProcessAll(t)
	deeper := carol.Write(t, pdstest.PostInput{Text: "A reply to the reply", Parent: &reply, Root: &p1})
	replyMention := carol.Write(t, pdstest.PostInput{Text: "Also, @" + gearsUser.Handle, Mentions: []*pdstest.User{gearsUser}, Parent: &reply, Root: &p1})
	quote := carol.Write(t, pdstest.PostInput{Text: "Look at this", Quote: &p1})
	bob.Like(t, p1)
	bob.Repost(t, p1)
	carol.Follow(t, gearsUser.DID)

	page = l.poll(t, cursor)
	p1URL := "https://bsky.app/profile/" + gearsUser.DID + "/post/" + p1.URI[strings.LastIndexByte(p1.URI, '/')+1:]
	checkMessages(t, page.Messages, []gears.InboundMessage{
		{RemoteID: mention.URI, Kind: gears.KindMention, Thread: mention.URI, Post: postRef(mention),
			Reply: gears.ReplyTo{Parent: postRef(mention), Root: postRef(mention)}, Author: author(bob),
			Text: "Hello @" + gearsUser.Handle + "!", URL: postURL(bob, mention), Lang: "en"},
		{RemoteID: reply.URI, Kind: gears.KindReply, Thread: p1.URI, Post: postRef(reply),
			Reply: gears.ReplyTo{Parent: postRef(reply), Root: postRef(p1)}, Author: author(bob),
			Text: "A reply", URL: postURL(bob, reply), Lang: "es"},
		{RemoteID: deeper.URI, Kind: gears.KindReply, Thread: p1.URI, Post: postRef(deeper),
			Reply: gears.ReplyTo{Parent: postRef(deeper), Root: postRef(p1)}, Author: author(carol),
			Text: "A reply to the reply", URL: postURL(carol, deeper)},
		{RemoteID: replyMention.URI, Kind: gears.KindMention, Thread: p1.URI, Post: postRef(replyMention),
			Reply: gears.ReplyTo{Parent: postRef(replyMention), Root: postRef(p1)}, Author: author(carol),
			Text: "Also, @" + gearsUser.Handle, URL: postURL(carol, replyMention)},
		{RemoteID: quote.URI, Kind: gears.KindQuote, Thread: quote.URI, Post: postRef(quote),
			Reply: gears.ReplyTo{Parent: postRef(quote), Root: postRef(quote)}, Author: author(carol),
			Text: "Look at this", URL: postURL(carol, quote)},
		{RemoteID: "like:" + bob.DID + ":" + p1.URI, Kind: gears.KindFavourite, Thread: p1.URI, Post: postRef(p1),
			Author: author(bob), URL: p1URL},
		{RemoteID: "repost:" + bob.DID + ":" + p1.URI, Kind: gears.KindRepost, Thread: p1.URI, Post: postRef(p1),
			Author: author(bob), URL: p1URL},
		{RemoteID: "follow:" + carol.DID, Kind: gears.KindFollow, Thread: "follow:" + carol.DID,
			Author: author(carol), URL: author(carol).URL},
	})
	cursor = page.Cursor

	// Nothing new: nothing returned, and the cursor still works.
	page = l.poll(t, cursor)
	if len(page.Messages) != 0 {
		t.Errorf("a poll without news returned %d messages: %+v", len(page.Messages), page.Messages)
	}
	if page.Cursor == "" {
		t.Fatal("the cursor was lost")
	}
	cursor = page.Cursor

	// Hostile text is plain text: returned as it is.
	hostile := "<script>alert('x')</script> <b>@" + gearsUser.Handle + "</b> <img src=x onerror=alert(1)> \u202eevil\u202c &amp; \"q\""
	h := bob.Write(t, pdstest.PostInput{Text: hostile, Mentions: []*pdstest.User{gearsUser}})
	page = l.poll(t, cursor)
	checkMessages(t, page.Messages, []gears.InboundMessage{{RemoteID: h.URI, Kind: gears.KindMention, Thread: h.URI,
		Post: postRef(h), Reply: gears.ReplyTo{Parent: postRef(h), Root: postRef(h)}, Author: author(bob),
		Text: hostile, URL: postURL(bob, h)}})

	// The quota the PDS reported with the last answer.
	remaining, reset, ok := l.conn.Quota(l.creds)
	if !ok || remaining <= 0 || !reset.After(time.Now()) || reset.After(time.Now().Add(time.Hour)) {
		t.Errorf("Quota = %d, %v, %v", remaining, reset, ok)
	}
}

// TestNotificationsPages: a backlog longer than a page is read whole, in
// order; a first poll takes the newest page only.
func TestNotificationsPages(t *testing.T) {
	t.Parallel()
	l := setupListener(t, "pages")
	bob := l.net.CreateUser(t, uniqueHandle("pagesbob"))
	bob.Follow(t, l.user.DID)
	page := l.poll(t, "")
	if len(page.Messages) != 1 {
		t.Fatalf("first poll: %d messages", len(page.Messages))
	}
	cursor := page.Cursor

	const n = 75
	var want []string
	for i := range n {
		ref := bob.Write(t, pdstest.PostInput{Text: fmt.Sprintf("Mention %d of @%s", i, l.user.Handle), Mentions: []*pdstest.User{l.user}})
		want = append(want, ref.URI)
	}
	page = l.poll(t, cursor)
	var got []string
	for _, m := range page.Messages {
		got = append(got, m.RemoteID)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after a backlog of %d: %d messages:\n%s", n, len(got), strings.Join(got, "\n"))
	}
	if again := l.poll(t, page.Cursor); len(again.Messages) != 0 {
		t.Errorf("the backlog came again: %d messages", len(again.Messages))
	}

	// A new account's first poll: the newest page, oldest first.
	first := l.poll(t, "")
	if len(first.Messages) != 50 {
		t.Fatalf("first poll: %d messages, want a page of 50", len(first.Messages))
	}
	for i, m := range first.Messages {
		if m.RemoteID != want[n-50+i] {
			t.Fatalf("first poll, message %d: %s, want %s", i, m.RemoteID, want[n-50+i])
		}
	}
	if again := l.poll(t, first.Cursor); len(again.Messages) != 0 {
		t.Errorf("after the first poll: %d messages", len(again.Messages))
	}
}

// TestPublishReply: a reply published with Reply lands in the thread, as
// the AppView shows it.
func TestPublishReply(t *testing.T) {
	t.Parallel()
	l := setupListener(t, "replier")
	bob := l.net.CreateUser(t, uniqueHandle("asker"))
	root := bob.Post(t, "A question for everyone")
	question := bob.Write(t, pdstest.PostInput{Text: "Especially @" + l.user.Handle + ": how?", Mentions: []*pdstest.User{l.user}, Parent: &root})
	page := l.poll(t, "")
	if len(page.Messages) != 1 {
		t.Fatalf("%d messages, want the mention", len(page.Messages))
	}
	msg := page.Messages[0]
	post := gears.OutgoingPost{Text: "Like this.", Key: bluesky.NewKey(), Reply: &msg.Reply}
	answer := l.publish(t, post)
	found, err := l.conn.FindPublished(ctx(t), l.creds, post, time.Now().Add(-time.Hour))
	if err != nil || found.RemoteID != answer.URI {
		t.Errorf("FindPublished = %+v, %v; want %s", found, err, answer.URI)
	}

	l.net.ProcessAll(t)
	var thread struct {
		Thread struct {
			Post struct {
				URI string `json:"uri"`
			} `json:"post"`
			Replies []struct {
				Post struct {
					URI string `json:"uri"`
				} `json:"post"`
				Replies []struct {
					Post struct {
						URI    string `json:"uri"`
						Record struct {
							Text  string `json:"text"`
							Reply struct {
								Root, Parent pdstest.Ref
							} `json:"reply"`
						} `json:"record"`
					} `json:"post"`
				} `json:"replies"`
			} `json:"replies"`
		} `json:"thread"`
	}
	bob.Get(t, "app.bsky.feed.getPostThread?"+url.Values{"uri": {root.URI}}.Encode(), l.net.Proxy(), &thread)
	th := thread.Thread
	if th.Post.URI != root.URI || len(th.Replies) != 1 || th.Replies[0].Post.URI != question.URI || len(th.Replies[0].Replies) != 1 {
		t.Fatalf("thread = %+v", th)
	}
	got := th.Replies[0].Replies[0].Post
	if got.URI != answer.URI || got.Record.Text != "Like this." || got.Record.Reply.Root != root || got.Record.Reply.Parent != question {
		t.Errorf("the answer in the thread = %+v", got)
	}

	// The answer is no news for the account itself.
	if again := l.poll(t, page.Cursor); len(again.Messages) != 0 {
		t.Errorf("after answering: %+v", again.Messages)
	}
}

// TestSearch: the AppView of dev-env searches posts by substring (it
// ignores since and sort, which the connector makes up for).
func TestSearch(t *testing.T) {
	t.Parallel()
	l := setupListener(t, "searcher")
	bob := l.net.CreateUser(t, uniqueHandle("needle"))
	term := fmt.Sprintf("gearsneedle%d", time.Now().UnixNano())
	old := bob.Post(t, "Before: "+term)
	l.net.ProcessAll(t)
	page, err := l.conn.Search(ctx(t), l.creds, term, "")
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, page.Messages, []gears.InboundMessage{{RemoteID: old.URI, Kind: gears.KindMatch, Thread: old.URI,
		Post: postRef(old), Reply: gears.ReplyTo{Parent: postRef(old), Root: postRef(old)}, Author: author(bob),
		Text: "Before: " + term, URL: postURL(bob, old)}})

	a := bob.Post(t, "One "+term)
	b := bob.Write(t, pdstest.PostInput{Text: "Two " + term, Parent: &old})
	bob.Post(t, "Unrelated")
	l.net.ProcessAll(t)
	page, err = l.conn.Search(ctx(t), l.creds, term, page.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, page.Messages, []gears.InboundMessage{
		{RemoteID: a.URI, Kind: gears.KindMatch, Thread: a.URI, Post: postRef(a),
			Reply: gears.ReplyTo{Parent: postRef(a), Root: postRef(a)}, Author: author(bob), Text: "One " + term, URL: postURL(bob, a)},
		{RemoteID: b.URI, Kind: gears.KindMatch, Thread: old.URI, Post: postRef(b),
			Reply: gears.ReplyTo{Parent: postRef(b), Root: postRef(old)}, Author: author(bob), Text: "Two " + term, URL: postURL(bob, b)},
	})
	again, err := l.conn.Search(ctx(t), l.creds, term, page.Cursor)
	if err != nil || len(again.Messages) != 0 {
		t.Errorf("a search without news: %+v, %v", again.Messages, err)
	}
}

// TestListenErrors: failures are *gears.RemoteError as for publishing.
func TestListenErrors(t *testing.T) {
	t.Parallel()
	l := setupListener(t, "errs")
	conn, _ := newConnector()
	conn.AppView = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa#bsky_appview" // unknown to the network's PLC
	if _, err := conn.Notifications(ctx(t), l.creds, ""); remoteKind(err) != gears.RemoteRejected {
		t.Errorf("an AppView that does not exist: %v", err)
	}
	conn.AppView = "not a did"
	if _, err := conn.Notifications(ctx(t), l.creds, ""); remoteKind(err) != gears.RemoteRejected || gears.ErrorCode(err) != gears.EINVALID {
		t.Errorf("an invalid AppView: %v", err)
	}
	if _, err := l.conn.Notifications(ctx(t), l.creds, "garbage"); remoteKind(err) != gears.RemoteRejected {
		t.Errorf("an invalid cursor: %v", err)
	}
	wrong := l.creds
	wrong.AccessToken, wrong.RefreshToken, wrong.AppPassword = "x", "y", "aaaa-bbbb-cccc-dddd"
	other, _ := newConnector()
	other.AppView = l.net.Proxy()
	if _, err := other.Notifications(ctx(t), wrong, ""); remoteKind(err) != gears.RemoteAuth {
		t.Errorf("refused credentials: %v", err)
	}
	if _, err := l.conn.Search(ctx(t), l.creds, "  ", ""); remoteKind(err) != gears.RemoteRejected {
		t.Errorf("an empty query: %v", err)
	}
}
