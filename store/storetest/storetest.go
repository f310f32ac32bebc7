// Package storetest opens migrated, throwaway Gears databases for tests:
// SQLite in a temporary folder, and PostgreSQL as a fresh database on the
// server named by GEARS_TEST_POSTGRES_URL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/riverqueue/river"

	"gears/internal/testenv"
	"gears/store"
)

// Dialects are the databases every storage test runs against.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn as a subtest once per dialect, each with its own database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a new, migrated database of dialect d, removed when the
// test ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	ctx := context.Background()
	var opts store.Options
	switch d {
	case store.SQLite:
		opts.DataDir = t.TempDir()
	case store.Postgres:
		opts.URL = NewPostgresDatabase(t)
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	InsertOnlyJobs(t, db)
	return db
}

// InsertOnlyJobs gives db a River client that inserts jobs (in the
// store's transactions) and works none: tests that need workers start
// their own with package jobs.
func InsertOnlyJobs(t testing.TB, db *store.DB) {
	t.Helper()
	c, err := river.NewClient(db.RiverDriver(), &river.Config{})
	if err != nil {
		t.Fatalf("job client: %v", err)
	}
	db.Jobs = c
}

// NewPostgresDatabase creates an empty database on the test server and
// returns its URL; the database is dropped when the test ends.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	base := testenv.PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := make([]byte, 6)
	rand.Read(b)
	name := "gears_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		testenv.Missing(t, "PostgreSQL", "cannot create a database at "+base+": "+err.Error())
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("bad %s: %v", testenv.PostgresURLVar, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Exec runs portable SQL (with ? placeholders) on db, in either dialect,
// for tests that write rows other parts of Gears write. A statement with
// RETURNING returns the id it gives; others return 0.
func Exec(t testing.TB, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	q = db.Rebind(q)
	var id int64
	if strings.Contains(q, "RETURNING") {
		if err := db.SQL().QueryRow(q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	if _, err := db.SQL().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return 0
}
