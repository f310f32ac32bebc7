package gears

import (
	"context"
	"time"
)

// Session is a signed-in browser. The cookie holds a secret; the database
// holds its hash.
type Session struct {
	UserID    int64
	CSRF      string // the token every state-changing form must carry
	ExpiresAt time.Time
}

// Token is a personal API token, used as "Authorization: Bearer …". Its
// secret is shown once, when created, and stored hashed.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Secret     string     `json:"token,omitempty"` // only when just created
}

// AuthService signs people in, by browser session or API token.
type AuthService interface {
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (secret string, s *Session, err error)
	// FindSession returns the session and its user for a cookie secret, or
	// EUNAUTHORIZED when it is unknown or expired.
	FindSession(ctx context.Context, secret string) (*Session, *User, error)
	DeleteSession(ctx context.Context, secret string) error

	CreateToken(ctx context.Context, userID int64, name string) (*Token, error)
	FindTokens(ctx context.Context, userID int64) ([]*Token, error)
	DeleteToken(ctx context.Context, userID, tokenID int64) error
	// FindUserByToken returns the user whose token this is, or EUNAUTHORIZED.
	FindUserByToken(ctx context.Context, secret string) (*User, error)
}
