package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gears"
)

// Example data only. The demo (package demo) shows a workspace with weeks
// of results, but its accounts are example accounts that never publish:
// the posts it shows as published are written here as the publishing
// engine would have left them. Nothing outside the demo calls this.

// ExamplePost is a post of the example workspace shown as published on
// its example accounts at PublishedAt (in the past). Of Input, the text,
// content type, campaign, tags and accounts are used.
type ExamplePost struct {
	Input       gears.PostInput
	PublishedAt time.Time
}

// ExampleDelivery is one published delivery of an example post.
type ExampleDelivery struct {
	PostID      int64
	DeliveryID  int64
	AccountID   int64
	Network     gears.Network
	PublishedAt time.Time
}

// AddExamplePublished writes example posts as published, in one
// transaction: each post, its deliveries marked published at PublishedAt,
// and the metrics row a metrics round makes for each delivery (first due
// an hour after publication), so that readings recorded through
// MetricsService.RecordPostReadings fill the daily roll-up the real way.
// Only the workspace's example accounts (AccountService.AddExampleAccount)
// are accepted, and only times in the past: nothing is ever published.
func (s *PostService) AddExamplePublished(ctx context.Context, wsID int64, posts []ExamplePost) ([]ExampleDelivery, error) {
	var out []ExampleDelivery
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		now := tx.now()
		networks := map[int64]gears.Network{}
		for _, p := range posts {
			in := p.Input
			if err := in.Validate(); err != nil {
				return err
			}
			if len(in.AccountIDs) == 0 {
				return gears.Invalid("account_ids", "post.account_unknown", 0)
			}
			if !p.PublishedAt.Before(now) {
				return gears.Internal("example post: published at %s is not in the past", p.PublishedAt)
			}
			for _, id := range in.AccountIDs {
				if _, ok := networks[id]; ok {
					continue
				}
				var network gears.Network
				var remote string
				var status gears.AccountStatus
				err := tx.queryRow(`SELECT network, remote_id, status FROM accounts WHERE id = ? AND workspace_id = ?`, id, wsID).
					Scan(&network, &remote, &status)
				if errors.Is(err, sql.ErrNoRows) {
					return gears.Invalid("account_ids", "post.account_unknown", id)
				}
				if err != nil {
					return gears.Internal("example post: account: %w", err)
				}
				if !strings.HasPrefix(remote, "example:") || status == gears.AccountActive {
					return gears.Internal("example post: account %d is not an example account", id)
				}
				networks[id] = network
			}
			at := millis(p.PublishedAt.UTC().Truncate(time.Millisecond))
			var postID int64
			if err := tx.queryRow(`INSERT INTO posts (workspace_id, author_id, text, content_type, campaign, tags, scheduled_at, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, gears.UserIDFromContext(tx.ctx), in.Text, in.ContentType, in.Campaign,
				strings.Join(in.Tags, "\n"), at, gears.PostPublished, at, at).Scan(&postID); err != nil {
				return gears.Internal("example post: %w", err)
			}
			for _, id := range in.AccountIDs {
				var d int64
				if err := tx.queryRow(`INSERT INTO deliveries (post_id, account_id, status, idem_key, remote_id, attempts, attempted_at, published_at)
					VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, postID, id, gears.DeliveryPublished, gears.NewKey(),
					"example:"+gears.NewKey(), at, at).Scan(&d); err != nil {
					return gears.Internal("example delivery: %w", err)
				}
				if _, err := tx.exec(`INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, next_read_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, d, wsID, postID, id, networks[id], at, at+gears.MetricsSchedule[0].Milliseconds()); err != nil {
					return gears.Internal("example metrics row: %w", err)
				}
				out = append(out, ExampleDelivery{PostID: postID, DeliveryID: d, AccountID: id, Network: networks[id], PublishedAt: fromMillis(at)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
