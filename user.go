package gears

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in to Gears.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Language  string    `json:"language"` // "" means: follow the browser
	Admin     bool      `json:"-"`        // may create workspaces for others and see the instance's health
	CreatedAt time.Time `json:"-"`
}

// UserCreate is what it takes to create a user.
type UserCreate struct {
	Email    string
	Name     string
	Password string
	Language string
	Admin    bool
}

// MinPasswordLen is the shortest password Gears accepts.
const MinPasswordLen = 10

// Validate checks the fields of a new user and normalises the e-mail address.
func (u *UserCreate) Validate() error {
	email, err := NormalizeEmail(u.Email)
	if err != nil {
		return err
	}
	u.Email = email
	if strings.TrimSpace(u.Name) == "" {
		u.Name, _, _ = strings.Cut(email, "@")
	}
	if u.Name, err = ValidateName(u.Name); err != nil {
		return err
	}
	if err := ValidatePassword(u.Password); err != nil {
		return err
	}
	return ValidateLanguage(u.Language)
}

// ValidateName checks a person's name and returns it trimmed.
func ValidateName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Invalid("name", "user.name_required")
	}
	if utf8.RuneCountInString(name) > 100 {
		return "", Invalid("name", "user.name_too_long", 100)
	}
	return name, nil
}

// NormalizeEmail checks an e-mail address and returns it trimmed and in
// lower case.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", Invalid("email", "user.email_invalid")
	}
	return s, nil
}

// ValidatePassword checks a new password.
func ValidatePassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLen {
		return Invalid("password", "user.password_too_short", MinPasswordLen)
	}
	if len(p) > 1024 {
		return Invalid("password", "user.password_too_long")
	}
	return nil
}

// Languages Gears speaks; a user's preference is one of these or "".
var Languages = []string{"en", "es"}

// ValidateLanguage accepts "" (follow the browser) or a language Gears speaks.
func ValidateLanguage(lang string) error {
	if lang == "" {
		return nil
	}
	for _, l := range Languages {
		if l == lang {
			return nil
		}
	}
	return Invalid("language", "user.language_invalid")
}

// UserUpdate holds the fields of a user that may change; nil leaves a field
// as it is.
type UserUpdate struct {
	Name     *string
	Language *string
}

// UserService manages users and their credentials.
type UserService interface {
	CreateUser(ctx context.Context, u UserCreate) (*User, error)
	// Authenticate returns the user with this e-mail and password; a wrong
	// e-mail and a wrong password give the same EUNAUTHORIZED error.
	Authenticate(ctx context.Context, email, password string) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	CountUsers(ctx context.Context) (int, error)
}

type userKey struct{}

// NewContextWithUser returns a context that carries the acting user.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the acting user, or nil for nobody.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// UserIDFromContext returns the acting user's ID, or 0 for nobody.
func UserIDFromContext(ctx context.Context) int64 {
	if u := UserFromContext(ctx); u != nil {
		return u.ID
	}
	return 0
}
