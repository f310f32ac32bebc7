package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	"gears"
	"gears/vault"
)

// Connectors are the networks Gears can reach, by name.
type Connectors map[gears.Network]gears.Connector

// AccountService implements gears.AccountService: credentials are verified
// with the network, then sealed with the vault.
type AccountService struct {
	db         *DB
	vault      *vault.Vault
	connectors Connectors
}

var _ gears.AccountService = (*AccountService)(nil)

// NewAccountService returns the account service of db.
func NewAccountService(db *DB, v *vault.Vault, c Connectors) *AccountService {
	return &AccountService{db: db, vault: v, connectors: c}
}

func accountAD(id int64) []byte { return []byte("account:" + strconv.FormatInt(id, 10)) }

// seal encrypts credentials for the account row id.
func (s *AccountService) seal(id int64, c gears.Credentials) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", gears.Internal("seal credentials: %w", err)
	}
	return s.vault.Seal(b, accountAD(id)), nil
}

// Credentials opens the stored credentials of an account (for the
// publishing engine).
func (s *AccountService) Credentials(sealed string, id int64) (gears.Credentials, error) {
	var c gears.Credentials
	b, err := s.vault.Open(sealed, accountAD(id))
	if err != nil {
		return c, gears.Internal("account %d credentials: %w", id, err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, gears.Internal("account %d credentials: %w", id, err)
	}
	return c, nil
}

// ConnectAccount verifies credentials with the network and stores them.
// Connecting the same remote account again replaces its credentials and
// makes it active (reconnecting).
func (s *AccountService) ConnectAccount(ctx context.Context, wsID int64, ac gears.AccountConnect) (*gears.Account, error) {
	// Permission and input first, before anything reaches a network.
	err := s.db.InTx(ctx, func(tx *Tx) error {
		_, err := authorize(tx, wsID, gears.ActionManageSettings)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := ac.Validate(); err != nil {
		return nil, err
	}
	conn, ok := s.connectors[ac.Network]
	if !ok {
		return nil, gears.Invalid("network", "account.network_unknown")
	}
	remote, creds, err := conn.Verify(ctx, ac.Credentials())
	if err != nil {
		var re *gears.RemoteError
		if errors.As(err, &re) {
			return nil, &gears.Error{Code: gears.EUNPROCESSABLE, Key: "account.verify_failed", Args: []any{string(ac.Network)}, Err: err}
		}
		return nil, err
	}
	var a *gears.Account
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		var id int64
		err := tx.queryRow(`SELECT id FROM accounts WHERE workspace_id = ? AND network = ? AND remote_id = ?`, wsID, ac.Network, remote.ID).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.queryRow(`INSERT INTO accounts (workspace_id, network, server, handle, display_name, remote_id, credentials, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, '', ?, ?) RETURNING id`, wsID, ac.Network, creds.Server, remote.Handle, remote.DisplayName,
				remote.ID, gears.AccountActive, millis(tx.now())).Scan(&id)
			if err != nil {
				return gears.Internal("connect account: %w", err)
			}
		case err != nil:
			return gears.Internal("connect account: %w", err)
		}
		sealed, err := s.seal(id, creds)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE accounts SET server = ?, handle = ?, display_name = ?, credentials = ?, status = ?, status_reason = '' WHERE id = ?`,
			creds.Server, remote.Handle, remote.DisplayName, sealed, gears.AccountActive, id); err != nil {
			return gears.Internal("connect account: %w", err)
		}
		// Deliveries held while it needed reconnecting go out now.
		if err := reschedulePending(tx, `d.account_id = ?`, id); err != nil {
			return err
		}
		a, err = findAccount(tx, wsID, id)
		return err
	})
	return a, err
}

const accountColumns = `id, workspace_id, network, server, handle, display_name, remote_id, status, status_reason, created_at`

func scanAccount(row interface{ Scan(...any) error }, extra ...any) (*gears.Account, error) {
	var a gears.Account
	var created int64
	dest := append([]any{&a.ID, &a.WorkspaceID, &a.Network, &a.Server, &a.Handle, &a.DisplayName, &a.RemoteID, &a.Status, &a.StatusReason, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan account: %w", err)
	}
	a.CreatedAt = fromMillis(created)
	return &a, nil
}

func findAccount(tx *Tx, wsID, id int64) (*gears.Account, error) {
	return scanAccount(tx.queryRow(`SELECT `+accountColumns+` FROM accounts WHERE id = ? AND workspace_id = ?`, id, wsID))
}

// FindAccounts lists a workspace's accounts.
func (s *AccountService) FindAccounts(ctx context.Context, wsID int64) ([]*gears.Account, error) {
	var list []*gears.Account
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find accounts", func(row scanner) (*gears.Account, error) { return scanAccount(row) },
			`SELECT `+accountColumns+` FROM accounts WHERE workspace_id = ? ORDER BY network, handle`, wsID)
		return err
	})
	return list, err
}

// FindAccount returns one account.
func (s *AccountService) FindAccount(ctx context.Context, wsID, id int64) (*gears.Account, error) {
	var a *gears.Account
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		a, err = findAccount(tx, wsID, id)
		return err
	})
	return a, err
}

// DisconnectAccount forgets an account and its credentials; its deliveries
// that had not gone out are cancelled with it.
func (s *AccountService) DisconnectAccount(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM accounts WHERE id = ? AND workspace_id = ?`, id, wsID)
		if err != nil {
			return gears.Internal("disconnect account: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// AddExampleAccount adds an account that Gears cannot act as — for the
// demo: it shows as needing reconnecting, so its posts are held and never
// leave, until someone connects a real account in its place.
func (s *AccountService) AddExampleAccount(ctx context.Context, wsID int64, network gears.Network, handle, displayName string) (*gears.Account, error) {
	var a *gears.Account
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		var id int64
		err := tx.queryRow(`INSERT INTO accounts (workspace_id, network, server, handle, display_name, remote_id, credentials, status, status_reason, created_at)
			VALUES (?, ?, '', ?, ?, ?, '', ?, ?, ?) RETURNING id`, wsID, network, handle, displayName, "example:"+handle,
			gears.AccountNeedsReconnect, "example account: connect a real one to publish", millis(tx.now())).Scan(&id)
		if err != nil {
			return gears.Internal("example account: %w", err)
		}
		a, err = findAccount(tx, wsID, id)
		return err
	})
	return a, err
}
