package store_test

import (
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

// TestTimeTags: time spent for a campaign or on a network is costed on
// their ROI lines; a campaign must exist to be typed in, a rename carries
// the time, and captured time takes its tags from what it refers to.
func TestTimeTags(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		jan15 := time.Date(2026, 1, 15, 10, 0, 0, 0, f.madrid)
		entry := func(campaign string, network gears.Network) workload.TimeEntryCreate {
			return workload.TimeEntryCreate{ActivityKey: "strategy.campaigns", StartedAt: jan15, Minutes: 120,
				TimeTags: workload.TimeTags{Campaign: campaign, Network: network}}
		}
		for _, bad := range []struct {
			in    workload.TimeEntryCreate
			field string
		}{
			{entry("Autumn", ""), "campaign"},                                 // no such campaign here
			{entry("Spring\x07", ""), "campaign"},                             // a control character
			{entry("", "myspace"), "network"},                                 // not a network of Gears
			{entry(strings.Repeat("a", gears.MaxCampaign+1), ""), "campaign"}, // too long
		} {
			_, err := f.plans.AddTime(as(f.owner), f.ws.ID, bad.in)
			if gears.ErrorCode(err) != gears.EINVALID || gears.AsError(err).Field != bad.field {
				t.Errorf("AddTime(%+v) = %v, want invalid %s", bad.in.TimeTags, err, bad.field)
			}
		}
		// The other workspace's "Spring" is not this one's: the outsider
		// cannot tag time in the other workspace with a name only this one
		// has.
		if _, err := f.plans.AddTime(as(f.outsider), f.other.ID, entry("Spring", "")); err != nil {
			t.Errorf("the other workspace's own Spring: %v", err)
		}

		// Two hours of the owner (40.00/h) for Spring on Mastodon.
		e, err := f.plans.AddTime(as(f.owner), f.ws.ID, entry("  Spring ", " Mastodon"))
		if err != nil {
			t.Fatal(err)
		}
		if e.Campaign != "Spring" || e.Network != gears.Mastodon {
			t.Errorf("entry tags = %+v", e.TimeTags)
		}
		d, err := f.reports.Report(as(f.owner), f.ws.ID, period("2026-01-01", "2026-01-31"))
		if err != nil {
			t.Fatal(err)
		}
		// Spring: 50.00 of spend and now 2 h × 40.00 = 130.00; without the
		// hours it was 50.00 (TestReportData).
		spring := d.ByCampaign.Lines[0]
		if spring.Key != "Spring" || spring.Hours != 2 || spring.Cost.Amount != 5000+8000 {
			t.Errorf("Spring = %+v", spring)
		}
		var mastodon *float64
		for _, l := range d.ByNetwork.Lines {
			if l.Key == "mastodon" {
				mastodon = &l.Hours
			}
		}
		if mastodon == nil || *mastodon != 2 {
			t.Errorf("mastodon's hours = %v in %+v", mastodon, d.ByNetwork.Lines)
		}
		if d.ByCampaign.Total.Cost.Amount != 16500+8000 {
			t.Errorf("total cost = %+v", d.ByCampaign.Total.Cost)
		}

		// A running timer takes tags too, and keeps them when it stops.
		if _, err := f.plans.StartTimer(as(f.editor), f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.engagement", TimeTags: workload.TimeTags{Network: "bluesky"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.plans.StartTimer(as(f.owner), f.ws.ID, workload.TimerStart{ActivityKey: "maintenance.engagement", TimeTags: workload.TimeTags{Campaign: "Autumn"}}); gears.AsError(err).Field != "campaign" {
			t.Errorf("a timer for an unknown campaign: %v", err)
		}
		stopped, err := f.plans.StopTimer(as(f.editor), f.ws.ID)
		if err != nil || stopped.Network != gears.Bluesky || stopped.Campaign != "" {
			t.Errorf("stopped timer = %+v, %v", stopped, err)
		}

		// Renaming the campaign carries its time.
		st := store.NewStrategyService(db)
		c, err := st.FindCampaign(as(f.owner), f.ws.ID, 9001)
		if err != nil {
			t.Fatal(err)
		}
		in := gears.CampaignInput{Name: "Spring sale", Networks: c.Networks, StartsOn: "2026-01-01", EndsOn: "2026-02-28"}
		if _, err := st.UpdateCampaign(as(f.owner), f.ws.ID, 9001, in); err != nil {
			t.Fatal(err)
		}
		list, err := f.plans.FindTime(as(f.owner), f.ws.ID, workload.TimeFilter{From: jan15, To: jan15.Add(time.Hour)})
		if err != nil || len(list) != 1 || list[0].Campaign != "Spring sale" {
			t.Errorf("after the rename: %+v, %v", list, err)
		}
		others, err := f.plans.FindTime(as(f.outsider), f.other.ID, workload.TimeFilter{From: jan15, To: jan15.Add(time.Hour)})
		if err != nil || len(others) != 1 || others[0].Campaign != "Spring" {
			t.Errorf("the rename reached the other workspace: %v", err)
			for _, o := range others {
				t.Errorf("  %+v", *o)
			}
		}

		// Captured time: a post's campaign, an account's network.
		pin := f.input(nil)
		pin.Campaign = "Launch"
		post, err := f.posts.CreatePost(as(f.owner), f.ws.ID, pin)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, db, `INSERT INTO objectives (id, workspace_id, title, kpi, network, campaign, baseline, target, starts_on, due_on, created_at)
			VALUES (9101, ?, 'Reach', 'engagements', 'bluesky', 'Spring sale', 0, 100, 0, 0, 0)`, f.ws.ID)
		// A post saved before campaigns were checked, with a tab in its
		// campaign: its time still counts, on no campaign.
		tabbed, err := f.posts.CreatePost(as(f.owner), f.ws.ID, f.input(nil))
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, db, `UPDATE posts SET campaign = ? WHERE id = ?`, "Old\tcampaign", tabbed.ID)
		captured := []struct {
			ref  string
			id   int64
			want workload.TimeTags
		}{
			{"post", post.ID, workload.TimeTags{Campaign: "Launch"}},
			{"account", f.acct, workload.TimeTags{Network: gears.Mastodon}},
			{"campaign", 9001, workload.TimeTags{Campaign: "Spring sale"}},
			{"objective", 9101, workload.TimeTags{Campaign: "Spring sale", Network: gears.Bluesky}},
			{"post", tabbed.ID, workload.TimeTags{}},
			{"campaign", 9002, workload.TimeTags{}}, // the other workspace's
			{"incident", 1, workload.TimeTags{}},
		}
		for _, c := range captured {
			e, err := f.plans.RecordTime(as(f.owner), f.ws.ID, workload.TimeEntryCreate{ActivityKey: "strategy.campaigns",
				StartedAt: jan15, Minutes: 1, RefType: c.ref, RefID: c.id,
				TimeTags: workload.TimeTags{Campaign: "not taken", Network: "bluesky"}})
			if err != nil {
				t.Fatalf("capture for %s %d: %v", c.ref, c.id, err)
			}
			if e.TimeTags != c.want || e.Source != workload.SourceAuto {
				t.Errorf("capture for %s %d: tags %+v, want %+v", c.ref, c.id, e.TimeTags, c.want)
			}
		}
	})
}
