package gears

// Role is what a member may do in a workspace.
type Role string

// The roles, from most to least powerful. The approver is the client's
// contact: reads the work, approves posts and reads reports.
const (
	RoleOwner    Role = "owner"
	RoleManager  Role = "manager"
	RoleEditor   Role = "editor"
	RoleAnalyst  Role = "analyst"
	RoleApprover Role = "approver"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleOwner, RoleManager, RoleEditor, RoleAnalyst, RoleApprover}

// Validate accepts only the known roles.
func (r Role) Validate() error {
	for _, known := range Roles {
		if r == known {
			return nil
		}
	}
	return Invalid("role", "role.invalid")
}

// Action is something a member may be allowed to do in a workspace.
type Action string

// The actions that roles grant.
const (
	ActionView            Action = "view"             // see the workspace and its work
	ActionEdit            Action = "edit"             // compose, plan, answer
	ActionTrackTime       Action = "track_time"       // track one's own time on the workspace's activities
	ActionApprove         Action = "approve"          // approve or send back posts
	ActionViewReports     Action = "view_reports"     // metrics, reports, ROI
	ActionManageMembers   Action = "manage_members"   // add, remove, change roles
	ActionManageSettings  Action = "manage_settings"  // name, time zone, connections, publishing switch
	ActionDeleteWorkspace Action = "delete_workspace" // delete it all
)

// grants is the one table of permissions in Gears.
var grants = map[Role]map[Action]bool{
	RoleOwner: {
		ActionView: true, ActionEdit: true, ActionTrackTime: true, ActionApprove: true, ActionViewReports: true,
		ActionManageMembers: true, ActionManageSettings: true, ActionDeleteWorkspace: true,
	},
	RoleManager: {
		ActionView: true, ActionEdit: true, ActionTrackTime: true, ActionApprove: true, ActionViewReports: true,
		ActionManageMembers: true, ActionManageSettings: true,
	},
	RoleEditor:   {ActionView: true, ActionEdit: true, ActionTrackTime: true},
	RoleAnalyst:  {ActionView: true, ActionViewReports: true, ActionTrackTime: true},
	RoleApprover: {ActionView: true, ActionApprove: true, ActionViewReports: true},
}

// Can reports whether the role grants the action.
func (r Role) Can(a Action) bool { return grants[r][a] }

// CanAssign reports whether a member with role r may give or take away role
// target: only owners touch owners.
func (r Role) CanAssign(target Role) bool {
	if !r.Can(ActionManageMembers) {
		return false
	}
	return target != RoleOwner || r == RoleOwner
}
