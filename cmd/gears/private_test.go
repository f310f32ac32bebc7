package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gears"
	"gears/store"
)

// TestFeedsReachPublicAddressesOnly saves a feed on this machine in a
// Gears with the default configuration: the poll is refused before any
// request leaves, and the saved search says why.
func TestFeedsReachPublicAddressesOnly(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Internal</title><item><title>secret</title><guid>1</guid></item></channel></rss>`))
	}))
	defer internal.Close()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Workers = 5
	cfg.PollEvery = 300 * time.Millisecond
	m := boot(t, cfg)
	owner := createUser(t, m, "olga@example.com", "Olga Owner")
	ws := createWorkspace(t, m, owner, "Café Aurora")
	ctx := gears.NewContextWithUser(context.Background(), owner)
	listening := store.NewListeningService(m.DB, m.Accounts)
	search, err := listening.CreateSearch(ctx, ws.ID, gears.SavedSearch{Kind: gears.SearchFeed, Query: internal.URL + "/feed.xml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the feed's poll", func() bool {
		s, err := listening.FindSearch(ctx, ws.ID, search.ID)
		return err == nil && s.Error != ""
	})
	s, _ := listening.FindSearch(ctx, ws.ID, search.ID)
	if !strings.Contains(s.Error, "not a public one") {
		t.Errorf("the saved search says %q", s.Error)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server on this machine was reached %d times", n)
	}
}
