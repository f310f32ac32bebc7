package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gears"
	"gears/store"
)

// What the workers that call a network on an account's behalf (the
// inbox's polls, the metrics' readings) do after each call, one way.

// afterCall keeps credentials the connector refreshed, and holds the
// account when the network says its rate limit is spent.
func afterCall(ctx context.Context, pub *store.Publisher, log *slog.Logger, conn gears.Connector, accountID int64, c gears.Credentials) {
	if refresher, ok := conn.(interface {
		Refreshed(gears.Credentials) (gears.Credentials, bool)
	}); ok {
		if nc, changed := refresher.Refreshed(c); changed {
			if err := pub.SaveCredentials(ctx, accountID, nc); err != nil {
				log.Warn("could not store refreshed credentials", "account_id", accountID, "err", err)
			}
		}
	}
	if q, ok := conn.(gears.QuotaReporter); ok {
		if remaining, reset, ok := q.Quota(c); ok && remaining <= 0 && reset.After(time.Now()) {
			if err := pub.HoldAccount(ctx, accountID, reset); err != nil {
				log.Warn("could not hold the account", "account_id", accountID, "err", err)
			}
		}
	}
}

// networkFailed says whether River should retry after a network's failure
// err. A rate limit holds the account (none when accountID is 0) until it
// resets, at least a minute after now, then runs held (when not nil) with
// that time; temporary and unknown failures, and errors that are not a
// network's, are retried; refused credentials and refused requests wait
// for the next round.
func networkFailed(ctx context.Context, pub *store.Publisher, accountID int64, now time.Time, err error, held func(until time.Time) error) error {
	var re *gears.RemoteError
	if !errors.As(err, &re) {
		return err
	}
	switch re.Kind {
	case gears.RemoteRateLimited:
		until := now.Add(max(re.RetryAfter, time.Minute))
		if accountID != 0 {
			if herr := pub.HoldAccount(ctx, accountID, until); herr != nil {
				return herr
			}
		}
		if held != nil {
			return held(until)
		}
		return nil
	case gears.RemoteTemporary, gears.RemoteUnknown:
		return err
	default:
		return nil
	}
}
