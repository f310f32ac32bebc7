package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gears"
	"gears/workload"
)

// The -update flag rewrites the golden files. Another test file of this
// package may define it first; then that one is shared.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

// planUpdateGolden reports whether -update was given.
func planUpdateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// runPlan runs `gears plan` with args and returns its stdout, stderr and error.
func runPlan(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := cmdPlan(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// planGolden compares got with testdata/plan/name, or rewrites it with -update.
func planGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "plan", name)
	if planUpdateGolden() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Plan -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// planTypicalArgs describe workload.Typical() with a rate of 30 per hour.
var planTypicalArgs = []string{"--networks", "4", "--posts-per-week", "10", "--mentions-per-week", "100",
	"--blog-posts-per-month", "2", "--campaigns-per-quarter", "1", "--contests-per-quarter", "1",
	"--reports-per-month", "1", "--rate=30"}

func TestPlanGolden(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"typical.en.golden", planTypicalArgs},
		{"typical.es.golden", append([]string{"--lang", "es"}, planTypicalArgs...)},
		{"typical.en.json.golden", append([]string{"--json"}, planTypicalArgs...)},
		{"typical.es.json.golden", append([]string{"--json", "--lang=es"}, planTypicalArgs...)},
		{"b2b-large.en.golden", []string{"--networks", "6", "--posts-per-week", "30", "--mentions-per-week", "400",
			"--reports-per-month", "4", "--languages", "2", "--org-size", "large", "--audience", "b2b", "--crisis-risk", "high",
			"--hours-per-fte", "37.5", "--plan-weeks", "8"}},
		{"empty.es.golden", []string{"--lang", "es"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runPlan(t, tt.args...)
			if err != nil || stderr != "" {
				t.Fatalf("gears plan %v: %v\n%s", tt.args, err, stderr)
			}
			planGolden(t, tt.golden, stdout)
		})
	}
}

func TestPlanJSONShape(t *testing.T) {
	t.Parallel()
	stdout, _, err := runPlan(t, append([]string{"--json"}, planTypicalArgs...)...)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"strategy", "maintenance", "metrics", "weekly_hours", "fte", "weekly_cost", "strategy_cost"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if len(got) != 7 {
		t.Errorf("JSON has %d top-level keys, want 7: %v", len(got), got)
	}
	act := got["strategy"].(map[string]any)["activities"].([]any)[0].(map[string]any)
	if act["key"] != "strategy.research" || act["name"] != "Industry and competitor research" {
		t.Errorf("first strategy activity = %v", act)
	}
	want, _ := workload.Estimate(workload.Input{Networks: 4, PostsPerWeek: 10, MentionsPerWeek: 100,
		BlogPostsPerMonth: 2, CampaignsPerQuarter: 1, ContestsPerQuarter: 1, ReportsPerMonth: 1, Rate: 30})
	if got["weekly_hours"] != want.WeeklyHours || got["weekly_cost"] != want.WeeklyCost {
		t.Errorf("weekly_hours %v, weekly_cost %v; want %v, %v", got["weekly_hours"], got["weekly_cost"], want.WeeklyHours, want.WeeklyCost)
	}
}

func TestPlanInputFile(t *testing.T) {
	t.Parallel()
	want, _, err := runPlan(t, append([]string{"--json"}, planTypicalArgs...)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"typical.json", "typical.yaml", "typical-json-no-extension"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			got, stderr, err := runPlan(t, "--json", "--input", filepath.Join("testdata", "plan", file))
			if err != nil {
				t.Fatalf("%v: %s", err, stderr)
			}
			if got != want {
				t.Errorf("--input %s gives\n%s\nwant the same as the flags:\n%s", file, got, want)
			}
		})
	}
}

func TestPlanFlagsOverrideInputFile(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := runPlan(t, "--json", "--input", filepath.Join("testdata", "plan", "typical.yaml"), "--networks", "2", "--rate", "0")
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var got workload.Result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	in := workload.Typical()
	in.Networks = 2
	want, _ := workload.Estimate(in)
	if got.WeeklyHours != want.WeeklyHours || got.Strategy.TotalHours != want.Strategy.TotalHours || got.WeeklyCost != 0 {
		t.Errorf("got %v h/week, %v h strategy, cost %v; want %v, %v, 0", got.WeeklyHours, got.Strategy.TotalHours, got.WeeklyCost, want.WeeklyHours, want.Strategy.TotalHours)
	}
}

func TestPlanOverridesFromFile(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := runPlan(t, "--json", "--input", filepath.Join("testdata", "plan", "overrides.yaml"))
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var got workload.Result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	// overrides.yaml: 100 mentions at 6 minutes each instead of 3.
	plain, _ := workload.Estimate(workload.Typical())
	if d := got.Maintenance.WeeklyHours - plain.Maintenance.WeeklyHours; d < 4.9 || d > 5.1 {
		t.Errorf("override added %v h/week, want 5", d)
	}
}

func TestPlanBadInput(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		args   []string
		stderr string // a part of what stderr must say
		field  string // the field of the *gears.Error; "" when not one
	}{
		{"negative networks", []string{"--networks", "-1"}, "networks cannot be negative.", "networks"},
		{"negative networks es", []string{"--lang", "es", "--networks=-1"}, "El valor de networks no puede ser negativo.", "networks"},
		{"absurd posts", []string{"--posts-per-week", "1e9"}, "posts_per_week cannot be more than 5,000.", "posts_per_week"},
		{"absurd mentions es", []string{"--lang", "es", "--mentions-per-week", "1e9"}, "El valor de mentions_per_week no puede ser mayor que 200.000.", "mentions_per_week"},
		{"NaN mentions", []string{"--mentions-per-week", "NaN"}, "mentions_per_week must be a finite number.", "mentions_per_week"},
		{"unknown size", []string{"--org-size", "huge"}, `org_size must be one of: micro, small, medium, large (got "huge").`, "org_size"},
		{"unknown risk es", []string{"--lang", "es", "--crisis-risk", "extreme"}, `crisis_risk debe ser uno de estos valores: low, medium, high (se recibió "extreme").`, "crisis_risk"},
		{"unknown language", []string{"--lang", "fr"}, `Unknown language "fr"; use one of: en, es.`, "lang"},
		{"stray argument", []string{"4"}, `Unexpected argument "4"`, "args"},
		{"missing file", []string{"--input", "testdata/plan/nope.yaml"}, "Cannot read the input file testdata/plan/nope.yaml", "input"},
		{"unknown field", []string{"--input", "testdata/plan/unknown-field.yaml"}, "field netwroks not found", "input"},
		{"bad override", []string{"--lang", "es", "--input", "testdata/plan/bad-override.json"}, "overrides.maintenance.blogs.per_network: no existe ese parámetro", "overrides.maintenance.blogs.per_network"},
		{"not a number", []string{"--networks", "four"}, `invalid value "four" for flag -networks`, ""},
		{"unknown flag", []string{"--netwroks", "4"}, "flag provided but not defined: -netwroks", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runPlan(t, tt.args...)
			if err == nil {
				t.Fatalf("gears plan %v succeeded:\n%s", tt.args, stdout)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.stderr)
			}
			var e *gears.Error
			if tt.field != "" && (!errors.As(err, &e) || e.Code != gears.EINVALID || e.Field != tt.field) {
				t.Errorf("error = %v, want an invalid *gears.Error on %s", err, tt.field)
			}
			if !errors.Is(err, errUsage) {
				t.Errorf("error = %v, want it to wrap errUsage (exit status 2)", err)
			}
			if strings.Count(stderr, "\n") > 1 && tt.field != "" {
				t.Errorf("stderr says more than one line: %q", stderr)
			}
		})
	}
}

func TestPlanHelp(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runPlan(t, "--lang", lang, "--help")
			if !errors.Is(err, flag.ErrHelp) {
				t.Errorf("--help returned %v, want flag.ErrHelp", err)
			}
			if stdout != "" {
				t.Errorf("stdout = %q", stdout)
			}
			planGolden(t, "help."+lang+".golden", stderr)
		})
	}
}

// TestPlanNumbersInSpanish reads the table in Spanish: decimal commas,
// thousands grouped with points as Spanish amounts are, and the hours of a
// full-time person with their decimals.
func TestPlanNumbersInSpanish(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := runPlan(t, append([]string{"--lang", "es", "--hours-per-fte", "37.5"}, append(planTypicalArgs, "--rate", "1000")...)...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	// 37.0 h a week of 37.5 h per person: 0.99 people; 37.0 × 1000 and
	// 284.0 × 1000 in cost.
	for _, want := range []string{"Tamaño del equipo: 0,99 ETC (personas a jornada completa de 37,5 h/semana)",
		"Coste semanal: 37.000,00\n", "Coste de la estrategia: 284.000,00\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the Spanish table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestPlanSVG(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gears.svg")
	_, stderr, err := runPlan(t, append([]string{"--lang", "es", "--svg", path}, planTypicalArgs...)...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	paths := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if s, ok := tok.(xml.StartElement); ok && s.Name.Local == "path" {
			paths++
		}
	}
	if paths != 3 {
		t.Errorf("%d gears in the drawing, want 3", paths)
	}
	if !bytes.Contains(b, []byte("Estrategia: 284 h en 12 semanas ≈ 23,7 h/semana")) {
		t.Errorf("drawing lacks the Spanish strategy label:\n%s", b)
	}
	_, stderr, err = runPlan(t, "--svg", filepath.Join(t.TempDir(), "no", "such", "dir.svg"))
	if err == nil || !strings.Contains(stderr, "Cannot write the drawing") {
		t.Errorf("unwritable --svg: err %v, stderr %q", err, stderr)
	}
}
