package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"gears"
)

// Publisher is the storage side of the publishing engine: it claims a
// delivery for an attempt, and records what the network said. Every state
// change is committed before and after the network is called, so a crash
// at any point leaves a delivery whose state says what to do next.
type Publisher struct {
	db       *DB
	accounts *AccountService
}

// NewPublisher returns the publisher of db.
func NewPublisher(db *DB, accounts *AccountService) *Publisher {
	return &Publisher{db: db, accounts: accounts}
}

// Attempt is one try at publishing one delivery.
type Attempt struct {
	DeliveryID  int64
	PostID      int64
	WorkspaceID int64
	Account     *gears.Account
	Credentials gears.Credentials
	Post        gears.OutgoingPost
	// Reconcile says a previous attempt's outcome is unknown: look for the
	// post on the network before publishing again.
	Reconcile bool
	// Since is when the first attempt began: reconciliation looks no
	// further back.
	Since   time.Time
	Attempt int
}

// Skip explains why an attempt is not made now. It is not a failure.
type Skip struct {
	Reason string        // for logs: "stale", "paused", "needs_reconnect", "done"…
	Wait   time.Duration // > 0: try again after this (not due yet, rate-limited)
}

func (s *Skip) Error() string { return "publish skipped: " + s.Reason }

// Begin claims a delivery for an attempt. It returns a *Skip error when
// the job is stale (the post changed, was deleted or cancelled), when the
// workspace is paused, the account needs reconnecting or is rate-limited,
// or when the delivery is not due yet.
func (p *Publisher) Begin(ctx context.Context, deliveryID, version int64, urgent bool) (*Attempt, error) {
	var att *Attempt
	var mediaIDs []int64
	err := p.db.InTx(ctx, func(tx *Tx) error {
		var (
			a                       Attempt
			curVersion              int64
			status                  gears.DeliveryStatus
			variant                 sql.NullString
			text, media, sealed     string
			replyTo                 string
			scheduled, attempted    sql.NullInt64
			deleted, paused         bool
			accountID, limitedUntil int64
			accStatus               gears.AccountStatus
			key                     string
		)
		err := tx.queryRow(`SELECT d.version, d.status, d.variant, d.idem_key, d.attempts, d.attempted_at, d.account_id,
				p.id, p.workspace_id, p.text, p.media_ids, p.scheduled_at, p.deleted, w.publishing_paused, p.reply_to,
				a.status, a.limited_until, a.credentials
			FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN workspaces w ON w.id = p.workspace_id
			JOIN accounts a ON a.id = d.account_id WHERE d.id = ?`, deliveryID).Scan(
			&curVersion, &status, &variant, &key, &a.Attempt, &attempted, &accountID,
			&a.PostID, &a.WorkspaceID, &text, &media, &scheduled, &deleted, &paused, &replyTo,
			&accStatus, &limitedUntil, &sealed)
		if errors.Is(err, sql.ErrNoRows) {
			return &Skip{Reason: "gone"}
		}
		if err != nil {
			return gears.Internal("begin delivery %d: %w", deliveryID, err)
		}
		now := tx.now()
		switch {
		case curVersion != version:
			return &Skip{Reason: "stale"}
		case deleted || status.Done() || status == gears.DeliveryPending:
			return &Skip{Reason: "done"}
		case paused && !urgent:
			return &Skip{Reason: "paused"}
		case accStatus != gears.AccountActive:
			return &Skip{Reason: "needs_reconnect"}
		case !scheduled.Valid:
			return &Skip{Reason: "unscheduled"}
		}
		if due := fromMillis(scheduled.Int64); due.After(now) {
			return &Skip{Reason: "not_due", Wait: due.Sub(now)}
		}
		if until := fromMillis(limitedUntil); until.After(now) {
			return &Skip{Reason: "rate_limited", Wait: until.Sub(now)}
		}
		a.Reconcile = status == gears.DeliveryPublishing || status == gears.DeliveryUnknown
		a.Since = now
		if attempted.Valid {
			a.Since = fromMillis(attempted.Int64)
		}
		a.Attempt++
		if _, err := tx.exec(`UPDATE deliveries SET status = ?, attempts = ?, attempted_at = COALESCE(attempted_at, ?) WHERE id = ?`,
			gears.DeliveryPublishing, a.Attempt, millis(now), deliveryID); err != nil {
			return gears.Internal("claim delivery: %w", err)
		}
		if err := setStatus(tx, a.PostID, gears.PostPublishing); err != nil {
			return err
		}
		if a.Account, err = findAccount(tx, a.WorkspaceID, accountID); err != nil {
			return err
		}
		if a.Credentials, err = p.accounts.Credentials(sealed, accountID); err != nil {
			return err
		}
		a.DeliveryID = deliveryID
		a.Post = gears.OutgoingPost{Text: text, Key: key}
		if replyTo != "" {
			a.Post.Reply = new(gears.ReplyTo)
			if err := json.Unmarshal([]byte(replyTo), a.Post.Reply); err != nil {
				return gears.Internal("delivery %d: reply_to: %w", deliveryID, err)
			}
		}
		if variant.Valid && strings.TrimSpace(variant.String) != "" {
			a.Post.Text = variant.String
		}
		mediaIDs = splitIDs(media)
		att = &a
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range mediaIDs {
		m, err := p.media(ctx, id)
		if err != nil {
			return nil, err
		}
		att.Post.Media = append(att.Post.Media, m)
	}
	return att, nil
}

func (p *Publisher) media(ctx context.Context, id int64) (gears.OutgoingMedia, error) {
	var m gears.OutgoingMedia
	err := p.db.db.QueryRowContext(ctx, p.db.rebind(`SELECT content_type, alt, data FROM media WHERE id = ?`), id).Scan(&m.ContentType, &m.Alt, &m.Data)
	if err != nil {
		return m, gears.Internal("load media %d: %w", id, err)
	}
	return m, nil
}

// Succeed records that the delivery is on the network.
func (p *Publisher) Succeed(ctx context.Context, a *Attempt, pub gears.Published) error {
	return p.db.InTx(ctx, func(tx *Tx) error {
		at := pub.CreatedAt
		if at.IsZero() {
			at = tx.now()
		}
		if _, err := tx.exec(`UPDATE deliveries SET status = ?, remote_id = ?, remote_url = ?, error = '', published_at = ? WHERE id = ?`,
			gears.DeliveryPublished, pub.RemoteID, pub.URL, millis(at), a.DeliveryID); err != nil {
			return gears.Internal("delivery published: %w", err)
		}
		// An answer sent from the inbox takes its remote ID, so that
		// replies to it join its conversation.
		if _, err := tx.exec(`UPDATE messages SET remote_id = ?, url = ? WHERE delivery_id = ?`, pub.RemoteID, pub.URL, a.DeliveryID); err != nil {
			return gears.Internal("answer published: %w", err)
		}
		return settlePost(tx, a.PostID)
	})
}

// Outcome is what a failed attempt means for the delivery.
type Outcome int

// Outcomes of a failed attempt.
const (
	RetryLater Outcome = iota // known not published; try again
	Unknown                   // may be published; reconcile before trying again
	Final                     // refused for good: the delivery failed
	Reconnect                 // the account's credentials were refused
)

// Fail records a failed attempt: why (safe to show: the network's words
// are shortened, and rendered as text), and what it means.
func (p *Publisher) Fail(ctx context.Context, a *Attempt, outcome Outcome, reason string, retryAfter time.Duration) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	return p.db.InTx(ctx, func(tx *Tx) error {
		status := map[Outcome]gears.DeliveryStatus{
			RetryLater: gears.DeliveryScheduled,
			Unknown:    gears.DeliveryUnknown,
			Final:      gears.DeliveryFailed,
			Reconnect:  gears.DeliveryScheduled,
		}[outcome]
		if _, err := tx.exec(`UPDATE deliveries SET status = ?, error = ? WHERE id = ?`, status, reason, a.DeliveryID); err != nil {
			return gears.Internal("delivery failed: %w", err)
		}
		if outcome == Reconnect {
			if _, err := tx.exec(`UPDATE accounts SET status = ?, status_reason = ? WHERE id = ?`,
				gears.AccountNeedsReconnect, reason, a.Account.ID); err != nil {
				return gears.Internal("account needs reconnecting: %w", err)
			}
		}
		if retryAfter > 0 {
			if _, err := tx.exec(`UPDATE accounts SET limited_until = ? WHERE id = ?`, millis(tx.now().Add(retryAfter)), a.Account.ID); err != nil {
				return gears.Internal("rate limit: %w", err)
			}
		}
		return settlePost(tx, a.PostID)
	})
}

// HoldAccount keeps every delivery of an account waiting until a time:
// its rate limit is spent and resets then.
func (p *Publisher) HoldAccount(ctx context.Context, accountID int64, until time.Time) error {
	return p.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE accounts SET limited_until = ? WHERE id = ? AND limited_until < ?`,
			millis(until), accountID, millis(until)); err != nil {
			return gears.Internal("hold account: %w", err)
		}
		return nil
	})
}

// SaveCredentials stores credentials a connector refreshed.
func (p *Publisher) SaveCredentials(ctx context.Context, accountID int64, c gears.Credentials) error {
	sealed, err := p.accounts.seal(accountID, c)
	if err != nil {
		return err
	}
	return p.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE accounts SET credentials = ? WHERE id = ?`, sealed, accountID); err != nil {
			return gears.Internal("save credentials: %w", err)
		}
		return nil
	})
}

// settlePost sets a post's status from its deliveries once it has left
// review: publishing while any is in flight, unknown while any is unknown,
// then failed if any failed, published when all went out.
func settlePost(tx *Tx, postID int64) error {
	rows, err := tx.query(`SELECT status FROM deliveries WHERE post_id = ?`, postID)
	if err != nil {
		return gears.Internal("settle post: %w", err)
	}
	count := map[gears.DeliveryStatus]int{}
	total := 0
	for rows.Next() {
		var st gears.DeliveryStatus
		if err := rows.Scan(&st); err != nil {
			rows.Close()
			return gears.Internal("settle post: %w", err)
		}
		count[st]++
		total++
	}
	rows.Close()
	var st gears.PostStatus
	switch {
	case count[gears.DeliveryPublishing] > 0:
		st = gears.PostPublishing
	case count[gears.DeliveryUnknown] > 0:
		st = gears.PostUnknown
	case count[gears.DeliveryScheduled] > 0 || count[gears.DeliveryPending] > 0:
		st = gears.PostScheduled
	case count[gears.DeliveryFailed] > 0:
		st = gears.PostFailed
	case count[gears.DeliveryPublished] > 0 && count[gears.DeliveryPublished]+count[gears.DeliveryCancelled] == total:
		st = gears.PostPublished
	default:
		return nil
	}
	return setStatus(tx, postID, st)
}

// StaleDeliveries returns the deliveries left "publishing" for longer than
// age — their process died mid-attempt — so a sweeper can give each a new
// job that reconciles first.
func (p *Publisher) StaleDeliveries(ctx context.Context, age time.Duration) ([]int64, error) {
	var ids []int64
	err := p.db.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT d.id FROM deliveries d WHERE d.status IN ('publishing', 'unknown') AND d.attempted_at < ?`,
			millis(tx.now().Add(-age)))
		if err != nil {
			return gears.Internal("stale deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return gears.Internal("stale deliveries: %w", err)
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

// Requeue gives deliveries new jobs (after a sweep), in one transaction.
func (p *Publisher) Requeue(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return p.db.InTx(ctx, func(tx *Tx) error {
		return reschedulePending(tx, `d.id IN (`+strings.Join(parts, ",")+`) AND 1 = ?`, 1)
	})
}
