package jobs

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"gears"
	"gears/queue"
	"gears/store"
)

// Metrics holds what the metrics jobs need: a periodic round finds the
// accounts with readings due (posts on the decaying schedule of
// gears.MetricsSchedule, the day's follower counts) and queues one job per
// account, which reads them through the account's connector.
type Metrics struct {
	Metrics    *store.MetricsService
	Publisher  *store.Publisher // to hold rate-limited accounts and keep refreshed credentials
	Connectors store.Connectors
	Logger     *slog.Logger
	// Every is how often the round runs (default 10 minutes): a reading
	// is at most this late.
	Every time.Duration
	// Now is the clock readings are stamped with (time.Now when nil).
	Now func() time.Time
}

func (m *Metrics) register(workers *river.Workers) {
	river.AddWorker(workers, &MetricsRoundWorker{metrics: m})
	river.AddWorker(workers, &ReadMetricsWorker{metrics: m})
}

func (m *Metrics) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Metrics) logger() *slog.Logger {
	if m.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.Logger
}

// MetricsRoundArgs asks for the metrics due to be queued.
type MetricsRoundArgs struct{}

// Kind implements river.JobArgs.
func (MetricsRoundArgs) Kind() string { return "metrics_round" }

// InsertOpts: one round waiting or running at a time.
func (MetricsRoundArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queue.QueueInbox, UniqueOpts: queue.WhileUnfinished}
}

// MetricsRoundWorker queues one ReadMetrics job per account with readings
// due. A job still waiting or backing off is not queued twice.
type MetricsRoundWorker struct {
	river.WorkerDefaults[MetricsRoundArgs]
	metrics *Metrics
}

// Work queues the jobs.
func (w *MetricsRoundWorker) Work(ctx context.Context, job *river.Job[MetricsRoundArgs]) error {
	ids, err := w.metrics.Metrics.MetricsRound(ctx)
	if err != nil {
		return err
	}
	client := river.ClientFromContext[*sql.Tx](ctx)
	params := make([]river.InsertManyParams, 0, len(ids))
	for _, id := range ids {
		params = append(params, river.InsertManyParams{Args: queue.ReadMetrics{AccountID: id}})
	}
	for start := 0; start < len(params); start += 500 {
		if _, err := client.InsertMany(ctx, params[start:min(start+500, len(params))]); err != nil {
			return err
		}
	}
	return nil
}

// ReadMetricsWorker reads one account's due metrics.
type ReadMetricsWorker struct {
	river.WorkerDefaults[queue.ReadMetrics]
	metrics *Metrics
}

// Timeout bounds one job.
func (w *ReadMetricsWorker) Timeout(*river.Job[queue.ReadMetrics]) time.Duration {
	return 2 * time.Minute
}

// NextRetry backs off like the inbox's polls.
func (w *ReadMetricsWorker) NextRetry(job *river.Job[queue.ReadMetrics]) time.Time {
	return time.Now().Add(pollBackoff(job.Attempt))
}

// Work reads the counts of the due posts (each reading stored with its
// growth in the daily roll-up), then the account's follower count of the
// day and its competitors'. A rate limit holds the account (its readings
// stay due until then); a temporary failure is retried with backoff;
// refused credentials wait for the account to be reconnected.
func (w *ReadMetricsWorker) Work(ctx context.Context, job *river.Job[queue.ReadMetrics]) error {
	m := w.metrics
	task, err := m.Metrics.MetricsWork(ctx, job.Args.AccountID)
	var skip *store.Skip
	if errors.As(err, &skip) {
		return nil
	}
	if err != nil {
		return err
	}
	conn := m.Connectors[task.Account.Network]
	reader, ok := conn.(gears.MetricsReader)
	if !ok {
		return nil
	}
	after := func() {
		afterCall(ctx, m.Publisher, m.logger(), conn, task.Account.ID, task.Credentials)
	}
	if len(task.Deliveries) > 0 {
		ids := make([]string, len(task.Deliveries))
		for i, d := range task.Deliveries {
			ids[i] = d.RemoteID
		}
		readings, rerr := reader.PostCounts(ctx, task.Credentials, ids)
		after()
		at := m.now()
		results := make([]store.PostReadingResult, 0, len(task.Deliveries))
		var unread []int64
		for _, d := range task.Deliveries {
			r, ok := readings[d.RemoteID]
			switch {
			case ok:
				results = append(results, store.PostReadingResult{DeliveryID: d.DeliveryID, ReadAt: at, Reading: r})
			case rerr == nil:
				// Answered for, but unusable: the schedule moves on.
				results = append(results, store.PostReadingResult{DeliveryID: d.DeliveryID, ReadAt: at,
					Problem: "the network's answer for this post could not be used"})
			default:
				unread = append(unread, d.DeliveryID)
			}
		}
		if err := m.Metrics.RecordPostReadings(ctx, results); err != nil {
			return err
		}
		if rerr != nil {
			return m.failed(ctx, task.Account.ID, unread, rerr)
		}
	}
	if task.Profile {
		p, err := reader.Profile(ctx, task.Credentials, "")
		after()
		if err != nil {
			return m.failed(ctx, task.Account.ID, nil, err)
		}
		if err := m.Metrics.RecordProfile(ctx, store.ProfileReading{AccountID: task.Account.ID, ReadAt: m.now(), Counts: p}); err != nil {
			return err
		}
	}
	for _, c := range task.Competitors {
		p, err := reader.Profile(ctx, task.Credentials, c.Handle)
		after()
		var re *gears.RemoteError
		if errors.As(err, &re) && re.Kind == gears.RemoteRejected {
			// An unknown handle or an unusable profile: the others are
			// read, and this one is tried again tomorrow.
			m.logger().Warn("metrics: competitor's profile not read", "competitor_id", c.ID, "err", err)
			if err := m.Metrics.CompetitorRefused(ctx, c.ID, m.now()); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return m.failed(ctx, task.Account.ID, nil, err)
		}
		if err := m.Metrics.RecordProfile(ctx, store.ProfileReading{CompetitorID: c.ID, ReadAt: m.now(), Counts: p}); err != nil {
			return err
		}
	}
	return nil
}

// failed says whether River should retry after a network's failure: a
// rate limit holds the account until it resets (the readings not made
// wait as long); temporary failures back off; refused credentials and
// refused requests wait for the next round.
func (m *Metrics) failed(ctx context.Context, accountID int64, unread []int64, err error) error {
	m.logger().Warn("metrics: reading failed", "account_id", accountID, "err", err)
	return networkFailed(ctx, m.Publisher, accountID, m.now(), err, func(until time.Time) error {
		return m.Metrics.DeferPostReadings(ctx, unread, until)
	})
}
