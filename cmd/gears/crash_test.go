package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"gears"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/store"
	"gears/store/storetest"
	"gears/vault"
)

// TestCrashDuringBurst kills `gears serve` with SIGKILL five times while a
// burst of posts is going out, restarting it each time, and then checks
// that every post went out exactly once — or failed with a reason: none
// lost, none twice.
func TestCrashDuringBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test takes about two minutes")
	}
	// GEARS_CRASH_POSTS and GEARS_CRASH_ACCOUNTS scale it up to the
	// publishing benchmark's burst (docs/benchmarks.md).
	posts, accounts := envInt("GEARS_CRASH_POSTS", 600), envInt("GEARS_CRASH_ACCOUNTS", 30)
	window := max(15*time.Second, time.Duration(posts)*6*time.Millisecond) // 10,000 posts: a minute
	bin := filepath.Join(t.TempDir(), "gears")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	server := mastodontest.New(t, mastodontest.Config{Latency: 20 * time.Millisecond, RateLimit: 1 << 30})
	key := make([]byte, vault.KeySize)
	rand.Read(key)
	dir := t.TempDir()
	ctx := context.Background()

	// Set up as an operator and a team would: accounts and scheduled posts.
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	v, _ := vault.New(key)
	conn := store.Connectors{gears.Mastodon: mastodon.New(nil)}
	accts := store.NewAccountService(db, v, conn)
	postsSvc := store.NewPostService(db, conn)
	// Without a job client the store cannot schedule: insert-only, as the
	// binary's own client will work the jobs.
	storetest.InsertOnlyJobs(t, db)
	u, err := store.NewUserService(db).CreateUser(ctx, gears.UserCreate{Email: "owner@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	as := gears.NewContextWithUser(ctx, u)
	ws, err := store.NewWorkspaceService(db).CreateWorkspace(as, gears.WorkspaceCreate{Name: "Crash"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range accounts {
		remote := server.AddAccount(fmt.Sprintf("brand%d", i))
		a, err := accts.ConnectAccount(as, ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: server.URL, AccessToken: remote.Token})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	start := time.Now().Add(8*time.Second + time.Duration(posts)*10*time.Millisecond)
	for i := range posts {
		at := start.Add(window * time.Duration(i) / time.Duration(posts))
		if _, err := postsSvc.CreatePost(as, ws.ID, gears.PostInput{Text: fmt.Sprintf("Crash-proof post %d", i), AccountIDs: []int64{ids[i%accounts]}, ScheduledAt: &at}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	logs, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	run := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--log-level", "warn")
		cmd.Env = append(os.Environ(), "GEARS_SECRET_KEY="+base64.StdEncoding.EncodeToString(key), "GEARS_JOB_RESCUE_AFTER=4s")
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	cmd := run()
	time.Sleep(time.Until(start) + time.Second)
	for kill := range 5 {
		time.Sleep(time.Duration(1500+kill*400) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		fmt.Fprintf(logs, "--- killed (%d) ---\n", kill+1)
		cmd = run()
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()

	// Wait until every post has settled, reading the database as the
	// server runs.
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	postsSvc = store.NewPostService(db, conn)
	deadline := time.Now().Add(3*time.Minute + window)
	var list []*gears.Post
	for {
		// In slices of ten seconds: a page holds at most 5,000 posts.
		list = nil
		for from := start.Add(-time.Second); from.Before(start.Add(window + time.Second)); from = from.Add(10 * time.Second) {
			to := from.Add(10 * time.Second)
			page, err := postsSvc.FindPosts(as, ws.ID, gears.PostFilter{From: &from, To: &to})
			if err != nil {
				t.Fatal(err)
			}
			list = append(list, page...)
		}
		settled := 0
		for _, p := range list {
			if p.Status == gears.PostPublished || p.Status == gears.PostFailed {
				settled++
			}
		}
		if settled == len(list) {
			break
		}
		if time.Now().After(deadline) {
			logData, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
			t.Fatalf("%d of %d posts settled after the crashes\n%s", settled, len(list), tail(logData, 3000))
		}
		time.Sleep(500 * time.Millisecond)
	}
	if len(list) != posts {
		t.Fatalf("%d posts, want %d", len(list), posts)
	}
	onServer := map[string]int{}
	for i := range accounts {
		for _, s := range server.Statuses(fmt.Sprint(i + 1)) {
			onServer[s.Text]++
		}
	}
	published, failed := 0, 0
	for _, p := range list {
		n := onServer[p.Text]
		switch p.Status {
		case gears.PostPublished:
			published++
			if n != 1 {
				t.Errorf("%q is on the server %d times", p.Text, n)
			}
		case gears.PostFailed:
			failed++
			if n != 0 || p.Deliveries[0].Error == "" {
				t.Errorf("%q failed (%q) but is on the server %d times", p.Text, p.Deliveries[0].Error, n)
			}
		}
	}
	t.Logf("after 5 kills: %d published once, %d failed with a reason, %d statuses on the server", published, failed, len(onServer))
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
