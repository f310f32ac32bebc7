package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
)

const (
	bobDID  = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"
	postCID = "bafyreihlqwv53zsg4ppihwvly65h334s4riimsbi62viekyomzq3vgagxu"
)

func bobPost(rkey string) string { return "at://" + bobDID + "/app.bsky.feed.post/" + rkey }

// searchAnswer is an answer of app.bsky.feed.searchPosts as the lexicon
// documents it: postViews with their author, record and indexedAt.
func searchAnswer(cursor string, posts ...string) string {
	return fmt.Sprintf(`{"posts":[%s],"cursor":%q,"hitsTotal":%d}`, strings.Join(posts, ","), cursor, len(posts))
}

func postViewJSON(rkey, text, indexedAt string) string {
	return fmt.Sprintf(`{"uri":%q,"cid":%q,"author":{"did":%q,"handle":"bob.example.com","displayName":"Bob","avatar":"https://cdn.example/a.jpg","labels":[]},
		"record":{"$type":"app.bsky.feed.post","text":%q,"createdAt":%q,"langs":["pt-BR"]},
		"replyCount":0,"repostCount":0,"likeCount":0,"quoteCount":0,"indexedAt":%q,"labels":[]}`,
		bobPost(rkey), postCID, bobDID, text, indexedAt, indexedAt)
}

// TestSearchRequests: the query, sort, limit, since and atproto-proxy
// the connector sends, pages followed with the cursor, and posts at or
// before the cursor's point left out even when the AppView sends them.
func TestSearchRequests(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var polls []string
	f.on("app.bsky.feed.searchPosts", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		polls = append(polls, q.Get("since")+"|"+q.Get("cursor"))
		if q.Get("q") != "#gears tool" || q.Get("sort") != "latest" || q.Get("limit") != "50" ||
			r.Header.Get("Atproto-Proxy") != DefaultAppView || r.Header.Get("Authorization") != "Bearer access-1" {
			answer(400, `{"error":"InvalidRequest","message":"unexpected request"}`)(w, r)
			return
		}
		switch {
		case q.Get("since") == "":
			answer(200, searchAnswer("next", postViewJSON("3k2", "two", "2026-03-01T10:00:02.000Z"), postViewJSON("3k1", "one", "2026-03-01T10:00:01.000Z")))(w, r)
		case q.Get("cursor") == "":
			// An AppView that ignores since, as dev-env's does.
			answer(200, searchAnswer("p2", postViewJSON("3k4", "<b>four</b>", "2026-03-01T10:00:04.000Z"), postViewJSON("3k3", "three", "2026-03-01T10:00:03.000Z")))(w, r)
		case q.Get("cursor") == "p2":
			answer(200, searchAnswer("p3", postViewJSON("3k2", "two", "2026-03-01T10:00:02.000Z"), postViewJSON("3k1", "one", "2026-03-01T10:00:01.000Z")))(w, r)
		default:
			answer(200, searchAnswer(""))(w, r)
		}
	})
	cn := New(nil)
	page, err := cn.Search(context.Background(), f.creds(), " #gears tool ", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 || page.Messages[0].Text != "one" || page.Messages[1].Text != "two" {
		t.Fatalf("first search: %+v", page.Messages)
	}
	m := page.Messages[1]
	want := gears.InboundMessage{RemoteID: bobPost("3k2"), Kind: gears.KindMatch, Thread: bobPost("3k2"),
		Post: gears.PostRef{ID: bobPost("3k2"), CID: postCID}, Reply: gears.ReplyTo{Parent: gears.PostRef{ID: bobPost("3k2"), CID: postCID}, Root: gears.PostRef{ID: bobPost("3k2"), CID: postCID}},
		Author: gears.RemoteAccount{ID: bobDID, Handle: "@bob.example.com", DisplayName: "Bob", URL: "https://bsky.app/profile/bob.example.com"},
		Text:   "two", URL: "https://bsky.app/profile/bob.example.com/post/3k2", Lang: "pt-BR", CreatedAt: time.Date(2026, 3, 1, 10, 0, 2, 0, time.UTC)}
	if m != want {
		t.Errorf("message:\n got %+v\nwant %+v", m, want)
	}
	page, err = cn.Search(context.Background(), f.creds(), "#gears tool", page.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 || page.Messages[0].Text != "three" || page.Messages[1].Text != "<b>four</b>" {
		t.Fatalf("second search: %+v", page.Messages)
	}
	// The second poll sent since (the oldest post of the first poll, which
	// read one page and so knows nothing older) and read on until the end.
	const since = "2026-03-01T10:00:01.000Z"
	if strings.Join(polls, " ") != "| "+since+"| "+since+"|p2 "+since+"|p3" {
		t.Errorf("requests (since|cursor): %q", polls)
	}

	if _, err := cn.Search(context.Background(), f.creds(), " ", ""); gears.ErrorCode(err) != gears.EINVALID || asRemote(t, err).Kind != gears.RemoteRejected {
		t.Errorf("empty query: %v", err)
	}
}

// notificationsAnswer is an answer of listNotifications.
func notificationsAnswer(items ...string) string {
	return `{"notifications":[` + strings.Join(items, ",") + `],"priority":false}`
}

func notificationJSON(uri, reason, authorDID, handle, record, indexedAt string) string {
	return fmt.Sprintf(`{"uri":%q,"cid":%q,"author":{"did":%q,"handle":%q,"displayName":"B\u0000o\u202eb"},"reason":%q,"record":%s,"isRead":false,"indexedAt":%q,"labels":[]}`,
		uri, postCID, authorDID, handle, reason, record, indexedAt)
}

// TestNotificationShapes: what an AppView may send that Gears cannot use
// is passed over, and what it can is kept as it is.
func TestNotificationShapes(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	good := `{"$type":"app.bsky.feed.post","text":"a\u0000b \ud800 <script>","createdAt":"not a time","langs":["<x>"],"reply":{"root":{"uri":"https://example.com/","cid":"x"},"parent":{"uri":"x","cid":"x"}}}`
	f.on("app.bsky.notification.listNotifications", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Atproto-Proxy") != "did:plc:appview#bsky_appview" {
			answer(400, `{"error":"InvalidRequest"}`)(w, r)
			return
		}
		w.Header().Set("RateLimit-Remaining", "41")
		w.Header().Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(5*time.Minute).Unix(), 10))
		answer(200, notificationsAnswer(
			notificationJSON(bobPost("3k9"), "mention", bobDID, "bob.test", good, "2026-03-01T10:00:09.000Z"),
			notificationJSON(bobPost("3k8"), "mention", "not a did", "x.test", good, "2026-03-01T10:00:08.000Z"),
			notificationJSON(bobPost("3k7"), "mention", bobDID, "bob.test", good, "yesterday"),
			notificationJSON(bobPost("3k6"), "starterpack-joined", bobDID, "bob.test", `{}`, "2026-03-01T10:00:06.000Z"),
			notificationJSON("at://"+bobDID+"/app.bsky.feed.like/3k5", "like", bobDID, "handle.invalid", `{"subject":{"uri":"javascript:alert(1)","cid":"x"}}`, "2026-03-01T10:00:05.000Z"),
			notificationJSON("at://"+bobDID+"/app.bsky.feed.post/../../x", "reply", bobDID, "bob.test", good, "2026-03-01T10:00:04.000Z"),
			notificationJSON("at://"+bobDID+"/app.bsky.graph.follow/3k3", "follow", bobDID, "BOB.Test", `{"subject":"did:plc:x","createdAt":"2026-03-01T09:00:00Z"}`, "2026-03-01T10:00:03.000Z"),
			`{"uri":1}`,
		))(w, r)
	})
	cn := New(nil)
	cn.AppView = "did:plc:appview#bsky_appview"
	page, err := cn.Notifications(context.Background(), f.creds(), "")
	if err == nil {
		t.Fatalf("a list with an entry that is not a notification: %+v", page)
	}
	if re := asRemote(t, err); re.Kind != gears.RemoteTemporary {
		t.Errorf("undecodable answer: %v", err)
	}

	f.on("app.bsky.notification.listNotifications", answer(200, notificationsAnswer(
		notificationJSON(bobPost("3k9"), "mention", bobDID, "bob.test", good, "2026-03-01T10:00:09.000Z"),
		notificationJSON(bobPost("3k8"), "mention", "not a did", "x.test", good, "2026-03-01T10:00:08.000Z"),
		notificationJSON(bobPost("3k7"), "mention", bobDID, "bob.test", good, "yesterday"),
		notificationJSON(bobPost("3k6"), "starterpack-joined", bobDID, "bob.test", `{}`, "2026-03-01T10:00:06.000Z"),
		notificationJSON("at://"+bobDID+"/app.bsky.feed.like/3k5", "like", bobDID, "handle.invalid", `{"subject":{"uri":"javascript:alert(1)","cid":"x"}}`, "2026-03-01T10:00:05.000Z"),
		notificationJSON("at://"+bobDID+"/app.bsky.feed.post/../../x", "reply", bobDID, "bob.test", good, "2026-03-01T10:00:04.000Z"),
		notificationJSON("at://"+bobDID+"/app.bsky.graph.follow/3k3", "follow", bobDID, "BOB.Test", `{"subject":"did:plc:x","createdAt":"2026-03-01T09:00:00Z"}`, "2026-03-01T10:00:03.000Z"),
	)))
	page, err = cn.Notifications(context.Background(), f.creds(), "")
	if err != nil {
		t.Fatal(err)
	}
	bob := gears.RemoteAccount{ID: bobDID, Handle: "@bob.test", DisplayName: "B o b", URL: "https://bsky.app/profile/bob.test"}
	self := gears.PostRef{ID: bobPost("3k9"), CID: postCID}
	want := []gears.InboundMessage{
		{RemoteID: "follow:" + bobDID, Kind: gears.KindFollow, Thread: "follow:" + bobDID, Author: bob, URL: bob.URL,
			CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		{RemoteID: bobPost("3k9"), Kind: gears.KindMention, Thread: bobPost("3k9"), Post: self, Reply: gears.ReplyTo{Parent: self, Root: self},
			Author: bob, Text: "ab \uFFFD <script>", URL: "https://bsky.app/profile/bob.test/post/3k9", CreatedAt: time.Date(2026, 3, 1, 10, 0, 9, 0, time.UTC)},
	}
	if len(page.Messages) != len(want) {
		t.Fatalf("%d messages: %+v", len(page.Messages), page.Messages)
	}
	for i := range want {
		if page.Messages[i] != want[i] {
			t.Errorf("message %d:\n got %+v\nwant %+v", i, page.Messages[i], want[i])
		}
	}
	if page.Cursor == "" {
		t.Error("no cursor")
	}
	if rem, reset, ok := cn.Quota(f.creds()); !ok || rem != 41 || time.Until(reset) < 4*time.Minute {
		t.Errorf("Quota = %d, %v, %v", rem, reset, ok)
	}
}

func TestListenFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		body   string
		want   gears.RemoteErrorKind
	}{
		{502, `{"error":"UpstreamFailure","message":"pipethrough network error"}`, gears.RemoteTemporary},
		{500, `{"error":"InternalServerError"}`, gears.RemoteTemporary},
		{429, `{"error":"RateLimitExceeded"}`, gears.RemoteRateLimited},
		{400, `{"error":"InvalidRequest","message":"could not resolve proxy did service url"}`, gears.RemoteRejected},
		{403, `{"error":"AccountTakedown"}`, gears.RemoteAuth},
		{200, `{"notifications":"no"}`, gears.RemoteTemporary},
		{200, `<html>`, gears.RemoteTemporary},
	}
	for _, tc := range cases {
		f := newFake(t)
		f.on("app.bsky.notification.listNotifications", answer(tc.status, tc.body))
		_, err := New(nil).Notifications(context.Background(), f.creds(), "")
		if re := asRemote(t, err); re.Kind != tc.want {
			t.Errorf("%d %s: %v; want %s", tc.status, tc.body, err, tc.want)
		}
	}

	// An expired session is renewed once, and the read repeated.
	f := newFake(t)
	f.on("app.bsky.notification.listNotifications", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer access-2" {
			answer(400, `{"error":"ExpiredToken","message":"Token has expired"}`)(w, r)
			return
		}
		answer(200, notificationsAnswer())(w, r)
	})
	cn := New(nil)
	if _, err := cn.Notifications(context.Background(), f.creds(), ""); err != nil {
		t.Fatal(err)
	}
	if n := f.count("com.atproto.server.refreshSession"); n != 1 {
		t.Errorf("%d refreshes", n)
	}
	if fresh, changed := cn.Refreshed(f.creds()); !changed || fresh.AccessToken != "access-2" {
		t.Errorf("Refreshed = %+v, %v", fresh, changed)
	}

	for _, bad := range []string{"did:web:api.bsky.app", "x#bsky_appview", "did:web:a#b c", "did:web:a#"} {
		cn := New(nil)
		cn.AppView = bad
		_, err := cn.Notifications(context.Background(), f.creds(), "")
		if asRemote(t, err).Kind != gears.RemoteRejected || gears.AsError(err).Key != "bluesky.appview_invalid" {
			t.Errorf("AppView %q: %v", bad, err)
		}
	}
}

func TestPublishReplyRecord(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var record map[string]any
	f.on("com.atproto.repo.createRecord", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Repo, Rkey string
			Record     map[string]any
		}
		_ = json.NewDecoder(r.Body).Decode(&in)
		record = in.Record
		answer(200, fmt.Sprintf(`{"uri":"at://%s/app.bsky.feed.post/%s","cid":"bafy"}`, in.Repo, in.Rkey))(w, r)
	})
	parent := gears.PostRef{ID: bobPost("3kparent"), CID: postCID}
	root := gears.PostRef{ID: bobPost("3kroot"), CID: "bafyreiroot"}
	cn := New(nil)
	if _, err := cn.Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "yes", Key: NewKey(), Reply: &gears.ReplyTo{Parent: parent, Root: root}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"root": map[string]any{"uri": root.ID, "cid": root.CID}, "parent": map[string]any{"uri": parent.ID, "cid": parent.CID}}
	if got, _ := json.Marshal(record["reply"]); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("reply = %s", got)
	}
	// Without a root, the parent is the root.
	if _, err := cn.Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "yes", Key: NewKey(), Reply: &gears.ReplyTo{Parent: parent}}); err != nil {
		t.Fatal(err)
	}
	if reply, _ := record["reply"].(map[string]any); fmt.Sprint(reply["root"]) != fmt.Sprint(reply["parent"]) {
		t.Errorf("reply = %v", reply)
	}

	calls := f.count("com.atproto.repo.createRecord")
	for _, bad := range []gears.ReplyTo{
		{Parent: gears.PostRef{ID: "109876543210", CID: ""}}, // a Mastodon status
		{Parent: gears.PostRef{ID: bobPost("3k"), CID: "bafy/../x"}},
		{Parent: parent, Root: gears.PostRef{ID: "at://" + bobDID + "/app.bsky.feed.like/3k", CID: postCID}},
	} {
		_, err := cn.Publish(context.Background(), f.creds(), gears.OutgoingPost{Text: "no", Key: NewKey(), Reply: &bad})
		if asRemote(t, err).Kind != gears.RemoteRejected || gears.AsError(err).Key != "bluesky.reply_invalid" {
			t.Errorf("reply to %+v: %v", bad, err)
		}
	}
	if f.count("com.atproto.repo.createRecord") != calls {
		t.Error("an invalid reply was sent")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestValidators(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"en": true, "pt-BR": true, "zh-Hant-TW": true, "x": false, "<x>": false, "en--US": false, "": false, "en_US": false} {
		if validLang(s) != want {
			t.Errorf("validLang(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"bob.test": true, "a.b.example.com": true, "bob": false, "-bob.test": false, "bob.1x": false,
		"handle.invalid": false, "bob..test": false, "b<b.test": false, "BOB.test": false} {
		if validHandle(s) != want {
			t.Errorf("validHandle(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{bobPost("3k2"): true, bobPost("self"): true, bobPost(".."): false, bobPost("a/b"): false,
		"at://bob.test/app.bsky.feed.post/3k": false, "at://" + bobDID + "/app.bsky.feed.like/3k": false, "https://bsky.app/": false} {
		if _, _, ok := parsePostURI(s); ok != want {
			t.Errorf("parsePostURI(%q) = %v", s, ok)
		}
	}
	if got := plainText("a\x00b\xffc"); got != "ab\uFFFDc" {
		t.Errorf("plainText = %q", got)
	}
}
