package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"math/big"
	"strings"

	"gears"
)

// SetupService lets the first owner take an empty instance, guarded by a
// one-time code that only whoever reads the server's log can know.
type SetupService struct{ db *DB }

// NewSetupService returns the first-run service of db.
func NewSetupService(db *DB) *SetupService { return &SetupService{db: db} }

const setupCodeKey = "setup_code"

// SetupCode returns the set-up code while the instance has no user (making
// one the first time), or "" once someone has set it up.
func (s *SetupService) SetupCode(ctx context.Context) (string, error) {
	var code string
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var users int
		if err := tx.queryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
			return gears.Internal("count users: %w", err)
		}
		if users > 0 {
			return nil
		}
		err := tx.queryRow(`SELECT value FROM settings WHERE key = ?`, setupCodeKey).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			code = newSetupCode()
			_, err = tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, setupCodeKey, code)
		}
		if err != nil {
			return gears.Internal("setup code: %w", err)
		}
		return nil
	})
	return code, err
}

// newSetupCode returns 12 characters that are easy to read and type
// (about 60 bits).
func newSetupCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	for i := range 12 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}

// NeedsSetup reports whether the instance has no user yet.
func (s *SetupService) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := NewUserService(s.db).CountUsers(ctx)
	return n == 0, err
}

// CompleteSetup creates the first user, an administrator, if the code is
// right and nobody has done it already. The code then stops working.
func (s *SetupService) CompleteSetup(ctx context.Context, code string, uc gears.UserCreate) (*gears.User, error) {
	uc.Admin = true
	if err := uc.Validate(); err != nil {
		return nil, err
	}
	var u *gears.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var users int
		if err := tx.queryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
			return gears.Internal("count users: %w", err)
		}
		if users > 0 {
			return gears.Errorf(gears.ECONFLICT, "setup.done")
		}
		var want string
		err := tx.queryRow(`SELECT value FROM settings WHERE key = ?`, setupCodeKey).Scan(&want)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return gears.Internal("setup code: %w", err)
		}
		got := strings.ToUpper(strings.TrimSpace(code))
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return gears.Invalid("code", "setup.bad_code")
		}
		if u, err = createUser(tx, uc); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM settings WHERE key = ?`, setupCodeKey); err != nil {
			return gears.Internal("setup code: %w", err)
		}
		return nil
	})
	return u, err
}

// DeleteExpired removes expired sessions and invitations; a periodic job
// calls it.
func (db *DB) DeleteExpired(ctx context.Context) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *Tx) error {
		now := millis(tx.now())
		for _, q := range []string{
			`DELETE FROM sessions WHERE expires_at < ?`,
			`DELETE FROM invitations WHERE expires_at < ?`,
		} {
			res, err := tx.exec(q, now)
			if err != nil {
				return gears.Internal("delete expired: %w", err)
			}
			c, _ := res.RowsAffected()
			n += c
		}
		return nil
	})
	return n, err
}
