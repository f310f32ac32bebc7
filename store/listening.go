package store

import (
	"context"
	"database/sql"
	"errors"

	"gears"
)

// ListeningService keeps the workspace's saved searches and what the
// pollers need to read them.
type ListeningService struct {
	db       *DB
	accounts *AccountService
}

// NewListeningService returns the saved searches of db.
func NewListeningService(db *DB, accounts *AccountService) *ListeningService {
	return &ListeningService{db: db, accounts: accounts}
}

const searchColumns = `id, name, kind, query, paused, error, polled_at, created_at`

func scanSearch(r scanner) (*gears.SavedSearch, error) {
	var s gears.SavedSearch
	var polled sql.NullInt64
	var created int64
	if err := r.Scan(&s.ID, &s.Name, &s.Kind, &s.Query, &s.Paused, &s.Error, &polled, &created); err != nil {
		return nil, gears.Internal("scan saved search: %w", err)
	}
	s.PolledAt, s.CreatedAt = nullMillis(polled), fromMillis(created)
	return &s, nil
}

// CreateSearch saves a search; check validates what the domain cannot
// (a feed's address). Its first poll is the caller's to schedule.
func (s *ListeningService) CreateSearch(ctx context.Context, wsID int64, in gears.SavedSearch, check func(*gears.SavedSearch) error) (*gears.SavedSearch, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(&in); err != nil {
			return nil, err
		}
	}
	var out *gears.SavedSearch
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM saved_searches WHERE workspace_id = ?`, wsID).Scan(&n); err != nil {
			return gears.Internal("count saved searches: %w", err)
		}
		if n >= MaxSearches {
			return gears.Invalid("", "listening.too_many", MaxSearches)
		}
		var id int64
		if err := tx.queryRow(`INSERT INTO saved_searches (workspace_id, name, kind, query, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			wsID, in.Name, in.Kind, in.Query, millis(tx.now())).Scan(&id); err != nil {
			return gears.Internal("create saved search: %w", err)
		}
		var err error
		out, err = findSearch(tx, wsID, id)
		return err
	})
	return out, err
}

// MaxSearches caps a workspace's saved searches: each is polled.
const MaxSearches = 50

func findSearch(tx *Tx, wsID, id int64) (*gears.SavedSearch, error) {
	s, err := scanSearch(tx.queryRow(`SELECT `+searchColumns+` FROM saved_searches WHERE workspace_id = ? AND id = ?`, wsID, id))
	if err != nil && errors.Is(errors.Unwrap(err), sql.ErrNoRows) {
		return nil, gears.ErrNotFound
	}
	return s, err
}

// FindSearches lists the saved searches by name.
func (s *ListeningService) FindSearches(ctx context.Context, wsID int64) ([]*gears.SavedSearch, error) {
	var list []*gears.SavedSearch
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "saved searches", scanSearch,
			`SELECT `+searchColumns+` FROM saved_searches WHERE workspace_id = ? ORDER BY name, id`, wsID)
		return err
	})
	return list, err
}

// FindSearch returns one saved search.
func (s *ListeningService) FindSearch(ctx context.Context, wsID, id int64) (*gears.SavedSearch, error) {
	var out *gears.SavedSearch
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		out, err = findSearch(tx, wsID, id)
		return err
	})
	return out, err
}

// SetSearchPaused stops or restarts a saved search's polls.
func (s *ListeningService) SetSearchPaused(ctx context.Context, wsID, id int64, paused bool) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE saved_searches SET paused = ? WHERE workspace_id = ? AND id = ?`, paused, wsID, id)
		if err != nil {
			return gears.Internal("pause saved search: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// DeleteSearch removes a saved search; its conversations stay.
func (s *ListeningService) DeleteSearch(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM saved_searches WHERE workspace_id = ? AND id = ?`, wsID, id)
		if err != nil {
			return gears.Internal("delete saved search: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// AccountPoll is what a poller needs to read one account's notifications.
type AccountPoll struct {
	Account     *gears.Account
	Credentials gears.Credentials
	Cursor      string
}

// PollAccount loads an active account for its inbox poll; a *Skip error
// when it is gone, needs reconnecting, or is rate-limited.
func (s *ListeningService) PollAccount(ctx context.Context, accountID int64) (*AccountPoll, error) {
	var p *AccountPoll
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var wsID, limited int64
		var sealed, cursor string
		var status gears.AccountStatus
		err := tx.queryRow(`SELECT workspace_id, credentials, inbox_cursor, status, limited_until FROM accounts WHERE id = ?`, accountID).
			Scan(&wsID, &sealed, &cursor, &status, &limited)
		if errors.Is(err, sql.ErrNoRows) {
			return &Skip{Reason: "gone"}
		}
		if err != nil {
			return gears.Internal("poll account: %w", err)
		}
		if status != gears.AccountActive {
			return &Skip{Reason: "needs_reconnect"}
		}
		if until := fromMillis(limited); until.After(tx.now()) {
			return &Skip{Reason: "rate_limited", Wait: until.Sub(tx.now())}
		}
		a, err := findAccount(tx, wsID, accountID)
		if err != nil {
			return err
		}
		c, err := s.accounts.Credentials(sealed, accountID)
		if err != nil {
			return err
		}
		p = &AccountPoll{Account: a, Credentials: c, Cursor: cursor}
		return nil
	})
	return p, err
}

// SearchPoll is what a poller needs to read one saved search: the search,
// and each active account of the workspace it searches through with its
// cursor (none for feeds, whose cursor is FeedCursor).
type SearchPoll struct {
	WorkspaceID int64
	Search      *gears.SavedSearch
	Accounts    []AccountPoll
	FeedCursor  string
}

// PollSearch loads a saved search for its poll; a *Skip error when it is
// gone or paused.
func (s *ListeningService) PollSearch(ctx context.Context, searchID int64) (*SearchPoll, error) {
	var p SearchPoll
	err := s.db.InTx(ctx, func(tx *Tx) error {
		err := tx.queryRow(`SELECT workspace_id FROM saved_searches WHERE id = ?`, searchID).Scan(&p.WorkspaceID)
		if errors.Is(err, sql.ErrNoRows) {
			return &Skip{Reason: "gone"}
		}
		if err != nil {
			return gears.Internal("poll search: %w", err)
		}
		if p.Search, err = findSearch(tx, p.WorkspaceID, searchID); err != nil {
			return err
		}
		if p.Search.Paused {
			return &Skip{Reason: "paused"}
		}
		cursors := map[int64]string{}
		type cur struct {
			account int64
			cursor  string
		}
		list, err := queryAll(tx, "search cursors", func(r scanner) (cur, error) {
			var c cur
			err := r.Scan(&c.account, &c.cursor)
			return c, err
		}, `SELECT account_id, cursor FROM search_cursors WHERE search_id = ?`, searchID)
		if err != nil {
			return err
		}
		for _, c := range list {
			cursors[c.account] = c.cursor
		}
		if p.Search.Kind == gears.SearchFeed {
			p.FeedCursor = cursors[0]
			return nil
		}
		type acc struct {
			id     int64
			sealed string
		}
		accs, err := queryAll(tx, "search accounts", func(r scanner) (acc, error) {
			var a acc
			err := r.Scan(&a.id, &a.sealed)
			return a, err
		}, `SELECT id, credentials FROM accounts WHERE workspace_id = ? AND status = ? AND limited_until < ? ORDER BY id`,
			p.WorkspaceID, gears.AccountActive, millis(tx.now()))
		if err != nil {
			return err
		}
		// One account per network is enough: a search reads the same
		// public posts through any of them.
		seen := map[gears.Network]bool{}
		for _, x := range accs {
			a, err := findAccount(tx, p.WorkspaceID, x.id)
			if err != nil {
				return err
			}
			if seen[a.Network] {
				continue
			}
			seen[a.Network] = true
			c, err := s.accounts.Credentials(x.sealed, x.id)
			if err != nil {
				return err
			}
			p.Accounts = append(p.Accounts, AccountPoll{Account: a, Credentials: c, Cursor: cursors[x.id]})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// PollFailed records why a poll failed, for people to see. refused says
// the network refused the account's credentials: the account then needs
// reconnecting, as when publishing is refused (its posts wait, and the
// workspace is told).
func (s *ListeningService) PollFailed(ctx context.Context, src Source, reason string, refused bool) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		if src.SearchID != nil {
			_, err = tx.exec(`UPDATE saved_searches SET error = ?, polled_at = ? WHERE id = ?`, reason, millis(tx.now()), *src.SearchID)
		} else if src.AccountID != nil {
			_, err = tx.exec(`UPDATE accounts SET inbox_error = ?, inbox_polled_at = ? WHERE id = ?`, reason, millis(tx.now()), *src.AccountID)
		}
		if err != nil {
			return gears.Internal("poll failed: %w", err)
		}
		if refused && src.AccountID != nil {
			if _, err := tx.exec(`UPDATE accounts SET status = ?, status_reason = ? WHERE id = ?`,
				gears.AccountNeedsReconnect, reason, *src.AccountID); err != nil {
				return gears.Internal("account needs reconnecting: %w", err)
			}
		}
		return nil
	})
}

// PollTargets lists every active account and every running saved search:
// what the periodic poll enqueues a job for.
func (s *ListeningService) PollTargets(ctx context.Context) (accounts, searches []int64, err error) {
	err = s.db.InTx(ctx, func(tx *Tx) error {
		id := func(r scanner) (int64, error) {
			var v int64
			err := r.Scan(&v)
			return v, err
		}
		var err error
		if accounts, err = queryAll(tx, "poll accounts", id, `SELECT id FROM accounts WHERE status = ? ORDER BY id`, gears.AccountActive); err != nil {
			return err
		}
		searches, err = queryAll(tx, "poll searches", id, `SELECT id FROM saved_searches WHERE paused = ? ORDER BY id`, false)
		return err
	})
	return accounts, searches, err
}
