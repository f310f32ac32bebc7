package jobs

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"gears"
	"gears/feeds"
	"gears/queue"
	"gears/store"
)

// Inbox holds what the listening jobs need: the stores, the connectors,
// and how often to poll.
type Inbox struct {
	Listening  *store.ListeningService
	Inbox      *store.InboxService
	Publisher  *store.Publisher // to hold rate-limited accounts and keep refreshed credentials
	Connectors store.Connectors
	Feeds      *feeds.Reader
	Logger     *slog.Logger
	// Every is how often each account and saved search is read (default
	// one minute).
	Every time.Duration
}

func (in *Inbox) register(workers *river.Workers) {
	river.AddWorker(workers, &PollRoundWorker{inbox: in})
	river.AddWorker(workers, &PollAccountWorker{inbox: in})
	river.AddWorker(workers, &PollSearchWorker{inbox: in})
}

// PollRoundArgs asks for a poll of every account and saved search.
type PollRoundArgs struct{}

// Kind implements river.JobArgs.
func (PollRoundArgs) Kind() string { return "poll_round" }

// InsertOpts: one round waiting or running at a time.
func (PollRoundArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queue.QueueInbox, UniqueOpts: queue.WhileUnfinished}
}

// PollRoundWorker enqueues one poll per account and saved search. A poll
// still waiting or backing off from a failure is not enqueued twice (the
// poll jobs are unique while unfinished).
type PollRoundWorker struct {
	river.WorkerDefaults[PollRoundArgs]
	inbox *Inbox
}

// Work enqueues the polls.
func (w *PollRoundWorker) Work(ctx context.Context, job *river.Job[PollRoundArgs]) error {
	accounts, searches, err := w.inbox.Listening.PollTargets(ctx)
	if err != nil {
		return err
	}
	client := river.ClientFromContext[*sql.Tx](ctx)
	var params []river.InsertManyParams
	for _, id := range accounts {
		params = append(params, river.InsertManyParams{Args: queue.PollAccount{AccountID: id}})
	}
	for _, id := range searches {
		params = append(params, river.InsertManyParams{Args: queue.PollSearch{SearchID: id}})
	}
	for start := 0; start < len(params); start += 500 {
		if _, err := client.InsertMany(ctx, params[start:min(start+500, len(params))]); err != nil {
			return err
		}
	}
	return nil
}

// PollAccountWorker reads one account's notifications into the inbox.
// Messages and the new cursor are stored together, so a poll that fails
// half-way is read again whole, and nothing is doubled.
type PollAccountWorker struct {
	river.WorkerDefaults[queue.PollAccount]
	inbox *Inbox
}

// Timeout bounds one poll.
func (w *PollAccountWorker) Timeout(*river.Job[queue.PollAccount]) time.Duration { return time.Minute }

// NextRetry backs off: 30 s, 1, 2, 4 min.
func (w *PollAccountWorker) NextRetry(job *river.Job[queue.PollAccount]) time.Time {
	return time.Now().Add(pollBackoff(job.Attempt))
}

func pollBackoff(attempt int) time.Duration {
	return min(15*time.Second<<min(attempt, 6), 10*time.Minute)
}

// Work polls.
func (w *PollAccountWorker) Work(ctx context.Context, job *river.Job[queue.PollAccount]) error {
	p, err := w.inbox.Listening.PollAccount(ctx, job.Args.AccountID)
	var skip *store.Skip
	if errors.As(err, &skip) {
		return nil
	}
	if err != nil {
		return err
	}
	conn, ok := w.inbox.Connectors[p.Account.Network].(gears.Listener)
	if !ok {
		return nil
	}
	src := store.Source{WorkspaceID: p.Account.WorkspaceID, Network: p.Account.Network, AccountID: &p.Account.ID}
	page, err := conn.Notifications(ctx, p.Credentials, p.Cursor)
	afterCall(ctx, w.inbox.Publisher, w.inbox.logger(), w.inbox.Connectors[p.Account.Network], p.Account.ID, p.Credentials)
	if err != nil {
		return w.inbox.failed(ctx, src, p.Account.ID, err)
	}
	res, err := w.inbox.Inbox.Ingest(ctx, src, page.Messages, &page.Cursor)
	if err != nil {
		return err
	}
	if res.New > 0 {
		w.inbox.logger().Info("inbox: new messages", "account_id", p.Account.ID, "new", res.New, "duplicates", res.Duplicates)
	}
	return nil
}

// PollSearchWorker reads one saved search: through one account of each
// network for keywords and hashtags, or its feed.
type PollSearchWorker struct {
	river.WorkerDefaults[queue.PollSearch]
	inbox *Inbox
}

// Timeout bounds one poll.
func (w *PollSearchWorker) Timeout(*river.Job[queue.PollSearch]) time.Duration {
	return 2 * time.Minute
}

// NextRetry backs off like account polls.
func (w *PollSearchWorker) NextRetry(job *river.Job[queue.PollSearch]) time.Time {
	return time.Now().Add(pollBackoff(job.Attempt))
}

// Work polls.
func (w *PollSearchWorker) Work(ctx context.Context, job *river.Job[queue.PollSearch]) error {
	p, err := w.inbox.Listening.PollSearch(ctx, job.Args.SearchID)
	var skip *store.Skip
	if errors.As(err, &skip) {
		return nil
	}
	if err != nil {
		return err
	}
	search := p.Search
	if search.Kind == gears.SearchFeed {
		src := store.Source{WorkspaceID: p.WorkspaceID, Network: gears.Feed, SearchID: &search.ID}
		page, err := w.inbox.Feeds.Read(ctx, search.Query, p.FeedCursor)
		if err != nil {
			return w.inbox.failed(ctx, src, 0, err)
		}
		_, err = w.inbox.Inbox.Ingest(ctx, src, page.Messages, &page.Cursor)
		return err
	}
	var firstErr error
	for _, a := range p.Accounts {
		conn, ok := w.inbox.Connectors[a.Account.Network].(gears.Listener)
		if !ok {
			continue
		}
		src := store.Source{WorkspaceID: p.WorkspaceID, Network: a.Account.Network, SearchID: &search.ID, AccountID: &a.Account.ID}
		page, err := conn.Search(ctx, a.Credentials, search.Term(), a.Cursor)
		afterCall(ctx, w.inbox.Publisher, w.inbox.logger(), w.inbox.Connectors[a.Account.Network], a.Account.ID, a.Credentials)
		if err == nil {
			_, err = w.inbox.Inbox.Ingest(ctx, src, page.Messages, &page.Cursor)
		}
		if err != nil {
			// Every network's failure is recorded (and a rate limit holds
			// its account); River hears of the first.
			if ferr := w.inbox.failed(ctx, src, a.Account.ID, err); firstErr == nil {
				firstErr = ferr
			}
		}
	}
	return firstErr
}

func (in *Inbox) logger() *slog.Logger {
	if in.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return in.Logger
}

// failed records a failed poll where people see it, and says whether
// River should retry: temporary failures back off; a rate limit holds
// the account until it resets; refused credentials and refused requests
// wait for the next round.
func (in *Inbox) failed(ctx context.Context, src store.Source, accountID int64, err error) error {
	in.logger().Warn("poll failed", "workspace_id", src.WorkspaceID, "network", src.Network, "err", err)
	var re *gears.RemoteError
	refused := errors.As(err, &re) && re.Kind == gears.RemoteAuth && accountID != 0
	if ferr := in.Listening.PollFailed(ctx, src, err.Error(), refused); ferr != nil {
		return ferr
	}
	return networkFailed(ctx, in.Publisher, accountID, time.Now(), err, nil)
}
