package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations
var migrations embed.FS

// migrationLock is the PostgreSQL advisory lock that serialises migrations
// when several replicas start at once.
const migrationLock = 0x6765617273 // "gears"

// Migrate applies Gears' migrations that have not run yet, each in its own
// transaction and recorded in schema_migrations, then River's. On
// PostgreSQL an advisory lock makes concurrent callers wait their turn.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return nil, fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	files, err := migrationFiles(db.dialect)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		ok, err := db.applyMigration(ctx, conn, f)
		if err != nil {
			return applied, err
		}
		if ok {
			applied = append(applied, f.name)
		}
	}
	// River's tables. Its PostgreSQL migrations cannot share one
	// transaction (they add enum values and then use them), so each runs in
	// its own; the advisory lock held on conn still keeps replicas apart.
	// SQLite has a single connection: release it to River first.
	if db.dialect == SQLite {
		conn.Close()
	}
	migrator, err := rivermigrate.New(db.RiverDriver(), nil)
	if err != nil {
		return applied, fmt.Errorf("migrate river: %w", err)
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return applied, fmt.Errorf("migrate river: %w", err)
	}
	for _, v := range res.Versions {
		applied = append(applied, fmt.Sprintf("river %03d %s", v.Version, v.Name))
	}
	return applied, nil
}

type migrationFile struct {
	version int
	name    string
	sql     string
}

func migrationFiles(d Dialect) ([]migrationFile, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var files []migrationFile
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migrate: badly named migration %s", e.Name())
		}
		b, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		files = append(files, migrationFile{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].version < files[j].version })
	for i := range files {
		if files[i].version != i+1 {
			return nil, fmt.Errorf("migrate: migration %s is out of sequence", files[i].name)
		}
	}
	return files, nil
}

func (db *DB) applyMigration(ctx context.Context, conn *sql.Conn, f migrationFile) (bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate %s: %w", f.name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, db.rebind("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), f.version).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate %s: %w", f.name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, f.sql); err != nil {
		return false, fmt.Errorf("migrate %s: %w", f.name, err)
	}
	if _, err := tx.ExecContext(ctx, db.rebind("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"), f.version, f.name); err != nil {
		return false, fmt.Errorf("migrate %s: %w", f.name, err)
	}
	return true, tx.Commit()
}
