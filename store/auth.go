package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gears"
)

// AuthService implements gears.AuthService.
type AuthService struct{ db *DB }

var _ gears.AuthService = (*AuthService)(nil)

// NewAuthService returns the sign-in service of db.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

// Prefixes make leaked secrets recognisable (and searchable by scanners).
const (
	sessionPrefix    = "gs_"
	tokenPrefix      = "gears_"
	invitationPrefix = "gi_"
)

// CreateSession signs a user in for ttl.
func (s *AuthService) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, *gears.Session, error) {
	secret := newSecret(sessionPrefix)
	var sess *gears.Session
	err := s.db.InTx(ctx, func(tx *Tx) error {
		now := tx.now()
		sess = &gears.Session{UserID: userID, CSRF: newSecret(""), ExpiresAt: now.Add(ttl)}
		// Sign-in is a good moment to forget expired sessions.
		if _, err := tx.exec(`DELETE FROM sessions WHERE expires_at < ?`, millis(now)); err != nil {
			return gears.Internal("expire sessions: %w", err)
		}
		_, err := tx.exec(`INSERT INTO sessions (secret_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashSecret(secret), userID, sess.CSRF, millis(now), millis(sess.ExpiresAt))
		if err != nil {
			return gears.Internal("create session: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

// FindSession returns the live session for a cookie secret, and its user.
func (s *AuthService) FindSession(ctx context.Context, secret string) (*gears.Session, *gears.User, error) {
	if !strings.HasPrefix(secret, sessionPrefix) {
		return nil, nil, gears.Errorf(gears.EUNAUTHORIZED, "auth.required")
	}
	var sess gears.Session
	var u *gears.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var expires int64
		var err error
		u, err = scanUser(tx.queryRow(`SELECT u.id, u.email, u.name, u.language, u.admin, u.created_at,
			s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.secret_hash = ? AND s.expires_at > ?`, hashSecret(secret), millis(tx.now())), &sess.CSRF, &expires)
		sess.ExpiresAt = fromMillis(expires)
		return err
	})
	if gears.ErrorCode(err) == gears.ENOTFOUND {
		return nil, nil, gears.Errorf(gears.EUNAUTHORIZED, "auth.required")
	}
	if err != nil {
		return nil, nil, err
	}
	sess.UserID = u.ID
	return &sess, u, nil
}

// DeleteSession signs a browser out.
func (s *AuthService) DeleteSession(ctx context.Context, secret string) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM sessions WHERE secret_hash = ?`, hashSecret(secret)); err != nil {
			return gears.Internal("delete session: %w", err)
		}
		return nil
	})
}

// CreateToken creates a personal API token; its secret is returned once.
func (s *AuthService) CreateToken(ctx context.Context, userID int64, name string) (*gears.Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, gears.Invalid("name", "token.name_required")
	}
	if utf8.RuneCountInString(name) > 80 {
		return nil, gears.Invalid("name", "token.name_too_long", 80)
	}
	t := &gears.Token{Name: name, Secret: newSecret(tokenPrefix)}
	err := s.db.InTx(ctx, func(tx *Tx) error {
		t.CreatedAt = tx.now()
		err := tx.queryRow(`INSERT INTO api_tokens (user_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			userID, name, hashSecret(t.Secret), millis(t.CreatedAt)).Scan(&t.ID)
		if err != nil {
			return gears.Internal("create token: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// FindTokens lists a user's tokens, without their secrets.
func (s *AuthService) FindTokens(ctx context.Context, userID int64) ([]*gears.Token, error) {
	var tokens []*gears.Token
	err := s.db.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
		if err != nil {
			return gears.Internal("find tokens: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var t gears.Token
			var created int64
			var used sql.NullInt64
			if err := rows.Scan(&t.ID, &t.Name, &created, &used); err != nil {
				return gears.Internal("scan token: %w", err)
			}
			t.CreatedAt, t.LastUsedAt = fromMillis(created), nullMillis(used)
			tokens = append(tokens, &t)
		}
		if err := rows.Err(); err != nil {
			return gears.Internal("find tokens: %w", err)
		}
		return nil
	})
	return tokens, err
}

// DeleteToken revokes one of the user's tokens.
func (s *AuthService) DeleteToken(ctx context.Context, userID, tokenID int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
		if err != nil {
			return gears.Internal("delete token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// tokenUseGranularity limits how often last_used_at is written.
const tokenUseGranularity = time.Minute

// FindUserByToken returns the owner of an API token.
func (s *AuthService) FindUserByToken(ctx context.Context, secret string) (*gears.User, error) {
	denied := gears.Errorf(gears.EUNAUTHORIZED, "auth.bad_token")
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, denied
	}
	var u *gears.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var id int64
		var used sql.NullInt64
		var err error
		u, err = scanUser(tx.queryRow(`SELECT u.id, u.email, u.name, u.language, u.admin, u.created_at, t.id, t.last_used_at
			FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?`, hashSecret(secret)), &id, &used)
		if err != nil {
			return err
		}
		now := tx.now()
		if !used.Valid || now.Sub(fromMillis(used.Int64)) > tokenUseGranularity {
			if _, err := tx.exec(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, millis(now), id); err != nil {
				return gears.Internal("touch token: %w", err)
			}
		}
		return nil
	})
	if errors.Is(err, gears.ErrNotFound) {
		return nil, denied
	}
	return u, err
}
