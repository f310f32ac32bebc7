package roi

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Errors of invalid inputs; Compute wraps them with what was wrong.
var (
	ErrCurrency = errors.New("roi: currency mismatch")
	ErrNegative = errors.New("roi: negative input")
	ErrInvalid  = errors.New("roi: invalid input")
)

// None is the key of the line that gathers what has no campaign, network or
// gear.
const None = "(none)"

// TotalKey is the key of the one line of ByTotal and of Report.Total.
const TotalKey = "total"

// Dimension is what a report groups its lines by.
type Dimension string

// Dimensions of a report.
const (
	ByCampaign Dimension = "campaign"
	ByNetwork  Dimension = "network"
	ByGear     Dimension = "gear"
	ByTotal    Dimension = "total"
)

// Money is an amount in minor units (cents) of a currency (ISO code, "EUR").
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// String returns the amount for logs, "1200.50 EUR"; people see it through
// MessageKey and MessageArgs.
func (m Money) String() string {
	neg, units, cents := split(m.Amount)
	sign := ""
	if neg {
		sign = "-"
	}
	return fmt.Sprintf("%s%s.%02d %s", sign, units, cents, m.Currency)
}

// GearOf returns the gear of an activity key, the part before its first dot
// ("maintenance.engagement" → "maintenance"), or "" when it is not one of
// strategy, maintenance and metrics.
func GearOf(activityKey string) string {
	g, _, _ := strings.Cut(activityKey, ".")
	switch g {
	case "strategy", "maintenance", "metrics":
		return g
	}
	return ""
}

// Work is time a person spent, e.g. a time entry (Hours = Minutes / 60).
type Work struct {
	Person   string  `json:"person"`
	Hours    float64 `json:"hours"`
	Activity string  `json:"activity"` // activity key; its gear by GearOf
	Campaign string  `json:"campaign"` // optional
	Network  string  `json:"network"`  // optional
}

// Spend is money paid for a campaign (ads, boosts), optionally on one
// network and for one gear.
type Spend struct {
	Campaign string `json:"campaign"`
	Network  string `json:"network"` // optional
	Gear     string `json:"gear"`    // optional
	Amount   Money  `json:"amount"`
}

// Conversion is a count of conversions and what they are worth: a value
// each or a total value; with neither, the value is missing.
type Conversion struct {
	Campaign  string `json:"campaign"`
	Network   string `json:"network"` // optional
	Gear      string `json:"gear"`    // optional
	Count     int64  `json:"count"`
	ValueEach *Money `json:"value_each"`
	Total     *Money `json:"total"`
}

// Engagement is a count of engagements (replies, shares…), worth
// Inputs.EngagementValue each.
type Engagement struct {
	Campaign string `json:"campaign"`
	Network  string `json:"network"` // optional
	Gear     string `json:"gear"`    // optional
	Count    int64  `json:"count"`
}

// Inputs is everything one computation counts.
type Inputs struct {
	Currency        string           `json:"currency"` // every Money must be in it
	Work            []Work           `json:"work"`
	Rates           map[string]Money `json:"rates"` // person → cents per hour
	Spend           []Spend          `json:"spend"`
	Conversions     []Conversion     `json:"conversions"`
	Engagements     []Engagement     `json:"engagements"`
	EngagementValue *Money           `json:"engagement_value"` // nil: engagements add no value
}

// Validate rejects a missing currency, amounts in another currency
// (ErrCurrency), negative hours, rates, amounts and counts (ErrNegative),
// hours that are not finite and a conversion with both a value each and a
// total (ErrInvalid).
func (in *Inputs) Validate() error {
	if in.Currency == "" {
		return fmt.Errorf("currency required: %w", ErrInvalid)
	}
	money := func(what string, m Money) error {
		if m.Currency != in.Currency {
			return fmt.Errorf("%s in %q, not %q: %w", what, m.Currency, in.Currency, ErrCurrency)
		}
		if m.Amount < 0 {
			return fmt.Errorf("%s %d: %w", what, m.Amount, ErrNegative)
		}
		return nil
	}
	for i, w := range in.Work {
		if math.IsNaN(w.Hours) || math.IsInf(w.Hours, 0) {
			return fmt.Errorf("work %d: hours %v: %w", i, w.Hours, ErrInvalid)
		}
		if w.Hours < 0 {
			return fmt.Errorf("work %d: hours %v: %w", i, w.Hours, ErrNegative)
		}
	}
	for p, r := range in.Rates {
		if err := money(fmt.Sprintf("rate of %q", p), r); err != nil {
			return err
		}
	}
	for i, s := range in.Spend {
		if err := money(fmt.Sprintf("spend %d", i), s.Amount); err != nil {
			return err
		}
	}
	for i, c := range in.Conversions {
		if c.Count < 0 {
			return fmt.Errorf("conversion %d: count %d: %w", i, c.Count, ErrNegative)
		}
		if c.ValueEach != nil && c.Total != nil {
			return fmt.Errorf("conversion %d: both a value each and a total: %w", i, ErrInvalid)
		}
		for _, m := range []*Money{c.ValueEach, c.Total} {
			if m != nil {
				if err := money(fmt.Sprintf("conversion %d value", i), *m); err != nil {
					return err
				}
			}
		}
	}
	for i, e := range in.Engagements {
		if e.Count < 0 {
			return fmt.Errorf("engagement %d: count %d: %w", i, e.Count, ErrNegative)
		}
	}
	if in.EngagementValue != nil {
		if err := money("engagement value", *in.EngagementValue); err != nil {
			return err
		}
	}
	return nil
}

// Report is the ROI of the inputs grouped by one dimension.
type Report struct {
	By    Dimension `json:"by"`
	Lines []Line    `json:"lines"` // sorted by key, None last
	Total Line      `json:"total"` // the sum of Lines
}

// Line is the ROI of one campaign, network or gear.
type Line struct {
	Key     string    `json:"key"`
	Hours   float64   `json:"hours"` // every hour, costed or not
	Cost    Money     `json:"cost"`
	Value   Money     `json:"value"`
	ROI     *ROI      `json:"roi"` // nil when Cost is 0: undefined
	Missing []Missing `json:"missing"`
	Steps   []Step    `json:"-"` // the arithmetic, in order; render with locale.T before encoding
}

// ROI is (value − cost) ÷ cost kept exact as Gain ÷ Cost, in cents, with
// Cost > 0. As a Message it reads as a percent, "50 %".
type ROI struct {
	Gain int64 `json:"gain"` // value − cost
	Cost int64 `json:"cost"`
}

// Rat returns the ROI as an exact fraction (0.5 for 50 %).
func (r ROI) Rat() *big.Rat { return big.NewRat(r.Gain, r.Cost) }

// PercentTenths returns the ROI in tenths of a percent, rounded half to
// even: 500 for 50 %, −1000 for −100 %.
func (r ROI) PercentTenths() int64 {
	q := new(big.Rat).Mul(r.Rat(), big.NewRat(1000, 1))
	return roundHalfEven(q).Int64()
}

// MissingKind says what was missing.
type MissingKind string

// Kinds of missing values.
const (
	MissingRate            MissingKind = "rate"             // Person's Hours have no cost
	MissingConversionValue MissingKind = "conversion_value" // Count conversions have no value
	MissingEngagementValue MissingKind = "engagement_value" // Count engagements have no value
	MissingGearAttribution MissingKind = "gear_attribution" // spend or value given for no gear is in None
)

// Missing is a value the computation lacked and did without.
type Missing struct {
	Kind   MissingKind `json:"kind"`
	Person string      `json:"person,omitempty"` // MissingRate
	Hours  float64     `json:"hours,omitempty"`  // MissingRate
	Count  int64       `json:"count,omitempty"`  // conversions or engagements
}

// Compute validates the inputs and returns their ROI grouped by by. See the
// package documentation for the rules.
func Compute(in Inputs, by Dimension) (Report, error) {
	if err := in.Validate(); err != nil {
		return Report{}, err
	}
	var key func(campaign, network, gear string) string
	switch by {
	case ByCampaign:
		key = func(c, _, _ string) string { return c }
	case ByNetwork:
		key = func(_, n, _ string) string { return n }
	case ByGear:
		key = func(_, _, g string) string { return g }
	case ByTotal:
		key = func(_, _, _ string) string { return TotalKey }
	default:
		return Report{}, fmt.Errorf("dimension %q: %w", by, ErrInvalid)
	}

	groups := map[string]*group{}
	get := func(k string) *group {
		if k == "" {
			k = None
		}
		g, ok := groups[k]
		if !ok {
			g = &group{key: k, hours: map[string]*big.Rat{}}
			groups[k] = g
		}
		return g
	}
	allHours := new(big.Rat)
	for _, w := range in.Work {
		g := get(key(w.Campaign, w.Network, GearOf(w.Activity)))
		h := decimal(w.Hours)
		allHours.Add(allHours, h)
		if g.hours[w.Person] == nil {
			g.hours[w.Person] = new(big.Rat)
		}
		g.hours[w.Person].Add(g.hours[w.Person], h)
	}
	for _, s := range in.Spend {
		g := get(key(s.Campaign, s.Network, s.Gear))
		g.spend = append(g.spend, s)
	}
	for _, c := range in.Conversions {
		g := get(key(c.Campaign, c.Network, c.Gear))
		g.conversions = append(g.conversions, c)
	}
	for _, e := range in.Engagements {
		g := get(key(e.Campaign, e.Network, e.Gear))
		g.engagements += e.Count
		if g.engagements < 0 {
			return Report{}, fmt.Errorf("engagements: %w", errOverflow)
		}
	}

	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if (a == None) != (b == None) {
			if a == None {
				return 1
			}
			return -1
		}
		return cmp.Compare(a, b)
	})
	// By gear, spend or value given for no gear is in None. Value there
	// (conversions, or engagements when they are worth something) means
	// what each gear earned is unknown.
	unattributed, valueUnattributed := false, false
	if g := groups[None]; by == ByGear && g != nil {
		valueUnattributed = len(g.conversions) > 0 || (g.engagements > 0 && in.EngagementValue != nil)
		unattributed = valueUnattributed || len(g.spend) > 0 || g.engagements > 0
	}

	r := Report{By: by, Lines: make([]Line, 0, len(keys))}
	var costs, values []Money
	for _, k := range keys {
		l, err := groups[k].line(in)
		if err != nil {
			return Report{}, fmt.Errorf("line %q: %w", k, err)
		}
		if unattributed && k != None {
			l.Missing = append(l.Missing, Missing{Kind: MissingGearAttribution})
		}
		if valueUnattributed {
			// Each gear's cost is known, but not what it earned, so no
			// line has an ROI of its own; the total's stands.
			l.ROI = nil
			l.Steps[len(l.Steps)-1] = Step{Key: "roi.step.roi_unattributed"}
		}
		r.Lines = append(r.Lines, l)
		costs = append(costs, l.Cost)
		values = append(values, l.Value)
	}

	t := Line{Key: TotalKey, Hours: ratFloat(allHours)}
	var err error
	if t.Cost, err = sum(in.Currency, costs); err != nil {
		return Report{}, fmt.Errorf("total cost: %w", err)
	}
	if t.Value, err = sum(in.Currency, values); err != nil {
		return Report{}, fmt.Errorf("total value: %w", err)
	}
	t.Steps = []Step{
		{Key: "roi.step.cost", Args: []any{sumExpr{terms: costs, total: t.Cost}}},
		{Key: "roi.step.value", Args: []any{sumExpr{terms: values, total: t.Value}}},
	}
	for _, l := range r.Lines {
		for _, m := range l.Missing {
			if m.Kind != MissingGearAttribution {
				t.Missing = addMissing(t.Missing, m)
			}
		}
	}
	t.finish()
	r.Total = t
	return r, nil
}

var errOverflow = fmt.Errorf("amount too large: %w", ErrInvalid)

// group gathers the inputs of one line.
type group struct {
	key         string
	hours       map[string]*big.Rat // person → exact hours
	spend       []Spend
	conversions []Conversion
	engagements int64
}

func (g *group) line(in Inputs) (Line, error) {
	l := Line{Key: g.key}
	cur := in.Currency

	// Cost: each person's hours, then the spend.
	var costs []Money
	hours := new(big.Rat)
	people := make([]string, 0, len(g.hours))
	for p := range g.hours {
		people = append(people, p)
	}
	slices.Sort(people)
	for _, p := range people {
		h := g.hours[p]
		hours.Add(hours, h)
		rate, ok := in.Rates[p]
		if !ok {
			l.Missing = addMissing(l.Missing, Missing{Kind: MissingRate, Person: p, Hours: ratFloat(h)})
			l.Steps = append(l.Steps, Step{Key: "roi.step.work_no_rate", Args: []any{hoursArg(h), p}})
			continue
		}
		c := roundHalfEven(new(big.Rat).Mul(h, new(big.Rat).SetInt64(rate.Amount)))
		if !c.IsInt64() {
			return Line{}, fmt.Errorf("cost of %q: %w", p, errOverflow)
		}
		cost := Money{Amount: c.Int64(), Currency: cur}
		costs = append(costs, cost)
		l.Steps = append(l.Steps, Step{Key: "roi.step.work", Args: []any{hoursArg(h), rate, p, cost}})
	}
	for _, s := range g.spend {
		costs = append(costs, s.Amount)
		l.Steps = append(l.Steps, Step{Key: "roi.step.spend", Args: []any{label(s.Campaign), label(s.Network), s.Amount}})
	}
	var err error
	if l.Cost, err = sum(cur, costs); err != nil {
		return Line{}, fmt.Errorf("cost: %w", err)
	}
	l.Steps = append(l.Steps, Step{Key: "roi.step.cost", Args: []any{sumExpr{terms: costs, total: l.Cost}}})
	l.Hours = ratFloat(hours)

	// Value: conversions, then engagements.
	var values []Money
	for _, c := range g.conversions {
		switch {
		case c.ValueEach != nil:
			v, ok := mul(c.Count, c.ValueEach.Amount)
			if !ok {
				return Line{}, fmt.Errorf("conversions: %w", errOverflow)
			}
			m := Money{Amount: v, Currency: cur}
			values = append(values, m)
			l.Steps = append(l.Steps, Step{Key: "roi.step.conversions", Args: []any{count(c.Count), *c.ValueEach, m}})
		case c.Total != nil:
			values = append(values, *c.Total)
			l.Steps = append(l.Steps, Step{Key: "roi.step.conversions_total", Args: []any{count(c.Count), *c.Total}})
		default:
			l.Missing = addMissing(l.Missing, Missing{Kind: MissingConversionValue, Count: c.Count})
			l.Steps = append(l.Steps, Step{Key: "roi.step.conversions_no_value", Args: []any{count(c.Count)}})
		}
	}
	if g.engagements > 0 {
		if in.EngagementValue != nil {
			v, ok := mul(g.engagements, in.EngagementValue.Amount)
			if !ok {
				return Line{}, fmt.Errorf("engagements: %w", errOverflow)
			}
			m := Money{Amount: v, Currency: cur}
			values = append(values, m)
			l.Steps = append(l.Steps, Step{Key: "roi.step.engagements", Args: []any{count(g.engagements), *in.EngagementValue, m}})
		} else {
			l.Missing = addMissing(l.Missing, Missing{Kind: MissingEngagementValue, Count: g.engagements})
			l.Steps = append(l.Steps, Step{Key: "roi.step.engagements_no_value", Args: []any{count(g.engagements)}})
		}
	}
	if l.Value, err = sum(cur, values); err != nil {
		return Line{}, fmt.Errorf("value: %w", err)
	}
	l.Steps = append(l.Steps, Step{Key: "roi.step.value", Args: []any{sumExpr{terms: values, total: l.Value}}})
	l.finish()
	return l, nil
}

// finish sets the ROI from Cost and Value and adds its step.
func (l *Line) finish() {
	if l.Cost.Amount == 0 {
		l.ROI = nil
		l.Steps = append(l.Steps, Step{Key: "roi.step.roi_undefined"})
		return
	}
	// Both are non-negative int64, so the difference cannot overflow.
	l.ROI = &ROI{Gain: l.Value.Amount - l.Cost.Amount, Cost: l.Cost.Amount}
	l.Steps = append(l.Steps, Step{Key: "roi.step.roi", Args: []any{l.Value, l.Cost, *l.ROI}})
}

// addMissing adds m to list, merging it with an entry of the same kind and
// person.
func addMissing(list []Missing, m Missing) []Missing {
	for i := range list {
		if list[i].Kind == m.Kind && list[i].Person == m.Person {
			list[i].Hours += m.Hours
			list[i].Count += m.Count
			return list
		}
	}
	return append(list, m)
}

// sum adds amounts, failing on overflow.
func sum(currency string, ms []Money) (Money, error) {
	var t int64
	for _, m := range ms {
		if m.Amount > math.MaxInt64-t {
			return Money{}, errOverflow
		}
		t += m.Amount
	}
	return Money{Amount: t, Currency: currency}, nil
}

// mul multiplies two non-negative numbers, reporting whether it fits.
func mul(a, b int64) (int64, bool) {
	if a != 0 && b > math.MaxInt64/a {
		return 0, false
	}
	return a * b, true
}

// decimal returns hours as the shortest decimal that reads back as the same
// float: 1.015 is 1015/1000.
func decimal(h float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(h, 'f', -1, 64))
	if !ok { // cannot happen for a finite float
		r = new(big.Rat).SetFloat64(h)
	}
	return r
}

func ratFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}

// roundHalfEven rounds r to the nearest integer, ties to even.
func roundHalfEven(r *big.Rat) *big.Int {
	q, m := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int)) // q = floor, 0 ≤ m < denom
	switch new(big.Int).Lsh(m, 1).Cmp(r.Denom()) {
	case 1:
		q.Add(q, big.NewInt(1))
	case 0:
		if q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
