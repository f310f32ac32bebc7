package web

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"gears"
	"gears/workload"
)

// Time: a member's own timer, manual entries and week of tracked time.

type timePage struct {
	Week, Prev, Next time.Time
	ThisWeek         bool
	Running          *timeRow
	Entries          []*timeRow
	TotalMinutes     float64
	Activities       []activityGroup
	Tasks            []*timeTask
	Campaigns        []*gears.Campaign // offered as what the time is for
	// The forms' values, kept when they fail.
	TimerWork, TimerNote           string
	Work, Date, Amount, Unit, Note string
	TimerTags, Tags                workload.TimeTags
	TimerErr, EntryErr             *formError
}

// timeRow is one entry as the page shows it.
type timeRow struct {
	Entry   *workload.TimeEntry
	Name    string // the activity's
	Colour  string
	Local   time.Time // when it started, in the workspace's time zone
	Minutes float64   // so far, for a running timer
}

// timeTask is a task of the week offered in the "what" select.
type timeTask struct {
	Task *workload.Task
	Name string
	Mine bool
}

// workValue is how the "what" select names a task or an activity.
func workValue(activity string, taskID *int64) string {
	if taskID != nil {
		return "task:" + itoa(*taskID)
	}
	return activity
}

// parseWork reads the "what" select: "task:ID" or an activity key.
func parseWork(v string) (activity string, taskID *int64, err error) {
	if id, ok := strings.CutPrefix(v, "task:"); ok {
		tid, err := planParam(id)
		if err != nil {
			return "", nil, gears.Invalid("task_id", "time.task_unknown")
		}
		return "", &tid, nil
	}
	if _, ok := workload.Lookup(v); !ok {
		return "", nil, gears.Invalid("activity_key", "time.activity_unknown", v)
	}
	return v, nil, nil
}

func (s *Server) timeData(r *http.Request) (*timePage, error) {
	ri := info(r)
	ws := ri.workspace
	loc := ws.Location()
	monday, err := weekOf(r, loc)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	now := time.Now().In(loc)
	p := &timePage{
		Week: monday, Prev: monday.AddDate(0, 0, -7), Next: monday.AddDate(0, 0, 7),
		ThisWeek:   monday.Equal(workload.WeekStart(now)),
		Activities: activityGroups(ri.lang),
		Date:       now.Format(dateLayout), Unit: "min",
	}
	row := func(e *workload.TimeEntry) *timeRow {
		a, _ := workload.Lookup(e.ActivityKey)
		tr := &timeRow{Entry: e, Name: activityName(ri.lang, e.ActivityKey), Colour: gearColours[a.Gear], Local: e.StartedAt.In(loc), Minutes: e.Minutes}
		if e.Running {
			tr.Minutes = max(now.Sub(e.StartedAt).Minutes(), 0)
		}
		return tr
	}
	running, err := s.plans.RunningTimer(ctx, ws.ID)
	switch {
	case err == nil:
		p.Running = row(running)
	case gears.ErrorCode(err) != gears.ENOTFOUND:
		return nil, err
	}
	me := ri.user.ID
	entries, err := s.plans.FindTime(ctx, ws.ID, workload.TimeFilter{UserID: &me, From: monday, To: monday.AddDate(0, 0, 7)})
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Running {
			continue
		}
		p.Entries = append(p.Entries, row(e))
		p.TotalMinutes += e.Minutes
	}
	tasks, err := s.plans.FindTasks(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		if t.ActiveIn(workload.WeekStart(now)) {
			p.Tasks = append(p.Tasks, &timeTask{Task: t, Name: activityName(ri.lang, t.ActivityKey), Mine: t.AssigneeID != nil && *t.AssigneeID == me})
		}
	}
	sort.SliceStable(p.Tasks, func(i, j int) bool { return p.Tasks[i].Mine && !p.Tasks[j].Mine })
	if p.Campaigns, err = s.strategy().FindCampaigns(ctx, ws.ID); err != nil {
		return nil, err
	}
	for _, t := range p.Tasks {
		if t.Mine {
			p.TimerWork = workValue("", &t.Task.ID)
			p.Work = p.TimerWork
			break
		}
	}
	return p, nil
}

func (s *Server) timePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.timeData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "time", "time", p)
}

// timeFailed shows the time page again with the forms as posted and the
// error beside the form it concerns.
func (s *Server) timeFailed(w http.ResponseWriter, r *http.Request, err error, timer bool) error {
	p, lerr := s.timeData(r)
	if lerr != nil {
		return lerr
	}
	slot := &p.EntryErr
	if timer {
		slot = &p.TimerErr
		p.TimerWork, p.TimerNote, p.TimerTags = r.PostFormValue("work"), r.PostFormValue("note"), tagsFromForm(r)
	} else {
		p.Work, p.Date, p.Amount, p.Unit, p.Note = r.PostFormValue("work"), r.PostFormValue("date"), r.PostFormValue("amount"), r.PostFormValue("unit"), r.PostFormValue("note")
		p.Tags = tagsFromForm(r)
	}
	return s.formFailed(w, r, err, "time", "time", p, slot)
}

func (s *Server) startTimerForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	activity, task, err := parseWork(r.PostFormValue("work"))
	if err == nil {
		_, err = s.plans.StartTimer(r.Context(), ws.ID, workload.TimerStart{ActivityKey: activity, TaskID: task,
			Note: r.PostFormValue("note"), TimeTags: tagsFromForm(r)})
	}
	if err != nil {
		return s.timeFailed(w, r, err, true)
	}
	return redirect(w, r, wsPath(ws, "/time"), "flash.timer_started")
}

func (s *Server) stopTimerForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	if _, err := s.plans.StopTimer(r.Context(), ws.ID); err != nil {
		return s.timeFailed(w, r, err, true)
	}
	return redirect(w, r, wsPath(ws, "/time"), "flash.timer_stopped")
}

// tagsFromForm reads what the time is for: a campaign and a network, both
// optional.
func tagsFromForm(r *http.Request) workload.TimeTags {
	return workload.TimeTags{Campaign: r.PostFormValue("campaign"), Network: gears.Network(r.PostFormValue("network"))}
}

// entryFromForm reads the manual entry form: what, the date (noon in the
// workspace's time zone), an amount in minutes or hours, a note.
func entryFromForm(r *http.Request, loc *time.Location) (workload.TimeEntryCreate, error) {
	var e workload.TimeEntryCreate
	var err error
	if e.ActivityKey, e.TaskID, err = parseWork(r.PostFormValue("work")); err != nil {
		return e, err
	}
	day, err := parseDate("date", r.PostFormValue("date"), loc)
	if err != nil {
		return e, err
	}
	e.StartedAt = day.Add(12 * time.Hour)
	amount, ok := parseNumber(r.PostFormValue("amount"))
	if !ok {
		return e, gears.Invalid("minutes", "time.minutes_range", workload.MaxEntryMinutes)
	}
	if r.PostFormValue("unit") == "h" {
		amount *= 60
	}
	e.Minutes = amount
	e.Note = r.PostFormValue("note")
	e.TimeTags = tagsFromForm(r)
	return e, nil
}

func (s *Server) addTimeForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	e, err := entryFromForm(r, ws.Location())
	if err == nil {
		_, err = s.plans.AddTime(r.Context(), ws.ID, e)
	}
	if err != nil {
		return s.timeFailed(w, r, err, false)
	}
	to := "/time"
	if week := workload.WeekStart(e.StartedAt.In(ws.Location())); !week.Equal(workload.WeekStart(time.Now().In(ws.Location()))) {
		to += "?week=" + week.Format(dateLayout)
	}
	return redirect(w, r, wsPath(ws, to), "flash.time_added")
}

func (s *Server) deleteTimeForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "entry")
	if err != nil {
		return err
	}
	if err := s.plans.DeleteTime(r.Context(), ws.ID, id); err != nil {
		return err
	}
	to := "/time"
	if week := r.PostFormValue("week"); week != "" {
		if _, err := parseDate("week", week, ws.Location()); err == nil {
			to += "?week=" + week
		}
	}
	return redirect(w, r, wsPath(ws, to), "flash.time_deleted")
}

// The time API.

func (s *Server) apiTime(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	q := r.URL.Query()
	var f workload.TimeFilter
	var err error
	if v := q.Get("from"); v != "" {
		if f.From, err = parseInstant("from", v, ws.Location()); err != nil {
			return err
		}
	}
	if v := q.Get("to"); v != "" {
		if f.To, err = parseInstant("to", v, ws.Location()); err != nil {
			return err
		}
	}
	if v := q.Get("user_id"); v != "" {
		uid, err := planParam(v)
		if err != nil {
			return gears.Invalid("user_id", "time.user_invalid", v)
		}
		f.UserID = &uid
	}
	list, err := s.plans.FindTime(r.Context(), ws.ID, f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*workload.TimeEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": list})
	return nil
}

// timeEntryInput is a manual entry as the API takes it: started_at is a
// date (noon in the workspace's time zone) or an RFC 3339 time.
type timeEntryInput struct {
	ActivityKey string  `json:"activity_key"`
	TaskID      *int64  `json:"task_id"`
	StartedAt   string  `json:"started_at"`
	Minutes     float64 `json:"minutes"`
	Note        string  `json:"note"`
	workload.TimeTags
}

func (s *Server) apiAddTime(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	var in timeEntryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e := workload.TimeEntryCreate{ActivityKey: in.ActivityKey, TaskID: in.TaskID, Minutes: in.Minutes, Note: in.Note, TimeTags: in.TimeTags}
	if in.StartedAt != "" {
		t, err := time.Parse(time.RFC3339, in.StartedAt)
		if err != nil {
			day, derr := parseDate("started_at", in.StartedAt, ws.Location())
			if derr != nil {
				return derr
			}
			t = day.Add(12 * time.Hour)
		}
		e.StartedAt = t
	}
	entry, err := s.plans.AddTime(r.Context(), ws.ID, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, entry)
	return nil
}

func (s *Server) apiDeleteTime(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "entry")
	if err != nil {
		return err
	}
	if err := s.plans.DeleteTime(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiStartTimer(w http.ResponseWriter, r *http.Request) error {
	var in workload.TimerStart
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.plans.StartTimer(r.Context(), info(r).workspace.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) apiStopTimer(w http.ResponseWriter, r *http.Request) error {
	e, err := s.plans.StopTimer(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}
