package web

import (
	"net/http"
	"time"

	"gears"
	"gears/locale"
	"gears/workload"
)

// Calibration: the counts of work done per week, and the plan recalibrated
// with the organisation's own unit times beside the published figures.

// calibrationResult is what the history says, for the page and the API.
type calibrationResult struct {
	Weeks       []time.Time // the finished weeks looked at
	Counts      map[int64]workload.WorkCount
	Hours       map[int64]float64 // tracked hours per week
	Used        int               // weeks with both counts and tracked time
	Calibration *workload.Calibration
	Plan        *workload.Plan // the active plan, if any
	Comparison  *workload.Comparison
}

// calibrate reads the last n finished weeks and, with enough of them,
// calibrates. Too short a history is an ECONFLICT error after the counts
// and hours are filled, so that the page can still show them.
func (s *Server) calibrate(r *http.Request, n int) (*calibrationResult, error) {
	ws := info(r).workspace
	ctx := r.Context()
	loc := ws.Location()
	weeks := workload.Weeks(time.Now().In(loc).AddDate(0, 0, -7), n)
	from, to := weeks[0], weeks[len(weeks)-1].AddDate(0, 0, 7)
	counts, err := s.plans.FindWorkCounts(ctx, ws.ID, from, to)
	if err != nil {
		return nil, err
	}
	entries, err := s.plans.FindTime(ctx, ws.ID, workload.TimeFilter{From: from, To: to})
	if err != nil {
		return nil, err
	}
	c := &calibrationResult{Weeks: weeks, Counts: map[int64]workload.WorkCount{}, Hours: map[int64]float64{}}
	for _, wc := range counts {
		c.Counts[workload.WeekStart(wc.WeekStart.In(loc)).Unix()] = wc
	}
	for _, e := range entries {
		if !e.Running {
			c.Hours[workload.WeekStart(e.StartedAt.In(loc)).Unix()] += e.Minutes / 60
		}
	}
	// Only weeks with both the work done and the time it took teach
	// anything.
	var both []time.Time
	for _, w := range weeks {
		if _, ok := c.Counts[w.Unix()]; ok && c.Hours[w.Unix()] > 0 {
			both = append(both, w)
		}
	}
	for k, h := range c.Hours {
		c.Hours[k] = round1(h)
	}
	c.Used = len(both)
	plans, err := s.plans.FindPlans(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	c.Plan = activePlan(plans)
	if c.Used < workload.MinCalibrationWeeks {
		return c, gears.Errorf(gears.ECONFLICT, "calibration.too_short", c.Used, workload.MinCalibrationWeeks)
	}
	cal, err := workload.Calibrate(workload.History(entries, counts, both))
	if err != nil {
		return c, err
	}
	c.Calibration = &cal
	if c.Plan != nil {
		cmp, err := workload.Recalibrate(c.Plan.Input, cal)
		if err != nil {
			return c, err
		}
		c.Comparison = &cmp
	}
	return c, nil
}

// explanation translates the messages that explain a calibration.
func (c *calibrationResult) explanation(lang string) []string {
	var msgs []workload.Message
	switch {
	case c.Comparison != nil:
		msgs = c.Comparison.Explanation
	case c.Calibration != nil:
		msgs = c.Calibration.Explanation
	}
	tr := func(k string, args ...any) string { return locale.T(lang, k, args...) }
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, m.Text(tr))
	}
	return out
}

type calibrationPage struct {
	Weeks       int
	Result      *calibrationResult
	Rows        []countRow
	Short       string // why there is no calibration yet
	Explanation []string
	Cmp         *comparison
	Fits        []workload.Fit
	Err         *formError
}

// countRow is one week of the counts form.
type countRow struct {
	Week time.Time
	// The counts: the values of the form's inputs, or for who may not edit
	// them, the text they read.
	Posts, Conversations, Reports string
	Hours                         float64
	Recorded                      bool
}

func (s *Server) calibrationData(r *http.Request) (*calibrationPage, error) {
	ri := info(r)
	n, err := weeksParam(r, 8)
	if err != nil {
		return nil, err
	}
	c, cerr := s.calibrate(r, n)
	if c == nil {
		return nil, cerr
	}
	p := &calibrationPage{Weeks: n, Result: c}
	// Who may edit gets the counts as the values of inputs (Go's "2.5");
	// who may not reads them as text in the page's language ("2,5").
	count := fmtNumber
	if !ri.workspace.Role.Can(gears.ActionEdit) {
		count = func(v float64) string { return locale.Number(ri.lang, v, -2) }
	}
	for i := len(c.Weeks) - 1; i >= 0; i-- {
		w := c.Weeks[i]
		row := countRow{Week: w, Hours: c.Hours[w.Unix()]}
		if wc, ok := c.Counts[w.Unix()]; ok {
			row.Recorded = true
			row.Posts, row.Conversations, row.Reports = count(wc.Posts), count(wc.Conversations), count(wc.Reports)
		}
		p.Rows = append(p.Rows, row)
	}
	if cerr != nil {
		e := gears.AsError(cerr)
		if e.Code == gears.EINTERNAL || e.Code == gears.ENOTFOUND || e.Code == gears.EFORBIDDEN {
			return nil, cerr
		}
		p.Short = message(ri.lang, e)
		return p, nil
	}
	p.Explanation = c.explanation(ri.lang)
	p.Fits = c.Calibration.Fits
	if c.Comparison != nil {
		p.Cmp = compare(ri.lang, locale.T(ri.lang, "calibration.default"), locale.T(ri.lang, "calibration.calibrated"), c.Comparison.Default, c.Comparison.Calibrated)
	}
	return p, nil
}

func (s *Server) calibrationPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.calibrationData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "calibration", "calibration", p)
}

// countsFromForm reads the counts typed on the calibration page, one row
// per week; a week left blank is skipped. The first bad value is an error
// naming its input.
func countsFromForm(r *http.Request, loc *time.Location) ([]workload.WorkCount, error) {
	var counts []workload.WorkCount
	for _, week := range r.PostForm["week"] {
		monday, err := parseDate("week", week, loc)
		if err != nil {
			return nil, err
		}
		wc := workload.WorkCount{WeekStart: workload.WeekStart(monday)}
		blank := true
		for _, f := range []struct {
			name string
			v    *float64
		}{{"posts", &wc.Posts}, {"conversations", &wc.Conversations}, {"reports", &wc.Reports}} {
			typed := r.PostFormValue(f.name + "_" + week)
			if typed == "" {
				continue
			}
			blank = false
			v, ok := parseNumber(typed)
			if !ok {
				return nil, gears.Invalid(f.name+"_"+week, "work.count_range")
			}
			*f.v = v
		}
		if blank {
			continue
		}
		if err := wc.Validate(); err != nil {
			e := *gears.AsError(err)
			e.Field += "_" + week
			return nil, &e
		}
		counts = append(counts, wc)
	}
	return counts, nil
}

// workCountsForm saves the counts typed for each week of the form. Every
// week is checked before any is saved.
func (s *Server) workCountsForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	if err := r.ParseForm(); err != nil {
		return err
	}
	counts, err := countsFromForm(r, ws.Location())
	if err == nil {
		for _, wc := range counts {
			if err = s.plans.SetWorkCount(r.Context(), ws.ID, wc); err != nil {
				break
			}
		}
	}
	if err != nil {
		p, lerr := s.calibrationData(r)
		if lerr != nil {
			return lerr
		}
		for i := range p.Rows {
			week := p.Rows[i].Week.Format(dateLayout)
			p.Rows[i].Posts = r.PostFormValue("posts_" + week)
			p.Rows[i].Conversations = r.PostFormValue("conversations_" + week)
			p.Rows[i].Reports = r.PostFormValue("reports_" + week)
		}
		return s.formFailed(w, r, err, "calibration", "calibration", p, &p.Err)
	}
	to := "/calibration"
	if n := r.URL.Query().Get("weeks"); n != "" {
		to += "?weeks=" + n
	}
	return redirect(w, r, wsPath(ws, to), "flash.saved")
}

type workCountInput struct {
	Posts         float64 `json:"posts"`
	Conversations float64 `json:"conversations"`
	Reports       float64 `json:"reports"`
}

func (s *Server) apiSetWorkCount(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	monday, err := parseDate("week", r.PathValue("week"), ws.Location())
	if err != nil {
		return err
	}
	var in workCountInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	wc := workload.WorkCount{WeekStart: workload.WeekStart(monday), Posts: in.Posts, Conversations: in.Conversations, Reports: in.Reports}
	if err := s.plans.SetWorkCount(r.Context(), ws.ID, wc); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wc)
	return nil
}

func (s *Server) apiCalibration(w http.ResponseWriter, r *http.Request) error {
	lang := info(r).lang
	n, err := weeksParam(r, 8)
	if err != nil {
		return err
	}
	c, err := s.calibrate(r, n)
	if err != nil {
		return err
	}
	out := map[string]any{
		"weeks":       c.Used,
		"calibration": c.Calibration,
		"comparison":  nil,
		"plan_id":     nil,
		"explanation": c.explanation(lang),
	}
	if c.Comparison != nil {
		tr := func(k string) string { return locale.T(lang, k) }
		cmp := *c.Comparison
		cmp.Default, cmp.Calibrated = cmp.Default.Localize(tr), cmp.Calibrated.Localize(tr)
		out["comparison"], out["plan_id"] = cmp, c.Plan.ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
