package roi_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gears/locale"
	"gears/roi"
)

func eur(cents int64) roi.Money   { return roi.Money{Amount: cents, Currency: "EUR"} }
func eurp(cents int64) *roi.Money { m := eur(cents); return &m }
func ratio(gain, cost int64) *roi.ROI {
	return &roi.ROI{Gain: gain, Cost: cost}
}

// want is a line's expected figures, worked out by hand.
type want struct {
	key          string
	hours        float64
	cost, value  int64 // cents
	roi          *roi.ROI
	unattributed bool // no ROI: part of the value or spend has no gear
	missing      []roi.Missing
}

// networkInputs serve the network, gear and total groupings.
func networkInputs() roi.Inputs {
	return roi.Inputs{
		Currency: "EUR",
		Rates:    map[string]roi.Money{"Ana": eur(4000), "Ben": eur(3000)},
		Work: []roi.Work{
			{Person: "Ana", Hours: 2, Activity: "maintenance.engagement", Campaign: "S", Network: "mastodon"},
			{Person: "Ana", Hours: 1, Activity: "maintenance.curation", Campaign: "S", Network: "bluesky"},
			{Person: "Ben", Hours: 1, Activity: "strategy.research", Campaign: "S"},
		},
		Spend: []roi.Spend{{Campaign: "S", Network: "mastodon", Amount: eur(1000)}},
		Conversions: []roi.Conversion{
			{Campaign: "S", Network: "mastodon", Count: 2, ValueEach: eurp(5000)},
			{Campaign: "S", Network: "bluesky", Count: 4, Total: eurp(2000)},
		},
	}
}

func TestCompute(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		in    roi.Inputs
		by    roi.Dimension
		lines []want
		total want
	}{
		{
			name: "simple campaign",
			in: roi.Inputs{
				Currency:    "EUR",
				Rates:       map[string]roi.Money{"Ana": eur(4000)},
				Work:        []roi.Work{{Person: "Ana", Hours: 12.5, Activity: "maintenance.engagement", Campaign: "Spring"}},
				Spend:       []roi.Spend{{Campaign: "Spring", Amount: eur(30000)}},
				Conversions: []roi.Conversion{{Campaign: "Spring", Count: 48, ValueEach: eurp(2500)}},
			},
			by: roi.ByCampaign,
			// cost = 12.5 × 4000 = 50000, + 30000 spend = 80000
			// value = 48 × 2500 = 120000; ROI = 40000 / 80000 = 50 %
			lines: []want{{key: "Spring", hours: 12.5, cost: 80000, value: 120000, roi: ratio(40000, 80000)}},
			total: want{key: "total", hours: 12.5, cost: 80000, value: 120000, roi: ratio(40000, 80000)},
		},
		{
			name: "two people with different rates",
			in: roi.Inputs{
				Currency: "EUR",
				Rates:    map[string]roi.Money{"Ana": eur(4000), "Ben": eur(3000)},
				Work: []roi.Work{
					{Person: "Ana", Hours: 6, Campaign: "C"},
					{Person: "Ana", Hours: 4, Campaign: "C"},
					{Person: "Ben", Hours: 2.25, Campaign: "C"},
				},
				Conversions: []roi.Conversion{{Campaign: "C", Count: 2, ValueEach: eurp(25000)}},
			},
			by: roi.ByCampaign,
			// Ana (6 + 4) h × 4000 = 40000; Ben 2.25 × 3000 = 6750; cost 46750
			// value 2 × 25000 = 50000; gain 3250
			lines: []want{{key: "C", hours: 12.25, cost: 46750, value: 50000, roi: ratio(3250, 46750)}},
			total: want{key: "total", hours: 12.25, cost: 46750, value: 50000, roi: ratio(3250, 46750)},
		},
		{
			name: "rounding half to even",
			in: roi.Inputs{
				Currency: "EUR",
				Rates:    map[string]roi.Money{"Ana": eur(100), "Dan": eur(1000)},
				Work: []roi.Work{
					{Person: "Ana", Hours: 1.005, Campaign: "A"}, // 100.5 → 100 (even)
					{Person: "Ana", Hours: 1.015, Campaign: "B"}, // 101.5 → 102 (even); float 1.015*100 rounds to 101
					{Person: "Ana", Hours: 0.125, Campaign: "C"}, // 12.5 → 12 (even)
					{Person: "Dan", Hours: 1.005, Campaign: "D"}, // 1005 exactly
				},
			},
			by: roi.ByCampaign,
			lines: []want{
				{key: "A", hours: 1.005, cost: 100, roi: ratio(-100, 100)},
				{key: "B", hours: 1.015, cost: 102, roi: ratio(-102, 102)},
				{key: "C", hours: 0.125, cost: 12, roi: ratio(-12, 12)},
				{key: "D", hours: 1.005, cost: 1005, roi: ratio(-1005, 1005)},
			},
			// 100 + 102 + 12 + 1005 = 1219
			total: want{key: "total", hours: 3.15, cost: 1219, roi: ratio(-1219, 1219)},
		},
		{
			name: "zero cost",
			in: roi.Inputs{
				Currency:    "EUR",
				Conversions: []roi.Conversion{{Campaign: "Z", Count: 3, ValueEach: eurp(1000)}},
			},
			by: roi.ByCampaign,
			// value 3 × 1000 = 3000; no cost: ROI undefined
			lines: []want{{key: "Z", value: 3000}},
			total: want{key: "total", value: 3000},
		},
		{
			name: "zero value with cost",
			in: roi.Inputs{
				Currency: "EUR",
				Rates:    map[string]roi.Money{"Ana": eur(4000)},
				Work:     []roi.Work{{Person: "Ana", Hours: 2, Campaign: "X"}},
			},
			by: roi.ByCampaign,
			// cost 2 × 4000 = 8000, value 0: −100 %
			lines: []want{{key: "X", hours: 2, cost: 8000, roi: ratio(-8000, 8000)}},
			total: want{key: "total", hours: 2, cost: 8000, roi: ratio(-8000, 8000)},
		},
		{
			name: "missing rate",
			in: roi.Inputs{
				Currency:    "EUR",
				Rates:       map[string]roi.Money{"Ana": eur(4000)},
				Work:        []roi.Work{{Person: "Ana", Hours: 2, Campaign: "M"}, {Person: "Eve", Hours: 3, Campaign: "M"}},
				Conversions: []roi.Conversion{{Campaign: "M", Count: 1, ValueEach: eurp(10000)}},
			},
			by: roi.ByCampaign,
			// Ana 2 × 4000 = 8000; Eve's 3 h count as hours, not cost
			// value 10000; gain 2000 → 25 %
			lines: []want{{key: "M", hours: 5, cost: 8000, value: 10000, roi: ratio(2000, 8000),
				missing: []roi.Missing{{Kind: roi.MissingRate, Person: "Eve", Hours: 3}}}},
			total: want{key: "total", hours: 5, cost: 8000, value: 10000, roi: ratio(2000, 8000),
				missing: []roi.Missing{{Kind: roi.MissingRate, Person: "Eve", Hours: 3}}},
		},
		{
			name: "missing conversion value",
			in: roi.Inputs{
				Currency: "EUR",
				Spend:    []roi.Spend{{Campaign: "V", Amount: eur(2000)}},
				Conversions: []roi.Conversion{
					{Campaign: "V", Count: 5, ValueEach: eurp(1000)},
					{Campaign: "V", Count: 7},
				},
			},
			by: roi.ByCampaign,
			// cost 2000; value 5 × 1000 = 5000, the 7 add none; gain 3000 → 150 %
			lines: []want{{key: "V", cost: 2000, value: 5000, roi: ratio(3000, 2000),
				missing: []roi.Missing{{Kind: roi.MissingConversionValue, Count: 7}}}},
			total: want{key: "total", cost: 2000, value: 5000, roi: ratio(3000, 2000),
				missing: []roi.Missing{{Kind: roi.MissingConversionValue, Count: 7}}},
		},
		{
			name: "engagements with a value",
			in: roi.Inputs{
				Currency:        "EUR",
				Spend:           []roi.Spend{{Campaign: "E", Amount: eur(1000)}},
				Engagements:     []roi.Engagement{{Campaign: "E", Count: 120}, {Campaign: "E", Network: "mastodon", Count: 30}},
				EngagementValue: eurp(10),
			},
			by: roi.ByCampaign,
			// value (120 + 30) × 10 = 1500; cost 1000; gain 500 → 50 %
			lines: []want{{key: "E", cost: 1000, value: 1500, roi: ratio(500, 1000)}},
			total: want{key: "total", cost: 1000, value: 1500, roi: ratio(500, 1000)},
		},
		{
			name: "engagements without a value",
			in: roi.Inputs{
				Currency:    "EUR",
				Spend:       []roi.Spend{{Campaign: "E", Amount: eur(1000)}},
				Engagements: []roi.Engagement{{Campaign: "E", Count: 120}, {Campaign: "E", Network: "mastodon", Count: 30}},
			},
			by: roi.ByCampaign,
			// 150 engagements add nothing; value 0 → −100 %
			lines: []want{{key: "E", cost: 1000, roi: ratio(-1000, 1000),
				missing: []roi.Missing{{Kind: roi.MissingEngagementValue, Count: 150}}}},
			total: want{key: "total", cost: 1000, roi: ratio(-1000, 1000),
				missing: []roi.Missing{{Kind: roi.MissingEngagementValue, Count: 150}}},
		},
		{
			name: "spend without conversions",
			in: roi.Inputs{
				Currency: "EUR",
				Spend:    []roi.Spend{{Campaign: "Spring", Network: "mastodon", Amount: eur(30000)}},
			},
			by:    roi.ByCampaign,
			lines: []want{{key: "Spring", cost: 30000, roi: ratio(-30000, 30000)}},
			total: want{key: "total", cost: 30000, roi: ratio(-30000, 30000)},
		},
		{
			name: "work without a campaign",
			in: roi.Inputs{
				Currency: "EUR",
				Rates:    map[string]roi.Money{"Ana": eur(4000)},
				Work:     []roi.Work{{Person: "Ana", Hours: 1, Campaign: "K"}, {Person: "Ana", Hours: 0.5}},
			},
			by: roi.ByCampaign,
			// K: 1 × 4000 = 4000; (none): 0.5 × 4000 = 2000
			lines: []want{
				{key: "K", hours: 1, cost: 4000, roi: ratio(-4000, 4000)},
				{key: roi.None, hours: 0.5, cost: 2000, roi: ratio(-2000, 2000)},
			},
			total: want{key: "total", hours: 1.5, cost: 6000, roi: ratio(-6000, 6000)},
		},
		{
			name: "per network",
			in:   networkInputs(),
			by:   roi.ByNetwork,
			// bluesky: Ana 1 × 4000 = 4000; value total 2000; gain −2000
			// mastodon: Ana 2 × 4000 = 8000 + spend 1000 = 9000; value 2 × 5000 = 10000; gain 1000
			// (none): Ben 1 × 3000 = 3000; value 0
			lines: []want{
				{key: "bluesky", hours: 1, cost: 4000, value: 2000, roi: ratio(-2000, 4000)},
				{key: "mastodon", hours: 2, cost: 9000, value: 10000, roi: ratio(1000, 9000)},
				{key: roi.None, hours: 1, cost: 3000, roi: ratio(-3000, 3000)},
			},
			// 4000 + 9000 + 3000 = 16000; 2000 + 10000 = 12000
			total: want{key: "total", hours: 4, cost: 16000, value: 12000, roi: ratio(-4000, 16000)},
		},
		{
			name: "per gear",
			in: func() roi.Inputs {
				in := networkInputs()
				in.Spend = append(in.Spend, roi.Spend{Campaign: "S", Gear: "metrics", Amount: eur(500)})
				return in
			}(),
			by: roi.ByGear,
			// maintenance: Ana (2 + 1) × 4000 = 12000
			// metrics: spend 500
			// strategy: Ben 1 × 3000 = 3000
			// (none): spend 1000; value 10000 + 2000 = 12000; gain 11000
			// No line has an ROI: the value has no gear, so what each gear
			// earned is unknown (and the (none) line's value is not what
			// its spend alone earned).
			lines: []want{
				{key: "maintenance", hours: 3, cost: 12000, unattributed: true,
					missing: []roi.Missing{{Kind: roi.MissingGearAttribution}}},
				{key: "metrics", cost: 500, unattributed: true,
					missing: []roi.Missing{{Kind: roi.MissingGearAttribution}}},
				{key: "strategy", hours: 1, cost: 3000, unattributed: true,
					missing: []roi.Missing{{Kind: roi.MissingGearAttribution}}},
				{key: roi.None, cost: 1000, value: 12000, unattributed: true},
			},
			// 12000 + 500 + 3000 + 1000 = 16500
			total: want{key: "total", hours: 4, cost: 16500, value: 12000, roi: ratio(-4500, 16500)},
		},
		{
			name: "per gear, spend without a gear and no value",
			in: func() roi.Inputs {
				in := networkInputs()
				in.Conversions = nil
				in.Engagements = []roi.Engagement{{Campaign: "S", Count: 40}} // worth nothing: no value per engagement
				return in
			}(),
			by: roi.ByGear,
			// Nothing earned anywhere: each line's ROI is −100 %, and the
			// gear lines say part of the spend is elsewhere.
			// maintenance: Ana (2 + 1) × 4000 = 12000; strategy: Ben 3000;
			// (none): the spend of 1000.
			lines: []want{
				{key: "maintenance", hours: 3, cost: 12000, roi: ratio(-12000, 12000),
					missing: []roi.Missing{{Kind: roi.MissingGearAttribution}}},
				{key: "strategy", hours: 1, cost: 3000, roi: ratio(-3000, 3000),
					missing: []roi.Missing{{Kind: roi.MissingGearAttribution}}},
				{key: roi.None, cost: 1000, roi: ratio(-1000, 1000),
					missing: []roi.Missing{{Kind: roi.MissingEngagementValue, Count: 40}}},
			},
			total: want{key: "total", hours: 4, cost: 16000, roi: ratio(-16000, 16000),
				missing: []roi.Missing{{Kind: roi.MissingEngagementValue, Count: 40}}},
		},
		{
			name: "total",
			in:   networkInputs(),
			by:   roi.ByTotal,
			// Ana 3 × 4000 = 12000, Ben 1 × 3000 = 3000, spend 1000: 16000
			lines: []want{{key: "total", hours: 4, cost: 16000, value: 12000, roi: ratio(-4000, 16000)}},
			total: want{key: "total", hours: 4, cost: 16000, value: 12000, roi: ratio(-4000, 16000)},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := roi.Compute(tt.in, tt.by)
			if err != nil {
				t.Fatal(err)
			}
			if r.By != tt.by {
				t.Errorf("By = %q", r.By)
			}
			if len(r.Lines) != len(tt.lines) {
				t.Fatalf("%d lines, want %d: %+v", len(r.Lines), len(tt.lines), r.Lines)
			}
			var cost, value int64
			for i, w := range tt.lines {
				checkLine(t, r.Lines[i], w)
				cost += r.Lines[i].Cost.Amount
				value += r.Lines[i].Value.Amount
			}
			checkLine(t, r.Total, tt.total)
			if r.Total.Cost.Amount != cost || r.Total.Value.Amount != value {
				t.Errorf("total %d/%d is not the sum of the lines %d/%d", r.Total.Cost.Amount, r.Total.Value.Amount, cost, value)
			}
			for _, l := range append(r.Lines, r.Total) {
				checkRenders(t, l)
			}
		})
	}
}

func checkLine(t *testing.T, got roi.Line, w want) {
	t.Helper()
	if got.Key != w.key || got.Hours != w.hours || got.Cost != eur(w.cost) || got.Value != eur(w.value) {
		t.Errorf("line %q: key %q, %v h, cost %v, value %v; want %q, %v h, cost %d, value %d",
			w.key, got.Key, got.Hours, got.Cost, got.Value, w.key, w.hours, w.cost, w.value)
	}
	switch {
	case w.roi == nil && got.ROI != nil:
		t.Errorf("line %q: ROI %+v, want undefined", w.key, *got.ROI)
	case w.roi != nil && (got.ROI == nil || *got.ROI != *w.roi):
		t.Errorf("line %q: ROI %+v, want %+v", w.key, got.ROI, *w.roi)
	}
	if len(got.Steps) == 0 {
		t.Fatalf("line %q: no steps", w.key)
	}
	last := got.Steps[len(got.Steps)-1].Key
	wantLast := "roi.step.roi"
	switch {
	case w.unattributed:
		wantLast = "roi.step.roi_unattributed"
	case w.roi == nil:
		wantLast = "roi.step.roi_undefined"
	}
	if last != wantLast {
		t.Errorf("line %q: last step %q", w.key, last)
	}
	if !slices.Equal(got.Missing, w.missing) {
		t.Errorf("line %q: missing %+v, want %+v", w.key, got.Missing, w.missing)
	}
}

// checkRenders renders every step and warning of l in every language.
func checkRenders(t *testing.T, l roi.Line) {
	t.Helper()
	var msgs []locale.Message
	for _, s := range l.Steps {
		msgs = append(msgs, s)
	}
	for _, m := range l.Missing {
		msgs = append(msgs, m)
	}
	for _, m := range msgs {
		if !locale.Has(m.MessageKey()) {
			t.Errorf("line %q: key %q not in the catalogue", l.Key, m.MessageKey())
		}
		for _, lang := range locale.Languages {
			got := locale.T(lang, m.MessageKey(), m.MessageArgs()...)
			if strings.Contains(got, "%!") || strings.Contains(got, "roi.") {
				t.Errorf("line %q: %s %s renders as %q", l.Key, lang, m.MessageKey(), got)
			}
		}
	}
}

func render(lang string, m locale.Message) string {
	return locale.T(lang, m.MessageKey(), m.MessageArgs()...)
}

func TestSteps(t *testing.T) {
	t.Parallel()
	in := roi.Inputs{
		Currency:    "EUR",
		Rates:       map[string]roi.Money{"Ana": eur(4000)},
		Work:        []roi.Work{{Person: "Ana", Hours: 12.5, Campaign: "Spring"}, {Person: "Eve", Hours: 1.25, Campaign: "Spring"}},
		Spend:       []roi.Spend{{Campaign: "Spring", Amount: eur(30000)}},
		Conversions: []roi.Conversion{{Campaign: "Spring", Count: 48, ValueEach: eurp(2500)}, {Campaign: "Spring", Count: 2}},
		Engagements: []roi.Engagement{{Campaign: "Spring", Count: 1500}},
	}
	r, err := roi.Compute(in, roi.ByCampaign)
	if err != nil {
		t.Fatal(err)
	}
	var en, es []string
	for _, s := range r.Lines[0].Steps {
		en = append(en, render("en", s))
		es = append(es, render("es", s))
	}
	wantEN := []string{
		"12.5 h × 40.00 €/h (Ana) = 500.00 €",
		"1.25 h (Eve): no hourly rate, no cost counted",
		"paid spend on campaign Spring, network (none) = 300.00 €",
		"cost = 500.00 € + 300.00 € = 800.00 €",
		"48 conversions × 25.00 € = 1,200.00 €",
		"2 conversions: no value given, not counted",
		"1,500 engagements: no value per engagement, they add no value",
		"value = 1,200.00 €",
		"ROI = (1,200.00 € − 800.00 €) ÷ 800.00 € = 50 %",
	}
	wantES := []string{
		"12,5 h × 40,00 €/h (Ana) = 500,00 €",
		"1,25 h (Eve): sin tarifa por hora, no se cuenta coste",
		"gasto pagado en la campaña Spring, red (ninguno) = 300,00 €",
		"coste = 500,00 € + 300,00 € = 800,00 €",
		"48 conversiones × 25,00 € = 1.200,00 €",
		"2 conversiones: sin valor, no se cuentan",
		"1.500 interacciones: sin valor por interacción, no suman valor",
		"valor = 1.200,00 €",
		"ROI = (1.200,00 € − 800,00 €) ÷ 800,00 € = 50 %",
	}
	if !slices.Equal(en, wantEN) {
		t.Errorf("en steps:\n%s\nwant:\n%s", strings.Join(en, "\n"), strings.Join(wantEN, "\n"))
	}
	if !slices.Equal(es, wantES) {
		t.Errorf("es steps:\n%s\nwant:\n%s", strings.Join(es, "\n"), strings.Join(wantES, "\n"))
	}
	var missing []string
	for _, m := range r.Lines[0].Missing {
		missing = append(missing, render("en", m))
	}
	wantMissing := []string{
		"Eve has no hourly rate: 1.25 h counted without cost",
		"2 conversions have no value and add none",
		"1,500 engagements have no value per engagement and add none",
	}
	if !slices.Equal(missing, wantMissing) {
		t.Errorf("missing: %q, want %q", missing, wantMissing)
	}
}

func TestZeroCostExplained(t *testing.T) {
	t.Parallel()
	r, err := roi.Compute(roi.Inputs{Currency: "EUR"}, roi.ByTotal)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Lines) != 0 || r.Total.ROI != nil {
		t.Fatalf("empty inputs: %+v", r)
	}
	last := r.Total.Steps[len(r.Total.Steps)-1]
	if got := render("en", last); got != "no cost: ROI undefined" {
		t.Errorf("en = %q", got)
	}
	if got := render("es", last); got != "sin coste: ROI indefinido" {
		t.Errorf("es = %q", got)
	}
}

func TestMoneyAndPercent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		m      locale.Message
		en, es string
	}{
		{eur(0), "0.00 €", "0,00 €"},
		{eur(5), "0.05 €", "0,05 €"},
		{eur(120050), "1,200.50 €", "1.200,50 €"},
		{eur(123456789), "1,234,567.89 €", "1.234.567,89 €"},
		{eur(-120050), "-1,200.50 €", "-1.200,50 €"},
		{eur(math.MinInt64), "-92,233,720,368,547,758.08 €", "-92.233.720.368.547.758,08 €"},
		{roi.Money{Amount: 100, Currency: "USD"}, "1.00 $", "1,00 $"},
		{roi.Money{Amount: 100, Currency: "CHF"}, "1.00 CHF", "1,00 CHF"},
		{roi.ROI{Gain: 40000, Cost: 80000}, "50 %", "50 %"},
		{roi.ROI{Gain: -8000, Cost: 8000}, "-100 %", "-100 %"},
		{roi.ROI{Gain: 1, Cost: 3}, "33.3 %", "33,3 %"},            // 33.33… → 33.3
		{roi.ROI{Gain: 3250, Cost: 46750}, "7 %", "7 %"},           // 6.9518… → 7.0
		{roi.ROI{Gain: -35000, Cost: 80000}, "-43.8 %", "-43,8 %"}, // −43.75 → −43.8 (even)
		{roi.ROI{Gain: 123450, Cost: 1000}, "12,345 %", "12.345 %"},
	} {
		if got := render("en", tt.m); got != tt.en {
			t.Errorf("en %+v = %q, want %q", tt.m, got, tt.en)
		}
		if got := render("es", tt.m); got != tt.es {
			t.Errorf("es %+v = %q, want %q", tt.m, got, tt.es)
		}
	}
}

func TestPercentTenths(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		r    roi.ROI
		want int64
	}{
		{roi.ROI{Gain: 1, Cost: 2}, 500},
		{roi.ROI{Gain: -1, Cost: 1}, -1000},
		{roi.ROI{Gain: 1, Cost: 8}, 125},           // 12.5 %
		{roi.ROI{Gain: 1, Cost: 16}, 62},           // 62.5 tenths → 62 (even)
		{roi.ROI{Gain: 3, Cost: 16}, 188},          // 187.5 tenths → 188 (even)
		{roi.ROI{Gain: -35000, Cost: 80000}, -438}, // −437.5 → −438 (even)
	} {
		if got := tt.r.PercentTenths(); got != tt.want {
			t.Errorf("%+v.PercentTenths() = %d, want %d", tt.r, got, tt.want)
		}
	}
}

func TestGearOf(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		"strategy.research":      "strategy",
		"maintenance.engagement": "maintenance",
		"metrics.reports":        "metrics",
		"metrics":                "metrics",
		"other.thing":            "",
		"":                       "",
	} {
		if got := roi.GearOf(key); got != want {
			t.Errorf("GearOf(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestInvalidInputs(t *testing.T) {
	t.Parallel()
	usd := roi.Money{Amount: 100, Currency: "USD"}
	for _, tt := range []struct {
		name string
		edit func(*roi.Inputs)
		by   roi.Dimension
		want error
	}{
		{"no currency", func(in *roi.Inputs) { in.Currency = "" }, roi.ByCampaign, roi.ErrInvalid},
		{"rate in another currency", func(in *roi.Inputs) { in.Rates["Ana"] = usd }, roi.ByCampaign, roi.ErrCurrency},
		{"spend in another currency", func(in *roi.Inputs) { in.Spend[0].Amount = usd }, roi.ByCampaign, roi.ErrCurrency},
		{"conversion in another currency", func(in *roi.Inputs) { in.Conversions[0].ValueEach = &usd }, roi.ByCampaign, roi.ErrCurrency},
		{"engagement value in another currency", func(in *roi.Inputs) { in.EngagementValue = &usd }, roi.ByCampaign, roi.ErrCurrency},
		{"negative hours", func(in *roi.Inputs) { in.Work[0].Hours = -1 }, roi.ByCampaign, roi.ErrNegative},
		{"NaN hours", func(in *roi.Inputs) { in.Work[0].Hours = math.NaN() }, roi.ByCampaign, roi.ErrInvalid},
		{"infinite hours", func(in *roi.Inputs) { in.Work[0].Hours = math.Inf(1) }, roi.ByCampaign, roi.ErrInvalid},
		{"negative rate", func(in *roi.Inputs) { in.Rates["Ana"] = eur(-1) }, roi.ByCampaign, roi.ErrNegative},
		{"negative spend", func(in *roi.Inputs) { in.Spend[0].Amount = eur(-1) }, roi.ByCampaign, roi.ErrNegative},
		{"negative conversions", func(in *roi.Inputs) { in.Conversions[0].Count = -1 }, roi.ByCampaign, roi.ErrNegative},
		{"negative conversion value", func(in *roi.Inputs) { in.Conversions[0].ValueEach = eurp(-1) }, roi.ByCampaign, roi.ErrNegative},
		{"negative engagements", func(in *roi.Inputs) { in.Engagements = []roi.Engagement{{Count: -1}} }, roi.ByCampaign, roi.ErrNegative},
		{"negative engagement value", func(in *roi.Inputs) { in.EngagementValue = eurp(-1) }, roi.ByCampaign, roi.ErrNegative},
		{"value each and total", func(in *roi.Inputs) { in.Conversions[0].Total = eurp(1) }, roi.ByCampaign, roi.ErrInvalid},
		{"unknown dimension", func(*roi.Inputs) {}, roi.Dimension("person"), roi.ErrInvalid},
		{"overflow", func(in *roi.Inputs) { in.Conversions[0].Count = math.MaxInt64 }, roi.ByCampaign, roi.ErrInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := networkInputs()
			tt.edit(&in)
			if _, err := roi.Compute(in, tt.by); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCountAndHoursAsArguments(t *testing.T) {
	for _, c := range []struct {
		lang, want string
		arg        any
	}{
		{"en", "1,234,567", roi.Count(1234567)},
		{"es", "1.234.567", roi.Count(1234567)},
		{"es", "-1.200", roi.Count(-1200)},
		{"en", "12.5", roi.Hours(12.5)},
		{"es", "1.012,25", roi.Hours(1012.25)},
		{"es", "3", roi.Hours(3)},
	} {
		if got := locale.T(c.lang, "roi.plain", c.arg); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
}
