package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gears"
)

// OAuthTTL is how long a person has to sign in at the instance.
const OAuthTTL = 15 * time.Minute

// OAuthFlow is a sign-in at a Mastodon instance in progress.
type OAuthFlow struct {
	WorkspaceID  int64
	Server       string
	ClientID     string
	ClientSecret string
}

func oauthAD(stateHash string) []byte { return []byte("oauth:" + stateHash) }

// BeginOAuth records a sign-in about to start at an instance, with the app
// registered there for it, and returns the state to send along.
func (s *AccountService) BeginOAuth(ctx context.Context, wsID int64, f OAuthFlow) (string, error) {
	state := newSecret("")
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		now := tx.now()
		if _, err := tx.exec(`DELETE FROM oauth_states WHERE expires_at < ?`, millis(now)); err != nil {
			return gears.Internal("oauth: %w", err)
		}
		h := hashSecret(state)
		_, err := tx.exec(`INSERT INTO oauth_states (state_hash, workspace_id, user_id, server, client_id, client_secret, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, h, wsID, gears.UserIDFromContext(ctx), f.Server, f.ClientID,
			s.vault.Seal([]byte(f.ClientSecret), oauthAD(h)), millis(now.Add(OAuthTTL)))
		if err != nil {
			return gears.Internal("oauth: %w", err)
		}
		return nil
	})
	return state, err
}

// FinishOAuth takes back the sign-in a state names; it works once, for
// the person who began it, before it expires.
func (s *AccountService) FinishOAuth(ctx context.Context, state string) (*OAuthFlow, error) {
	var f OAuthFlow
	err := s.db.InTx(ctx, func(tx *Tx) error {
		h := hashSecret(state)
		var sealed string
		var expires int64
		err := tx.queryRow(`SELECT workspace_id, server, client_id, client_secret, expires_at FROM oauth_states
			WHERE state_hash = ? AND user_id = ?`, h, gears.UserIDFromContext(ctx)).Scan(&f.WorkspaceID, &f.Server, &f.ClientID, &sealed, &expires)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && fromMillis(expires).Before(tx.now())) {
			return gears.Errorf(gears.EINVALID, "account.oauth_expired")
		}
		if err != nil {
			return gears.Internal("oauth: %w", err)
		}
		secret, err := s.vault.Open(sealed, oauthAD(h))
		if err != nil {
			return gears.Internal("oauth: %w", err)
		}
		f.ClientSecret = string(secret)
		if _, err := tx.exec(`DELETE FROM oauth_states WHERE state_hash = ?`, h); err != nil {
			return gears.Internal("oauth: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}
