package store

import (
	"context"
	"database/sql"
	"errors"

	"gears"
)

// UserService implements gears.UserService.
type UserService struct{ db *DB }

var _ gears.UserService = (*UserService)(nil)

// NewUserService returns the user service of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

// CreateUser creates a user.
func (s *UserService) CreateUser(ctx context.Context, uc gears.UserCreate) (*gears.User, error) {
	if err := uc.Validate(); err != nil {
		return nil, err
	}
	var u *gears.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		u, err = createUser(tx, uc)
		return err
	})
	return u, err
}

func createUser(tx *Tx, uc gears.UserCreate) (*gears.User, error) {
	hash, err := hashPassword(uc.Password)
	if err != nil {
		return nil, gears.Internal("hash password: %w", err)
	}
	u := &gears.User{Email: uc.Email, Name: uc.Name, Language: uc.Language, Admin: uc.Admin, CreatedAt: tx.now()}
	err = tx.queryRow(`INSERT INTO users (email, name, password_hash, language, admin, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Email, u.Name, hash, u.Language, u.Admin, millis(u.CreatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return nil, &gears.Error{Code: gears.ECONFLICT, Key: "user.email_taken", Field: "email"}
	}
	if err != nil {
		return nil, gears.Internal("create user: %w", err)
	}
	return u, nil
}

const userColumns = `id, email, name, language, admin, created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*gears.User, error) {
	var u gears.User
	var created int64
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.Language, &u.Admin, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan user: %w", err)
	}
	u.CreatedAt = fromMillis(created)
	return &u, nil
}

// Authenticate checks an e-mail and password.
func (s *UserService) Authenticate(ctx context.Context, email, password string) (*gears.User, error) {
	denied := gears.Errorf(gears.EUNAUTHORIZED, "auth.bad_credentials")
	email, err := gears.NormalizeEmail(email)
	if err != nil {
		checkPassword(dummyHash(), password)
		return nil, denied
	}
	var hash string
	var u *gears.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		u, err = scanUser(tx.queryRow(`SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`, email), &hash)
		return err
	})
	if gears.ErrorCode(err) == gears.ENOTFOUND {
		checkPassword(dummyHash(), password)
		return nil, denied
	}
	if err != nil {
		return nil, err
	}
	if !checkPassword(hash, password) {
		return nil, denied
	}
	return u, nil
}

// FindUserByEmail returns the user with this e-mail address.
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*gears.User, error) {
	email, err := gears.NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	var u *gears.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		u, err = scanUser(tx.queryRow(`SELECT `+userColumns+` FROM users WHERE email = ?`, email))
		return err
	})
	return u, err
}

// UpdateUser changes a user's name or language. Only the user may.
func (s *UserService) UpdateUser(ctx context.Context, id int64, upd gears.UserUpdate) (*gears.User, error) {
	if gears.UserIDFromContext(ctx) != id {
		return nil, gears.ErrNotFound
	}
	if upd.Language != nil {
		if err := gears.ValidateLanguage(*upd.Language); err != nil {
			return nil, err
		}
	}
	if upd.Name != nil {
		name, err := gears.ValidateName(*upd.Name)
		if err != nil {
			return nil, err
		}
		upd.Name = &name
	}
	var u *gears.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if upd.Name != nil {
			if _, err := tx.exec(`UPDATE users SET name = ? WHERE id = ?`, *upd.Name, id); err != nil {
				return gears.Internal("update user: %w", err)
			}
		}
		if upd.Language != nil {
			if _, err := tx.exec(`UPDATE users SET language = ? WHERE id = ?`, *upd.Language, id); err != nil {
				return gears.Internal("update user: %w", err)
			}
		}
		var err error
		u, err = scanUser(tx.queryRow(`SELECT `+userColumns+` FROM users WHERE id = ?`, id))
		return err
	})
	return u, err
}

// CountUsers returns how many users exist.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, gears.Internal("count users: %w", err)
	}
	return n, nil
}
