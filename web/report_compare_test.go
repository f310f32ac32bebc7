package web

import (
	"testing"

	"gears/roi"
	"gears/store"
)

// TestSummaryChanges: each figure against the period before, computed by
// hand, in both languages.
func TestSummaryChanges(t *testing.T) {
	eur := func(c int64) roi.Money { return roi.Money{Amount: c, Currency: "EUR"} }
	d := &store.ReportData{
		Summary: store.Summary{Posts: 63, Engagements: 0, Clicks: 5, FollowersDelta: 20,
			Hours: store.GearHours{Strategy: 10.5, Maintenance: 4, Metrics: 0},
			Cost:  eur(40000), Value: eur(28000), ROI: &store.SummaryROI{Gain: -12000, Cost: 40000, Percent: -30}},
		Previous: &store.Summary{Posts: 50, Engagements: 0, Clicks: 0, FollowersDelta: -5,
			Hours: store.GearHours{Strategy: 12, Maintenance: 4, Metrics: 2},
			Cost:  eur(30000), Value: eur(0), ROI: &store.SummaryROI{Gain: -30000, Cost: 30000, Percent: -100}},
	}
	want := map[string]map[string]summaryChange{
		"en": {
			"posts":             {"+26 % · before: 50", "up"},       // 13 / 50
			"engagements":       {"as before: 0", "same"},           // nothing either time
			"clicks":            {"before: 0", "up"},                // no percent of nothing
			"hours_strategy":    {"-13 % · before: 12.0 h", "down"}, // -1.5 / 12 = -12.5 %, away from zero
			"hours_maintenance": {"as before: 4.0 h", "same"},
			"hours_metrics":     {"-100 % · before: 2.0 h", "down"},
			"cost":              {"+33 % · before: 300.00 €", "up"}, // 100 / 300
			"value":             {"before: 0.00 €", "up"},
			"followers_delta":   {"+25 · before: -5", "up"}, // 20 − (−5)
			"roi":               {"+70.0 points · before: -100.0 %", "up"},
		},
		"es": {
			"hours_strategy": {"-13 % · antes: 12,0 h", "down"},
			"cost":           {"+33 % · antes: 300,00 €", "up"},
			"roi":            {"+70,0 puntos · antes: -100,0 %", "up"},
		},
	}
	for lang, cases := range want {
		got := summaryChanges(lang, d)
		for k, w := range cases {
			if got[k] != w {
				t.Errorf("%s %s = %+v, want %+v", lang, k, got[k], w)
			}
		}
	}
	// A small move keeps a tenth; a tiny one is no move.
	d.Summary.Posts, d.Previous.Posts = 1001, 1000
	d.Summary.Clicks, d.Previous.Clicks = 100001, 100000
	got := summaryChanges("en", d)
	if got["posts"] != (summaryChange{"+0.1 % · before: 1,000", "up"}) || got["clicks"] != (summaryChange{"0.0 % · before: 100,000", "same"}) {
		t.Errorf("small moves: %+v, %+v", got["posts"], got["clicks"])
	}
	// Without an ROI either time, only what it was.
	d.Summary.ROI = nil
	if got := summaryChanges("en", d)["roi"]; got.Text != "before: -100.0 %" {
		t.Errorf("no ROI now: %+v", got)
	}
	d.Previous = nil
	if got := summaryChanges("en", d); got != nil {
		t.Errorf("no previous period: %v", got)
	}
}
