package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"gears"
	"gears/queue"
	"gears/store"
)

// PublishWorker publishes one delivery, exactly once: the delivery is
// claimed in the database before the network is called and settled after;
// a delivery found mid-attempt (a crash, a timeout) is first looked for on
// the network, and published only if it is not there. The network never
// sees two posts for one delivery because the key sent with every attempt
// is the same (Mastodon's Idempotency-Key, Bluesky's record key).
type PublishWorker struct {
	river.WorkerDefaults[queue.Publish]
	Publisher  *store.Publisher
	Connectors store.Connectors
	Logger     *slog.Logger
	// Backoff is the wait before retry n (n ≥ 1); nil: 10 s doubling to 10 min.
	Backoff func(n int) time.Duration

	attemptTimeout time.Duration // set by New from Config.RescueAfter
}

// Timeout bounds one attempt, uploads included: below the time after
// which a running job is taken as lost.
func (w *PublishWorker) Timeout(*river.Job[queue.Publish]) time.Duration {
	if w.attemptTimeout > 0 {
		return w.attemptTimeout
	}
	return 2 * time.Minute
}

// NextRetry backs off by Backoff.
func (w *PublishWorker) NextRetry(job *river.Job[queue.Publish]) time.Time {
	if w.Backoff != nil {
		return time.Now().Add(w.Backoff(job.Attempt))
	}
	return time.Now().Add(min(5*time.Second<<min(job.Attempt, 7), 10*time.Minute))
}

// Work makes one attempt.
func (w *PublishWorker) Work(ctx context.Context, job *river.Job[queue.Publish]) error {
	att, err := w.Publisher.Begin(ctx, job.Args.DeliveryID, job.Args.Version, job.Args.Urgent)
	var skip *store.Skip
	if errors.As(err, &skip) {
		if skip.Wait > 0 {
			return river.JobSnooze(skip.Wait)
		}
		return nil // stale, done, paused or held: nothing to do
	}
	if err != nil {
		return err
	}
	log := w.Logger.With("delivery_id", att.DeliveryID, "post_id", att.PostID, "account_id", att.Account.ID, "attempt", att.Attempt)
	conn := w.Connectors[att.Account.Network]
	if conn == nil {
		return w.Publisher.Fail(ctx, att, store.Final, "no connector for "+string(att.Account.Network), 0)
	}
	if att.Reconcile {
		pub, err := conn.FindPublished(ctx, att.Credentials, att.Post, att.Since.Add(-time.Minute))
		switch {
		case err == nil:
			log.Info("reconciled: the post was already published", "remote_id", pub.RemoteID)
			return w.Publisher.Succeed(ctx, att, pub)
		case gears.ErrorCode(err) == gears.ENOTFOUND:
			// Not there: publishing again is safe.
		default:
			return w.failed(ctx, log, att, job, err, store.Unknown)
		}
	}
	pub, err := conn.Publish(ctx, att.Credentials, att.Post)
	if err != nil {
		return w.failed(ctx, log, att, job, err, store.RetryLater)
	}
	if refresher, ok := conn.(interface {
		Refreshed(gears.Credentials) (gears.Credentials, bool)
	}); ok {
		if c, changed := refresher.Refreshed(att.Credentials); changed {
			if err := w.Publisher.SaveCredentials(ctx, att.Account.ID, c); err != nil {
				log.Warn("could not store refreshed credentials", "err", err)
			}
		}
	}
	log.Info("published", "remote_id", pub.RemoteID)
	// The hold comes first: once the post shows as published, a post
	// written next must already find the account held.
	w.respectQuota(ctx, log, conn, att)
	return w.Publisher.Succeed(ctx, att, pub)
}

// respectQuota holds the account's other deliveries when the network says
// its rate limit is spent, until the limit resets: better to wait than to
// be refused.
func (w *PublishWorker) respectQuota(ctx context.Context, log *slog.Logger, conn gears.Connector, att *store.Attempt) {
	q, ok := conn.(gears.QuotaReporter)
	if !ok {
		return
	}
	remaining, reset, ok := q.Quota(att.Credentials)
	if !ok || remaining > 0 || !reset.After(time.Now()) {
		return
	}
	log.Info("rate limit spent: holding the account's deliveries", "until", reset)
	if err := w.Publisher.HoldAccount(ctx, att.Account.ID, reset); err != nil {
		log.Warn("could not hold the account", "err", err)
	}
}

// failed records a failed attempt by the kind of failure and tells River
// whether to retry. unclassified is the outcome of errors that are not a
// *gears.RemoteError.
func (w *PublishWorker) failed(ctx context.Context, log *slog.Logger, att *store.Attempt, job *river.Job[queue.Publish], err error, unclassified store.Outcome) error {
	var re *gears.RemoteError
	outcome, retryAfter, reason := unclassified, time.Duration(0), err.Error()
	if errors.As(err, &re) {
		reason = re.Error()
		switch re.Kind {
		case gears.RemoteTemporary:
			outcome = store.RetryLater
		case gears.RemoteRateLimited:
			outcome, retryAfter = store.RetryLater, max(re.RetryAfter, time.Second)
		case gears.RemoteAuth:
			outcome = store.Reconnect
		case gears.RemoteRejected:
			outcome = store.Final
		case gears.RemoteUnknown:
			outcome = store.Unknown
		}
	}
	last := job.Attempt >= job.MaxAttempts
	if last && outcome == store.RetryLater {
		outcome = store.Final
		reason = "gave up after " + strconv.Itoa(job.Attempt) + " attempts: " + reason
	}
	log.Warn("publish attempt failed", "outcome", outcome, "err", err)
	if ferr := w.Publisher.Fail(ctx, att, outcome, reason, retryAfter); ferr != nil {
		return ferr
	}
	switch {
	case outcome == store.Final || outcome == store.Reconnect:
		return nil // settled: the delivery failed, or waits for reconnection
	case retryAfter > 0:
		return river.JobSnooze(retryAfter)
	default:
		return err // River retries with NextRetry's backoff
	}
}
