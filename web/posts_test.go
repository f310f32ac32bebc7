package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gears"
	"gears/jobs"
	"gears/mastodon/mastodontest"
	"gears/store"
	"gears/workload"
)

// TestComposeReviewApprove writes a post as an editor, sees the network's
// limit named with the account, sends it for review, and has the client's
// approver approve it; the editor's writing time is logged.
func TestComposeReviewApprove(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	ed := signIn(t, f, "editor")
	base := fmt.Sprintf("/w/%d", f.ws.ID)
	st, body, _ := ed.get(base + "/posts/new")
	if st != 200 || !strings.Contains(body, `name="opened_at"`) || !strings.Contains(body, f.account.Handle) {
		t.Fatalf("composer = %d", st)
	}
	madrid, _ := time.LoadLocation("Europe/Madrid")
	day := time.Now().In(madrid).AddDate(0, 0, 2).Format("2006-01-02")
	form := url.Values{"text": {strings.Repeat("café ", 120)}, "account": {strconv.FormatInt(f.account.ID, 10)},
		"date": {day}, "time": {"10:15"}, "content_type": {"promotion"}, "campaign": {"Autumn"}, "tags": {"coffee, #autumn"},
		"opened_at": {strconv.FormatInt(time.Now().Add(-6*time.Minute).UnixMilli(), 10)}, "action": {"schedule"}}
	st, body, _ = ed.post(base+"/posts", form)
	if st != 400 || !strings.Contains(body, "For "+f.account.Handle) || !strings.Contains(body, "café café") {
		t.Fatalf("too long for Mastodon = %d; the error must name the account and keep the text", st)
	}
	form.Set("text", "Autumn blend: notes of fig & cocoa <b>bold</b>")
	st, _, h := ed.post(base+"/posts", form)
	if st != 303 {
		t.Fatalf("save = %d", st)
	}
	loc := h.Get("Location")
	id, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(loc, "?")[0], base+"/posts/"), 10, 64)
	editorCtx := gears.NewContextWithUser(context.Background(), f.actors["editor"].user)
	post, err := store.NewPostService(f.db, nil).FindPost(editorCtx, f.ws.ID, id)
	if err != nil || post.Status != gears.PostInReview || post.ContentType != gears.ContentPromotion || len(post.Tags) != 2 {
		t.Fatalf("post = %+v, %v", post, err)
	}
	if got := post.ScheduledAt.In(madrid).Format("2006-01-02 15:04"); got != day+" 10:15" {
		t.Errorf("scheduled at %s Madrid time, want %s 10:15", got, day)
	}
	entries, err := store.NewPlanService(f.db).FindTime(editorCtx, f.ws.ID, workload.TimeFilter{})
	if err != nil || len(entries) != 1 || entries[0].ActivityKey != "maintenance.calendar" || entries[0].RefID != id || entries[0].Minutes < 5.9 {
		t.Fatalf("composing time = %+v, %v", entries, err)
	}
	// The calendar shows it, escaped.
	st, body, _ = ed.get(base + "/calendar?date=" + day)
	if st != 200 || !strings.Contains(body, "fig &amp; cocoa &lt;b&gt;bold") || strings.Contains(body, "<b>bold") {
		t.Fatalf("calendar = %d", st)
	}
	// The approver approves; it is scheduled.
	ap := signIn(t, f, "approver")
	ap.get(loc)
	if st, _, _ := ap.post(fmt.Sprintf("%s/posts/%d/approve", base, id), nil); st != 303 {
		t.Fatalf("approve = %d", st)
	}
	post, _ = store.NewPostService(f.db, nil).FindPost(editorCtx, f.ws.ID, id)
	if post.Status != gears.PostScheduled || post.Deliveries[0].Status != gears.DeliveryScheduled {
		t.Fatalf("after approval: %+v", post)
	}
	// Dragging it to another day keeps the time.
	req, _ := http.NewRequest("POST", f.srv.URL+fmt.Sprintf("%s/posts/%d/reschedule", base, id),
		strings.NewReader(url.Values{"date": {time.Now().In(madrid).AddDate(0, 0, 5).Format("2006-01-02")}, "time": {"10:15"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Requested-With", "fetch")
	req.Header.Set("X-CSRF-Token", ed.csrf)
	resp, err := ed.c.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("drag = %v %v", resp, err)
	}
	resp.Body.Close()
	post, _ = store.NewPostService(f.db, nil).FindPost(editorCtx, f.ws.ID, id)
	if got := post.ScheduledAt.In(madrid).Format("15:04"); got != "10:15" || post.Status != gears.PostScheduled {
		t.Errorf("after the drag: %s %s", got, post.Status)
	}
}

func TestPostsAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := f.actors["owner"]
	at := time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)
	body := fmt.Sprintf(`{"text":"API post","account_ids":[%d],"scheduled_at":%q,"variants":{"%d":{"text":"Mastodon's own words"}},"media_ids":[%d],"content_type":"contest"}`,
		f.account.ID, at, f.account.ID, f.picture.ID)
	r := f.api(t, owner, "POST", fmt.Sprintf("/api/v1/workspaces/%d/posts", f.ws.ID), body)
	if r.status != 201 || r.body["status"] != "scheduled" {
		t.Fatalf("create = %d %s", r.status, r.raw)
	}
	id := int64(r.body["id"].(float64))
	r = f.api(t, owner, "GET", fmt.Sprintf("/api/v1/workspaces/%d/posts/%d", f.ws.ID, id), "")
	d := r.body["deliveries"].([]any)[0].(map[string]any)
	for _, k := range []string{"account_id", "status", "remote_id", "remote_url", "error", "attempts"} {
		if _, ok := d[k]; !ok {
			t.Errorf("delivery lacks %q: %s", k, r.raw)
		}
	}
	if r.body["scheduled_at"] == nil || d["status"] != "scheduled" {
		t.Errorf("get = %s", r.raw)
	}
	// Only the fields given change.
	r = f.api(t, owner, "PATCH", fmt.Sprintf("/api/v1/workspaces/%d/posts/%d", f.ws.ID, id), `{"campaign":"Spring"}`)
	if r.status != 200 || r.body["campaign"] != "Spring" || r.body["text"] != "API post" || r.body["content_type"] != "contest" {
		t.Fatalf("patch = %d %s", r.status, r.raw)
	}
	r = f.api(t, owner, "GET", fmt.Sprintf("/api/v1/workspaces/%d/posts?from=%s&network=mastodon", f.ws.ID, url.QueryEscape(time.Now().UTC().Format(time.RFC3339))), "")
	if list := r.body["posts"].([]any); r.status != 200 || len(list) != 3 {
		t.Errorf("calendar list = %d %s", r.status, r.raw)
	}
	for _, bad := range []struct{ body, field string }{
		{fmt.Sprintf(`{"text":"x","account_ids":[%d],"scheduled_at":"yesterday"}`, f.account.ID), "scheduled_at"},
		{`{"text":"x","account_ids":[424242]}`, "account_ids"},
		{fmt.Sprintf(`{"text":"%s","account_ids":[%d]}`, strings.Repeat("x", 501), f.account.ID), "text"},
		{fmt.Sprintf(`{"text":"x","account_ids":[%d],"content_type":"meme"}`, f.account.ID), "content_type"},
	} {
		r := f.api(t, owner, "POST", fmt.Sprintf("/api/v1/workspaces/%d/posts", f.ws.ID), bad.body)
		if code, _ := errorOf(t, r); r.status != 400 || code != "invalid" {
			t.Errorf("%s: %d %s", bad.body, r.status, r.raw)
		} else if e := r.body["error"].(map[string]any); bad.field != "scheduled_at" && e["field"] != bad.field {
			t.Errorf("%s: field %v, want %s", bad.body, e["field"], bad.field)
		}
	}
	// Pause: the calendar says so; publish-now still allowed.
	if r := f.api(t, owner, "POST", fmt.Sprintf("/api/v1/workspaces/%d/publishing/pause", f.ws.ID), ""); r.status != 200 {
		t.Fatalf("pause = %d", r.status)
	}
	b := signIn(t, f, "owner")
	if _, body, _ := b.get(fmt.Sprintf("/w/%d/calendar", f.ws.ID)); !strings.Contains(body, "Publishing is paused") {
		t.Error("the calendar does not say publishing is paused")
	}
	// Connecting with a wrong token: 422, and the form keeps the server.
	r = f.api(t, owner, "POST", fmt.Sprintf("/api/v1/workspaces/%d/accounts", f.ws.ID), fmt.Sprintf(`{"network":"mastodon","server":%q,"access_token":"nope"}`, f.net.server.URL))
	if code, _ := errorOf(t, r); r.status != 422 || code != "unprocessable" {
		t.Errorf("bad credentials = %d %s", r.status, r.raw)
	}
	r = f.api(t, owner, "POST", fmt.Sprintf("/api/v1/workspaces/%d/accounts", f.ws.ID), `{"network":"myspace","handle":"x"}`)
	if r.status != 400 {
		t.Errorf("unknown network = %d", r.status)
	}
}

func TestMediaUploadChecksBytes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	r := f.upload()
	req, _ := http.NewRequest("POST", f.srv.URL+fmt.Sprintf("/api/v1/workspaces/%d/media", f.ws.ID), strings.NewReader(strings.Replace(r, string(f.pngBytes), "<script>alert(1)</script>", 1)))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Authorization", "Bearer "+f.actors["editor"].token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("a script named .png = %d, want 400", resp.StatusCode)
	}
	resp, err = f.client(t, nil).Get(f.srv.URL + fmt.Sprintf("/w/%d/media/%d", f.ws.ID, f.picture.ID))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Errorf("media without signing in = %d", resp.StatusCode)
	}
}

func TestCalendarFeedAndCSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	posts := store.NewPostService(f.db, nil)
	at := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	evil := "=HYPERLINK(\"http://evil.example\");, line one\nline two \\ and a very long text that goes on and on past the seventy-five octet limit of iCalendar lines ☕☕☕"
	if _, err := posts.CreatePost(owner, f.ws.ID, gears.PostInput{Text: evil, AccountIDs: []int64{f.account.ID}, ScheduledAt: &at, Campaign: "Autumn"}); err != nil {
		t.Fatal(err)
	}
	token, err := posts.CalendarFeedToken(owner, f.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(f.srv.URL + "/ical/" + token + ".ics")
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed = %v %v", resp, err)
	}
	var body strings.Builder
	io.Copy(&body, resp.Body)
	resp.Body.Close()
	ics := body.String()
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "DTSTART:" + at.UTC().Format("20060102T150405Z"), `=HYPERLINK("http://evil.example")\;\, line one\nline two \\ and`, "CATEGORIES:Autumn", "END:VCALENDAR\r\n"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("feed lacks %q:\n%s", want, ics)
		}
	}
	for _, l := range strings.Split(ics, "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Errorf("line of %d octets (or broken UTF-8): %q", len(l), l)
		}
	}
	if strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Error("a bare newline in the feed")
	}
	// A wrong or reset secret reads nothing.
	if resp, _ := http.Get(f.srv.URL + "/ical/gcal_wrong-token-wrong-token.ics"); resp.StatusCode != 404 {
		t.Errorf("wrong token = %d", resp.StatusCode)
	}
	if err := posts.ResetCalendarFeed(owner, f.ws.ID); err != nil {
		t.Fatal(err)
	}
	if resp, _ := http.Get(f.srv.URL + "/ical/" + token + ".ics"); resp.StatusCode != 404 {
		t.Errorf("old token after reset = %d", resp.StatusCode)
	}
	// The CSV export: the text cell cannot run as a formula.
	b := signIn(t, f, "analyst")
	st, csvBody, h := b.get(fmt.Sprintf("/w/%d/calendar.csv", f.ws.ID))
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv = %d", st)
	}
	records, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil || len(records) < 3 || records[0][8] != "text" {
		t.Fatalf("csv = %v %v", records, err)
	}
	found := false
	for _, rec := range records[1:] {
		if strings.Contains(rec[8], "HYPERLINK") {
			found = true
			if !strings.HasPrefix(rec[8], "'=") || rec[5] != "Autumn" || rec[2] != at.In(f.ws.Location()).Format("15:04") {
				t.Errorf("row = %q", rec)
			}
		}
	}
	if !found {
		t.Error("the post is not in the CSV")
	}
}

// TestMastodonSignIn connects an account through the instance's own
// sign-in page (OAuth), as a person would from the accounts page.
func TestMastodonSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	accounts := store.NewAccountService(f.db, f.net.vault, f.net.connectors)
	if err := accounts.DisconnectAccount(owner, f.ws.ID, f.account.ID); err != nil {
		t.Fatal(err)
	}
	b := signIn(t, f, "owner")
	b.get(fmt.Sprintf("/w/%d/accounts", f.ws.ID))
	st, _, h := b.post(fmt.Sprintf("/w/%d/accounts/mastodon/authorize", f.ws.ID), url.Values{"server": {f.net.server.URL}})
	to := h.Get("Location")
	if st != 303 || !strings.HasPrefix(to, f.net.server.URL+"/oauth/authorize?") || !strings.Contains(to, "state=") {
		t.Fatalf("authorize = %d %s", st, to)
	}
	// The instance approves and sends the browser back with a code.
	resp, err := b.c.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if back == nil || back.Path != "/oauth/mastodon/callback" || back.Query().Get("code") == "" {
		t.Fatalf("instance answered %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	st, _, h = b.get(back.RequestURI())
	if st != 303 || !strings.Contains(h.Get("Location"), "flash.account_connected") {
		t.Fatalf("callback = %d %s", st, h.Get("Location"))
	}
	list, err := accounts.FindAccounts(owner, f.ws.ID)
	if err != nil || len(list) != 1 || list[0].Status != gears.AccountActive || list[0].Network != gears.Mastodon {
		t.Fatalf("accounts = %+v, %v", list, err)
	}
	// The state works once.
	if st, _, _ := b.get(back.RequestURI()); st != 400 {
		t.Errorf("second use of the state = %d", st)
	}
}

// TestCalendarImport previews a CSV with a bad row (nothing written),
// then imports the corrected file (every row written), and takes an
// export back in.
func TestCalendarImport(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "editor")
	path := fmt.Sprintf("/w/%d/calendar/import", f.ws.ID)
	b.get(path)
	day := time.Now().In(f.ws.Location()).AddDate(0, 0, 4).Format("2006-01-02")
	bad := "date,time,text,accounts,campaign\n" +
		day + ",09:30,First from the file," + f.account.Handle + ",Autumn\n" +
		day + ",25:99,Bad hour," + f.account.Handle + ",\n" +
		day + ",10:00,Nobody's account,mastodon:@ghost@nowhere.example,\n"
	st, body, _ := b.post(path, url.Values{"csv": {bad}})
	if st != 400 || strings.Count(body, `class="row-error"`) != 2 || !strings.Contains(body, "25:99") || !strings.Contains(body, "@ghost@nowhere.example") {
		t.Fatalf("preview with bad rows = %d", st)
	}
	editor := gears.NewContextWithUser(context.Background(), f.actors["editor"].user)
	before, _ := store.NewPostService(f.db, nil).FindPosts(editor, f.ws.ID, gears.PostFilter{})
	good := "date,time,text,accounts,campaign\n" + day + ",09:30,First from the file," + f.account.Handle + ",Autumn\n" +
		day + ",12:00,\"Second, with a comma\"," + f.account.Handle + ",\n"
	if st, body, _ := b.post(path, url.Values{"csv": {good}}); st != 200 || !strings.Contains(body, "Import 2 posts") {
		t.Fatalf("preview = %d", st)
	}
	after, _ := store.NewPostService(f.db, nil).FindPosts(editor, f.ws.ID, gears.PostFilter{})
	if len(after) != len(before) {
		t.Fatalf("a preview wrote %d posts", len(after)-len(before))
	}
	if st, _, h := b.post(path, url.Values{"csv": {good}, "import": {"1"}}); st != 303 || !strings.Contains(h.Get("Location"), "flash.imported") {
		t.Fatalf("import = %d", st)
	}
	after, _ = store.NewPostService(f.db, nil).FindPosts(editor, f.ws.ID, gears.PostFilter{})
	if len(after) != len(before)+2 {
		t.Fatalf("import wrote %d posts, want 2", len(after)-len(before))
	}
	// An export comes back in (id and status columns are ignored).
	_, exported, _ := b.get(fmt.Sprintf("/w/%d/calendar.csv", f.ws.ID))
	if st, body, _ := b.post(path, url.Values{"csv": {exported}}); st != 200 || !strings.Contains(body, "Import") {
		t.Errorf("an export does not preview cleanly: %d", st)
	}
	if st, body, _ := b.post(path, url.Values{"csv": {"date,colour\n"}}); st != 400 || !strings.Contains(body, "colour") {
		t.Errorf("unknown column = %d", st)
	}
}

// TestReconnectBanner has the network refuse the account's token while a
// post goes out: the workspace is told, on the overview and the calendar.
func TestReconnectBanner(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	accounts := store.NewAccountService(f.db, f.net.vault, f.net.connectors)
	c, err := jobs.New(jobs.Config{DB: f.db, NoPeriodic: true, PollInterval: 50 * time.Millisecond,
		Publish: &jobs.PublishWorker{Publisher: store.NewPublisher(f.db, accounts), Connectors: f.net.connectors}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Stop(context.Background())
	f.net.server.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{Status: 401, Body: `{"error":"The access token was revoked"}`})
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	if _, err := store.NewPostService(f.db, f.net.connectors).PublishNow(owner, f.ws.ID, f.planned.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		a, err := accounts.FindAccount(owner, f.ws.ID, f.account.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status == gears.AccountNeedsReconnect {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the account was not marked as needing reconnection")
		}
		time.Sleep(50 * time.Millisecond)
	}
	b := signIn(t, f, "editor")
	for _, p := range []string{"/", "/calendar"} {
		_, body, _ := b.get(fmt.Sprintf("/w/%d%s", f.ws.ID, p))
		if !strings.Contains(body, "data-disconnected") || !strings.Contains(body, f.account.Handle) {
			t.Errorf("%s does not say the account needs reconnecting", p)
		}
	}
}
