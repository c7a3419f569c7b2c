package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/footbot/footbot/bot"
	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/logging"
	"github.com/footbot/footbot/knowledge"
)

// Main is "footbot run": the bot with everything around it. Tests start it exactly as main
// does, against the loopback Discord.
type Main struct {
	Config config.Config
	Stderr io.Writer // where logs go

	log  *slog.Logger
	live *knowledge.Live
	bot  *bot.Bot
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
	live, err := openKnowledge(cfg.KnowledgeDir)
	if err != nil {
		return fmt.Errorf("load knowledge: %w", err)
	}
	m.live = live
	m.log.Info("knowledge loaded", "entries", len(live.Base().Entries), "version", live.Base().Version, "dir", knowledgeName(cfg.KnowledgeDir))

	m.bot, err = bot.New(bot.Options{
		Token: cfg.Token, AppID: cfg.AppID, GuildID: cfg.GuildID, APIBase: cfg.APIBase,
		AskChannels: cfg.AskChannels, ModRoles: cfg.ModRoles, ShardID: cfg.ShardID, ShardCount: cfg.ShardCount,
		Reload: m.reload, Logger: m.log, LogQuestions: cfg.LogQuestions,
	}, live)
	if err != nil {
		return err
	}
	return m.bot.Run(ctx)
}

// reload loads the knowledge folder again and swaps it in; the shipped base reloads as itself.
func (m *Main) reload() (knowledge.Changes, error) {
	return m.live.Reload(func() (*knowledge.Base, error) { return loadKnowledge(m.Config.KnowledgeDir) })
}

// Close releases what Run built.
func (m *Main) Close() error {
	if m.live != nil {
		return m.live.Close()
	}
	return nil
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
	return errors.New("report: not implemented yet")
}
