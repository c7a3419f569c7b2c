package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/footbot/footbot/internal/pgtest"
)

// schemaVersions reads schema_version as "version name" lines.
func schemaVersions(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT version || ' ' || name FROM schema_version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// embeddedVersions is what schema_version must hold once Open has run: every file, once.
func embeddedVersions(t *testing.T) []string {
	t.Helper()
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range ms {
		want = append(want, strconv.Itoa(m.version)+" "+m.name)
	}
	return want
}

func TestOpeningTwiceMigratesOnce(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	for i := range 2 {
		db, err := Open(context.Background(), url, discard)
		if err != nil {
			t.Fatalf("Open %d: %v", i+1, err)
		}
		if got, want := schemaVersions(t, db.pool), embeddedVersions(t); !slices.Equal(got, want) {
			t.Errorf("after Open %d schema_version = %q, want %q", i+1, got, want)
		}
		db.Close()
	}
}

// TestShardsStartingAtOnceMigrateOnce: the advisory lock makes shards take turns, so none
// fails on a table another is creating, and each file is applied once. They also end up with
// one salt.
func TestShardsStartingAtOnceMigrateOnce(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	const shards = 6
	var wg sync.WaitGroup
	dbs := make([]*DB, shards)
	salts := make([][]byte, shards)
	errs := make([]error, shards)
	for i := range shards {
		wg.Go(func() {
			if dbs[i], errs[i] = Open(context.Background(), url, discard); errs[i] != nil {
				return
			}
			var f *Feedback
			if f, errs[i] = dbs[i].Feedback(context.Background()); errs[i] == nil {
				salts[i] = f.salt
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	if got, want := schemaVersions(t, dbs[0].pool), embeddedVersions(t); !slices.Equal(got, want) {
		t.Errorf("schema_version = %q, want %q", got, want)
	}
	for i := range salts {
		if string(salts[i]) != string(salts[0]) {
			t.Errorf("shard %d has another salt: they would count one person twice", i)
		}
	}
}

// TestAFailedMigrationLeavesTheFilesBeforeIt: each file is its own transaction, so a broken one
// is rolled back whole (its first statement too), the ones before it stay, and a fixed file is
// applied by the next start: the lock was released.
func TestAFailedMigrationLeavesTheFilesBeforeIt(t *testing.T) {
	srv := pgtest.Start(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, srv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	good := migration{version: 1, name: "001_a.sql", sql: "CREATE TABLE a (x int);"}
	broken := migration{version: 2, name: "002_b.sql", sql: "CREATE TABLE b (x int); SELECT 1/0;"}
	if _, err := applyMigrations(ctx, pool, []migration{good, broken}, discard); err == nil || !strings.Contains(err.Error(), "002_b.sql") {
		t.Fatalf("applying a broken migration: %v, want an error naming it", err)
	}
	if got := schemaVersions(t, pool); !slices.Equal(got, []string{"1 001_a.sql"}) {
		t.Errorf("schema_version = %q, want only 001", got)
	}
	var b *string
	if err := pool.QueryRow(ctx, `SELECT to_regclass('b')::text`).Scan(&b); err != nil || b != nil {
		t.Errorf("table b of the broken migration: %v, %v; want it rolled back", b, err)
	}
	fixed := migration{version: 2, name: "002_b.sql", sql: "CREATE TABLE b (x int);"}
	version, err := applyMigrations(ctx, pool, []migration{good, fixed}, discard)
	if err != nil || version != 2 {
		t.Fatalf("after the fix: version %d, %v", version, err)
	}
	if got := schemaVersions(t, pool); len(got) != 2 {
		t.Errorf("schema_version = %q, want both", got)
	}
	// A shard that knows fewer files than the database has (a rolling upgrade) still starts.
	if version, err := applyMigrations(ctx, pool, []migration{good}, discard); err != nil || version != 2 {
		t.Errorf("an older shard: version %d, %v; want 2 and no error", version, err)
	}
}

func TestMigrationsAreNamedAndNumberedOnce(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	ms, err := loadMigrations(fstest.MapFS{
		"migrations/010_later.sql": file, "migrations/002_b.sql": file, "migrations/001_a.sql": file,
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, m := range ms {
		order = append(order, m.name)
	}
	if got := strings.Join(order, " "); got != "001_a.sql 002_b.sql 010_later.sql" {
		t.Errorf("order %s", got)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no number":      {"migrations/feedback.sql": file},
		"short number":   {"migrations/1_feedback.sql": file},
		"not sql":        {"migrations/003_notes.txt": file},
		"version reused": {"migrations/001_a.sql": file, "migrations/001_b.sql": file},
	} {
		if _, err := loadMigrations(fsys); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := loadMigrations(migrationFiles); err != nil {
		t.Errorf("the embedded migrations: %v", err)
	}
}
