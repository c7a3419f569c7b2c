package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/footbot/footbot/internal/kbedit"
)

// Knowledge is the knowledge store every shard shares (a kbedit.Store): the files of each
// version, the version in service and the change log, in PostgreSQL. A commit notifies the
// other shards on channel knowledgeChannel.
type Knowledge struct {
	db *DB
}

// Knowledge returns the knowledge store in db. Its errors name the database, never the password,
// as the feedback store's do.
func (db *DB) Knowledge() *Knowledge { return &Knowledge{db: db} }

// knowledgeChannel is the LISTEN/NOTIFY channel a commit announces its version on.
const knowledgeChannel = "footbot_knowledge"

// Label names the database in messages and problems: "postgres/faq.yaml:12: ...".
func (k *Knowledge) Label() string { return "postgres" }

// Latest returns the version in service, or a Version without files if none is stored yet.
func (k *Knowledge) Latest(ctx context.Context) (kbedit.Version, error) {
	id, err := k.CurrentVersion(ctx)
	if err != nil || id == "" {
		return kbedit.Version{}, err
	}
	return k.Get(ctx, id)
}

// CurrentVersion returns the version in service ("" if none), without its files: what a shard
// compares with its own to know whether it missed a change.
func (k *Knowledge) CurrentVersion(ctx context.Context) (string, error) {
	id, err := currentVersion(ctx, k.db.pool)
	if err != nil {
		return "", k.db.fail("read the knowledge version", err)
	}
	return id, nil
}

// currentVersion reads the version in service through db: the pool, or the connection that
// listens for changes.
func currentVersion(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (string, error) {
	var id string
	err := db.QueryRow(ctx, `SELECT version FROM kb_current`).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return id, nil
}

// Get returns the files of a stored version.
func (k *Knowledge) Get(ctx context.Context, version string) (kbedit.Version, error) {
	rows, err := k.db.pool.Query(ctx, `SELECT name, content FROM kb_files WHERE version = $1`, version)
	if err != nil {
		return kbedit.Version{}, k.db.fail("read knowledge version "+version, err)
	}
	v := kbedit.Version{ID: version, Files: map[string][]byte{}}
	var name string
	var content []byte
	_, err = pgx.ForEachRow(rows, []any{&name, &content}, func() error {
		v.Files[name] = content
		return nil
	})
	if err != nil {
		return kbedit.Version{}, k.db.fail("read knowledge version "+version, err)
	}
	if len(v.Files) == 0 {
		return kbedit.Version{}, fmt.Errorf("%w: %s", kbedit.ErrUnknownVersion, version)
	}
	return v, nil
}

// Commit stores to as the version in service, its files, and c, in one transaction, and
// notifies the other shards when it commits. It checks, with the current row locked, that the
// version in service is still from: two moderators on two shards cannot both win.
func (k *Knowledge) Commit(ctx context.Context, from, to kbedit.Version, c kbedit.Change) error {
	err := pgx.BeginFunc(ctx, k.db.pool, func(tx pgx.Tx) error {
		var cur string
		err := tx.QueryRow(ctx, `SELECT version FROM kb_current FOR UPDATE`).Scan(&cur)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if cur != from.ID {
			return kbedit.ErrConflict
		}
		tag, err := tx.Exec(ctx, `INSERT INTO kb_versions (version) VALUES ($1) ON CONFLICT DO NOTHING`, to.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 { // a version seen before already has its files
			for name, data := range to.Files {
				if _, err := tx.Exec(ctx, `INSERT INTO kb_files (version, name, content) VALUES ($1, $2, $3)`, to.ID, name, data); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO kb_current (only_row, version, changed_at) VALUES (true, $1, $2)
			ON CONFLICT (only_row) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at`, to.ID, c.Time); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO kb_changes (at, user_id, action, entry, question, file, line, from_version, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.Time, c.User, c.Action, c.Entry, c.Question, c.File, c.Line, c.From, c.Version); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, knowledgeChannel, to.ID) // delivered at commit
		return err
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" { // two first commits at once: the other won
		return kbedit.ErrConflict
	}
	if err != nil && !errors.Is(err, kbedit.ErrConflict) {
		return k.db.fail("store the knowledge", err)
	}
	return err
}

// History returns the last n changes, newest first.
func (k *Knowledge) History(ctx context.Context, n int) ([]kbedit.Change, error) {
	rows, err := k.db.pool.Query(ctx, `SELECT at, user_id, action, entry, question, file, line, from_version, version
		FROM kb_changes ORDER BY id DESC LIMIT $1`, n)
	if err != nil {
		return nil, k.db.fail("read the change log", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kbedit.Change, error) {
		var c kbedit.Change
		err := row.Scan(&c.Time, &c.User, &c.Action, &c.Entry, &c.Question, &c.File, &c.Line, &c.From, &c.Version)
		return c, err
	})
	if err != nil {
		return nil, k.db.fail("read the change log", err)
	}
	return out, nil
}

// Seed stores files as the first version if the database holds none: the first shard to start
// with an empty database imports its knowledge folder (or the built-in knowledge). It reports
// whether this call stored them; a shard that loses the race to another just reads theirs.
func (k *Knowledge) Seed(ctx context.Context, files map[string][]byte, version string, at time.Time) (bool, error) {
	c := kbedit.Change{Time: at, User: "footbot", Action: "first import", Version: version}
	err := k.Commit(ctx, kbedit.Version{}, kbedit.Version{ID: version, Files: files}, c)
	if errors.Is(err, kbedit.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

// Follow calls changed with the version in service whenever a shard commits one, and also every
// poll and after every reconnection, so that a notification lost with a dropped connection is
// made up for within poll. It returns when ctx ends. changed is called from one goroutine.
func (k *Knowledge) Follow(ctx context.Context, poll time.Duration, log *slog.Logger, changed func(version string)) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := k.listen(ctx, poll, changed)
		if ctx.Err() != nil {
			return
		}
		log.Warn("not hearing knowledge changes from the database; retrying", "error", k.db.fail("listen", err), "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// listen holds one connection with LISTEN until it fails.
func (k *Knowledge) listen(ctx context.Context, poll time.Duration, changed func(string)) error {
	conn, err := k.db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool, and is closed when listen ends: it is LISTENing.
	listener := conn.Hijack()
	defer listener.Close(context.Background())
	if _, err := listener.Exec(ctx, "LISTEN "+knowledgeChannel); err != nil {
		return err
	}
	for {
		// After (re)connecting, and whenever poll passes in silence, ask: a change made while
		// this shard was not listening is found this way.
		v, err := currentVersion(ctx, listener)
		if err != nil {
			return err
		}
		if v != "" {
			changed(v)
		}
		for {
			wait, cancel := context.WithTimeout(ctx, poll)
			n, err := listener.WaitForNotification(wait)
			cancel()
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				break // poll
			}
			if err != nil {
				return err
			}
			changed(n.Payload)
		}
	}
}
