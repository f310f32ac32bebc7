package gears

import (
	"context"
	"strings"
	"time"
)

// AccountStatus says whether Gears can act as a connected account.
type AccountStatus string

// Account statuses.
const (
	AccountActive         AccountStatus = "active"
	AccountNeedsReconnect AccountStatus = "needs_reconnect" // the network refused its credentials
)

// Account is a social network account connected to a workspace.
type Account struct {
	ID           int64         `json:"id"`
	WorkspaceID  int64         `json:"workspace_id"`
	Network      Network       `json:"network"`
	Server       string        `json:"server"`
	Handle       string        `json:"handle"`
	DisplayName  string        `json:"display_name"`
	RemoteID     string        `json:"remote_id"`
	Status       AccountStatus `json:"status"`
	StatusReason string        `json:"status_reason,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
}

// AccountConnect is what it takes to connect an account: a Bluesky handle
// and app password, or a Mastodon access token.
type AccountConnect struct {
	Network     Network `json:"network"`
	Server      string  `json:"server"`
	Handle      string  `json:"handle"`
	AppPassword string  `json:"app_password"`
	AccessToken string  `json:"access_token"`
}

// Validate checks that the fields the network needs are there.
func (a *AccountConnect) Validate() error {
	a.Server = strings.TrimSpace(a.Server)
	a.Handle = strings.TrimPrefix(strings.TrimSpace(a.Handle), "@")
	switch a.Network {
	case Bluesky:
		if a.Server == "" {
			a.Server = "https://bsky.social"
		}
		if a.Handle == "" {
			return Invalid("handle", "account.handle_required")
		}
		if strings.TrimSpace(a.AppPassword) == "" {
			return Invalid("app_password", "account.app_password_required")
		}
	case Mastodon:
		if a.Server == "" {
			return Invalid("server", "account.server_required")
		}
		if strings.TrimSpace(a.AccessToken) == "" {
			return Invalid("access_token", "account.token_required")
		}
	default:
		return Invalid("network", "account.network_unknown")
	}
	if len(a.Server) > 300 || len(a.Handle) > 300 || len(a.AppPassword) > 300 || len(a.AccessToken) > 4096 {
		return Invalid("server", "account.too_long")
	}
	return nil
}

// Credentials returns the credentials to verify.
func (a *AccountConnect) Credentials() Credentials {
	return Credentials{Server: a.Server, Handle: a.Handle, AppPassword: strings.TrimSpace(a.AppPassword), AccessToken: strings.TrimSpace(a.AccessToken)}
}

// AccountService connects and disconnects social accounts.
type AccountService interface {
	// ConnectAccount verifies the credentials with the network and stores
	// them encrypted; EUNPROCESSABLE when the network refuses them.
	ConnectAccount(ctx context.Context, wsID int64, a AccountConnect) (*Account, error)
	FindAccounts(ctx context.Context, wsID int64) ([]*Account, error)
	FindAccount(ctx context.Context, wsID, id int64) (*Account, error)
	DisconnectAccount(ctx context.Context, wsID, id int64) error
}
