package web_test

import (
	"fmt"
	"net/url"
	"testing"

	"gears/store"
	"gears/store/storetest"
)

// TestCRUDShapes checks the API shapes of crud.go through the strategy
// gear's endpoints: nothing yet is an empty list (never null), a PATCH
// keeps the fields its body leaves out, a DELETE answers 204 and the thing
// is then not found, and an ID that is not a positive number is not found.
func TestCRUDShapes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newStrategyFixture(t, db)
		ed := f.actors["editor"]
		api := func(method, path, body string) apiResult { return f.api(t, ed, method, f.apiPath("%s", path), body) }

		for path, key := range map[string]string{"/research-notes": "research_notes", "/competitors": "competitors",
			"/campaigns": "campaigns", "/objectives": "objectives"} {
			r := api("GET", path, "")
			if list, ok := r.body[key].([]any); r.status != 200 || !ok || len(list) != 0 {
				t.Errorf("GET %s with nothing yet = %d %s, want {%q: []}", path, r.status, r.raw, key)
			}
		}

		r := api("POST", "/research-notes", `{"title":"Audience","body":"They read at night.","source_url":"https://example.com/survey"}`)
		if r.status != 201 {
			t.Fatalf("create note = %d %s", r.status, r.raw)
		}
		note := fmt.Sprintf("/research-notes/%d", int64(r.body["id"].(float64)))
		r = api("PATCH", note, `{"body":"They read in the morning."}`)
		if r.status != 200 || r.body["body"] != "They read in the morning." || r.body["title"] != "Audience" ||
			r.body["source_url"] != "https://example.com/survey" {
			t.Errorf("patch note = %d %s, want the title and source kept", r.status, r.raw)
		}
		r = api("PATCH", note, `{"body":"x","colour":"red"}`)
		if r.status != 400 {
			t.Errorf("patch note with an unknown field = %d %s, want 400", r.status, r.raw)
		}
		if r = api("GET", note, ""); r.status != 200 || r.body["body"] != "They read in the morning." {
			t.Errorf("a refused patch changed the note: %d %s", r.status, r.raw)
		}

		r = api("POST", "/campaigns", `{"name":"Spring","networks":["mastodon"],"starts_on":"2026-03-01","ends_on":"2026-03-31"}`)
		if r.status != 201 {
			t.Fatalf("create campaign = %d %s", r.status, r.raw)
		}
		campaign := fmt.Sprintf("/campaigns/%d", int64(r.body["id"].(float64)))
		if r = api("GET", campaign+"/spend", ""); r.status != 200 || fmt.Sprint(r.body["spend"]) != "[]" {
			t.Errorf("GET spend with none yet = %d %s, want {\"spend\": []}", r.status, r.raw)
		}
		r = api("PATCH", campaign, `{"description":"Flowers"}`)
		if r.status != 200 || r.body["name"] != "Spring" || r.body["description"] != "Flowers" || r.body["ends_on"] != "2026-03-31" {
			t.Errorf("patch campaign = %d %s, want the name and dates kept", r.status, r.raw)
		}

		if r = api("DELETE", note, ""); r.status != 204 || r.raw != "" {
			t.Errorf("delete note = %d %q, want 204 and no body", r.status, r.raw)
		}
		for _, c := range []struct{ method, path string }{{"GET", note}, {"PATCH", note}, {"DELETE", note},
			{"GET", "/research-notes/abc"}, {"GET", "/research-notes/0"}, {"DELETE", "/competitors/-1"}, {"GET", "/campaigns/1x/spend"}} {
			body := ""
			if c.method == "PATCH" {
				body = `{"title":"x"}`
			}
			if r = api(c.method, c.path, body); r.status != 404 {
				t.Errorf("%s %s = %d %s, want 404", c.method, c.path, r.status, r.raw)
			}
		}
	})
}

// TestDeleteForm deletes through the pages' forms (crud.go's deleteForm):
// the person is sent back with the flash, and the thing is gone.
func TestDeleteForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "editor")
	b.get(f.path("/strategy"))
	if st, _, h := b.post(f.path("/strategy/competitors"), url.Values{"name": {"Rival"}, "network": {"mastodon"},
		"handle": {"rival@example.com"}}); st != 303 {
		t.Fatalf("add competitor = %d %v", st, h)
	}
	r := f.api(t, f.actors["editor"], "GET", f.apiPath("/competitors"), "")
	list, _ := r.body["competitors"].([]any)
	if len(list) != 1 {
		t.Fatalf("competitors = %s", r.raw)
	}
	id := int64(list[0].(map[string]any)["id"].(float64))
	st, _, h := b.post(f.path("/strategy/competitors/%d/delete", id), nil)
	// The message is in the query, before the fragment, so the page shows it.
	if loc, err := url.Parse(h.Get("Location")); err != nil || st != 303 || loc.Path != f.path("/strategy") || loc.Query().Get("ok") != "flash.strategy_deleted" {
		t.Errorf("delete competitor = %d to %q", st, h.Get("Location"))
	}
	if r = f.api(t, f.actors["editor"], "GET", f.apiPath("/competitors/%d", id), ""); r.status != 404 {
		t.Errorf("the deleted competitor = %d %s", r.status, r.raw)
	}
	if st, _, _ = b.post(f.path("/strategy/competitors/%d/delete", id), nil); st != 404 {
		t.Errorf("deleting it again = %d, want 404", st)
	}
	if st, _, _ = b.post(f.path("/strategy/competitors/x/delete"), nil); st != 404 {
		t.Errorf("deleting competitor x = %d, want 404", st)
	}
}
