package store_test

import (
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

type linkFixture struct {
	*postFixture
	links    *store.LinkService
	outsider *gears.User
	other    *gears.Workspace
	madrid   *time.Location
}

func newLinkFixture(t *testing.T, db *store.DB) *linkFixture {
	t.Helper()
	f := &linkFixture{postFixture: newPostFixture(t, db), links: store.NewLinkService(db)}
	f.outsider = mustUser(t, db, "outsider@example.com")
	var err error
	if f.other, err = store.NewWorkspaceService(db).CreateWorkspace(as(f.outsider), gears.WorkspaceCreate{Name: "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if f.madrid, err = time.LoadLocation("Europe/Madrid"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *linkFixture) daily(t *testing.T, day int64, network, campaign string) [4]int64 {
	t.Helper()
	c, n, v, u, err := store.DailyResultsForTest(f.db, f.ws.ID, day, network, campaign)
	if err != nil {
		t.Fatal(err)
	}
	return [4]int64{c, n, v, u}
}

func TestLinksCreateResolveAndScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newLinkFixture(t, db)
		l, err := f.links.CreateLink(as(f.editor), f.ws.ID, gears.LinkCreate{TargetURL: " https://aurora.example/beans?ref=x#top ",
			Network: "Mastodon", Campaign: "Spring sale", UTMContent: "hero"})
		if err != nil {
			t.Fatal(err)
		}
		if !gears.ValidLinkCode(l.Code) || l.Network != gears.Mastodon || l.TargetURL != "https://aurora.example/beans?ref=x#top" || l.Clicks != 0 {
			t.Fatalf("created %+v", l)
		}
		r, err := f.links.ResolveLink(t.Context(), l.Code)
		if err != nil {
			t.Fatal(err)
		}
		want := "https://aurora.example/beans?ref=x&utm_source=mastodon&utm_medium=social&utm_campaign=Spring+sale&utm_content=hero#top"
		if r.ID != l.ID || r.WorkspaceID != f.ws.ID || r.Destination != want || r.Timezone != "Europe/Madrid" {
			t.Fatalf("resolved %+v, want %s", r, want)
		}
		for _, code := range []string{"", "zzzzzzzz", "short", l.Code + "x", strings.ToLower(l.Code) + "!"} {
			if _, err := f.links.ResolveLink(t.Context(), code); gears.ErrorCode(err) != gears.ENOTFOUND {
				t.Errorf("resolve %q: %v, want not found", code, err)
			}
		}
		// Bad targets are refused, naming the field.
		for _, bad := range []string{"", "ftp://aurora.example/", "javascript:alert(1)", "/relative", "https://user:pw@aurora.example/", "https://aurora.example/a b"} {
			_, err := f.links.CreateLink(as(f.editor), f.ws.ID, gears.LinkCreate{TargetURL: bad})
			if e := gears.AsError(err); e.Code != gears.EINVALID || e.Field != "target_url" {
				t.Errorf("target %q: %v", bad, err)
			}
		}
		// Another workspace's members neither see nor make its links; the
		// client's contact (approver) sees them but may not make one.
		if _, err := f.links.FindLink(as(f.outsider), f.ws.ID, l.ID); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("outsider find: %v", err)
		}
		if _, err := f.links.FindLinks(as(f.outsider), f.ws.ID, store.LinkFilter{}); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("outsider list: %v", err)
		}
		if _, err := f.links.FindLink(as(f.outsider), f.other.ID, l.ID); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("link through the outsider's own workspace: %v", err)
		}
		if _, err := f.links.CreateLink(as(f.bo), f.ws.ID, gears.LinkCreate{TargetURL: "https://aurora.example/"}); gears.ErrorCode(err) != gears.EFORBIDDEN {
			t.Errorf("approver create: %v", err)
		}
		if list, err := f.links.FindLinks(as(f.bo), f.ws.ID, store.LinkFilter{}); err != nil || len(list) != 1 {
			t.Errorf("approver list: %v %v", list, err)
		}
		// A post of another workspace cannot be named.
		otherPost := int64(999999)
		if _, err := f.links.CreateLink(as(f.editor), f.ws.ID, gears.LinkCreate{TargetURL: "https://aurora.example/", PostID: &otherPost}); gears.AsError(err).Field != "post_id" {
			t.Errorf("unknown post: %v", err)
		}
		// Changing the target tells the cache.
		var told []string
		f.links.Changed = func(code string) { told = append(told, code) }
		if l2, err := f.links.SetLinkTarget(as(f.editor), f.ws.ID, l.ID, "https://aurora.example/new"); err != nil || l2.TargetURL != "https://aurora.example/new" || len(told) != 1 || told[0] != l.Code {
			t.Errorf("set target: %+v %v, told %v", l2, err, told)
		}
		if _, err := f.links.SetLinkTarget(as(f.outsider), f.ws.ID, l.ID, "https://evil.example/"); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("outsider set target: %v", err)
		}
	})
}

func TestClicksAddToLinksAndDailyMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newLinkFixture(t, db)
		masto, err := f.links.CreateLink(as(f.editor), f.ws.ID, gears.LinkCreate{TargetURL: "https://aurora.example/", Network: gears.Mastodon, Campaign: "Spring"})
		if err != nil {
			t.Fatal(err)
		}
		sky, err := f.links.CreateLink(as(f.editor), f.ws.ID, gears.LinkCreate{TargetURL: "https://aurora.example/", Network: gears.Bluesky})
		if err != nil {
			t.Fatal(err)
		}
		// 23:30 UTC on 31 March is 1 April in Madrid.
		late := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
		day := store.LocalDay(late, f.madrid)
		if day != store.LocalDay(late, time.UTC)+1 {
			t.Fatalf("local day %d", day)
		}
		batch := []store.Clicks{{LinkID: masto.ID, Day: day, Count: 5}, {LinkID: sky.ID, Day: day, Count: 2}, {LinkID: masto.ID, Day: day - 1, Count: 1},
			{LinkID: 999999, Day: day, Count: 3}} // a link deleted meanwhile: dropped
		if err := f.links.AddClicks(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
		if err := f.links.AddClicks(t.Context(), []store.Clicks{{LinkID: masto.ID, Day: day, Count: 4}}); err != nil {
			t.Fatal(err)
		}
		if l, _ := f.links.FindLink(as(f.editor), f.ws.ID, masto.ID); l.Clicks != 10 {
			t.Errorf("mastodon link clicks = %d, want 10", l.Clicks)
		}
		if l, _ := f.links.FindLink(as(f.editor), f.ws.ID, sky.ID); l.Clicks != 2 {
			t.Errorf("bluesky link clicks = %d, want 2", l.Clicks)
		}
		if got := f.daily(t, day, "mastodon", "Spring"); got[0] != 9 {
			t.Errorf("daily mastodon/Spring = %v, want 9 clicks", got)
		}
		if got := f.daily(t, day-1, "mastodon", "Spring"); got[0] != 1 {
			t.Errorf("daily the day before = %v, want 1 click", got)
		}
		if got := f.daily(t, day, "bluesky", ""); got[0] != 2 {
			t.Errorf("daily bluesky = %v, want 2 clicks", got)
		}
	})
}

func TestNoVisitorDataIsStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, table := range []string{"links", "conversions", "conversion_hooks", "daily_metrics"} {
			cols, err := store.ColumnsForTest(db, table)
			if err != nil || len(cols) == 0 {
				t.Fatalf("%s: %v %v", table, cols, err)
			}
			for _, c := range cols {
				if c == "ip" || strings.HasPrefix(c, "ip_") || strings.HasSuffix(c, "_ip") {
					t.Errorf("%s.%s looks like an IP address", table, c)
				}
				for _, banned := range []string{"addr", "agent", "visitor", "refer", "cookie", "fingerprint", "country", "city"} {
					if strings.Contains(c, banned) {
						t.Errorf("%s.%s looks like visitor data", table, c)
					}
				}
			}
		}
	})
}

func TestConversions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newLinkFixture(t, db)
		link, err := f.links.CreateLink(as(f.editor), f.ws.ID, gears.LinkCreate{TargetURL: "https://aurora.example/", Network: gears.Bluesky, Campaign: "Spring"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 8, 31, 22, 30, 0, 0, time.UTC) // 1 September in Madrid
		day := store.LocalDay(at, f.madrid)
		// A valued conversion through a link takes the link's network and campaign.
		c, dup, err := f.links.RecordConversion(as(f.editor), f.ws.ID, gears.ConversionInput{Link: link.Code, Count: 2, Value: "25,50", Currency: "eur", OccurredAt: &at, ExternalID: "order-1"})
		if err != nil || dup {
			t.Fatalf("record: %+v %v %v", c, dup, err)
		}
		if c.Network != gears.Bluesky || c.Campaign != "Spring" || c.LinkID == nil || *c.LinkID != link.ID || c.ValueCents == nil || *c.ValueCents != 2550 ||
			c.Currency != "EUR" || c.Source != gears.SourceManual || !c.OccurredAt.Equal(at) {
			t.Fatalf("recorded %+v", c)
		}
		if got := f.daily(t, day, "bluesky", "Spring"); got != [4]int64{0, 2, 2550, 0} {
			t.Errorf("daily after valued = %v", got)
		}
		// The same ID again is a duplicate: nothing changes.
		again, dup, err := f.links.RecordConversion(as(f.editor), f.ws.ID, gears.ConversionInput{Campaign: "Other", Value: "99", ExternalID: "order-1"})
		if err != nil || !dup || again.ID != c.ID || again.Campaign != "Spring" {
			t.Fatalf("duplicate: %+v %v %v", again, dup, err)
		}
		if got := f.daily(t, day, "bluesky", "Spring"); got != [4]int64{0, 2, 2550, 0} {
			t.Errorf("daily after duplicate = %v", got)
		}
		// Without a value it counts as unvalued.
		if _, _, err := f.links.RecordConversion(as(f.editor), f.ws.ID, gears.ConversionInput{Campaign: "Spring", Network: "bluesky", OccurredAt: &at}); err != nil {
			t.Fatal(err)
		}
		if got := f.daily(t, day, "bluesky", "Spring"); got != [4]int64{0, 3, 2550, 1} {
			t.Errorf("daily after unvalued = %v", got)
		}
		// Another currency is refused, naming the field and both currencies.
		_, _, err = f.links.RecordConversion(as(f.editor), f.ws.ID, gears.ConversionInput{Campaign: "Spring", Value: "10", Currency: "USD"})
		if e := gears.AsError(err); e.Code != gears.EINVALID || e.Field != "currency" || len(e.Args) != 2 || e.Args[0] != "USD" || e.Args[1] != "EUR" {
			t.Errorf("wrong currency: %v", err)
		}
		// Bad input names its field.
		future := f.now.Add(time.Hour)
		for field, in := range map[string]gears.ConversionInput{
			"campaign":    {},
			"value":       {Campaign: "x", Value: "12.345"},
			"count":       {Campaign: "x", Count: -1},
			"network":     {Campaign: "x", Network: "myspace"},
			"occurred_at": {Campaign: "x", OccurredAt: &future},
			"link":        {Link: "nope"},
			"currency":    {Campaign: "x", Currency: "euro"},
		} {
			if _, _, err := f.links.RecordConversion(as(f.editor), f.ws.ID, in); gears.AsError(err).Field != field {
				t.Errorf("%s: %v", field, err)
			}
		}
		// A link of another workspace is unknown here.
		otherLink, err := f.links.CreateLink(as(f.outsider), f.other.ID, gears.LinkCreate{TargetURL: "https://elsewhere.example/"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.links.RecordConversion(as(f.editor), f.ws.ID, gears.ConversionInput{Link: otherLink.Code}); gears.AsError(err).Field != "link" {
			t.Errorf("other workspace's link: %v", err)
		}
		// Outsiders neither record nor read; the approver reads but may not record.
		if _, _, err := f.links.RecordConversion(as(f.outsider), f.ws.ID, gears.ConversionInput{Campaign: "x"}); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("outsider record: %v", err)
		}
		if _, err := f.links.FindConversions(as(f.outsider), f.ws.ID, 0); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("outsider list: %v", err)
		}
		if _, _, err := f.links.RecordConversion(as(f.bo), f.ws.ID, gears.ConversionInput{Campaign: "x"}); gears.ErrorCode(err) != gears.EFORBIDDEN {
			t.Errorf("approver record: %v", err)
		}
		list, err := f.links.FindConversions(as(f.bo), f.ws.ID, 0)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %v %v", list, err)
		}
		if otherList, _ := f.links.FindConversions(as(f.outsider), f.other.ID, 0); len(otherList) != 0 {
			t.Errorf("the other workspace sees %v", otherList)
		}
	})
}

func TestConversionHook(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newLinkFixture(t, db)
		if at, err := f.links.ConversionHookMade(as(f.owner), f.ws.ID); err != nil || at != nil {
			t.Fatalf("no hook yet: %v %v", at, err)
		}
		if _, err := f.links.ResetConversionHook(as(f.editor), f.ws.ID); gears.ErrorCode(err) != gears.EFORBIDDEN {
			t.Errorf("editor reset: %v", err)
		}
		token, err := f.links.ResetConversionHook(as(f.owner), f.ws.ID)
		if err != nil || !strings.HasPrefix(token, "gcv_") || len(token) < 40 {
			t.Fatalf("token %q %v", token, err)
		}
		c, dup, err := f.links.RecordHookConversion(t.Context(), token, gears.ConversionInput{Campaign: "Spring", Value: "10", ExternalID: "w-1", Source: gears.SourceManual})
		if err != nil || dup || c.Source != gears.SourceWebhook || c.WorkspaceID != f.ws.ID {
			t.Fatalf("hook record: %+v %v %v", c, dup, err)
		}
		if _, dup, err := f.links.RecordHookConversion(t.Context(), token, gears.ConversionInput{Campaign: "Spring", Value: "10", ExternalID: "w-1"}); err != nil || !dup {
			t.Errorf("hook retry: %v %v", dup, err)
		}
		if got := f.daily(t, store.LocalDay(f.now, f.madrid), "", "Spring"); got != [4]int64{0, 1, 1000, 0} {
			t.Errorf("daily = %v", got)
		}
		// A new address retires the old one.
		token2, err := f.links.ResetConversionHook(as(f.owner), f.ws.ID)
		if err != nil || token2 == token {
			t.Fatal(err)
		}
		if _, _, err := f.links.RecordHookConversion(t.Context(), token, gears.ConversionInput{Campaign: "Spring"}); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("old token: %v", err)
		}
		if _, _, err := f.links.RecordHookConversion(t.Context(), token2, gears.ConversionInput{Campaign: "Spring"}); err != nil {
			t.Errorf("new token: %v", err)
		}
	})
}

func TestImportConversionsAllOrNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newLinkFixture(t, db)
		day := store.LocalDay(f.now, f.madrid)
		rows := []gears.ConversionInput{
			{Campaign: "Spring", Value: "5", ExternalID: "a"},
			{Campaign: "Spring", Value: "5", Currency: "USD"}, // wrong currency
			{Campaign: "Spring", Value: "five"},               // bad value
			{Campaign: "Spring", ExternalID: "b"},
		}
		res, err := f.links.ImportConversions(as(f.editor), f.ws.ID, rows)
		if e := gears.AsError(err); e.Code != gears.EINVALID || len(e.Args) != 1 || e.Args[0] != 2 {
			t.Fatalf("import with bad rows: %v", err)
		}
		if len(res) != 4 || res[0].Err != nil || res[1].Err == nil || res[1].Err.Field != "currency" || res[2].Err == nil || res[2].Err.Field != "value" || res[3].Err != nil {
			t.Fatalf("rows %+v", res)
		}
		if list, _ := f.links.FindConversions(as(f.owner), f.ws.ID, 0); len(list) != 0 {
			t.Fatalf("a failed import wrote %v", list)
		}
		if got := f.daily(t, day, "", "Spring"); got != [4]int64{} {
			t.Errorf("daily after a failed import = %v", got)
		}
		good := []gears.ConversionInput{{Campaign: "Spring", Value: "5", ExternalID: "a"}, {Campaign: "Spring", ExternalID: "b"}, {Campaign: "Spring", Value: "5", ExternalID: "a"}}
		res, err = f.links.ImportConversions(as(f.editor), f.ws.ID, good)
		if err != nil || len(res) != 3 || res[2].Duplicate != true || res[0].Conversion.Source != gears.SourceCSV {
			t.Fatalf("import: %+v %v", res, err)
		}
		// Importing the same file again changes nothing.
		if res, err = f.links.ImportConversions(as(f.editor), f.ws.ID, good[:2]); err != nil || !res[0].Duplicate || !res[1].Duplicate {
			t.Fatalf("import again: %+v %v", res, err)
		}
		if got := f.daily(t, day, "", "Spring"); got != [4]int64{0, 2, 500, 1} {
			t.Errorf("daily = %v", got)
		}
	})
}

func TestTrackPostMakesOneLinkPerNetwork(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newLinkFixture(t, db)
		req := store.TrackedLink{URL: "https://aurora.example/huila", UTMContent: "launch"}
		got, made, err := f.links.TrackPost(as(f.editor), f.ws.ID, 0, "Spring", req, []gears.Network{gears.Mastodon, gears.Bluesky, gears.Mastodon})
		if err != nil || len(got) != 2 || len(made) != 2 || got[gears.Mastodon].Code == got[gears.Bluesky].Code || got[gears.Bluesky].Campaign != "Spring" || got[gears.Mastodon].PostID != nil {
			t.Fatalf("tracked %+v %v", got, err)
		}
		p, err := f.posts.CreatePost(as(f.editor), f.ws.ID, f.input(nil))
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{got[gears.Mastodon].ID, got[gears.Bluesky].ID}
		if err := f.links.AttachLinks(as(f.editor), f.ws.ID, p.ID, ids); err != nil {
			t.Fatal(err)
		}
		if list, err := f.links.FindLinks(as(f.editor), f.ws.ID, store.LinkFilter{PostID: p.ID}); err != nil || len(list) != 2 {
			t.Fatalf("post's links: %v %v", list, err)
		}
		// Asking again for the saved post uses the same links.
		again, made, err := f.links.TrackPost(as(f.editor), f.ws.ID, p.ID, "Spring", req, []gears.Network{gears.Bluesky, gears.Mastodon})
		if err != nil || len(made) != 0 || again[gears.Mastodon].ID != ids[0] || again[gears.Bluesky].ID != ids[1] {
			t.Fatalf("again %+v %v", again, err)
		}
		// Links made for a post that could not be saved are dropped.
		extra, _, err := f.links.TrackPost(as(f.editor), f.ws.ID, 0, "", store.TrackedLink{URL: "https://aurora.example/x"}, []gears.Network{gears.Mastodon})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.links.DropUnusedLinks(as(f.editor), f.ws.ID, []int64{extra[gears.Mastodon].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.links.FindLink(as(f.editor), f.ws.ID, extra[gears.Mastodon].ID); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("dropped link: %v", err)
		}
		// Bad input names the composer's field.
		if _, _, err := f.links.TrackPost(as(f.editor), f.ws.ID, 0, "", store.TrackedLink{URL: "mailto:x@example.com"}, []gears.Network{gears.Mastodon}); gears.AsError(err).Field != "link_target_url" {
			t.Errorf("bad URL: %v", err)
		}
		if _, _, err := f.links.TrackPost(as(f.outsider), f.ws.ID, 0, "", req, []gears.Network{gears.Mastodon}); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("outsider: %v", err)
		}
	})
}
