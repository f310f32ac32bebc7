// Package store keeps Gears' data in SQLite (embedded, the default) or
// PostgreSQL, behind one contract: the services of package gears. SQL lives
// here and nowhere else; the few differences between the two dialects are
// in this file and in the per-dialect migrations.
//
// Permissions are checked here, once, by authorize, before any read or
// write of a workspace's data.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"gears"
)

// Dialect names the SQL database in use.
type Dialect string

// The dialects Gears speaks.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// JobInserter inserts background jobs inside a transaction; River's client
// is one.
type JobInserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// DB is an open Gears database.
type DB struct {
	db      *sql.DB
	pool    *pgxpool.Pool // PostgreSQL only: River's listener uses it
	dialect Dialect
	now     func() time.Time

	// Jobs inserts the jobs that rows need, in the rows' transaction. It is
	// set once the job client exists (package jobs), before serving.
	Jobs JobInserter

	stmts sync.Map // query → *sql.Stmt, prepared once (statement)
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL; empty means SQLite in DataDir.
	URL string
	// DataDir is the folder of the SQLite database file.
	DataDir string
	// MaxConns caps PostgreSQL connections (0: 40).
	MaxConns int32
}

// Open opens (and creates, for SQLite) the database. It does not migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.URL != "" {
		return openPostgres(ctx, o)
	}
	return openSQLite(ctx, o.DataDir)
}

func openSQLite(ctx context.Context, dir string) (*DB, error) {
	if dir == "" {
		return nil, errors.New("open sqlite: no data folder")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	path := filepath.Join(dir, "gears.db")
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_pragma=cache_size(-65536)&_pragma=mmap_size(1073741824)&_txlock=immediate"
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One connection: SQLite has one writer, and River needs it so (see
	// STACK.md). Inside a transaction, everything must use that transaction.
	sqldb.SetMaxOpenConns(1)
	sqldb.SetConnMaxIdleTime(0)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{db: sqldb, dialect: SQLite, now: time.Now}, nil
}

func openPostgres(ctx context.Context, o Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(o.URL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: bad GEARS_DATABASE_URL: %w", err)
	}
	// pgx's default (4 on a 2-core machine) starves the publishing
	// workers: each attempt holds a connection twice, briefly.
	cfg.MaxConns = 40
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s@%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, err)
	}
	return &DB{db: stdlib.OpenDBFromPool(pool), pool: pool, dialect: Postgres, now: time.Now}, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmts.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
	err := db.db.Close()
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}

// Dialect returns the database in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the underlying database/sql handle, for River and for tests.
func (db *DB) SQL() *sql.DB { return db.db }

// RiverDriver returns the River driver for this database. Both take
// *sql.Tx, so jobs are inserted with the same transaction type on both.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if db.dialect == Postgres {
		return riverdatabasesql.NewWithPgxListener(db.db, db.pool)
	}
	return riversqlite.New(db.db)
}

// SetNow replaces the clock, for tests.
func (db *DB) SetNow(now func() time.Time) { db.now = now }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// rebind turns the ? placeholders of portable SQL into PostgreSQL's $n.
// Queries in this package never hold a literal question mark.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Rebind writes the ? placeholders of portable SQL as the database's
// dialect wants them, for tools and tests that run SQL of their own.
func (db *DB) Rebind(q string) string { return db.rebind(q) }

// Tx is a transaction; its methods take portable SQL.
type Tx struct {
	tx  *sql.Tx
	db  *DB
	ctx context.Context
}

// InTx runs fn in a transaction, committed when fn returns nil and rolled
// back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqltx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return gears.Internal("begin: %w", err)
	}
	tx := &Tx{tx: sqltx, db: db, ctx: ctx}
	if err := fn(tx); err != nil {
		sqltx.Rollback()
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return gears.Internal("commit: %w", err)
	}
	return nil
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, tx.db.rebind(q), args...)
}

func (tx *Tx) query(q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.ctx, tx.db.rebind(q), args...)
}

// insertReturningID makes an INSERT statement give the new row's ID:
// RETURNING on PostgreSQL; on SQLite the connection's last insert ID,
// which spares SQLite the temporary table RETURNING costs it (it counts
// when a batch inserts hundreds of rows).
func (db *DB) insertReturningID(q string) string {
	if db.dialect == Postgres {
		return q + ` RETURNING id`
	}
	return q
}

// execReturningID runs a statement made by insertReturningID and returns
// the new row's ID.
func (db *DB) execReturningID(tx *Tx, stmt *sql.Stmt, args ...any) (int64, error) {
	var id int64
	if db.dialect == Postgres {
		err := stmt.QueryRowContext(tx.ctx, args...).Scan(&id)
		return id, err
	}
	res, err := stmt.ExecContext(tx.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// prepareAll prepares queries once for the database, outside any
// transaction (SQLite's one connection is free then), so that
// Tx.statement finds them: the hot statements of ingestion are parsed once
// per process, not once per transaction.
func (db *DB) prepareAll(ctx context.Context, queries ...string) error {
	for _, q := range queries {
		q = db.rebind(q)
		if _, ok := db.stmts.Load(q); ok {
			continue
		}
		s, err := db.db.PrepareContext(ctx, q)
		if err != nil {
			return gears.Internal("prepare: %w", err)
		}
		if _, loaded := db.stmts.LoadOrStore(q, s); loaded {
			s.Close()
		}
	}
	return nil
}

// statement returns q, which prepareAll prepared, bound to this
// transaction (or prepared for it alone when it was not). It closes with
// the transaction.
func (tx *Tx) statement(q string) (*sql.Stmt, error) {
	q = tx.db.rebind(q)
	if s, ok := tx.db.stmts.Load(q); ok {
		return tx.tx.StmtContext(tx.ctx, s.(*sql.Stmt)), nil
	}
	return tx.tx.PrepareContext(tx.ctx, q)
}

// prepare compiles q once for many executions in this transaction (the
// statement closes with it).
func (tx *Tx) prepare(q string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(tx.ctx, tx.db.rebind(q))
}

func (tx *Tx) queryRow(q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.ctx, tx.db.rebind(q), args...)
}

// Enqueue inserts a background job in this transaction: the job exists if
// and only if the transaction commits.
func (tx *Tx) Enqueue(args river.JobArgs, opts *river.InsertOpts) error {
	if tx.db.Jobs == nil {
		return gears.Internal("enqueue %s: no job client", args.Kind())
	}
	if _, err := tx.db.Jobs.InsertTx(tx.ctx, tx.tx, args, opts); err != nil {
		return gears.Internal("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// now returns the clock's time, truncated to the millisecond we store.
func (tx *Tx) now() time.Time { return tx.db.now().UTC().Truncate(time.Millisecond) }

// Times are stored as Unix milliseconds in both dialects.
func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func nullMillis(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// scanner is a *sql.Row or *sql.Rows.
type scanner = interface{ Scan(...any) error }

// queryPrepared is queryAll for a query prepareAll prepared.
func queryPrepared[T any](tx *Tx, what string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	stmt, err := tx.statement(q)
	if err != nil {
		return nil, gears.Internal("%s: %w", what, err)
	}
	rows, err := stmt.QueryContext(tx.ctx, args...)
	return collect(rows, err, what, scan)
}

// queryAll runs q and scans every row with scan; what names the query in
// errors.
func queryAll[T any](tx *Tx, what string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := tx.query(q, args...)
	return collect(rows, err, what, scan)
}

// collect scans every row of a query's answer with scan, and closes it.
func collect[T any](rows *sql.Rows, err error, what string, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, gears.Internal("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, gears.Internal("%s: %w", what, err)
	}
	return out, nil
}
