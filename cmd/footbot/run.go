package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/footbot/footbot/bot"
	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/internal/logging"
	"github.com/footbot/footbot/internal/metrics"
	"github.com/footbot/footbot/internal/postgres"
	"github.com/footbot/footbot/internal/watch"
	"github.com/footbot/footbot/knowledge"
)

// Main is "footbot run": the bot with everything around it. Tests start it exactly as main
// does, against the loopback Discord.
type Main struct {
	Config config.Config
	Stderr io.Writer // where logs go
	// DeferAfter is how long an interaction may take before the bot acknowledges it and answers
	// later; 0 is the bot's default, below zero acknowledges every one at once (for tests).
	DeferAfter time.Duration

	log       *slog.Logger
	live      *knowledge.Live
	stores    *stores
	publisher *publisher // with a database and KNOWLEDGE_DIR: how an edited folder reaches every shard
	store     feedback.Store
	editor    *kbedit.Editor
	metrics   *metrics.Metrics
	bot       *bot.Bot

	httpAddr atomic.Value          // string: where /healthz and /metrics listen, once they do
	down     atomic.Pointer[error] // why the database could not be opened, while it cannot
	built    atomic.Bool           // the bot is built: healthy may ask it
}

// HTTPAddr returns the address /healthz and /metrics listen on, or "" before they do.
func (m *Main) HTTPAddr() string {
	addr, _ := m.httpAddr.Load().(string)
	return addr
}

// Run builds the parts and serves until ctx ends or Discord refuses the bot.
func (m *Main) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // what Run started (the database follower, the watcher) ends with it
	cfg := m.Config
	m.log = logging.New(m.Stderr, cfg.LogFormat, cfg.LogLevel, postgres.Secrets(cfg.DatabaseURL, cfg.Token)...)
	bot.RouteLibraryLogs(m.log)
	if cfg.Token == "" {
		return errors.New("no Discord token: create an application at https://discord.com/developers/applications, " +
			"copy the token from its Bot page into DISCORD_TOKEN in .env (see README), and run footbot again")
	}
	m.metrics = metrics.New()
	if cfg.HTTPAddr != "" { // first: /healthz says why the bot is not serving while it starts
		addr, stop, err := metrics.Serve(cfg.HTTPAddr, m.metrics.Handler(m.healthy), m.log)
		if err != nil {
			return err
		}
		m.httpAddr.Store(addr)
		defer stop()
	}
	// A moderator's first change from Discord copies the built-in knowledge into DATA_DIR; from
	// then on that copy is the knowledge, here as in the terminal commands.
	dir := kbedit.EffectiveDir(cfg.KnowledgeDir, cfg.DataDir)
	stores, err := openWithRetry(ctx, cfg, dir, m.log, func(err error) { m.down.Store(&err) })
	if err != nil {
		return err
	}
	m.stores = stores
	m.down.Store(nil)
	live, err := stores.live(ctx, dir, m.log)
	if err != nil {
		return fmt.Errorf("load knowledge: %w", err)
	}
	m.live = live
	m.editor = kbedit.New(live, stores.knowledge)
	m.metrics.Knowledge(len(live.Base().Entries), live.Base().Version)
	m.log.Info("knowledge loaded", "entries", len(live.Base().Entries), "version", live.Base().Version, "from", stores.knowledge.Label())

	if m.store, err = stores.feedback(ctx, cfg.DataDir, m.log, m.metrics); err != nil {
		return err
	}
	switch {
	case stores.pg != nil:
		if cfg.KnowledgeDir != "" {
			if m.publisher, err = newPublisher(cfg.KnowledgeDir, live.Base().Version); err != nil {
				return fmt.Errorf("KNOWLEDGE_DIR: %w", err)
			}
			m.log.Info("the knowledge is the database's: KNOWLEDGE_DIR is not watched; after editing it, /reload here stores it for every shard "+
				"(if it still holds the database's knowledge), as do /kb import, /kb teach and footbot teach", "dir", cfg.KnowledgeDir)
		}
		// Every shard follows the database: a change stored by any of them is put in service here.
		go stores.pg.Follow(ctx, followPoll, m.log, func(version string) {
			if version != m.live.Base().Version {
				m.reload(fromAnotherShard)
			}
		})
	case cfg.WatchKnowledge:
		watchFolder := func(dir string) {
			if err := watch.Start(ctx, dir, watch.Debounce, func() { m.reload("file change") }); err != nil {
				m.log.Warn("not watching the knowledge folder; use /reload after edits", "error", err)
			}
		}
		if dir != "" {
			watchFolder(dir)
		} else {
			stores.folder.OnCopy(watchFolder) // the copy a first change makes is watched from then on
		}
	}
	m.bot, err = bot.New(bot.Options{
		Token: cfg.Token, AppID: cfg.AppID, GuildID: cfg.GuildID, APIBase: cfg.APIBase,
		AskChannels: cfg.AskChannels, ModRoles: cfg.ModRoles, ShardID: cfg.ShardID, ShardCount: cfg.ShardCount,
		RatePerMinute: cfg.RatePerMinute, RateBurst: cfg.RateBurst, ShutdownTimeout: cfg.ShutdownTimeout,
		Reload:   func() (knowledge.Changes, error) { return m.reload("/reload") },
		Feedback: m.store, Editor: m.editor, Metrics: m.metrics, Logger: m.log, LogQuestions: cfg.LogQuestions,
		DeferAfter: m.DeferAfter,
	}, live)
	if err != nil {
		return err
	}
	m.built.Store(true)
	return m.bot.Run(ctx)
}

// fromAnotherShard is the reload source of a change the database announced.
const fromAnotherShard = "another shard"

// followPoll is how often a shard asks the database for its knowledge version when no
// notification came: what makes up for one lost with a dropped connection.
const followPoll = time.Second

// healthy says whether the bot can answer: a knowledge base is loaded, the database (if any)
// answers, and the gateway session is ready.
func (m *Main) healthy() error {
	// The database's errors name it (host:port/database), never its password.
	if err := m.down.Load(); err != nil {
		return fmt.Errorf("database unreachable: %w", *err)
	}
	if !m.built.Load() {
		return errors.New("starting: the knowledge base is not loaded yet")
	}
	if m.stores.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), healthWait)
		defer cancel()
		if err := m.stores.db.Ping(ctx); err != nil {
			return fmt.Errorf("database unreachable: %w; answering from the knowledge in memory, feedback kept until it is back", err)
		}
	}
	if !m.bot.Ready() {
		return errors.New("the Discord gateway session is not ready")
	}
	return nil
}

// healthWait bounds the database check of one /healthz request.
const healthWait = time.Second

// reload puts the latest knowledge in service: the folder's files as they are now, or the
// version the database holds. A bad file leaves the old base answering and every problem in the
// log.
func (m *Main) reload(source string) (knowledge.Changes, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var changes knowledge.Changes
	var err error
	if m.publisher != nil && source == "/reload" {
		changes, err = m.publisher.reload(ctx, m.editor) // an edited folder reaches every shard
	} else {
		changes, err = m.editor.Sync(ctx)
	}
	var invalid *knowledge.ValidationError
	switch {
	case errors.As(err, &invalid):
		m.metrics.Reload("invalid")
		for _, p := range invalid.Problems {
			m.log.Error("knowledge file problem: "+p.String(), "source", source)
		}
		m.log.Warn("reload rejected; the previous knowledge base keeps answering", "source", source, "problems", len(invalid.Problems))
	case err != nil:
		m.metrics.Reload("error")
		m.log.Error("reload failed; the previous knowledge base keeps answering", "source", source, "error", err)
	case source == fromAnotherShard && changes.Empty():
		// This shard's own change, announced before it was in service here: nothing to say.
	default:
		base := m.live.Base()
		m.metrics.Reload("ok")
		m.metrics.Knowledge(len(base.Entries), base.Version)
		m.log.Info("knowledge reloaded", "source", source, "version", base.Version, "entries", len(base.Entries),
			"added", len(changes.Added), "changed", len(changes.Changed), "removed", len(changes.Removed))
		for _, e := range changes.Entries {
			m.log.Info("knowledge entry "+e.Change, "source", source, "entry", e.ID, "file", e.File, "what", strings.Join(e.What, ", "))
		}
		for _, w := range changes.Warnings {
			m.log.Warn("knowledge edit looks accidental: "+w.String(), "source", source)
		}
	}
	return changes, err
}

// Close releases what Run built.
func (m *Main) Close() error {
	var errs []error
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	if m.live != nil {
		errs = append(errs, m.live.Close())
	}
	if m.stores != nil {
		errs = append(errs, m.stores.Close())
	}
	return errors.Join(errs...)
}

func runBot(ctx context.Context, cfg config.Config, args []string, stderr io.Writer) error {
	fs := newFlags("run", `Usage: footbot run

Connects to Discord and answers questions there until stopped (Ctrl-C or SIGTERM).
Settings come from the environment and .env; see .env.example.`, stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	m := &Main{Config: cfg, Stderr: stderr}
	defer m.Close()
	return m.Run(ctx)
}

func report(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := newFlags("report", `Usage: footbot report [--data DIR] [--top N]

Prints the questions the bot most often could not answer and the entries most often marked
not helpful: what to add or improve in the knowledge base. Works while the bot runs. With
DATABASE_URL set, reads the database every shard writes to.`, stdout)
	dir := fs.String("data", cfg.DataDir, "data folder of the bot (default: DATA_DIR, else ./data)")
	top := fs.Int("top", 20, "how many questions and entries to list")
	if err := parse(fs, args); err != nil {
		return err
	}
	var store feedback.Store
	if cfg.DatabaseURL != "" {
		db, err := postgres.Open(ctx, cfg.DatabaseURL, slog.New(slog.DiscardHandler))
		if err != nil {
			return err
		}
		defer db.Close()
		if store, err = db.Feedback(ctx); err != nil {
			return err
		}
	} else {
		bolt, err := feedback.Open(*dir)
		if err != nil {
			return err
		}
		defer bolt.Close()
		store = bolt
	}
	r, err := store.Report(*top)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(stdout, r.Text())
	return err
}
