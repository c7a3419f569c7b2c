package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/knowledge"
)

// jsonAnswer is one line of "footbot ask --json".
type jsonAnswer struct {
	Question    string      `json:"question"`
	Answered    bool        `json:"answered"`
	Outcome     string      `json:"outcome"`
	Entry       *jsonEntry  `json:"entry"`   // the first of entries, kept for older readers
	Entries     []jsonEntry `json:"entries"` // every entry answered with: two for two questions in one
	Rule        string      `json:"rule"`    // the answer policy's rule that decided
	Score       float64     `json:"score"`
	Confidence  float64     `json:"confidence"`
	Suggestions []jsonEntry `json:"suggestions"`
	Safety      bool        `json:"safety"`
	Emergency   bool        `json:"emergency"`
	// OtherLanguage: the question was in another language; the text, in English, says so.
	OtherLanguage bool   `json:"other_language,omitempty"`
	Text          string `json:"text"`
}

type jsonEntry struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind,omitempty"`
}

func toJSON(a knowledge.Answer) jsonAnswer {
	j := jsonAnswer{
		Question: a.Question, Answered: a.Answered(), Outcome: string(a.Outcome),
		Score: a.Score, Confidence: a.Confidence, Safety: a.Safety, Emergency: a.Emergency, OtherLanguage: a.OtherLanguage,
		Text: a.Text(), Suggestions: []jsonEntry{}, Entries: []jsonEntry{}, Rule: a.Rule,
	}
	if a.Entry != nil {
		j.Entry = &jsonEntry{ID: a.Entry.ID, Title: a.Entry.Title, Kind: a.Entry.Kind}
	}
	for _, e := range a.Entries {
		j.Entries = append(j.Entries, jsonEntry{ID: e.ID, Title: e.Title, Kind: e.Kind})
	}
	for _, s := range a.Suggestions {
		j.Suggestions = append(j.Suggestions, jsonEntry{ID: s.ID, Title: s.Title})
	}
	return j
}

func ask(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("ask", `Usage: footbot ask [--json] [--knowledge DIR] [QUESTION...]

Answers one question given as arguments, or, with no arguments, each line of standard input.`, stdout)
	asJSON := fs.Bool("json", false, "print one JSON object per question, one per line")
	live, err := parseAndOpen(ctx, fs, cfg, args)
	if err != nil {
		return err
	}
	defer live.Close()

	enc := json.NewEncoder(stdout)
	answer := func(q string) error {
		a, err := live.Answer(ctx, q)
		if err != nil {
			return err
		}
		if *asJSON {
			return enc.Encode(toJSON(a))
		}
		_, err = fmt.Fprintf(stdout, "%s\n\n", a.Text())
		return err
	}
	if fs.NArg() > 0 {
		return answer(strings.Join(fs.Args(), " "))
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20) // a pasted paragraph is fine; CleanQuestion caps it
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" && !*asJSON {
			continue
		}
		if err := answer(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// parseAndOpen adds the --knowledge flag, parses the arguments and opens the knowledge base:
// the folder's, or with DATABASE_URL the one every shard shares.
func parseAndOpen(ctx context.Context, fs *flag.FlagSet, cfg config.Config, args []string) (*knowledge.Live, error) {
	dir := fs.String("knowledge", kbedit.EffectiveDir(cfg.KnowledgeDir, cfg.DataDir),
		"knowledge folder (default: KNOWLEDGE_DIR, else the copy in DATA_DIR/knowledge a moderator's change made, else the shipped knowledge base)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		return openKnowledge(*dir)
	}
	log := slog.New(slog.DiscardHandler)
	stores, err := openStores(ctx, cfg, *dir, log)
	if err != nil {
		return nil, err
	}
	defer stores.Close() // the knowledge is in memory once loaded
	return stores.live(ctx, *dir, log)
}

func console(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("console", `Usage: footbot console [--knowledge DIR]

Asks questions interactively: type a question, get the same answer the bot gives in Discord.
An empty line or Ctrl-D ends.`, stdout)
	live, err := parseAndOpen(ctx, fs, cfg, args)
	if err != nil {
		return err
	}
	defer live.Close()
	fmt.Fprintf(stdout, "footbot: ask about foot massage (%d topics). Empty line or Ctrl-D to quit.\n", len(live.Base().Entries))
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for {
		fmt.Fprint(stdout, "> ")
		if !sc.Scan() || strings.TrimSpace(sc.Text()) == "" || ctx.Err() != nil {
			fmt.Fprintln(stdout)
			return sc.Err()
		}
		a, err := live.Answer(ctx, sc.Text())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%s\n\n", a.Text())
	}
}
