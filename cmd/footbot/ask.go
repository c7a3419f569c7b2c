package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"runtime"
	"slices"
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

	reply := func(q string) ([]byte, error) {
		a, err := live.Answer(ctx, q)
		if err != nil {
			return nil, err
		}
		if *asJSON {
			return json.Marshal(toJSON(a))
		}
		return []byte(a.Text() + "\n"), nil
	}
	if fs.NArg() > 0 {
		return answerInOrder(ctx, slices.Values([]string{strings.Join(fs.Args(), " ")}), 1, reply, stdout)
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20) // a pasted paragraph is fine; CleanQuestion caps it
	var lines iter.Seq[string] = func(yield func(string) bool) {
		for sc.Scan() {
			// JSON keeps one output line per input line, so a script can zip them.
			if strings.TrimSpace(sc.Text()) == "" && !*asJSON {
				continue
			}
			if !yield(sc.Text()) {
				return
			}
		}
	}
	if err := answerInOrder(ctx, lines, runtime.GOMAXPROCS(0), reply, stdout); err != nil {
		return err
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// answerInOrder replies to each question with up to workers of them in flight, and writes the
// replies in the order the questions came: a file of 20,000 questions is answered on every core,
// and its output still lines up with its input. The first error stops it.
func answerInOrder(ctx context.Context, questions iter.Seq[string], workers int, reply func(string) ([]byte, error), w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		b   []byte
		err error
	}
	// pending holds each question's result-to-be in input order; its buffer bounds how far the
	// reader runs ahead of the writer.
	pending := make(chan chan result, 4*workers)
	slots := make(chan struct{}, workers)
	go func() {
		defer close(pending)
		for q := range questions {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			// Every result in pending has a worker that will fill it.
			r := make(chan result, 1)
			select {
			case pending <- r:
			case <-ctx.Done():
				<-slots
				return
			}
			go func() {
				defer func() { <-slots }()
				b, err := reply(q)
				r <- result{b, err}
			}()
		}
	}()
	for r := range pending {
		res := <-r
		if res.err == nil {
			_, res.err = fmt.Fprintf(w, "%s\n", res.b)
		}
		if res.err != nil {
			cancel()
			for r := range pending { // let the reader and the workers finish
				<-r
			}
			return res.err
		}
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
