package workload

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FormulaKey is the message key of the formula every activity follows, in
// words, for a "why this number" page.
const FormulaKey = "planner.formula"

// Term is one filled-in term of an activity's formula: Coefficient × Rate ×
// Value hours (the base term has Driver Fixed and Value 1).
type Term struct {
	Param       string   `json:"param"`       // parameter name, e.g. "per_post"
	Driver      Driver   `json:"driver"`      // the volume it multiplies; "" for the base
	Value       float64  `json:"value"`       // the driver's value in the Input
	Coefficient float64  `json:"coefficient"` // hours per unit of the driver (or base hours)
	Rate        float64  `json:"rate"`        // converts the driver's period into the gear's (12/52 for monthly…)
	Hours       float64  `json:"hours"`       // Coefficient × Rate × Value
	Min         float64  `json:"min"`         // the published range of the default
	Max         float64  `json:"max"`
	Default     float64  `json:"default"`    // the default coefficient
	Overridden  bool     `json:"overridden"` // whether Coefficient comes from Input.Overrides
	Sources     []string `json:"sources"`    // message keys of the sources
}

// Multiplication is one multiplier applied to an activity's sum of terms:
// the organisation's size, audience or crisis risk, or its languages.
type Multiplication struct {
	Factor     string   `json:"factor"`     // "size", "audience", "crisis" or "languages"
	Key        string   `json:"key"`        // "size.large", or "language_share" for languages
	Value      float64  `json:"value"`      // the factor applied
	Overridden bool     `json:"overridden"` // whether it comes from Input.Overrides
	Sources    []string `json:"sources"`    // message keys of the sources
}

// Explanation shows how one activity's hours were reached: its formula with
// the numbers filled in and their sources.
type Explanation struct {
	Key        string           `json:"key"`         // activity key
	Gear       Gear             `json:"gear"`        // its gear
	Unit       Unit             `json:"unit"`        // h or h/week
	FormulaKey string           `json:"formula_key"` // message key of the formula in words
	Terms      []Term           `json:"terms"`       // base and per-driver terms
	Factors    []Multiplication `json:"factors"`     // multipliers, languages last
	Hours      float64          `json:"hours"`       // the unrounded result
}

// Sum returns the sum of the terms, before multipliers.
func (e Explanation) Sum() float64 {
	var s float64
	for _, t := range e.Terms {
		s += t.Hours
	}
	return s
}

// Formula returns the formula with its numbers, language-neutral, e.g.
// "(1.75 + 0.6 × 4 networks) × 1 [audience.b2c] = 4.15 h/week".
func (e Explanation) Formula() string {
	var b strings.Builder
	b.WriteString("(")
	for i, t := range e.Terms {
		if i > 0 {
			b.WriteString(" + ")
		}
		b.WriteString(num(t.Coefficient))
		if t.Driver != Fixed {
			if t.Rate != 1 {
				b.WriteString(" × " + num(t.Rate))
			}
			b.WriteString(" × " + num(t.Value) + " " + string(t.Driver))
		}
	}
	if len(e.Terms) == 0 {
		b.WriteString("0")
	}
	b.WriteString(")")
	for _, f := range e.Factors {
		fmt.Fprintf(&b, " × %s [%s]", num(f.Value), f.Key)
	}
	fmt.Fprintf(&b, " = %s %s", num(round(e.Hours, 2)), e.Unit)
	return b.String()
}

// num formats a number as briefly as it can.
func num(v float64) string { return strconv.FormatFloat(round(v, 4), 'f', -1, 64) }

// Explain returns, for each activity of the catalogue in order, how its
// hours follow from in and the (possibly overridden) defaults.
func Explain(in Input) ([]Explanation, error) {
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("explain workload: %w", err)
	}
	in = in.WithDefaults()
	out := make([]Explanation, 0, len(catalogue))
	for _, a := range catalogue {
		out = append(out, explain(a, in))
	}
	return out, nil
}

// explain fills in the formula of activity a for a valid input.
func explain(a Activity, in Input) Explanation {
	e := Explanation{Key: a.Key, Gear: a.Gear, Unit: a.Unit(), FormulaKey: FormulaKey}
	own := in.Overrides[a.Key]
	var langShare *Param
	for _, p := range a.Params {
		v, overridden := own[p.Name]
		if !overridden {
			v = p.Value
		}
		if p.Driver == Languages {
			q := p
			q.Value = v
			langShare = &q // applied after the multipliers
			continue
		}
		t := Term{Param: p.Name, Driver: p.Driver, Value: in.Driver(p.Driver), Coefficient: v,
			Rate: rate(a.Gear, p.Driver), Min: p.Min, Max: p.Max, Default: p.Value,
			Overridden: overridden, Sources: p.Sources}
		t.Hours = t.Coefficient * t.Rate * t.Value
		e.Terms = append(e.Terms, t)
	}
	hours := e.Sum()
	for _, f := range a.Factors {
		m := applied(f, in)
		e.Factors = append(e.Factors, m)
		hours *= m.Value
	}
	if langShare != nil {
		_, overridden := own[langShare.Name]
		v := 1 + langShare.Value*float64(in.Languages-1)
		e.Factors = append(e.Factors, Multiplication{Factor: string(Languages), Key: langShare.Name,
			Value: v, Overridden: overridden, Sources: langShare.Sources})
		hours *= v
	}
	e.Hours = hours
	return e
}

// applied returns the multiplier of factor f for the organisation in.
func applied(f Factor, in Input) Multiplication {
	key := string(f) + "." + in.choice(f)
	m, _ := multiplier(key) // a valid input always names one
	v, overridden := in.Overrides[MultiplierOverrides][key]
	if !overridden {
		v = m.Value
	}
	return Multiplication{Factor: string(f), Key: key, Value: v, Overridden: overridden, Sources: m.Sources}
}

// Line is one activity of a Result.
type Line struct {
	Key   string  `json:"key"`   // activity key
	Name  string  `json:"name"`  // its name in a language; empty until Localize
	Hours float64 `json:"hours"` // rounded to 0.1
}

// StrategyGear is the strategy gear of a Result: total hours.
type StrategyGear struct {
	TotalHours float64 `json:"total_hours"`
	Activities []Line  `json:"activities"`
}

// WeeklyGear is a weekly gear (maintenance or metrics) of a Result.
type WeeklyGear struct {
	WeeklyHours float64 `json:"weekly_hours"`
	Activities  []Line  `json:"activities"`
}

// Result is a workload estimate. Hours are rounded to 0.1 and each total is
// the sum of its rounded activities; FTE and costs are rounded to 0.01.
// PlanWeeks and HoursPerFTE are carried for drawing and display but are not
// part of the JSON.
type Result struct {
	Strategy     StrategyGear `json:"strategy"`
	Maintenance  WeeklyGear   `json:"maintenance"`
	Metrics      WeeklyGear   `json:"metrics"`
	WeeklyHours  float64      `json:"weekly_hours"`  // maintenance + metrics
	FTE          float64      `json:"fte"`           // WeeklyHours ÷ hours per FTE
	WeeklyCost   float64      `json:"weekly_cost"`   // WeeklyHours × rate
	StrategyCost float64      `json:"strategy_cost"` // strategy total × rate
	PlanWeeks    int          `json:"-"`             // weeks the strategy stage is spread over
	HoursPerFTE  float64      `json:"-"`             // hours of one full-time person a week
}

// Estimate returns the hours of every activity of every gear for the
// organisation in, with the team size and cost.
func Estimate(in Input) (Result, error) {
	ex, err := Explain(in)
	if err != nil {
		return Result{}, fmt.Errorf("estimate workload: %w", err)
	}
	return assemble(in.WithDefaults(), ex), nil
}

// assemble rounds the explained activities and adds them up.
func assemble(in Input, ex []Explanation) Result {
	r := Result{PlanWeeks: in.PlanWeeks, HoursPerFTE: in.HoursPerFTE}
	for _, e := range ex {
		l := Line{Key: e.Key, Hours: round(e.Hours, 1)}
		switch e.Gear {
		case Strategy:
			r.Strategy.Activities = append(r.Strategy.Activities, l)
			r.Strategy.TotalHours += l.Hours
		case Maintenance:
			r.Maintenance.Activities = append(r.Maintenance.Activities, l)
			r.Maintenance.WeeklyHours += l.Hours
		case Metrics:
			r.Metrics.Activities = append(r.Metrics.Activities, l)
			r.Metrics.WeeklyHours += l.Hours
		}
	}
	// Sums of tenths drift in binary floating point; round them back.
	r.Strategy.TotalHours = round(r.Strategy.TotalHours, 1)
	r.Maintenance.WeeklyHours = round(r.Maintenance.WeeklyHours, 1)
	r.Metrics.WeeklyHours = round(r.Metrics.WeeklyHours, 1)
	r.WeeklyHours = round(r.Maintenance.WeeklyHours+r.Metrics.WeeklyHours, 1)
	r.FTE = round(r.WeeklyHours/in.HoursPerFTE, 2)
	r.WeeklyCost = round(r.WeeklyHours*in.Rate, 2)
	r.StrategyCost = round(r.Strategy.TotalHours*in.Rate, 2)
	return r
}

// round rounds v to the given number of decimals.
func round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}

// StrategyWeekly returns the strategy total spread over the plan's weeks,
// rounded to 0.1: the weekly load of the planning stage.
func (r Result) StrategyWeekly() float64 {
	if r.PlanWeeks <= 0 {
		return 0
	}
	return round(r.Strategy.TotalHours/float64(r.PlanWeeks), 1)
}

// Lines returns the activities of gear g.
func (r Result) Lines(g Gear) []Line {
	switch g {
	case Strategy:
		return r.Strategy.Activities
	case Maintenance:
		return r.Maintenance.Activities
	case Metrics:
		return r.Metrics.Activities
	}
	return nil
}

// Total returns the total of gear g: total hours for strategy, hours per
// week for the others.
func (r Result) Total(g Gear) float64 {
	switch g {
	case Strategy:
		return r.Strategy.TotalHours
	case Maintenance:
		return r.Maintenance.WeeklyHours
	case Metrics:
		return r.Metrics.WeeklyHours
	}
	return 0
}

// Localize returns a copy of r whose activity names are tr(NameKey(key)).
// Pass func(k string) string { return locale.T(lang, k) }.
func (r Result) Localize(tr func(key string) string) Result {
	name := func(ls []Line) []Line {
		out := make([]Line, len(ls))
		for i, l := range ls {
			l.Name = tr(NameKey(l.Key))
			out[i] = l
		}
		return out
	}
	r.Strategy.Activities = name(r.Strategy.Activities)
	r.Maintenance.Activities = name(r.Maintenance.Activities)
	r.Metrics.Activities = name(r.Metrics.Activities)
	return r
}
