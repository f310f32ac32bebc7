package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gears"
	"gears/locale"
	"gears/workload"
)

// plannerField is one input of the planner form.
type plannerField struct {
	Name    string   // form and JSON name
	Value   string   // as typed
	Choices []string // for selects
	Step    string   // for numbers
}

type plannerGear struct {
	Gear    workload.Gear
	Colour  string
	Total   float64
	UnitKey string
	Lines   []plannerLine
}

type plannerLine struct {
	Key, Name string
	Hours     float64
	Formula   formulaView
	Sources   []string
}

// formulaView is an activity's formula with its numbers filled in, as the
// page writes it in one language: (terms) × factors = result unit, with
// drivers and factors named as the form labels them and numbers written
// with the language's separators.
type formulaView struct {
	Terms   []formulaTerm
	Factors []formulaFactor
	Result  string // the hours, rounded to 0.01
	Unit    string // "h/week", "h/semana"…
}

// formulaTerm is coefficient [× value driver [× rate]]; the base term has
// no driver.
type formulaTerm struct {
	Coefficient string
	Param       string // what the coefficient is: "hours per network"
	Value       string // the driver's value in the input
	Driver      string // the driver as the form labels it; "" for the base
	Rate        string // "12/52" when a monthly or quarterly volume is counted per week; "" when none
	RateTitle   string // what the rate means
}

// formulaFactor is one multiplier: × Value Name.
type formulaFactor struct {
	Value string
	Name  string // the factor and the organisation's choice: "Crisis risk: Medium"
}

// factorFields names the form field (and so the message keys of its
// choices) that chooses each factor's multiplier.
var factorFields = map[string]string{
	string(workload.Size):     "org_size",
	string(workload.Audience): "audience",
	string(workload.Crisis):   "crisis_risk",
}

// formulaNumber writes v with up to three decimals and the separators of
// lang, as the reports write their arithmetic: 1,234.5 or 1.234,5.
func formulaNumber(lang string, v float64) string { return locale.Number(lang, v, -3) }

// formula writes the explanation e in lang for the organisation in (with
// its defaults applied).
func formula(lang string, in workload.Input, e workload.Explanation) formulaView {
	tr := func(k string, a ...any) string { return locale.T(lang, k, a...) }
	choices := map[string]string{}
	for _, m := range workload.Multipliers() {
		choices[m.Key] = m.Choice
	}
	v := formulaView{Result: formulaNumber(lang, math.Round(e.Hours*100)/100), Unit: tr(e.Unit.NameKey())}
	for _, t := range e.Terms {
		ft := formulaTerm{Coefficient: formulaNumber(lang, t.Coefficient), Param: tr("planner.param." + t.Param)}
		if t.Driver != workload.Fixed {
			ft.Value = formulaNumber(lang, t.Value)
			ft.Driver = tr("planner.field." + string(t.Driver))
			if t.Rate != 1 {
				// Monthly and quarterly volumes count 12 or 4 in a year
				// of 52 weeks: 12/52 says so better than 0.2308.
				if n := t.Rate * 52; math.Abs(n-math.Round(n)) < 1e-9 {
					ft.Rate = strconv.Itoa(int(math.Round(n))) + "/52"
					ft.RateTitle = tr("planner.formula.rate", int(math.Round(n)))
				} else {
					ft.Rate = formulaNumber(lang, t.Rate)
				}
			}
		}
		v.Terms = append(v.Terms, ft)
	}
	for _, f := range e.Factors {
		ff := formulaFactor{Value: formulaNumber(lang, f.Value)}
		name := tr("planner.factor." + f.Factor)
		if f.Factor == string(workload.Languages) {
			ff.Name = tr("planner.formula.choice", name, formulaNumber(lang, in.Driver(workload.Languages)))
		} else {
			ff.Name = tr("planner.formula.choice", name, tr("planner."+factorFields[f.Factor]+"."+choices[f.Key]))
		}
		v.Factors = append(v.Factors, ff)
	}
	return v
}

type plannerResult struct {
	Result  workload.Result
	Gears   []plannerGear
	SVG     template.HTML
	Err     *formError
	Weekly  float64
	Invalid bool
}

type plannerPage struct {
	Fields  []plannerField
	Out     *plannerResult
	Plans   []*savedPlan   // the workspace's saved plans
	Open    *workload.Plan // the plan opened into the form (?plan=ID)
	Name    string         // the name typed to save the form as a new plan
	Rename  string         // the name typed for the open plan
	SaveErr *formError     // why saving or updating failed
}

// plannerFields lists the form's fields in order, with the values typed.
func plannerFields(q url.Values) []plannerField {
	typical := workload.Typical()
	num := func(name string, def float64, step string) plannerField {
		v := q.Get(name)
		if !q.Has(name) {
			v = strconv.FormatFloat(def, 'f', -1, 64)
		}
		return plannerField{Name: name, Value: v, Step: step}
	}
	choice := func(name, def string, choices ...string) plannerField {
		v := q.Get(name)
		if v == "" {
			v = def
		}
		return plannerField{Name: name, Value: v, Choices: choices}
	}
	return []plannerField{
		num("networks", float64(typical.Networks), "1"),
		num("posts_per_week", typical.PostsPerWeek, "any"),
		num("mentions_per_week", typical.MentionsPerWeek, "any"),
		num("blog_posts_per_month", typical.BlogPostsPerMonth, "any"),
		num("campaigns_per_quarter", typical.CampaignsPerQuarter, "any"),
		num("contests_per_quarter", typical.ContestsPerQuarter, "any"),
		num("reports_per_month", typical.ReportsPerMonth, "any"),
		num("languages", float64(typical.Languages), "1"),
		choice("org_size", string(typical.OrgSize), "micro", "small", "medium", "large"),
		choice("audience", string(typical.Audience), "b2c", "b2b"),
		choice("crisis_risk", string(typical.CrisisRisk), "low", "medium", "high"),
		num("hours_per_fte", typical.HoursPerFTE, "any"),
		num("rate", typical.Rate, "any"),
		num("plan_weeks", float64(typical.PlanWeeks), "1"),
	}
}

// plannerInput reads the form into a workload input; a number that is not
// one is an error naming its field.
func plannerInput(fields []plannerField) (workload.Input, error) {
	var in workload.Input
	for _, f := range fields {
		if f.Choices != nil {
			switch f.Name {
			case "org_size":
				in.OrgSize = workload.OrgSize(f.Value)
			case "audience":
				in.Audience = workload.AudienceKind(f.Value)
			case "crisis_risk":
				in.CrisisRisk = workload.Risk(f.Value)
			}
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(f.Value), ",", "."), 64)
		if strings.TrimSpace(f.Value) == "" {
			v, err = 0, nil
		}
		if err != nil {
			return in, gears.Invalid(f.Name, "planner.not_a_number", fieldLabel(f.Name))
		}
		isInt := v == float64(int(v))
		switch f.Name {
		case "networks", "languages", "plan_weeks":
			if !isInt {
				return in, gears.Invalid(f.Name, "planner.not_whole", fieldLabel(f.Name))
			}
		}
		switch f.Name {
		case "networks":
			in.Networks = int(v)
		case "posts_per_week":
			in.PostsPerWeek = v
		case "mentions_per_week":
			in.MentionsPerWeek = v
		case "blog_posts_per_month":
			in.BlogPostsPerMonth = v
		case "campaigns_per_quarter":
			in.CampaignsPerQuarter = v
		case "contests_per_quarter":
			in.ContestsPerQuarter = v
		case "reports_per_month":
			in.ReportsPerMonth = v
		case "languages":
			in.Languages = int(v)
		case "hours_per_fte":
			in.HoursPerFTE = v
		case "rate":
			in.Rate = v
		case "plan_weeks":
			in.PlanWeeks = int(v)
		}
	}
	return in, nil
}

var gearColours = map[workload.Gear]string{workload.Strategy: "blue", workload.Maintenance: "green", workload.Metrics: "red"}

// estimateView computes the estimate and everything the page shows of it.
func estimateView(lang string, in workload.Input) (*plannerResult, error) {
	res, err := workload.Estimate(in)
	if err != nil {
		return nil, err
	}
	ex, err := workload.Explain(in)
	if err != nil {
		return nil, err
	}
	tr := func(k string) string { return locale.T(lang, k) }
	trf := func(k string, a ...any) string { return locale.T(lang, k, a...) }
	res = res.Localize(tr)
	byKey := map[string]workload.Explanation{}
	for _, e := range ex {
		byKey[e.Key] = e
	}
	in = in.WithDefaults()
	out := &plannerResult{Result: res, SVG: template.HTML(workload.SVG(res, res.Labels(trf))), Weekly: res.WeeklyHours}
	for _, g := range workload.Gears() {
		pg := plannerGear{Gear: g, Colour: gearColours[g], Total: res.Total(g), UnitKey: g.Unit().NameKey()}
		for _, l := range res.Lines(g) {
			e := byKey[l.Key]
			pl := plannerLine{Key: l.Key, Name: l.Name, Hours: l.Hours, Formula: formula(lang, in, e)}
			seen := map[string]bool{}
			add := func(sources []string) {
				for _, s := range sources {
					if !seen[s] {
						seen[s] = true
						pl.Sources = append(pl.Sources, tr(s))
					}
				}
			}
			for _, t := range e.Terms {
				add(t.Sources)
			}
			for _, f := range e.Factors {
				add(f.Sources)
			}
			pg.Lines = append(pg.Lines, pl)
		}
		out.Gears = append(out.Gears, pg)
	}
	return out, nil
}

func (s *Server) plannerPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	fragment := q.Get("fragment") == "1"
	p, err := s.plannerData(r, q, !fragment)
	if err != nil {
		return err
	}
	if fragment {
		return s.fragment(w, r, "planner", "planner-results", p)
	}
	return s.render(w, r, "planner", "planner", p)
}

// apiEstimate is POST /api/v1/plans/estimate: the same input and output as
// `gears plan --json`, with nothing stored.
func (s *Server) apiEstimate(w http.ResponseWriter, r *http.Request) error {
	var in workload.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := workload.Estimate(in)
	if err != nil {
		return err
	}
	lang := info(r).lang
	writeJSON(w, http.StatusOK, res.Localize(func(k string) string { return locale.T(lang, k) }))
	return nil
}

// fieldLabel names a planner field in the error's own language: the
// catalogue translates it in place when the error is shown.
func fieldLabel(name string) gears.Problem {
	return gears.Problem{Key: "planner.field." + name}
}
