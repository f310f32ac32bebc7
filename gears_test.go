package gears_test

import (
	"errors"
	"fmt"
	"testing"

	"gears"
)

// TestRoleGrants pins the permission table: a change to it must be a
// deliberate change to this test too.
func TestRoleGrants(t *testing.T) {
	t.Parallel()
	want := map[gears.Role][]gears.Action{
		gears.RoleOwner:    {gears.ActionView, gears.ActionEdit, gears.ActionTrackTime, gears.ActionApprove, gears.ActionViewReports, gears.ActionManageMembers, gears.ActionManageSettings, gears.ActionDeleteWorkspace},
		gears.RoleManager:  {gears.ActionView, gears.ActionEdit, gears.ActionTrackTime, gears.ActionApprove, gears.ActionViewReports, gears.ActionManageMembers, gears.ActionManageSettings},
		gears.RoleEditor:   {gears.ActionView, gears.ActionEdit, gears.ActionTrackTime},
		gears.RoleAnalyst:  {gears.ActionView, gears.ActionViewReports, gears.ActionTrackTime},
		gears.RoleApprover: {gears.ActionView, gears.ActionApprove, gears.ActionViewReports},
	}
	all := []gears.Action{gears.ActionView, gears.ActionEdit, gears.ActionTrackTime, gears.ActionApprove, gears.ActionViewReports, gears.ActionManageMembers, gears.ActionManageSettings, gears.ActionDeleteWorkspace}
	for role, granted := range want {
		set := map[gears.Action]bool{}
		for _, a := range granted {
			set[a] = true
		}
		for _, a := range all {
			if got := role.Can(a); got != set[a] {
				t.Errorf("%s.Can(%s) = %v, want %v", role, a, got, set[a])
			}
		}
	}
	if gears.Role("emperor").Can(gears.ActionView) {
		t.Error("an unknown role can view")
	}
	if gears.RoleManager.CanAssign(gears.RoleOwner) || !gears.RoleOwner.CanAssign(gears.RoleOwner) || !gears.RoleManager.CanAssign(gears.RoleApprover) || gears.RoleEditor.CanAssign(gears.RoleEditor) {
		t.Error("CanAssign: only owners touch owners; only managers and owners assign")
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		err   error
		field string
	}{
		{"email", (&gears.UserCreate{Email: "nope", Password: "long enough pw"}).Validate(), "email"},
		{"email with name", (&gears.UserCreate{Email: "Ana <ana@example.com>", Password: "long enough pw"}).Validate(), "email"},
		{"password", (&gears.UserCreate{Email: "a@example.com", Password: "short"}).Validate(), "password"},
		{"language", (&gears.UserCreate{Email: "a@example.com", Password: "long enough pw", Language: "de"}).Validate(), "language"},
		{"workspace name", (&gears.WorkspaceCreate{Name: "  "}).Validate(), "name"},
		{"timezone", (&gears.WorkspaceCreate{Name: "A", Timezone: "Europe/Atlantis"}).Validate(), "timezone"},
		{"local timezone", (&gears.WorkspaceCreate{Name: "A", Timezone: "Local"}).Validate(), "timezone"},
		{"role", (&gears.MemberAdd{Email: "a@example.com", Role: "boss"}).Validate(), "role"},
	} {
		var e *gears.Error
		if !errors.As(tt.err, &e) || e.Code != gears.EINVALID || e.Field != tt.field {
			t.Errorf("%s: %v, want EINVALID on %q", tt.name, tt.err, tt.field)
		}
	}
	wc := gears.WorkspaceCreate{Name: " Café ", Timezone: ""}
	if err := wc.Validate(); err != nil || wc.Name != "Café" || wc.Timezone != "UTC" {
		t.Errorf("normalised to %+v, %v", wc, err)
	}
	uc := gears.UserCreate{Email: " Ana@Example.COM ", Password: "long enough pw"}
	if err := uc.Validate(); err != nil || uc.Email != "ana@example.com" || uc.Name != "ana" {
		t.Errorf("normalised to %+v, %v", uc, err)
	}
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	wrapped := fmt.Errorf("outer: %w", gears.Invalid("name", "user.name_required"))
	if gears.ErrorCode(wrapped) != gears.EINVALID || gears.ErrorCode(errors.New("x")) != gears.EINTERNAL || gears.ErrorCode(nil) != "" {
		t.Error("ErrorCode")
	}
	e := gears.AsError(errors.New("disk on fire"))
	if e.Code != gears.EINTERNAL || e.Key != "error.internal" || !errors.Is(e, e.Err) {
		t.Errorf("AsError = %+v", e)
	}
}
