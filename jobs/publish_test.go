package jobs_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"gears"
	"gears/jobs"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/queue"
	"gears/store"
	"gears/store/storetest"
	"gears/vault"
)

// engine is a workspace with a Mastodon account on a real (test) Mastodon
// server, and the job workers running.
type engine struct {
	db       *store.DB
	server   *mastodontest.Server
	remote   mastodontest.Account
	ctx      context.Context
	ws       *gears.Workspace
	posts    *store.PostService
	accounts *store.AccountService
	account  *gears.Account
	client   *jobs.Client
}

func newEngine(t *testing.T, db *store.DB, cfg ...mastodontest.Config) *engine {
	t.Helper()
	ctx := context.Background()
	e := &engine{db: db, server: mastodontest.New(t, append(cfg, mastodontest.Config{})[0])}
	e.remote = e.server.AddAccount("aurora")
	// A timeout short enough that a request the server sits on ends soon,
	// long enough that no other request meets it on a loaded machine (it
	// would add an attempt that the tests count).
	conn := mastodon.New(&http.Client{Timeout: 5 * time.Second})
	conn.PollInterval, conn.PollMaxInterval = 10*time.Millisecond, 20*time.Millisecond
	connectors := store.Connectors{gears.Mastodon: conn}
	key := make([]byte, vault.KeySize)
	rand.Read(key)
	v, _ := vault.New(key)
	e.accounts = store.NewAccountService(db, v, connectors)
	e.posts = store.NewPostService(db, connectors)
	u, err := store.NewUserService(db).CreateUser(ctx, gears.UserCreate{Email: "owner@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e.ctx = gears.NewContextWithUser(ctx, u)
	if e.ws, err = store.NewWorkspaceService(db).CreateWorkspace(e.ctx, gears.WorkspaceCreate{Name: "Aurora"}); err != nil {
		t.Fatal(err)
	}
	c, err := jobs.New(jobs.Config{DB: db, NoPeriodic: true, PollInterval: 50 * time.Millisecond,
		Publish: &jobs.PublishWorker{
			Publisher:  store.NewPublisher(db, e.accounts),
			Connectors: connectors,
			Logger:     slog.New(slog.DiscardHandler),
			Backoff:    func(int) time.Duration { return 100 * time.Millisecond },
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })
	e.client = c
	e.account, err = e.accounts.ConnectAccount(e.ctx, e.ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: e.server.URL, AccessToken: e.remote.Token})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *engine) publishNow(t *testing.T, text string) *gears.Post {
	t.Helper()
	p, err := e.posts.CreatePost(e.ctx, e.ws.ID, gears.PostInput{Text: text, AccountIDs: []int64{e.account.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = e.posts.PublishNow(e.ctx, e.ws.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitPost waits until the post settles in one of the statuses.
func (e *engine) waitPost(t *testing.T, id int64, want ...gears.PostStatus) *gears.Post {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		p, err := e.posts.FindPost(e.ctx, e.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if p.Status == w {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("post %d is %s, want %v; deliveries %+v", id, p.Status, want, *p.Deliveries[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *engine) statuses(text string) int {
	n := 0
	for _, s := range e.server.Statuses(e.remote.ID) {
		if s.Text == text {
			n++
		}
	}
	return n
}

func TestPublishOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEngine(t, db)
		p := e.publishNow(t, "Fresh roast today: Huila, Colombia ☕")
		got := e.waitPost(t, p.ID, gears.PostPublished)
		d := got.Deliveries[0]
		if d.RemoteID == "" || !strings.HasPrefix(d.RemoteURL, e.server.URL) || d.Attempts != 1 {
			t.Errorf("delivery = %+v", d)
		}
		if n := e.statuses(p.Text); n != 1 {
			t.Errorf("%d statuses on the server, want 1", n)
		}
	})
}

// TestPublishWhenTheAnswerIsLost makes the server create the status and
// never answer: the outcome is unknown, and the next attempt must find the
// status among the account's own instead of posting it again.
func TestPublishWhenTheAnswerIsLost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEngine(t, db)
		e.server.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenHang: true})
		p := e.publishNow(t, "Lost answer, then found")
		got := e.waitPost(t, p.ID, gears.PostPublished)
		if n := e.statuses(p.Text); n != 1 {
			t.Fatalf("%d statuses on the server, want exactly 1", n)
		}
		if got.Deliveries[0].Attempts != 2 || e.server.Requests("POST /api/v1/statuses") != 1 {
			t.Errorf("attempts = %d, status POSTs = %d: the second attempt must reconcile, not post",
				got.Deliveries[0].Attempts, e.server.Requests("POST /api/v1/statuses"))
		}
	})
}

// TestPublishAfterDroppedConnection drops the connection after the status
// is made: exactly one status, whatever retries happen below.
func TestPublishAfterDroppedConnection(t *testing.T) {
	t.Parallel()
	e := newEngine(t, storetest.Open(t, store.SQLite))
	e.server.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{ProcessThenDrop: true})
	p := e.publishNow(t, "Dropped, then found")
	e.waitPost(t, p.ID, gears.PostPublished)
	if n := e.statuses(p.Text); n != 1 {
		t.Fatalf("%d statuses on the server, want exactly 1", n)
	}
}

func TestPublishRetriesServerErrors(t *testing.T) {
	t.Parallel()
	e := newEngine(t, storetest.Open(t, store.SQLite))
	e.server.Inject("POST /api/v1/statuses", 2, mastodontest.Fault{Status: 503})
	p := e.publishNow(t, "Third time lucky")
	got := e.waitPost(t, p.ID, gears.PostPublished)
	if n := e.statuses(p.Text); n != 1 || got.Deliveries[0].Attempts != 3 {
		t.Errorf("%d statuses after %d attempts", n, got.Deliveries[0].Attempts)
	}
}

func TestPublishRejectedAndAuth(t *testing.T) {
	t.Parallel()
	e := newEngine(t, storetest.Open(t, store.SQLite))
	e.server.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{Status: 422, Body: `{"error":"Validation failed: Text character limit of 500 exceeded"}`})
	p := e.publishNow(t, "Refused for good")
	got := e.waitPost(t, p.ID, gears.PostFailed)
	if d := got.Deliveries[0]; d.Status != gears.DeliveryFailed || !strings.Contains(d.Error, "character limit") || d.Attempts != 1 {
		t.Errorf("rejected delivery = %+v", d)
	}
	e.server.Inject("POST /api/v1/statuses", 1, mastodontest.Fault{Status: 401, Body: `{"error":"The access token was revoked"}`})
	q := e.publishNow(t, "Token revoked meanwhile")
	deadline := time.Now().Add(waitTimeout)
	for {
		a, err := e.accounts.FindAccount(e.ctx, e.ws.ID, e.account.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status == gears.AccountNeedsReconnect {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the account was not marked as needing reconnection")
		}
		time.Sleep(20 * time.Millisecond)
	}
	held := e.waitPost(t, q.ID, gears.PostScheduled)
	if held.Deliveries[0].Status != gears.DeliveryScheduled || e.statuses(q.Text) != 0 {
		t.Fatalf("held delivery = %+v", held.Deliveries[0])
	}
	// Reconnecting sends what was held.
	if _, err := e.accounts.ConnectAccount(e.ctx, e.ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: e.server.URL, AccessToken: e.remote.Token}); err != nil {
		t.Fatal(err)
	}
	e.waitPost(t, q.ID, gears.PostPublished)
	if n := e.statuses(q.Text); n != 1 {
		t.Errorf("%d statuses after reconnecting", n)
	}
}

func TestConnectRefusesBadCredentials(t *testing.T) {
	t.Parallel()
	e := newEngine(t, storetest.Open(t, store.SQLite))
	_, err := e.accounts.ConnectAccount(e.ctx, e.ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: e.server.URL, AccessToken: "wrong"})
	if gears.ErrorCode(err) != gears.EUNPROCESSABLE {
		t.Fatalf("bad token: %v", err)
	}
}

// TestPublishRespectsRateLimit spends an account's rate limit: once the
// network says nothing is left, the next post waits for the reset instead
// of being refused with a 429.
func TestPublishRespectsRateLimit(t *testing.T) {
	t.Parallel()
	// Four requests per window: verifying the account, then three posts.
	// The server's windows are aligned on multiples of their length since
	// 1970: with five-minute windows, a test that straddled one's end
	// would get a fresh budget. A window of a hundred years (it ends in
	// 2069) makes the test the same at any time.
	e := newEngine(t, storetest.Open(t, store.SQLite), mastodontest.Config{RateLimit: 4, RateWindow: 100 * 365 * 24 * time.Hour})
	first := e.publishNow(t, "One")
	e.waitPost(t, first.ID, gears.PostPublished)
	second := e.publishNow(t, "Two")
	e.waitPost(t, second.ID, gears.PostPublished)
	third := e.publishNow(t, "Three")
	e.waitPost(t, third.ID, gears.PostPublished)
	snoozed, stop := e.client.Subscribe(river.EventKindJobSnoozed)
	defer stop()
	held := e.publishNow(t, "Four, after the reset")
	// The worker has looked at the fourth post once its job is put off.
	timeout := time.After(waitTimeout)
	for waiting := true; waiting; {
		select {
		case ev := <-snoozed:
			var args queue.Publish
			if err := json.Unmarshal(ev.Job.EncodedArgs, &args); err != nil {
				t.Fatal(err)
			}
			waiting = args.DeliveryID != held.Deliveries[0].ID
		case <-timeout:
			t.Fatalf("the fourth post's job was not put off within %s", waitTimeout)
		}
	}
	p, err := e.posts.FindPost(e.ctx, e.ws.ID, held.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != gears.PostScheduled || p.Deliveries[0].Attempts != 0 {
		t.Errorf("with the limit spent, the fourth post is %s after %d attempts; want it held", p.Status, p.Deliveries[0].Attempts)
	}
	if n := e.server.Requests("POST /api/v1/statuses"); n != 3 {
		t.Errorf("%d status requests: the spent limit was not respected", n)
	}
}
