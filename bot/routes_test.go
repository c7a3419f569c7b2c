package bot

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/knowledge"
)

// testBot is a bot with every feature on and a clock the test moves; it never connects.
func testBot(t *testing.T, clock *time.Time) *Bot {
	t.Helper()
	live := shippedLive(t)
	store, err := feedback.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Token: "t", Reload: func() (knowledge.Changes, error) { return knowledge.Changes{}, nil },
		Feedback: store, Editor: kbedit.New(live, kbedit.NewFolder("", t.TempDir())), Clock: func() time.Time { return *clock },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, live)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTheRouteTableDrivesRegistrationDispatchAndLabels(t *testing.T) {
	now := time.Now()
	b := testBot(t, &now)
	registered := map[string]bool{}
	for _, c := range b.commands() {
		registered[c.Name] = true
		if r := commandRoute(c.Name); r.pattern != c.Name || r.label() != c.Name {
			t.Errorf("command %s dispatches to %q, label %q", c.Name, r.pattern, r.label())
		}
	}
	for _, name := range []string{"ask", "faq", "routine", "benefits", "help", "reload", "unanswered", "kb"} {
		if !registered[name] {
			t.Errorf("/%s is not registered", name)
		}
	}
	if r := commandRoute("no-such-command"); r.label() != "other" {
		t.Errorf("an unknown command is labelled %q", r.label())
	}
	off, err := New(Options{Token: "t"}, shippedLive(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range off.commands() {
		if c.Name == "reload" || c.Name == "unanswered" || c.Name == "kb" {
			t.Errorf("/%s is registered although its feature is off", c.Name)
		}
	}
}

func TestCustomIDsMatchTheirRoutes(t *testing.T) {
	for _, c := range []struct {
		id, pattern string
		params      params
	}{
		{"faq/how-often", "faq/{entry}", params{"entry": "how-often"}},
		{"faq", "faq", params{}},
		{"vote/how-often/down", "vote/{entry}/{dir}", params{"entry": "how-often", "dir": "down"}},
		{"del/123/1700000000", "del/{asker}/{unix}", params{"asker": "123", "unix": "1700000000"}},
		{"teach/0123abcd", "teach/{declined}", params{"declined": "0123abcd"}},
		{"unanswered/2", "unanswered/{page}", params{"page": "2"}},
		{"import/ABCDEF", "import/{token}", params{"token": "ABCDEF"}},
		{"unhelpful/0", "unhelpful/{page}", params{"page": "0"}},
		{"fix/0123abcd", "fix/{unhelpful}", params{"unhelpful": "0123abcd"}},
		{"vote/how-often", "other", nil},
		{"faq/", "other", nil},
		{"nonsense/1/2/3", "other", nil},
	} {
		r, p := componentRoute(c.id)
		if r.pattern != c.pattern || fmt.Sprint(p) != fmt.Sprint(c.params) {
			t.Errorf("%q matched %q %v, want %q %v", c.id, r.pattern, p, c.pattern, c.params)
		}
	}
}

// component builds a component interaction as Discord would send it.
func component(customID, user string, moderator bool, values ...string) *discordgo.Interaction {
	perms := int64(0)
	if moderator {
		perms = permManageGuild
	}
	return &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, GuildID: "1",
		Member:  &discordgo.Member{User: &discordgo.User{ID: user}, Permissions: perms},
		Message: &discordgo.Message{ID: "m1", ChannelID: "c1"},
		Data:    discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.SelectMenuComponent, Values: values}}
}

func dispatch(b *Bot, i *discordgo.Interaction) *discordgo.InteractionResponse {
	r, p := componentRoute(i.MessageComponentData().CustomID)
	resp, _ := r.handle(b, i, p)
	return resp
}

func TestTheDismissWindowFollowsTheClock(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	b := testBot(t, &now)
	id := fmt.Sprintf("del/42/%d", now.Unix())
	now = now.Add(dismissWindow - time.Second)
	if resp := dispatch(b, component(id, "42", false)); resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Errorf("inside the window: %+v, want the answer deleted", resp)
	}
	if resp := dispatch(b, component(id, "7", false)); !strings.Contains(resp.Data.Content, "Only the person who asked") {
		t.Errorf("someone else: %q", resp.Data.Content)
	}
	now = now.Add(2 * time.Second)
	if resp := dispatch(b, component(id, "42", false)); !strings.Contains(resp.Data.Content, "can no longer be dismissed") {
		t.Errorf("after the window: %q", resp.Data.Content)
	}
}

func TestTheQuestionRateFollowsTheClock(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	f := newFlood(6, 3)
	for n := range 3 {
		if v := f.admit("u", now); v != allow {
			t.Fatalf("question %d refused", n+1)
		}
	}
	if v := f.admit("u", now); v != slowDown {
		t.Errorf("fourth at once: %v, want one note to slow down", v)
	}
	if v := f.admit("u", now); v != drop {
		t.Errorf("fifth at once: %v, want silence", v)
	}
	if v := f.admit("u", now.Add(10*time.Second)); v != allow {
		t.Errorf("ten seconds later (6 a minute): %v, want allowed", v)
	}
	if !commandRoute("ask").limited || !commandRoute("faq").limited || commandRoute("help").limited {
		t.Error("the rate applies to /ask and /faq only")
	}
}

func TestModeratorHandlersRefusePlainMembers(t *testing.T) {
	now := time.Now()
	b := testBot(t, &now)
	for _, id := range []string{"teach/abc", "unanswered/1", "import/XYZ", "unhelpful/0", "fix/abc"} {
		resp := dispatch(b, component(id, "7", false, "how-often"))
		if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "Only moderators") {
			t.Errorf("%s by a plain member: %+v", id, resp.Data)
		}
	}
	if resp := dispatch(b, component("teach/abc", "7", true, "how-often")); !strings.Contains(resp.Data.Content, "already handled") {
		t.Errorf("teaching a question the store does not have: %+v", resp.Data)
	}
}
