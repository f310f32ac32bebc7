package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

// TestCampaignResults: the campaign named as the fixture's results (a
// hostile name) ran in January: 12 engagements, 3 clicks, 1 conversion
// worth 50.00, and the owner's 2 hours for it at 40.00/h. Value 50.00 +
// 12 × 0.50 = 56.00, cost 80.00, ROI (56 − 80) ÷ 80 = −30 %. The page shows
// it to those who see reports, the API says it, the name stays text.
func TestCampaignResults(t *testing.T) {
	t.Parallel()
	f := &fixture{db: storetest.Open(t, store.SQLite), actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	f.populateResults(t)
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	c, err := store.NewStrategyService(f.db).CreateCampaign(owner, f.ws.ID, gears.CampaignInput{Name: hostileCampaign, StartsOn: "2026-01-01", EndsOn: "2026-01-31"})
	if err != nil {
		t.Fatal(err)
	}
	madrid, _ := time.LoadLocation("Europe/Madrid")
	if _, err := store.NewPlanService(f.db).AddTime(owner, f.ws.ID, workload.TimeEntryCreate{ActivityKey: "strategy.campaigns",
		StartedAt: time.Date(2026, 1, 20, 10, 0, 0, 0, madrid), Minutes: 120, TimeTags: workload.TimeTags{Campaign: hostileCampaign}}); err != nil {
		t.Fatal(err)
	}

	r := f.api(t, f.actors["owner"], "GET", f.apiPath("/campaigns/%d/results", c.ID), "")
	res, _ := r.body["results"].(map[string]any)
	if r.status != 200 || res == nil {
		t.Fatalf("results = %d %s", r.status, r.raw)
	}
	roiJSON, _ := res["roi"].(map[string]any)
	if res["from"] != "2026-01-01" || res["to"] != "2026-01-31" || res["engagements"].(float64) != 12 || res["clicks"].(float64) != 3 ||
		res["conversions"].(float64) != 1 || res["hours"].(float64) != 2 || roiJSON == nil || roiJSON["percent"].(float64) != -30 ||
		roiJSON["gain"].(float64) != -2400 {
		t.Errorf("results = %s", r.raw)
	}
	if steps, _ := res["steps"].([]any); len(steps) == 0 || !strings.Contains(r.raw, "40.00") {
		t.Errorf("the owner's arithmetic is missing: %s", r.raw)
	}
	if r := f.api(t, f.actors["editor"], "GET", f.apiPath("/campaigns/%d/results", c.ID), ""); r.status != 403 {
		t.Errorf("an editor reads the results: %d", r.status)
	}

	for _, lang := range []string{"en", "es"} {
		status, page := f.get(t, f.actors["owner"], lang, f.path("/campaigns/%d", c.ID))
		if status != 200 || !strings.Contains(page, "data-campaign-results") || !strings.Contains(page, `data-k="engagements">12<`) ||
			!strings.Contains(page, "/metrics?from=2026-01-01&amp;period=custom&amp;to=2026-01-31") {
			t.Fatalf("%s: campaign page = %d without its results", lang, status)
		}
		if strings.Contains(page, hostileCampaign) {
			t.Errorf("%s: the campaign's name is markup", lang)
		}
		if keys := untranslated(page); len(keys) > 0 {
			t.Errorf("%s: untranslated keys %v", lang, keys)
		}
	}
	_, en := f.get(t, f.actors["owner"], "en", f.path("/campaigns/%d", c.ID))
	_, es := f.get(t, f.actors["owner"], "es", f.path("/campaigns/%d", c.ID))
	if !strings.Contains(en, `data-k="roi">-30 %<`) && !strings.Contains(en, `data-k="roi">−30 %<`) || !strings.Contains(es, `data-k="cost">80,00 €<`) {
		t.Errorf("the figures are not written as computed: %s / %s", between(en, "data-k=\"roi\">", "<"), between(es, "data-k=\"cost\">", "<"))
	}
	// Who may not see reports sees the campaign without its results.
	if status, page := f.get(t, f.actors["editor"], "en", f.path("/campaigns/%d", c.ID)); status != 200 || strings.Contains(page, "data-campaign-results") {
		t.Errorf("the editor's campaign page = %d, with results", status)
	}
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}
