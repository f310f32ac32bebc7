package gears_test

import (
	"math"
	"testing"

	"gears"
)

func day(t *testing.T, s string) int64 {
	t.Helper()
	d, ok := gears.DayNumber(s)
	if !ok {
		t.Fatalf("bad day %q", s)
	}
	return d
}

func values(p gears.Progress) (out []float64) {
	for _, pt := range p.Series {
		out = append(out, pt.Value)
	}
	return out
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9 {
			return false
		}
	}
	return true
}

// Engagements count up from the baseline, day by day; what happened before
// the start or after today does not count. By hand: 5, +0, +10, +0, +15,
// +0 = 30 on the sixth of ten days, where the line expects 50.
func TestProgressCumulative(t *testing.T) {
	t.Parallel()
	o := &gears.Objective{KPI: gears.KPIEngagements, Baseline: 0, Target: 100, StartsOn: "2026-11-01", DueOn: "2026-11-11"}
	data := gears.ProgressData{Increments: []gears.DayValue{
		{day(t, "2026-10-31"), 99}, {day(t, "2026-11-01"), 5}, {day(t, "2026-11-03"), 4}, {day(t, "2026-11-03"), 6},
		{day(t, "2026-11-05"), 15}, {day(t, "2026-11-20"), 7},
	}}
	p := gears.ComputeProgress(o, "2026-11-06", data)
	if want := []float64{5, 5, 15, 15, 30, 30}; !sameFloats(values(p), want) {
		t.Errorf("series %v, want %v", values(p), want)
	}
	if p.Series[0].Day != "2026-11-01" || p.Series[5].Day != "2026-11-06" || p.Series[2].Expected != 20 {
		t.Errorf("series days or expectation wrong: %+v", p.Series)
	}
	if p.Current != 30 || p.Expected != 50 || p.Percent != 30 || p.OnTrack || p.Reached || !p.HasData {
		t.Errorf("progress %+v", p)
	}
}

// Followers of all accounts: each account's last reading is carried
// forward (a reading before the start is the level at the start), then
// summed. By hand: 600+450, 610+450, 610+470, 640+470; the line expects
// 1000 + 200×3/20 = 1030 on the fourth day, and 110 of 200 is 55 %.
func TestProgressLevelsSum(t *testing.T) {
	t.Parallel()
	o := &gears.Objective{KPI: gears.KPIFollowers, Baseline: 1000, Target: 1200, StartsOn: "2026-11-01", DueOn: "2026-11-21"}
	data := gears.ProgressData{Levels: [][]gears.DayValue{
		{{day(t, "2026-11-04"), 640}, {day(t, "2026-10-30"), 600}, {day(t, "2026-11-02"), 610}}, // unsorted on purpose
		{{day(t, "2026-11-01"), 450}, {day(t, "2026-11-03"), 470}},
	}}
	p := gears.ComputeProgress(o, "2026-11-04", data)
	if want := []float64{1050, 1060, 1080, 1110}; !sameFloats(values(p), want) {
		t.Errorf("series %v, want %v", values(p), want)
	}
	if p.Current != 1110 || p.Expected != 1030 || p.Percent != 55 || !p.OnTrack || p.Reached {
		t.Errorf("progress %+v", p)
	}
}

// A goal that goes down (a response time from 50 to 20 minutes): the
// baseline holds until the first reading; 35 on day 6 of 10 is exactly on
// the line (50 − 30×5/10) and half-way.
func TestProgressDownwards(t *testing.T) {
	t.Parallel()
	o := &gears.Objective{KPI: gears.KPICustom, Baseline: 50, Target: 20, StartsOn: "2026-11-01", DueOn: "2026-11-11"}
	p := gears.ComputeProgress(o, "2026-11-06", gears.ProgressData{Levels: [][]gears.DayValue{{{day(t, "2026-11-05"), 35}}}})
	if want := []float64{50, 50, 50, 50, 35, 35}; !sameFloats(values(p), want) {
		t.Errorf("series %v, want %v", values(p), want)
	}
	if p.Current != 35 || p.Expected != 35 || p.Percent != 50 || !p.OnTrack || p.Reached {
		t.Errorf("progress %+v", p)
	}
	// 36 is above the line, which for a goal going down is behind.
	p = gears.ComputeProgress(o, "2026-11-06", gears.ProgressData{Levels: [][]gears.DayValue{{{day(t, "2026-11-05"), 36}}}})
	if p.OnTrack {
		t.Errorf("36 on a line at 35 going down is on track: %+v", p)
	}
}

func TestProgressEdges(t *testing.T) {
	t.Parallel()
	o := &gears.Objective{KPI: gears.KPIPosts, Baseline: 0, Target: 4, StartsOn: "2026-11-01", DueOn: "2026-11-03"}
	// No data yet: the baseline, nothing done, and behind from day two.
	p := gears.ComputeProgress(o, "2026-11-02", gears.ProgressData{})
	if p.HasData || p.Current != 0 || p.Percent != 0 || p.Expected != 2 || p.OnTrack || len(p.Series) != 2 {
		t.Errorf("no data: %+v", p)
	}
	// Before the start: no series, the baseline expected, on track.
	p = gears.ComputeProgress(o, "2026-10-20", gears.ProgressData{})
	if len(p.Series) != 0 || p.Expected != 0 || !p.OnTrack {
		t.Errorf("before start: %+v", p)
	}
	// After the due date: the series stops at the due date, the target is
	// expected, and 5 of 4 is reached at 125 %.
	p = gears.ComputeProgress(o, "2026-12-01", gears.ProgressData{Increments: []gears.DayValue{
		{day(t, "2026-11-01"), 2}, {day(t, "2026-11-03"), 3}, {day(t, "2026-11-04"), 9}}})
	if len(p.Series) != 3 || p.Series[2].Day != "2026-11-03" || p.Current != 5 || p.Expected != 4 || p.Percent != 125 || !p.Reached || !p.OnTrack {
		t.Errorf("after due: %+v", p)
	}
}

func TestObjectiveValidate(t *testing.T) {
	t.Parallel()
	acc := int64(7)
	ok := func() gears.ObjectiveInput {
		return gears.ObjectiveInput{Title: " Grow ", KPI: gears.KPIFollowers, AccountID: &acc, Baseline: 100, Target: 200, StartsOn: "2026-11-01", DueOn: "2026-12-31"}
	}
	in := ok()
	if err := in.Validate(); err != nil || in.Title != "Grow" {
		t.Fatalf("valid objective: %v %q", err, in.Title)
	}
	cases := []struct {
		name  string
		edit  func(*gears.ObjectiveInput)
		field string
	}{
		{"no title", func(o *gears.ObjectiveInput) { o.Title = "  " }, "title"},
		{"unknown kpi", func(o *gears.ObjectiveInput) { o.KPI = "likes" }, "kpi"},
		{"campaign on followers", func(o *gears.ObjectiveInput) { o.Campaign = "Spring" }, "campaign"},
		{"account on clicks", func(o *gears.ObjectiveInput) { o.KPI = gears.KPIClicks }, "account"},
		{"network on custom", func(o *gears.ObjectiveInput) { o.KPI, o.AccountID, o.Network = gears.KPICustom, nil, gears.Mastodon }, "network"},
		{"unknown network", func(o *gears.ObjectiveInput) { o.Network = "myspace" }, "network"},
		{"target is baseline", func(o *gears.ObjectiveInput) { o.Target = 100 }, "target"},
		{"infinite target", func(o *gears.ObjectiveInput) { o.Target = math.Inf(1) }, "target"},
		{"bad start", func(o *gears.ObjectiveInput) { o.StartsOn = "2026-02-30" }, "starts_on"},
		{"no due date", func(o *gears.ObjectiveInput) { o.DueOn = "" }, "due_on"},
		{"due before start", func(o *gears.ObjectiveInput) { o.DueOn = "2026-10-01" }, "due_on"},
		{"due on start", func(o *gears.ObjectiveInput) { o.DueOn = o.StartsOn }, "due_on"},
	}
	for _, c := range cases {
		in := ok()
		c.edit(&in)
		err := in.Validate()
		if e := gears.AsError(err); err == nil || e.Code != gears.EINVALID || e.Field != c.field {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
}

func TestStrategyInputsValidate(t *testing.T) {
	t.Parallel()
	field := func(err error) string {
		if err == nil {
			return ""
		}
		return gears.AsError(err).Field
	}
	c := gears.CampaignInput{Name: "Spring", Networks: []gears.Network{"mastodon", "mastodon"}, StartsOn: "2026-03-01", EndsOn: "2026-03-31"}
	if err := c.Validate(); err != nil || len(c.Networks) != 1 {
		t.Errorf("campaign: %v %v", err, c.Networks)
	}
	for name, tc := range map[string]struct {
		in    interface{ Validate() error }
		field string
	}{
		"campaign ends first":   {&gears.CampaignInput{Name: "A", StartsOn: "2026-03-02", EndsOn: "2026-03-01"}, "ends_on"},
		"campaign comma":        {&gears.CampaignInput{Name: "A,B", StartsOn: "2026-03-01", EndsOn: "2026-03-01"}, "name"},
		"campaign network":      {&gears.CampaignInput{Name: "A", Networks: []gears.Network{"x"}, StartsOn: "2026-03-01", EndsOn: "2026-03-01"}, "networks"},
		"competitor handle":     {&gears.CompetitorInput{Name: "B", Network: gears.Bluesky, Handle: "a b"}, "handle"},
		"competitor url":        {&gears.CompetitorInput{Name: "B", Network: gears.Bluesky, Handle: "b.example", ProfileURL: "javascript:alert(1)"}, "profile_url"},
		"competitor network":    {&gears.CompetitorInput{Name: "B", Handle: "b.example"}, "network"},
		"note title":            {&gears.ResearchNoteInput{Body: "x"}, "title"},
		"spend zero":            {&gears.CampaignSpendInput{SpentOn: "2026-03-01"}, "amount"},
		"spend gear":            {&gears.CampaignSpendInput{AmountCents: 100, Gear: "blue", SpentOn: "2026-03-01"}, "gear"},
		"spend date":            {&gears.CampaignSpendInput{AmountCents: 100, SpentOn: "yesterday"}, "spent_on"},
		"channel twice":         {&gears.StrategyInput{Channels: []gears.ChannelRole{{Network: "mastodon", Role: "a"}, {Network: "mastodon", Role: "b"}}}, "channels"},
		"reading not a number":  {&gears.KPIReadingInput{Day: "2026-03-01", Value: math.NaN()}, "value"},
		"reading without a day": {&gears.KPIReadingInput{Value: 3}, "day"},
	} {
		if got := field(tc.in.Validate()); got != tc.field {
			t.Errorf("%s: field %q, want %q", name, got, tc.field)
		}
	}
	s := gears.StrategyInput{Channels: []gears.ChannelRole{{Network: "mastodon", Role: " Community "}, {Network: "bluesky", Role: ""}}}
	if err := s.Validate(); err != nil || len(s.Channels) != 1 || s.Channels[0].Role != "Community" {
		t.Errorf("strategy: %v %+v", err, s.Channels)
	}
	h := gears.CompetitorInput{Name: "B", Network: gears.Mastodon, Handle: "@b@example.social"}
	if err := h.Validate(); err != nil || h.Handle != "b@example.social" {
		t.Errorf("competitor: %v %q", err, h.Handle)
	}
}

// BenchmarkProgress measures a year-long objective over ten accounts'
// daily follower counts, and over a year of daily counts.
func BenchmarkProgress(b *testing.B) {
	start, _ := gears.DayNumber("2026-01-01")
	levels := make([][]gears.DayValue, 10)
	var incs []gears.DayValue
	for a := range levels {
		for d := int64(0); d < 365; d++ {
			levels[a] = append(levels[a], gears.DayValue{Day: start + d, Value: float64(1000 + d)})
		}
	}
	for d := int64(0); d < 365; d++ {
		incs = append(incs, gears.DayValue{Day: start + d, Value: float64(d % 7)})
	}
	fol := &gears.Objective{KPI: gears.KPIFollowers, Baseline: 10000, Target: 20000, StartsOn: "2026-01-01", DueOn: "2026-12-31"}
	eng := &gears.Objective{KPI: gears.KPIEngagements, Target: 2000, StartsOn: "2026-01-01", DueOn: "2026-12-31"}
	b.Run("followers", func(b *testing.B) {
		for b.Loop() {
			gears.ComputeProgress(fol, "2026-12-31", gears.ProgressData{Levels: levels})
		}
	})
	b.Run("engagements", func(b *testing.B) {
		for b.Loop() {
			gears.ComputeProgress(eng, "2026-12-31", gears.ProgressData{Increments: incs})
		}
	})
}
