package mastodontest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gears/mastodon/mastodontest"
)

// list GETs path and decodes a JSON array of objects.
func (c client) list(path string) (*http.Response, []map[string]any) {
	c.t.Helper()
	resp, b := c.do("GET", path, nil, "", nil)
	var v []map[string]any
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(b, &v); err != nil {
			c.t.Fatalf("%s: %v: %s", path, err, b)
		}
	}
	return resp, v
}

func ids(v []map[string]any) string {
	var out []string
	for _, m := range v {
		out = append(out, m["id"].(string))
	}
	return strings.Join(out, " ")
}

// links returns the paths of the Link header by rel.
func links(t *testing.T, srv *mastodontest.Server, resp *http.Response) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, part := range strings.Split(resp.Header.Get("Link"), ", ") {
		u, rel, ok := strings.Cut(part, ">; rel=")
		if !ok {
			t.Fatalf("Link = %q", resp.Header.Get("Link"))
		}
		out[strings.Trim(rel, `"`)] = strings.TrimPrefix(strings.TrimPrefix(u, "<"), srv.URL)
	}
	return out
}

func TestNotificationsEndpoint(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	alice, bob := srv.AddAccount("alice"), srv.AddAccount("bob")
	c := client{t, srv.URL, alice.Token}
	post := srv.Mention(alice.ID, "mine, and @alice mentions herself", mastodontest.StatusOptions{})
	for i := range 5 {
		srv.Mention(bob.ID, fmt.Sprintf("@alice hi %d", i), mastodontest.StatusOptions{})
	}
	srv.Favourite(bob.ID, post.ID)
	srv.Favourite(bob.ID, post.ID) // once only
	srv.Follow(bob.ID, alice.ID)
	srv.Reblog(bob.ID, post.ID)
	if ns := srv.Notifications(alice.ID); len(ns) != 8 || ns[0].ID != "1" || ns[7].Type != "reblog" || ns[7].StatusID != post.ID {
		t.Fatalf("notifications %+v", ns)
	}

	resp, page := c.list("/api/v1/notifications?limit=3")
	if ids(page) != "8 7 6" || page[0]["type"] != "reblog" || page[1]["type"] != "follow" || page[2]["type"] != "favourite" {
		t.Fatalf("newest page %s", ids(page))
	}
	if _, ok := page[1]["status"]; ok {
		t.Error("a follow has a status")
	}
	if st := page[0]["status"].(map[string]any); st["id"] != post.ID || page[0]["account"].(map[string]any)["id"] != bob.ID {
		t.Errorf("reblog %v", page[0])
	}
	l := links(t, srv, resp)
	if l["next"] != "/api/v1/notifications?limit=3&max_id=6" || l["prev"] != "/api/v1/notifications?limit=3&min_id=8" {
		t.Errorf("links %v", l)
	}
	if _, page := c.list(l["next"]); ids(page) != "5 4 3" {
		t.Errorf("next page %s", ids(page))
	}
	if _, page := c.list("/api/v1/notifications?min_id=2&limit=2"); ids(page) != "4 3" {
		t.Errorf("min_id page %s, want the page immediately newer", ids(page))
	}
	if _, page := c.list("/api/v1/notifications?since_id=2&limit=2"); ids(page) != "8 7" {
		t.Errorf("since_id page %s, want the newest", ids(page))
	}
	if _, page := c.list("/api/v1/notifications?min_id=2&max_id=5"); ids(page) != "4 3" {
		t.Errorf("min_id and max_id %s", ids(page))
	}
	resp, page = c.list("/api/v1/notifications?types[]=mention&types[]=follow")
	if ids(page) != "7 5 4 3 2 1" || !strings.Contains(resp.Header.Get("Link"), "types%5B%5D=mention&types%5B%5D=follow") {
		t.Errorf("types: %s, Link %q", ids(page), resp.Header.Get("Link"))
	}
	if _, page := c.list("/api/v1/notifications?exclude_types[]=mention"); ids(page) != "8 7 6" {
		t.Errorf("exclude_types: %s", ids(page))
	}
	if resp, page := c.list("/api/v1/notifications?min_id=8"); len(page) != 0 || resp.Header.Get("Link") != "" {
		t.Errorf("nothing newer: %s, Link %q", ids(page), resp.Header.Get("Link"))
	}
	for range 90 {
		srv.Mention(bob.ID, "@alice again", mastodontest.StatusOptions{})
	}
	for q, want := range map[string]int{"": 40, "?limit=500": 80, "?limit=0": 40, "?limit=x": 40} {
		if _, page := c.list("/api/v1/notifications" + q); len(page) != want {
			t.Errorf("%q: %d notifications, want %d", q, len(page), want)
		}
	}
	if resp, _ := (client{t, srv.URL, "nope"}).list("/api/v1/notifications"); resp.StatusCode != 401 {
		t.Errorf("unknown token: %d", resp.StatusCode)
	}
}

func TestStatusFields(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	alice, bob := srv.AddAccount("alice"), srv.AddAccount("bob")
	carol := srv.AddRemoteAccount("carol", "remote.example")
	secret := srv.Mention(carol.ID, "@bob just between us", mastodontest.StatusOptions{Visibility: "direct"})
	question := srv.Mention(bob.ID, "@alice @carol@remote.example how?", mastodontest.StatusOptions{})
	if len(question.Mentions) != 2 || question.Mentions[1] != carol.ID {
		t.Errorf("mentions %v", question.Mentions)
	}
	c := client{t, srv.URL, alice.Token}
	form := url.Values{"status": {"@bob like this #HowTo"}, "in_reply_to_id": {question.ID}, "visibility": {"direct"}, "language": {"fr"}}
	resp, b := c.do("POST", "/api/v1/statuses", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", nil)
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	ments := st["mentions"].([]any)
	tags := st["tags"].([]any)
	if st["in_reply_to_id"] != question.ID || st["in_reply_to_account_id"] != bob.ID || st["visibility"] != "direct" ||
		st["language"] != "fr" || len(ments) != 1 || ments[0].(map[string]any)["acct"] != "bob" ||
		len(tags) != 1 || tags[0].(map[string]any)["name"] != "howto" {
		t.Errorf("status %s", b)
	}
	if ns := srv.Notifications(bob.ID); len(ns) != 2 || ns[1].Type != "mention" || ns[1].StatusID != st["id"] {
		t.Errorf("bob's notifications %+v", ns)
	}
	if ns := srv.Notifications(carol.ID); len(ns) != 0 {
		t.Errorf("a remote account was notified: %+v", ns)
	}
	for _, id := range []string{"12345", secret.ID} {
		form := url.Values{"status": {"x"}, "in_reply_to_id": {id}}
		resp, b := c.do("POST", "/api/v1/statuses", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", nil)
		if resp.StatusCode != 404 || !strings.Contains(string(b), "does not appear to exist") {
			t.Errorf("reply to %s: %d %s", id, resp.StatusCode, b)
		}
	}
	raw := srv.AddRawStatus(bob.ID, `<p onclick="x()">raw #Tag &amp; <script>1</script></p>`, mastodontest.StatusOptions{Mentions: []string{alice.ID}, Language: "de"})
	_, page := c.list("/api/v1/notifications?limit=1")
	got := page[0]["status"].(map[string]any)
	if got["id"] != raw.ID || got["content"] != `<p onclick="x()">raw #Tag &amp; <script>1</script></p>` || got["language"] != "de" {
		t.Errorf("raw status %v", got)
	}
	if raw.Tags[0] != "tag" {
		t.Errorf("raw status tags %v", raw.Tags)
	}
	q := srv.Mention(bob.ID, "quoting", mastodontest.StatusOptions{QuoteID: raw.ID})
	_, page = (client{t, srv.URL, bob.Token}).list("/api/v1/accounts/" + bob.ID + "/statuses?limit=1")
	if quote, _ := page[0]["quote"].(map[string]any); page[0]["id"] != q.ID || quote["state"] != "accepted" ||
		quote["quoted_status"].(map[string]any)["id"] != raw.ID {
		t.Errorf("quote %v", page[0])
	}
}

func TestAccountStatusesVisibility(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	alice, bob, dave := srv.AddAccount("alice"), srv.AddAccount("bob"), srv.AddAccount("dave")
	pub := srv.Mention(alice.ID, "public", mastodontest.StatusOptions{})
	srv.Mention(alice.ID, "followers", mastodontest.StatusOptions{Visibility: "private"})
	srv.Mention(alice.ID, "@bob direct", mastodontest.StatusOptions{Visibility: "direct"})
	srv.Reblog(alice.ID, srv.Mention(bob.ID, "boost me", mastodontest.StatusOptions{}).ID)
	path := "/api/v1/accounts/" + alice.ID + "/statuses"
	count := func(token, q string) int {
		_, page := (client{t, srv.URL, token}).list(path + q)
		return len(page)
	}
	if n := count(alice.Token, ""); n != 4 {
		t.Errorf("author sees %d", n)
	}
	if n := count(alice.Token, "?exclude_reblogs=true"); n != 3 {
		t.Errorf("without boosts %d", n)
	}
	if n := count("", ""); n != 2 {
		t.Errorf("anonymous sees %d", n)
	}
	if n := count(bob.Token, ""); n != 3 {
		t.Errorf("bob (mentioned) sees %d", n)
	}
	srv.Follow(dave.ID, alice.ID)
	if n := count(dave.Token, ""); n != 3 {
		t.Errorf("dave (follower) sees %d", n)
	}
	if srv.Statuses(alice.ID)[0].ID != pub.ID {
		t.Error("Statuses order")
	}
}

func TestConversations(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	alice, bob, carol := srv.AddAccount("alice"), srv.AddAccount("bob"), srv.AddAccount("carol")
	d1 := srv.Mention(bob.ID, "@alice psst", mastodontest.StatusOptions{Visibility: "direct"})
	d2 := srv.Mention(carol.ID, "@alice hello", mastodontest.StatusOptions{Visibility: "direct"})
	srv.Mention(bob.ID, "@alice public", mastodontest.StatusOptions{})
	c := client{t, srv.URL, alice.Token}
	d3 := srv.Mention(alice.ID, "@bob sure", mastodontest.StatusOptions{Visibility: "direct", InReplyToID: d1.ID})
	if d3.ConversationID != d1.ConversationID || d2.ConversationID == d1.ConversationID {
		t.Fatalf("conversations %s %s %s", d1.ConversationID, d2.ConversationID, d3.ConversationID)
	}
	resp, page := c.list("/api/v1/conversations?limit=1")
	if len(page) != 1 || page[0]["last_status"].(map[string]any)["id"] != d3.ID || page[0]["unread"] != false {
		t.Fatalf("newest conversation %v", page)
	}
	if accts := page[0]["accounts"].([]any); len(accts) != 1 || accts[0].(map[string]any)["id"] != bob.ID {
		t.Errorf("participants %v", accts)
	}
	l := links(t, srv, resp)
	if l["next"] != "/api/v1/conversations?limit=1&max_id="+d3.ID {
		t.Errorf("links %v", l)
	}
	_, page = c.list(l["next"])
	if len(page) != 1 || page[0]["last_status"].(map[string]any)["id"] != d2.ID || page[0]["unread"] != true {
		t.Fatalf("older conversation %v", page)
	}
	id := page[0]["id"].(string)
	if _, page := c.list("/api/v1/conversations?min_id=" + d2.ID); len(page) != 1 {
		t.Errorf("after %s: %d", d2.ID, len(page))
	}
	resp, b := c.do("POST", "/api/v1/conversations/"+id+"/read", nil, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"unread":false`) {
		t.Errorf("read: %d %s", resp.StatusCode, b)
	}
	if resp, _ := (client{t, srv.URL, bob.Token}).do("POST", "/api/v1/conversations/"+id+"/read", nil, "", nil); resp.StatusCode != 404 {
		t.Errorf("another's conversation: %d", resp.StatusCode)
	}
	_, page = (client{t, srv.URL, bob.Token}).list("/api/v1/conversations")
	if len(page) != 1 || page[0]["unread"] != true || page[0]["last_status"].(map[string]any)["id"] != d3.ID {
		t.Errorf("bob's conversations %v", page)
	}
}

func TestTagTimeline(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	alice := srv.AddAccount("alice")
	var want []string
	for i := range 5 {
		want = append(want, srv.Mention(alice.ID, fmt.Sprintf("post %d #GoLang", i), mastodontest.StatusOptions{}).ID)
	}
	srv.Mention(alice.ID, "unlisted #golang", mastodontest.StatusOptions{Visibility: "unlisted"})
	srv.Mention(alice.ID, "other #go", mastodontest.StatusOptions{})
	c := client{t, srv.URL, ""}
	resp, page := c.list("/api/v1/timelines/tag/golang?limit=2")
	if ids(page) != want[4]+" "+want[3] {
		t.Fatalf("newest %s", ids(page))
	}
	if l := links(t, srv, resp); l["next"] != "/api/v1/timelines/tag/golang?limit=2&max_id="+want[3] {
		t.Errorf("links %v", l)
	}
	if _, page := c.list("/api/v1/timelines/tag/GOLANG?limit=2&min_id=" + want[0]); ids(page) != want[2]+" "+want[1] {
		t.Errorf("min_id page %s", ids(page))
	}
	if _, page := c.list("/api/v1/timelines/tag/go?any[]=golang&none[]=nothing"); len(page) != 6 {
		t.Errorf("any: %d", len(page))
	}
	if _, page := c.list("/api/v1/timelines/tag/unknown"); len(page) != 0 {
		t.Errorf("unknown tag: %d", len(page))
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	alice, bob := srv.AddAccount("alice"), srv.AddAccount("bob")
	at := time.Now().Truncate(time.Second).Add(-time.Minute)
	a := srv.Mention(bob.ID, "Coffee and cake", mastodontest.StatusOptions{At: at.Add(100 * time.Millisecond)})
	b := srv.Mention(bob.ID, "more COFFEE", mastodontest.StatusOptions{At: at.Add(200 * time.Millisecond)})
	c := srv.Mention(bob.ID, "coffee later", mastodontest.StatusOptions{At: at.Add(2 * time.Second)})
	srv.Mention(bob.ID, "tea", mastodontest.StatusOptions{At: at.Add(3 * time.Second)})
	srv.Mention(bob.ID, "private coffee", mastodontest.StatusOptions{At: at.Add(4 * time.Second), Visibility: "private"})
	cl := client{t, srv.URL, alice.Token}
	find := func(q string) (int, []map[string]any) {
		resp, body := cl.do("GET", "/api/v2/search?"+q, nil, "", nil)
		var v struct{ Statuses []map[string]any }
		_ = json.Unmarshal(body, &v)
		return resp.StatusCode, v.Statuses
	}
	if code, sts := find("q=coffee&type=statuses"); code != 200 || ids(sts) != c.ID+" "+b.ID+" "+a.ID {
		t.Errorf("search: %d %s", code, ids(sts))
	}
	if _, sts := find("q=coffee+cake"); ids(sts) != a.ID {
		t.Errorf("every word: %s", ids(sts))
	}
	// min_id is "after the second of min_id": a, in b's second, comes back.
	if _, sts := find("q=coffee&min_id=" + b.ID); ids(sts) != c.ID+" "+b.ID+" "+a.ID {
		t.Errorf("min_id: %s", ids(sts))
	}
	if _, sts := find("q=coffee&max_id=" + c.ID); ids(sts) != b.ID+" "+a.ID {
		t.Errorf("max_id: %s", ids(sts))
	}
	if _, sts := find("q=coffee&limit=1&offset=1"); ids(sts) != b.ID {
		t.Errorf("offset: %s", ids(sts))
	}
	srv.Follow(alice.ID, bob.ID)
	if _, sts := find("q=coffee"); len(sts) != 4 {
		t.Errorf("a follower finds %d", len(sts))
	}
	if code, _ := find("q=+"); code != 400 {
		t.Errorf("no q: %d", code)
	}
	anon := client{t, srv.URL, ""}
	if resp, _ := anon.do("GET", "/api/v2/search?q=coffee&offset=20", nil, "", nil); resp.StatusCode != 401 {
		t.Errorf("offset without a token: %d", resp.StatusCode)
	}
	resp, body := anon.do("GET", "/api/v2/search?q=bo&type=accounts", nil, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"acct":"bob"`) || strings.Contains(string(body), `"content"`) {
		t.Errorf("accounts: %d %s", resp.StatusCode, body)
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	srv.AddAccount("alice")
	anon := client{t, srv.URL, ""}
	form := url.Values{"client_name": {"x"}, "redirect_uris": {"https://x.example/cb"}, "scopes": {"read:statuses read:search"}}
	_, b := anon.do("POST", "/api/v1/apps", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", nil)
	var app map[string]any
	_ = json.Unmarshal(b, &app)
	browser := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(srv.URL + "/oauth/authorize?response_type=code&scope=read:statuses+read:search&redirect_uri=https://x.example/cb&client_id=" + app["client_id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	form = url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"https://x.example/cb"},
		"client_id": {app["client_id"].(string)}, "client_secret": {app["client_secret"].(string)}}
	_, b = anon.do("POST", "/oauth/token", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", nil)
	var tok map[string]any
	_ = json.Unmarshal(b, &tok)
	c := client{t, srv.URL, tok["access_token"].(string)}
	if resp, _ := c.do("GET", "/api/v1/notifications", nil, "", nil); resp.StatusCode != 403 {
		t.Errorf("notifications without read:notifications: %d", resp.StatusCode)
	}
	for _, p := range []string{"/api/v2/search?q=x", "/api/v1/conversations"} {
		if resp, _ := c.do("GET", p, nil, "", nil); resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}
