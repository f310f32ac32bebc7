package jobs_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"gears"
	"gears/jobs"
	"gears/mastodon/mastodontest"
	"gears/queue"
	"gears/store"
	"gears/store/storetest"
)

// clock is a settable time shared by the store and the workers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// metricsEnv is the listening fixture (a workspace with a Mastodon account
// on a test server) with a job client working the metrics jobs on an
// injected clock.
type metricsEnv struct {
	*listening
	clock   *clock
	metrics *store.MetricsService
}

func newMetricsEnv(t *testing.T, db *store.DB) *metricsEnv {
	t.Helper()
	e := &metricsEnv{listening: newListening(t, db), clock: &clock{t: time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)}}
	db.SetNow(e.clock.now)
	e.metrics = store.NewMetricsService(db, e.accounts)
	cfg := jobs.Config{DB: db, Logger: slog.New(slog.DiscardHandler), PollInterval: 20 * time.Millisecond, NoPeriodic: true,
		Metrics: &jobs.Metrics{Metrics: e.metrics, Publisher: e.publisher, Connectors: e.connectors, Now: e.clock.now},
		Publish: &jobs.PublishWorker{Publisher: e.publisher, Connectors: e.connectors, Logger: slog.New(slog.DiscardHandler),
			Backoff: func(int) time.Duration { return 100 * time.Millisecond }}}
	var err error
	if e.jobs, err = jobs.New(cfg); err != nil {
		t.Fatal(err)
	}
	if err := e.jobs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.jobs.Stop(ctx)
	})
	return e
}

// collect runs a round and then the account's job, at the clock's time.
func (e *metricsEnv) collect(t *testing.T) {
	t.Helper()
	if job := e.work(t, jobs.MetricsRoundArgs{}); job.State != rivertype.JobStateCompleted {
		t.Fatalf("round %s: %v", job.State, job.Errors)
	}
	if job := e.work(t, queue.ReadMetrics{AccountID: e.account.ID}); job.State != rivertype.JobStateCompleted {
		t.Fatalf("read metrics %s: %v", job.State, job.Errors)
	}
}

type postState struct {
	replies, reposts, likes, quotes, reads int64
	next                                   *int64
	gone                                   bool
}

func (e *metricsEnv) postState(t *testing.T, delivery int64) postState {
	t.Helper()
	var s postState
	var next *int64
	e.row(t, `SELECT replies, reposts, likes, quotes, reads, next_read_at, gone FROM post_metrics WHERE delivery_id = ?`, []any{delivery},
		&s.replies, &s.reposts, &s.likes, &s.quotes, &s.reads, &next, &s.gone)
	s.next = next
	return s
}

func (e *metricsEnv) dailySums(t *testing.T) [4]int64 {
	t.Helper()
	var v [4]int64
	e.row(t, `SELECT COALESCE(SUM(replies), 0), COALESCE(SUM(reposts), 0), COALESCE(SUM(likes), 0), COALESCE(SUM(quotes), 0)
		FROM daily_metrics WHERE workspace_id = ?`, []any{e.ws.ID}, &v[0], &v[1], &v[2], &v[3])
	return v
}

// TestMetricsOnSchedule follows one published post through its schedule
// on the injected clock: nothing is read before an hour; at +1 h its
// counts are read and added to the daily roll-up; a round run twice
// reads nothing twice; at +6 h the growth (and a fall) is added; a rate
// limit holds the account and moves the reading after it; a deleted post
// stops being read. The account's and a competitor's follower counts are
// read once a local day.
func TestMetricsOnSchedule(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	e := newMetricsEnv(t, db)
	srv := e.server
	rival := srv.AddRemoteAccount("rival", "other.example")
	srv.SetAccountCounts(rival.ID, mastodontest.AccountCounts{Followers: 5000, Following: 10, Statuses: 300})
	srv.SetAccountCounts(e.remote.ID, mastodontest.AccountCounts{Followers: 120, Following: 80, Statuses: 12})
	e.exec(t, `INSERT INTO competitors (workspace_id, name, network, handle, created_at) VALUES (?, 'Rival', 'mastodon', 'rival@other.example', 0)`, e.ws.ID)

	published := e.clock.now()
	status := srv.AddStatus(e.remote.ID, "Fresh roast", published)
	p, err := e.posts.CreatePost(e.ctx, e.ws.ID, gears.PostInput{Text: "Fresh roast", AccountIDs: []int64{e.account.ID}, Campaign: "autumn"})
	if err != nil {
		t.Fatal(err)
	}
	delivery := p.Deliveries[0].ID
	e.exec(t, `UPDATE deliveries SET status = 'published', remote_id = ?, published_at = ? WHERE id = ?`, status.ID, published.UnixMilli(), delivery)
	srv.SetCounts(status.ID, mastodontest.Counts{Replies: 2, Reblogs: 3, Favourites: 10, Quotes: 1})

	// At +30 min: the profiles are read, the post is not due yet.
	e.clock.set(published.Add(30 * time.Minute))
	e.collect(t)
	if n := srv.Requests("GET /api/v1/statuses"); n != 0 {
		t.Fatalf("statuses read before +1 h: %d", n)
	}
	var followers, compFollowers int64
	e.row(t, `SELECT followers FROM follower_counts WHERE account_id = ?`, []any{e.account.ID}, &followers)
	e.row(t, `SELECT followers FROM follower_counts WHERE competitor_id IS NOT NULL`, nil, &compFollowers)
	if followers != 120 || compFollowers != 5000 {
		t.Fatalf("follower counts %d and %d", followers, compFollowers)
	}
	profileReads := srv.Requests("GET /api/v1/accounts/lookup")

	// At +1 h: read, stored, added to the roll-up.
	e.clock.set(published.Add(time.Hour))
	e.collect(t)
	if s := e.postState(t, delivery); s.reads != 1 || s.likes != 10 || s.replies != 2 || s.next == nil ||
		*s.next != published.Add(6*time.Hour).UnixMilli() {
		t.Fatalf("after +1 h: %+v", s)
	}
	if got, want := e.dailySums(t), [4]int64{2, 3, 10, 1}; got != want {
		t.Fatalf("roll-up after +1 h = %v, want %v", got, want)
	}
	// Again at the same time: nothing due, nothing read, nothing added.
	before := srv.Requests("GET /api/v1/statuses")
	e.collect(t)
	if n := srv.Requests("GET /api/v1/statuses"); n != before {
		t.Fatalf("a second round read the post again")
	}
	if srv.Requests("GET /api/v1/accounts/lookup") != profileReads {
		t.Fatalf("the competitor was read twice in a day")
	}

	// At +6 h: growth, and a fall.
	srv.SetCounts(status.ID, mastodontest.Counts{Replies: 1, Reblogs: 5, Favourites: 25, Quotes: 1})
	e.clock.set(published.Add(6 * time.Hour))
	e.collect(t)
	if got, want := e.dailySums(t), [4]int64{1, 5, 25, 1}; got != want {
		t.Fatalf("roll-up after +6 h = %v, want %v", got, want)
	}

	// At +24 h the server is rate-limited: the account is held, the
	// reading waits until the limit resets, and the job does not fail.
	srv.Inject("GET /api/v1/statuses", 1, mastodontest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"600"}}})
	e.clock.set(published.Add(24 * time.Hour))
	e.collect(t)
	var limited int64
	e.row(t, `SELECT limited_until FROM accounts WHERE id = ?`, []any{e.account.ID}, &limited)
	if s := e.postState(t, delivery); s.reads != 2 || s.next == nil || *s.next != limited || limited != published.Add(24*time.Hour+10*time.Minute).UnixMilli() {
		t.Fatalf("after a rate limit: %+v, held until %d", s, limited)
	}
	// The next day, once the hold is over: read, and the day's follower
	// count too.
	srv.SetAccountCounts(e.remote.ID, mastodontest.AccountCounts{Followers: 131})
	e.clock.set(published.Add(25 * time.Hour))
	e.collect(t)
	if s := e.postState(t, delivery); s.reads != 3 || s.next == nil || *s.next != published.Add(72*time.Hour).UnixMilli() {
		t.Fatalf("after the hold: %+v", s)
	}
	var days int
	e.row(t, `SELECT COUNT(*) FROM follower_counts WHERE account_id = ?`, []any{e.account.ID}, &days)
	if days != 2 {
		t.Fatalf("follower days: %d", days)
	}

	// Deleted at +3 d: gone, and never read again.
	srv.DeleteStatus(status.ID)
	e.clock.set(published.Add(72 * time.Hour))
	e.collect(t)
	if s := e.postState(t, delivery); !s.gone || s.next != nil || s.likes != 25 {
		t.Fatalf("after deletion: %+v", s)
	}
	if got, want := e.dailySums(t), [4]int64{1, 5, 25, 1}; got != want {
		t.Fatalf("roll-up after deletion = %v, want %v", got, want)
	}
	// And through the service people read.
	list, err := e.metrics.PostMetrics(e.ctx, e.ws.ID, p.ID)
	if err != nil || len(list) != 1 || !list[0].Gone || list[0].Counts.Likes != 25 || list[0].Reads != 3 {
		t.Fatalf("PostMetrics = %+v, %v", list, err)
	}
}

// TestMetricsScheduleEnds: a post read at +30 d is never due again, and a
// delivery published before the schedule's reach gets no row.
func TestMetricsScheduleEnds(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	e := newMetricsEnv(t, db)
	published := e.clock.now()
	status := e.server.AddStatus(e.remote.ID, "Old news", published)
	old := e.server.AddStatus(e.remote.ID, "Older news", published)
	var ds []int64
	for _, text := range []string{"Old news", "Older news"} {
		p, err := e.posts.CreatePost(e.ctx, e.ws.ID, gears.PostInput{Text: text, AccountIDs: []int64{e.account.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, p.Deliveries[0].ID)
	}
	e.exec(t, `UPDATE deliveries SET status = 'published', remote_id = ?, published_at = ? WHERE id = ?`, status.ID, published.UnixMilli(), ds[0])
	e.exec(t, `UPDATE deliveries SET status = 'published', remote_id = ?, published_at = ? WHERE id = ?`, old.ID, published.Add(-40*24*time.Hour).UnixMilli(), ds[1])
	e.clock.set(published.Add(time.Hour))
	e.collect(t)
	e.clock.set(published.Add(30*24*time.Hour + time.Minute))
	e.collect(t)
	if s := e.postState(t, ds[0]); s.reads != 2 || s.next != nil {
		t.Fatalf("after +30 d: %+v", s)
	}
	var n int
	e.row(t, `SELECT COUNT(*) FROM post_metrics WHERE delivery_id = ?`, []any{ds[1]}, &n)
	if n != 0 {
		t.Fatalf("a delivery published 40 days ago got a row")
	}
}

// TestMetricsAfterPublishing: a post published by the publishing engine
// (its clock and the test server's set to the injected one) is read an
// hour after the network says it was published, not before.
func TestMetricsAfterPublishing(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	e := newMetricsEnv(t, db)
	e.server.Advance(e.clock.now().Sub(time.Now()))
	p, err := e.posts.CreatePost(e.ctx, e.ws.ID, gears.PostInput{Text: "Roasting day", AccountIDs: []int64{e.account.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.posts.PublishNow(e.ctx, e.ws.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	var published, delivery int64
	var remoteID string
	deadline := time.Now().Add(waitTimeout)
	for {
		var status string
		var at *int64
		e.row(t, `SELECT id, status, remote_id, published_at FROM deliveries WHERE post_id = ?`, []any{p.ID}, &delivery, &status, &remoteID, &at)
		if status == string(gears.DeliveryPublished) && at != nil {
			published = *at
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the post was not published: %s", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.server.SetCounts(remoteID, mastodontest.Counts{Favourites: 3, Reblogs: 1})
	at := time.UnixMilli(published).UTC()
	e.clock.set(at.Add(59 * time.Minute))
	e.collect(t)
	if n := e.server.Requests("GET /api/v1/statuses"); n != 0 {
		t.Fatalf("read %d times before its hour", n)
	}
	e.clock.set(at.Add(time.Hour))
	e.collect(t)
	if s := e.postState(t, delivery); s.reads != 1 || s.likes != 3 || s.reposts != 1 {
		t.Fatalf("after an hour: %+v", s)
	}
	if got, want := e.dailySums(t), [4]int64{0, 1, 3, 0}; got != want {
		t.Fatalf("roll-up = %v, want %v", got, want)
	}
}
