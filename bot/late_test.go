package bot

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/discordtest"
)

// A handler that panics after its interaction was acknowledged still gets the person an
// apology: as the late response, since the acknowledgement took the callback.
func TestAPanicAfterTheAcknowledgementIsApologizedForLate(t *testing.T) {
	boom := route{pattern: "boom", command: always(discordgo.ApplicationCommand{Name: "boom", Description: "Fails on purpose"}),
		handle: respond(func(*Bot, *discordgo.Interaction, params) *discordgo.InteractionResponse { panic("boom") })}
	routes = append(routes, boom)
	t.Cleanup(func() { routes = routes[:len(routes)-1] })

	srv := discordtest.New(t, discordtest.Options{Token: "t0k3n"})
	g := srv.Config().Guilds[0]
	logs := &lockedBuffer{}
	b, err := New(Options{Token: "t0k3n", APIBase: srv.URL(), GuildID: g.ID, DeferAfter: -1,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}, shippedLive(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	wait, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	if _, err := srv.WaitRequest(wait, discordtest.RouteIs("PUT", "/applications/{app}/guilds/{guild}/commands")); err != nil {
		t.Fatalf("commands not registered: %v", err)
	}
	carol, _ := g.Member("carol")
	general, _ := g.Channel("general")
	in, err := srv.SendCommand(discordtest.CommandInvocation{Name: "boom", UserID: carol.User.ID, ChannelID: general.ID})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := srv.WaitCallback(wait, in.ID)
	if err != nil || rec.Callback.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("callback %+v, %v: want an acknowledgement first", rec.Callback, err)
	}
	for {
		if m, ok := srv.Message(rec.OriginalMessageID); ok && strings.Contains(m.Content, "Sorry") {
			break
		}
		select {
		case <-wait.Done():
			t.Fatalf("no apology in the acknowledged message; logs:\n%s", logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if !strings.Contains(logs.String(), "handler panicked") {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
	if errs := srv.SchemaErrors(); len(errs) > 0 {
		t.Errorf("requests Discord's OpenAPI schema rejects:\n%s", strings.Join(errs, "\n"))
	}
}

// lockedBuffer is a bytes.Buffer safe for the bot's concurrent log writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
