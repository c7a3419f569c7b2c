package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/internal/metrics"
	"github.com/footbot/footbot/internal/postgres"
	"github.com/footbot/footbot/knowledge"
)

// stores is where footbot keeps what changes: the knowledge and the feedback. Without
// DATABASE_URL they are the knowledge folder and a file in DATA_DIR, for one machine; with it,
// PostgreSQL, shared by shards on any number of machines.
type stores struct {
	knowledge kbedit.Store
	folder    *kbedit.Folder      // the folder store; nil with a database
	db        *postgres.DB        // nil without a database
	pg        *postgres.Knowledge // the database's knowledge store; nil without one
}

// openStores opens the stores cfg names. dir is the knowledge folder ("" for the built-in one):
// what a folder store serves, and what an empty database is given first.
func openStores(ctx context.Context, cfg config.Config, dir string, log *slog.Logger) (*stores, error) {
	if cfg.DatabaseURL == "" {
		f := kbedit.NewFolder(dir, cfg.DataDir)
		return &stores{knowledge: f, folder: f}, nil
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	pg := db.Knowledge()
	return &stores{knowledge: pg, db: db, pg: pg}, nil
}

// live loads the latest knowledge and indexes it for answering. An empty database is first given
// the knowledge of dir, or the built-in knowledge: the first shard to start brings it.
func (s *stores) live(ctx context.Context, dir string, log *slog.Logger) (*knowledge.Live, error) {
	if s.pg != nil {
		if err := s.seed(ctx, dir, log); err != nil {
			return nil, err
		}
	}
	v, err := s.knowledge.Latest(ctx)
	if err != nil {
		return nil, err
	}
	return indexed(knowledge.LoadFiles(v.Files, s.knowledge.Label()))
}

// seed stores the knowledge of dir in the database if it holds none yet. The files are validated
// first: a bad folder is never what every shard then loads.
func (s *stores) seed(ctx context.Context, dir string, log *slog.Logger) error {
	if current, err := s.pg.CurrentVersion(ctx); err != nil || current != "" {
		return err
	}
	folder := kbedit.NewFolder(dir, "")
	v, err := folder.Latest(ctx) // the folder's files, or the built-in ones
	if err != nil {
		return err
	}
	if _, err := knowledge.LoadFiles(v.Files, folder.Label()); err != nil {
		return fmt.Errorf("the knowledge to store in the empty database: %w", err)
	}
	stored, err := s.pg.Seed(ctx, v.Files, v.ID, time.Now())
	if stored {
		log.Info("the database held no knowledge: stored this one for every shard", "from", folder.Label(), "version", v.ID)
	}
	return err
}

// feedback opens the feedback store: the database's, behind a queue that keeps writes while it
// is away, or the file in DATA_DIR.
func (s *stores) feedback(ctx context.Context, dataDir string, log *slog.Logger, m *metrics.Metrics) (feedback.Store, error) {
	if s.db == nil {
		store, err := feedback.Open(dataDir)
		if err != nil {
			return nil, fmt.Errorf("feedback store (DATA_DIR): %w", err)
		}
		return store, nil
	}
	store, err := s.db.Feedback(ctx)
	if err != nil {
		return nil, err
	}
	q := feedback.NewQueued(store, log, m.FeedbackDropped)
	m.FeedbackQueue(q.Pending)
	return q, nil
}

// Close closes the database, if there is one.
func (s *stores) Close() error {
	if s.db != nil {
		s.db.Close()
	}
	return nil
}

// openWithRetry is openStores for the bot: a database that cannot be reached at start is tried
// again with a growing pause until ctx ends, each failure logged with the host (never the
// password) and reported through down, so that /healthz can say why the bot is not serving.
func openWithRetry(ctx context.Context, cfg config.Config, dir string, log *slog.Logger, down func(error)) (*stores, error) {
	pause := time.Second
	for {
		s, err := openStores(ctx, cfg, dir, log)
		if err == nil || cfg.DatabaseURL == "" {
			return s, err
		}
		down(err)
		log.Error("database unreachable; trying again", "database", postgres.Redact(cfg.DatabaseURL), "error", err, "retry_in", pause)
		select {
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), err)
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}
