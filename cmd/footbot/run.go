package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/footbot/footbot/bot"
	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/internal/logging"
	"github.com/footbot/footbot/internal/metrics"
	"github.com/footbot/footbot/internal/watch"
	"github.com/footbot/footbot/knowledge"
)

// Main is "footbot run": the bot with everything around it. Tests start it exactly as main
// does, against the loopback Discord.
type Main struct {
	Config config.Config
	Stderr io.Writer // where logs go

	log     *slog.Logger
	live    *knowledge.Live
	store   feedback.Store
	editor  *kbedit.Editor
	metrics *metrics.Metrics
	bot     *bot.Bot

	httpAddr atomic.Value // string: where /healthz and /metrics listen, once they do
}

// HTTPAddr returns the address /healthz and /metrics listen on, or "" before they do.
func (m *Main) HTTPAddr() string {
	addr, _ := m.httpAddr.Load().(string)
	return addr
}

// Run builds the parts and serves until ctx ends or Discord refuses the bot.
func (m *Main) Run(ctx context.Context) error {
	cfg := m.Config
	m.log = logging.New(m.Stderr, cfg.LogFormat, cfg.LogLevel, cfg.Token)
	bot.RouteLibraryLogs(m.log)
	if cfg.Token == "" {
		return errors.New("no Discord token: create an application at https://discord.com/developers/applications, " +
			"copy the token from its Bot page into DISCORD_TOKEN in .env (see README), and run footbot again")
	}
	// A moderator's first change from Discord copies the built-in knowledge into DATA_DIR; from
	// then on that copy is the knowledge, here as in the terminal commands.
	dir := kbedit.EffectiveDir(cfg.KnowledgeDir, cfg.DataDir)
	live, err := openKnowledge(dir)
	if err != nil {
		return fmt.Errorf("load knowledge: %w", err)
	}
	m.live = live
	m.editor = kbedit.New(live, dir, cfg.DataDir)
	m.metrics = metrics.New()
	m.metrics.Knowledge(len(live.Base().Entries), live.Base().Version)
	m.log.Info("knowledge loaded", "entries", len(live.Base().Entries), "version", live.Base().Version, "dir", knowledgeName(dir))

	if m.store, err = feedback.Open(cfg.DataDir); err != nil {
		return fmt.Errorf("feedback store (DATA_DIR): %w", err)
	}
	watchFolder := func(dir string) {
		if err := watch.Start(ctx, dir, watch.Debounce, func() { m.reload("file change") }); err != nil {
			m.log.Warn("not watching the knowledge folder; use /reload after edits", "error", err)
		}
	}
	if cfg.WatchKnowledge {
		if dir != "" {
			watchFolder(dir)
		} else {
			m.editor.OnCopy(watchFolder) // the copy a first change makes is watched from then on
		}
	}
	m.bot, err = bot.New(bot.Options{
		Token: cfg.Token, AppID: cfg.AppID, GuildID: cfg.GuildID, APIBase: cfg.APIBase,
		AskChannels: cfg.AskChannels, ModRoles: cfg.ModRoles, ShardID: cfg.ShardID, ShardCount: cfg.ShardCount,
		RatePerMinute: cfg.RatePerMinute, RateBurst: cfg.RateBurst, ShutdownTimeout: cfg.ShutdownTimeout,
		Reload:   func() (knowledge.Changes, error) { return m.reload("/reload") },
		Feedback: m.store, Editor: m.editor, Metrics: m.metrics, Logger: m.log, LogQuestions: cfg.LogQuestions,
	}, live)
	if err != nil {
		return err
	}
	if cfg.HTTPAddr != "" {
		addr, stop, err := metrics.Serve(cfg.HTTPAddr, m.metrics.Handler(m.healthy), m.log)
		if err != nil {
			return err
		}
		m.httpAddr.Store(addr)
		defer stop()
	}
	return m.bot.Run(ctx)
}

// healthy says whether the bot can answer: a knowledge base is loaded and the gateway session
// is ready.
func (m *Main) healthy() error {
	switch {
	case m.live == nil:
		return errors.New("no knowledge base loaded")
	case !m.bot.Ready():
		return errors.New("the Discord gateway session is not ready")
	}
	return nil
}

// reload loads the knowledge folder again and swaps it in; a bad file leaves the old base
// answering and every problem in the log. The shipped base reloads as itself.
func (m *Main) reload(source string) (knowledge.Changes, error) {
	changes, err := m.live.Reload(func() (*knowledge.Base, error) { return loadKnowledge(m.editor.Dir()) })
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
	return errors.Join(errs...)
}

func knowledgeName(dir string) string {
	if dir == "" {
		return "shipped"
	}
	return dir
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

func report(cfg config.Config, args []string, stdout io.Writer) error {
	fs := newFlags("report", `Usage: footbot report [--data DIR] [--top N]

Prints the questions the bot most often could not answer and the entries most often marked
not helpful: what to add or improve in the knowledge base. Works while the bot runs.`, stdout)
	dir := fs.String("data", cfg.DataDir, "data folder of the bot (default: DATA_DIR, else ./data)")
	top := fs.Int("top", 20, "how many questions and entries to list")
	if err := parse(fs, args); err != nil {
		return err
	}
	store, err := feedback.Open(*dir)
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := store.Report(*top)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(stdout, r.Text())
	return err
}
