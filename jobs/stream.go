package jobs

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"gears"
	"gears/queue"
	"gears/store"
)

// streamConnector is a connector that can tell, over a long-lived
// connection, that something arrived for an account (Mastodon's
// streaming API). It returns only with an error.
type streamConnector interface {
	Stream(ctx context.Context, cr gears.Credentials, ring func()) error
}

// Streamer keeps a streaming connection open for each active account
// whose network offers one, and enqueues an immediate poll of the account
// (queue.PollAccount) whenever its stream says something arrived. The
// stream is a doorbell only: the poll does the reading, so cursors and
// deduplication stay in one place, and the periodic poll still reads
// every account whatever happens to its stream.
type Streamer struct {
	Listening  *store.ListeningService
	Connectors store.Connectors
	// Insert enqueues a poll of the account (PollInserter).
	Insert func(ctx context.Context, accountID int64) error
	Logger *slog.Logger
	// Refresh is how often the active accounts are read again: streams
	// open for new accounts and close for those gone (default 1 min).
	Refresh time.Duration
	// Backoff is the wait before reconnecting after the nth failure in a
	// row (n ≥ 1); nil waits 1 s, doubling up to 5 min, each with up to
	// a fifth taken off at random.
	Backoff func(n int) time.Duration
}

const (
	// streamPark is how long an account whose stream was refused (no
	// streaming API, refused credentials, a refused request) waits
	// before its stream is tried again; polling goes on meanwhile.
	streamPark = time.Hour
	// streamHealthy is how long a stream must have lasted for its end
	// to count as a first failure again rather than one more in a row.
	streamHealthy = time.Minute
	// ringEvery is the least time between two polls enqueued for one
	// account: rings in between make one poll after it.
	ringEvery = 500 * time.Millisecond
)

// PollInserter returns a Streamer's Insert that enqueues
// queue.PollAccount with c, outside any transaction (the job serves no
// row). A poll already waiting for the account is not enqueued twice.
func PollInserter(c *Client) func(ctx context.Context, accountID int64) error {
	return func(ctx context.Context, accountID int64) error {
		if _, err := c.Insert(ctx, queue.PollAccount{AccountID: accountID}, nil); err != nil {
			return fmt.Errorf("enqueue poll of account %d: %w", accountID, err)
		}
		return nil
	}
}

// accountStream is the goroutine that streams one account.
type accountStream struct {
	key    string // what the stream was opened with: a change reopens it
	cancel context.CancelFunc
	done   chan struct{}
}

// Run streams until ctx ends, then closes every stream and returns nil
// once all its goroutines have returned.
func (s *Streamer) Run(ctx context.Context) error {
	if s.Listening == nil || s.Insert == nil {
		return errors.New("streamer: Listening and Insert are required")
	}
	every := s.Refresh
	if every <= 0 {
		every = time.Minute
	}
	streams := map[int64]*accountStream{}
	var wg sync.WaitGroup
	defer func() {
		for _, st := range streams {
			st.cancel()
		}
		wg.Wait()
	}()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		s.refresh(ctx, streams, &wg)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// refresh opens the streams of active accounts that have none and
// closes those of accounts no longer active. A failure to read an
// account leaves its stream as it is.
func (s *Streamer) refresh(ctx context.Context, streams map[int64]*accountStream, wg *sync.WaitGroup) {
	ids, _, err := s.Listening.PollTargets(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.logger().Warn("streaming: cannot list the accounts", "err", err)
		}
		return
	}
	keep := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		p, err := s.Listening.PollAccount(ctx, id)
		var skip *store.Skip
		switch {
		case errors.As(err, &skip):
			// A rate-limited account keeps an open stream (it costs no
			// requests) but opens none until its limit resets.
			keep[id] = skip.Wait > 0
			continue
		case err != nil:
			keep[id] = true
			if ctx.Err() == nil {
				s.logger().Warn("streaming: cannot read the account", "account_id", id, "err", err)
			}
			continue
		}
		conn, ok := s.Connectors[p.Account.Network].(streamConnector)
		if !ok {
			continue
		}
		keep[id] = true
		key := streamKey(p.Account.Network, p.Credentials)
		if st := streams[id]; st != nil {
			if st.key == key && !closed(st.done) {
				continue
			}
			st.cancel() // reconnected with other credentials
		}
		sctx, cancel := context.WithCancel(ctx)
		st := &accountStream{key: key, cancel: cancel, done: make(chan struct{})}
		streams[id] = st
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(st.done)
			s.stream(sctx, id, conn, p.Credentials)
		}()
	}
	for id, st := range streams {
		if !keep[id] {
			st.cancel()
			delete(streams, id)
		}
	}
}

// stream keeps one account's stream open until ctx ends, reconnecting
// with backoff, and enqueues a poll for its rings.
func (s *Streamer) stream(ctx context.Context, accountID int64, conn streamConnector, cr gears.Credentials) {
	log := s.logger().With("account_id", accountID)
	rang := make(chan struct{}, 1)
	ring := func() {
		select {
		case rang <- struct{}{}:
		default: // a poll is already due
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.insertRings(ctx, accountID, rang, log)
	}()
	defer wg.Wait()

	failures := 0
	for {
		start := time.Now()
		err := conn.Stream(ctx, cr, ring)
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) >= streamHealthy {
			failures = 0
		}
		failures++
		wait := s.backoff(failures)
		var re *gears.RemoteError
		if errors.As(err, &re) {
			switch re.Kind {
			case gears.RemoteRejected, gears.RemoteAuth:
				wait = streamPark
				log.Info("streaming: refused; polling only for now", "retry_in", wait, "err", err)
			case gears.RemoteRateLimited:
				wait = max(wait, re.RetryAfter)
			}
		}
		if wait != streamPark {
			log.Debug("streaming: stream ended", "failures", failures, "retry_in", wait, "err", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// insertRings enqueues a poll for each ring, at most one per ringEvery:
// rings meanwhile make one more poll when it has passed.
func (s *Streamer) insertRings(ctx context.Context, accountID int64, rang <-chan struct{}, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-rang:
		}
		if err := s.Insert(ctx, accountID); err != nil && ctx.Err() == nil {
			log.Warn("streaming: cannot enqueue the poll", "err", err)
		}
		t := time.NewTimer(ringEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (s *Streamer) backoff(n int) time.Duration {
	if s.Backoff != nil {
		return s.Backoff(n)
	}
	d := min(time.Second<<min(n-1, 9), 5*time.Minute)
	return d - rand.N(d/5+1)
}

func (s *Streamer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// streamKey identifies what a stream was opened with: a hash, so that
// the streams' map holds no secret.
func streamKey(n gears.Network, c gears.Credentials) string {
	sum := sha256.Sum256([]byte(string(n) + "\x00" + c.Server + "\x00" + c.AccessToken + "\x00" + c.Handle + "\x00" + c.DID))
	return fmt.Sprintf("%x", sum[:16])
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
