package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The schema is the files in migrations/, NNN_name.sql, applied in order and each once. A
// small runner rather than golang-migrate or goose: there are a few files, they only ever go
// forward (a shard never downgrades a shared database, and a mistake is mended by the next
// file), and the runner is a page of code instead of another dependency tree. It applies
// each file in its own transaction together with its schema_version row, so a file is applied
// wholly or not at all, and a failure leaves the files before it in place.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the pg_advisory_lock key the runner holds while it migrates ("footbot" in
// ASCII), so that shards starting at once take turns: the first applies the files, the others
// then find them applied. Advisory locks are per database, so it only orders shards sharing one.
const migrationLock int64 = 0x666f6f74626f74

// migrationTimeout bounds the whole run when the caller's context does not: waiting for
// another shard's migration, and applying the files. It is generous because a migration may
// rewrite a table; a shard that waits longer is better restarted than left hanging.
const migrationTimeout = 2 * time.Minute

type migration struct {
	version int
	name    string // the file name, recorded in schema_version
	sql     string
}

var migrationName = regexp.MustCompile(`^(\d{3})_[a-z0-9_]+\.sql$`)

// loadMigrations reads the migrations in fsys, in order of version. A file that is not named
// NNN_name.sql, or a version used twice, is an error: both are mistakes a test catches before
// a shard does.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	files, err := fs.Glob(fsys, "migrations/*")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, f := range files {
		name := path.Base(f)
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("migration %s: not named NNN_name.sql", name)
		}
		sql, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		version, _ := strconv.Atoi(m[1])
		ms = append(ms, migration{version: version, name: name, sql: string(sql)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrate applies the embedded migrations the database lacks and returns the schema's version.
func migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) (int, error) {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, errors.New("no migrations embedded")
	}
	return applyMigrations(ctx, pool, ms, log)
}

func applyMigrations(ctx context.Context, pool *pgxpool.Pool, ms []migration, log *slog.Logger) (version int, err error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, migrationTimeout)
		defer cancel()
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	// A session lock, not a transaction's: it must span the files' several transactions.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return 0, fmt.Errorf("wait for other shards' migrations: %w", err)
	}
	defer func() {
		unlock, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.Exec(unlock, "SELECT pg_advisory_unlock($1)", migrationLock); uerr != nil {
			// A connection still holding the lock must not go back to the pool, where it would
			// keep every other shard waiting: closing it ends the session and frees the lock.
			conn.Conn().Close(unlock)
			err = errors.Join(err, fmt.Errorf("release the migration lock: %w", uerr))
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    integer PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return 0, fmt.Errorf("create schema_version: %w", err)
	}
	rows, err := conn.Query(ctx, "SELECT version FROM schema_version")
	if err != nil {
		return 0, fmt.Errorf("read schema_version: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return 0, fmt.Errorf("read schema_version: %w", err)
	}
	if len(applied) > 0 {
		version = slices.Max(applied)
	}
	for _, m := range ms {
		if slices.Contains(applied, m.version) {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", m.version, m.name)
			return err
		})
		if err != nil {
			return version, fmt.Errorf("apply %s: %w", m.name, err)
		}
		log.Info("applied database migration", "migration", m.name)
		version = max(version, m.version)
	}
	if known := ms[len(ms)-1].version; version > known {
		// A newer shard has migrated further during a rolling upgrade. Migrations are written to
		// keep older shards working (they add; they do not drop or rename), so this one goes on
		// with the tables it knows.
		log.Warn("the database schema is newer than this footbot", "schema_version", version, "known", known)
	}
	return version, nil
}
