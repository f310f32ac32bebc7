package store_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/roi"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

func date(s string) time.Time {
	d, err := time.Parse(gears.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func epochDay(s string) int64 { return date(s).Unix() / 86400 }

func period(from, to string) gears.ReportPeriod {
	return gears.ReportPeriod{From: date(from), To: date(to)}
}

// reportFixture is a workspace in Europe/Madrid (UTC+1 in January) with a
// month of results whose every number is known, and another workspace
// whose results must never be counted.
type reportFixture struct {
	*postFixture
	reports  *store.ReportService
	analyst  *gears.User
	outsider *gears.User
	other    *gears.Workspace
	madrid   *time.Location
}

func newReportFixture(t *testing.T, db *store.DB) *reportFixture {
	t.Helper()
	f := &reportFixture{postFixture: newPostFixture(t, db), reports: store.NewReportService(db)}
	f.madrid, _ = time.LoadLocation("Europe/Madrid")
	ctx := context.Background()
	wss := store.NewWorkspaceService(db)
	f.analyst = mustUser(t, db, "analyst@example.com")
	if _, err := wss.AddMember(as(f.owner), f.ws.ID, gears.MemberAdd{Email: f.analyst.Email, Role: gears.RoleAnalyst}); err != nil {
		t.Fatal(err)
	}
	f.outsider = mustUser(t, db, "outsider@example.com")
	var err error
	if f.other, err = wss.CreateWorkspace(as(f.outsider), gears.WorkspaceCreate{Name: "Elsewhere", Timezone: "Europe/Madrid"}); err != nil {
		t.Fatal(err)
	}
	// Rates: the owner 40.00/h, the analyst 30.00/h, the editor none.
	for u, c := range map[*gears.User]int64{f.owner: 4000, f.analyst: 3000} {
		if err := f.reports.SetRate(as(f.owner), f.ws.ID, u.ID, &c); err != nil {
			t.Fatal(err)
		}
	}
	v := int64(50)
	if err := f.reports.SetResultSettings(as(f.owner), f.ws.ID, store.ResultSettings{Currency: "EUR", EngagementValueCents: &v}); err != nil {
		t.Fatal(err)
	}
	local := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, f.madrid)
		if err != nil {
			panic(err)
		}
		return t
	}
	// Time: 1.5 h strategy and 1 h maintenance (owner), 2 h maintenance
	// (editor), 0.5 h metrics late on the last day (analyst); outside:
	// half an hour just after midnight on 1 February (local), and the last
	// day of December.
	for _, e := range []struct {
		who      *gears.User
		activity string
		at       string
		minutes  float64
	}{
		{f.owner, "strategy.research", "2026-01-10 10:00", 90},
		{f.owner, "maintenance.engagement", "2026-01-20 09:00", 60},
		{f.editor, "maintenance.monitoring", "2026-01-15 12:00", 120},
		{f.analyst, "metrics.performance", "2026-01-31 23:30", 30},
		{f.owner, "strategy.research", "2026-02-01 00:30", 30},
		{f.owner, "strategy.research", "2025-12-31 18:00", 600},
	} {
		if _, err := f.plans.AddTime(as(e.who), f.ws.ID, workload.TimeEntryCreate{ActivityKey: e.activity, StartedAt: local(e.at), Minutes: e.minutes}); err != nil {
			t.Fatalf("time %+v: %v", e, err)
		}
	}
	if _, err := f.plans.AddTime(as(f.outsider), f.other.ID, workload.TimeEntryCreate{ActivityKey: "strategy.research", StartedAt: local("2026-01-10 10:00"), Minutes: 600}); err != nil {
		t.Fatal(err)
	}
	// Spend: 50.00 on "Spring" in January, 99.99 in February; 1,000.00 in
	// the other workspace.
	now := f.now.UnixMilli()
	storetest.Exec(t, db, `INSERT INTO campaigns (id, workspace_id, name, starts_at, ends_at, created_at) VALUES (9001, ?, 'Spring', ?, ?, ?)`,
		f.ws.ID, local("2026-01-01 00:00").UnixMilli(), local("2026-03-01 00:00").UnixMilli(), now)
	storetest.Exec(t, db, `INSERT INTO campaigns (id, workspace_id, name, starts_at, ends_at, created_at) VALUES (9002, ?, 'Spring', ?, ?, ?)`,
		f.other.ID, 0, 0, now)
	for _, s := range []struct {
		campaign, cents int64
		at              string
	}{{9001, 5000, "2026-01-05 10:00"}, {9001, 9999, "2026-02-05 10:00"}, {9002, 100000, "2026-01-05 10:00"}} {
		storetest.Exec(t, db, `INSERT INTO campaign_spend (campaign_id, amount_cents, spent_at, created_at) VALUES (?, ?, ?, ?)`,
			s.campaign, s.cents, local(s.at).UnixMilli(), now)
	}
	// The roll-up: 16 engagements, 5 clicks and 3 conversions (2 worth
	// 60.00 together, 1 without a value) on 2 January; 4 likes and 2
	// clicks on 31 January; outside: 1 February and the other workspace.
	daily := `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, replies, reposts, likes, quotes, clicks,
		conversions, conversion_value_cents, unvalued_conversions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	storetest.Exec(t, db, daily, f.ws.ID, epochDay("2026-01-02"), "mastodon", f.acct, "Spring", 2, 3, 10, 1, 5, 3, 6000, 1)
	storetest.Exec(t, db, daily, f.ws.ID, epochDay("2026-01-31"), "bluesky", f.acct2, "", 0, 0, 4, 0, 2, 0, 0, 0)
	storetest.Exec(t, db, daily, f.ws.ID, epochDay("2026-02-01"), "bluesky", f.acct2, "", 0, 0, 100, 0, 50, 0, 0, 0)
	storetest.Exec(t, db, daily, f.other.ID, epochDay("2026-01-10"), "mastodon", 0, "", 0, 0, 1000, 0, 1000, 10, 100000, 0)
	// Followers: +30 on the Mastodon account (from the count before the
	// period), −5 on Bluesky (from its first count in the period).
	fc := `INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, ?, ?)`
	for _, c := range []struct {
		account   int64
		day       string
		followers int64
	}{{f.acct, "2025-12-20", 100}, {f.acct, "2026-01-03", 110}, {f.acct, "2026-01-30", 130}, {f.acct, "2026-02-02", 200},
		{f.acct2, "2026-01-10", 50}, {f.acct2, "2026-01-20", 45}} {
		storetest.Exec(t, db, fc, f.ws.ID, c.account, epochDay(c.day), c.followers, now)
	}
	otherAcct, err := store.InsertAccountForTest(db, f.other.ID, gears.Mastodon, "@elsewhere@example.social")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, db, fc, f.other.ID, otherAcct, epochDay("2025-12-01"), 0, now)
	storetest.Exec(t, db, fc, f.other.ID, otherAcct, epochDay("2026-01-10"), 5000, now)
	// Posts: published at 11:00 on Monday 5 January and at 00:30 on
	// Thursday 1 January (local; 23:30 UTC the day before); one at 00:30
	// on 1 February (local) is outside; one delivery never went out.
	p1, err := f.posts.CreatePost(as(f.owner), f.ws.ID, f.input(nil))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := f.posts.CreatePost(as(f.owner), f.ws.ID, f.input(nil))
	if err != nil {
		t.Fatal(err)
	}
	for i, pub := range []struct {
		id int64
		at string
	}{{p1.Deliveries[0].ID, "2026-01-05 11:00"}, {p1.Deliveries[1].ID, "2026-02-01 00:30"}, {p2.Deliveries[0].ID, "2026-01-01 00:30"}} {
		if err := store.PublishForTest(db, pub.id, "r"+strconv.Itoa(i), local(pub.at)); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Exec(t, db, `INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, likes, replies)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p1.Deliveries[0].ID, f.ws.ID, p1.ID, p1.Deliveries[0].AccountID, "mastodon", local("2026-01-05 11:00").UnixMilli(), 5, 2)
	_ = ctx
	return f
}

// TestReportSummary checks the summary of a month against numbers worked
// out by hand, on both databases.
func TestReportSummary(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		jan := period("2026-01-01", "2026-01-31")
		s, err := f.reports.Summary(as(f.owner), f.ws.ID, jan)
		if err != nil {
			t.Fatal(err)
		}
		// cost = 2.5 h × 40.00 + 0.5 h × 30.00 + 50.00 spend = 165.00 (the
		// editor's 2 h have no rate); value = 60.00 of conversions + 20
		// engagements × 0.50 = 70.00; ROI = (70 − 165) ÷ 165 = −57.58 %.
		want := store.Summary{Posts: 2, Engagements: 20, FollowersDelta: 25, Clicks: 7,
			Hours: store.GearHours{Strategy: 1.5, Maintenance: 3, Metrics: 0.5},
			Cost:  roi.Money{Amount: 16500, Currency: "EUR"}, Value: roi.Money{Amount: 7000, Currency: "EUR"}}
		got := *s
		got.ROI, got.Missing = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("summary =\n %+v, want\n %+v", got, want)
		}
		if s.ROI == nil || *s.ROI != (store.SummaryROI{Gain: -9500, Cost: 16500, Percent: -57.6}) {
			t.Errorf("roi = %+v, want −9500 ÷ 16500, −57.6 %%", s.ROI)
		}
		// What was missing is listed: the editor's rate, one conversion's value.
		wantMissing := []roi.Missing{{Kind: roi.MissingRate, Person: "editor", Hours: 2}, {Kind: roi.MissingConversionValue, Count: 1}}
		if !sameMissing(s.Missing, wantMissing) {
			t.Errorf("missing = %+v, want %+v", s.Missing, wantMissing)
		}

		// Zero cost: only the editor (no rate) worked on 15 January.
		z, err := f.reports.Summary(as(f.owner), f.ws.ID, period("2026-01-15", "2026-01-15"))
		if err != nil {
			t.Fatal(err)
		}
		if z.ROI != nil || z.Cost.Amount != 0 || z.Hours.Maintenance != 2 || z.Posts != 0 || z.Engagements != 0 {
			t.Errorf("zero-cost day = %+v, want no ROI", z)
		}
		if !sameMissing(z.Missing, []roi.Missing{{Kind: roi.MissingRate, Person: "editor", Hours: 2}}) {
			t.Errorf("zero-cost day missing = %+v", z.Missing)
		}

		// The client (approver) reads reports but not who lacks a rate.
		c, err := f.reports.Summary(as(f.bo), f.ws.ID, jan)
		if err != nil {
			t.Fatal(err)
		}
		if c.Cost != s.Cost || !sameMissing(c.Missing, []roi.Missing{{Kind: roi.MissingRate, Hours: 2}, {Kind: roi.MissingConversionValue, Count: 1}}) {
			t.Errorf("the client's summary = %+v", c)
		}

		// Who may not: the editor (no reports), the outsider (not a member).
		_, err = f.reports.Summary(as(f.editor), f.ws.ID, jan)
		wantCode(t, err, gears.EFORBIDDEN)
		_, err = f.reports.Summary(as(f.outsider), f.ws.ID, jan)
		wantCode(t, err, gears.ENOTFOUND)
		// The other workspace counts only its own.
		o, err := f.reports.Summary(as(f.outsider), f.other.ID, jan)
		if err != nil {
			t.Fatal(err)
		}
		if o.Engagements != 1000 || o.Clicks != 1000 || o.Posts != 0 || o.FollowersDelta != 5000 || o.Hours.Strategy != 10 ||
			o.Cost.Amount != 100000 || o.Value.Amount != 100000 {
			t.Errorf("the other workspace = %+v", o)
		}

		// Bad periods name their field.
		for _, p := range []gears.ReportPeriod{period("2026-02-01", "2026-01-31"), period("2020-01-01", "2026-01-31"), {}} {
			_, err := f.reports.Summary(as(f.owner), f.ws.ID, p)
			var e *gears.Error
			if !errors.As(err, &e) || e.Code != gears.EINVALID || (e.Field != "from" && e.Field != "to") {
				t.Errorf("period %v: %v", p, err)
			}
		}
	})
}

func sameMissing(a, b []roi.Missing) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReportData checks the series and ROI tables of the report, and that
// they are redacted for whoever may not see rates.
func TestReportData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		jan := period("2026-01-01", "2026-01-31")
		d, err := f.reports.Report(as(f.owner), f.ws.ID, jan)
		if err != nil {
			t.Fatal(err)
		}
		if d.Redacted || d.Currency != "EUR" || d.WorkspaceName != "Aurora" || len(d.Engagement) != 31 {
			t.Fatalf("report = %+v", d)
		}
		if e := d.Engagement[1]; e.Total() != 16 || e.Clicks != 5 || !e.Day.Equal(date("2026-01-02")) {
			t.Errorf("2 January = %+v", e)
		}
		if e := d.Engagement[30]; e.Total() != 4 || e.Clicks != 2 {
			t.Errorf("31 January = %+v", e)
		}
		if len(d.Followers) != 2 || d.Followers[0].Network != "bluesky" || len(d.Followers[0].Points) != 2 ||
			d.Followers[1].Points[1].Value != 130 {
			t.Errorf("followers = %+v", d.Followers)
		}
		if c := d.BestHours[0][11]; c.Posts != 1 || c.Engagements != 7 {
			t.Errorf("Monday 11:00 = %+v", c)
		}
		if c := d.BestHours[3][0]; c.Posts != 1 || c.Engagements != 0 {
			t.Errorf("Thursday 00:00 = %+v", c)
		}
		// Hours: the weeks from Monday 29 December to Monday 26 January.
		if len(d.Hours) != 5*3 || !d.Hours[0].Week.Equal(time.Date(2025, 12, 29, 0, 0, 0, 0, f.madrid)) {
			t.Fatalf("hours = %+v", d.Hours)
		}
		var tracked float64
		for _, h := range d.Hours {
			tracked += h.Tracked
		}
		// Tracked per week counts whole weeks: the 0.5 h of 1 February is
		// in the week of 26 January; the 10 h of 31 December are not (its week starts
		// on 29 December, and it is there).
		if tracked != 1.5+1+2+0.5+0.5+10 {
			t.Errorf("tracked over the weeks = %v", tracked)
		}
		// ROI by campaign: "Spring" has the spend, conversions and 16
		// engagements; the hours have no campaign.
		spring := d.ByCampaign.Lines[0]
		if spring.Key != "Spring" || spring.Cost.Amount != 5000 || spring.Value.Amount != 6000+16*50 || spring.ROI == nil {
			t.Errorf("Spring = %+v", spring)
		}
		if d.ByCampaign.Total.Cost.Amount != 16500 || d.ByNetwork.Total.Value.Amount != 7000 {
			t.Errorf("totals: %+v %+v", d.ByCampaign.Total, d.ByNetwork.Total)
		}
		if !hasStep(d.ByGear, "roi.step.work") {
			t.Error("the owner's report lacks the steps of each person's hours")
		}

		// The client sees the same sums, without names or rates.
		c, err := f.reports.Report(as(f.bo), f.ws.ID, jan)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Redacted || c.ByGear.Total.Cost != d.ByGear.Total.Cost || hasStep(c.ByGear, "roi.step.work") || hasStep(c.ByGear, "roi.step.work_no_rate") ||
			!hasStep(c.ByGear, store.WorkStepKey) {
			t.Errorf("the client's report is not redacted: %+v", c.ByGear)
		}
		for _, r := range []roi.Report{c.ByGear, c.ByCampaign, c.ByNetwork} {
			for _, l := range append(r.Lines, r.Total) {
				for _, m := range l.Missing {
					if m.Person != "" {
						t.Errorf("the client's report names %q", m.Person)
					}
				}
				for _, s := range l.Steps {
					for _, a := range s.Args {
						if str, ok := a.(string); ok && (str == "owner" || str == "editor" || str == "analyst") {
							t.Errorf("the client's report shows %q in %s", str, s.Key)
						}
					}
				}
			}
		}
	})
}

func hasStep(r roi.Report, key string) bool {
	for _, l := range r.Lines {
		for _, s := range l.Steps {
			if s.Key == key {
				return true
			}
		}
	}
	return false
}

// TestRates: only managers see and set rates.
func TestRates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		rates, err := f.reports.FindRates(as(f.owner), f.ws.ID)
		if err != nil || rates[f.owner.ID] == nil || *rates[f.owner.ID] != 4000 || rates[f.editor.ID] != nil {
			t.Fatalf("rates = %v, %v", rates, err)
		}
		_, err = f.reports.FindRates(as(f.bo), f.ws.ID)
		wantCode(t, err, gears.EFORBIDDEN)
		_, err = f.reports.FindRates(as(f.analyst), f.ws.ID)
		wantCode(t, err, gears.EFORBIDDEN)
		c := int64(100)
		wantCode(t, f.reports.SetRate(as(f.analyst), f.ws.ID, f.analyst.ID, &c), gears.EFORBIDDEN)
		neg := int64(-1)
		wantCode(t, f.reports.SetRate(as(f.owner), f.ws.ID, f.editor.ID, &neg), gears.EINVALID)
		wantCode(t, f.reports.SetRate(as(f.owner), f.ws.ID, f.outsider.ID, &c), gears.ENOTFOUND)
		if err := f.reports.SetRate(as(f.owner), f.ws.ID, f.owner.ID, nil); err != nil {
			t.Fatal(err)
		}
		if rates, _ := f.reports.FindRates(as(f.owner), f.ws.ID); rates[f.owner.ID] != nil {
			t.Errorf("the owner's rate was not forgotten: %v", *rates[f.owner.ID])
		}
		wantCode(t, f.reports.SetResultSettings(as(f.owner), f.ws.ID, store.ResultSettings{Currency: "XXX"}), gears.EINVALID)
		wantCode(t, f.reports.SetResultSettings(as(f.analyst), f.ws.ID, store.ResultSettings{Currency: "USD"}), gears.EFORBIDDEN)
	})
}

// TestShareLinks: a link shows a redacted report until it is revoked.
func TestShareLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		jan := period("2026-01-01", "2026-01-31")
		l, err := f.reports.CreateShareLink(as(f.owner), f.ws.ID, gears.ShareLinkCreate{Period: &jan})
		if err != nil || !strings.HasPrefix(l.Token, "gshr_") {
			t.Fatalf("create = %+v, %v", l, err)
		}
		_, err = f.reports.CreateShareLink(as(f.bo), f.ws.ID, gears.ShareLinkCreate{Rolling: true})
		wantCode(t, err, gears.EFORBIDDEN)
		_, err = f.reports.CreateShareLink(as(f.owner), f.ws.ID, gears.ShareLinkCreate{})
		wantCode(t, err, gears.EINVALID)
		d, err := f.reports.SharedReport(context.Background(), l.Token)
		if err != nil || !d.Redacted || d.Summary.Cost.Amount != 16500 || d.Summary.Posts != 2 {
			t.Fatalf("shared = %+v, %v", d, err)
		}
		rolling, err := f.reports.CreateShareLink(as(f.owner), f.ws.ID, gears.ShareLinkCreate{Rolling: true})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.reports.SharedReport(context.Background(), rolling.Token)
		if err != nil || r.Period.Days() != 30 || !r.Period.To.Equal(date("2026-09-01")) {
			t.Fatalf("rolling = %+v, %v", r, err)
		}
		list, err := f.reports.FindShareLinks(as(f.owner), f.ws.ID)
		if err != nil || len(list) != 2 || list[0].Token != "" || list[1].Period == nil || !list[1].Period.To.Equal(jan.To) {
			t.Fatalf("list = %+v, %v", list, err)
		}
		wantCode(t, f.reports.RevokeShareLink(as(f.outsider), f.ws.ID, l.ID), gears.ENOTFOUND)
		if err := f.reports.RevokeShareLink(as(f.owner), f.ws.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.reports.SharedReport(context.Background(), l.Token)
		wantCode(t, err, gears.ENOTFOUND)
		_, err = f.reports.SharedReport(context.Background(), "gshr_unknown")
		wantCode(t, err, gears.ENOTFOUND)
		_, err = f.reports.SharedReport(context.Background(), "")
		wantCode(t, err, gears.ENOTFOUND)
	})
}

// TestScheduleSends: a due send is claimed, sent once and recorded with
// the next period in the same transaction; an attempt that died after its
// claim is never sent again, and says so.
func TestScheduleSends(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		_, err := f.reports.CreateSchedule(as(f.owner), f.ws.ID, gears.ReportScheduleCreate{Frequency: "daily", Recipients: []string{"a@example.com"}})
		wantCode(t, err, gears.EINVALID)
		_, err = f.reports.CreateSchedule(as(f.owner), f.ws.ID, gears.ReportScheduleCreate{Frequency: gears.Weekly, Recipients: []string{"not an address"}})
		wantCode(t, err, gears.EINVALID)
		_, err = f.reports.CreateSchedule(as(f.bo), f.ws.ID, gears.ReportScheduleCreate{Frequency: gears.Weekly, Recipients: []string{"a@example.com"}})
		wantCode(t, err, gears.EFORBIDDEN)
		// 1 September 2026 is a Tuesday: the first weekly send is Monday 7
		// September at 07:00 in Madrid (05:00 UTC).
		sch, err := f.reports.CreateSchedule(as(f.owner), f.ws.ID, gears.ReportScheduleCreate{Frequency: gears.Weekly,
			Recipients: []string{" client@example.org ", "Client <CLIENT@example.org>", "boss@example.org"}})
		if err != nil {
			t.Fatal(err)
		}
		if !sch.NextSendAt.Equal(time.Date(2026, 9, 7, 5, 0, 0, 0, time.UTC)) || len(sch.Recipients) != 2 {
			t.Fatalf("schedule = %+v", sch)
		}
		monthly, err := f.reports.CreateSchedule(as(f.owner), f.ws.ID, gears.ReportScheduleCreate{Frequency: gears.Monthly, Recipients: []string{"m@example.org"}})
		if err != nil || !monthly.NextSendAt.Equal(time.Date(2026, 10, 1, 5, 0, 0, 0, time.UTC)) {
			t.Fatalf("monthly = %+v, %v", monthly, err)
		}
		if due, err := f.reports.DueSends(context.Background(), f.now, 10); err != nil || len(due) != 0 {
			t.Fatalf("due now = %v, %v", due, err)
		}
		f.now = time.Date(2026, 9, 7, 5, 0, 1, 0, time.UTC)
		due, err := f.reports.DueSends(context.Background(), f.now, 10)
		if err != nil || len(due) != 1 || due[0].ScheduleID != sch.ID {
			t.Fatalf("due = %v, %v", due, err)
		}
		rep, err := f.reports.ClaimSend(context.Background(), due[0])
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Data.Redacted || !rep.Data.Period.From.Equal(date("2026-08-31")) || !rep.Data.Period.To.Equal(date("2026-09-06")) || rep.Data.Language != "en" {
			t.Errorf("the weekly report covers %+v", rep.Data.Period)
		}
		// A second attempt at the same send (the first died after its
		// claim) does not send: it records the interruption and moves on.
		if _, err := f.reports.ClaimSend(context.Background(), due[0]); !errors.Is(err, store.ErrSendInterrupted) {
			t.Fatalf("second claim = %v", err)
		}
		list, _ := f.reports.FindSchedules(as(f.owner), f.ws.ID)
		if list[0].LastError == "" || list[0].LastSentAt != nil || !list[0].NextSendAt.Equal(time.Date(2026, 9, 14, 5, 0, 0, 0, time.UTC)) {
			t.Errorf("after an interrupted send: %+v", list[0])
		}
		if _, err := f.reports.ClaimSend(context.Background(), due[0]); !errors.Is(err, store.ErrSendDone) {
			t.Fatalf("third claim = %v", err)
		}
		// The next week: claimed, then sent and recorded.
		f.now = time.Date(2026, 9, 14, 6, 0, 0, 0, time.UTC)
		due, _ = f.reports.DueSends(context.Background(), f.now, 10)
		if len(due) != 1 {
			t.Fatalf("due = %v", due)
		}
		if _, err := f.reports.ClaimSend(context.Background(), due[0]); err != nil {
			t.Fatal(err)
		}
		if err := f.reports.FinishSend(context.Background(), due[0], ""); err != nil {
			t.Fatal(err)
		}
		if err := f.reports.FinishSend(context.Background(), due[0], ""); !errors.Is(err, store.ErrSendDone) {
			t.Fatalf("finishing twice = %v", err)
		}
		list, _ = f.reports.FindSchedules(as(f.owner), f.ws.ID)
		s := list[0]
		if s.LastError != "" || s.LastSentAt == nil || s.LastPeriod == nil || !s.LastPeriod.From.Equal(date("2026-09-07")) ||
			!s.NextSendAt.Equal(time.Date(2026, 9, 21, 5, 0, 0, 0, time.UTC)) {
			t.Errorf("after a send: %+v", s)
		}
		// A temporary failure releases the claim: the next attempt sends.
		f.now = time.Date(2026, 9, 21, 6, 0, 0, 0, time.UTC)
		due, _ = f.reports.DueSends(context.Background(), f.now, 10)
		if _, err := f.reports.ClaimSend(context.Background(), due[0]); err != nil {
			t.Fatal(err)
		}
		if err := f.reports.ReleaseSend(context.Background(), due[0], "421 try later"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reports.ClaimSend(context.Background(), due[0]); err != nil {
			t.Fatalf("claim after release = %v", err)
		}
		// Down for weeks: one send, then the next from now.
		f.now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		if err := f.reports.FinishSend(context.Background(), due[0], ""); err != nil {
			t.Fatal(err)
		}
		list, _ = f.reports.FindSchedules(as(f.owner), f.ws.ID)
		if !list[0].NextSendAt.Equal(time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)) {
			t.Errorf("after weeks down, next = %v", list[0].NextSendAt)
		}
		wantCode(t, f.reports.DeleteSchedule(as(f.outsider), f.ws.ID, sch.ID), gears.ENOTFOUND)
		if err := f.reports.DeleteSchedule(as(f.owner), f.ws.ID, sch.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRebuildDailyMatchesReadings: the bulk rebuild of the roll-up from
// stored readings gives what recording them one by one gave.
func TestRebuildDailyMatchesReadings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMetricsFixture(t, db)
		f.round(t)
		at := f.now
		for i := range 40 {
			at = at.Add(time.Duration(30+i*47) * time.Minute)
			n := int64(i)
			f.record(t, store.PostReadingResult{DeliveryID: f.d1, ReadAt: at, Reading: counts(n/3, n/5, n, n%7)},
				store.PostReadingResult{DeliveryID: f.d2, ReadAt: at.Add(time.Minute), Reading: counts(n/2, 0, 2*n-(n%4), 0)})
		}
		incremental := f.daily(t)
		if len(incremental) < 2 {
			t.Fatalf("the readings span %d days", len(incremental))
		}
		storetest.Exec(t, db, `UPDATE daily_metrics SET likes = likes + 1000 WHERE workspace_id = ?`, f.ws.ID)
		if err := db.RebuildDaily(context.Background(), f.ws.ID); err != nil {
			t.Fatal(err)
		}
		rebuilt := f.daily(t)
		if len(rebuilt) != len(incremental) {
			t.Fatalf("rebuilt %v, recorded %v", rebuilt, incremental)
		}
		for day, v := range incremental {
			if rebuilt[day] != v {
				t.Errorf("day %d: rebuilt %v, recorded %v", day, rebuilt[day], v)
			}
		}
	})
}

// TestReportPreviousPeriod: the report holds the summary of as many days
// just before, to compare with: for January, December, whose only result
// is the owner's 10 hours of 31 December (at 40.00/h).
func TestReportPreviousPeriod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		d, err := f.reports.Report(as(f.owner), f.ws.ID, period("2026-01-01", "2026-01-31"))
		if err != nil {
			t.Fatal(err)
		}
		p := d.Previous
		if p == nil {
			t.Fatal("no previous period")
		}
		if p.Hours.Strategy != 10 || p.Hours.Maintenance != 0 || p.Cost.Amount != 40000 || p.Value.Amount != 0 ||
			p.Engagements != 0 || p.Posts != 0 || p.ROI == nil || p.ROI.Percent != -100 {
			t.Errorf("December = %+v (ROI %+v)", *p, p.ROI)
		}
		// A period starting in 2000 has nothing before it to compare with.
		d, err = f.reports.Report(as(f.owner), f.ws.ID, period("2000-01-01", "2000-01-31"))
		if err != nil || d.Previous != nil {
			t.Errorf("before 2000: %+v, %v", d.Previous, err)
		}
	})
}
