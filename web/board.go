package web

import (
	"net/http"
	"time"

	"gears"
	"gears/workload"
)

// The team board: the active plan's tasks of one week, by person.

type boardPage struct {
	Week, Prev, Next time.Time
	ThisWeek         bool
	Plan             *workload.Plan // the active plan; nil if none
	Groups           []*boardGroup
	Members          []*gears.Member
	AllTracked       bool // whether the viewer sees everyone's time, or only their own
	Err              *formError
}

// boardGroup is one person's tasks of the week (UserID 0: unassigned).
type boardGroup struct {
	UserID   int64
	Name     string
	Capacity float64
	Budget   float64
	Tracked  float64
	Tasks    []*boardTask
}

type boardTask struct {
	Task    *workload.Task
	Name    string
	Colour  string
	Tracked float64 // hours tracked on its activity this week
}

func (s *Server) boardData(r *http.Request) (*boardPage, error) {
	ri := info(r)
	ws := ri.workspace
	loc := ws.Location()
	monday, err := weekOf(r, loc)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	p := &boardPage{Week: monday, Prev: monday.AddDate(0, 0, -7), Next: monday.AddDate(0, 0, 7), AllTracked: ws.Role.Can(gears.ActionViewReports)}
	p.ThisWeek = monday.Equal(workload.WeekStart(time.Now().In(loc)))
	plans, err := s.plans.FindPlans(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	p.Plan = activePlan(plans)
	if p.Members, err = s.workspaces.FindMembers(ctx, ws.ID); err != nil {
		return nil, err
	}
	tasks, err := s.plans.FindTasks(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	// The store shows whoever may not read reports only their own time.
	entries, err := s.plans.FindTime(ctx, ws.ID, workload.TimeFilter{From: monday, To: monday.AddDate(0, 0, 7)})
	if err != nil {
		return nil, err
	}
	tracked := map[string]float64{}
	for _, e := range entries {
		if !e.Running {
			tracked[e.ActivityKey] += e.Minutes / 60
		}
	}
	groups := map[int64]*boardGroup{}
	for _, m := range p.Members {
		g := &boardGroup{UserID: m.UserID, Name: memberName(m), Capacity: m.Capacity}
		groups[m.UserID] = g
		p.Groups = append(p.Groups, g)
	}
	unassigned := &boardGroup{}
	for _, t := range tasks {
		if !t.ActiveIn(monday) {
			continue
		}
		g := unassigned
		if t.AssigneeID != nil {
			if g = groups[*t.AssigneeID]; g == nil {
				g = unassigned // a former member's task
			}
		}
		bt := &boardTask{Task: t, Name: activityName(ri.lang, t.ActivityKey), Colour: gearColours[t.Gear], Tracked: tracked[t.ActivityKey]}
		g.Tasks = append(g.Tasks, bt)
		g.Budget += t.WeeklyHours
		g.Tracked += bt.Tracked
	}
	// People without tasks this week are left out; unassigned work last.
	kept := p.Groups[:0]
	for _, g := range p.Groups {
		if len(g.Tasks) > 0 {
			kept = append(kept, g)
		}
	}
	p.Groups = kept
	if len(unassigned.Tasks) > 0 {
		p.Groups = append(p.Groups, unassigned)
	}
	return p, nil
}

func (s *Server) boardPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.boardData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "board", "board", p)
}

// assignTaskForm gives a task to a member ("" for nobody) and goes back to
// the board's week.
func (s *Server) assignTaskForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "task")
	if err != nil {
		return err
	}
	var assignee *int64
	if v := r.PostFormValue("assignee_id"); v != "" {
		uid, err := planParam(v)
		if err != nil {
			err = gears.Invalid("assignee_id", "task.assignee_not_member")
			return s.boardFailed(w, r, err)
		}
		assignee = &uid
	}
	if _, err := s.plans.AssignTask(r.Context(), ws.ID, id, assignee); err != nil {
		return s.boardFailed(w, r, err)
	}
	to := "/board"
	if week := r.PostFormValue("week"); week != "" {
		if _, err := parseDate("week", week, ws.Location()); err == nil {
			to += "?week=" + week
		}
	}
	return redirect(w, r, wsPath(ws, to), "flash.saved")
}

func (s *Server) boardFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if week := r.PostFormValue("week"); week != "" {
		q := r.URL.Query()
		q.Set("week", week)
		r.URL.RawQuery = q.Encode()
	}
	p, lerr := s.boardData(r)
	if lerr != nil {
		return lerr
	}
	return s.formFailed(w, r, err, "board", "board", p, &p.Err)
}

// apiTasks lists the workspace's tasks, past ones included; ?week=DATE
// keeps those that run in that date's week.
func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	tasks, err := s.plans.FindTasks(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	out := make([]*workload.Task, 0, len(tasks))
	if r.URL.Query().Get("week") != "" {
		monday, err := weekOf(r, ws.Location())
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.ActiveIn(monday) {
				out = append(out, t)
			}
		}
	} else {
		out = append(out, tasks...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": out})
	return nil
}

type taskAssign struct {
	AssigneeID *int64 `json:"assignee_id"` // null: nobody
}

func (s *Server) apiAssignTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "task")
	if err != nil {
		return err
	}
	var in taskAssign
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.plans.AssignTask(r.Context(), info(r).workspace.ID, id, in.AssigneeID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
