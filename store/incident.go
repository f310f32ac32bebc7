package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"gears"
	"gears/queue"
)

// IncidentService keeps crises: incidents with their checklist, timeline
// and conversations, and where alerts about them go.
type IncidentService struct {
	db *DB
}

// NewIncidentService returns the incidents of db.
func NewIncidentService(db *DB) *IncidentService { return &IncidentService{db: db} }

const incidentColumns = `id, workspace_id, title, severity, status, owner_id, playbook, paused_publishing, summary, opened_at, closed_at`

func scanIncident(r scanner) (*gears.Incident, error) {
	var in gears.Incident
	var owner, closed sql.NullInt64
	var opened int64
	if err := r.Scan(&in.ID, &in.WorkspaceID, &in.Title, &in.Severity, &in.Status, &owner, &in.Playbook, &in.PausedPublishing,
		&in.Summary, &opened, &closed); err != nil {
		return nil, gears.Internal("scan incident: %w", err)
	}
	in.OwnerID, in.OpenedAt, in.ClosedAt = nullID(owner), fromMillis(opened), nullMillis(closed)
	in.Checklist, in.Timeline, in.Conversations = []gears.ChecklistItem{}, []gears.IncidentEvent{}, []int64{}
	return &in, nil
}

// findIncident loads an incident with its checklist, timeline and
// conversations.
func findIncident(tx *Tx, wsID, id int64) (*gears.Incident, error) {
	in, err := scanIncident(tx.queryRow(`SELECT `+incidentColumns+` FROM incidents WHERE workspace_id = ? AND id = ?`, wsID, id))
	if err != nil {
		if errors.Is(errors.Unwrap(err), sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, err
	}
	in.Checklist, err = queryAll(tx, "incident checklist", func(r scanner) (gears.ChecklistItem, error) {
		var c gears.ChecklistItem
		var done, by sql.NullInt64
		err := r.Scan(&c.Position, &c.Step, &done, &by)
		c.DoneAt, c.DoneBy = nullMillis(done), nullID(by)
		return c, err
	}, `SELECT position, step, done_at, done_by FROM incident_checklist WHERE incident_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	in.Timeline, err = queryAll(tx, "incident timeline", func(r scanner) (gears.IncidentEvent, error) {
		var e gears.IncidentEvent
		var actor sql.NullInt64
		var at int64
		err := r.Scan(&e.ID, &at, &e.Kind, &actor, &e.Actor, &e.Text)
		e.At, e.ActorID = fromMillis(at), nullID(actor)
		return e, err
	}, `SELECT e.id, e.at, e.kind, e.actor_id, COALESCE(u.name, ''), e.text FROM incident_events e
		LEFT JOIN users u ON u.id = e.actor_id WHERE e.incident_id = ? ORDER BY e.at, e.id`, id)
	if err != nil {
		return nil, err
	}
	in.Conversations, err = queryAll(tx, "incident conversations", func(r scanner) (int64, error) {
		var v int64
		err := r.Scan(&v)
		return v, err
	}, `SELECT conversation_id FROM incident_conversations WHERE incident_id = ? ORDER BY conversation_id`, id)
	if in.Checklist == nil {
		in.Checklist = []gears.ChecklistItem{}
	}
	if in.Timeline == nil {
		in.Timeline = []gears.IncidentEvent{}
	}
	if in.Conversations == nil {
		in.Conversations = []int64{}
	}
	return in, err
}

// addEvent writes one entry of an incident's timeline, by the acting user
// (none for the system).
func addEvent(tx *Tx, incidentID int64, kind, text string) error {
	var actor any
	if uid := gears.UserIDFromContext(tx.ctx); uid != 0 {
		actor = uid
	}
	if _, err := tx.exec(`INSERT INTO incident_events (incident_id, at, kind, actor_id, text) VALUES (?, ?, ?, ?, ?)`,
		incidentID, millis(tx.now()), kind, actor, text); err != nil {
		return gears.Internal("incident event: %w", err)
	}
	return nil
}

// CreateIncident opens an incident with the checklist of its playbook
// (steps are message keys), links its conversations, pauses scheduled
// publishing when asked, and alerts the workspace's channels.
func (s *IncidentService) CreateIncident(ctx context.Context, wsID int64, c gears.IncidentCreate, steps []string) (*gears.Incident, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var in *gears.Incident
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if c.OwnerID != nil && *c.OwnerID != 0 {
			if err := checkMember(tx, wsID, *c.OwnerID, "owner_id"); err != nil {
				return err
			}
		} else {
			c.OwnerID = nil
		}
		var id int64
		if err := tx.queryRow(`INSERT INTO incidents (workspace_id, title, severity, status, owner_id, playbook, paused_publishing, opened_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, c.Title, c.Severity, gears.IncidentOpen, c.OwnerID, c.Playbook,
			c.PausePublishing, millis(tx.now())).Scan(&id); err != nil {
			return gears.Internal("create incident: %w", err)
		}
		for i, step := range steps {
			if _, err := tx.exec(`INSERT INTO incident_checklist (incident_id, position, step) VALUES (?, ?, ?)`, id, i+1, step); err != nil {
				return gears.Internal("incident checklist: %w", err)
			}
		}
		if err := addEvent(tx, id, gears.EventOpened, c.Title); err != nil {
			return err
		}
		if err := linkConversations(tx, wsID, id, c.Conversations); err != nil {
			return err
		}
		if c.PausePublishing {
			if _, err := tx.exec(`UPDATE workspaces SET publishing_paused = ? WHERE id = ?`, true, wsID); err != nil {
				return gears.Internal("pause publishing: %w", err)
			}
			if err := addEvent(tx, id, gears.EventPaused, ""); err != nil {
				return err
			}
		}
		var err error
		if in, err = findIncident(tx, wsID, id); err != nil {
			return err
		}
		return enqueueNotify(tx, wsID, "incident.opened", in)
	})
	return in, err
}

func linkConversations(tx *Tx, wsID, incidentID int64, ids []int64) error {
	for _, cid := range ids {
		if _, err := findConversation(tx, wsID, cid); err != nil {
			if gears.ErrorCode(err) == gears.ENOTFOUND {
				return gears.Invalid("conversation_ids", "incident.conversation_unknown", cid)
			}
			return err
		}
		res, err := tx.exec(`INSERT INTO incident_conversations (incident_id, conversation_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, incidentID, cid)
		if err != nil {
			return gears.Internal("link conversation: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := addEvent(tx, incidentID, gears.EventLinked, strconv.FormatInt(cid, 10)); err != nil {
				return err
			}
		}
	}
	return nil
}

// FindIncidents lists the workspace's incidents, newest first, without
// their timelines.
func (s *IncidentService) FindIncidents(ctx context.Context, wsID int64) ([]*gears.Incident, error) {
	var list []*gears.Incident
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find incidents", scanIncident,
			`SELECT `+incidentColumns+` FROM incidents WHERE workspace_id = ? ORDER BY opened_at DESC, id DESC LIMIT 500`, wsID)
		return err
	})
	return list, err
}

// FindIncident returns one incident, whole.
func (s *IncidentService) FindIncident(ctx context.Context, wsID, id int64) (*gears.Incident, error) {
	var in *gears.Incident
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		in, err = findIncident(tx, wsID, id)
		return err
	})
	return in, err
}

// UpdateIncident changes an incident and writes each change to its
// timeline. Resolving it closes it and lifts the publishing pause it set
// (unless another open incident holds one); so does ResumePublishing.
func (s *IncidentService) UpdateIncident(ctx context.Context, wsID, id int64, u gears.IncidentUpdate) (*gears.Incident, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var in *gears.Incident
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		cur, err := findIncident(tx, wsID, id)
		if err != nil {
			return err
		}
		set := func(col string, v any, kind, text string) error {
			if _, err := tx.exec(`UPDATE incidents SET `+col+` = ? WHERE id = ?`, v, id); err != nil {
				return gears.Internal("update incident: %w", err)
			}
			if kind == "" {
				return nil
			}
			return addEvent(tx, id, kind, text)
		}
		if u.Title != nil && *u.Title != cur.Title {
			if err := set("title", *u.Title, gears.EventNote, *u.Title); err != nil {
				return err
			}
		}
		if u.Severity != nil && *u.Severity != cur.Severity {
			if err := set("severity", *u.Severity, gears.EventSeverity, string(*u.Severity)); err != nil {
				return err
			}
		}
		if u.OwnerID != nil && !sameOwner(cur.OwnerID, *u.OwnerID) {
			var owner any
			if *u.OwnerID != 0 {
				if err := checkMember(tx, wsID, *u.OwnerID, "owner_id"); err != nil {
					return err
				}
				owner = *u.OwnerID
			}
			if err := set("owner_id", owner, gears.EventOwner, strconv.FormatInt(*u.OwnerID, 10)); err != nil {
				return err
			}
		}
		if u.Summary != nil {
			if err := set("summary", strings.TrimSpace(*u.Summary), "", ""); err != nil {
				return err
			}
		}
		if u.Note != nil {
			if err := addEvent(tx, id, gears.EventNote, strings.TrimSpace(*u.Note)); err != nil {
				return err
			}
		}
		for _, pos := range u.Check {
			if err := checkStep(tx, id, pos, true); err != nil {
				return err
			}
		}
		for _, pos := range u.Uncheck {
			if err := checkStep(tx, id, pos, false); err != nil {
				return err
			}
		}
		if err := linkConversations(tx, wsID, id, u.Link); err != nil {
			return err
		}
		resume := u.ResumePublishing
		if u.Status != nil && *u.Status != cur.Status {
			if cur.Status == gears.IncidentResolved {
				return gears.Invalid("status", "incident.already_resolved")
			}
			kind := gears.EventStatus
			if *u.Status == gears.IncidentResolved {
				kind = gears.EventClosed
				if err := set("closed_at", millis(tx.now()), "", ""); err != nil {
					return err
				}
				resume = true
			}
			if err := set("status", *u.Status, kind, string(*u.Status)); err != nil {
				return err
			}
		}
		if resume && cur.PausedPublishing {
			if err := s.resume(tx, wsID, id); err != nil {
				return err
			}
		}
		if in, err = findIncident(tx, wsID, id); err != nil {
			return err
		}
		return enqueueNotify(tx, wsID, "incident.updated", in)
	})
	return in, err
}

// resume lifts the pause an incident set, unless another open incident
// still holds one.
func (s *IncidentService) resume(tx *Tx, wsID, id int64) error {
	if _, err := tx.exec(`UPDATE incidents SET paused_publishing = ? WHERE id = ?`, false, id); err != nil {
		return gears.Internal("resume: %w", err)
	}
	if err := addEvent(tx, id, gears.EventResumed, ""); err != nil {
		return err
	}
	var others int
	if err := tx.queryRow(`SELECT COUNT(*) FROM incidents WHERE workspace_id = ? AND paused_publishing = ? AND status <> ?`,
		wsID, true, gears.IncidentResolved).Scan(&others); err != nil {
		return gears.Internal("resume: %w", err)
	}
	if others > 0 {
		return nil
	}
	if _, err := tx.exec(`UPDATE workspaces SET publishing_paused = ? WHERE id = ?`, false, wsID); err != nil {
		return gears.Internal("resume: %w", err)
	}
	return reschedulePending(tx, `p.workspace_id = ?`, wsID)
}

// sameOwner reports whether an update's owner (0: none) is the current one.
func sameOwner(cur *int64, next int64) bool {
	if cur == nil {
		return next == 0
	}
	return *cur == next
}

func checkStep(tx *Tx, incidentID int64, pos int, done bool) error {
	var step string
	err := tx.queryRow(`SELECT step FROM incident_checklist WHERE incident_id = ? AND position = ?`, incidentID, pos).Scan(&step)
	if errors.Is(err, sql.ErrNoRows) {
		return gears.Invalid("check", "incident.no_such_step", pos)
	}
	if err != nil {
		return gears.Internal("checklist: %w", err)
	}
	var at, by any
	if done {
		at, by = millis(tx.now()), gears.UserIDFromContext(tx.ctx)
	}
	if _, err := tx.exec(`UPDATE incident_checklist SET done_at = ?, done_by = ? WHERE incident_id = ? AND position = ?`, at, by, incidentID, pos); err != nil {
		return gears.Internal("checklist: %w", err)
	}
	text := step
	if !done {
		text = "-" + step
	}
	return addEvent(tx, incidentID, gears.EventChecklist, text)
}

// recordPublished writes to the timeline of the workspace's open
// incidents that a message went out (a holding statement, an answer).
func recordPublished(tx *Tx, wsID int64, text string) error {
	ids, err := queryAll(tx, "open incidents", func(r scanner) (int64, error) {
		var v int64
		err := r.Scan(&v)
		return v, err
	}, `SELECT id FROM incidents WHERE workspace_id = ? AND status <> ?`, wsID, gears.IncidentResolved)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := addEvent(tx, id, gears.EventPublished, text); err != nil {
			return err
		}
	}
	return nil
}

// enqueueNotify inserts one job per alert channel of the workspace, in
// the transaction of what it reports.
func enqueueNotify(tx *Tx, wsID int64, typ string, data any) error {
	channels, err := queryAll(tx, "alert channels", func(r scanner) (int64, error) {
		var v int64
		err := r.Scan(&v)
		return v, err
	}, `SELECT id FROM alert_channels WHERE workspace_id = ?`, wsID)
	if err != nil || len(channels) == 0 {
		return err
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return gears.Internal("notify %s: %w", typ, err)
	}
	eventID := gears.NewKey()
	for _, ch := range channels {
		if err := tx.Enqueue(queue.Notify{ChannelID: ch, WorkspaceID: wsID, EventID: eventID, Type: typ, Data: raw,
			CreatedAt: millis(tx.now())}, &river.InsertOpts{}); err != nil {
			return err
		}
	}
	return nil
}
