package store_test

import (
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

// TestCampaignResults: "Spring" runs from 1 January to 1 March. Read on
// 31 January it has January's spend (50.00), 16 engagements, 5 clicks and
// 3 conversions (60.00 for two of them): value 60.00 + 16 × 0.50 = 68.00,
// ROI (68 − 50) ÷ 50 = 36 %. After its end it also has February's spend.
func TestCampaignResults(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReportFixture(t, db)
		day := func(s string) time.Time {
			t, _ := time.ParseInLocation("2006-01-02 15:04", s, f.madrid)
			return t
		}
		r, err := f.reports.CampaignResults(as(f.owner), f.ws.ID, 9001, day("2026-01-31 20:00"))
		if err != nil {
			t.Fatal(err)
		}
		if r == nil || r.Period != period("2026-01-01", "2026-01-31") {
			t.Fatalf("results = %+v", r)
		}
		if r.Engagements != 16 || r.Clicks != 5 || r.Conversions != 3 || r.Posts != 0 || r.ROI.Key != "Spring" ||
			r.ROI.Cost.Amount != 5000 || r.ROI.Value.Amount != 6800 || r.ROI.ROI == nil || r.ROI.ROI.PercentTenths() != 360 || r.Redacted {
			t.Errorf("Spring in January = %+v, ROI %+v", r, r.ROI.ROI)
		}
		after, err := f.reports.CampaignResults(as(f.owner), f.ws.ID, 9001, day("2026-06-01 10:00"))
		if err != nil || after.Period != period("2026-01-01", "2026-03-01") || after.ROI.Cost.Amount != 5000+9999 {
			t.Errorf("after its end = %+v, %v", after, err)
		}
		if before, err := f.reports.CampaignResults(as(f.owner), f.ws.ID, 9001, day("2025-12-31 23:00")); before != nil || err != nil {
			t.Errorf("before its start = %+v, %v", before, err)
		}
		if _, err := f.reports.CampaignResults(as(f.owner), f.ws.ID, 9002, day("2026-01-31 20:00")); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Errorf("the other workspace's campaign: %v", err)
		}
		if _, err := f.reports.CampaignResults(as(f.editor), f.ws.ID, 9001, day("2026-01-31 20:00")); gears.ErrorCode(err) != gears.EFORBIDDEN {
			t.Errorf("an editor reads a campaign's results: %v", err)
		}
		if r, err := f.reports.CampaignResults(as(f.analyst), f.ws.ID, 9001, day("2026-01-31 20:00")); err != nil || !r.Redacted {
			t.Errorf("the analyst's results are not redacted: %+v, %v", r, err)
		}
	})
}
