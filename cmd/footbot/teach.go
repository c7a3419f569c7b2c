package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/knowledge"
)

func teach(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := newFlags("teach", `Usage: footbot teach [--knowledge DIR] ENTRY_ID QUESTION...

Adds QUESTION as one more way of asking for entry ENTRY_ID, in the knowledge files of DIR
(default: KNOWLEDGE_DIR). Only one line is added; comments and layout stay. The folder is
validated first, so a teach that would break it changes nothing; the change is recorded in
DATA_DIR's change log, as a teach from Discord is. A running bot that watches the folder picks
the change up by itself. With DATABASE_URL set, the knowledge every shard
shares in the database is changed instead, and every running shard answers with it at once.`, stdout)
	dir := fs.String("knowledge", kbedit.EffectiveDir(cfg.KnowledgeDir, cfg.DataDir), "knowledge folder (default: KNOWLEDGE_DIR, else DATA_DIR/knowledge if a change from Discord made it)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" && cfg.DatabaseURL == "" {
		return errors.New("teach edits knowledge files, and the built-in ones cannot be edited: set KNOWLEDGE_DIR or pass --knowledge DIR (start from a copy of knowledge/kb)")
	}
	if fs.NArg() < 2 {
		return errors.New("teach needs an entry id and a question: footbot teach how-often \"how many times a week is ok\"")
	}
	id, question := fs.Arg(0), strings.Join(fs.Args()[1:], " ")
	// The same path as a teach from Discord: validated, stored with a line in the change log,
	// and kept in the history /kb rollback restores.
	log := slog.New(slog.DiscardHandler)
	stores, err := openStores(ctx, cfg, *dir, log)
	if err != nil {
		return err
	}
	defer stores.Close()
	live, err := stores.live(ctx, *dir, log)
	if err := explainInvalid(err, stdout); err != nil {
		return err
	}
	defer live.Close()
	r, err := kbedit.New(live, stores.knowledge).Teach("terminal", id, question, time.Now())
	if err := explainInvalid(err, stdout); err != nil {
		return err
	}
	if stores.db == nil {
		fmt.Fprintf(stdout, "added to %s:%d\n", r.File, r.Line)
	} else {
		fmt.Fprintf(stdout, "added to %s:%d (version %s, in service on every shard)\n", r.File, r.Line, live.Base().Version)
	}
	return nil
}

// explainInvalid prints the problems of a knowledge base that does not load, one a line.
func explainInvalid(err error, stdout io.Writer) error {
	var invalid *knowledge.ValidationError
	if errors.As(err, &invalid) {
		for _, p := range invalid.Problems {
			fmt.Fprintln(stdout, p)
		}
		return fmt.Errorf("the knowledge has %d problem(s); fix them first", len(invalid.Problems))
	}
	return err
}
