package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"gears"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/store"
)

// TestInboxAcrossRestarts reads mentions with a whole Gears, stops it,
// lets more mentions arrive while it is down, starts it again on the same
// data, and checks that every mention is in the inbox exactly once: the
// cursor is durable, and what is read twice is not stored twice.
func TestInboxAcrossRestarts(t *testing.T) {
	t.Parallel()
	masto := mastodontest.New(t, mastodontest.Config{})
	brand := masto.AddAccount("aurora")
	reader := masto.AddAccount("marta")
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Workers = 5
	cfg.PollEvery = 300 * time.Millisecond
	cfg.SecretKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // the same key across the restart
	start := func() *Main {
		var logs bytes.Buffer
		m := NewMain(cfg, slog.New(slog.NewTextHandler(&lockedBuffer{b: &logs}, &slog.HandlerOptions{Level: slog.LevelWarn})))
		m.Connectors = store.Connectors{gears.Mastodon: mastodon.New(nil)}
		if err := m.Open(context.Background()); err != nil {
			m.Close()
			t.Fatalf("open: %v\n%s", err, logs.String())
		}
		return m
	}
	count := func(m *Main) (messages, distinct int) {
		t.Helper()
		err := m.DB.SQL().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT remote_id) FROM messages`).Scan(&messages, &distinct)
		if err != nil {
			t.Fatal(err)
		}
		return messages, distinct
	}

	m := start()
	owner := createUser(t, m, "olga@example.com", "Olga Owner")
	ws := createWorkspace(t, m, owner, "Café Aurora")
	ctx := gears.NewContextWithUser(context.Background(), owner)
	connectMastodon(t, m, ctx, ws, masto, brand)
	waitAccountPolled(t, m, ws.ID)
	for i := range 30 {
		masto.Mention(reader.ID, fmt.Sprintf("@aurora question %d", i), mastodontest.StatusOptions{})
	}
	waitFor(t, "the first 30 mentions", func() bool { n, _ := count(m); return n >= 30 })
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	// While Gears is down, 90 more (more than one page of notifications).
	for i := range 90 {
		masto.Mention(reader.ID, fmt.Sprintf("@aurora later question %d", i), mastodontest.StatusOptions{})
	}
	m = start()
	defer m.Close()
	waitFor(t, "the 90 mentions made while Gears was down", func() bool { n, _ := count(m); return n >= 120 })
	// Two more polls, the second begun after the one that stored the
	// last mention had ended: nothing more may arrive. Each poll records
	// when it ran in the transaction of what it stored.
	polledAt := func() int64 {
		t.Helper()
		var at int64
		if err := m.DB.SQL().QueryRow(`SELECT inbox_polled_at FROM accounts WHERE workspace_id = ?`, ws.ID).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	for range 2 {
		last := polledAt()
		waitFor(t, "one more poll", func() bool { return polledAt() > last })
	}
	if n, distinct := count(m); n != 120 || distinct != 120 {
		t.Fatalf("after the restart: %d messages (%d distinct), want 120", n, distinct)
	}
}
