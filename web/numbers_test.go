package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

// numbersCase is what a page must show in each language, and what it must
// not.
type numbersCase struct {
	want, not []string
}

// checkNumbers gets path as b in each language of cases and checks the
// numbers it shows.
func checkNumbers(t *testing.T, b *browser, path string, cases map[string]numbersCase) {
	t.Helper()
	for lang, c := range cases {
		st, body, _ := b.get(path, "Accept-Language", lang)
		if st != 200 {
			t.Fatalf("%s %s = %d", lang, path, st)
		}
		for _, want := range c.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s %s lacks %s", lang, path, want)
			}
		}
		for _, not := range c.not {
			if strings.Contains(body, not) {
				t.Errorf("%s %s shows %s", lang, path, not)
			}
		}
		if keys := untranslated(body); len(keys) > 0 {
			t.Errorf("%s %s shows untranslated keys: %v", lang, path, keys)
		}
	}
}

// TestNumbersInTheReadersLanguage reads the metrics page, the planner and
// an objective in English and in Spanish: every number a person reads has
// the language's decimal mark and groups of thousands (as its money has),
// and the values of inputs keep the decimal point browsers need. The
// expected figures are worked out by hand in the comments.
func TestNumbersInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	reports, plans := store.NewReportService(f.db), store.NewPlanService(f.db)
	owner := as(f.actors["owner"].user)
	rate, value := int64(4000), int64(50)
	if err := reports.SetRate(owner, f.ws.ID, f.actors["owner"].user.ID, &rate); err != nil {
		t.Fatal(err)
	}
	if err := reports.SetResultSettings(owner, f.ws.ID, store.ResultSettings{Currency: "EUR", EngagementValueCents: &value}); err != nil {
		t.Fatal(err)
	}
	madrid, _ := time.LoadLocation("Europe/Madrid")
	// 150 minutes of strategy (2.5 h) and 45 of maintenance (0.75 h).
	for who, e := range map[string]workload.TimeEntryCreate{
		"owner":  {ActivityKey: "strategy.research", StartedAt: time.Date(2026, 1, 12, 10, 0, 0, 0, madrid), Minutes: 150},
		"editor": {ActivityKey: "maintenance.engagement", StartedAt: time.Date(2026, 1, 13, 10, 0, 0, 0, madrid), Minutes: 45},
	} {
		if _, err := plans.AddTime(as(f.actors[who].user), f.ws.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	// 2 replies + 3 reposts + 1500 likes = 1505 engagements on one day.
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).Unix() / 86400
	storetest.Exec(t, f.db, `INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign, replies, reposts, likes, quotes, clicks,
		conversions, conversion_value_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ws.ID, day, "mastodon", f.account.ID, "", 2, 3, 1500, 0, 0, 0, 0)

	b := signIn(t, f, "owner")

	// The metrics page. Hours: strategy 2.5, maintenance 0.75 → 0.8
	// (half away from zero), metrics 0; in all 3.25 → 3.3 (printf's
	// "%.1f" says 3.2). Cost 2.5 h × 40.00 = 100.00 €; value 1505 ×
	// 0.50 = 752.50 €. The engagement chart's axis runs 0 to 2000 by 500:
	// its 1500 is written 1.5k.
	checkNumbers(t, b, f.path("/metrics?period=custom&from=2026-01-01&to=2026-01-31"), map[string]numbersCase{
		"en": {want: []string{`data-k="hours_strategy">2.5<`, `data-k="hours_maintenance">0.8<`, `data-k="hours_metrics">0.0<`,
			`data-k="engagements">1,505<`, `data-k="cost">100.00 €<`, `data-k="value">752.50 €<`,
			`<td>2.5</td><td>100.00 €</td>`, `<td>3.3</td><td>100.00 €</td><td>752.50 €</td>`, `>1.5k</text>`}},
		"es": {want: []string{`data-k="hours_strategy">2,5<`, `data-k="hours_maintenance">0,8<`, `data-k="hours_metrics">0,0<`,
			`data-k="engagements">1.505<`, `data-k="cost">100,00 €<`, `data-k="value">752,50 €<`,
			`<td>2,5</td><td>100,00 €</td>`, `<td>3,3</td><td>100,00 €</td><td>752,50 €</td>`, `>1,5k</text>`},
			not: []string{`>2.5<`, `>0.8<`, `>3.3<`, `>1.5k<`, `>1,505<`}},
	})

	// The planner with the typical organisation and a rate of 25.5: 37.0
	// hours a week (31.0 of maintenance, 6.0 of metrics), 37 ÷ 40 = 0.925
	// → 0.93 people, 284.0 hours of strategy; costs 37 × 25.5 = 943.50 a
	// week and 284 × 25.5 = 7242.00 for the strategy. The drawing says
	// 284 ÷ 12 weeks = 23.67 → 23.7 hours a week. Engagement's formula
	// starts (0.5 × 4 networks + 0.05 × 100 mentions).
	planner := f.path("/planner?rate=25.5")
	rateInput := `id="pf-rate" name="rate" type="number" min="0" step="any" inputmode="decimal" value="25.5"`
	checkNumbers(t, b, planner, map[string]numbersCase{
		"en": {want: []string{`<strong>37.0</strong>`, `<strong>0.93</strong>`, `<strong>284.0</strong>`, `<strong>943.50</strong>`,
			`<strong>7,242.00</strong>`, `· 31.0 `, `· 6.0 `, `<td class="num">160.0</td>`, `>0.05</span>`,
			"Strategy: 284 h over 12 weeks ≈ 23.7 h/week", "Maintenance: 31 h/week", rateInput}},
		"es": {want: []string{`<strong>37,0</strong>`, `<strong>0,93</strong>`, `<strong>284,0</strong>`, `<strong>943,50</strong>`,
			`<strong>7.242,00</strong>`, `· 31,0 `, `· 6,0 `, `<td class="num">160,0</td>`, `>0,05</span>`,
			"Estrategia: 284 h en 12 semanas ≈ 23,7 h/semana", "Mantenimiento: 31 h/semana", rateInput},
			not: []string{`<strong>37.0</strong>`, `<strong>0.93</strong>`, `<td class="num">160.0</td>`, `>0.05</span>`, "23.7"}},
	})
	_, es, _ := b.get(planner, "Accept-Language", "es")
	monitoring := regexp.MustCompile(`(?s)data-activity="maintenance.monitoring">.*?<td class="num">([^<]*)</td>`).FindStringSubmatch(es)
	if monitoring == nil || monitoring[1] != "4,2" {
		t.Errorf("monitoring's hours in Spanish = %v, want 4,2", monitoring)
	}

	// Two saved scenarios compared, three networks against five: the
	// differences are signed ("+", escaped by the template) and written
	// in the language; the data attribute a program reads keeps Go's
	// point.
	var ids []string
	for _, n := range []int{3, 5} {
		_, _, h := b.post(f.path("/plans"), plannerForm("Scenario", n))
		m := planLocation.FindStringSubmatch(h.Get("Location"))
		if m == nil {
			t.Fatalf("saving a plan led to %q", h.Get("Location"))
		}
		ids = append(ids, m[1])
	}
	compare := f.path("/planner/compare?a=%s&b=%s", ids[0], ids[1])
	for lang, summary := range map[string]*regexp.Regexp{
		"en": regexp.MustCompile(`needs &#43;\d+\.\d h a week \(&#43;\d\.\d\d people, &#43;[\d,]+\.\d\d in cost a week\)`),
		"es": regexp.MustCompile(`requiere &#43;\d+,\d h semanales \(&#43;\d,\d\d personas, &#43;[\d.]+,\d\d de coste semanal\)`),
	} {
		_, body, _ := b.get(compare, "Accept-Language", lang)
		if !summary.MatchString(body) {
			t.Errorf("%s: the comparison's summary is not %s: %s", lang, summary, regexp.MustCompile(`class="card difference"[^<]*`).FindString(body))
		}
		if !regexp.MustCompile(`data-weekly-diff="(\+|&#43;)\d+\.\d"`).MatchString(body) {
			t.Errorf("%s: the weekly difference's attribute lost its point", lang)
		}
	}
	// The saved plans' summaries beside the planner.
	_, es, _ = b.get(f.path("/planner"), "Accept-Language", "es")
	if got := regexp.MustCompile(`\d+[.,]\d+ h semanales, \d+[.,]\d+ personas`).FindAllString(es, -1); len(got) != 2 ||
		!regexp.MustCompile(`^\d+,\d h semanales, \d,\d\d personas$`).MatchString(got[0]) {
		t.Errorf("the saved plans in Spanish say %q", got)
	}

	// An objective of readings entered by people: the reading 1234.5 is
	// the current value; the target is 100, a whole number written as
	// counts are.
	o := must(f.strategyService().CreateObjective(owner, f.ws.ID, gears.ObjectiveInput{Title: "Grow", KPI: gears.KPICustom,
		Target: 100, StartsOn: time.Now().AddDate(0, 0, -7).Format("2006-01-02"), DueOn: time.Now().AddDate(0, 1, 0).Format("2006-01-02")}))
	must(f.strategyService().AddReading(owner, f.ws.ID, o.ID, gears.KPIReadingInput{Day: time.Now().In(f.ws.Location()).Format("2006-01-02"), Value: 1234.5}))
	checkNumbers(t, b, f.path("/objectives/%d", o.ID), map[string]numbersCase{
		"en": {want: []string{`data-figure="current">1,234.5<`, `data-figure="target">100<`, `<td class="num">1,234.5</td>`}},
		"es": {want: []string{`data-figure="current">1.234,5<`, `data-figure="target">100<`, `<td class="num">1.234,5</td>`},
			not: []string{`1234.5`, `1,234.5`}},
	})
}
