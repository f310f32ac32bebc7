package web_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/web"
)

// browserUA is a person's browser; clicks with it count.
const browserUA = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"

// serveLinks serves the fixture with a server the test keeps, to flush
// its clicks.
func (f *fixture) serveLinks(t *testing.T) *web.Server {
	t.Helper()
	if f.net == nil {
		f.net = newTestNet(t)
	}
	s := web.New(web.Config{Version: "test", Vault: f.net.vault, Connectors: f.net.connectors}, f.db, quietLogger())
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return s
}

// The Link and Conversion schemas of api/openapi.yaml.
var (
	linkSchema = map[string][]string{
		"id": {"number"}, "workspace_id": {"number"}, "code": {"string"}, "target_url": {"string"}, "network": {"string"},
		"campaign": {"string"}, "utm_content": {"string"}, "post_id": {"number", "null"}, "clicks": {"number"},
		"created_at": {"time"}, "short_url": {"string"},
	}
	conversionSchema = map[string][]string{
		"id": {"number"}, "workspace_id": {"number"}, "campaign": {"string"}, "network": {"string"}, "link_id": {"number", "null"},
		"count": {"number"}, "value_cents": {"number", "null"}, "currency": {"string"}, "occurred_at": {"time"},
		"external_id": {"string"}, "source": {"string"}, "created_at": {"time"},
	}
)

// follow requests a short link as a browser (or as ua) would, without
// following the redirect.
func (f *fixture) follow(t *testing.T, method, code string, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+"/l/"+code, nil)
	req.Header.Set("User-Agent", browserUA)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.client(t, nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// clicksOf reads a link's clicks through the API.
func (f *fixture) clicksOf(t *testing.T, code string) int64 {
	t.Helper()
	r := f.api(t, f.actors["owner"], "GET", f.apiPath("/links"), "")
	for _, l := range r.body["links"].([]any) {
		if m := l.(map[string]any); m["code"] == code {
			return int64(m["clicks"].(float64))
		}
	}
	t.Fatalf("no link %s in %s", code, r.raw)
	return 0
}

// dailyClicks sums the roll-up's clicks of the workspace for a network
// and campaign.
func (f *fixture) dailyClicks(t *testing.T, network, campaign string) int64 {
	t.Helper()
	var n sql.NullInt64
	q := fmt.Sprintf(`SELECT CAST(SUM(clicks) AS BIGINT) FROM daily_metrics WHERE workspace_id = %d AND network = '%s' AND campaign = '%s' AND account_id = 0`, f.ws.ID, network, campaign)
	if err := f.db.SQL().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n.Int64
}

// TestLinkRedirect follows a tracked link: a 302 to the target with the
// UTM tags merged, no cookie, a plain translated 404 for unknown codes,
// clicks counted in memory and written by the flusher (not previews,
// prefetches or HEAD), a changed target seen at once, and nothing about
// the visitor stored anywhere.
func TestLinkRedirect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		s := f.serveLinks(t)
		r := f.api(t, f.actors["editor"], "POST", f.apiPath("/links"),
			`{"target_url":"https://shop.example/huila?ref=feed&utm_source=old#buy","network":"mastodon","campaign":"Spring sale","utm_content":"hero"}`)
		if r.status != 201 {
			t.Fatalf("create = %d %s", r.status, r.raw)
		}
		checkSchema(t, "link", r.body, linkSchema)
		code := r.body["code"].(string)
		if r.body["short_url"] != f.srv.URL+"/l/"+code {
			t.Errorf("short_url = %v", r.body["short_url"])
		}
		want := "https://shop.example/huila?ref=feed&utm_source=mastodon&utm_medium=social&utm_campaign=Spring+sale&utm_content=hero#buy"
		for i := 0; i < 3; i++ {
			resp := f.follow(t, "GET", code)
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
				t.Fatalf("follow = %d %q, want 302 %q", resp.StatusCode, resp.Header.Get("Location"), want)
			}
			if resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("redirect headers: %v", resp.Header)
			}
		}
		// Not clicks: HEAD, a prefetch, link previews and crawlers, no user agent.
		f.follow(t, "HEAD", code)
		f.follow(t, "GET", code, "Sec-Purpose", "prefetch")
		for _, ua := range []string{"http.rb/5.1.1 (Mastodon/4.3.0; +https://mastodon.social/)", "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
			"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "facebookexternalhit/1.1", "Slackbot-LinkExpanding 1.0", ""} {
			if resp := f.follow(t, "GET", code, "User-Agent", ua); resp.StatusCode != http.StatusFound {
				t.Errorf("%q = %d", ua, resp.StatusCode)
			}
		}
		// Counted in memory: nothing is written before the flush.
		if n := f.clicksOf(t, code); n != 0 {
			t.Errorf("clicks before the flush = %d", n)
		}
		if err := s.FlushClicks(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := f.clicksOf(t, code); n != 3 {
			t.Errorf("clicks after the flush = %d, want 3", n)
		}
		if n := f.dailyClicks(t, "mastodon", "Spring sale"); n != 3 {
			t.Errorf("daily_metrics clicks = %d, want 3", n)
		}
		// A second flush with nothing new adds nothing.
		if err := s.FlushClicks(context.Background()); err != nil || f.clicksOf(t, code) != 3 {
			t.Errorf("empty flush: %v", err)
		}
		// Unknown codes: a plain 404 in the visitor's language.
		for _, c := range []struct{ code, lang, text string }{{"ZZZZZZZZ", "es-ES,es;q=0.9", "Este enlace no existe."}, {"nope", "en", "This link does not exist."}, {code + "x", "", "This link does not exist."}} {
			req, _ := http.NewRequest("GET", f.srv.URL+"/l/"+c.code, nil)
			if c.lang != "" {
				req.Header.Set("Accept-Language", c.lang)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 404 || strings.TrimSpace(string(body)) != c.text || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				t.Errorf("%s = %d %q %s", c.code, resp.StatusCode, body, resp.Header.Get("Content-Type"))
			}
		}
		// A changed target is seen at once, though the old one was cached.
		ed := signIn(t, f, "editor")
		ed.get(f.path("/links"))
		id := int64(r.body["id"].(float64))
		if st, body, _ := ed.post(f.path("/links/%d", id), url.Values{"target_url": {"javascript:alert(1)"}}); st != 400 || !strings.Contains(body, "Only http and https") {
			t.Errorf("bad target = %d", st)
		}
		if st, _, _ := ed.post(f.path("/links/%d", id), url.Values{"target_url": {"https://shop.example/moved"}}); st != 303 {
			t.Fatalf("change target = %d", st)
		}
		if got := f.follow(t, "GET", code).Header.Get("Location"); !strings.HasPrefix(got, "https://shop.example/moved?utm_source=mastodon") {
			t.Errorf("after the change: %s", got)
		}
		if err := s.FlushClicks(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Nothing about visitors is stored: no table holds their address or
		// user agent.
		for _, table := range []string{"links", "daily_metrics", "conversions", "conversion_hooks"} {
			rows, err := f.db.SQL().Query("SELECT * FROM " + table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					if strings.Contains(s, "127.0.0.1") || strings.Contains(s, "Firefox") || strings.Contains(s, "Mozilla") {
						t.Errorf("%s.%s holds visitor data: %q", table, cols[i], s)
					}
				}
			}
			rows.Close()
		}
	})
}

// TestComposerTrackedLinks adds a tracked link in the composer to a post
// for a Mastodon and a Bluesky account: one link per network, each
// account's text carrying its network's short URL, decided when the post
// is saved; bad addresses are refused with nothing made or lost.
func TestComposerTrackedLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serveLinks(t)
		var sky int64
		q := fmt.Sprintf(`INSERT INTO accounts (workspace_id, network, server, handle, remote_id, credentials, status, created_at)
			VALUES (%d, 'bluesky', 'http://127.0.0.1:9', 'aurora.example.com', 'did:plc:aurora', 'v1:none', 'active', %d) RETURNING id`, f.ws.ID, time.Now().UnixMilli())
		if err := db.SQL().QueryRow(q).Scan(&sky); err != nil {
			t.Fatal(err)
		}
		masto := f.account.ID
		ed := signIn(t, f, "editor")
		if st, body, _ := ed.get(f.path("/posts/new")); st != 200 || !strings.Contains(body, `name="link_url"`) {
			t.Fatalf("composer = %d", st)
		}
		editor := gears.NewContextWithUser(context.Background(), f.actors["editor"].user)
		links := store.NewLinkService(db)
		before, _ := links.FindLinks(editor, f.ws.ID, store.LinkFilter{})
		form := url.Values{"text": {"New roast, see https://shop.example/huila today"}, "account": {idStr(masto), idStr(sky)},
			"variant_" + idStr(sky): {"Bluesky gets its own words"}, "campaign": {"Spring"}, "action": {"draft"},
			"link_url": {"ftp://shop.example/huila"}, "link_content": {"launch"}}
		st, body, _ := ed.post(f.path("/posts"), form)
		if st != 400 || !strings.Contains(body, "Only http and https") || !strings.Contains(body, "ftp://shop.example/huila") || !strings.Contains(body, "New roast, see") {
			t.Fatalf("bad link = %d: the error must show, with everything typed kept", st)
		}
		if after, _ := links.FindLinks(editor, f.ws.ID, store.LinkFilter{}); len(after) != len(before) {
			t.Fatalf("a refused post made %d links", len(after)-len(before))
		}
		form.Set("link_url", "https://shop.example/huila")
		st, _, h := ed.post(f.path("/posts"), form)
		if st != 303 {
			t.Fatalf("save = %d", st)
		}
		id, _ := strconv.ParseInt(regexp.MustCompile(`/posts/(\d+)`).FindStringSubmatch(h.Get("Location"))[1], 10, 64)
		r := f.api(t, f.actors["editor"], "GET", f.apiPath("/links?post_id=%d", id), "")
		list, _ := r.body["links"].([]any)
		if r.status != 200 || len(list) != 2 {
			t.Fatalf("the post's links = %d %s", r.status, r.raw)
		}
		short := map[string]string{}
		for _, x := range list {
			l := x.(map[string]any)
			checkSchema(t, "link", l, linkSchema)
			if l["campaign"] != "Spring" || l["utm_content"] != "launch" || l["target_url"] != "https://shop.example/huila" || l["post_id"] != float64(id) {
				t.Errorf("link %v", l)
			}
			short[l["network"].(string)] = l["short_url"].(string)
		}
		if short["mastodon"] == "" || short["bluesky"] == "" || short["mastodon"] == short["bluesky"] {
			t.Fatalf("short URLs %v", short)
		}
		post, err := store.NewPostService(db, nil).FindPost(editor, f.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := post.TextFor(masto); got != "New roast, see "+short["mastodon"]+" today" {
			t.Errorf("Mastodon text = %q", got)
		}
		if got := post.TextFor(sky); got != "Bluesky gets its own words\n"+short["bluesky"] {
			t.Errorf("Bluesky text = %q", got)
		}
		// Each network's link says so in its UTM tags.
		code := short["bluesky"][strings.LastIndex(short["bluesky"], "/")+1:]
		if loc := f.follow(t, "GET", code).Header.Get("Location"); loc != "https://shop.example/huila?utm_source=bluesky&utm_medium=social&utm_campaign=Spring&utm_content=launch" {
			t.Errorf("bluesky link goes to %s", loc)
		}
		// The composer lists them; saving again with the same link makes no more.
		st, body, _ = ed.get(f.path("/posts/%d", id))
		if st != 200 || !strings.Contains(body, short["mastodon"]) || !strings.Contains(body, `data-link="`+code+`"`) {
			t.Errorf("composer of the post = %d", st)
		}
		form.Set("text", post.Text)
		form.Set("variant_"+idStr(masto), post.TextFor(masto))
		form.Set("variant_"+idStr(sky), post.TextFor(sky))
		if st, _, _ := ed.post(f.path("/posts/%d", id), form); st != 303 {
			t.Fatalf("save again = %d", st)
		}
		if all, _ := links.FindLinks(editor, f.ws.ID, store.LinkFilter{}); len(all) != len(before)+2 {
			t.Errorf("links after saving again: %d, want %d", len(all), len(before)+2)
		}
		post, _ = store.NewPostService(db, nil).FindPost(editor, f.ws.ID, id)
		if strings.Count(post.TextFor(masto), "/l/") != 1 || strings.Count(post.TextFor(sky), "/l/") != 1 {
			t.Errorf("texts after saving again: %q %q", post.TextFor(masto), post.TextFor(sky))
		}
	})
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

// TestConversionWebhook posts conversions to a workspace's secret address:
// created, a retry with the same id counted once, bad input refused with
// the field named in the sender's language, an unknown or retired address
// not found.
func TestConversionWebhook(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serveLinks(t)
		owner := signIn(t, f, "owner")
		owner.get(f.path("/conversions"))
		st, body, _ := owner.post(f.path("/conversions/hook"), nil)
		m := regexp.MustCompile(`data-hook-url>([^<]+)<`).FindStringSubmatch(body)
		if st != 200 || m == nil {
			t.Fatalf("make the hook = %d", st)
		}
		hook := strings.TrimPrefix(m[1], f.srv.URL)
		if _, again, _ := owner.get(f.path("/conversions")); strings.Contains(again, m[1]) {
			t.Error("the address is shown again")
		}
		post := func(lang, body string) apiResult {
			return f.apiIn(t, nil, lang, "POST", hook, body)
		}
		r := post("", `{"campaign":"Spring","network":"bluesky","count":2,"value":"19.90","currency":"EUR","occurred_at":"2026-11-20T10:00:00Z","id":"order-77"}`)
		if r.status != 201 || r.body["duplicate"] != false {
			t.Fatalf("webhook = %d %s", r.status, r.raw)
		}
		checkSchema(t, "conversion result", r.body, map[string][]string{"conversion": {"object"}, "duplicate": {"boolean"}})
		c := r.body["conversion"].(map[string]any)
		checkSchema(t, "conversion", c, conversionSchema)
		if c["value_cents"] != float64(3980/2) || c["count"] != float64(2) || c["source"] != "webhook" || c["external_id"] != "order-77" {
			t.Errorf("conversion %v", c)
		}
		if r := post("", `{"campaign":"Spring","value":19.9,"id":"order-77"}`); r.status != 200 || r.body["duplicate"] != true {
			t.Errorf("retry = %d %s", r.status, r.raw)
		}
		var n, value int64
		q := fmt.Sprintf(`SELECT CAST(SUM(conversions) AS BIGINT), CAST(SUM(conversion_value_cents) AS BIGINT) FROM daily_metrics WHERE workspace_id = %d`, f.ws.ID)
		if err := db.SQL().QueryRow(q).Scan(&n, &value); err != nil || n != 2 || value != 1990 {
			t.Errorf("daily = %d conversions, %d cents, %v", n, value, err)
		}
		for _, c := range []struct{ lang, body, field, text string }{
			{"es", `{"campaign":"Spring","value":5,"currency":"USD"}`, "currency", "este espacio de trabajo cuenta en EUR"},
			{"en", `{"campaign":"Spring","value":5,"currency":"USD"}`, "currency", "this workspace counts in EUR"},
			{"en", `{"campaign":"Spring","value":"five"}`, "value", "is not an amount"},
			{"en", `{"campaign":"Spring","value":true}`, "value", ""},
			{"en", `{"campaign":"Spring","value":5.555}`, "value", "at most two decimals"},
			{"es", `{"campaign":"Spring","occurred_at":"yesterday"}`, "occurred_at", "no es una hora"},
			{"en", `{"value":5}`, "campaign", "Name the campaign"},
			{"en", `{"campaign":"Spring","colour":"red"}`, "colour", ""},
			{"en", `{"campaign":"Spring","count":0}`, "count", ""},
		} {
			r := post(c.lang, c.body)
			code, msg := errorOf(t, r)
			e := r.body["error"].(map[string]any)
			if r.status != 400 || code != "invalid" || e["field"] != c.field || !strings.Contains(msg, c.text) {
				t.Errorf("%s %s = %d %s", c.lang, c.body, r.status, r.raw)
			}
		}
		if r := post("", `{"campaign":"Spring"}`); r.status != 201 {
			t.Errorf("minimal = %d %s", r.status, r.raw)
		}
		if r := f.apiIn(t, nil, "", "POST", "/hooks/conversions/gcv_nothing", `{"campaign":"Spring"}`); r.status != 404 {
			t.Errorf("unknown token = %d", r.status)
		}
		// A new address retires the old.
		owner.post(f.path("/conversions/hook"), nil)
		if r := post("", `{"campaign":"Spring"}`); r.status != 404 {
			t.Errorf("retired token = %d", r.status)
		}
		// The API lists them in the documented shape.
		r = f.api(t, f.actors["analyst"], "GET", f.apiPath("/conversions"), "")
		list, _ := r.body["conversions"].([]any)
		if r.status != 200 || len(list) != 2 || len(r.body) != 1 {
			t.Fatalf("list = %d %s", r.status, r.raw)
		}
		for _, x := range list {
			checkSchema(t, "conversion", x.(map[string]any), conversionSchema)
		}
	})
}

// TestConversionsImport imports a CSV with wrong lines: nothing imports,
// each wrong line is listed with its reason in the person's language and
// the file is kept; fixed, it imports, and again it counts once. The
// export defuses formulas.
func TestConversionsImport(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	bad := "occurred_at,campaign,network,count,value,currency,id\n" +
		"2026-11-20,Spring,mastodon,1,12.50,EUR,a1\n" +
		"2026-11-20,Spring,mastodon,1,12.50,USD,a2\n" + // line 3: currency
		"someday,Spring,,1,,,a3\n" + // line 4: time
		"2026-11-21,\"=HYPERLINK(\"\"x\"\")\",bluesky,2,\"7,5\",,a4\n"
	for _, c := range []struct{ who, lang, line3, line4, summary string }{
		{"editor", "", "this workspace counts in EUR", `"someday" is not a time`, "Nothing was imported: rows with errors: 2"},
		{"manager", "es", "este espacio de trabajo cuenta en EUR", "«someday» no es una hora", "No se ha importado nada: filas con errores: 2"},
	} {
		b := signIn(t, f, c.who)
		if c.lang != "" {
			b.get(f.path("/links"))
			if st, _, _ := b.post("/settings/language", url.Values{"language": {c.lang}, "next": {"/"}}); st != 303 {
				t.Fatalf("language = %d", st)
			}
		}
		b.get(f.path("/links"))
		st, body, _ := b.post(f.path("/conversions/import"), url.Values{"csv": {bad}})
		if c.who == "editor" {
			// The editor may import but not read the page: the error page says why.
			if st != 400 || !strings.Contains(body, c.summary) {
				t.Fatalf("editor's bad import = %d\n%s", st, body)
			}
			continue
		}
		if st != 400 || !strings.Contains(body, c.summary) || strings.Count(body, `class="row-error"`) != 2 ||
			!strings.Contains(body, `data-line="3"`) || !strings.Contains(body, `data-line="4"`) || !strings.Contains(body, c.line3) || !strings.Contains(body, c.line4) {
			t.Fatalf("%s bad import = %d\n%s", c.lang, st, body)
		}
		if !strings.Contains(body, "=HYPERLINK(&#34;&#34;x&#34;&#34;)") || !strings.Contains(body, "someday,Spring") {
			t.Error("the file is not kept in the form")
		}
	}
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	links := store.NewLinkService(f.db)
	if list, _ := links.FindConversions(owner, f.ws.ID, 0); len(list) != 0 {
		t.Fatalf("a failed import wrote %d", len(list))
	}
	good := strings.Replace(strings.Replace(bad, "USD", "EUR", 1), "someday", "2026-11-20 18:30", 1)
	b := signIn(t, f, "manager")
	b.get(f.path("/conversions"))
	if st, _, h := b.post(f.path("/conversions/import"), url.Values{"csv": {good}}); st != 303 || !strings.Contains(h.Get("Location"), "flash.conversions_imported") {
		t.Fatalf("import = %d", st)
	}
	if st, _, _ := b.post(f.path("/conversions/import"), url.Values{"csv": {good}}); st != 303 {
		t.Fatalf("import again = %d", st)
	}
	list, _ := links.FindConversions(owner, f.ws.ID, 0)
	if len(list) != 4 {
		t.Fatalf("imported %d, want 4 (once)", len(list))
	}
	st, body, _ := b.get(f.path("/conversions"))
	if st != 200 || !strings.Contains(body, "7,50 EUR") || !strings.Contains(body, "=HYPERLINK(&#34;x&#34;)") {
		t.Errorf("conversions page = %d", st)
	}
	_, csvBody, h := b.get(f.path("/conversions.csv"))
	if !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(csvBody, `"'=HYPERLINK(""x"")"`) || strings.Contains(csvBody, `,"=HYPERLINK`) {
		t.Errorf("export does not defuse the formula:\n%s", csvBody)
	}
	// The export comes back in: its ids make every row a duplicate.
	if st, _, _ := b.post(f.path("/conversions/import"), url.Values{"csv": {csvBody}}); st != 303 {
		t.Errorf("export re-imported = %d", st)
	}
	if again, _ := links.FindConversions(owner, f.ws.ID, 0); len(again) != 4 {
		t.Errorf("after re-importing the export: %d", len(again))
	}
	// The form records one by hand; a wrong one keeps what was typed.
	if st, body, _ := b.post(f.path("/conversions"), url.Values{"campaign": {"Autumn"}, "value": {"abc"}}); st != 400 || !strings.Contains(body, `value="Autumn"`) {
		t.Errorf("bad form = %d", st)
	}
	if st, _, _ := b.post(f.path("/conversions"), url.Values{"campaign": {"Autumn"}, "value": {"3"}, "occurred_at": {"2026-11-21"}}); st != 303 {
		t.Errorf("form = %d", st)
	}
}

// TestClickFlusherWritesWhatIsLeftWhenStopped stops the flusher between
// two ticks: the clicks counted since the last tick are written then.
func TestClickFlusherWritesWhatIsLeftWhenStopped(t *testing.T) {
	t.Parallel()
	f := &fixture{db: storetest.Open(t, store.SQLite), actors: map[string]*actor{}}
	f.populate(t)
	s := f.serveLinks(t)
	r := f.api(t, f.actors["owner"], "POST", f.apiPath("/links"), `{"target_url":"https://shop.example/","network":"bluesky"}`)
	code := r.body["code"].(string)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.RunClickFlusher(ctx, time.Hour) }()
	for i := 0; i < 4; i++ {
		f.follow(t, "GET", code)
	}
	if n := f.clicksOf(t, code); n != 0 {
		t.Fatalf("written before the stop: %d", n)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := f.clicksOf(t, code); n != 4 {
		t.Errorf("clicks after the stop = %d, want 4", n)
	}
	if n := f.dailyClicks(t, "bluesky", ""); n != 4 {
		t.Errorf("daily clicks after the stop = %d, want 4", n)
	}
}

// TestConversionsExportIsWhole: the CSV export holds every conversion, not
// the newest page, and reads back with the same rows.
func TestConversionsExportIsWhole(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	links := store.NewLinkService(f.db)
	const n = 1003 // more than one page of a thousand, some at the same instant
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		when := at.Add(time.Duration(i/3) * time.Minute)
		if _, _, err := links.RecordConversion(owner, f.ws.ID, gears.ConversionInput{Campaign: "Spring", Count: 1, Value: "2.50",
			OccurredAt: &when, ExternalID: fmt.Sprintf("order-%04d", i), Source: gears.SourceManual}); err != nil {
			t.Fatal(err)
		}
	}
	b := signIn(t, f, "owner")
	_, body, _ := b.get(f.path("/conversions.csv"))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		seen[r[7]] = true
	}
	if len(rows) != n+1 || len(seen) != n {
		t.Errorf("the export has %d rows (%d different ids), want %d", len(rows)-1, len(seen), n)
	}
}

// TestLinksPageOlder: the links page lists the newest 200 and leads to the
// older ones.
func TestLinksPageOlder(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	links := store.NewLinkService(f.db)
	var first *gears.Link
	for i := range 203 {
		l, err := links.CreateLink(owner, f.ws.ID, gears.LinkCreate{TargetURL: fmt.Sprintf("https://shop.example/p/%d", i), Network: gears.Mastodon})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = l
		}
	}
	b := signIn(t, f, "owner")
	_, page, _ := b.get(f.path("/links"))
	older := regexp.MustCompile(`href="(/w/\d+/links\?before=\d+)" rel="next"`).FindStringSubmatch(page)
	if strings.Count(page, "<tr data-link=") != 200 || older == nil || strings.Contains(page, `data-link="`+first.Code+`"`) {
		t.Fatalf("the first page lists %d links, older link %v", strings.Count(page, "<tr data-link="), older)
	}
	_, page, _ = b.get(older[1])
	if strings.Count(page, "<tr data-link=") != 3 || !strings.Contains(page, `data-link="`+first.Code+`"`) || strings.Contains(page, `rel="next"`) {
		t.Errorf("the older page lists %d links", strings.Count(page, "<tr data-link="))
	}
	if st, _, _ := b.get(f.path("/links?before=x")); st != 400 {
		t.Errorf("a bad page = %d, want 400", st)
	}
}
