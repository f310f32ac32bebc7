package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"gears"
	"gears/locale"
	"gears/store"
)

// TestBrowserLinks is tracked links and conversions as an owner uses them:
// make a link on the links page, follow its short address to the shop with
// the UTM tags, see the click counted; record a conversion by hand, import
// a CSV that is refused whole for one bad line, fix it and import it; and
// read the conversions in Spanish.
func TestBrowserLinks(t *testing.T) {
	t.Parallel()
	// The shop the link goes to: a server of the test, answering "shop" and
	// keeping the queries it was asked.
	var (
		shopMu  sync.Mutex
		visited []url.Values
	)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/shop" {
			shopMu.Lock()
			visited = append(visited, r.URL.Query())
			shopMu.Unlock()
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "shop")
	}))
	t.Cleanup(shop.Close)

	m := bootForBrowser(t)
	owner := createUser(t, m, "owner@links.example", "Owner")
	ws := createWorkspace(t, m, owner, "Aurora")
	const campaign = "Spring sale"
	today := time.Now().In(ws.Location())
	if _, err := store.NewStrategyService(m.DB).CreateCampaign(gears.NewContextWithUser(context.Background(), owner), ws.ID,
		gears.CampaignInput{Name: campaign, StartsOn: today.AddDate(0, 0, -7).Format(gears.DateLayout), EndsOn: today.AddDate(0, 0, 30).Format(gears.DateLayout)}); err != nil {
		t.Fatalf("create the campaign: %v", err)
	}
	wsPath := fmt.Sprintf("/w/%d", ws.ID)

	b := newTab(t, m.URL())
	if st := b.signIn(owner.Email, browserPassword); st != 200 {
		t.Fatalf("sign-in ended with status %d", st)
	}
	lang := b.lang()
	T := func(key string, args ...any) string { return locale.T(lang, key, args...) }

	// 1. A link to the shop for Mastodon and the campaign, with the form.
	b.open(wsPath + "/links")
	target := shop.URL + "/shop?x=1"
	b.do("fill the link form", fill("#l-target", target, "#l-campaign", campaign), choose("#l-network", "mastodon"))
	if st := b.navigate("create the link", click(`form[action$="/links"] button[type="submit"]`)); st != http.StatusCreated {
		t.Fatalf("creating the link answered %d", st)
	}
	code := eval[string](b, `document.querySelector("[data-created]")?.dataset.created ?? ""`)
	if !gears.ValidLinkCode(code) {
		t.Fatalf("after creating the link the page names the code %q", code)
	}
	row := fmt.Sprintf(`tr[data-link=%q]`, code)
	short := b.text(row + " code")
	if want := m.URL() + "/l/" + code; short != want {
		t.Errorf("the link's row shows the short address %q, want %q", short, want)
	}
	if notice := b.text(".notice[data-created] code"); notice != short {
		t.Errorf("the notice shows %q, the row %q", notice, short)
	}
	if got := b.text(row + " td:nth-child(3)"); got != T("network.mastodon") {
		t.Errorf("the link's network shows %q, want %q", got, T("network.mastodon"))
	}
	if got := b.text(row + " td:nth-child(4)"); got != campaign {
		t.Errorf("the link's campaign shows %q, want %q", got, campaign)
	}
	if got := b.text(row + " td.num"); got != "0" {
		t.Errorf("a new link shows %q clicks, want 0", got)
	}

	// 2. The short address, opened in the tab, lands on the shop with the
	// UTM tags. Headless Chromium says so in its user agent, and Gears
	// does not count robots: the tab passes for the desktop browser a
	// person would use.
	b.do("pass for a desktop browser", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"})
		return err
	}))
	if st := b.openURL(short); st != 200 {
		t.Fatalf("the short address ended with status %d", st)
	}
	landed := b.location()
	q := landed.Query()
	if landed.Host != strings.TrimPrefix(shop.URL, "http://") || landed.Path != "/shop" {
		t.Errorf("the short address led to %s, want the shop %s", landed, target)
	}
	for k, want := range map[string]string{"x": "1", "utm_source": "mastodon", "utm_medium": "social", "utm_campaign": campaign} {
		if got := q.Get(k); got != want {
			t.Errorf("the shop was reached at %s: %s=%q, want %q", landed, k, got, want)
		}
	}
	if body := b.text("body"); body != "shop" {
		t.Errorf("the shop's page shows %q", body)
	}
	shopMu.Lock()
	if len(visited) != 1 || visited[0].Get("utm_campaign") != campaign {
		t.Errorf("the shop was asked for %v, want once with the campaign's tags", visited)
	}
	shopMu.Unlock()

	// 3. The click is written within seconds (every 2 s): the links page
	// counts it, once.
	clicks := ""
	waitFor(t, "the click shown on the links page", func() bool {
		b.open(wsPath + "/links")
		clicks = b.text(row + " td.num")
		return clicks != "0"
	})
	if clicks != "1" {
		t.Errorf("after one click the link shows %q clicks, want 1", clicks)
	}
	b.fitsWidth("the links page")
	b.screenshot("links-flow")

	// 4. Conversions: one by hand, then a CSV.
	b.open(wsPath + "/conversions")
	conversions := `tr[data-conversion]`
	b.do("fill the conversion form", fill("#c-campaign", campaign, "#c-value", "12.50"))
	if st := b.navigate("record the conversion", click(`form[action$="/conversions"] button[type="submit"]`)); st != 200 {
		t.Fatalf("recording the conversion ended with status %d", st)
	}
	if f := b.text(".flash"); f != T("flash.conversion_saved") {
		t.Errorf("flash after recording = %q, want %q", f, T("flash.conversion_saved"))
	}
	if n := eval[int](b, `document.querySelectorAll("tr[data-conversion]").length`); n != 1 {
		t.Fatalf("after recording one conversion the page lists %d", n)
	}
	if got := b.text(conversions + " td:nth-child(2)"); got != campaign {
		t.Errorf("the conversion's campaign shows %q, want %q", got, campaign)
	}
	if got, want := b.text(conversions+" td:nth-child(5)"), locale.Number(lang, 12.5, 2)+" "; !strings.HasPrefix(got, want) {
		t.Errorf("the conversion's value shows %q, want %q and the currency", got, want)
	}

	// A file with a bad third line: refused whole, the line named in the
	// page's language, the file kept in the form.
	bad := "campaign,value\n" + campaign + ",3.00\n" + campaign + ",twelve\n"
	b.do("paste the CSV", setValue("#c-csv", bad))
	if st := b.navigate("import the CSV", click(`form[action$="/conversions/import"] button[type="submit"]`)); st != http.StatusBadRequest {
		t.Errorf("importing a file with a bad line answered %d, want 400", st)
	}
	if n := eval[int](b, `document.querySelectorAll("[data-import-errors] tbody tr").length`); n != 1 {
		t.Errorf("the import lists %d wrong lines, want 1 (line 3)", n)
	}
	if got, want := b.text(`[data-import-errors] tr[data-line="3"] td:nth-child(2)`), T("conversion.bad_value", "twelve"); got != want {
		t.Errorf("line 3's error reads %q, want %q", got, want)
	}
	if got, want := b.text(`section[aria-labelledby="imp-conv-h"] .alert`), T("conversion.import_failed", 1); got != want {
		t.Errorf("the import's error reads %q, want %q", got, want)
	}
	if n := eval[int](b, `document.querySelectorAll("tr[data-conversion]").length`); n != 1 {
		t.Errorf("after a refused import the page lists %d conversions, want still 1", n)
	}
	if got := b.value("#c-csv"); got != bad {
		t.Errorf("the refused file is not kept in the form: %q", got)
	}

	// Fixed, it imports: two conversions more.
	b.do("fix the CSV", setValue("#c-csv", strings.Replace(bad, "twelve", "7.25", 1)))
	if st := b.navigate("import the fixed CSV", click(`form[action$="/conversions/import"] button[type="submit"]`)); st != 200 {
		t.Fatalf("importing the fixed file ended with status %d", st)
	}
	if f := b.text(".flash"); f != T("flash.conversions_imported") {
		t.Errorf("flash after importing = %q, want %q", f, T("flash.conversions_imported"))
	}
	values := eval[[]string](b, `[...document.querySelectorAll("tr[data-conversion] td:nth-child(5)")].map(td => td.textContent.trim().split(/\s+/)[0]).sort()`)
	want := []string{locale.Number(lang, 12.5, 2), locale.Number(lang, 3, 2), locale.Number(lang, 7.25, 2)}
	slices.Sort(want)
	if !slices.Equal(values, want) {
		t.Errorf("after the import the conversions are worth %v, want %v", values, want)
	}
	if n := eval[int](b, fmt.Sprintf(`[...document.querySelectorAll("tr[data-conversion] td:nth-child(6)")].filter(td => td.textContent.trim() === %q).length`,
		T("conversion.source.csv"))); n != 2 {
		t.Errorf("%d conversions come from the CSV, want 2", n)
	}
	b.fitsWidth("the conversions page")
	b.screenshot("conversions-flow")

	// 5. In Spanish: the headings are Spanish and amounts are written 12,50.
	b.navigate("switch to Spanish", choose("#lang-switch", "es"))
	if l := b.lang(); l != "es" {
		t.Fatalf("after switching to Spanish the page's language is %q", l)
	}
	if p := b.location().Path; p != wsPath+"/conversions" {
		t.Errorf("after switching the language the browser is at %s, want the conversions page", p)
	}
	for sel, key := range map[string]string{"h1": "nav.conversions", "#new-conv-h": "conversion.new", "#imp-conv-h": "conversion.import",
		"#convs-h": "conversion.list", "#hook-h": "conversion.webhook"} {
		if got, want := b.text(sel), locale.T("es", key); got != want {
			t.Errorf("in Spanish %s reads %q, want %q", sel, got, want)
		}
	}
	if n := eval[int](b, `[...document.querySelectorAll("tr[data-conversion] td:nth-child(5)")].filter(td => td.textContent.trim().startsWith("12,50 ")).length`); n != 1 {
		t.Errorf("in Spanish %d conversions are worth 12,50; the values read %v", n,
			eval[[]string](b, `[...document.querySelectorAll("tr[data-conversion] td:nth-child(5)")].map(td => td.textContent.trim())`))
	}
	b.fitsWidth("the conversions page in Spanish")
}
