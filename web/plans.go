package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"gears"
	"gears/locale"
	"gears/workload"
)

// Saved plans: the planner page's list, its save, update, delete and
// activate forms, two scenarios side by side, and the plans API.

// savedPlan is a saved plan with the totals of its estimate, for lists.
type savedPlan struct {
	Plan     *workload.Plan
	Weekly   float64 // hours a week
	Strategy float64 // hours of strategy, once
	FTE      float64
}

// inputValues writes an input as the planner form's values.
func inputValues(in workload.Input) url.Values {
	in = in.WithDefaults()
	f := func(v float64) []string { return []string{strconv.FormatFloat(v, 'f', -1, 64)} }
	return url.Values{
		"networks":              f(float64(in.Networks)),
		"posts_per_week":        f(in.PostsPerWeek),
		"mentions_per_week":     f(in.MentionsPerWeek),
		"blog_posts_per_month":  f(in.BlogPostsPerMonth),
		"campaigns_per_quarter": f(in.CampaignsPerQuarter),
		"contests_per_quarter":  f(in.ContestsPerQuarter),
		"reports_per_month":     f(in.ReportsPerMonth),
		"languages":             f(float64(in.Languages)),
		"org_size":              {string(in.OrgSize)},
		"audience":              {string(in.Audience)},
		"crisis_risk":           {string(in.CrisisRisk)},
		"hours_per_fte":         f(in.HoursPerFTE),
		"rate":                  f(in.Rate),
		"plan_weeks":            f(float64(in.PlanWeeks)),
	}
}

// planParam reads the ID of a plan from a query or form value.
func planParam(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, gears.ErrNotFound
	}
	return id, nil
}

// plannerData builds the planner page from values q: the form's fields,
// over those of the plan named by q's "plan" when there is one, and the
// estimate. withList also loads the saved plans (the live fragment does
// not show them).
func (s *Server) plannerData(r *http.Request, q url.Values, withList bool) (*plannerPage, error) {
	ri := info(r)
	ws := ri.workspace
	p := &plannerPage{}
	var overrides workload.Overrides
	if v := q.Get("plan"); v != "" {
		id, err := planParam(v)
		if err != nil {
			return nil, err
		}
		if p.Open, err = s.plans.FindPlan(r.Context(), ws.ID, id); err != nil {
			return nil, err
		}
		values := inputValues(p.Open.Input)
		for k, v := range q {
			values[k] = v
		}
		q = values
		overrides = p.Open.Input.Overrides
		p.Rename = p.Open.Name
	}
	p.Fields = plannerFields(q)
	in, err := plannerInput(p.Fields)
	if err == nil {
		in.Overrides = overrides
		p.Out, err = estimateView(ri.lang, in)
	}
	if err != nil {
		fe, ferr := asFormError(ri.lang, err)
		if ferr != nil {
			return nil, ferr
		}
		p.Out = &plannerResult{Err: fe, Invalid: true}
	}
	if withList {
		plans, err := s.plans.FindPlans(r.Context(), ws.ID)
		if err != nil {
			return nil, err
		}
		for _, pl := range plans {
			sp := &savedPlan{Plan: pl}
			if res, err := workload.Estimate(pl.Input); err == nil {
				sp.Weekly, sp.Strategy, sp.FTE = res.WeeklyHours, res.Strategy.TotalHours, res.FTE
			}
			p.Plans = append(p.Plans, sp)
		}
	}
	return p, nil
}

// plannerFailed shows the planner again with the form as it was posted and
// the reason saving failed.
func (s *Server) plannerFailed(w http.ResponseWriter, r *http.Request, err error, planID int64) error {
	q := url.Values{}
	for k, v := range r.PostForm {
		if k != csrfField && k != "name" {
			q[k] = v
		}
	}
	if planID != 0 {
		q.Set("plan", itoa(planID))
	}
	p, lerr := s.plannerData(r, q, true)
	if lerr != nil {
		return lerr
	}
	if planID != 0 {
		p.Rename = r.PostFormValue("name")
	} else {
		p.Name = r.PostFormValue("name")
	}
	return s.formFailed(w, r, err, "planner", "planner", p, &p.SaveErr)
}

func wsPath(ws *gears.Workspace, p string) string { return "/w/" + itoa(ws.ID) + p }

// createPlanForm saves the planner form as a new named plan.
func (s *Server) createPlanForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	if err := r.ParseForm(); err != nil {
		return err
	}
	in, err := plannerInput(plannerFields(r.PostForm))
	var plan *workload.Plan
	if err == nil {
		plan, err = s.plans.CreatePlan(r.Context(), ws.ID, workload.PlanCreate{Name: r.PostFormValue("name"), Input: in})
	}
	if err != nil {
		return s.plannerFailed(w, r, err, 0)
	}
	return redirect(w, r, wsPath(ws, "/planner?plan="+itoa(plan.ID)), "flash.plan_saved")
}

// updatePlanForm renames a plan and gives it the form's values, keeping
// its overridden parameters.
func (s *Server) updatePlanForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	old, err := s.plans.FindPlan(r.Context(), ws.ID, id)
	if err != nil {
		return err
	}
	in, err := plannerInput(plannerFields(r.PostForm))
	if err == nil {
		in.Overrides = old.Input.Overrides
		name := r.PostFormValue("name")
		_, err = s.plans.UpdatePlan(r.Context(), ws.ID, id, workload.PlanUpdate{Name: &name, Input: &in})
	}
	if err != nil {
		return s.plannerFailed(w, r, err, id)
	}
	return redirect(w, r, wsPath(ws, "/planner?plan="+itoa(id)), "flash.saved")
}

func (s *Server) deletePlanForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	if err := s.plans.DeletePlan(r.Context(), ws.ID, id); err != nil {
		return err
	}
	return redirect(w, r, wsPath(ws, "/planner"), "flash.plan_deleted")
}

// activatePlanForm makes a plan the active one from this week and shows
// the team's new tasks.
func (s *Server) activatePlanForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	if _, err := s.plans.ActivatePlan(r.Context(), ws.ID, id, time.Now()); err != nil {
		return err
	}
	return redirect(w, r, wsPath(ws, "/board"), "flash.plan_activated")
}

// comparison puts two estimates side by side, activity by activity.
type comparison struct {
	NameA, NameB string
	A, B         workload.Result
	SVGA, SVGB   template.HTML
	Gears        []compareGear
	WeeklyDiff   float64
	FTEDiff      float64
	CostDiff     float64
}

type compareGear struct {
	Gear         workload.Gear
	Colour       string
	UnitKey      string
	Lines        []compareLine
	TotalA       float64
	TotalB       float64
	Diff         float64
	StrategyGear bool
}

type compareLine struct {
	Key, Name string
	A, B      float64
	Diff      float64 // B − A
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// compare builds the side-by-side view of estimates a and b in lang.
func compare(lang, nameA, nameB string, a, b workload.Result) *comparison {
	tr := func(k string) string { return locale.T(lang, k) }
	trf := func(k string, args ...any) string { return locale.T(lang, k, args...) }
	a, b = a.Localize(tr), b.Localize(tr)
	c := &comparison{
		NameA: nameA, NameB: nameB, A: a, B: b,
		SVGA:       numberedSVG(template.HTML(workload.SVG(a, a.Labels(trf))), 1),
		SVGB:       numberedSVG(template.HTML(workload.SVG(b, b.Labels(trf))), 2),
		WeeklyDiff: round1(b.WeeklyHours - a.WeeklyHours),
		FTEDiff:    math.Round((b.FTE-a.FTE)*100) / 100,
		CostDiff:   math.Round((b.WeeklyCost-a.WeeklyCost)*100) / 100,
	}
	for _, g := range workload.Gears() {
		cg := compareGear{Gear: g, Colour: gearColours[g], UnitKey: g.Unit().NameKey(), TotalA: a.Total(g), TotalB: b.Total(g), StrategyGear: g == workload.Strategy}
		cg.Diff = round1(cg.TotalB - cg.TotalA)
		hoursB := map[string]float64{}
		for _, l := range b.Lines(g) {
			hoursB[l.Key] = l.Hours
		}
		seen := map[string]bool{}
		for _, l := range a.Lines(g) {
			seen[l.Key] = true
			cg.Lines = append(cg.Lines, compareLine{Key: l.Key, Name: l.Name, A: l.Hours, B: hoursB[l.Key], Diff: round1(hoursB[l.Key] - l.Hours)})
		}
		for _, l := range b.Lines(g) {
			if !seen[l.Key] {
				cg.Lines = append(cg.Lines, compareLine{Key: l.Key, Name: l.Name, B: l.Hours, Diff: l.Hours})
			}
		}
		c.Gears = append(c.Gears, cg)
	}
	return c
}

type comparePage struct {
	Plans []*workload.Plan
	A, B  int64
	Cmp   *comparison
}

// comparePage shows two saved plans side by side: ?a=ID&b=ID.
func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	plans, err := s.plans.FindPlans(r.Context(), ri.workspace.ID)
	if err != nil {
		return err
	}
	p := &comparePage{Plans: plans}
	q := r.URL.Query()
	if q.Get("a") != "" && q.Get("b") != "" {
		if p.A, err = planParam(q.Get("a")); err != nil {
			return err
		}
		if p.B, err = planParam(q.Get("b")); err != nil {
			return err
		}
		var results [2]workload.Result
		var names [2]string
		for i, id := range []int64{p.A, p.B} {
			pl, err := s.plans.FindPlan(r.Context(), ri.workspace.ID, id)
			if err != nil {
				return err
			}
			if results[i], err = workload.Estimate(pl.Input); err != nil {
				return err
			}
			names[i] = pl.Name
		}
		p.Cmp = compare(ri.lang, names[0], names[1], results[0], results[1])
	} else if len(plans) >= 2 {
		p.A, p.B = plans[0].ID, plans[1].ID
	}
	return s.render(w, r, "compare", "planner", p)
}

// withResult fills a plan's estimate, its activities named in lang.
func withResult(lang string, p *workload.Plan) (*workload.Plan, error) {
	res, err := workload.Estimate(p.Input)
	if err != nil {
		return nil, err
	}
	res = res.Localize(func(k string) string { return locale.T(lang, k) })
	p.Result = &res
	return p, nil
}

func (s *Server) apiPlans(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	list, err := s.plans.FindPlans(r.Context(), ri.workspace.ID)
	if err != nil {
		return err
	}
	out := make([]*workload.Plan, 0, len(list))
	for _, p := range list {
		if p, err = withResult(ri.lang, p); err != nil {
			return err
		}
		out = append(out, p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": out})
	return nil
}

func (s *Server) apiCreatePlan(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	var in workload.PlanCreate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.plans.CreatePlan(r.Context(), ri.workspace.ID, in)
	if err != nil {
		return err
	}
	if p, err = withResult(ri.lang, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	p, err := s.plans.FindPlan(r.Context(), ri.workspace.ID, id)
	if err != nil {
		return err
	}
	if p, err = withResult(ri.lang, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiUpdatePlan(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	var in workload.PlanUpdate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.plans.UpdatePlan(r.Context(), ri.workspace.ID, id, in)
	if err != nil {
		return err
	}
	if p, err = withResult(ri.lang, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiDeletePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	if err := s.plans.DeletePlan(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// decodeOptionalJSON is decodeJSON for requests whose body may be empty.
func decodeOptionalJSON(r *http.Request, v any) error {
	err := decodeJSON(r, v)
	if err != nil && gears.AsError(err).Key == "request.empty" {
		return nil
	}
	return err
}

type activation struct {
	StartsOn string `json:"starts_on"` // YYYY-MM-DD; default this week
}

// apiActivatePlan makes a plan the active one and returns its tasks.
func (s *Server) apiActivatePlan(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	var in activation
	if err := decodeOptionalJSON(r, &in); err != nil {
		return err
	}
	start := time.Now()
	if in.StartsOn != "" {
		if start, err = parseDate("starts_on", in.StartsOn, ws.Location()); err != nil {
			return err
		}
	}
	tasks, err := s.plans.ActivatePlan(r.Context(), ws.ID, id, start)
	if err != nil {
		return err
	}
	if tasks == nil {
		tasks = []*workload.Task{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": tasks})
	return nil
}
