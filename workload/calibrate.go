package workload

import (
	"fmt"
	"math"

	"gears"
)

// MinCalibrationWeeks is the fewest weeks of history Calibrate accepts, and
// the fewest weeks a unit time must be tracked in to be fitted.
const MinCalibrationWeeks = 4

// Week is one week of an organisation's tracked history: hours per activity
// and the work done.
type Week struct {
	Hours         map[string]float64 `json:"hours"`         // tracked hours by activity key
	Posts         float64            `json:"posts"`         // posts published
	Conversations float64            `json:"conversations"` // mentions and conversations handled
	Reports       float64            `json:"reports"`       // reports produced
}

// UnitTime names a unit of work whose time Calibrate fits.
type UnitTime string

// The unit times Calibrate fits.
const (
	PerPost         UnitTime = "post"         // writing, scheduling and illustrating a post
	PerConversation UnitTime = "conversation" // handling one mention or conversation
	PerReport       UnitTime = "report"       // measuring and analysing for one report
)

// paramRef names one parameter of one activity.
type paramRef struct{ activity, param string }

// unitSpec says which activities' hours a unit time explains, from which
// count, and which per-item parameters it recalibrates.
type unitSpec struct {
	unit   UnitTime
	count  func(Week) float64
	params []paramRef
}

// unitSpecs is the immutable table of unit times.
var unitSpecs = []unitSpec{
	{PerPost, func(w Week) float64 { return w.Posts },
		[]paramRef{{"maintenance.calendar", "per_post"}, {"maintenance.graphics", "per_post"}}},
	{PerConversation, func(w Week) float64 { return w.Conversations },
		[]paramRef{{"maintenance.engagement", "per_mention"}}},
	{PerReport, func(w Week) float64 { return w.Reports },
		[]paramRef{{"metrics.performance", "per_report"}, {"metrics.roi", "per_report"}, {"metrics.changes", "per_report"}}},
}

// defaultHours returns the hours per item the published figures assume.
func (u unitSpec) defaultHours() float64 {
	var h float64
	for _, r := range u.params {
		a, _ := Lookup(r.activity)
		p, _ := a.Param(r.param)
		h += p.Value
	}
	return h
}

// activities returns the set of activities whose hours the unit explains.
func (u unitSpec) activities() map[string]bool {
	m := make(map[string]bool)
	for _, r := range u.params {
		m[r.activity] = true
	}
	return m
}

// Fit is the fitted time of one unit of work.
type Fit struct {
	Unit         UnitTime `json:"unit"`
	Weeks        int      `json:"weeks"`         // weeks in which its activities were tracked
	DefaultHours float64  `json:"default_hours"` // hours per item of the published figures
	Hours        float64  `json:"hours"`         // fitted hours per item; DefaultHours if not Usable
	FixedHours   float64  `json:"fixed_hours"`   // hours a week whatever the volume (the intercept)
	R2           float64  `json:"r2"`            // share of the weekly variation the fit explains
	Method       string   `json:"method"`        // "intercept", "origin", or "" if not Usable
	Usable       bool     `json:"usable"`        // whether the history supports a fit
}

// Message is a text to show a person: a message key and its arguments.
// Its numbers are handed to the translator as locale.Numeral, so that
// locale.T writes them in its language ("4,5" in Spanish); in JSON they are
// numbers.
type Message struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

// Text returns the message translated by tr, e.g.
// func(k string, a ...any) string { return locale.T(lang, k, a...) }.
func (m Message) Text(tr func(key string, args ...any) string) string {
	return tr(m.Key, m.Args...)
}

// Calibration is what an organisation's history says about its unit times.
type Calibration struct {
	Weeks       int       `json:"weeks"`       // weeks of history used
	Fits        []Fit     `json:"fits"`        // one per unit time
	Overrides   Overrides `json:"overrides"`   // parameters to recalibrate the plan with
	Explanation []Message `json:"explanation"` // plain-language summary for a manager
}

// Calibrate fits the organisation's own unit times — hours per post, per
// conversation and per report — from at least MinCalibrationWeeks weeks of
// history.
//
// Each unit is fitted by ordinary least squares of the week's tracked hours
// of its activities against the week's count, with an intercept: the
// intercept absorbs the fixed weekly time (monitoring each network, the
// weekly planning), so it does not inflate the time per item. When the count
// barely varies, or the intercept comes out negative, the fit goes through
// the origin instead (all time counted per item), and the explanation says
// so. A unit tracked in fewer than MinCalibrationWeeks weeks, or whose hours
// do not grow with its count, keeps the published figure.
func Calibrate(history []Week) (Calibration, error) {
	if len(history) < MinCalibrationWeeks {
		return Calibration{}, gears.Invalid("history", "planner.error.calibration_weeks", MinCalibrationWeeks, len(history))
	}
	for i, w := range history {
		if err := w.validate(i); err != nil {
			return Calibration{}, fmt.Errorf("calibrate: %w", err)
		}
	}
	c := Calibration{Weeks: len(history), Overrides: Overrides{}}
	c.Explanation = append(c.Explanation, Message{Key: "planner.calibration.summary", Args: []any{len(history)}})
	for _, u := range unitSpecs {
		f := fitUnit(u, history)
		c.Fits = append(c.Fits, f)
		c.Explanation = append(c.Explanation, f.explain()...)
		if f.Usable {
			c.addOverrides(u, f)
		}
	}
	return c, nil
}

// validate checks one week of history.
func (w Week) validate(i int) error {
	counts := []struct {
		name string
		v    float64
	}{{"posts", w.Posts}, {"conversations", w.Conversations}, {"reports", w.Reports}}
	for _, c := range counts {
		if err := checkNumber(fmt.Sprintf("history[%d].%s", i, c.name), c.v, 0, math.MaxFloat64); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(w.Hours) {
		field := fmt.Sprintf("history[%d].hours.%s", i, k)
		if _, ok := Lookup(k); !ok {
			return gears.Invalid(field, errUnknownActivity, k)
		}
		if err := checkNumber(field, w.Hours[k], 0, 168); err != nil {
			return err
		}
	}
	return nil
}

// fitUnit fits one unit time over the weeks that tracked its activities.
func fitUnit(u unitSpec, history []Week) Fit {
	acts := u.activities()
	var xs, ys []float64
	for _, w := range history {
		var y float64
		tracked := false
		for k, h := range w.Hours {
			if acts[k] {
				y += h
				tracked = true
			}
		}
		if tracked {
			xs, ys = append(xs, u.count(w)), append(ys, y)
		}
	}
	f := Fit{Unit: u.unit, Weeks: len(xs), DefaultHours: u.defaultHours()}
	f.Hours = f.DefaultHours
	if len(xs) < MinCalibrationWeeks {
		return f
	}
	slope, intercept, method := leastSquares(xs, ys)
	if slope <= 0 || math.IsNaN(slope) {
		return f
	}
	f.Hours, f.FixedHours, f.Method, f.Usable = slope, intercept, method, true
	f.R2 = rSquared(xs, ys, slope, intercept)
	return f
}

// leastSquares fits y = intercept + slope × x. It falls back to a line
// through the origin when x barely varies or the intercept is negative.
func leastSquares(xs, ys []float64) (slope, intercept float64, method string) {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i] / n
		my += ys[i] / n
	}
	var sxx, sxy, sx2, sxyo float64
	for i := range xs {
		dx := xs[i] - mx
		sxx += dx * dx
		sxy += dx * (ys[i] - my)
		sx2 += xs[i] * xs[i]
		sxyo += xs[i] * ys[i]
	}
	// The count must vary by more than 5 % of its mean to separate the
	// fixed time from the time per item.
	if sxx > n*math.Pow(0.05*mx, 2) && sxx > 0 {
		slope = sxy / sxx
		intercept = my - slope*mx
		if intercept >= 0 {
			return slope, intercept, "intercept"
		}
	}
	if sx2 == 0 {
		return 0, 0, ""
	}
	return sxyo / sx2, 0, "origin"
}

// rSquared returns the coefficient of determination of the fitted line.
func rSquared(xs, ys []float64, slope, intercept float64) float64 {
	var my float64
	for _, y := range ys {
		my += y / float64(len(ys))
	}
	var ssRes, ssTot float64
	for i := range xs {
		r := ys[i] - (intercept + slope*xs[i])
		ssRes += r * r
		d := ys[i] - my
		ssTot += d * d
	}
	if ssTot == 0 {
		if ssRes == 0 {
			return 1
		}
		return 0
	}
	return math.Max(0, 1-ssRes/ssTot)
}

// explain returns the plain-language lines of one fit. Posts and
// conversations are told in minutes, reports in hours.
func (f Fit) explain() []Message {
	show := func(h float64) number {
		switch f.Unit {
		case PerReport:
			return tenths(h)
		case PerPost:
			return number{h * 60, 0}
		}
		return tenths(h * 60)
	}
	if !f.Usable {
		return []Message{{Key: "planner.calibration.unusable." + string(f.Unit), Args: []any{show(f.DefaultHours)}}}
	}
	out := []Message{{Key: "planner.calibration.fit." + string(f.Unit), Args: []any{show(f.Hours), show(f.DefaultHours)}}}
	switch {
	case f.Method == "origin":
		out = append(out, Message{Key: "planner.calibration.origin"})
	case f.FixedHours >= 0.05:
		out = append(out, Message{Key: "planner.calibration.fixed", Args: []any{tenths(f.FixedHours)}})
	}
	if f.R2 < 0.5 {
		out = append(out, Message{Key: "planner.calibration.weak", Args: []any{number{f.R2, -2}}})
	}
	return out
}

// addOverrides scales the unit's per-item parameters so that together they
// take the fitted time, keeping their proportions.
func (c *Calibration) addOverrides(u unitSpec, f Fit) {
	ratio := f.Hours / f.DefaultHours
	for _, r := range u.params {
		a, _ := Lookup(r.activity)
		p, _ := a.Param(r.param)
		if c.Overrides[r.activity] == nil {
			c.Overrides[r.activity] = map[string]float64{}
		}
		c.Overrides[r.activity][r.param] = math.Min(p.Value*ratio, maxParam)
	}
}

// Apply returns a copy of in whose overrides include the calibration's
// (which win over the input's own for the same parameter).
func (c Calibration) Apply(in Input) Input {
	merged := Overrides{}
	for _, src := range []Overrides{in.Overrides, c.Overrides} {
		for k, params := range src {
			if merged[k] == nil {
				merged[k] = map[string]float64{}
			}
			for p, v := range params {
				merged[k][p] = v
			}
		}
	}
	in.Overrides = merged
	return in
}

// Comparison puts the plan from the published figures beside the plan
// recalibrated with the organisation's own unit times.
type Comparison struct {
	Default     Result    `json:"default"`
	Calibrated  Result    `json:"calibrated"`
	Explanation []Message `json:"explanation"`
}

// Recalibrate estimates in twice, with the defaults and with the
// calibration applied, and explains the difference.
func Recalibrate(in Input, c Calibration) (Comparison, error) {
	def, err := Estimate(in)
	if err != nil {
		return Comparison{}, fmt.Errorf("recalibrate: %w", err)
	}
	cal, err := Estimate(c.Apply(in))
	if err != nil {
		return Comparison{}, fmt.Errorf("recalibrate: %w", err)
	}
	ex := append([]Message(nil), c.Explanation...)
	// The difference is written with its sign: "+2.5 h" in the message,
	// "-2.5 h" from the number itself.
	key, diff := "planner.calibration.plan", round(cal.WeeklyHours-def.WeeklyHours, 1)
	if diff < 0 {
		key = "planner.calibration.plan_less"
	}
	ex = append(ex, Message{Key: key, Args: []any{tenths(cal.WeeklyHours), tenths(def.WeeklyHours), tenths(diff)}})
	return Comparison{Default: def, Calibrated: cal, Explanation: ex}, nil
}
