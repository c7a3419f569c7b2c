package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/bot"
	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/discordtest"
	"github.com/footbot/footbot/knowledge"
)

func shipped(t *testing.T) *knowledge.Base {
	t.Helper()
	b, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSlashCommandsAreRegisteredInOneBulkOverwrite(t *testing.T) {
	w := start(t, newServer(t), nil)
	var names []string
	for _, c := range w.srv.Commands(w.guild.ID) {
		names = append(names, c.Name)
		if c.Name == "reload" || c.Name == "unanswered" {
			if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != 32 {
				t.Errorf("/%s default_member_permissions = %v, want Manage Server (32)", c.Name, c.DefaultMemberPermissions)
			}
		}
	}
	slices.Sort(names)
	want := []string{"ask", "benefits", "faq", "help", "kb", "reload", "routine", "unanswered"}
	if !slices.Equal(names, want) {
		t.Errorf("commands = %v, want %v", names, want)
	}
	puts := 0
	for _, r := range w.srv.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Route, "/commands") {
			puts++
		}
		if r.Method == "POST" && strings.HasSuffix(r.Route, "/commands") {
			t.Errorf("a command was created one by one (%s); use the bulk overwrite", r.Path)
		}
	}
	if puts != 1 {
		t.Errorf("%d bulk overwrites, want 1", puts)
	}
}

func TestMentionIsAnsweredWithTheEntryDisclaimerAndNoPings(t *testing.T) {
	w := start(t, newServer(t), nil)
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" can foot massage help me sleep? @everyone @here "+
		discordtest.MentionRole(w.srv.Config().Guilds[0].Roles[0].ID))
	r := w.replyTo(q)
	base := shipped(t)
	if len(r.Embeds) != 1 {
		t.Fatalf("reply has %d embeds, want 1", len(r.Embeds))
	}
	e := r.Embeds[0]
	if e.Title != base.Entry("benefit-sleep").Title {
		t.Errorf("title = %q, want the sleep entry", e.Title)
	}
	if e.Footer == nil || e.Footer.Text != base.Disclaimer {
		t.Errorf("footer = %+v, want the disclaimer", e.Footer)
	}
	req, err := w.srv.WaitRequest(timeout(t), discordtest.RouteIs("POST", "/channels/{channel}/messages"))
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		AllowedMentions *struct {
			Parse       []string `json:"parse"`
			Roles       []string `json:"roles"`
			Users       []string `json:"users"`
			RepliedUser bool     `json:"replied_user"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(req.Body, &sent); err != nil {
		t.Fatal(err)
	}
	am := sent.AllowedMentions
	if am == nil || am.Parse == nil || len(am.Parse)+len(am.Roles)+len(am.Users) != 0 || am.RepliedUser {
		t.Errorf("allowed_mentions = %s, want one that pings nobody", req.Body)
	}
}

func TestDirectMessagesAndAskChannelsAreAnsweredOtherMessagesIgnored(t *testing.T) {
	srv := newServer(t)
	help := srv.Config().Guilds[0].Channels[1].ID
	w := start(t, srv, func(c *config.Config) { c.AskChannels = []string{help} })

	ignored := w.say("carol", w.channel("general"), "how often should I massage my feet?") // no mention, not an ask channel
	fromBot := w.say("otherbot", w.channel("general"), discordtest.Mention(w.botID())+" how often should I massage my feet?")
	asked := w.say("carol", help, "how often should I massage my feet?")
	if r := w.replyTo(asked); r.Embeds[0].Title != shipped(t).Entry("how-often").Title {
		t.Errorf("ask channel answer = %q", r.Embeds[0].Title)
	}

	dm, err := w.srv.SendUserMessage(discordtest.UserMessage{AuthorID: w.member("carol"), DM: true, Content: "what are the main pressure points?"})
	if err != nil {
		t.Fatal(err)
	}
	if r := w.replyTo(dm); r.Embeds[0].Title != shipped(t).Entry("pressure-points").Title {
		t.Errorf("DM answer = %q", r.Embeds[0].Title)
	}
	w.noReplyTo(ignored)
	w.noReplyTo(fromBot)
	mine := map[string]bool{}
	for _, m := range w.srv.BotMessages() {
		mine[m.ID] = true
	}
	for _, m := range w.srv.BotMessages() {
		if m.MessageReference != nil && mine[m.MessageReference.MessageID] {
			t.Errorf("the bot answered its own message %s", m.MessageReference.MessageID)
		}
	}
	if got := w.srv.Identifies()[0].Intents; got&discordgo.IntentsMessageContent == 0 {
		t.Error("with ASK_CHANNEL_IDS the bot must ask for the message content intent")
	}
}

func TestWithoutAskChannelsTheBotDoesNotNeedMessageContent(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{Token: testToken, Guilds: []discordtest.Guild{testGuild()},
		AllowedIntents: discordgo.IntentsAllWithoutPrivileged})
	w := start(t, srv, nil)
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" is it ok to massage my feet every day")
	if r := w.replyTo(q); r.Embeds[0].Title != shipped(t).Entry("every-day").Title {
		t.Errorf("answer = %q", r.Embeds[0].Title)
	}
}

func TestMissingMessageContentIntentStopsWithAClearMessage(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{Token: testToken, Guilds: []discordtest.Guild{testGuild()},
		AllowedIntents: discordgo.IntentsAllWithoutPrivileged})
	cfg := testConfig(t, srv)
	cfg.AskChannels = []string{srv.Config().Guilds[0].Channels[1].ID}
	logs := &syncBuffer{}
	m := &Main{Config: cfg, Stderr: logs}
	defer m.Close()
	err := m.Run(timeout(t))
	var fatal *bot.FatalError
	if !errors.As(err, &fatal) || fatal.Code != 4014 || !strings.Contains(err.Error(), "Message Content Intent") {
		t.Fatalf("Run = %v, want a fatal 4014 that names the Message Content Intent", err)
	}
}

func TestARejectedTokenEndsTheProgramWithAClearError(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(t, srv)
	cfg.Token = "wrong-token-that-must-not-leak"
	logs := &syncBuffer{}
	m := &Main{Config: cfg, Stderr: logs}
	defer m.Close()
	err := m.Run(timeout(t))
	if err == nil || !strings.Contains(err.Error(), "token") || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Fatalf("Run = %v, want an error that says the token was rejected", err)
	}
	if strings.Contains(err.Error(), cfg.Token) || strings.Contains(logs.String(), cfg.Token) {
		t.Error("the rejected token appears in the error or the logs")
	}
	// The full program exits non-zero with the message.
	var stderr syncBuffer
	t.Setenv("DISCORD_TOKEN", cfg.Token)
	t.Setenv("DISCORD_API_BASE", srv.URL())
	t.Setenv("DATA_DIR", t.TempDir())
	if code := run(timeout(t), []string{"run"}, strings.NewReader(""), &stderr, &stderr); code == 0 {
		t.Errorf("footbot run exited 0 with a rejected token")
	}
	if !strings.Contains(stderr.String(), "DISCORD_TOKEN") || strings.Contains(stderr.String(), cfg.Token) {
		t.Errorf("output:\n%s", stderr.String())
	}
}

func TestAskCommandAnswersForTheChannel(t *testing.T) {
	w := start(t, newServer(t), nil)
	c := w.command("carol", "ask", discordtest.CommandOption{Name: "question", Value: "what is the difference between reflexology and massage"})
	d := data(t, c)
	if c.Type != discordgo.InteractionResponseChannelMessageWithSource || d.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Errorf("/ask response type %d flags %d, want a public message", c.Type, d.Flags)
	}
	if len(d.Embeds) != 1 || d.Embeds[0].Title != shipped(t).Entry("reflexology-vs-massage").Title {
		t.Fatalf("/ask embeds = %+v", d.Embeds)
	}
	if d.AllowedMentions == nil {
		t.Error("/ask response without allowed_mentions")
	}
}

func TestRoutineCommandPostsTheNumberedSteps(t *testing.T) {
	w := start(t, newServer(t), nil)
	for _, private := range []bool{false, true} {
		c := w.command("carol", "routine", discordtest.CommandOption{Name: "private", Value: private})
		d := data(t, c)
		if got := d.Flags&discordgo.MessageFlagsEphemeral != 0; got != private {
			t.Errorf("private=%v: ephemeral = %v", private, got)
		}
		desc := d.Embeds[0].Description
		for i, s := range shipped(t).Routine().Steps {
			if !strings.Contains(desc, fmt.Sprintf("**%d. %s**", i+1, s.Title)) {
				t.Errorf("routine lacks step %d %q:\n%s", i+1, s.Title, desc)
			}
		}
		if d.Embeds[0].Footer == nil || d.Embeds[0].Footer.Text != shipped(t).Disclaimer {
			t.Error("routine without the disclaimer")
		}
		if len(d.Embeds[0].Fields) == 0 || d.Embeds[0].Fields[0].Name != "Tips" {
			t.Error("routine without its tips")
		}
	}
}

func TestFaqAutocompleteOffersMatchingTopicsAndPostsTheChoice(t *testing.T) {
	w := start(t, newServer(t), nil)
	in, err := w.srv.SendAutocomplete(discordtest.CommandInvocation{Name: "faq", UserID: w.member("carol"),
		Options: []discordtest.CommandOption{{Name: "topic", Value: "slee", Focused: true}}})
	if err != nil {
		t.Fatal(err)
	}
	c := w.callback(in.ID)
	d := data(t, c)
	if c.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(d.Choices) == 0 || len(d.Choices) > 25 {
		t.Fatalf("autocomplete type %d with %d choices", c.Type, len(d.Choices))
	}
	if d.Choices[0].Value != "benefit-sleep" {
		t.Errorf("first choice = %+v, want benefit-sleep", d.Choices[0])
	}
	for _, ch := range d.Choices {
		if n := len([]rune(ch.Name)); n == 0 || n > 100 {
			t.Errorf("choice name %q has %d characters", ch.Name, n)
		}
	}
	got := data(t, w.command("carol", "faq", discordtest.CommandOption{Name: "topic", Value: "benefit-sleep"}))
	if got.Embeds[0].Title != shipped(t).Entry("benefit-sleep").Title {
		t.Errorf("/faq posted %q", got.Embeds[0].Title)
	}
	typed := data(t, w.command("carol", "faq", discordtest.CommandOption{Name: "topic", Value: "how long should a foot massage last"}))
	if typed.Embeds[0].Title != shipped(t).Entry("how-long").Title {
		t.Errorf("/faq with typed text posted %q, want it answered as a question", typed.Embeds[0].Title)
	}
}

func TestBenefitsMenuAndSuggestionButtonsPostTheirTopic(t *testing.T) {
	w := start(t, newServer(t), nil)
	c := w.command("carol", "benefits")
	all := w.srv.Interactions()
	in := all[len(all)-1] // the /benefits just answered: its message carries the menu
	d := data(t, c)
	if !strings.Contains(d.Embeds[0].Description, "**10. ") {
		t.Errorf("/benefits does not list ten benefits:\n%s", d.Embeds[0].Description)
	}
	menu := d.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.SelectMenu)
	if len(menu.Options) != 10 {
		t.Fatalf("menu has %d options", len(menu.Options))
	}
	pick, err := w.srv.SendComponent(discordtest.ComponentUse{MessageID: in.OriginalMessageID, CustomID: menu.CustomID,
		Values: []string{"benefit-headache"}, UserID: w.member("carol")})
	if err != nil {
		t.Fatal(err)
	}
	if got := data(t, w.callback(pick.ID)); got.Embeds[0].Title != shipped(t).Entry("benefit-headache").Title {
		t.Errorf("menu choice posted %q", got.Embeds[0].Title)
	}

	// A question the bot is not sure about gets "Did you mean" buttons.
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" massage oil brands")
	r := w.replyTo(q)
	if len(r.Components) == 0 {
		t.Fatalf("reply %q has no buttons", r.Embeds[0].Title)
	}
	row := r.Components[0].(*discordgo.ActionsRow)
	btn := row.Components[0].(*discordgo.Button)
	if !strings.HasPrefix(btn.CustomID, "faq/") {
		t.Fatalf("first button %q is not a topic", btn.CustomID)
	}
	press, err := w.srv.SendComponent(discordtest.ComponentUse{MessageID: r.ID, CustomID: btn.CustomID, UserID: w.member("carol")})
	if err != nil {
		t.Fatal(err)
	}
	want := shipped(t).Entry(strings.TrimPrefix(btn.CustomID, "faq/")).Title
	if got := data(t, w.callback(press.ID)); got.Embeds[0].Title != want {
		t.Errorf("button posted %q, want %q", got.Embeds[0].Title, want)
	}
}

func TestHelpCommand(t *testing.T) {
	w := start(t, newServer(t), nil)
	d := data(t, w.command("carol", "help"))
	if d.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(d.Embeds[0].Description, "/ask") {
		t.Errorf("/help = %+v", d)
	}
}

func TestMentioningTheBotsRoleCountsAsMentioningTheBot(t *testing.T) {
	srv := newServer(t)
	// Discord delivers the text of a message that mentions only the bot's role with the
	// Message Content intent, which ASK_CHANNEL_IDS turns on.
	help := srv.Config().Guilds[0].Channels[1].ID
	w := start(t, srv, func(c *config.Config) { c.AskChannels = []string{help} })
	var botRole string
	for _, r := range w.srv.Config().Guilds[0].Roles {
		if r.BotID == w.botID() {
			botRole = r.ID
		}
	}
	if botRole == "" {
		t.Fatal("the loopback guild has no managed role for the bot")
	}
	// The bot learns its role from GUILD_CREATE, whose handler runs apart from the others: ask
	// again (in other words, so it is no repeat) until it has.
	for try := 1; ; try++ {
		q := w.say("carol", w.channel("general"), fmt.Sprintf("%s what are the main pressure points? (try %d)", discordtest.MentionRole(botRole), try))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r, err := w.srv.WaitMessage(ctx, func(r *discordgo.Message) bool {
			return r.MessageReference != nil && r.MessageReference.MessageID == q.ID
		})
		cancel()
		if err == nil {
			if r.Embeds[0].Title != shipped(t).Entry("pressure-points").Title {
				t.Errorf("answer = %q", r.Embeds[0].Title)
			}
			return
		}
		if try == 10 {
			t.Fatal("a mention of the bot's role was never answered")
		}
	}
}
