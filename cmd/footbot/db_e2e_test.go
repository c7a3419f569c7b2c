package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/discordtest"
	"github.com/footbot/footbot/internal/pgtest"
)

// Shards on several machines: each bot process below has a DATA_DIR of its own, and all share
// one PostgreSQL started by the test.

// shardedServer is a loopback Discord with one guild per shard of two: guild ids are chosen so
// that Discord's rule (guild_id >> 22) % shard_count sends each to its own shard.
func shardedServer(t *testing.T) *discordtest.Server {
	t.Helper()
	a, b := testGuild(), testGuild()
	a.ID, a.Name = fmt.Sprint(uint64(1000)<<22), "Shard zero"
	b.ID, b.Name = fmt.Sprint(uint64(1001)<<22), "Shard one"
	return discordtest.New(t, discordtest.Options{Token: testToken, Guilds: []discordtest.Guild{a, b}})
}

// shard starts shard id of two on srv, with its own DATA_DIR, against the database at url.
func shard(t *testing.T, srv *discordtest.Server, id int, url string, tweak func(*config.Config)) *world {
	t.Helper()
	return startIn(t, srv, srv.Config().Guilds[id], func(c *config.Config) {
		c.ShardID, c.ShardCount, c.DatabaseURL = id, 2, url
		if tweak != nil {
			tweak(c)
		}
	})
}

func mention(w *world, q string) string { return discordtest.Mention(w.botID()) + " " + q }

func TestShardsOnTwoMachinesShareFeedbackAndKnowledge(t *testing.T) {
	db := pgtest.Start(t)
	url := db.NewDatabase(t)
	srv := shardedServer(t)
	zero := shard(t, srv, 0, url, nil)
	one := shard(t, srv, 1, url, nil)
	if zero.main.live.Base().Version != one.main.live.Base().Version {
		t.Fatal("the shards started with different knowledge")
	}

	// Declined on shard zero, listed by /unanswered on shard one.
	const missed = "what is the zorbian foot wiggle"
	if r := zero.replyTo(zero.say("carol", zero.channel("general"), mention(zero, missed))); r.Embeds[0].Title != "I don't know that one" {
		t.Fatalf("%q got %q, want a decline", missed, r.Embeds[0].Title)
	}
	eventually(t, func() error {
		if list := data(t, one.command("bob", "unanswered")).text(); !strings.Contains(list, missed) {
			return fmt.Errorf("/unanswered on the other shard does not list %q:\n%s", missed, list)
		}
		return nil
	})

	// Taught on shard one, answered on shard zero within two seconds.
	sub := discordtest.CommandOption{Name: "teach", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []discordtest.CommandOption{
		{Name: "question", Value: missed}, {Name: "entry", Value: "how-often"}}}
	taught := data(t, one.command("bob", "kb", sub)).Content
	at := time.Now()
	if !strings.Contains(taught, "Taught") || !strings.Contains(taught, "postgres/") {
		t.Fatalf("/kb teach said %q", taught)
	}
	want := one.main.live.Base().Version
	for zero.main.live.Base().Version != want {
		if time.Since(at) > 2*time.Second {
			t.Fatalf("the teach did not reach the other shard within 2 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("a teach on one shard was in service on the other %s after the moderator's reply", time.Since(at))
	if r := zero.replyTo(zero.say("ada", zero.channel("general"), mention(zero, missed))); r.Embeds[0].Title != "How often to massage your feet" {
		t.Errorf("after the teach on the other shard, %q gets %q", missed, r.Embeds[0].Title)
	}

	// Both shards' change log is the database's; a shard that starts later loads the latest.
	history := data(t, zero.command("bob", "kb", discordtest.CommandOption{Name: "history", Type: discordgo.ApplicationCommandOptionSubCommand})).Content
	if !strings.Contains(history, "teach how-often") || !strings.Contains(history, one.member("bob")) {
		t.Errorf("/kb history on the other shard:\n%s", history)
	}
	if err := zero.stop(); err != nil {
		t.Fatal(err)
	}
	zero.main.Close()
	again := shard(t, srv, 0, url, nil)
	if again.main.live.Base().Version != want {
		t.Errorf("a shard started after the teach loads %s, want %s", again.main.live.Base().Version, want)
	}

	// footbot report and footbot teach work against the database too.
	var out strings.Builder
	cfg := config.Default()
	cfg.DatabaseURL = url
	if err := report(context.Background(), cfg, nil, &out); err != nil || !strings.Contains(out.String(), missed) {
		t.Errorf("footbot report against the database = %v:\n%s", err, out.String())
	}
	out.Reset()
	if err := teach(context.Background(), cfg, []string{"how-long", "minutes per foot for a zorbian"}, &out); err != nil || !strings.Contains(out.String(), "postgres/") {
		t.Errorf("footbot teach against the database = %v: %s", err, out.String())
	}
	eventually(t, func() error {
		if one.main.live.Base().Version == want {
			return errNotYet
		}
		return nil
	})

	for _, w := range []*world{one, again} {
		if strings.Contains(w.logs.String(), db.Password()) {
			t.Error("the database password appears in the logs")
		}
	}
}

func TestTheDatabaseGoingAwayLosesNoReplyAndNoFeedback(t *testing.T) {
	db := pgtest.Start(t)
	url := db.NewDatabase(t)
	srv := newServer(t)
	w := start(t, srv, func(c *config.Config) { c.DatabaseURL, c.HTTPAddr = url, "127.0.0.1:0" })
	general := w.channel("general")
	if code, body := health(t, w); code != http.StatusOK {
		t.Fatalf("/healthz = %d %s", code, body)
	}

	db.Stop(t)
	eventually(t, func() error {
		if code, body := health(t, w); code != http.StatusServiceUnavailable || !strings.Contains(body, "database unreachable") || !strings.Contains(body, "127.0.0.1") {
			return fmt.Errorf("/healthz with the database stopped = %d %q", code, body)
		}
		return nil
	})
	// Answers keep coming from the knowledge in memory; feedback waits for the database.
	const missed = "what shoe size is best for hiking"
	if r := w.replyTo(w.say("carol", general, mention(w, missed))); r.Embeds[0].Title != "I don't know that one" {
		t.Errorf("with the database stopped, %q got %q", missed, r.Embeds[0].Title)
	}
	answered := w.replyTo(w.say("carol", general, mention(w, "how often should i massage my feet")))
	if answered.Embeds[0].Title != "How often to massage your feet" {
		t.Errorf("with the database stopped, the answer is %q", answered.Embeds[0].Title)
	}
	in, err := srv.SendComponent(discordtest.ComponentUse{MessageID: answered.ID, CustomID: voteButton(t, answered, "/down"), UserID: w.member("carol")})
	if err != nil {
		t.Fatal(err)
	}
	if d := data(t, w.callback(in.ID)); !strings.Contains(d.Content, "Thanks") {
		t.Errorf("a vote with the database stopped got %q", d.Content)
	}
	eventually(t, func() error { // the declined question and the vote wait in memory
		if m := scrape(t, w); !strings.Contains(m, "footbot_feedback_queued 2") {
			return fmt.Errorf("metrics while the database is away:\n%s", grep(m, "footbot_feedback"))
		}
		return nil
	})
	// A moderator's change is refused whole, with the reason.
	sub := discordtest.CommandOption{Name: "teach", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []discordtest.CommandOption{
		{Name: "question", Value: missed}, {Name: "entry", Value: "how-often"}}}
	before := w.main.live.Base().Version
	if refused := data(t, w.command("bob", "kb", sub)).Content; !strings.Contains(refused, "nothing was changed") || strings.Contains(refused, db.Password()) {
		t.Errorf("/kb teach with the database stopped said %q", refused)
	}
	if w.main.live.Base().Version != before {
		t.Error("a refused teach changed the knowledge in service")
	}
	if list := data(t, w.command("bob", "unanswered")).Content; !strings.Contains(list, "Could not read the moderators' lists") || !strings.Contains(list, "still answered") {
		t.Errorf("/unanswered with the database stopped said %q", list)
	}

	db.Restart(t)
	eventually(t, func() error {
		if code, body := health(t, w); code != http.StatusOK {
			return fmt.Errorf("/healthz after the database came back = %d %q", code, body)
		}
		return nil
	})
	eventually(t, func() error {
		if m := scrape(t, w); !strings.Contains(m, "footbot_feedback_queued 0") {
			return fmt.Errorf("metrics after the database came back:\n%s", grep(m, "footbot_feedback"))
		}
		list := data(t, w.command("bob", "unanswered")).text()
		if !strings.Contains(list, missed) || !strings.Contains(list, "How often to massage your feet") {
			return fmt.Errorf("after the database came back, /unanswered lists:\n%s", list)
		}
		return nil
	})
	if strings.Contains(w.logs.String(), db.Password()) {
		t.Error("the database password appears in the logs")
	}
}

func TestADatabaseUnreachableAtStartIsRetriedAndNamedButNotItsPassword(t *testing.T) {
	db := pgtest.Start(t)
	url := db.NewDatabase(t)
	db.Stop(t)
	srv := newServer(t)
	logs := &syncBuffer{}
	cfg := testConfig(t, srv)
	cfg.GuildID, cfg.DatabaseURL, cfg.HTTPAddr = srv.Config().Guilds[0].ID, url, "127.0.0.1:0"
	m := &Main{Config: cfg, Stderr: logs}
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	defer func() { cancel(); <-done }()

	eventually(t, func() error {
		if m.HTTPAddr() == "" || !strings.Contains(logs.String(), "database unreachable") {
			return errNotYet
		}
		return nil
	})
	code, body := healthAt(t, m.HTTPAddr())
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "127.0.0.1") {
		t.Errorf("/healthz while the database is unreachable = %d %q", code, body)
	}
	db.Restart(t)
	if _, err := srv.WaitIdentify(timeout(t), 1); err != nil {
		t.Fatalf("the bot did not connect once the database was back: %v\n%s", err, logs.String())
	}
	for _, text := range []string{logs.String(), body} {
		if strings.Contains(text, db.Password()) {
			t.Errorf("the database password leaked:\n%s", text)
		}
	}
}

func voteButton(t *testing.T, m *discordgo.Message, suffix string) string {
	t.Helper()
	for _, c := range m.Components {
		for _, b := range c.(*discordgo.ActionsRow).Components {
			if btn, ok := b.(*discordgo.Button); ok && strings.HasSuffix(btn.CustomID, suffix) {
				return btn.CustomID
			}
		}
	}
	t.Fatalf("the answer has no %s button", suffix)
	return ""
}

// TestMain lets the test binary be footbot itself: with FOOTBOT_TEST_MAIN=1 it runs main, so a
// test can start real separate footbot processes without building the program first.
func TestMain(m *testing.M) {
	if os.Getenv("FOOTBOT_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// process is footbot started as a separate process by a test.
type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
}

// startProcess runs "footbot run" as its own process with env on top of a clean environment.
func startProcess(t *testing.T, env ...string) *process {
	t.Helper()
	p := &process{stderr: &syncBuffer{}}
	p.cmd = exec.Command(os.Args[0], "run")
	p.cmd.Dir = t.TempDir() // no .env there
	p.cmd.Env = append([]string{"FOOTBOT_TEST_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		if t.Failed() {
			t.Logf("footbot process logs:\n%s", p.stderr.String())
		}
	})
	return p
}

// stop sends SIGTERM and waits for the process to exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("footbot exited with %v", err)
	}
}

func TestTwoFootbotProcessesShareOneDatabase(t *testing.T) {
	db := pgtest.Start(t)
	url := db.NewDatabase(t)
	srv := shardedServer(t)
	guilds := srv.Config().Guilds
	var procs []*process
	for id, g := range guilds {
		since := time.Now()
		procs = append(procs, startProcess(t, "DISCORD_TOKEN="+testToken, "DISCORD_API_BASE="+srv.URL(), "DISCORD_GUILD_ID="+g.ID,
			fmt.Sprintf("SHARD_ID=%d", id), "SHARD_COUNT=2", "DATA_DIR="+t.TempDir(), "DATABASE_URL="+url))
		registered := discordtest.RouteIs("PUT", "/applications/{app}/guilds/{guild}/commands")
		if _, err := srv.WaitRequest(timeout(t), func(r discordtest.Request) bool {
			return registered(r) && r.Time.After(since) && strings.Contains(r.Path, "/guilds/"+g.ID+"/")
		}); err != nil {
			t.Fatalf("shard %d did not register its commands: %v\n%s", id, err, procs[id].stderr.String())
		}
	}
	// Each process is one shard in its own guild; w is only the test's view of a guild.
	zero := &world{t: t, srv: srv, guild: guilds[0]}
	one := &world{t: t, srv: srv, guild: guilds[1]}

	const missed = "what is the quorbian heel shuffle"
	if r := zero.replyTo(zero.say("carol", zero.channel("general"), mention(zero, missed))); r.Embeds[0].Title != "I don't know that one" {
		t.Fatalf("%q got %q, want a decline", missed, r.Embeds[0].Title)
	}
	eventually(t, func() error {
		if list := data(t, one.command("bob", "unanswered")).text(); !strings.Contains(list, missed) {
			return fmt.Errorf("/unanswered in the other process does not list %q", missed)
		}
		return nil
	})
	sub := discordtest.CommandOption{Name: "teach", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []discordtest.CommandOption{
		{Name: "question", Value: missed}, {Name: "entry", Value: "how-often"}}}
	if taught := data(t, one.command("bob", "kb", sub)).Content; !strings.Contains(taught, "Taught") {
		t.Fatalf("/kb teach said %q", taught)
	}
	time.Sleep(2 * time.Second) // the promise: every shard answers with a change within two seconds
	if r := zero.replyTo(zero.say("ada", zero.channel("general"), mention(zero, missed))); r.Embeds[0].Title != "How often to massage your feet" {
		t.Errorf("2 s after the teach in the other process, %q gets %q", missed, r.Embeds[0].Title)
	}
	for _, p := range procs {
		p.stop(t)
		if logs := p.stderr.String(); strings.Contains(logs, db.Password()) || strings.Contains(logs, testToken) {
			t.Errorf("a secret appears in a process's logs:\n%s", logs)
		}
	}
}

func TestAFolderEditedOnOneMachineReachesEveryShardOnlyIfItIsTheLatest(t *testing.T) {
	db := pgtest.Start(t)
	url := db.NewDatabase(t)
	srv := shardedServer(t)
	dirZero := copyKnowledge(t)
	zero := shard(t, srv, 0, url, func(c *config.Config) { c.KnowledgeDir = dirZero })
	one := shard(t, srv, 1, url, func(c *config.Config) { c.KnowledgeDir = copyKnowledge(t) })

	// A plain /reload with the folder unchanged stores nothing.
	if said := data(t, zero.command("bob", "reload")).Content; strings.Contains(said, "failed") {
		t.Fatalf("/reload with nothing edited said %q", said)
	}
	if h, _ := zero.main.editor.History(10); len(h) != 1 { // the first import only
		t.Errorf("a /reload with nothing edited stored a change: %+v", h)
	}

	// An edit of the folder on shard zero, then /reload there: every shard answers with it.
	editFile(t, filepath.Join(dirZero, "faq.yaml"), "title: How long a foot massage should last", "title: How long to massage your feet")
	said := data(t, zero.command("bob", "reload")).Content
	if !strings.Contains(said, "changed how-long: title") {
		t.Errorf("/reload after the edit said %q", said)
	}
	eventually(t, func() error {
		if e := one.main.live.Base().Entry("how-long"); e == nil || e.Title != "How long to massage your feet" {
			return fmt.Errorf("the other shard still has %q", e.Title)
		}
		return nil
	})

	// A change made on the other shard, then another edit of the now outdated folder: refused,
	// or it would undo the change.
	sub := discordtest.CommandOption{Name: "teach", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []discordtest.CommandOption{
		{Name: "question", Value: "minutes for each foot please"}, {Name: "entry", Value: "how-long"}}}
	if taught := data(t, one.command("bob", "kb", sub)).Content; !strings.Contains(taught, "Taught") {
		t.Fatalf("/kb teach said %q", taught)
	}
	editFile(t, filepath.Join(dirZero, "faq.yaml"), "title: How long to massage your feet", "title: Minutes per foot")
	eventually(t, func() error {
		if zero.main.live.Base().Version != one.main.live.Base().Version {
			return errNotYet
		}
		return nil
	})
	refused := data(t, zero.command("bob", "reload")).Content
	if !strings.Contains(refused, "Reload failed") || !strings.Contains(refused, "/kb export") {
		t.Errorf("/reload of an outdated folder said %q", refused)
	}
	if e := one.main.live.Base().Entry("how-long"); e.Title != "How long to massage your feet" || !slices.Contains(e.Questions, "minutes for each foot please") {
		t.Errorf("after the refused reload the other shard has %q with %d questions", e.Title, len(e.Questions))
	}
}
