package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"gears/store"
	"gears/store/storetest"
)

type apiResult struct {
	status int
	body   map[string]any
	raw    string
}

func (f *fixture) api(t *testing.T, a *actor, method, path, body string) apiResult {
	t.Helper()
	return f.apiIn(t, a, "", method, path, body)
}

// apiIn is f.api in a language ("": none asked): the request asks for it
// with Accept-Language. a nil actor sends no token.
func (f *fixture) apiIn(t *testing.T, a *actor, lang, method, path, body string) apiResult {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if a != nil {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := apiResult{status: resp.StatusCode, raw: string(b)}
	json.Unmarshal(b, &r.body)
	return r
}

// errorOf returns the code and message of an API error body, failing the
// test when the body does not have the documented shape.
func errorOf(t *testing.T, r apiResult) (code, message string) {
	t.Helper()
	e, ok := r.body["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", r.raw)
	}
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	if code == "" || message == "" {
		t.Fatalf("error without code or message: %s", r.raw)
	}
	return code, message
}

func TestAPIWorkspaces(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		owner := f.actors["owner"]
		r := f.api(t, owner, "POST", "/api/v1/workspaces", `{"name":"Bodega Sur","timezone":"America/Mexico_City"}`)
		if r.status != 201 || r.body["name"] != "Bodega Sur" || r.body["timezone"] != "America/Mexico_City" || r.body["role"] != "owner" {
			t.Fatalf("create = %d %s", r.status, r.raw)
		}
		r = f.api(t, owner, "GET", "/api/v1/workspaces", "")
		list, _ := r.body["workspaces"].([]any)
		if r.status != 200 || len(list) != 2 {
			t.Fatalf("list = %d %s", r.status, r.raw)
		}
		for _, k := range []string{"id", "name", "timezone", "role"} {
			if _, ok := list[0].(map[string]any)[k]; !ok {
				t.Errorf("workspace without %q: %s", k, r.raw)
			}
		}
		r = f.api(t, owner, "GET", "/api/v1/me", "")
		if r.status != 200 || r.body["email"] != "owner@example.com" || r.body["language"] != "" {
			t.Fatalf("me = %d %s", r.status, r.raw)
		}
		for _, k := range []string{"id", "email", "name", "language"} {
			if _, ok := r.body[k]; !ok {
				t.Errorf("me without %q", k)
			}
		}
		r = f.api(t, nil, "GET", "/api/v1/me", "")
		if code, _ := errorOf(t, r); r.status != 401 || code != "unauthorized" {
			t.Errorf("no token: %d %s", r.status, r.raw)
		}
		r = f.api(t, &actor{token: "gears_not-a-real-token"}, "GET", "/api/v1/me", "")
		if r.status != 401 {
			t.Errorf("bad token: %d %s", r.status, r.raw)
		}
		r = f.api(t, f.actors["outsider"], "GET", fmt.Sprintf("/api/v1/workspaces/%d/members", f.ws.ID), "")
		if code, _ := errorOf(t, r); r.status != 404 || code != "not_found" {
			t.Errorf("outsider: %d %s", r.status, r.raw)
		}
		r = f.api(t, owner, "GET", "/api/v1/no/such/thing", "")
		if r.status != 404 {
			t.Errorf("unknown API path: %d %s", r.status, r.raw)
		}
	})
}

// TestAPIBadInput sends what a careless or hostile client sends and checks
// each gets a clear 400 in the error shape, and that nothing was written.
func TestAPIBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	owner := f.actors["owner"]
	huge := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	for _, tt := range []struct {
		name, body, code, field, contains string
	}{
		{"malformed", `{"name": "A",`, "invalid", "", "JSON"},
		{"not an object", `[1,2]`, "invalid", "", ""},
		{"empty", ``, "invalid", "", "empty"},
		{"unknown field", `{"name":"A","timezone":"UTC","colour":"red"}`, "invalid", "colour", "colour"},
		{"wrong type", `{"name":42}`, "invalid", "name", "name"},
		{"trailing data", `{"name":"A"} {"name":"B"}`, "invalid", "", ""},
		{"bad time zone", `{"name":"A","timezone":"Mars/Olympus_Mons"}`, "invalid", "timezone", "Mars/Olympus_Mons"},
		{"blank name", `{"name":"   "}`, "invalid", "name", ""},
		{"oversized", huge, "too_large", "", "KiB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := f.api(t, owner, "POST", "/api/v1/workspaces", tt.body)
			code, msg := errorOf(t, r)
			if r.status != 400 || code != tt.code {
				t.Errorf("status %d code %q, want 400 %q: %s", r.status, code, tt.code, r.raw)
			}
			if e := r.body["error"].(map[string]any); tt.field != "" && e["field"] != tt.field {
				t.Errorf("field = %v, want %q", e["field"], tt.field)
			}
			if !strings.Contains(msg, tt.contains) {
				t.Errorf("message %q does not mention %q", msg, tt.contains)
			}
		})
	}
	r := f.api(t, owner, "GET", "/api/v1/workspaces", "")
	if list, _ := r.body["workspaces"].([]any); len(list) != 1 {
		t.Errorf("bad requests wrote something: %s", r.raw)
	}
	// The message follows the language asked for.
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/workspaces", strings.NewReader(`{"name":"A","timezone":"Nowhere/Land"}`))
	req.Header.Set("Authorization", "Bearer "+owner.token)
	req.Header.Set("Accept-Language", "es-ES,es;q=0.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "no es una zona horaria") {
		t.Errorf("Spanish error expected: %s", b)
	}
}

func TestAPIEstimate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	r := f.api(t, f.actors["editor"], "POST", "/api/v1/plans/estimate", `{"networks":4,"posts_per_week":10,"mentions_per_week":100,"rate":30}`)
	if r.status != 200 {
		t.Fatalf("estimate = %d %s", r.status, r.raw)
	}
	weekly := r.body["weekly_hours"].(float64)
	m := r.body["maintenance"].(map[string]any)["weekly_hours"].(float64)
	x := r.body["metrics"].(map[string]any)["weekly_hours"].(float64)
	if weekly <= 0 || fmt.Sprintf("%.1f", m+x) != fmt.Sprintf("%.1f", weekly) {
		t.Errorf("weekly %v ≠ maintenance %v + metrics %v", weekly, m, x)
	}
	if cost := r.body["weekly_cost"].(float64); fmt.Sprintf("%.2f", cost) != fmt.Sprintf("%.2f", weekly*30) {
		t.Errorf("weekly cost %v ≠ %v × 30", cost, weekly)
	}
	acts := r.body["strategy"].(map[string]any)["activities"].([]any)
	if len(acts) != 6 || acts[0].(map[string]any)["name"] == "" {
		t.Errorf("strategy activities: %v", acts)
	}
	r = f.api(t, f.actors["editor"], "POST", "/api/v1/plans/estimate", `{"networks":-3}`)
	if code, _ := errorOf(t, r); r.status != 400 || code != "invalid" || r.body["error"].(map[string]any)["field"] != "networks" {
		t.Errorf("negative networks: %d %s", r.status, r.raw)
	}
}
