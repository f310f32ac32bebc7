// Package jobs runs Gears' background work as River jobs, on SQLite and on
// PostgreSQL alike. Each kind of job is an XxxArgs with Kind() beside an
// XxxWorker; jobs are inserted in the transaction of the rows they serve
// (store.Tx.Enqueue), never outside it.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"gears/queue"
	"gears/store"
)

// Client is the River client of Gears: on both databases, jobs are
// inserted with a *sql.Tx.
type Client = river.Client[*sql.Tx]

// Config configures the job client.
type Config struct {
	DB     *store.DB
	Logger *slog.Logger
	// MaxWorkers is how many jobs run at once in this process (default 50).
	MaxWorkers int
	// PollInterval is how often an idle process looks for due jobs; SQLite
	// has no notifications, so this bounds how late a job can start there.
	PollInterval time.Duration
	// Register adds the workers of later features; nil adds none.
	Register func(w *river.Workers)
	// NoPeriodic leaves out periodic jobs (for tests that count jobs).
	NoPeriodic bool
	// Publish works publishing jobs when set.
	Publish *PublishWorker
	// PublishWorkers is how many deliveries are published at once (default 100).
	PublishWorkers int
	// RescueAfter is how long a job may stay running before it is taken
	// as lost with its process and run again (default 4 minutes). Attempts
	// are bounded below it.
	RescueAfter time.Duration
	// Inbox works the listening jobs when set: polls of accounts and saved
	// searches.
	Inbox *Inbox
	// Crisis works crisis mode's jobs when set: the spike detector and
	// the alerts.
	Crisis *Crisis
	// Metrics works metrics collection's jobs when set: the counts of
	// published posts and the daily follower counts.
	Metrics *Metrics
	// Reports works scheduled reports when set: the round that finds
	// schedules due and the sends.
	Reports *Reports
}

// New returns a job client; Start it to work jobs. It also becomes the
// database's job inserter.
func New(cfg Config) (*Client, error) {
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 50
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = 4 * time.Minute
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &CleanupWorker{db: cfg.DB})
	if cfg.Register != nil {
		cfg.Register(workers)
	}
	queues := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}}
	if cfg.Inbox != nil {
		cfg.Inbox.register(workers)
		if cfg.Inbox.Every <= 0 {
			cfg.Inbox.Every = time.Minute
		}
	}
	if cfg.Crisis != nil {
		cfg.Crisis.register(workers)
	}
	if cfg.Metrics != nil {
		cfg.Metrics.register(workers)
		if cfg.Metrics.Every <= 0 {
			cfg.Metrics.Every = 10 * time.Minute
		}
	}
	if cfg.Reports != nil {
		cfg.Reports.register(workers)
		if cfg.Reports.Every <= 0 {
			cfg.Reports.Every = 5 * time.Minute
		}
	}
	if cfg.Inbox != nil || cfg.Crisis != nil || cfg.Metrics != nil {
		queues[queue.QueueInbox] = river.QueueConfig{MaxWorkers: 20}
	}
	if cfg.Publish != nil {
		if cfg.Publish.Logger == nil {
			cfg.Publish.Logger = slog.New(slog.DiscardHandler)
		}
		cfg.Publish.attemptTimeout = min(2*time.Minute, cfg.RescueAfter*3/4)
		river.AddWorker(workers, cfg.Publish)
		if cfg.PublishWorkers <= 0 {
			cfg.PublishWorkers = 100
		}
		// A post goes out at most this late after its time: the queue looks
		// for due jobs this often (a scheduled job becomes fetchable at its
		// time, not before).
		queues[queue.QueuePublish] = river.QueueConfig{MaxWorkers: cfg.PublishWorkers,
			FetchPollInterval: min(cfg.PollInterval, 200*time.Millisecond), FetchCooldown: 20 * time.Millisecond}
	}
	rc := &river.Config{
		Logger: cfg.Logger,
		Queues: queues,
		// A job whose process died is run again after this; publishing
		// jobs reconcile before they publish again.
		JobTimeout:           cfg.RescueAfter * 3 / 4,
		RescueStuckJobsAfter: cfg.RescueAfter,
		Workers:              workers,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(100*time.Millisecond, cfg.PollInterval),
	}
	if !cfg.NoPeriodic {
		rc.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return CleanupArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true}),
		}
		if cfg.Inbox != nil {
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.Inbox.Every),
				func() (river.JobArgs, *river.InsertOpts) { return PollRoundArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
		}
		if cfg.Crisis != nil {
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return DetectArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
		}
		if cfg.Metrics != nil {
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.Metrics.Every),
				func() (river.JobArgs, *river.InsertOpts) { return MetricsRoundArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
		}
	}
	if !cfg.NoPeriodic && cfg.Reports != nil {
		rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.Reports.Every),
			func() (river.JobArgs, *river.InsertOpts) { return queue.ReportRound{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	c, err := river.NewClient(cfg.DB.RiverDriver(), rc)
	if err != nil {
		return nil, fmt.Errorf("job client: %w", err)
	}
	cfg.DB.Jobs = c
	return c, nil
}

// CleanupArgs asks for expired sessions and invitations to be deleted.
type CleanupArgs struct{}

// Kind implements river.JobArgs.
func (CleanupArgs) Kind() string { return "cleanup" }

// InsertOpts makes cleanup unique: one waiting at a time is enough.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// CleanupWorker works CleanupArgs.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	db *store.DB
}

// Work deletes what has expired.
func (w *CleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	_, err := w.db.DeleteExpired(ctx)
	return err
}
