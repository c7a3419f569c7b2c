package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/footbot/footbot/internal/config"

	"github.com/footbot/footbot/knowledge"
)

func validate(cfg config.Config, args []string, stdout io.Writer) error {
	fs := newFlags("validate", `Usage: footbot validate [DIR]

Checks the knowledge files in DIR (default: KNOWLEDGE_DIR, else the shipped knowledge base) and
prints every problem as file:line: message. Exits with status 1 if there is any. Edits that look
accidental (an answer that ends mid-sentence) print as file:line: warning: message and leave the
status 0.`, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	dir := fs.Arg(0)
	if dir == "" {
		dir = cfg.KnowledgeDir
	}
	base, err := loadKnowledge(dir)
	var invalid *knowledge.ValidationError
	if errors.As(err, &invalid) {
		for _, p := range invalid.Problems {
			fmt.Fprintln(stdout, p)
		}
		return fmt.Errorf("%d problem(s) in the knowledge base", len(invalid.Problems))
	}
	if err != nil {
		return err
	}
	if _, err := knowledge.NewIndex(base); err != nil {
		return err
	}
	for _, w := range base.Warnings {
		fmt.Fprintln(stdout, w)
	}
	fmt.Fprintf(stdout, "ok: %d entries, %d synonym groups, version %s\n", len(base.Entries), len(base.Synonyms), base.Version)
	return nil
}
