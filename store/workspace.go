package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gears"
)

// WorkspaceService implements gears.WorkspaceService.
type WorkspaceService struct{ db *DB }

var _ gears.WorkspaceService = (*WorkspaceService)(nil)

// NewWorkspaceService returns the workspace service of db.
func NewWorkspaceService(db *DB) *WorkspaceService { return &WorkspaceService{db: db} }

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 14 * 24 * time.Hour

// CreateWorkspace creates a workspace whose owner is the actor.
func (s *WorkspaceService) CreateWorkspace(ctx context.Context, wc gears.WorkspaceCreate) (*gears.Workspace, error) {
	uid := gears.UserIDFromContext(ctx)
	if uid == 0 {
		return nil, gears.Errorf(gears.EUNAUTHORIZED, "auth.required")
	}
	if err := wc.Validate(); err != nil {
		return nil, err
	}
	var w *gears.Workspace
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		w, err = createWorkspace(tx, uid, wc)
		return err
	})
	return w, err
}

func createWorkspace(tx *Tx, ownerID int64, wc gears.WorkspaceCreate) (*gears.Workspace, error) {
	w := &gears.Workspace{Name: wc.Name, Timezone: wc.Timezone, Role: gears.RoleOwner, CreatedAt: tx.now()}
	err := tx.queryRow(`INSERT INTO workspaces (name, timezone, created_at) VALUES (?, ?, ?) RETURNING id`,
		w.Name, w.Timezone, millis(w.CreatedAt)).Scan(&w.ID)
	if err != nil {
		return nil, gears.Internal("create workspace: %w", err)
	}
	if err := addMembership(tx, w.ID, ownerID, gears.RoleOwner); err != nil {
		return nil, err
	}
	return w, nil
}

func addMembership(tx *Tx, wsID, userID int64, role gears.Role) error {
	_, err := tx.exec(`INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`,
		wsID, userID, role, millis(tx.now()))
	if isUniqueViolation(err) {
		return &gears.Error{Code: gears.ECONFLICT, Key: "member.already", Field: "email"}
	}
	if err != nil {
		return gears.Internal("add membership: %w", err)
	}
	return nil
}

// FindWorkspaces lists the actor's workspaces, by name.
func (s *WorkspaceService) FindWorkspaces(ctx context.Context) ([]*gears.Workspace, error) {
	uid := gears.UserIDFromContext(ctx)
	if uid == 0 {
		return nil, gears.Errorf(gears.EUNAUTHORIZED, "auth.required")
	}
	var list []*gears.Workspace
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		list, err = queryAll(tx, "find workspaces", scanWorkspace, `SELECT w.id, w.name, w.timezone, w.language, w.created_at, m.role
			FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
			WHERE m.user_id = ? ORDER BY w.name, w.id`, uid)
		return err
	})
	return list, err
}

func scanWorkspace(row interface{ Scan(...any) error }) (*gears.Workspace, error) {
	var w gears.Workspace
	var created int64
	if err := row.Scan(&w.ID, &w.Name, &w.Timezone, &w.Language, &created, &w.Role); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan workspace: %w", err)
	}
	w.CreatedAt = fromMillis(created)
	return &w, nil
}

func findWorkspace(tx *Tx, id int64) (*gears.Workspace, error) {
	return scanWorkspace(tx.queryRow(`SELECT w.id, w.name, w.timezone, w.language, w.created_at, m.role
		FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
		WHERE w.id = ? AND m.user_id = ?`, id, gears.UserIDFromContext(tx.ctx)))
}

// FindWorkspace returns one of the actor's workspaces.
func (s *WorkspaceService) FindWorkspace(ctx context.Context, id int64) (*gears.Workspace, error) {
	var w *gears.Workspace
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, id, gears.ActionView); err != nil {
			return err
		}
		var err error
		w, err = findWorkspace(tx, id)
		return err
	})
	return w, err
}

// UpdateWorkspace renames a workspace or changes its time zone.
func (s *WorkspaceService) UpdateWorkspace(ctx context.Context, id int64, upd gears.WorkspaceUpdate) (*gears.Workspace, error) {
	var w *gears.Workspace
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, id, gears.ActionManageSettings); err != nil {
			return err
		}
		if err := upd.Validate(); err != nil {
			return err
		}
		if upd.Name != nil {
			if _, err := tx.exec(`UPDATE workspaces SET name = ? WHERE id = ?`, *upd.Name, id); err != nil {
				return gears.Internal("update workspace: %w", err)
			}
		}
		if upd.Language != nil {
			if _, err := tx.exec(`UPDATE workspaces SET language = ? WHERE id = ?`, *upd.Language, id); err != nil {
				return gears.Internal("update workspace: %w", err)
			}
		}
		if upd.Timezone != nil {
			if _, err := tx.exec(`UPDATE workspaces SET timezone = ? WHERE id = ?`, *upd.Timezone, id); err != nil {
				return gears.Internal("update workspace: %w", err)
			}
		}
		var err error
		w, err = findWorkspace(tx, id)
		return err
	})
	return w, err
}

// DeleteWorkspace deletes a workspace and everything in it.
func (s *WorkspaceService) DeleteWorkspace(ctx context.Context, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, id, gears.ActionDeleteWorkspace); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM workspaces WHERE id = ?`, id); err != nil {
			return gears.Internal("delete workspace: %w", err)
		}
		return nil
	})
}

// FindMembers lists a workspace's members.
func (s *WorkspaceService) FindMembers(ctx context.Context, wsID int64) ([]*gears.Member, error) {
	var list []*gears.Member
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		rows, err := tx.query(`SELECT u.id, u.email, u.name, m.role, m.weekly_capacity
			FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.workspace_id = ? ORDER BY u.name, u.id`, wsID)
		if err != nil {
			return gears.Internal("find members: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var m gears.Member
			if err := rows.Scan(&m.UserID, &m.Email, &m.Name, &m.Role, &m.Capacity); err != nil {
				return gears.Internal("scan member: %w", err)
			}
			list = append(list, &m)
		}
		if err := rows.Err(); err != nil {
			return gears.Internal("find members: %w", err)
		}
		return nil
	})
	return list, err
}

func findMember(tx *Tx, wsID, userID int64) (*gears.Member, error) {
	var m gears.Member
	err := tx.queryRow(`SELECT u.id, u.email, u.name, m.role, m.weekly_capacity
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.user_id = ?`, wsID, userID).Scan(&m.UserID, &m.Email, &m.Name, &m.Role, &m.Capacity)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gears.ErrNotFound
	}
	if err != nil {
		return nil, gears.Internal("find member: %w", err)
	}
	return &m, nil
}

// AddMember adds an existing user to the workspace, or invites a new one.
func (s *WorkspaceService) AddMember(ctx context.Context, wsID int64, ma gears.MemberAdd) (*gears.MemberResult, error) {
	var res gears.MemberResult
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionManageMembers)
		if err != nil {
			return err
		}
		if err := ma.Validate(); err != nil {
			return err
		}
		if !role.CanAssign(ma.Role) {
			return gears.Errorf(gears.EFORBIDDEN, "member.cannot_assign")
		}
		var uid int64
		err = tx.queryRow(`SELECT id FROM users WHERE email = ?`, ma.Email).Scan(&uid)
		switch {
		case err == nil:
			if err := addMembership(tx, wsID, uid, ma.Role); err != nil {
				return err
			}
			res.Member, err = findMember(tx, wsID, uid)
			return err
		case errors.Is(err, sql.ErrNoRows):
			res.Invitation, err = createInvitation(tx, wsID, ma)
			return err
		default:
			return gears.Internal("add member: %w", err)
		}
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

func createInvitation(tx *Tx, wsID int64, ma gears.MemberAdd) (*gears.Invitation, error) {
	now := tx.now()
	inv := &gears.Invitation{Email: ma.Email, Role: ma.Role, ExpiresAt: now.Add(InvitationTTL), Token: newSecret(invitationPrefix)}
	// Inviting the same address again renews the invitation.
	if _, err := tx.exec(`DELETE FROM invitations WHERE workspace_id = ? AND email = ?`, wsID, ma.Email); err != nil {
		return nil, gears.Internal("renew invitation: %w", err)
	}
	err := tx.queryRow(`INSERT INTO invitations (workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, ma.Email, ma.Role, hashSecret(inv.Token),
		gears.UserIDFromContext(tx.ctx), millis(now), millis(inv.ExpiresAt)).Scan(&inv.ID)
	if err != nil {
		return nil, gears.Internal("create invitation: %w", err)
	}
	return inv, nil
}

// SetMemberRole changes a member's role. Only owners touch owners, and a
// workspace always keeps one owner.
func (s *WorkspaceService) SetMemberRole(ctx context.Context, wsID, userID int64, newRole gears.Role) (*gears.Member, error) {
	var m *gears.Member
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionManageMembers)
		if err != nil {
			return err
		}
		if err := newRole.Validate(); err != nil {
			return err
		}
		cur, err := findMember(tx, wsID, userID)
		if err != nil {
			return err
		}
		if !role.CanAssign(cur.Role) || !role.CanAssign(newRole) {
			return gears.Errorf(gears.EFORBIDDEN, "member.cannot_assign")
		}
		if cur.Role == gears.RoleOwner && newRole != gears.RoleOwner {
			if err := keepAnOwner(tx, wsID); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?`, newRole, wsID, userID); err != nil {
			return gears.Internal("set role: %w", err)
		}
		m, err = findMember(tx, wsID, userID)
		return err
	})
	return m, err
}

func keepAnOwner(tx *Tx, wsID int64) error {
	var owners int
	if err := tx.queryRow(`SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = ?`, wsID, gears.RoleOwner).Scan(&owners); err != nil {
		return gears.Internal("count owners: %w", err)
	}
	if owners <= 1 {
		return gears.Errorf(gears.ECONFLICT, "member.last_owner")
	}
	return nil
}

// RemoveMember takes a member out of the workspace. Anyone may leave; the
// last owner may not.
func (s *WorkspaceService) RemoveMember(ctx context.Context, wsID, userID int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		action := gears.ActionManageMembers
		if userID == gears.UserIDFromContext(ctx) {
			action = gears.ActionView // leaving
		}
		role, err := authorize(tx, wsID, action)
		if err != nil {
			return err
		}
		cur, err := findMember(tx, wsID, userID)
		if err != nil {
			return err
		}
		if action == gears.ActionManageMembers && !role.CanAssign(cur.Role) {
			return gears.Errorf(gears.EFORBIDDEN, "member.cannot_assign")
		}
		if cur.Role == gears.RoleOwner {
			if err := keepAnOwner(tx, wsID); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?`, wsID, userID); err != nil {
			return gears.Internal("remove member: %w", err)
		}
		return nil
	})
}

// FindInvitations lists the invitations still waiting in a workspace.
func (s *WorkspaceService) FindInvitations(ctx context.Context, wsID int64) ([]*gears.Invitation, error) {
	var list []*gears.Invitation
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageMembers); err != nil {
			return err
		}
		rows, err := tx.query(`SELECT id, email, role, expires_at FROM invitations
			WHERE workspace_id = ? AND expires_at > ? ORDER BY email`, wsID, millis(tx.now()))
		if err != nil {
			return gears.Internal("find invitations: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var inv gears.Invitation
			var exp int64
			if err := rows.Scan(&inv.ID, &inv.Email, &inv.Role, &exp); err != nil {
				return gears.Internal("scan invitation: %w", err)
			}
			inv.ExpiresAt = fromMillis(exp)
			list = append(list, &inv)
		}
		if err := rows.Err(); err != nil {
			return gears.Internal("find invitations: %w", err)
		}
		return nil
	})
	return list, err
}

// RevokeInvitation cancels an invitation.
func (s *WorkspaceService) RevokeInvitation(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageMembers); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM invitations WHERE id = ? AND workspace_id = ?`, id, wsID)
		if err != nil {
			return gears.Internal("revoke invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// InvitationInfo is what the invitation page shows before it is accepted.
type InvitationInfo struct {
	Email         string
	Role          gears.Role
	WorkspaceName string
}

// FindInvitation returns the live invitation for a link's token.
func (s *WorkspaceService) FindInvitation(ctx context.Context, token string) (*InvitationInfo, error) {
	var info InvitationInfo
	err := s.db.InTx(ctx, func(tx *Tx) error {
		err := tx.queryRow(`SELECT i.email, i.role, w.name FROM invitations i JOIN workspaces w ON w.id = i.workspace_id
			WHERE i.token_hash = ? AND i.expires_at > ?`, hashSecret(token), millis(tx.now())).Scan(&info.Email, &info.Role, &info.WorkspaceName)
		if errors.Is(err, sql.ErrNoRows) {
			return gears.Errorf(gears.ENOTFOUND, "invitation.invalid")
		}
		if err != nil {
			return gears.Internal("find invitation: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// AcceptInvitation creates the invited user with name and password and
// makes them a member, in one transaction. It returns the new user and the
// workspace ID.
func (s *WorkspaceService) AcceptInvitation(ctx context.Context, token, name, password, language string) (*gears.User, int64, error) {
	if !strings.HasPrefix(token, invitationPrefix) {
		return nil, 0, gears.Errorf(gears.ENOTFOUND, "invitation.invalid")
	}
	var u *gears.User
	var wsID int64
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var id int64
		var email string
		var role gears.Role
		err := tx.queryRow(`SELECT id, workspace_id, email, role FROM invitations WHERE token_hash = ? AND expires_at > ?`,
			hashSecret(token), millis(tx.now())).Scan(&id, &wsID, &email, &role)
		if errors.Is(err, sql.ErrNoRows) {
			return gears.Errorf(gears.ENOTFOUND, "invitation.invalid")
		}
		if err != nil {
			return gears.Internal("accept invitation: %w", err)
		}
		uc := gears.UserCreate{Email: email, Name: name, Password: password, Language: language}
		if err := uc.Validate(); err != nil {
			return err
		}
		if u, err = createUser(tx, uc); err != nil {
			return err
		}
		if err := addMembership(tx, wsID, u.ID, role); err != nil {
			return err
		}
		// Other workspaces may have invited the same address: honour them too.
		if _, err := tx.exec(`INSERT INTO memberships (workspace_id, user_id, role, created_at)
			SELECT workspace_id, ?, role, ? FROM invitations WHERE email = ? AND id <> ? AND expires_at > ?`,
			u.ID, millis(tx.now()), email, id, millis(tx.now())); err != nil {
			return gears.Internal("accept other invitations: %w", err)
		}
		if _, err := tx.exec(`DELETE FROM invitations WHERE email = ?`, email); err != nil {
			return gears.Internal("accept invitation: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return u, wsID, nil
}
