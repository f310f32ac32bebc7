package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/workload"
)

// The TimeEntry schema of api/openapi.yaml.
var timeEntrySchema = map[string][]string{
	"id": {"number"}, "workspace_id": {"number"}, "user_id": {"number"}, "activity_key": {"string"}, "task_id": {"number", "null"},
	"started_at": {"time"}, "minutes": {"number"}, "running": {"boolean"}, "note": {"string"}, "source": {"string"},
	"ref_type": {"string"}, "ref_id": {"number"}, "campaign": {"string"}, "network": {"string"},
}

// TestTimeTags: the time page and the API take what time was for (a
// campaign of the workspace, a network); a campaign that does not exist is
// refused with the form kept; the week lists the tags.
func TestTimeTags(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	manager := f.actors["manager"]
	if _, err := store.NewStrategyService(f.db).CreateCampaign(as(manager.user), f.ws.ID, gears.CampaignInput{
		Name: "Spring <sale>", StartsOn: "2026-03-01", EndsOn: "2026-03-31"}); err != nil {
		t.Fatal(err)
	}

	ed := signIn(t, f, "editor")
	st, body, _ := ed.get(f.path("/time"))
	if st != 200 || !strings.Contains(body, `<option value="Spring &lt;sale&gt;">Spring &lt;sale&gt;</option>`) ||
		!strings.Contains(body, `id="timer-network"`) || !strings.Contains(body, `id="entry-campaign"`) {
		t.Fatalf("time page = %d: the campaign and network selects are missing", st)
	}
	now := time.Now().In(f.ws.Location())
	today, week := now.Format("2006-01-02"), workload.WeekStart(now).Format("2006-01-02")
	entry := url.Values{"work": {"strategy.campaigns"}, "date": {today}, "amount": {"1"}, "unit": {"h"}, "note": {"ads copy"},
		"campaign": {"Autumn"}, "network": {"mastodon"}}
	st, body, _ = ed.post(f.path("/time"), entry)
	if st != 400 || !strings.Contains(body, `no campaign called &#34;Autumn&#34;`) || !strings.Contains(body, `value="ads copy"`) ||
		!strings.Contains(body, `<option value="mastodon" selected>`) || !strings.Contains(body, `id="entry-campaign" name="campaign" aria-invalid="true"`) {
		t.Errorf("unknown campaign = %d, want 400 keeping the input", st)
	}
	entry.Set("campaign", "Spring <sale>")
	entry.Set("network", "friendster")
	if st, body, _ := ed.post(f.path("/time"), entry); st != 400 || !strings.Contains(body, "Unknown network") {
		t.Errorf("unknown network = %d", st)
	}
	entry.Set("network", "mastodon")
	if st, _, _ := ed.post(f.path("/time"), entry); st != 303 {
		t.Fatalf("tagged entry = %d", st)
	}
	if st, _, _ := ed.post(f.path("/time/start"), url.Values{"work": {"maintenance.engagement"}, "network": {"bluesky"}}); st != 303 {
		t.Fatalf("tagged timer = %d", st)
	}
	// The week of the entry, whenever the test runs: the server's "this
	// week" may already be the next one.
	st, body, _ = ed.get(f.path("/time?week=%s", week))
	if st != 200 || !strings.Contains(body, "campaign Spring &lt;sale&gt;</span> · <span class=\"muted\">Mastodon") ||
		!strings.Contains(body, "<span class=\"muted\">Bluesky</span>") {
		t.Errorf("the week does not show the tags: %d", st)
	}

	// The API: the same rules, the tags in the entry.
	r := f.api(t, manager, "POST", f.apiPath("/time"), `{"activity_key":"strategy.campaigns","started_at":"2026-03-02","minutes":30,"campaign":"Spring <sale>","network":"bluesky"}`)
	if r.status != 201 || r.body["campaign"] != "Spring <sale>" || r.body["network"] != "bluesky" {
		t.Fatalf("API entry = %d %s", r.status, r.raw)
	}
	checkSchema(t, "time entry", r.body, timeEntrySchema, "ref_type", "ref_id") // only captured time refers to something
	wantError(t, f.api(t, manager, "POST", f.apiPath("/time"), `{"activity_key":"strategy.campaigns","started_at":"2026-03-02","minutes":30,"campaign":"Autumn"}`), 400, "campaign", "Autumn")
	wantError(t, f.api(t, manager, "POST", f.apiPath("/time"), `{"activity_key":"strategy.campaigns","started_at":"2026-03-02","minutes":30,"network":7}`), 400, "network", "")
	r = f.api(t, manager, "POST", f.apiPath("/time/timer/start"), `{"activity_key":"strategy.campaigns","campaign":"Spring <sale>"}`)
	if r.status != 201 || r.body["campaign"] != "Spring <sale>" || r.body["network"] != "" {
		t.Fatalf("API timer = %d %s", r.status, r.raw)
	}
	wantError(t, f.api(t, manager, "POST", f.apiPath("/time/timer/start"), `{"activity_key":"strategy.campaigns","campaign":"x","colour":"red"}`), 400, "colour", "colour")
}
