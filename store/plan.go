package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"gears"
	"gears/workload"
)

// PlanService implements workload.PlanService and workload.TimeRecorder.
type PlanService struct{ db *DB }

var (
	_ workload.PlanService  = (*PlanService)(nil)
	_ workload.TimeRecorder = (*PlanService)(nil)
)

// NewPlanService returns the planner service of db.
func NewPlanService(db *DB) *PlanService { return &PlanService{db: db} }

// MaxCapacity is the most weekly hours a member can be given.
const MaxCapacity = 168

func workspaceLocation(tx *Tx, wsID int64) (*time.Location, error) {
	var tz string
	if err := tx.queryRow(`SELECT timezone FROM workspaces WHERE id = ?`, wsID).Scan(&tz); err != nil {
		return nil, gears.Internal("workspace time zone: %w", err)
	}
	return zone(tz), nil
}

const planColumns = `id, workspace_id, name, input, active, created_at, updated_at`

func scanPlan(row interface{ Scan(...any) error }) (*workload.Plan, error) {
	var p workload.Plan
	var input string
	var created, updated int64
	if err := row.Scan(&p.ID, &p.WorkspaceID, &p.Name, &input, &p.Active, &created, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan plan: %w", err)
	}
	if err := json.Unmarshal([]byte(input), &p.Input); err != nil {
		return nil, gears.Internal("plan %d input: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &p, nil
}

func findPlan(tx *Tx, wsID, id int64) (*workload.Plan, error) {
	return scanPlan(tx.queryRow(`SELECT `+planColumns+` FROM plans WHERE id = ? AND workspace_id = ?`, id, wsID))
}

// CreatePlan saves a plan.
func (s *PlanService) CreatePlan(ctx context.Context, wsID int64, pc workload.PlanCreate) (*workload.Plan, error) {
	var p *workload.Plan
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if err := pc.Validate(); err != nil {
			return err
		}
		input, err := json.Marshal(pc.Input)
		if err != nil {
			return gears.Internal("plan input: %w", err)
		}
		now := millis(tx.now())
		var id int64
		err = tx.queryRow(`INSERT INTO plans (workspace_id, name, input, active, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, pc.Name, string(input), false,
			gears.UserIDFromContext(ctx), now, now).Scan(&id)
		if err != nil {
			return gears.Internal("create plan: %w", err)
		}
		p, err = findPlan(tx, wsID, id)
		return err
	})
	return p, err
}

// FindPlans lists a workspace's plans, the active one first.
func (s *PlanService) FindPlans(ctx context.Context, wsID int64) ([]*workload.Plan, error) {
	var list []*workload.Plan
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find plans", scanPlan, `SELECT `+planColumns+` FROM plans WHERE workspace_id = ? ORDER BY active DESC, name, id`, wsID)
		return err
	})
	return list, err
}

// FindPlan returns one plan.
func (s *PlanService) FindPlan(ctx context.Context, wsID, id int64) (*workload.Plan, error) {
	var p *workload.Plan
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		p, err = findPlan(tx, wsID, id)
		return err
	})
	return p, err
}

// UpdatePlan renames a plan or changes the organisation it describes.
func (s *PlanService) UpdatePlan(ctx context.Context, wsID, id int64, upd workload.PlanUpdate) (*workload.Plan, error) {
	var p *workload.Plan
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if err := upd.Validate(); err != nil {
			return err
		}
		if _, err := findPlan(tx, wsID, id); err != nil {
			return err
		}
		now := millis(tx.now())
		if upd.Name != nil {
			if _, err := tx.exec(`UPDATE plans SET name = ?, updated_at = ? WHERE id = ?`, *upd.Name, now, id); err != nil {
				return gears.Internal("update plan: %w", err)
			}
		}
		if upd.Input != nil {
			input, err := json.Marshal(*upd.Input)
			if err != nil {
				return gears.Internal("plan input: %w", err)
			}
			if _, err := tx.exec(`UPDATE plans SET input = ?, updated_at = ? WHERE id = ?`, string(input), now, id); err != nil {
				return gears.Internal("update plan: %w", err)
			}
		}
		var err error
		p, err = findPlan(tx, wsID, id)
		return err
	})
	return p, err
}

// DeletePlan deletes a plan; its tasks stay, as the record of past weeks.
func (s *PlanService) DeletePlan(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM plans WHERE id = ? AND workspace_id = ?`, id, wsID)
		if err != nil {
			return gears.Internal("delete plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// ActivatePlan makes a plan the active one: the tasks of the old plan end
// the week before start (those that had not begun are removed), and the
// new plan's tasks begin that week, each keeping the last assignee of its
// activity. Past weeks keep the budgets they had.
func (s *PlanService) ActivatePlan(ctx context.Context, wsID, id int64, start time.Time) ([]*workload.Task, error) {
	var tasks []*workload.Task
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageMembers); err != nil {
			return err
		}
		p, err := findPlan(tx, wsID, id)
		if err != nil {
			return err
		}
		res, err := workload.Estimate(p.Input)
		if err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		monday := workload.WeekStart(start.In(loc))
		assignees, err := lastAssignees(tx, wsID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM tasks WHERE workspace_id = ? AND starts_on >= ?`, wsID, millis(monday)); err != nil {
			return gears.Internal("replace tasks: %w", err)
		}
		if _, err := tx.exec(`UPDATE tasks SET ends_on = ? WHERE workspace_id = ? AND (ends_on IS NULL OR ends_on > ?)`,
			millis(monday), wsID, millis(monday)); err != nil {
			return gears.Internal("end tasks: %w", err)
		}
		for _, t := range workload.TasksFromPlan(res, monday) {
			var assignee *int64
			if a, ok := assignees[t.ActivityKey]; ok {
				assignee = &a
			}
			var ends any
			if t.EndsOn != nil {
				ends = millis(*t.EndsOn)
			}
			if _, err := tx.exec(`INSERT INTO tasks (workspace_id, plan_id, activity_key, weekly_hours, assignee_id, starts_on, ends_on)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, wsID, id, t.ActivityKey, t.WeeklyHours, assignee, millis(t.StartsOn), ends); err != nil {
				return gears.Internal("create task: %w", err)
			}
		}
		if _, err := tx.exec(`UPDATE plans SET active = (id = ?) WHERE workspace_id = ?`, id, wsID); err != nil {
			return gears.Internal("activate plan: %w", err)
		}
		all, err := findTasks(tx, wsID, loc)
		if err != nil {
			return err
		}
		for _, t := range all {
			if t.PlanID == id && !t.StartsOn.Before(monday) {
				tasks = append(tasks, t)
			}
		}
		return nil
	})
	return tasks, err
}

// lastAssignees returns, per activity, who was assigned to its most recent
// task, if anyone still a member.
func lastAssignees(tx *Tx, wsID int64) (map[string]int64, error) {
	rows, err := tx.query(`SELECT t.activity_key, t.assignee_id FROM tasks t
		JOIN memberships m ON m.workspace_id = t.workspace_id AND m.user_id = t.assignee_id
		WHERE t.workspace_id = ? ORDER BY t.starts_on, t.id`, wsID)
	if err != nil {
		return nil, gears.Internal("assignees: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var key string
		var uid int64
		if err := rows.Scan(&key, &uid); err != nil {
			return nil, gears.Internal("scan assignee: %w", err)
		}
		out[key] = uid
	}
	if err := rows.Err(); err != nil {
		return nil, gears.Internal("assignees: %w", err)
	}
	return out, nil
}

const taskColumns = `id, workspace_id, plan_id, activity_key, weekly_hours, assignee_id, starts_on, ends_on`

func scanTask(row interface{ Scan(...any) error }, loc *time.Location) (*workload.Task, error) {
	var t workload.Task
	var plan, assignee, ends sql.NullInt64
	var starts int64
	if err := row.Scan(&t.ID, &t.WorkspaceID, &plan, &t.ActivityKey, &t.WeeklyHours, &assignee, &starts, &ends); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan task: %w", err)
	}
	t.PlanID = plan.Int64
	if assignee.Valid {
		t.AssigneeID = &assignee.Int64
	}
	t.StartsOn = fromMillis(starts).In(loc)
	if ends.Valid {
		e := fromMillis(ends.Int64).In(loc)
		t.EndsOn = &e
	}
	if a, ok := workload.Lookup(t.ActivityKey); ok {
		t.Gear = a.Gear
	}
	return &t, nil
}

func findTasks(tx *Tx, wsID int64, loc *time.Location) ([]*workload.Task, error) {
	scan := func(row scanner) (*workload.Task, error) { return scanTask(row, loc) }
	return queryAll(tx, "find tasks", scan, `SELECT `+taskColumns+` FROM tasks WHERE workspace_id = ? ORDER BY starts_on, id`, wsID)
}

// FindTasks returns every task of the workspace, past ones included (for
// planned against actual); Task.ActiveIn picks a week's.
func (s *PlanService) FindTasks(ctx context.Context, wsID int64) ([]*workload.Task, error) {
	var list []*workload.Task
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		list, err = findTasks(tx, wsID, loc)
		return err
	})
	return list, err
}

// AssignTask gives a task to a member, or to nobody (nil).
func (s *PlanService) AssignTask(ctx context.Context, wsID, taskID int64, assigneeID *int64) (*workload.Task, error) {
	var t *workload.Task
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageMembers); err != nil {
			return err
		}
		if assigneeID != nil {
			if _, err := findMember(tx, wsID, *assigneeID); err != nil {
				if gears.ErrorCode(err) == gears.ENOTFOUND {
					return gears.Invalid("assignee_id", "task.assignee_not_member")
				}
				return err
			}
		}
		res, err := tx.exec(`UPDATE tasks SET assignee_id = ? WHERE id = ? AND workspace_id = ?`, assigneeID, taskID, wsID)
		if err != nil {
			return gears.Internal("assign task: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		t, err = scanTask(tx.queryRow(`SELECT `+taskColumns+` FROM tasks WHERE id = ?`, taskID), loc)
		return err
	})
	return t, err
}

const timeColumns = `id, workspace_id, user_id, activity_key, task_id, started_at, minutes, running, note, source, ref_type, ref_id, campaign, network`

func scanTime(row interface{ Scan(...any) error }) (*workload.TimeEntry, error) {
	var e workload.TimeEntry
	var task sql.NullInt64
	var started int64
	if err := row.Scan(&e.ID, &e.WorkspaceID, &e.UserID, &e.ActivityKey, &task, &started, &e.Minutes, &e.Running,
		&e.Note, &e.Source, &e.RefType, &e.RefID, &e.Campaign, &e.Network); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan time entry: %w", err)
	}
	if task.Valid {
		e.TaskID = &task.Int64
	}
	e.StartedAt = fromMillis(started)
	return &e, nil
}

// checkTask returns the activity of the workspace's task id, and checks a
// given activity key agrees with it.
func checkTask(tx *Tx, wsID int64, taskID *int64, activity string) (string, error) {
	if taskID == nil {
		return activity, nil
	}
	var key string
	err := tx.queryRow(`SELECT activity_key FROM tasks WHERE id = ? AND workspace_id = ?`, *taskID, wsID).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", gears.Invalid("task_id", "time.task_unknown")
	}
	if err != nil {
		return "", gears.Internal("find task: %w", err)
	}
	if activity != "" && activity != key {
		return "", gears.Invalid("activity_key", "time.task_activity_mismatch")
	}
	return key, nil
}

// StartTimer starts the actor's timer on an activity; one runs at a time.
func (s *PlanService) StartTimer(ctx context.Context, wsID int64, in workload.TimerStart) (*workload.TimeEntry, error) {
	var e *workload.TimeEntry
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionTrackTime); err != nil {
			return err
		}
		key, err := checkTask(tx, wsID, in.TaskID, in.ActivityKey)
		if err != nil {
			return err
		}
		probe := workload.TimeEntryCreate{ActivityKey: key, StartedAt: tx.now(), Minutes: 1, Note: in.Note, TimeTags: in.TimeTags}
		if err := probe.Validate(); err != nil {
			return err
		}
		if err := checkCampaign(tx, wsID, probe.Campaign); err != nil {
			return err
		}
		var id int64
		err = tx.queryRow(`INSERT INTO time_entries (workspace_id, user_id, activity_key, task_id, started_at, minutes, running, note, source, campaign, network)
			VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING id`, wsID, gears.UserIDFromContext(ctx), key, in.TaskID,
			millis(tx.now()), true, strings.TrimSpace(in.Note), workload.SourceTimer, probe.Campaign, probe.Network).Scan(&id)
		if isUniqueViolation(err) {
			return gears.Errorf(gears.ECONFLICT, "time.timer_running")
		}
		if err != nil {
			return gears.Internal("start timer: %w", err)
		}
		e, err = scanTime(tx.queryRow(`SELECT `+timeColumns+` FROM time_entries WHERE id = ?`, id))
		return err
	})
	return e, err
}

// StopTimer stops the actor's running timer and records its minutes (at
// most a day's).
func (s *PlanService) StopTimer(ctx context.Context, wsID int64) (*workload.TimeEntry, error) {
	var e *workload.TimeEntry
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionTrackTime); err != nil {
			return err
		}
		run, err := runningTimer(tx, wsID)
		if err != nil {
			return err
		}
		minutes := min(tx.now().Sub(run.StartedAt).Minutes(), workload.MaxEntryMinutes)
		if _, err := tx.exec(`UPDATE time_entries SET running = ?, minutes = ? WHERE id = ?`, false, minutes, run.ID); err != nil {
			return gears.Internal("stop timer: %w", err)
		}
		e, err = scanTime(tx.queryRow(`SELECT `+timeColumns+` FROM time_entries WHERE id = ?`, run.ID))
		return err
	})
	return e, err
}

func runningTimer(tx *Tx, wsID int64) (*workload.TimeEntry, error) {
	e, err := scanTime(tx.queryRow(`SELECT `+timeColumns+` FROM time_entries WHERE workspace_id = ? AND user_id = ? AND running = ?`,
		wsID, gears.UserIDFromContext(tx.ctx), true))
	if gears.ErrorCode(err) == gears.ENOTFOUND {
		return nil, gears.Errorf(gears.ECONFLICT, "time.no_timer")
	}
	return e, err
}

// RunningTimer returns the actor's running timer, or ENOTFOUND.
func (s *PlanService) RunningTimer(ctx context.Context, wsID int64) (*workload.TimeEntry, error) {
	var e *workload.TimeEntry
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		e, err = scanTime(tx.queryRow(`SELECT `+timeColumns+` FROM time_entries WHERE workspace_id = ? AND user_id = ? AND running = ?`,
			wsID, gears.UserIDFromContext(ctx), true))
		return err
	})
	return e, err
}

// AddTime records finished time for the actor.
func (s *PlanService) AddTime(ctx context.Context, wsID int64, ec workload.TimeEntryCreate) (*workload.TimeEntry, error) {
	if ec.Source == workload.SourceAuto {
		ec.Source = workload.SourceManual // only RecordTime captures
	}
	return s.addTime(ctx, wsID, ec)
}

// RecordTime is the hook by which work done in Gears logs its time. The
// entry takes its campaign and network from what it refers to, where that
// has them: a post's, an objective's or a campaign's own campaign; a
// conversation's, an account's, a competitor's or an objective's network.
func (s *PlanService) RecordTime(ctx context.Context, wsID int64, ec workload.TimeEntryCreate) (*workload.TimeEntry, error) {
	ec.Source = workload.SourceAuto
	return s.addTime(ctx, wsID, ec)
}

// refTags are the tags captured time takes from what it refers to.
func refTags(tx *Tx, wsID int64, refType string, refID int64) (workload.TimeTags, error) {
	var t workload.TimeTags
	var q string
	switch refType {
	case "post":
		q = `SELECT campaign, '' FROM posts WHERE id = ? AND workspace_id = ?`
	case "conversation":
		q = `SELECT '', network FROM conversations WHERE id = ? AND workspace_id = ?`
	case "account":
		q = `SELECT '', network FROM accounts WHERE id = ? AND workspace_id = ?`
	case "objective":
		q = `SELECT campaign, network FROM objectives WHERE id = ? AND workspace_id = ?`
	case "campaign":
		q = `SELECT name, '' FROM campaigns WHERE id = ? AND workspace_id = ?`
	case "competitor":
		q = `SELECT '', network FROM competitors WHERE id = ? AND workspace_id = ?`
	default:
		return t, nil
	}
	err := tx.queryRow(q, refID, wsID).Scan(&t.Campaign, &t.Network)
	if errors.Is(err, sql.ErrNoRows) {
		return workload.TimeTags{}, nil
	}
	if err != nil {
		return t, gears.Internal("tags of %s %d: %w", refType, refID, err)
	}
	if t.Network != gears.Mastodon && t.Network != gears.Bluesky {
		t.Network = "" // a feed's conversation, an objective of every network
	}
	if c, err := gears.CleanCampaign(t.Campaign); err == nil {
		t.Campaign = c
	} else {
		t.Campaign = "" // a post saved before campaigns were checked: its time still counts
	}
	return t, nil
}

// checkCampaign refuses a campaign the workspace does not have: time typed
// in for a misspelt campaign would land on an ROI line of its own.
func checkCampaign(tx *Tx, wsID int64, name string) error {
	if name == "" {
		return nil
	}
	var one int
	err := tx.queryRow(`SELECT 1 FROM campaigns WHERE workspace_id = ? AND name = ?`, wsID, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return gears.Invalid("campaign", "time.campaign_unknown", name)
	}
	if err != nil {
		return gears.Internal("find campaign: %w", err)
	}
	return nil
}

func (s *PlanService) addTime(ctx context.Context, wsID int64, ec workload.TimeEntryCreate) (*workload.TimeEntry, error) {
	var e *workload.TimeEntry
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionTrackTime); err != nil {
			return err
		}
		key, err := checkTask(tx, wsID, ec.TaskID, ec.ActivityKey)
		if err != nil {
			return err
		}
		ec.ActivityKey = key
		if ec.Source == workload.SourceAuto {
			if ec.TimeTags, err = refTags(tx, wsID, ec.RefType, ec.RefID); err != nil {
				return err
			}
		}
		if err := ec.Validate(); err != nil {
			return err
		}
		if ec.Source != workload.SourceAuto {
			if err := checkCampaign(tx, wsID, ec.Campaign); err != nil {
				return err
			}
		}
		var id int64
		err = tx.queryRow(`INSERT INTO time_entries (workspace_id, user_id, activity_key, task_id, started_at, minutes, running, note, source, ref_type, ref_id, campaign, network)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, gears.UserIDFromContext(ctx), ec.ActivityKey, ec.TaskID,
			millis(ec.StartedAt), ec.Minutes, false, strings.TrimSpace(ec.Note), ec.Source, ec.RefType, ec.RefID, ec.Campaign, ec.Network).Scan(&id)
		if err != nil {
			return gears.Internal("add time: %w", err)
		}
		e, err = scanTime(tx.queryRow(`SELECT `+timeColumns+` FROM time_entries WHERE id = ?`, id))
		return err
	})
	return e, err
}

// DeleteTime deletes a time entry: one's own, or anyone's for those who
// manage members.
func (s *PlanService) DeleteTime(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionTrackTime)
		if err != nil {
			return err
		}
		q := `DELETE FROM time_entries WHERE id = ? AND workspace_id = ?`
		args := []any{id, wsID}
		if !role.Can(gears.ActionManageMembers) {
			q += ` AND user_id = ?`
			args = append(args, gears.UserIDFromContext(ctx))
		}
		res, err := tx.exec(q, args...)
		if err != nil {
			return gears.Internal("delete time: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// FindTime lists time entries, oldest first. Whoever may view reports sees
// everyone's; others see only their own.
func (s *PlanService) FindTime(ctx context.Context, wsID int64, f workload.TimeFilter) ([]*workload.TimeEntry, error) {
	var list []*workload.TimeEntry
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionView)
		if err != nil {
			return err
		}
		q := `SELECT ` + timeColumns + ` FROM time_entries WHERE workspace_id = ?`
		args := []any{wsID}
		if !role.Can(gears.ActionViewReports) {
			me := gears.UserIDFromContext(ctx)
			f.UserID = &me
		}
		if f.UserID != nil {
			q += ` AND user_id = ?`
			args = append(args, *f.UserID)
		}
		if !f.From.IsZero() {
			q += ` AND started_at >= ?`
			args = append(args, millis(f.From))
		}
		if !f.To.IsZero() {
			q += ` AND started_at < ?`
			args = append(args, millis(f.To))
		}
		list, err = queryAll(tx, "find time", scanTime, q+` ORDER BY started_at, id`, args...)
		return err
	})
	return list, err
}

// SetCapacity sets a member's weekly hours.
func (s *PlanService) SetCapacity(ctx context.Context, wsID, userID int64, hours float64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageMembers); err != nil {
			return err
		}
		if !(hours >= 0) || hours > MaxCapacity {
			return gears.Invalid("weekly_hours", "capacity.range", MaxCapacity)
		}
		res, err := tx.exec(`UPDATE memberships SET weekly_capacity = ? WHERE workspace_id = ? AND user_id = ?`, hours, wsID, userID)
		if err != nil {
			return gears.Internal("set capacity: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// SetWorkCount records one week's counts of work done.
func (s *PlanService) SetWorkCount(ctx context.Context, wsID int64, w workload.WorkCount) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if err := w.Validate(); err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		week := millis(workload.WeekStart(w.WeekStart.In(loc)))
		if _, err := tx.exec(`DELETE FROM work_counts WHERE workspace_id = ? AND week_start = ?`, wsID, week); err != nil {
			return gears.Internal("set work count: %w", err)
		}
		if _, err := tx.exec(`INSERT INTO work_counts (workspace_id, week_start, posts, conversations, reports) VALUES (?, ?, ?, ?, ?)`,
			wsID, week, w.Posts, w.Conversations, w.Reports); err != nil {
			return gears.Internal("set work count: %w", err)
		}
		return nil
	})
}

// FindWorkCounts returns the counts of the weeks starting in [from, to).
func (s *PlanService) FindWorkCounts(ctx context.Context, wsID int64, from, to time.Time) ([]workload.WorkCount, error) {
	var list []workload.WorkCount
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		rows, err := tx.query(`SELECT week_start, posts, conversations, reports FROM work_counts
			WHERE workspace_id = ? AND week_start >= ? AND week_start < ? ORDER BY week_start`, wsID, millis(from), millis(to))
		if err != nil {
			return gears.Internal("find work counts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var w workload.WorkCount
			var week int64
			if err := rows.Scan(&week, &w.Posts, &w.Conversations, &w.Reports); err != nil {
				return gears.Internal("scan work count: %w", err)
			}
			w.WeekStart = fromMillis(week).In(loc)
			list = append(list, w)
		}
		if err := rows.Err(); err != nil {
			return gears.Internal("find work counts: %w", err)
		}
		return nil
	})
	return list, err
}
