package gears

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Workspace is one brand or client: everything Gears holds belongs to one.
type Workspace struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Timezone  string    `json:"timezone"`
	Language  string    `json:"language"` // of e-mails and reports sent for the workspace: en or es
	Role      Role      `json:"role"`     // the acting user's role in it
	CreatedAt time.Time `json:"-"`
}

// Location returns the workspace's time zone.
func (w *Workspace) Location() *time.Location {
	loc, err := time.LoadLocation(w.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// WorkspaceCreate is what it takes to create a workspace.
type WorkspaceCreate struct {
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
}

// Validate checks and normalises the fields; an empty time zone means UTC.
func (w *WorkspaceCreate) Validate() error {
	name, err := validateWorkspaceName(w.Name)
	if err != nil {
		return err
	}
	w.Name = name
	if w.Timezone == "" {
		w.Timezone = "UTC"
	}
	return ValidateTimezone(w.Timezone)
}

func validateWorkspaceName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid("name", "workspace.name_required")
	}
	if n := utf8.RuneCountInString(s); n > 80 {
		return "", Invalid("name", "workspace.name_too_long", 80)
	}
	return s, nil
}

// ValidateTimezone accepts IANA time zone names such as "Europe/Madrid".
func ValidateTimezone(tz string) error {
	if tz == "" || tz == "Local" || strings.ContainsAny(tz, " \\") || len(tz) > 64 {
		return Invalid("timezone", "workspace.timezone_invalid", tz)
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return Invalid("timezone", "workspace.timezone_invalid", tz)
	}
	return nil
}

// WorkspaceUpdate holds the fields that may change; nil leaves a field as it is.
type WorkspaceUpdate struct {
	Name     *string `json:"name"`
	Timezone *string `json:"timezone"`
	Language *string `json:"language"`
}

// Validate checks and normalises the fields that are set.
func (w *WorkspaceUpdate) Validate() error {
	if w.Language != nil && *w.Language != "en" && *w.Language != "es" {
		return Invalid("language", "workspace.bad_language")
	}
	if w.Name != nil {
		name, err := validateWorkspaceName(*w.Name)
		if err != nil {
			return err
		}
		w.Name = &name
	}
	if w.Timezone != nil {
		return ValidateTimezone(*w.Timezone)
	}
	return nil
}

// Member is a user's membership of a workspace.
type Member struct {
	UserID   int64   `json:"user_id"`
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	Role     Role    `json:"role"`
	Capacity float64 `json:"weekly_capacity_hours"`
}

// Invitation lets someone without an account join a workspace: the link
// carries a secret token that is stored hashed.
type Invitation struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      Role      `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
	Token     string    `json:"token,omitempty"` // only when just created
	URL       string    `json:"url,omitempty"`   // the link to send, only when just created
}

// MemberAdd adds a person to a workspace by e-mail address.
type MemberAdd struct {
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

// Validate checks the fields.
func (m *MemberAdd) Validate() error {
	email, err := NormalizeEmail(m.Email)
	if err != nil {
		return err
	}
	m.Email = email
	return m.Role.Validate()
}

// MemberResult says what adding a member did: either the user existed and
// is now a member, or an invitation waits to be accepted.
type MemberResult struct {
	Member     *Member     `json:"member,omitempty"`
	Invitation *Invitation `json:"invitation,omitempty"`
}

// WorkspaceService manages workspaces and who belongs to them. Every method
// acts as the user in the context and checks that user's role first.
type WorkspaceService interface {
	CreateWorkspace(ctx context.Context, w WorkspaceCreate) (*Workspace, error)
	FindWorkspaces(ctx context.Context) ([]*Workspace, error)
	// FindWorkspace returns ErrNotFound when the workspace does not exist
	// or the actor is not a member: foreign workspaces are invisible.
	FindWorkspace(ctx context.Context, id int64) (*Workspace, error)
	UpdateWorkspace(ctx context.Context, id int64, upd WorkspaceUpdate) (*Workspace, error)
	DeleteWorkspace(ctx context.Context, id int64) error

	FindMembers(ctx context.Context, wsID int64) ([]*Member, error)
	AddMember(ctx context.Context, wsID int64, m MemberAdd) (*MemberResult, error)
	SetMemberRole(ctx context.Context, wsID, userID int64, role Role) (*Member, error)
	RemoveMember(ctx context.Context, wsID, userID int64) error
	FindInvitations(ctx context.Context, wsID int64) ([]*Invitation, error)
	RevokeInvitation(ctx context.Context, wsID, id int64) error
}
