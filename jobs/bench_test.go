package jobs_test

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"gears"
	"gears/jobs"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/store"
	"gears/store/storetest"
	"gears/vault"
)

var (
	burstPosts    = flag.Int("burst.posts", 10000, "posts in the publishing burst")
	burstAccounts = flag.Int("burst.accounts", 1000, "accounts the burst's posts go to")
	burstWindow   = flag.Duration("burst.window", time.Minute, "the posts are due evenly over this window")
	burstLatency  = flag.Duration("burst.latency", 20*time.Millisecond, "the test server's answer time")
	burstWorkers  = flag.Int("burst.workers", 200, "publishing workers")
)

// BenchmarkPublishBurst publishes a burst of posts due within one minute,
// spread over many accounts, to a loopback Mastodon test server that takes
// 20 ms to answer, and reports how late after its time each went out.
//
//	go test ./jobs -run '^$' -bench PublishBurst -benchtime 1x -timeout 30m
func BenchmarkPublishBurst(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			for range b.N {
				burst(b, storetest.Open(b, d))
			}
		})
	}
}

func burst(b *testing.B, db *store.DB) {
	ctx := context.Background()
	server := mastodontest.New(b, mastodontest.Config{Latency: *burstLatency, RateLimit: 1 << 30})
	conn := mastodon.New(&http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *burstWorkers}})
	connectors := store.Connectors{gears.Mastodon: conn}
	key := make([]byte, vault.KeySize)
	rand.Read(key)
	v, _ := vault.New(key)
	accounts, posts := store.NewAccountService(db, v, connectors), store.NewPostService(db, connectors)
	u, err := store.NewUserService(db).CreateUser(ctx, gears.UserCreate{Email: "owner@example.com", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	as := gears.NewContextWithUser(ctx, u)
	ws, err := store.NewWorkspaceService(db).CreateWorkspace(as, gears.WorkspaceCreate{Name: "Burst"})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, *burstAccounts)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	for i := range ids {
		remote := server.AddAccount(fmt.Sprintf("brand%d", i))
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			a, err := accounts.ConnectAccount(as, ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: server.URL, AccessToken: remote.Token})
			if err != nil {
				b.Error(err)
				return
			}
			ids[i] = a.ID
		}()
	}
	wg.Wait()
	// The posts are written ahead; the burst starts when the last is in.
	start := time.Now().Add(time.Duration(*burstPosts)*8*time.Millisecond + 10*time.Second).Truncate(time.Second)
	step := *burstWindow / time.Duration(*burstPosts)
	for i := range *burstPosts {
		at := start.Add(time.Duration(i) * step)
		if _, err := posts.CreatePost(as, ws.ID, gears.PostInput{Text: fmt.Sprintf("Burst post %d", i), AccountIDs: []int64{ids[i%len(ids)]}, ScheduledAt: &at}); err != nil {
			b.Fatal(err)
		}
	}
	if time.Now().After(start) {
		b.Fatalf("writing the posts ran %v past the start of the burst: the lag would measure the set-up", time.Since(start))
	}
	c, err := jobs.New(jobs.Config{DB: db, NoPeriodic: true, Logger: slog.New(slog.DiscardHandler), PublishWorkers: *burstWorkers,
		Publish: &jobs.PublishWorker{Publisher: store.NewPublisher(db, accounts), Connectors: connectors}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := c.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer c.Stop(context.Background())
	deadline := start.Add(*burstWindow + 10*time.Minute)
	var lags []time.Duration
	for {
		if n := countPublished(b, posts, as, ws.ID); n >= *burstPosts {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the burst did not finish")
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.StopTimer()
	all := fetchAll(b, posts, as, ws.ID)
	for _, p := range all {
		d := p.Deliveries[0]
		lags = append(lags, d.PublishedAt.Sub(*p.ScheduledAt))
	}
	sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
	q := func(f float64) time.Duration { return lags[min(len(lags)-1, int(f*float64(len(lags))))] }
	statuses := 0
	for i := range ids {
		statuses += len(server.Statuses(fmt.Sprint(i + 1)))
	}
	b.ReportMetric(q(0.5).Seconds(), "p50_lag_s")
	b.ReportMetric(q(0.99).Seconds(), "p99_lag_s")
	b.ReportMetric(lags[len(lags)-1].Seconds(), "max_lag_s")
	b.Logf("%d posts over %d accounts, due over %v: lag p50 %v, p99 %v, max %v; %d statuses on the server",
		len(lags), len(ids), *burstWindow, q(0.5), q(0.99), lags[len(lags)-1], statuses)
	if statuses != *burstPosts {
		b.Errorf("%d statuses for %d posts", statuses, *burstPosts)
	}
}

func countPublished(b *testing.B, posts *store.PostService, ctx context.Context, ws int64) int {
	n := 0
	for _, p := range fetchAll(b, posts, ctx, ws) {
		if p.Status == gears.PostPublished {
			n++
		}
	}
	return n
}

// fetchAll reads every post of the workspace, in pages of scheduled time.
func fetchAll(b *testing.B, posts *store.PostService, ctx context.Context, ws int64) []*gears.Post {
	var out []*gears.Post
	from := time.Time{}
	for {
		f := from
		list, err := posts.FindPosts(ctx, ws, gears.PostFilter{From: &f, Limit: 5000})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, list...)
		if len(list) < 5000 {
			return out
		}
		from = list[len(list)-1].ScheduledAt.Add(time.Millisecond)
	}
}
