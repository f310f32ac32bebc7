package jobs_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"gears/jobs"
	"gears/store"
	"gears/store/storetest"
)

type countArgs struct {
	N int `json:"n"`
}

func (countArgs) Kind() string { return "test_count" }

type countWorker struct {
	river.WorkerDefaults[countArgs]
	mu   *sync.Mutex
	runs map[int]int
	done *atomic.Int64
}

func (w *countWorker) Work(ctx context.Context, job *river.Job[countArgs]) error {
	w.mu.Lock()
	w.runs[job.Args.N]++
	w.mu.Unlock()
	w.done.Add(1)
	return nil
}

// TestEnqueueFollowsTheTransaction proves a job exists if and only if the
// transaction that inserted it commits, on both databases.
func TestEnqueueFollowsTheTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		runs := map[int]int{}
		var done atomic.Int64
		c, err := jobs.New(jobs.Config{DB: db, NoPeriodic: true, PollInterval: 50 * time.Millisecond,
			Register: func(w *river.Workers) { river.AddWorker(w, &countWorker{mu: &mu, runs: runs, done: &done}) }})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Enqueue(countArgs{N: 1}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(countArgs{N: 2}, nil) }); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer c.Stop(context.Background())
		waitFor(t, func() bool { return done.Load() == 1 })
		// The rolled-back job is not waiting somewhere to run later: the
		// committed one is the only job there is.
		var jobsStored int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job`).Scan(&jobsStored); err != nil {
			t.Fatal(err)
		}
		if jobsStored != 1 {
			t.Errorf("%d jobs stored, want only the committed one", jobsStored)
		}
		mu.Lock()
		defer mu.Unlock()
		if runs[1] != 0 || runs[2] != 1 {
			t.Errorf("runs = %v, want only job 2, once", runs)
		}
	})
}

// TestReplicasShareJobs starts two job clients on one PostgreSQL database,
// as two `gears serve` replicas would, and proves every job runs exactly once.
func TestReplicasShareJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewPostgresDatabase(t)
	const n = 300
	var mu sync.Mutex
	runs := map[int]int{}
	var done atomic.Int64
	perReplica := make([]*atomic.Int64, 2)
	giveUp := time.Now().Add(waitTimeout / 2) // before waitFor gives up on the jobs
	var clients []*jobs.Client
	var first *store.DB
	for i := range 2 {
		db, err := store.Open(ctx, store.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		perReplica[i] = new(atomic.Int64)
		mine := perReplica[i]
		c, err := jobs.New(jobs.Config{DB: db, NoPeriodic: true, MaxWorkers: 10, PollInterval: 20 * time.Millisecond,
			Register: func(w *river.Workers) {
				river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[countArgs]) error {
					mu.Lock()
					runs[job.Args.N]++
					mu.Unlock()
					mine.Add(1)
					done.Add(1)
					// A job holds its worker until the other replica has
					// taken a job too (or until giveUp): however late one
					// replica starts fetching on a loaded machine, the
					// other cannot finish every job first. A replica that
					// never fetches still fails the test.
					for perReplica[0].Load() == 0 || perReplica[1].Load() == 0 {
						if time.Now().After(giveUp) || ctx.Err() != nil {
							break
						}
						time.Sleep(2 * time.Millisecond)
					}
					return nil
				}))
			}})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
		if first == nil {
			first = db
		}
	}
	for _, c := range clients {
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer c.Stop(context.Background())
	}
	err := first.InTx(ctx, func(tx *store.Tx) error {
		for i := range n {
			if err := tx.Enqueue(countArgs{N: i}, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return done.Load() >= n })
	// Every job completed: none is left to run a second time.
	waitFor(t, func() bool {
		var left int
		if err := first.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE state <> 'completed'`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		return left == 0
	})
	mu.Lock()
	defer mu.Unlock()
	for i := range n {
		if runs[i] != 1 {
			t.Errorf("job %d ran %d times", i, runs[i])
		}
	}
	if perReplica[0].Load() == 0 || perReplica[1].Load() == 0 {
		t.Errorf("one replica did all the work: %d and %d", perReplica[0].Load(), perReplica[1].Load())
	}
}

// waitTimeout bounds every wait for the workers: generous, for CI's two
// shared cores, where every package's tests run at once.
const waitTimeout = time.Minute

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
