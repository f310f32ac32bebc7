package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/locale"
	"gears/workload"
)

// Planned against actual: per week, person and activity, and the capacity
// heat map; as a page, CSV and JSON.

// workloadData is what the page, the CSV and the API share.
type workloadData struct {
	Weeks   []time.Time
	Rows    []workload.Row
	Load    []workload.LoadCell
	Members []*gears.Member
	Names   map[int64]string
}

// workloadReport gathers the last n weeks (this one included) of the
// workspace in its time zone.
func (s *Server) workloadReport(r *http.Request, n int) (*workloadData, error) {
	ws := info(r).workspace
	ctx := r.Context()
	weeks := workload.Weeks(time.Now().In(ws.Location()), n)
	tasks, err := s.plans.FindTasks(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	entries, err := s.plans.FindTime(ctx, ws.ID, workload.TimeFilter{From: weeks[0], To: weeks[len(weeks)-1].AddDate(0, 0, 7)})
	if err != nil {
		return nil, err
	}
	members, err := s.workspaces.FindMembers(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	capacity := make(map[int64]float64, len(members))
	for _, m := range members {
		capacity[m.UserID] = m.Capacity
	}
	d := &workloadData{Weeks: weeks, Members: members, Names: memberNames(members)}
	d.Rows = workload.PlannedVsActual(tasks, entries, weeks)
	d.Load = workload.Load(d.Rows, weeks, capacity)
	return d, nil
}

// The heat map's levels of load.
const (
	loadNone = "none" // no capacity and no work
	loadLow  = "low"  // under 80 %
	loadNear = "near" // 80 % to 100 %
	loadOver = "over" // over 100 %
)

func loadLevel(c workload.LoadCell) string {
	work := max(c.Planned, c.Tracked)
	switch {
	case c.Capacity <= 0 && work <= 0:
		return loadNone
	case c.Capacity <= 0, c.Load > 1:
		return loadOver
	case c.Load >= 0.8:
		return loadNear
	}
	return loadLow
}

type workloadPage struct {
	Weeks   int
	Report  *workloadData
	ByWeek  []*workloadWeek // the latest first
	Heat    []*heatRow
	Plan    *workload.Plan
	Err     *formError
	ErrUser int64 // whose capacity failed to save
	Typed   string
}

type workloadWeek struct {
	Week                         time.Time
	Rows                         []workloadRow
	Planned, Tracked, Difference float64
}

type workloadRow struct {
	workload.Row
	Person, Activity, Colour string
}

type heatRow struct {
	UserID   int64
	Name     string
	Capacity float64
	Member   bool
	Cells    []heatCell
}

type heatCell struct {
	workload.LoadCell
	Level   string
	Percent int
}

func (s *Server) workloadData(r *http.Request) (*workloadPage, error) {
	ri := info(r)
	n, err := weeksParam(r, 8)
	if err != nil {
		return nil, err
	}
	d, err := s.workloadReport(r, n)
	if err != nil {
		return nil, err
	}
	plans, err := s.plans.FindPlans(r.Context(), ri.workspace.ID)
	if err != nil {
		return nil, err
	}
	p := &workloadPage{Weeks: n, Report: d, Plan: activePlan(plans)}
	weeks := map[int64]*workloadWeek{}
	for i := len(d.Weeks) - 1; i >= 0; i-- {
		ww := &workloadWeek{Week: d.Weeks[i]}
		weeks[d.Weeks[i].Unix()] = ww
		p.ByWeek = append(p.ByWeek, ww)
	}
	for _, row := range d.Rows {
		ww := weeks[row.Week.Unix()]
		if ww == nil {
			continue
		}
		ww.Rows = append(ww.Rows, workloadRow{Row: row, Person: personName(ri.lang, d.Names, row.UserID), Activity: activityName(ri.lang, row.ActivityKey), Colour: gearColours[row.Gear]})
		ww.Planned += row.Planned
		ww.Tracked += row.Tracked
	}
	for _, ww := range p.ByWeek {
		ww.Planned, ww.Tracked = round1(ww.Planned), round1(ww.Tracked)
		ww.Difference = round1(ww.Tracked - ww.Planned)
	}
	rows := map[int64]*heatRow{}
	for _, m := range d.Members {
		h := &heatRow{UserID: m.UserID, Name: d.Names[m.UserID], Capacity: m.Capacity, Member: true}
		rows[m.UserID] = h
		p.Heat = append(p.Heat, h)
	}
	for _, c := range d.Load {
		h := rows[c.UserID]
		if h == nil {
			h = &heatRow{UserID: c.UserID, Name: personName(ri.lang, d.Names, c.UserID)}
			rows[c.UserID] = h
			p.Heat = append(p.Heat, h)
		}
		h.Cells = append(h.Cells, heatCell{LoadCell: c, Level: loadLevel(c), Percent: int(c.Load*100 + 0.5)})
	}
	return p, nil
}

// personName names whom a row is for: a member, "unassigned" (0), or a
// former member.
func personName(lang string, names map[int64]string, uid int64) string {
	if uid == 0 {
		return locale.T(lang, "board.unassigned")
	}
	if n, ok := names[uid]; ok {
		return n
	}
	return locale.T(lang, "workload.former_member", uid)
}

func (s *Server) workloadPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.workloadData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "workload", "workload", p)
}

// csvSafe defuses a text cell that a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvNumber(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// workloadCSV writes planned against actual as CSV: one row per week,
// person and activity. Numbers are ours; only text cells can carry a
// formula, and those are defused.
func (s *Server) workloadCSV(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	n, err := weeksParam(r, 8)
	if err != nil {
		return err
	}
	d, err := s.workloadReport(r, n)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(d.Rows))
	for _, row := range d.Rows {
		rows = append(rows, []string{
			row.Week.Format(dateLayout), strconv.FormatInt(row.UserID, 10), csvSafe(personName(ri.lang, d.Names, row.UserID)),
			string(row.Gear), csvSafe(row.ActivityKey), csvSafe(activityName(ri.lang, row.ActivityKey)),
			csvNumber(row.Planned), csvNumber(row.Tracked), csvNumber(row.Difference),
		})
	}
	name := "workload-" + itoa(ri.workspace.ID) + "-" + time.Now().In(ri.workspace.Location()).Format(dateLayout) + ".csv"
	return writeCSV(w, name, []string{"week", "user_id", "person", "gear", "activity_key", "activity", "planned_hours", "tracked_hours", "difference_hours"}, rows)
}

// setCapacityForm sets a member's weekly hours from the heat map.
func (s *Server) setCapacityForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	typed := r.PostFormValue("weekly_hours")
	hours, ok := parseNumber(typed)
	if !ok {
		err = gears.Invalid("weekly_hours", "capacity.range", maxCapacity)
	} else {
		err = s.plans.SetCapacity(r.Context(), ws.ID, uid, hours)
	}
	if err != nil {
		p, lerr := s.workloadData(r)
		if lerr != nil {
			return lerr
		}
		p.ErrUser, p.Typed = uid, typed
		return s.formFailed(w, r, err, "workload", "workload", p, &p.Err)
	}
	to := "/workload"
	if n := r.URL.Query().Get("weeks"); n != "" {
		to += "?weeks=" + n
	}
	return redirect(w, r, wsPath(ws, to), "flash.saved")
}

// maxCapacity is the most weekly hours a member can be given (the store's
// rule, repeated only to word the error of a value that is not a number).
const maxCapacity = 168

func (s *Server) apiWorkload(w http.ResponseWriter, r *http.Request) error {
	n, err := weeksParam(r, 8)
	if err != nil {
		return err
	}
	d, err := s.workloadReport(r, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"weeks": d.Weeks, "rows": d.Rows, "load": d.Load})
	return nil
}

type capacityInput struct {
	WeeklyHours *float64 `json:"weekly_hours"`
}

func (s *Server) apiSetCapacity(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var in capacityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.WeeklyHours == nil {
		return gears.Invalid("weekly_hours", "capacity.range", maxCapacity)
	}
	if err := s.plans.SetCapacity(r.Context(), ws.ID, uid, *in.WeeklyHours); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": uid, "weekly_hours": *in.WeeklyHours})
	return nil
}
