package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/knowledge"
)

const usage = `footbot answers questions about foot massage, in Discord or in a terminal.

Usage:
  footbot [command] [flags]

Commands:
  run        connect to Discord and answer questions there (needs DISCORD_TOKEN)
  ask        answer questions given as arguments, or one per line on standard input
  console    ask questions interactively
  validate   check a knowledge folder and list every problem as file:line: message
  report     list declined questions and unhelpful answers, for moderators
  teach      add a question the bot missed to an entry's questions, in the knowledge files

With no command, footbot runs the bot when DISCORD_TOKEN is set and the console otherwise.
Settings come from the environment and a .env file; see .env.example.
Run "footbot COMMAND --help" for a command's flags.
`

// errUsage marks errors already explained to the user; they only set the exit status.
var errUsage = errors.New("usage")

// run is footbot's whole command line; main only adds the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := config.Load(".env")
	if err != nil {
		fmt.Fprintf(stderr, "footbot: configuration: %v\n", err)
		return 2
	}
	cmd, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "":
		if len(rest) > 0 {
			if rest[0] == "-h" || rest[0] == "--help" || rest[0] == "-help" {
				fmt.Fprint(stdout, usage)
				return 0
			}
			fmt.Fprintf(stderr, "footbot: unknown flag %s\n\n%s", rest[0], usage)
			return 2
		}
		if cfg.Token != "" {
			err = runBot(ctx, cfg, rest, stderr)
		} else {
			fmt.Fprintln(stdout, "No DISCORD_TOKEN set: answering in the terminal. To connect to Discord, put DISCORD_TOKEN in .env (see README) and run footbot again.")
			err = console(ctx, cfg, rest, stdin, stdout)
		}
	case "run":
		err = runBot(ctx, cfg, rest, stderr)
	case "ask":
		err = ask(ctx, cfg, rest, stdin, stdout)
	case "console":
		err = console(ctx, cfg, rest, stdin, stdout)
	case "validate":
		err = validate(cfg, rest, stdout)
	case "report":
		err = report(ctx, cfg, rest, stdout)
	case "teach":
		err = teach(ctx, cfg, rest, stdout)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "footbot: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "footbot: %v\n", err)
	return 1
}

// newFlags makes a subcommand's flag set, with its help text above the flags.
func newFlags(name, synopsis string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "%s\n", synopsis)
		if hasFlags(fs) {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses flags, turning a bad flag into errUsage (the flag package already said why).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// loadKnowledge loads the knowledge folder dir, or the shipped knowledge base when dir is empty.
func loadKnowledge(dir string) (*knowledge.Base, error) {
	if dir == "" {
		return knowledge.Default()
	}
	return knowledge.LoadDir(dir)
}

// openKnowledge loads and indexes the knowledge base for answering.
func openKnowledge(dir string) (*knowledge.Live, error) { return indexed(loadKnowledge(dir)) }

// indexed indexes a loaded knowledge base for answering.
func indexed(base *knowledge.Base, err error) (*knowledge.Live, error) {
	if err != nil {
		return nil, err
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		return nil, err
	}
	return knowledge.NewLive(ix), nil
}
