package workload

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gears"
)

// Plan is a saved estimate of a workspace: a name and the description of
// the organisation it estimates. Several plans make scenarios ("today",
// "with two more networks"); the active one drives the team's weekly tasks.
type Plan struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"workspace_id"`
	Name        string    `json:"name"`
	Input       Input     `json:"input"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Result      *Result   `json:"result,omitempty"` // filled by readers that estimate it
}

// PlanCreate is what it takes to save a plan.
type PlanCreate struct {
	Name  string `json:"name"`
	Input Input  `json:"input"`
}

// Validate checks the name and the organisation's description.
func (p *PlanCreate) Validate() error {
	name, err := validatePlanName(p.Name)
	if err != nil {
		return err
	}
	p.Name = name
	return p.Input.Validate()
}

func validatePlanName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", gears.Invalid("name", "plan.name_required")
	}
	if utf8.RuneCountInString(s) > 80 {
		return "", gears.Invalid("name", "plan.name_too_long", 80)
	}
	return s, nil
}

// PlanUpdate changes a plan; nil leaves a field as it is.
type PlanUpdate struct {
	Name  *string `json:"name"`
	Input *Input  `json:"input"`
}

// Validate checks the fields that are set.
func (p *PlanUpdate) Validate() error {
	if p.Name != nil {
		name, err := validatePlanName(*p.Name)
		if err != nil {
			return err
		}
		p.Name = &name
	}
	if p.Input != nil {
		return p.Input.Validate()
	}
	return nil
}

// Task is a recurring weekly task made from one activity of a plan: its
// hours budget per week and, once assigned, who does it. Strategy tasks
// spread the stage's total over the plan's weeks and end with it.
type Task struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	PlanID      int64      `json:"plan_id"`
	ActivityKey string     `json:"activity_key"`
	Gear        Gear       `json:"gear"`
	WeeklyHours float64    `json:"weekly_hours"` // the budget
	AssigneeID  *int64     `json:"assignee_id"`
	StartsOn    time.Time  `json:"starts_on"` // the Monday of its first week
	EndsOn      *time.Time `json:"ends_on"`   // the Monday after its last week; nil: for ever
}

// ActiveIn reports whether the task runs in the week starting on monday.
func (t *Task) ActiveIn(monday time.Time) bool {
	return !monday.Before(t.StartsOn) && (t.EndsOn == nil || monday.Before(*t.EndsOn))
}

// TasksFromPlan turns an estimate into one weekly task per activity with
// hours, starting the week of start. Strategy totals are spread over the
// plan's weeks.
func TasksFromPlan(r Result, start time.Time) []Task {
	monday := WeekStart(start)
	var tasks []Task
	for _, g := range Gears() {
		for _, l := range r.Lines(g) {
			if l.Hours <= 0 {
				continue
			}
			t := Task{ActivityKey: l.Key, Gear: g, WeeklyHours: l.Hours, StartsOn: monday}
			if g == Strategy {
				weeks := max(r.PlanWeeks, 1)
				t.WeeklyHours = round(l.Hours/float64(weeks), 2)
				end := monday.AddDate(0, 0, 7*weeks)
				t.EndsOn = &end
			}
			tasks = append(tasks, t)
		}
	}
	return tasks
}

// WeekStart returns the Monday 00:00 of t's week, in t's location.
func WeekStart(t time.Time) time.Time {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	offset := (int(day.Weekday()) + 6) % 7 // Monday = 0
	return day.AddDate(0, 0, -offset)
}

// TimeSource says how a time entry came to be.
type TimeSource string

// Time sources.
const (
	SourceTimer  TimeSource = "timer"  // started and stopped by the person
	SourceManual TimeSource = "manual" // typed in afterwards
	SourceAuto   TimeSource = "auto"   // captured from work done in Gears
)

// TimeEntry is time a member spent on one activity.
type TimeEntry struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	UserID      int64      `json:"user_id"`
	ActivityKey string     `json:"activity_key"`
	TaskID      *int64     `json:"task_id"`
	StartedAt   time.Time  `json:"started_at"`
	Minutes     float64    `json:"minutes"` // 0 while the timer runs
	Running     bool       `json:"running"`
	Note        string     `json:"note"`
	Source      TimeSource `json:"source"`
	RefType     string     `json:"ref_type,omitempty"` // "post", "conversation"… for captured time
	RefID       int64      `json:"ref_id,omitempty"`
	TimeTags
}

// TimeTags say what time was spent for beyond its activity: a campaign,
// named as posts name it, and a network. Both are optional; ROI by campaign
// and by network counts tagged hours on their lines, untagged ones on a
// line of their own.
type TimeTags struct {
	Campaign string        `json:"campaign"`
	Network  gears.Network `json:"network"`
}

// Validate normalises the tags.
func (t *TimeTags) Validate() error {
	var err error
	if t.Campaign, err = gears.CleanCampaign(t.Campaign); err != nil {
		return err
	}
	t.Network, err = gears.CleanNetwork(t.Network)
	return err
}

// TimeEntryCreate records finished time by hand (or by capture).
type TimeEntryCreate struct {
	ActivityKey string     `json:"activity_key"`
	TaskID      *int64     `json:"task_id"`
	StartedAt   time.Time  `json:"started_at"`
	Minutes     float64    `json:"minutes"`
	Note        string     `json:"note"`
	Source      TimeSource `json:"-"`
	RefType     string     `json:"-"`
	RefID       int64      `json:"-"`
	TimeTags
}

// TimerStart starts a timer: on a task or an activity, with a note and
// tags.
type TimerStart struct {
	ActivityKey string `json:"activity_key"`
	TaskID      *int64 `json:"task_id"`
	Note        string `json:"note"`
	TimeTags
}

// MaxEntryMinutes caps one entry: a day.
const MaxEntryMinutes = 24 * 60

// Validate checks the entry.
func (e *TimeEntryCreate) Validate() error {
	if _, ok := Lookup(e.ActivityKey); !ok {
		return gears.Invalid("activity_key", "time.activity_unknown", e.ActivityKey)
	}
	if !(e.Minutes > 0) || e.Minutes > MaxEntryMinutes {
		return gears.Invalid("minutes", "time.minutes_range", MaxEntryMinutes)
	}
	if e.StartedAt.IsZero() {
		return gears.Invalid("started_at", "time.started_required")
	}
	if utf8.RuneCountInString(e.Note) > 500 {
		return gears.Invalid("note", "time.note_too_long", 500)
	}
	if e.Source == "" {
		e.Source = SourceManual
	}
	return e.TimeTags.Validate()
}

// TimeFilter selects time entries.
type TimeFilter struct {
	UserID *int64
	From   time.Time // inclusive
	To     time.Time // exclusive
}

// WorkCount is the work done in one week, for calibration: typed in until
// publishing, the inbox and reports count it themselves.
type WorkCount struct {
	WeekStart     time.Time `json:"week_start"` // a Monday, in the workspace's time zone
	Posts         float64   `json:"posts"`
	Conversations float64   `json:"conversations"`
	Reports       float64   `json:"reports"`
}

// Validate checks the counts.
func (w *WorkCount) Validate() error {
	for field, v := range map[string]float64{"posts": w.Posts, "conversations": w.Conversations, "reports": w.Reports} {
		if !(v >= 0) || v > 1_000_000 {
			return gears.Invalid(field, "work.count_range")
		}
	}
	if w.WeekStart.IsZero() {
		return gears.Invalid("week_start", "work.week_required")
	}
	return nil
}

// PlanService keeps a workspace's plans, tasks, time and work counts. Every
// method acts as the user in the context and checks that user's role.
type PlanService interface {
	CreatePlan(ctx context.Context, wsID int64, p PlanCreate) (*Plan, error)
	FindPlans(ctx context.Context, wsID int64) ([]*Plan, error)
	FindPlan(ctx context.Context, wsID, id int64) (*Plan, error)
	UpdatePlan(ctx context.Context, wsID, id int64, upd PlanUpdate) (*Plan, error)
	DeletePlan(ctx context.Context, wsID, id int64) error
	// ActivatePlan makes the plan the workspace's active one and replaces
	// the workspace's tasks with its activities from the week of start,
	// keeping the assignee of each activity that had one.
	ActivatePlan(ctx context.Context, wsID, id int64, start time.Time) ([]*Task, error)

	FindTasks(ctx context.Context, wsID int64) ([]*Task, error)
	AssignTask(ctx context.Context, wsID, taskID int64, assigneeID *int64) (*Task, error)

	StartTimer(ctx context.Context, wsID int64, in TimerStart) (*TimeEntry, error)
	StopTimer(ctx context.Context, wsID int64) (*TimeEntry, error)
	RunningTimer(ctx context.Context, wsID int64) (*TimeEntry, error)
	AddTime(ctx context.Context, wsID int64, e TimeEntryCreate) (*TimeEntry, error)
	DeleteTime(ctx context.Context, wsID, id int64) error
	FindTime(ctx context.Context, wsID int64, f TimeFilter) ([]*TimeEntry, error)

	SetCapacity(ctx context.Context, wsID, userID int64, weeklyHours float64) error
	SetWorkCount(ctx context.Context, wsID int64, w WorkCount) error
	FindWorkCounts(ctx context.Context, wsID int64, from, to time.Time) ([]WorkCount, error)
}

// TimeRecorder is the hook by which work done in Gears logs its time:
// composing a post, answering a conversation. It records for the user in
// the context, who must be able to edit the workspace.
type TimeRecorder interface {
	RecordTime(ctx context.Context, wsID int64, e TimeEntryCreate) (*TimeEntry, error)
}
