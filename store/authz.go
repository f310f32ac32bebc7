package store

import (
	"database/sql"
	"errors"

	"gears"
)

// authorize is the one place where Gears decides whether the acting user
// may do something in a workspace. A workspace the actor does not belong to
// is reported as not found, never as forbidden: its existence is private.
// Every service method that touches a workspace's data calls it first, in
// the same transaction.
func authorize(tx *Tx, wsID int64, action gears.Action) (gears.Role, error) {
	uid := gears.UserIDFromContext(tx.ctx)
	if uid == 0 {
		return "", gears.Errorf(gears.EUNAUTHORIZED, "auth.required")
	}
	var role gears.Role
	err := tx.queryRow(`SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?`, wsID, uid).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", gears.ErrNotFound
	}
	if err != nil {
		return "", gears.Internal("authorize: %w", err)
	}
	if !role.Can(action) {
		return role, gears.Errorf(gears.EFORBIDDEN, "error.forbidden")
	}
	return role, nil
}
