package mastodon_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"gears"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
)

// poll reads notifications after cursor and fails the test on an error.
func poll(t *testing.T, e env, cursor string) gears.Page {
	t.Helper()
	p, err := e.conn.Notifications(testContext(t), e.cr, cursor)
	if err != nil {
		t.Fatalf("notifications after %q: %v", cursor, err)
	}
	return p
}

func search(t *testing.T, e env, query, cursor string) gears.Page {
	t.Helper()
	p, err := e.conn.Search(testContext(t), e.cr, query, cursor)
	if err != nil {
		t.Fatalf("search %q after %q: %v", query, cursor, err)
	}
	return p
}

func kinds(ms []gears.InboundMessage) string {
	var ks []string
	for _, m := range ms {
		ks = append(ks, string(m.Kind))
	}
	return strings.Join(ks, " ")
}

func TestNotificationsMapEveryKind(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	srv, alice := e.srv, e.acct.ID
	bob := srv.AddAccount("bob")
	carol := srv.AddRemoteAccount("carol", "remote.example")
	srv.SetDisplayName(carol.ID, "Carol \u202eliamg\u202c\n<b>C</b>")
	host := strings.TrimPrefix(srv.URL, "http://")

	own := srv.Mention(alice, "Hello world", mastodontest.StatusOptions{})
	mention := srv.Mention(bob.ID, "Hi @alice, what about #Gears?", mastodontest.StatusOptions{Language: "es"})
	reply := srv.Mention(bob.ID, "@alice nice post", mastodontest.StatusOptions{InReplyToID: own.ID})
	side := srv.Mention(carol.ID, "@alice @bob have a look", mastodontest.StatusOptions{InReplyToID: mention.ID, SpoilerText: "long thread"})
	dm := srv.Mention(bob.ID, "@alice can we talk privately?", mastodontest.StatusOptions{Visibility: "direct"})
	private := srv.Mention(bob.ID, "@alice followers only", mastodontest.StatusOptions{Visibility: "private"})
	srv.Reblog(bob.ID, own.ID)
	srv.Favourite(carol.ID, own.ID)
	srv.Follow(carol.ID, alice)
	quote := srv.Mention(bob.ID, "Look at this", mastodontest.StatusOptions{QuoteID: own.ID})

	p := poll(t, e, "")
	want := "mention reply mention direct mention repost favourite follow quote"
	if got := kinds(p.Messages); got != want {
		t.Fatalf("kinds = %q, want %q", got, want)
	}
	ns := srv.Notifications(alice)
	if p.Cursor != ns[len(ns)-1].ID {
		t.Errorf("cursor = %q, want the newest notification %q", p.Cursor, ns[len(ns)-1].ID)
	}
	bobAuthor := gears.RemoteAccount{ID: bob.ID, Handle: "@bob@" + host, DisplayName: "Bob", URL: srv.URL + "/@bob"}
	carolAuthor := gears.RemoteAccount{ID: carol.ID, Handle: "@carol@remote.example", DisplayName: "Carol liamg <b>C</b>", URL: "https://remote.example/@carol"}
	ref := func(id string) gears.PostRef { return gears.PostRef{ID: id} }
	reply2 := func(id, vis string) gears.ReplyTo {
		return gears.ReplyTo{Parent: ref(id), Root: ref(id), Visibility: vis}
	}
	for i, w := range []gears.InboundMessage{
		{RemoteID: mention.ID, Kind: gears.KindMention, Thread: mention.ID, Post: ref(mention.ID), Reply: reply2(mention.ID, ""),
			Author: bobAuthor, Text: "Hi @alice, what about #Gears?", URL: srv.URL + "/@bob/" + mention.ID, Lang: "es"},
		{RemoteID: reply.ID, Kind: gears.KindReply, Thread: own.ID, Post: ref(reply.ID), Reply: reply2(reply.ID, ""),
			Author: bobAuthor, Text: "@alice nice post", URL: srv.URL + "/@bob/" + reply.ID, Lang: "en"},
		{RemoteID: side.ID, Kind: gears.KindMention, Thread: mention.ID, Post: ref(side.ID), Reply: reply2(side.ID, ""),
			Author: carolAuthor, Text: "long thread\n\n@alice @bob have a look", URL: "https://remote.example/@carol/" + side.ID, Lang: "en"},
		{RemoteID: dm.ID, Kind: gears.KindDirect, Thread: "dm:" + dm.ID, Post: ref(dm.ID), Reply: reply2(dm.ID, "direct"),
			Author: bobAuthor, Text: "@alice can we talk privately?", URL: srv.URL + "/@bob/" + dm.ID, Lang: "en"},
		{RemoteID: private.ID, Kind: gears.KindMention, Thread: private.ID, Post: ref(private.ID), Reply: reply2(private.ID, "private"),
			Author: bobAuthor, Text: "@alice followers only", URL: srv.URL + "/@bob/" + private.ID, Lang: "en"},
		{RemoteID: "reblog:" + bob.ID + ":" + own.ID, Kind: gears.KindRepost, Thread: own.ID, Post: ref(own.ID), Reply: reply2(own.ID, ""),
			Author: bobAuthor, Text: "Hello world", URL: srv.URL + "/@alice/" + own.ID, Lang: "en"},
		{RemoteID: "favourite:" + carol.ID + ":" + own.ID, Kind: gears.KindFavourite, Thread: own.ID, Post: ref(own.ID), Reply: reply2(own.ID, ""),
			Author: carolAuthor, Text: "Hello world", URL: srv.URL + "/@alice/" + own.ID, Lang: "en"},
		{RemoteID: "follow:" + carol.ID, Kind: gears.KindFollow, Thread: "follow:" + carol.ID, Author: carolAuthor, URL: "https://remote.example/@carol"},
		{RemoteID: quote.ID, Kind: gears.KindQuote, Thread: own.ID, Post: ref(quote.ID), Reply: reply2(quote.ID, ""),
			Author: bobAuthor, Text: "Look at this", URL: srv.URL + "/@bob/" + quote.ID, Lang: "en"},
	} {
		got := p.Messages[i]
		if got.CreatedAt.IsZero() || time.Since(got.CreatedAt) > time.Minute {
			t.Errorf("%d %s: created at %s", i, got.Kind, got.CreatedAt)
		}
		got.CreatedAt = time.Time{}
		if got != w {
			t.Errorf("%d %s:\n got %+v\nwant %+v", i, w.Kind, got, w)
		}
	}
	// Activity is dated by the notification, not by the post acted on.
	old := srv.Mention(alice, "An old post", mastodontest.StatusOptions{At: time.Now().Add(-48 * time.Hour)})
	srv.Favourite(bob.ID, old.ID)
	p = poll(t, e, p.Cursor)
	if len(p.Messages) != 1 || time.Since(p.Messages[0].CreatedAt) > time.Minute {
		t.Errorf("favourite of an old post: %+v", p.Messages)
	}
}

// TestNotificationsCursor: the first poll reads the newest page only;
// later polls read what is new, once.
func TestNotificationsCursor(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	bob := e.srv.AddAccount("bob")
	for i := range 50 {
		e.srv.Mention(bob.ID, fmt.Sprintf("@alice history %d", i), mastodontest.StatusOptions{})
	}
	p := poll(t, e, "")
	if len(p.Messages) != 40 || p.Messages[0].Text != "@alice history 10" || p.Messages[39].Text != "@alice history 49" {
		t.Fatalf("first poll: %d messages, %q … %q", len(p.Messages), p.Messages[0].Text, p.Messages[len(p.Messages)-1].Text)
	}
	if n := e.srv.Requests("GET /api/v1/notifications"); n != 1 {
		t.Errorf("first poll made %d requests, want 1", n)
	}
	seen := map[string]bool{}
	for _, m := range p.Messages {
		seen[m.RemoteID] = true
	}
	cursor := p.Cursor
	if p := poll(t, e, cursor); len(p.Messages) != 0 || p.Cursor != cursor {
		t.Fatalf("nothing new: %d messages, cursor %q → %q", len(p.Messages), cursor, p.Cursor)
	}
	for round := range 3 {
		for i := range 3 {
			e.srv.Mention(bob.ID, fmt.Sprintf("@alice new %d.%d", round, i), mastodontest.StatusOptions{})
		}
		p := poll(t, e, cursor)
		if got := len(p.Messages); got != 3 || p.Messages[0].Text != fmt.Sprintf("@alice new %d.0", round) {
			t.Fatalf("round %d: %d messages %+v", round, got, p.Messages)
		}
		for _, m := range p.Messages {
			if seen[m.RemoteID] {
				t.Errorf("round %d: %s read twice", round, m.RemoteID)
			}
			seen[m.RemoteID] = true
		}
		cursor = p.Cursor
		if p := poll(t, e, cursor); len(p.Messages) != 0 {
			t.Errorf("round %d: read again: %+v", round, p.Messages)
		}
	}
	// Nothing yet: the cursor is "0", and all that comes later is read.
	f := setup(t, mastodontest.Config{}, nil)
	p = poll(t, f, "")
	if len(p.Messages) != 0 || p.Cursor != "0" {
		t.Fatalf("empty account: %+v", p)
	}
	carol := f.srv.AddAccount("carol")
	for i := range 50 {
		f.srv.Mention(carol.ID, fmt.Sprintf("@alice burst %d", i), mastodontest.StatusOptions{})
	}
	if p := poll(t, f, p.Cursor); len(p.Messages) != 50 || p.Messages[0].Text != "@alice burst 0" {
		t.Errorf("burst after an empty start: %d messages", len(p.Messages))
	}
}

// TestNotificationsBacklog: 300 notifications arrive between two polls
// (their IDs growing from one digit to three); they are drained over
// several polls of at most ReadPages requests, in order, none missing,
// none doubled.
func TestNotificationsBacklog(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	bob := e.srv.AddAccount("bob")
	e.srv.Mention(bob.ID, "@alice first", mastodontest.StatusOptions{})
	cursor := poll(t, e, "").Cursor
	if cursor != "1" {
		t.Fatalf("cursor %q", cursor)
	}
	var want []string
	for i := range 300 {
		want = append(want, e.srv.Mention(bob.ID, fmt.Sprintf("@alice backlog %d", i), mastodontest.StatusOptions{}).ID)
	}
	var got []string
	var sizes []int
	for range 10 {
		before := e.srv.Requests("GET /api/v1/notifications")
		p := poll(t, e, cursor)
		if n := e.srv.Requests("GET /api/v1/notifications") - before; n > 5 {
			t.Errorf("one poll made %d requests", n)
		}
		sizes = append(sizes, len(p.Messages))
		for _, m := range p.Messages {
			got = append(got, m.RemoteID)
		}
		if len(p.Messages) == 0 {
			break
		}
		cursor = p.Cursor
	}
	if fmt.Sprint(sizes) != "[200 100 0]" {
		t.Errorf("poll sizes %v, want [200 100 0]", sizes)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("read %d statuses, want the 300 in order", len(got))
	}
	if cursor != "301" {
		t.Errorf("cursor %q, want 301", cursor)
	}
}

func TestDirectMessages(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	bob := e.srv.AddAccount("bob")
	dm := e.srv.Mention(bob.ID, "@alice is my order on its way?", mastodontest.StatusOptions{Visibility: "direct"})
	p := poll(t, e, "")
	if len(p.Messages) != 1 || p.Messages[0].Kind != gears.KindDirect || p.Messages[0].Kind.Stream() != gears.StreamDirect {
		t.Fatalf("messages %+v", p.Messages)
	}
	in := p.Messages[0]
	if in.Thread != "dm:"+dm.ID || in.Reply.Visibility != "direct" || in.Reply.Parent.ID != dm.ID {
		t.Errorf("direct message %+v", in)
	}

	// Alice answers in the same private conversation.
	out := gears.OutgoingPost{Text: "@bob it left this morning", Key: "k-dm", Reply: &in.Reply}
	pub, err := e.conn.Publish(testContext(t), e.cr, out)
	if err != nil {
		t.Fatal(err)
	}
	sts := e.srv.Statuses(e.acct.ID)
	if len(sts) != 1 || sts[0].ID != pub.RemoteID || sts[0].InReplyToID != dm.ID || sts[0].Visibility != "direct" ||
		sts[0].ConversationID != dm.ConversationID {
		t.Fatalf("reply = %+v", sts)
	}
	if ns := e.srv.Notifications(bob.ID); len(ns) != 1 || ns[0].StatusID != pub.RemoteID || ns[0].Type != "mention" {
		t.Errorf("bob's notifications %+v", ns)
	}

	// Bob answers the answer: a direct reply to Alice's status.
	back := e.srv.Mention(bob.ID, "@alice thanks!", mastodontest.StatusOptions{Visibility: "direct", InReplyToID: pub.RemoteID})
	p = poll(t, e, p.Cursor)
	if len(p.Messages) != 1 || p.Messages[0].Kind != gears.KindDirect || p.Messages[0].RemoteID != back.ID ||
		p.Messages[0].Thread != "dm:"+pub.RemoteID {
		t.Errorf("answer %+v", p.Messages)
	}
}

func TestReplies(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, noKeepAlive())
	ctx := testContext(t)
	bob := e.srv.AddAccount("bob")
	q1 := e.srv.Mention(bob.ID, "@alice do you ship to Spain?", mastodontest.StatusOptions{})
	q2 := e.srv.Mention(bob.ID, "@alice and to Portugal?", mastodontest.StatusOptions{})
	p := poll(t, e, "")
	if len(p.Messages) != 2 {
		t.Fatalf("messages %+v", p.Messages)
	}

	// A public reply: in_reply_to_id set, visibility public.
	pub, err := e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: "@bob Thanks!", Key: "k1", Reply: &p.Messages[0].Reply})
	if err != nil {
		t.Fatal(err)
	}
	sts := e.srv.Statuses(e.acct.ID)
	if len(sts) != 1 || sts[0].InReplyToID != q1.ID || sts[0].InReplyToAccountID != bob.ID || sts[0].Visibility != "public" {
		t.Fatalf("reply %+v", sts)
	}

	// The same words to the other question: the answer to the first does
	// not pass for it.
	since := time.Now().Add(-time.Minute)
	other := gears.OutgoingPost{Text: "@bob Thanks!", Key: "k2", Reply: &p.Messages[1].Reply}
	if _, err := e.conn.FindPublished(ctx, e.cr, other, since); err != gears.ErrNotFound {
		t.Fatalf("find before publishing: %v", err)
	}
	first := gears.OutgoingPost{Text: "@bob Thanks!", Key: "k1", Reply: &p.Messages[0].Reply}
	if found, err := e.conn.FindPublished(ctx, e.cr, first, since); err != nil || found.RemoteID != pub.RemoteID {
		t.Fatalf("find the first reply: %+v, %v", found, err)
	}
	if _, err := e.conn.FindPublished(ctx, e.cr, gears.OutgoingPost{Text: "@bob Thanks!", Key: "k0"}, since); err != gears.ErrNotFound {
		t.Fatalf("a post that is not a reply matched a reply: %v", err)
	}

	// The answer whose outcome is unknown is found by reconciliation.
	e.srv.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenDrop: true})
	_, err = e.conn.Publish(ctx, e.cr, other)
	remote(t, err, gears.RemoteUnknown)
	found, err := e.conn.FindPublished(ctx, e.cr, other, since)
	if err != nil {
		t.Fatal(err)
	}
	if sts := e.srv.Statuses(e.acct.ID); len(sts) != 2 || sts[1].ID != found.RemoteID || sts[1].InReplyToID != q2.ID {
		t.Errorf("found %+v among %+v", found, sts)
	}

	// Refused before sending, and by the server.
	posts := e.srv.Requests("POST /api/v1/statuses")
	_, err = e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: "x", Key: "k3", Reply: &gears.ReplyTo{Parent: gears.PostRef{ID: q1.ID}, Visibility: "secret"}})
	remote(t, err, gears.RemoteRejected)
	_, err = e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: "x", Key: "k4", Reply: &gears.ReplyTo{}})
	remote(t, err, gears.RemoteRejected)
	if n := e.srv.Requests("POST /api/v1/statuses"); n != posts {
		t.Errorf("%d requests sent for invalid replies", n-posts)
	}
	_, err = e.conn.Publish(ctx, e.cr, gears.OutgoingPost{Text: "x", Key: "k5", Reply: &gears.ReplyTo{Parent: gears.PostRef{ID: "999"}}})
	if re := remote(t, err, gears.RemoteRejected); re.Status != 404 {
		t.Errorf("reply to a missing status: %+v", re)
	}
}

func TestHostileContent(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	bob := e.srv.AddAccount("bob")
	at := []string{e.acct.ID}
	e.srv.AddRawStatus(bob.ID, `<p>Hi <script>alert(1)</script><img src=x onerror="alert(2)">there &amp;amp; &lt;b&gt;you&lt;/b&gt; &#x1F600;</p>`+
		`<p><a href="javascript:alert(3)" onclick='x()' title="a>b">link</a><style>p{color:red}</style><!-- <script>c()</script> -->`+
		`<svg onload=alert(4)><text>svg</text></svg>second<br/>line<iframe src="https://evil.example">frame</iframe></p>`+
		"<p>\u202eevil\u202c\x00 spaced     out\t\t<x onmouseover=alert(5)>tail 1 < 2",
		mastodontest.StatusOptions{Mentions: at})
	e.srv.AddRawStatus(bob.ID, "<p>"+strings.Repeat("long text ", 20000)+"</p>", mastodontest.StatusOptions{Mentions: at})
	e.srv.AddRawStatus(bob.ID, `<p><a href="https://shop.example/a" class="u-url"><span class="invisible">https://</span><span class="ellipsis">shop.example/a/very/long/p</span><span class="invisible">ath?x=1</span></a></p>`,
		mastodontest.StatusOptions{Mentions: at})
	p := poll(t, e, "")
	if len(p.Messages) != 3 {
		t.Fatalf("%d messages", len(p.Messages))
	}
	want := "Hi there &amp; <b>you</b> 😀\n\nlinksecond\nline\n\nevil spaced out tail 1 < 2"
	if got := p.Messages[0].Text; got != want {
		t.Errorf("text\n got %q\nwant %q", got, want)
	}
	for _, bad := range []string{"alert", "script", "onerror", "javascript", "color:red", "svg", "frame", "\u202e", "\x00"} {
		if strings.Contains(p.Messages[0].Text, bad) {
			t.Errorf("text keeps %q", bad)
		}
	}
	if n := utf8.RuneCountInString(p.Messages[1].Text); n > mastodon.MaxTextLength+1 || n < mastodon.MaxTextLength-10 || !strings.HasSuffix(p.Messages[1].Text, "…") {
		t.Errorf("long text: %d characters", n)
	}
	if got := p.Messages[2].Text; got != "https://shop.example/a/very/long/path?x=1" {
		t.Errorf("shortened link reads %q", got)
	}
}

// TestHostileNotifications: a server answering with dangerous or broken
// entities gets no markup or script URL through, and one bad item does not
// stop the others.
func TestHostileNotifications(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	now := time.Now().UTC().Format(time.RFC3339)
	body := `[
	 {"id":"12","type":"mention","created_at":"` + now + `","account":{"id":"7","acct":"evil@bad.example","display_name":"<img src=x onerror=alert(1)>\u202eEvil\n","url":"javascript:alert(1)"},
	  "status":{"id":"500","created_at":"` + now + `","url":"data:text/html,<script>alert(2)</script>","visibility":"public","language":"en\"><script>",
	            "content":"<p>hey</p>","account":{"id":"7","acct":"evil@bad.example"}}},
	 {"id":"11","type":"mention","created_at":"not a time","account":{"id":"7"},"status":{"id":"499"}},
	 {"id":"../10","type":"follow","created_at":"` + now + `","account":{"id":"8","acct":"x"}},
	 {"id":"9","type":"follow","created_at":"` + now + `","account":{"id":"../../admin","acct":"x"}},
	 {"id":"8","type":"admin.report","created_at":"` + now + `","account":{"id":"8","acct":"x"}},
	 {"id":"7","type":"reblog","created_at":"` + now + `","account":{"id":"8","acct":"x"},"status":null},
	 {"id":"6","type":"follow","created_at":"` + now + `","account":{"id":"8","acct":"friend","url":"https://ok.example/@friend"}}
	]`
	e.srv.Inject("GET /api/v1/notifications", 1, mastodontest.Fault{Status: 200, Body: body})
	p := poll(t, e, "5")
	if len(p.Messages) != 2 || p.Cursor != "12" {
		t.Fatalf("cursor %q, messages %+v", p.Cursor, p.Messages)
	}
	follow, m := p.Messages[0], p.Messages[1]
	if follow.Kind != gears.KindFollow || follow.URL != "https://ok.example/@friend" {
		t.Errorf("follow %+v", follow)
	}
	if m.URL != "" || m.Author.URL != "" || m.Lang != "" || m.Text != "hey" ||
		m.Author.DisplayName != "<img src=x onerror=alert(1)>Evil" || m.Author.Handle != "@evil@bad.example" {
		t.Errorf("message %+v", m)
	}
}

func TestSearchHashtag(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	e.conn.ReadPages = 2
	dave := e.srv.AddAccount("dave")
	for i := range 45 {
		e.srv.Mention(dave.ID, fmt.Sprintf("old #Gears %d", i), mastodontest.StatusOptions{})
	}
	if p := search(t, e, "#nothing", ""); len(p.Messages) != 0 || p.Cursor != "0" {
		t.Errorf("empty hashtag: %+v", p)
	}
	if p := search(t, e, "nothing", ""); len(p.Messages) != 0 || p.Cursor != "0" {
		t.Errorf("empty search: %+v", p)
	}
	p := search(t, e, "#gears", "")
	if len(p.Messages) != 40 || p.Messages[0].Text != "old #Gears 5" || p.Messages[0].Kind != gears.KindMatch ||
		p.Messages[0].Kind.Stream() != gears.StreamListening {
		t.Fatalf("first read: %d, first %+v", len(p.Messages), p.Messages[0])
	}
	cursor := p.Cursor
	parent := e.srv.Mention(dave.ID, "a thread", mastodontest.StatusOptions{})
	e.srv.Mention(e.acct.ID, "my own #gears post", mastodontest.StatusOptions{})
	e.srv.Mention(dave.ID, "not public #gears", mastodontest.StatusOptions{Visibility: "unlisted"})
	e.srv.Mention(dave.ID, "other #tag", mastodontest.StatusOptions{})
	r := e.srv.Mention(dave.ID, "answer #GEARS", mastodontest.StatusOptions{InReplyToID: parent.ID})
	p = search(t, e, "#GEARS", cursor)
	if len(p.Messages) != 1 || p.Messages[0].RemoteID != r.ID || p.Messages[0].Thread != parent.ID || p.Messages[0].Author.ID != dave.ID {
		t.Fatalf("new: %+v", p.Messages)
	}
	cursor = p.Cursor
	if p := search(t, e, "#gears", cursor); len(p.Messages) != 0 {
		t.Errorf("read twice: %+v", p.Messages)
	}
	// A backlog of 100 with 2 pages a read: 80, then 20.
	for i := range 100 {
		e.srv.Mention(dave.ID, fmt.Sprintf("busy #gears %d", i), mastodontest.StatusOptions{})
	}
	var got []string
	for _, want := range []int{80, 20, 0} {
		p := search(t, e, "#gears", cursor)
		if len(p.Messages) != want {
			t.Fatalf("read %d, want %d", len(p.Messages), want)
		}
		for _, m := range p.Messages {
			got = append(got, m.Text)
		}
		cursor = p.Cursor
	}
	if got[0] != "busy #gears 0" || got[99] != "busy #gears 99" {
		t.Errorf("order %q … %q", got[0], got[99])
	}
}

func TestSearchKeyword(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	e.conn.ReadPages = 2
	dave := e.srv.AddAccount("dave")
	for i := range 45 {
		e.srv.Mention(dave.ID, fmt.Sprintf("Old Coffee talk %d", i), mastodontest.StatusOptions{})
	}
	e.srv.Mention(dave.ID, "tea only", mastodontest.StatusOptions{})
	p := search(t, e, "coffee", "")
	if len(p.Messages) != 40 || p.Messages[0].Text != "Old Coffee talk 5" || p.Messages[39].Text != "Old Coffee talk 44" {
		t.Fatalf("first read: %d", len(p.Messages))
	}
	cursor := p.Cursor
	// The server returns the cursor's status and the others of its second
	// again: they are not read twice.
	if p := search(t, e, "coffee", cursor); len(p.Messages) != 0 || p.Cursor != cursor {
		t.Fatalf("read again: %d messages, cursor %q", len(p.Messages), p.Cursor)
	}
	e.srv.Mention(e.acct.ID, "my own coffee", mastodontest.StatusOptions{})
	e.srv.Mention(dave.ID, "private coffee @alice", mastodontest.StatusOptions{Visibility: "private"})
	var want []string
	for i := range 60 {
		want = append(want, e.srv.Mention(dave.ID, fmt.Sprintf("coffee news %d", i), mastodontest.StatusOptions{}).ID)
	}
	before := e.srv.Requests("GET /api/v2/search")
	p = search(t, e, "Coffee", cursor)
	var got []string
	for _, m := range p.Messages {
		got = append(got, m.RemoteID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("read %d of 60", len(got))
	}
	if n := e.srv.Requests("GET /api/v2/search") - before; n > 2 {
		t.Errorf("%d searches in one read, want at most 2", n)
	}
	// More than two pages since the last read: the newest 80 are read and
	// the older surplus skipped, as documented.
	cursor = p.Cursor
	for i := range 100 {
		e.srv.Mention(dave.ID, fmt.Sprintf("coffee flood %d", i), mastodontest.StatusOptions{})
	}
	p = search(t, e, "coffee", cursor)
	if len(p.Messages) != 80 || p.Messages[0].Text != "coffee flood 20" || p.Messages[79].Text != "coffee flood 99" {
		t.Errorf("flood: %d, %q", len(p.Messages), p.Messages[0].Text)
	}
}

func TestListenInvalid(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	_, err := e.conn.Notifications(ctx, e.cr, "12&limit=80")
	remote(t, err, gears.RemoteRejected)
	for q, key := range map[string]string{"#two words": "mastodon.hashtag_invalid", "#": "mastodon.hashtag_invalid", "  ": "mastodon.query_invalid"} {
		_, err := e.conn.Search(ctx, e.cr, q, "")
		remote(t, err, gears.RemoteRejected)
		var ge *gears.Error
		if !errors.As(err, &ge) || ge.Key != key {
			t.Errorf("%q: %v", q, err)
		}
	}
	if n := e.srv.Requests("GET /api/v1/accounts/verify_credentials"); n != 0 {
		t.Errorf("%d requests for invalid reads", n)
	}
}

// TestListenErrors: the reads fail as Publish does, and keep the quota.
func TestListenErrors(t *testing.T) {
	t.Parallel()
	reads := map[string]func(e env) error{
		"GET /api/v1/notifications": func(e env) error {
			_, err := e.conn.Notifications(context.Background(), e.cr, "")
			return err
		},
		"GET /api/v1/timelines/tag/": func(e env) error {
			_, err := e.conn.Search(context.Background(), e.cr, "#gears", "")
			return err
		},
		"GET /api/v2/search": func(e env) error {
			_, err := e.conn.Search(context.Background(), e.cr, "gears", "")
			return err
		},
	}
	for pattern, read := range reads {
		t.Run(strings.ReplaceAll(pattern, "/", "_"), func(t *testing.T) {
			t.Parallel()
			for _, tt := range []struct {
				fault mastodontest.Fault
				kind  gears.RemoteErrorKind
			}{
				{mastodontest.Fault{Status: 401, Body: `{"error":"The access token is invalid"}`}, gears.RemoteAuth},
				{mastodontest.Fault{Status: 403, Body: `{"error":"This action is outside the authorized scopes"}`}, gears.RemoteAuth},
				{mastodontest.Fault{Status: 500}, gears.RemoteTemporary},
				{mastodontest.Fault{Status: 503, Body: "<html>down</html>"}, gears.RemoteTemporary},
				{mastodontest.Fault{Status: 429, Header: http.Header{"Retry-After": {"9"}}}, gears.RemoteRateLimited},
				{mastodontest.Fault{Status: 200, Body: `{"oops":`}, gears.RemoteTemporary},
				{mastodontest.Fault{Drop: true}, gears.RemoteTemporary},
			} {
				// Without keep-alive: net/http would replay a GET dropped
				// on a reused connection.
				e := setup(t, mastodontest.Config{}, noKeepAlive())
				e.srv.Inject(pattern, 1, tt.fault)
				re := remote(t, read(e), tt.kind)
				if tt.fault.Status != 0 && tt.fault.Status != 200 && re.Status != tt.fault.Status {
					t.Errorf("%d: status %d", tt.fault.Status, re.Status)
				}
				if tt.kind == gears.RemoteRateLimited && re.RetryAfter != 9*time.Second {
					t.Errorf("retry after %s", re.RetryAfter)
				}
			}
			// The quota follows these reads too.
			e := setup(t, mastodontest.Config{RateLimit: 4, RateWindow: wholeWindow}, nil)
			if err := read(e); err != nil {
				t.Fatal(err)
			}
			if rem, reset, ok := e.conn.Quota(e.cr); !ok || rem != 2 || reset.Before(time.Now()) {
				t.Errorf("quota %d %s %v after verify and one read", rem, reset, ok)
			}
			for range 2 {
				if err := read(e); err != nil {
					t.Fatal(err)
				}
			}
			re := remote(t, read(e), gears.RemoteRateLimited)
			var rl *mastodon.RateLimit
			if !errors.As(re, &rl) || rl.Remaining != 0 {
				t.Errorf("rate limit in error %+v", rl)
			}
		})
	}
}

// failNth answers 503 to the nth request whose path is path.
type failNth struct {
	path  string
	n     int32
	count atomic.Int32
	next  http.Transport
}

func (f *failNth) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == f.path && f.count.Add(1) == f.n {
		return &http.Response{StatusCode: 503, Status: "503 Service Unavailable", Header: http.Header{},
			Body: io.NopCloser(strings.NewReader("down")), Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

// TestNotificationsPartial: a failure after the first page returns the
// pages read, and the next poll goes on from them.
func TestNotificationsPartial(t *testing.T) {
	t.Parallel()
	tr := &failNth{path: "/api/v1/notifications", n: 3, next: http.Transport{DisableKeepAlives: true}}
	e := setup(t, mastodontest.Config{}, &http.Client{Timeout: 5 * time.Second, Transport: tr})
	bob := e.srv.AddAccount("bob")
	e.srv.Mention(bob.ID, "@alice hello", mastodontest.StatusOptions{})
	cursor := poll(t, e, "").Cursor // request 1
	for i := range 100 {
		e.srv.Mention(bob.ID, fmt.Sprintf("@alice %d", i), mastodontest.StatusOptions{})
	}
	p := poll(t, e, cursor) // requests 2 (40), 3 (fails)
	if len(p.Messages) != 40 || p.Messages[39].Text != "@alice 39" {
		t.Fatalf("partial read: %d", len(p.Messages))
	}
	p = poll(t, e, p.Cursor)
	if len(p.Messages) != 60 || p.Messages[0].Text != "@alice 40" {
		t.Fatalf("next read: %d", len(p.Messages))
	}
}

// TestListenScopes: a token granted Scopes may listen; one granted before
// listening existed gets a RemoteAuth error (the account must reconnect).
func TestListenScopes(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	ctx := testContext(t)
	token := func(scopes []string) gears.Credentials {
		const redirect = "https://gears.example/callback"
		app, err := e.conn.RegisterApp(ctx, e.srv.URL, "Gears", redirect, scopes)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := mastodon.AuthorizeURL(e.srv.URL, app.ClientID, redirect, scopes, "s")
		browser := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := browser.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		tok, err := e.conn.ExchangeCode(ctx, e.srv.URL, app.ClientID, app.ClientSecret, redirect, loc.Query().Get("code"))
		if err != nil {
			t.Fatal(err)
		}
		return gears.Credentials{Server: e.srv.URL, AccessToken: tok}
	}
	cr := token(mastodon.Scopes)
	if _, err := e.conn.Notifications(ctx, cr, ""); err != nil {
		t.Error(err)
	}
	if _, err := e.conn.Search(ctx, cr, "gears", ""); err != nil {
		t.Error(err)
	}
	old := token([]string{"read:accounts", "read:statuses", "write:statuses", "write:media"})
	_, err := e.conn.Notifications(ctx, old, "")
	if re := remote(t, err, gears.RemoteAuth); re.Status != 403 {
		t.Errorf("old token: %+v", re)
	}
}
