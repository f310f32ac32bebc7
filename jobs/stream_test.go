package jobs_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"gears"
	"gears/feeds"
	"gears/internal/testenv"
	"gears/jobs"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/store"
	"gears/store/storetest"
	"gears/vault"
)

// streaming is a workspace with a Mastodon account on a test server, and
// a Streamer whose Insert records the polls it asks for.
type streaming struct {
	db       *store.DB
	ctx      context.Context // as the workspace's owner
	ws       *gears.Workspace
	server   *mastodontest.Server
	remote   mastodontest.Account
	account  *gears.Account
	accounts *store.AccountService
	streamer *jobs.Streamer

	mu      sync.Mutex
	inserts []int64     // account IDs, in the order Insert was called
	at      []time.Time // when each was called
}

func newStreaming(t *testing.T, cfg mastodontest.Config) *streaming {
	t.Helper()
	s := &streaming{db: storetest.Open(t, store.SQLite), server: mastodontest.New(t, cfg)}
	s.remote = s.server.AddAccount("aurora")
	// The client's overall timeout is shorter than TestStreamRingsAPoll:
	// streams must not be bound by it. Long enough that the requests
	// that are bound by it (the instance's streaming address) do not
	// meet it on a loaded machine: that would be one more failure.
	connectors := store.Connectors{gears.Mastodon: mastodon.New(&http.Client{Timeout: 2 * time.Second})}
	key := make([]byte, vault.KeySize)
	rand.Read(key)
	v, err := vault.New(key)
	if err != nil {
		t.Fatal(err)
	}
	s.accounts = store.NewAccountService(s.db, v, connectors)
	ctx := context.Background()
	u, err := store.NewUserService(s.db).CreateUser(ctx, gears.UserCreate{Email: "owner@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	s.ctx = gears.NewContextWithUser(ctx, u)
	if s.ws, err = store.NewWorkspaceService(s.db).CreateWorkspace(s.ctx, gears.WorkspaceCreate{Name: "Aurora"}); err != nil {
		t.Fatal(err)
	}
	s.account = s.connect(t, s.remote)
	s.streamer = &jobs.Streamer{
		Listening:  store.NewListeningService(s.db, s.accounts),
		Connectors: connectors,
		Insert: func(ctx context.Context, accountID int64) error {
			s.mu.Lock()
			s.inserts = append(s.inserts, accountID)
			s.at = append(s.at, time.Now())
			s.mu.Unlock()
			return nil
		},
		Logger:  slog.New(slog.DiscardHandler),
		Refresh: 50 * time.Millisecond,
		Backoff: func(int) time.Duration { return 20 * time.Millisecond },
	}
	return s
}

func (s *streaming) connect(t *testing.T, remote mastodontest.Account) *gears.Account {
	t.Helper()
	a, err := s.accounts.ConnectAccount(s.ctx, s.ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: s.server.URL, AccessToken: remote.Token})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// run starts the streamer; it is stopped, and waited for, when the test
// ends.
func (s *streaming) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.streamer.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
}

// polls counts the polls asked for the account.
func (s *streaming) polls(accountID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, id := range s.inserts {
		if id == accountID {
			n++
		}
	}
	return n
}

// pollGaps returns the shortest time between two polls asked for the
// account, and how many there were.
func (s *streaming) pollGaps(accountID int64) (shortest time.Duration, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last time.Time
	for i, id := range s.inserts {
		if id != accountID {
			continue
		}
		if n > 0 {
			if gap := s.at[i].Sub(last); n == 1 || gap < shortest {
				shortest = gap
			}
		}
		last = s.at[i]
		n++
	}
	return shortest, n
}

// waitPolls waits until the account has had n polls asked for. How soon
// is not checked: on a loaded machine it can take seconds.
func (s *streaming) waitPolls(t *testing.T, accountID int64, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for s.polls(accountID) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d polls of account %d asked for within %s, want %d", s.polls(accountID), accountID, waitTimeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitStreams waits until the remote account has n open streams.
func (s *streaming) waitStreams(t *testing.T, remoteID string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for s.server.Streams(remoteID) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d open streams of %s, want %d", s.server.Streams(remoteID), remoteID, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const streamRequests = "GET /api/v1/streaming/user/notification"

// TestStreamRingsAPoll asks for a poll of the account after a mention,
// few for a burst (never two within half a second), and again after the
// connection drops.
func TestStreamRingsAPoll(t *testing.T) {
	t.Parallel()
	s := newStreaming(t, mastodontest.Config{StreamHeartbeat: 100 * time.Millisecond})
	bob := s.server.AddAccount("bob")
	s.run(t)
	s.waitStreams(t, s.remote.ID, 1)
	time.Sleep(2500 * time.Millisecond) // past the client's overall timeout
	if n := s.polls(s.account.ID); n != 0 {
		t.Fatalf("%d polls before anything happened", n)
	}

	s.server.Mention(bob.ID, "@aurora are you open on Sunday?", mastodontest.StatusOptions{})
	s.waitPolls(t, s.account.ID, 1)

	// A burst makes one poll at once and at most one more after 500 ms:
	// rings within half a second of a poll make one poll when it has
	// passed. How many polls that is depends on how fast the five rings
	// come, which a loaded machine decides; that no two polls are closer
	// than half a second does not.
	time.Sleep(600 * time.Millisecond)
	before := s.polls(s.account.ID)
	for range 5 {
		s.server.Mention(bob.ID, "@aurora hello?", mastodontest.StatusOptions{})
	}
	s.waitPolls(t, s.account.ID, before+1)
	time.Sleep(800 * time.Millisecond) // the one more poll, if any

	// The connection drops; the stream comes back and rings again.
	s.server.DropStreams()
	s.waitStreams(t, s.remote.ID, 1)
	before = s.polls(s.account.ID)
	s.server.Follow(bob.ID, s.remote.ID)
	s.waitPolls(t, s.account.ID, before+1)
	if n := s.server.Requests(streamRequests); n != 2 {
		t.Errorf("%d stream requests, want 2", n)
	}
	if gap, n := s.pollGaps(s.account.ID); n > 1 && gap < 500*time.Millisecond {
		t.Errorf("two of the %d polls were asked for %s apart, want at least 500ms", n, gap)
	}
}

// TestStreamFollowsAccounts opens a stream for an account connected
// while it runs and closes the stream of one disconnected.
func TestStreamFollowsAccounts(t *testing.T) {
	t.Parallel()
	s := newStreaming(t, mastodontest.Config{})
	s.run(t)
	s.waitStreams(t, s.remote.ID, 1)

	other := s.server.AddAccount("borealis")
	second := s.connect(t, other)
	s.waitStreams(t, other.ID, 1)
	s.server.Mention(s.remote.ID, "@borealis hi neighbour", mastodontest.StatusOptions{})
	s.waitPolls(t, second.ID, 1)
	if n := s.polls(s.account.ID); n != 0 {
		t.Errorf("%d polls of the account that wrote", n)
	}

	if err := s.accounts.DisconnectAccount(s.ctx, s.ws.ID, s.account.ID); err != nil {
		t.Fatal(err)
	}
	s.waitStreams(t, s.remote.ID, 0)
	if n := s.server.Streams(other.ID); n != 1 {
		t.Errorf("%d streams of the account still connected", n)
	}
}

// TestStreamRefused stops trying after one attempt when the instance
// has no streaming API or refuses the token: polling goes on alone.
func TestStreamRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		cfg   mastodontest.Config
		fault *mastodontest.Fault
	}{
		{name: "no streaming", cfg: mastodontest.Config{NoStreaming: true}},
		{name: "401", fault: &mastodontest.Fault{Status: http.StatusUnauthorized}},
		{name: "403", fault: &mastodontest.Fault{Status: http.StatusForbidden}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStreaming(t, tc.cfg)
			if tc.fault != nil {
				s.server.Inject(streamRequests, 100, *tc.fault)
			}
			s.run(t)
			deadline := time.Now().Add(waitTimeout)
			for s.server.Requests(streamRequests) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("no stream asked for")
				}
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(500 * time.Millisecond) // 25 backoffs, 10 refreshes
			if n := s.server.Requests(streamRequests); n != 1 {
				t.Errorf("%d stream requests, want 1", n)
			}
		})
	}
}

// TestStreamRetriesFailures reconnects, with backoff, after answers that
// may pass.
func TestStreamRetriesFailures(t *testing.T) {
	t.Parallel()
	s := newStreaming(t, mastodontest.Config{})
	s.server.Inject(streamRequests, 3, mastodontest.Fault{Status: http.StatusBadGateway})
	var mu sync.Mutex
	var waits []int
	s.streamer.Backoff = func(n int) time.Duration {
		mu.Lock()
		waits = append(waits, n)
		mu.Unlock()
		return 20 * time.Millisecond
	}
	s.run(t)
	s.waitStreams(t, s.remote.ID, 1)
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != 3 || waits[0] != 1 || waits[2] != 3 {
		t.Errorf("backoffs %v, want [1 2 3]", waits)
	}
}

// TestStreamPollsEndToEnd rings through River: the mention is in the
// inbox without a poll round.
func TestStreamPollsEndToEnd(t *testing.T) {
	t.Parallel()
	s := newStreaming(t, mastodontest.Config{})
	bob := s.server.AddAccount("bob")
	posts := store.NewPostService(s.db, s.streamer.Connectors)
	inbox := store.NewInboxService(s.db, posts)
	c, err := jobs.New(jobs.Config{DB: s.db, Logger: slog.New(slog.DiscardHandler), PollInterval: 20 * time.Millisecond, NoPeriodic: true,
		Inbox: &jobs.Inbox{Listening: s.streamer.Listening, Inbox: inbox, Publisher: store.NewPublisher(s.db, s.accounts),
			Connectors: s.streamer.Connectors, Feeds: &feeds.Reader{}, Every: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.Stop(ctx)
	})
	s.streamer.Insert = jobs.PollInserter(c)
	s.run(t)
	s.waitStreams(t, s.remote.ID, 1)

	s.server.Mention(bob.ID, "@aurora do you ship to Lisbon?", mastodontest.StatusOptions{})
	deadline := time.Now().Add(waitTimeout)
	for {
		convs, err := inbox.FindConversations(s.ctx, s.ws.ID, gears.ConversationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(convs) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d conversations, want the mention's", len(convs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStreamShutdown returns once every stream and its goroutines have
// ended, as soon as ctx ends. Not parallel: it checks that no goroutine
// is left behind.
func TestStreamShutdown(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { testenv.VerifyNoLeaks(t, ignore) }) // after the server and database are closed
	s := newStreaming(t, mastodontest.Config{})
	s.streamer.Backoff = nil // the real backoff
	for _, name := range []string{"borealis", "cygnus", "draco"} {
		s.connect(t, s.server.AddAccount(name))
	}
	// One account's stream is waiting to reconnect.
	s.server.Inject(streamRequests, 1, mastodontest.Fault{Status: http.StatusServiceUnavailable})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.streamer.Run(ctx) }()
	s.waitStreams(t, "", 3)
	s.server.Mention(s.server.AddAccount("bob").ID, "@aurora @borealis @cygnus @draco hi all", mastodontest.StatusOptions{})
	time.Sleep(100 * time.Millisecond) // rings on their way

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return")
	}
	s.waitStreams(t, "", 0)
}
