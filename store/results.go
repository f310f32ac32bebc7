package store

import (
	"fmt"
	"sync"
	"time"
)

// The daily roll-up of results (table daily_metrics) is what reports read
// instead of the raw rows: every write of a result (new counts of a post,
// clicks, conversions) adds its growth to the roll-up in the same
// transaction, through addDaily. Days are the workspace's local dates.

// epochDay returns the local date of t in loc as days since 1970-01-01.
func epochDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// zones caches time zones by name: time.LoadLocation reads a file on each
// call, and results are written per reading, per click flush, per report.
var zones sync.Map // name → *time.Location

// zone returns the time zone named, or UTC for a name that is not one
// (a workspace's zone is validated when it is set).
func zone(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// dayDate returns the date of an epoch day, at midnight UTC.
func dayDate(day int64) time.Time { return time.Unix(day*86400, 0).UTC() }

// dailyKey is one row of the roll-up: a workspace's day, for one network,
// account and campaign ("", 0 and "" where the result has none).
type dailyKey struct {
	Workspace int64
	Day       int64
	Network   string
	Account   int64
	Campaign  string
}

// dailyDelta is what one write adds to a row of the roll-up. Counts may be
// negative (a post unliked since the last reading).
type dailyDelta struct {
	Replies, Reposts, Likes, Quotes int64
	Clicks                          int64
	Conversions                     int64
	ConversionValueCents            int64
	UnvaluedConversions             int64
}

// dailyAddOnConflict ends an INSERT into daily_metrics: a row that exists
// gets the new counts added to its own.
const dailyAddOnConflict = `ON CONFLICT (workspace_id, day, network, account_id, campaign) DO UPDATE SET
		replies = daily_metrics.replies + excluded.replies,
		reposts = daily_metrics.reposts + excluded.reposts,
		likes = daily_metrics.likes + excluded.likes,
		quotes = daily_metrics.quotes + excluded.quotes,
		clicks = daily_metrics.clicks + excluded.clicks,
		conversions = daily_metrics.conversions + excluded.conversions,
		conversion_value_cents = daily_metrics.conversion_value_cents + excluded.conversion_value_cents,
		unvalued_conversions = daily_metrics.unvalued_conversions + excluded.unvalued_conversions`

// addDaily adds d to the roll-up row of k, creating it. Call it in the
// transaction of the rows it sums.
func (tx *Tx) addDaily(k dailyKey, d dailyDelta) error {
	if d == (dailyDelta{}) {
		return nil
	}
	stmt, err := tx.statement(`INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign,
		replies, reposts, likes, quotes, clicks, conversions, conversion_value_cents, unvalued_conversions)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ` + dailyAddOnConflict)
	if err != nil {
		return err
	}
	if _, err := stmt.ExecContext(tx.ctx, k.Workspace, k.Day, k.Network, k.Account, k.Campaign,
		d.Replies, d.Reposts, d.Likes, d.Quotes, d.Clicks, d.Conversions, d.ConversionValueCents, d.UnvaluedConversions); err != nil {
		return fmt.Errorf("daily metrics: %w", err)
	}
	return nil
}
