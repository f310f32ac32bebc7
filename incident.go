package gears

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Severity is how bad an incident is.
type Severity string

// Severities, from least to most severe.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists them in order.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool {
	for _, v := range Severities {
		if v == s {
			return true
		}
	}
	return false
}

// IncidentStatus is where an incident stands.
type IncidentStatus string

// Incident statuses.
const (
	IncidentOpen       IncidentStatus = "open"       // being handled
	IncidentMonitoring IncidentStatus = "monitoring" // handled; watching that it stays so
	IncidentResolved   IncidentStatus = "resolved"   // over: the post-mortem is written
)

// Valid reports whether s is a known status.
func (s IncidentStatus) Valid() bool {
	return s == IncidentOpen || s == IncidentMonitoring || s == IncidentResolved
}

// Incident is a crisis handled by the team: who owns it, what was done,
// which conversations it concerns, and what was learnt.
type Incident struct {
	ID               int64           `json:"id"`
	WorkspaceID      int64           `json:"-"`
	Title            string          `json:"title"`
	Severity         Severity        `json:"severity"`
	Status           IncidentStatus  `json:"status"`
	OwnerID          *int64          `json:"owner_id"`
	Playbook         string          `json:"playbook"`
	PausedPublishing bool            `json:"paused_publishing"` // opening it paused scheduled publishing
	Summary          string          `json:"summary"`           // the post-mortem's conclusions, written by people
	OpenedAt         time.Time       `json:"opened_at"`
	ClosedAt         *time.Time      `json:"closed_at"`
	Checklist        []ChecklistItem `json:"checklist"`
	Timeline         []IncidentEvent `json:"timeline"`
	Conversations    []int64         `json:"conversation_ids"`
}

// ChecklistItem is one step of the incident's playbook.
type ChecklistItem struct {
	Position int        `json:"position"`
	Step     string     `json:"step"` // message key of the step
	DoneAt   *time.Time `json:"done_at"`
	DoneBy   *int64     `json:"done_by"`
}

// Kinds of incident event.
const (
	EventOpened    = "opened"
	EventStatus    = "status"
	EventSeverity  = "severity"
	EventOwner     = "owner"
	EventNote      = "note"
	EventChecklist = "checklist"
	EventLinked    = "linked"
	EventPublished = "published"
	EventPaused    = "paused"
	EventResumed   = "resumed"
	EventAlert     = "alert"
	EventClosed    = "closed"
)

// IncidentEvent is one entry of an incident's timeline.
type IncidentEvent struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	ActorID *int64    `json:"actor_id"`
	Actor   string    `json:"actor"`
	Text    string    `json:"text"`
}

// IncidentCreate opens an incident.
type IncidentCreate struct {
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	OwnerID  *int64   `json:"owner_id"`
	Playbook string   `json:"playbook"` // a playbook's key; "" for the general one
	// PausePublishing pauses every scheduled post of the workspace while
	// the incident is open. Unscheduled messages still go out at once.
	PausePublishing bool    `json:"pause_publishing"`
	Conversations   []int64 `json:"conversation_ids"`
}

// Validate checks and normalises the incident to open.
func (c *IncidentCreate) Validate() error {
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" {
		return Invalid("title", "incident.title_required")
	}
	if utf8.RuneCountInString(c.Title) > 200 {
		return Invalid("title", "incident.title_too_long", 200)
	}
	if c.Severity == "" {
		c.Severity = SeverityMedium
	}
	if !c.Severity.Valid() {
		return Invalid("severity", "incident.bad_severity")
	}
	return nil
}

// IncidentUpdate changes an incident. Nil fields stay.
type IncidentUpdate struct {
	Title    *string         `json:"title"`
	Severity *Severity       `json:"severity"`
	Status   *IncidentStatus `json:"status"`
	OwnerID  *int64          `json:"owner_id"` // 0 removes the owner
	Summary  *string         `json:"summary"`
	Note     *string         `json:"note"` // adds a note to the timeline
	// Check marks checklist steps (by position) done; Uncheck undoes it.
	Check   []int `json:"check"`
	Uncheck []int `json:"uncheck"`
	// Link links conversations to the incident.
	Link []int64 `json:"link_conversations"`
	// ResumePublishing lifts the pause this incident set.
	ResumePublishing bool `json:"resume_publishing"`
}

// Validate checks the update.
func (u *IncidentUpdate) Validate() error {
	if u.Title != nil {
		t := strings.TrimSpace(*u.Title)
		u.Title = &t
		if t == "" {
			return Invalid("title", "incident.title_required")
		}
		if utf8.RuneCountInString(t) > 200 {
			return Invalid("title", "incident.title_too_long", 200)
		}
	}
	if u.Severity != nil && !u.Severity.Valid() {
		return Invalid("severity", "incident.bad_severity")
	}
	if u.Status != nil && !u.Status.Valid() {
		return Invalid("status", "incident.bad_status")
	}
	if u.Summary != nil && utf8.RuneCountInString(*u.Summary) > 20000 {
		return Invalid("summary", "incident.summary_too_long", 20000)
	}
	if u.Note != nil {
		if err := ValidateNote(*u.Note); err != nil {
			return err
		}
	}
	return nil
}

// AlertChannelKind is how an alert reaches people.
type AlertChannelKind string

// Alert channels.
const (
	AlertWebhook AlertChannelKind = "webhook"
	AlertEmail   AlertChannelKind = "email"
)

// AlertChannel is where a workspace's real-time alerts go.
type AlertChannel struct {
	ID        int64            `json:"id"`
	Kind      AlertChannelKind `json:"kind"`
	Target    string           `json:"target"` // the webhook's URL or the e-mail address
	CreatedAt time.Time        `json:"created_at"`
}

// CrisisAlert is a spike the detector raised, with its explanation.
type CrisisAlert struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"` // volume or negative
	Start      time.Time `json:"start"`
	At         time.Time `json:"at"`
	Key        string    `json:"-"` // explanation's message key
	Args       []any     `json:"-"`
	Explain    string    `json:"explanation"` // in the workspace's language
	IncidentID *int64    `json:"incident_id"`
}
