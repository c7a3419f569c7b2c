package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/discordtest"
)

// The end-to-end tests start footbot exactly as "footbot run" does (Main), against the loopback
// Discord in internal/discordtest, with the real discordgo client and the real bleve index.

const testToken = "MTEx.footbot-test-token.s3cr3t"

// testGuild is discordtest's default guild plus a role without permissions, for MOD_ROLE_IDS.
func testGuild() discordtest.Guild {
	g := discordtest.DefaultGuild()
	g.Roles = append(g.Roles, discordtest.Role{Name: "Helper", Position: 1})
	g.Members = append(g.Members, discordtest.Member{User: discordtest.User{Username: "dave"}, RoleIDs: []string{"Helper"}})
	return g
}

// world is one test's Discord and bot.
type world struct {
	t      *testing.T
	srv    *discordtest.Server
	main   *Main
	logs   *syncBuffer
	done   chan error
	cancel context.CancelFunc
	cfg    config.Config
	guild  discordtest.Guild
}

// syncBuffer is a bytes.Buffer safe for the bot's concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newServer(t *testing.T) *discordtest.Server {
	return discordtest.New(t, discordtest.Options{Token: testToken, Guilds: []discordtest.Guild{testGuild()}})
}

// testConfig is the configuration of a footbot aimed at srv with the test token.
func testConfig(tb testing.TB, srv *discordtest.Server) config.Config {
	cfg := config.Default()
	cfg.Token, cfg.APIBase, cfg.DataDir = testToken, srv.URL(), tb.TempDir()
	return cfg
}

// start runs footbot against srv with a configuration adjusted by tweak, and waits until its
// slash commands are registered.
func start(t *testing.T, srv *discordtest.Server, tweak func(*config.Config)) *world {
	t.Helper()
	return startIn(t, srv, srv.Config().Guilds[0], tweak)
}

// startIn is start for the bot in guild g: one of several shards, each serving its guild.
func startIn(t *testing.T, srv *discordtest.Server, g discordtest.Guild, tweak func(*config.Config)) *world {
	t.Helper()
	return startMain(t, srv, g, tweak, nil)
}

// startMain is startIn with a hook that adjusts Main before it runs.
func startMain(t *testing.T, srv *discordtest.Server, g discordtest.Guild, tweak func(*config.Config), adjust func(*Main)) *world {
	t.Helper()
	cfg := testConfig(t, srv)
	cfg.GuildID = g.ID
	cfg.LogLevel = -4 // debug: the token must stay out of every line, even these
	if tweak != nil {
		tweak(&cfg)
	}
	w := &world{t: t, srv: srv, logs: &syncBuffer{}, done: make(chan error, 1), cfg: cfg, guild: g}
	w.main = &Main{Config: cfg, Stderr: w.logs}
	if adjust != nil {
		adjust(w.main)
	}
	since := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go func() { w.done <- w.main.Run(ctx) }()
	t.Cleanup(func() {
		w.stop()
		w.main.Close()
		if strings.Contains(w.logs.String(), testToken) {
			t.Errorf("the token appears in the logs")
		}
		if errs := srv.SchemaErrors(); len(errs) > 0 {
			t.Errorf("the bot sent requests Discord's OpenAPI schema rejects:\n%s", strings.Join(errs, "\n"))
		}
		if t.Failed() {
			t.Logf("footbot logs:\n%s", w.logs.String())
		}
	})
	ctxWait, cancelWait := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelWait()
	registered := discordtest.RouteIs("PUT", "/applications/{app}/guilds/{guild}/commands")
	if _, err := srv.WaitRequest(ctxWait, func(r discordtest.Request) bool {
		return registered(r) && r.Time.After(since) && strings.Contains(r.Path, "/guilds/"+g.ID+"/")
	}); err != nil {
		t.Fatalf("commands not registered: %v\n%s", err, w.logs.String())
	}
	return w
}

// stop ends Run (as SIGTERM does) and returns its error; later calls return nil.
func (w *world) stop() error {
	if w.cancel == nil {
		return nil
	}
	w.cancel()
	w.cancel = nil
	select {
	case err := <-w.done:
		return err
	case <-time.After(10 * time.Second):
		w.t.Fatal("footbot did not stop within 10 s")
		return nil
	}
}

func (w *world) channel(name string) string {
	c, ok := w.guild.Channel(name)
	if !ok {
		w.t.Fatalf("no channel %q", name)
	}
	return c.ID
}

func (w *world) member(name string) string {
	m, ok := w.guild.Member(name)
	if !ok {
		w.t.Fatalf("no member %q", name)
	}
	return m.User.ID
}

func (w *world) botID() string { return w.srv.Config().BotUserID }

func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// ask posts a message as a member and returns it.
func (w *world) say(user, channel, content string) *discordgo.Message {
	w.t.Helper()
	m, err := w.srv.SendUserMessage(discordtest.UserMessage{AuthorID: w.member(user), ChannelID: channel, Content: content})
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

// replyTo waits for the bot's reply to a message.
func (w *world) replyTo(m *discordgo.Message) *discordgo.Message {
	w.t.Helper()
	r, err := w.srv.WaitMessage(timeout(w.t), func(r *discordgo.Message) bool {
		return r.Author != nil && r.Author.ID == w.botID() && r.MessageReference != nil && r.MessageReference.MessageID == m.ID
	})
	if err != nil {
		w.t.Fatalf("no reply to %q: %v", m.Content, err)
	}
	return r
}

// noReplyTo checks that no bot reply to m exists. Call it after a later message was answered:
// discordgo runs each event's handler in its own goroutine, so it also waits a moment for a
// handler of m that might still be running.
func (w *world) noReplyTo(m *discordgo.Message) {
	w.t.Helper()
	time.Sleep(200 * time.Millisecond)
	for _, r := range w.srv.BotMessages() {
		if r.MessageReference != nil && r.MessageReference.MessageID == m.ID {
			w.t.Errorf("the bot replied to %q, which it should have ignored", m.Content)
		}
	}
}

// command runs a slash command as a member and returns the callback.
func (w *world) command(user, name string, opts ...discordtest.CommandOption) discordtest.Callback {
	w.t.Helper()
	in, err := w.srv.SendCommand(discordtest.CommandInvocation{Name: name, Options: opts, UserID: w.member(user), ChannelID: w.channel("general")})
	if err != nil {
		w.t.Fatal(err)
	}
	return w.callback(in.ID)
}

// callback is the bot's response to an interaction. A deferred one (the bot acknowledged it
// and answered later, as it does when a handler is slow) is returned as the response it stands
// for: the edited message as a callback 4 or 7, or a component's followup as a callback 4.
func (w *world) callback(id string) discordtest.Callback {
	w.t.Helper()
	got, err := w.srv.WaitCallback(timeout(w.t), id)
	if err != nil || got.Callback == nil {
		w.t.Fatalf("no callback for interaction %s: %v", id, err)
	}
	c := *got.Callback
	if c.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource && c.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		return c
	}
	var late *discordgo.Message
	eventually(w.t, func() error {
		in, _ := w.srv.Interaction(id)
		if len(in.FollowupIDs) > 0 {
			late, _ = w.srv.Message(in.FollowupIDs[0])
			c.Type = discordgo.InteractionResponseChannelMessageWithSource
			return nil
		}
		m, ok := w.srv.Message(in.OriginalMessageID)
		switch {
		case !ok: // a dismissed answer: the acknowledgement was the whole response
			return nil
		case c.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource && m.Flags&discordgo.MessageFlagsLoading == 0:
			late, c.Type = m, discordgo.InteractionResponseChannelMessageWithSource
		case c.Type == discordgo.InteractionResponseDeferredMessageUpdate && m.EditedTimestamp != nil && m.EditedTimestamp.After(in.DispatchedAt):
			late, c.Type = m, discordgo.InteractionResponseUpdateMessage
		default:
			return errNotYet
		}
		return nil
	})
	if late != nil {
		// discordgo.Message leaves its components out of its JSON; data reads them back.
		c.Data, _ = json.Marshal(struct {
			*discordgo.Message
			Components []discordgo.MessageComponent `json:"components"`
		}{late, late.Components})
	}
	return c
}

// response is a callback's data, decoded.
type response struct {
	discordgo.Message // content, embeds, components, flags
	Choices           []*discordgo.ApplicationCommandOptionChoice
	AllowedMentions   *discordgo.MessageAllowedMentions
}

// text is everything a person reads in a response: its content and its embeds' titles and texts.
func (r response) text() string {
	parts := []string{r.Content}
	for _, e := range r.Embeds {
		parts = append(parts, e.Title, e.Description)
	}
	return strings.Join(parts, "\n")
}

// data decodes a callback's data.
func data(t *testing.T, c discordtest.Callback) response {
	t.Helper()
	var r response
	if len(c.Data) == 0 {
		return r
	}
	// discordgo.Message decodes components (an interface) itself; the rest is decoded apart.
	var extra struct {
		Choices         []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		AllowedMentions *discordgo.MessageAllowedMentions           `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(c.Data, &r.Message); err != nil {
		t.Fatalf("decode callback data: %v", err)
	}
	if err := json.Unmarshal(c.Data, &extra); err != nil {
		t.Fatalf("decode callback data: %v", err)
	}
	r.Choices, r.AllowedMentions = extra.Choices, extra.AllowedMentions
	return r
}

// copyKnowledge copies the shipped knowledge files into a folder the test may edit.
func copyKnowledge(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../../knowledge/kb/*.yaml")
	if len(files) == 0 {
		t.Fatal("no knowledge files found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// editFile replaces old by new in a file, failing if old is not there.
func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// eventually retries check until it returns nil or 10 s pass.
func eventually(t *testing.T, check func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var errNotYet = errors.New("not yet")
