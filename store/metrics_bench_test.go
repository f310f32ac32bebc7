package store_test

import (
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

// BenchmarkRecordPostReadings stores what one metrics job writes: the
// readings of MetricsBatch (200) posts, each with its snapshot, latest
// counts and growth in the daily roll-up, in one transaction (SQLite).
func BenchmarkRecordPostReadings(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ws, acct, now := benchAccount(b, db)
	m := store.NewMetricsService(db, nil)
	ids, err := store.SeedPublishedForTest(db, ws, acct, store.MetricsBatch, now)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.MetricsRound(mctx); err != nil {
		b.Fatal(err)
	}
	at := now
	b.ResetTimer()
	for i := range b.N {
		at = at.Add(time.Minute)
		rs := make([]store.PostReadingResult, len(ids))
		for j, id := range ids {
			rs[j] = store.PostReadingResult{DeliveryID: id, ReadAt: at,
				Reading: gears.PostReading{Counts: gears.PostCounts{Replies: int64(i), Reposts: int64(j), Likes: int64(i + j), Quotes: 1}}}
		}
		if err := m.RecordPostReadings(mctx, rs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMetricsRound runs the round over 10,000 published deliveries
// of one account, all of them with rows already (the steady state).
func BenchmarkMetricsRound(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ws, acct, now := benchAccount(b, db)
	m := store.NewMetricsService(db, nil)
	if _, err := store.SeedPublishedForTest(db, ws, acct, 10000, now); err != nil {
		b.Fatal(err)
	}
	if _, err := m.MetricsRound(mctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := m.MetricsRound(mctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchAccount makes a workspace with a Mastodon account, and sets the
// database's clock.
func benchAccount(b *testing.B, db *store.DB) (ws, acct int64, now time.Time) {
	b.Helper()
	now = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	db.SetNow(func() time.Time { return now })
	u, err := store.NewUserService(db).CreateUser(mctx, gears.UserCreate{Email: "bench@example.com", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	w, err := store.NewWorkspaceService(db).CreateWorkspace(as(u), gears.WorkspaceCreate{Name: "Bench", Timezone: "Europe/Madrid"})
	if err != nil {
		b.Fatal(err)
	}
	if acct, err = store.InsertAccountForTest(db, w.ID, gears.Mastodon, "@bench@example.social"); err != nil {
		b.Fatal(err)
	}
	return w.ID, acct, now
}
