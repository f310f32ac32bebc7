package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

func strategyDay(t testing.TB, s string) int64 {
	t.Helper()
	d, ok := gears.DayNumber(s)
	if !ok {
		t.Fatalf("bad date %q", s)
	}
	return d
}

type strategyFixture struct {
	*postFixture
	st       *store.StrategyService
	outsider *gears.User
	otherWS  *gears.Workspace
}

func newStrategyFixture(t *testing.T, db *store.DB) *strategyFixture {
	f := &strategyFixture{postFixture: newPostFixture(t, db), st: store.NewStrategyService(db)}
	f.outsider = mustUser(t, db, "outsider@example.com")
	var err error
	if f.otherWS, err = store.NewWorkspaceService(db).CreateWorkspace(as(f.outsider), gears.WorkspaceCreate{Name: "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestStrategyNotesCompetitorsDocument(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		ed, ws := as(f.editor), f.ws.ID
		n, err := f.st.CreateResearchNote(ed, ws, gears.ResearchNoteInput{Title: " Rivals post at 9 ", Body: "Mornings", SourceURL: "https://example.org/study"})
		if err != nil || n.Title != "Rivals post at 9" || n.CreatedBy == nil || *n.CreatedBy != f.editor.ID {
			t.Fatalf("create note = %+v, %v", n, err)
		}
		if n, err = f.st.UpdateResearchNote(ed, ws, n.ID, gears.ResearchNoteInput{Title: "Rivals post at 8"}); err != nil || n.Title != "Rivals post at 8" || n.SourceURL != "" {
			t.Fatalf("update note = %+v, %v", n, err)
		}
		_, err = f.st.CreateResearchNote(ed, ws, gears.ResearchNoteInput{Title: "x", SourceURL: "ftp://x"})
		wantCode(t, err, gears.EINVALID)
		// The client's approver reads, and may not write.
		if list, err := f.st.FindResearchNotes(as(f.bo), ws); err != nil || len(list) != 1 {
			t.Fatalf("approver reads %v, %v", list, err)
		}
		_, err = f.st.CreateResearchNote(as(f.bo), ws, gears.ResearchNoteInput{Title: "Mine"})
		wantCode(t, err, gears.EFORBIDDEN)

		c, err := f.st.CreateCompetitor(ed, ws, gears.CompetitorInput{Name: "Bean Bros", Network: gears.Mastodon, Handle: "@beanbros@example.social", ProfileURL: "https://example.social/@beanbros"})
		if err != nil || c.Handle != "beanbros@example.social" {
			t.Fatalf("create competitor = %+v, %v", c, err)
		}
		_, err = f.st.CreateCompetitor(ed, ws, gears.CompetitorInput{Name: "Again", Network: gears.Mastodon, Handle: "beanbros@example.social"})
		wantCode(t, err, gears.ECONFLICT)
		// The same handle on another network is another profile.
		c2, err := f.st.CreateCompetitor(ed, ws, gears.CompetitorInput{Name: "Bean Bros", Network: gears.Bluesky, Handle: "beanbros@example.social"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.st.UpdateCompetitor(ed, ws, c2.ID, gears.CompetitorInput{Name: "Bean Bros", Network: gears.Mastodon, Handle: "beanbros@example.social"})
		wantCode(t, err, gears.ECONFLICT)
		if c, err = f.st.UpdateCompetitor(ed, ws, c.ID, gears.CompetitorInput{Name: "Bean Brothers", Network: gears.Mastodon, Handle: "beanbros@example.social", Notes: "Cheaper"}); err != nil || c.Name != "Bean Brothers" || c.Notes != "Cheaper" {
			t.Fatalf("update competitor = %+v, %v", c, err)
		}
		if err := f.st.DeleteCompetitor(ed, ws, c2.ID); err != nil {
			t.Fatal(err)
		}
		if list, err := f.st.FindCompetitors(as(f.bo), ws); err != nil || len(list) != 1 {
			t.Fatalf("competitors = %v, %v", list, err)
		}

		doc, err := f.st.FindStrategy(as(f.bo), ws)
		if err != nil || doc.UpdatedAt != nil || len(doc.Channels) != 0 {
			t.Fatalf("empty strategy = %+v, %v", doc, err)
		}
		in := gears.StrategyInput{Audiences: "Coffee lovers in Madrid", Tone: "Warm", Channels: []gears.ChannelRole{{Network: gears.Mastodon, Role: "Community"}, {Network: gears.Bluesky, Role: "News"}}}
		if doc, err = f.st.SaveStrategy(ed, ws, in); err != nil || doc.Tone != "Warm" || len(doc.Channels) != 2 || doc.UpdatedAt == nil {
			t.Fatalf("save strategy = %+v, %v", doc, err)
		}
		in.Channels = in.Channels[:1]
		if doc, err = f.st.SaveStrategy(ed, ws, in); err != nil || len(doc.Channels) != 1 || doc.Channels[0].Role != "Community" {
			t.Fatalf("save strategy again = %+v, %v", doc, err)
		}
		_, err = f.st.SaveStrategy(as(f.bo), ws, in)
		wantCode(t, err, gears.EFORBIDDEN)

		// Someone of another workspace can neither read nor change any of it.
		out := as(f.outsider)
		for name, err := range map[string]error{
			"notes":             secondErr(f.st.FindResearchNotes(out, ws)),
			"note":              secondErr(f.st.FindResearchNote(out, ws, n.ID)),
			"update note":       secondErr(f.st.UpdateResearchNote(out, ws, n.ID, gears.ResearchNoteInput{Title: "Mine"})),
			"delete note":       f.st.DeleteResearchNote(out, ws, n.ID),
			"competitors":       secondErr(f.st.FindCompetitors(out, ws)),
			"update competitor": secondErr(f.st.UpdateCompetitor(out, ws, c.ID, gears.CompetitorInput{Name: "x", Network: gears.Mastodon, Handle: "x"})),
			"delete competitor": f.st.DeleteCompetitor(out, ws, c.ID),
			"strategy":          secondErr(f.st.FindStrategy(out, ws)),
			"save strategy":     secondErr(f.st.SaveStrategy(out, ws, in)),
			"checklist":         secondErr(f.st.FindChecklist(out, ws)),
			"tick":              f.st.SetSetupItem(out, ws, f.acct, "bio", true),
			// Through their own workspace, the IDs of this one are not found.
			"note elsewhere":   f.st.DeleteResearchNote(out, f.otherWS.ID, n.ID),
			"tick elsewhere":   f.st.SetSetupItem(out, f.otherWS.ID, f.acct, "bio", true),
			"update elsewhere": secondErr(f.st.UpdateCompetitor(out, f.otherWS.ID, c.ID, gears.CompetitorInput{Name: "x", Network: gears.Mastodon, Handle: "x"})),
		} {
			if gears.ErrorCode(err) != gears.ENOTFOUND {
				t.Errorf("outsider %s: %v, want not found", name, err)
			}
		}
		if list, _ := f.st.FindResearchNotes(ed, ws); len(list) != 1 || list[0].Title != "Rivals post at 8" {
			t.Errorf("the outsider changed the notes: %+v", list)
		}
		if err := f.st.DeleteResearchNote(ed, ws, n.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.st.DeleteResearchNote(ed, ws, n.ID), gears.ENOTFOUND)
	})
}

func secondErr[T any](_ T, err error) error { return err }

func TestSetupChecklist(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		ed, ws := as(f.editor), f.ws.ID
		if err := f.st.SetSetupItem(ed, ws, f.acct, "bio", true); err != nil {
			t.Fatal(err)
		}
		if err := f.st.SetSetupItem(ed, ws, f.acct, "bio", true); err != nil { // twice is once
			t.Fatal(err)
		}
		if err := f.st.SetSetupItem(ed, ws, f.acct2, "avatar", true); err != nil {
			t.Fatal(err)
		}
		if err := f.st.SetSetupItem(ed, ws, f.acct2, "avatar", false); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.st.SetSetupItem(ed, ws, f.acct, "haircut", true), gears.EINVALID)
		wantCode(t, f.st.SetSetupItem(as(f.bo), ws, f.acct, "links", true), gears.EFORBIDDEN)
		list, err := f.st.FindChecklist(as(f.bo), ws)
		if err != nil || len(list) != 2 {
			t.Fatalf("checklist = %v, %v", list, err)
		}
		done := map[string]bool{}
		for _, a := range list {
			if len(a.Items) != len(gears.SetupItems) {
				t.Errorf("account %d has %d items", a.AccountID, len(a.Items))
			}
			for _, it := range a.Items {
				if it.Done {
					done[fmt.Sprint(a.AccountID, it.Item)] = true
					if it.DoneBy == nil || *it.DoneBy != f.editor.ID || it.DoneAt == nil || !it.DoneAt.Equal(f.now) {
						t.Errorf("who and when: %+v", it)
					}
				}
			}
		}
		if len(done) != 1 || !done[fmt.Sprint(f.acct, "bio")] {
			t.Errorf("done = %v, want only the bio of %d", done, f.acct)
		}
	})
}

func TestCampaignsRenameCarriesPosts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		ed, ws := as(f.editor), f.ws.ID
		c, err := f.st.CreateCampaign(ed, ws, gears.CampaignInput{Name: "Spring", Networks: []gears.Network{gears.Mastodon}, StartsOn: "2026-03-01", EndsOn: "2026-03-31"})
		if err != nil || c.StartsOn != "2026-03-01" || c.EndsOn != "2026-03-31" || len(c.Networks) != 1 {
			t.Fatalf("create = %+v, %v", c, err)
		}
		_, err = f.st.CreateCampaign(ed, ws, gears.CampaignInput{Name: "Spring", StartsOn: "2026-03-01", EndsOn: "2026-03-02"})
		wantCode(t, err, gears.ECONFLICT)
		if _, err := f.st.CreateCampaign(ed, ws, gears.CampaignInput{Name: "Autumn", StartsOn: "2026-10-01", EndsOn: "2026-10-02"}); err != nil {
			t.Fatal(err)
		}
		in := f.input(nil)
		in.Campaign = "Spring"
		post, err := f.posts.CreatePost(ed, ws, in)
		if err != nil {
			t.Fatal(err)
		}
		other := f.input(nil)
		other.Campaign = "Springtime"
		if _, err := f.posts.CreatePost(ed, ws, other); err != nil {
			t.Fatal(err)
		}
		o, err := f.st.CreateObjective(ed, ws, gears.ObjectiveInput{Title: "Spring clicks", KPI: gears.KPIClicks, Campaign: "Spring", Target: 100, StartsOn: "2026-03-01", DueOn: "2026-03-31"})
		if err != nil {
			t.Fatal(err)
		}
		// Results already counted under both names are added up.
		day := strategyDay(t, "2026-03-10")
		storetest.Exec(t, db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, clicks) VALUES (?, ?, 'mastodon', 0, 'Spring', 7)`, ws, day)
		storetest.Exec(t, db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, clicks) VALUES (?, ?, 'mastodon', 0, 'Spring sale', 5)`, ws, day)
		storetest.Exec(t, db, `INSERT INTO links (workspace_id, code, target_url, campaign, created_at, updated_at) VALUES (?, 'spr1', 'https://example.org', 'Spring', 0, 0)`, ws)
		if c, err = f.st.FindCampaign(ed, ws, c.ID); err != nil || c.Posts != 1 {
			t.Fatalf("campaign posts = %+v, %v", c, err)
		}
		_, err = f.st.UpdateCampaign(ed, ws, c.ID, gears.CampaignInput{Name: "Autumn", StartsOn: "2026-03-01", EndsOn: "2026-03-31"})
		wantCode(t, err, gears.ECONFLICT)
		if c, err = f.st.UpdateCampaign(ed, ws, c.ID, gears.CampaignInput{Name: "Spring sale", StartsOn: "2026-03-02", EndsOn: "2026-04-01"}); err != nil ||
			c.Name != "Spring sale" || c.Posts != 1 || c.StartsOn != "2026-03-02" || c.EndsOn != "2026-04-01" {
			t.Fatalf("rename = %+v, %v", c, err)
		}
		if p, err := f.posts.FindPost(ed, ws, post.ID); err != nil || p.Campaign != "Spring sale" {
			t.Fatalf("the post's campaign = %q, %v", p.Campaign, err)
		}
		if list, _ := f.posts.FindPosts(ed, ws, gears.PostFilter{Campaign: "Springtime"}); len(list) != 1 {
			t.Errorf("another campaign's post moved: %d left", len(list))
		}
		var linkCampaign string
		if err := db.SQL().QueryRow(`SELECT campaign FROM links WHERE code = 'spr1'`).Scan(&linkCampaign); err != nil || linkCampaign != "Spring sale" {
			t.Errorf("the link's campaign = %q, %v", linkCampaign, err)
		}
		if o, err = f.st.FindObjective(ed, ws, o.ID); err != nil || o.Campaign != "Spring sale" {
			t.Fatalf("objective's campaign = %+v, %v", o, err)
		}
		f.now = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
		if _, p, err := f.st.Progress(ed, ws, o.ID, f.now); err != nil || p.Current != 12 {
			t.Fatalf("clicks after the rename = %+v, %v", p, err)
		}

		// Spend, in cents, summed on the campaign.
		sp, err := f.st.AddSpend(ed, ws, c.ID, gears.CampaignSpendInput{AmountCents: 12550, Network: gears.Mastodon, Gear: "strategy", SpentOn: "2026-03-05", Note: "Boost"})
		if err != nil || sp.SpentOn != "2026-03-05" || sp.AmountCents != 12550 {
			t.Fatalf("spend = %+v, %v", sp, err)
		}
		if _, err := f.st.AddSpend(ed, ws, c.ID, gears.CampaignSpendInput{AmountCents: 450, SpentOn: "2026-03-06"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.st.AddSpend(ed, ws, c.ID, gears.CampaignSpendInput{AmountCents: -1, SpentOn: "2026-03-06"})
		wantCode(t, err, gears.EINVALID)
		if c, _ = f.st.FindCampaign(ed, ws, c.ID); c.SpentCents != 13000 {
			t.Errorf("spent = %d, want 13000", c.SpentCents)
		}
		if list, err := f.st.FindSpend(as(f.bo), ws, c.ID); err != nil || len(list) != 2 || list[0].SpentOn != "2026-03-06" {
			t.Fatalf("spend list = %v, %v", list, err)
		}
		if err := f.st.DeleteSpend(ed, ws, c.ID, sp.ID); err != nil {
			t.Fatal(err)
		}

		out := as(f.outsider)
		for name, err := range map[string]error{
			"campaigns":    secondErr(f.st.FindCampaigns(out, ws)),
			"campaign":     secondErr(f.st.FindCampaign(out, ws, c.ID)),
			"rename":       secondErr(f.st.UpdateCampaign(out, ws, c.ID, gears.CampaignInput{Name: "Mine", StartsOn: "2026-03-01", EndsOn: "2026-03-02"})),
			"delete":       f.st.DeleteCampaign(out, ws, c.ID),
			"spend":        secondErr(f.st.FindSpend(out, ws, c.ID)),
			"add spend":    secondErr(f.st.AddSpend(out, ws, c.ID, gears.CampaignSpendInput{AmountCents: 1, SpentOn: "2026-03-01"})),
			"spend there":  secondErr(f.st.AddSpend(out, f.otherWS.ID, c.ID, gears.CampaignSpendInput{AmountCents: 1, SpentOn: "2026-03-01"})),
			"rename there": secondErr(f.st.UpdateCampaign(out, f.otherWS.ID, c.ID, gears.CampaignInput{Name: "Mine", StartsOn: "2026-03-01", EndsOn: "2026-03-02"})),
		} {
			if gears.ErrorCode(err) != gears.ENOTFOUND {
				t.Errorf("outsider %s: %v, want not found", name, err)
			}
		}
		if err := f.st.DeleteCampaign(ed, ws, c.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.posts.FindPost(ed, ws, post.ID); p.Campaign != "Spring sale" {
			t.Errorf("deleting the campaign changed its post: %q", p.Campaign)
		}
	})
}

func TestObjectiveProgressFromTheRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		ed, ws := as(f.editor), f.ws.ID
		now := time.Date(2026, 9, 4, 21, 30, 0, 0, time.UTC) // 23:30 on the 4th in Madrid
		d := func(s string) int64 { return strategyDay(t, s) }

		// Engagements of one account, from the roll-up.
		storetest.Exec(t, db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, replies, reposts, likes, quotes) VALUES (?, ?, 'mastodon', ?, '', 1, 2, 3, 4)`, ws, d("2026-09-02"), f.acct)
		storetest.Exec(t, db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, likes) VALUES (?, ?, 'mastodon', ?, 'Spring', 5)`, ws, d("2026-09-04"), f.acct)
		storetest.Exec(t, db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, likes) VALUES (?, ?, 'bluesky', ?, '', 100)`, ws, d("2026-09-03"), f.acct2)
		storetest.Exec(t, db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, likes) VALUES (?, ?, 'mastodon', ?, '', 1000)`, ws, d("2026-08-31"), f.acct)
		eng, err := f.st.CreateObjective(ed, ws, gears.ObjectiveInput{Title: "Talk", KPI: gears.KPIEngagements, AccountID: &f.acct, Target: 60, StartsOn: "2026-09-01", DueOn: "2026-09-07"})
		if err != nil {
			t.Fatal(err)
		}
		_, p, err := f.st.Progress(as(f.bo), ws, eng.ID, now)
		if err != nil || p.Today != "2026-09-04" || p.Current != 15 || len(p.Series) != 4 || p.Series[1].Value != 10 || p.Expected != 30 || p.OnTrack {
			t.Fatalf("engagements = %+v, %v", p, err)
		}

		// Followers of every Mastodon account; the reading before the
		// start is the level at the start, the Bluesky account is out.
		storetest.Exec(t, db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, 500, 0)`, ws, f.acct, d("2026-08-20"))
		storetest.Exec(t, db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, 530, 0)`, ws, f.acct, d("2026-09-03"))
		storetest.Exec(t, db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, 9000, 0)`, ws, f.acct2, d("2026-09-02"))
		fol, err := f.st.CreateObjective(ed, ws, gears.ObjectiveInput{Title: "Grow", KPI: gears.KPIFollowers, Network: gears.Mastodon, Baseline: 500, Target: 600, StartsOn: "2026-09-01", DueOn: "2026-09-11"})
		if err != nil {
			t.Fatal(err)
		}
		if _, p, err = f.st.Progress(ed, ws, fol.ID, now); err != nil || p.Current != 530 || p.Series[0].Value != 500 || p.Percent != 30 || !p.OnTrack {
			t.Fatalf("followers = %+v, %v", p, err)
		}

		// Posts published, counted on the local day of publication.
		post, err := f.posts.CreatePost(ed, ws, f.input(nil))
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, db, `UPDATE deliveries SET status = 'published', published_at = ? WHERE post_id = ?`, now.UnixMilli(), post.ID)
		pub, err := f.st.CreateObjective(ed, ws, gears.ObjectiveInput{Title: "Publish", KPI: gears.KPIPosts, Network: gears.Bluesky, Target: 10, StartsOn: "2026-09-01", DueOn: "2026-09-30"})
		if err != nil {
			t.Fatal(err)
		}
		if _, p, err = f.st.Progress(ed, ws, pub.ID, now); err != nil || p.Current != 1 || p.Series[3].Value != 1 || p.Series[2].Value != 0 {
			t.Fatalf("posts = %+v, %v", p, err)
		}

		// A custom KPI, from readings people enter.
		cus, err := f.st.CreateObjective(ed, ws, gears.ObjectiveInput{Title: "NPS", KPI: gears.KPICustom, Baseline: 20, Target: 40, StartsOn: "2026-09-01", DueOn: "2026-09-11"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.AddReading(ed, ws, cus.ID, gears.KPIReadingInput{Day: "2026-09-02", Value: 22}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.AddReading(ed, ws, cus.ID, gears.KPIReadingInput{Day: "2026-09-02", Value: 25, Note: "corrected"}); err != nil {
			t.Fatal(err)
		}
		if list, err := f.st.FindReadings(ed, ws, cus.ID); err != nil || len(list) != 1 || list[0].Value != 25 {
			t.Fatalf("readings = %v, %v", list, err)
		}
		if _, p, err = f.st.Progress(ed, ws, cus.ID, now); err != nil || p.Current != 25 || p.Percent != 25 {
			t.Fatalf("custom = %+v, %v", p, err)
		}
		_, err = f.st.AddReading(ed, ws, eng.ID, gears.KPIReadingInput{Day: "2026-09-02", Value: 1})
		wantCode(t, err, gears.EINVALID)
		_, err = f.st.AddReading(as(f.bo), ws, cus.ID, gears.KPIReadingInput{Day: "2026-09-02", Value: 1})
		wantCode(t, err, gears.EFORBIDDEN)

		// An account of another workspace is no scope.
		theirs, err := store.InsertAccountForTest(db, f.otherWS.ID, gears.Mastodon, "@else@example.social")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.st.CreateObjective(ed, ws, gears.ObjectiveInput{Title: "Theirs", KPI: gears.KPIFollowers, AccountID: &theirs, Target: 1, StartsOn: "2026-09-01", DueOn: "2026-09-30"})
		wantCode(t, err, gears.EINVALID)

		out := as(f.outsider)
		for name, err := range map[string]error{
			"objectives": secondErr(f.st.FindObjectives(out, ws)),
			"objective":  secondErr(f.st.FindObjective(out, ws, eng.ID)),
			"update":     secondErr(f.st.UpdateObjective(out, ws, eng.ID, gears.ObjectiveInput{Title: "x", KPI: gears.KPICustom, Target: 1, StartsOn: "2026-09-01", DueOn: "2026-09-02"})),
			"delete":     f.st.DeleteObjective(out, ws, eng.ID),
			"readings":   secondErr(f.st.FindReadings(out, ws, cus.ID)),
			"add":        secondErr(f.st.AddReading(out, ws, cus.ID, gears.KPIReadingInput{Day: "2026-09-02", Value: 1})),
			"add there":  secondErr(f.st.AddReading(out, f.otherWS.ID, cus.ID, gears.KPIReadingInput{Day: "2026-09-02", Value: 1})),
		} {
			if gears.ErrorCode(err) != gears.ENOTFOUND {
				t.Errorf("outsider %s: %v, want not found", name, err)
			}
		}
		if _, _, err := f.st.Progress(out, ws, eng.ID, now); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("outsider progress: %v", err)
		}
		if o, err := f.st.UpdateObjective(ed, ws, eng.ID, gears.ObjectiveInput{Title: "Talk more", KPI: gears.KPIEngagements, Campaign: "Spring", Target: 10, StartsOn: "2026-09-01", DueOn: "2026-09-07"}); err != nil || o.Title != "Talk more" || o.AccountID != nil {
			t.Fatalf("update = %+v, %v", o, err)
		}
		if _, p, err = f.st.Progress(ed, ws, eng.ID, now); err != nil || p.Current != 5 {
			t.Fatalf("engagements of a campaign = %+v, %v", p, err)
		}
		if err := f.st.DeleteObjective(ed, ws, eng.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.st.FindObjectives(ed, ws); len(list) != 3 {
			t.Errorf("objectives left: %d", len(list))
		}
	})
}

// BenchmarkObjectiveProgress measures the progress of year-long objectives
// on SQLite: followers of ten accounts read daily, and engagements from a
// year of the daily roll-up for those accounts.
func BenchmarkObjectiveProgress(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	u, err := store.NewUserService(db).CreateUser(context.Background(), gears.UserCreate{Email: "bench@example.com", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := as(u)
	w, err := store.NewWorkspaceService(db).CreateWorkspace(ctx, gears.WorkspaceCreate{Name: "Bench", Timezone: "Europe/Madrid"})
	if err != nil {
		b.Fatal(err)
	}
	ws, st := w.ID, store.NewStrategyService(db)
	start := strategyDay(b, "2026-01-01")
	for a := 0; a < 10; a++ {
		acc, err := store.InsertAccountForTest(db, ws, gears.Mastodon, fmt.Sprintf("@bench%d@example.social", a))
		if err != nil {
			b.Fatal(err)
		}
		for d := int64(0); d < 365; d++ {
			storetest.Exec(b, db, `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, ?, 0)`, ws, acc, start+d, 1000+d)
			storetest.Exec(b, db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, likes) VALUES (?, ?, 'mastodon', ?, '', ?)`, ws, start+d, acc, d%9)
		}
	}
	now := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	for _, kpi := range []gears.KPI{gears.KPIFollowers, gears.KPIEngagements} {
		o, err := st.CreateObjective(ctx, ws, gears.ObjectiveInput{Title: "Bench", KPI: kpi, Target: 1e6, StartsOn: "2026-01-01", DueOn: "2026-12-31"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(kpi), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := st.Progress(ctx, ws, o.ID, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
