package discordtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// These tests drive the real discordgo client against the server.

func TestOpenReceivesReadyThenGuildCreate(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	dg := newSession(t, srv, cfg.Token)
	// discordgo's state overwrites the guilds a READY points to (*g = *guild on GUILD_CREATE)
	// while READY handlers run: reading r.Guilds in a handler is a data race. Read READY's guild
	// list from the raw event instead, and copy GUILD_CREATE in its handler.
	type readySeen struct {
		userID, sessionID, appID string
		bot                      bool
		guilds                   []struct {
			ID          string `json:"id"`
			Unavailable bool   `json:"unavailable"`
		}
	}
	ready := make(chan readySeen, 1)
	guilds := make(chan discordgo.Guild, 1)
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		if e.Type != "READY" {
			return
		}
		r := e.Struct.(*discordgo.Ready)
		seen := readySeen{userID: r.User.ID, sessionID: r.SessionID, bot: r.User.Bot}
		if r.Application != nil {
			seen.appID = r.Application.ID
		}
		var raw struct {
			Guilds []struct {
				ID          string `json:"id"`
				Unavailable bool   `json:"unavailable"`
			} `json:"guilds"`
		}
		_ = json.Unmarshal(e.RawData, &raw)
		seen.guilds = raw.Guilds
		ready <- seen
	})
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
		guilds <- discordgo.Guild{ID: g.ID, Name: g.Name, Channels: g.Channels, Roles: g.Roles, Members: g.Members}
	})
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}

	r := receive(t, ready, "READY")
	if r.userID != cfg.BotUserID || !r.bot || r.sessionID == "" || len(r.guilds) != 1 || !r.guilds[0].Unavailable {
		t.Errorf("READY = %+v", r)
	}
	if r.appID != cfg.AppID {
		t.Errorf("READY application id = %q, want %s", r.appID, cfg.AppID)
	}
	g := receive(t, guilds, "GUILD_CREATE")
	want := cfg.Guilds[0]
	if g.ID != want.ID || g.Name != want.Name || len(g.Channels) != len(want.Channels) || len(g.Roles) != len(want.Roles) {
		t.Fatalf("GUILD_CREATE = %s %q with %d channels and %d roles, want %+v", g.ID, g.Name, len(g.Channels), len(g.Roles), want)
	}
	if len(g.Members) != 1 || g.Members[0].User.ID != cfg.BotUserID {
		t.Errorf("without the presences intent only the bot should be listed, got %d members", len(g.Members))
	}
	everyone, err := dg.State.Role(want.ID, want.ID)
	if err != nil || everyone.Permissions != DefaultEveryonePermissions {
		t.Errorf("state role @everyone = %+v, %v", everyone, err)
	}
	general := mustChannel(t, want, "general")
	perms, err := dg.State.UserChannelPermissions(cfg.BotUserID, general.ID)
	if err != nil || perms&discordgo.PermissionSendMessages == 0 {
		t.Errorf("state permissions of the bot in #general = %b, %v", perms, err)
	}

	id := srv.Identifies()[0]
	if id.Intents != discordgo.IntentsAllWithoutPrivileged || !id.Compress {
		t.Errorf("identify: intents %d compress %v; discordgo's defaults are %d and true", id.Intents, id.Compress, discordgo.IntentsAllWithoutPrivileged)
	}
	if st := srv.Stats(); st.Identifies != 1 || st.Connections != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestBotSendsMessageWithEmbedsAndButtons(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	g := cfg.Guilds[0]
	general := mustChannel(t, g, "general")
	carol := mustMember(t, g, "carol")
	question, err := srv.SendUserMessage(UserMessage{ChannelID: general.ID, AuthorID: carol.User.ID, Content: "how do I reset?"})
	if err != nil {
		t.Fatal(err)
	}
	dg := openSession(t, srv)
	own := make(chan *discordgo.MessageCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author.ID == cfg.BotUserID {
			own <- m
		}
	})

	sent, err := dg.ChannelMessageSendComplex(general.ID, &discordgo.MessageSend{
		Content: "Here is the answer",
		Embeds: []*discordgo.MessageEmbed{{
			Title:       "Resetting",
			Description: "Hold the button for ten seconds.",
			Color:       0x00ff00,
			Fields:      []*discordgo.MessageEmbedField{{Name: "Source", Value: "FAQ 12"}},
			Footer:      &discordgo.MessageEmbedFooter{Text: "footbot"},
		}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Helpful", Style: discordgo.SuccessButton, CustomID: "vote/yes"},
			discordgo.Button{Label: "Docs", Style: discordgo.LinkButton, URL: "https://example.com/docs"},
		}}},
		AllowedMentions: &discordgo.MessageAllowedMentions{},
		Reference:       question.Reference(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID == "" || sent.Author.ID != cfg.BotUserID || sent.ChannelID != general.ID || sent.GuildID != g.ID ||
		sent.Type != discordgo.MessageTypeReply || sent.ReferencedMessage == nil || sent.ReferencedMessage.ID != question.ID {
		t.Errorf("response message = %+v", sent)
	}
	if len(sent.Mentions) != 0 {
		t.Errorf("allowed_mentions {parse: []} must not ping the replied user, mentions = %v", sent.Mentions)
	}
	if created, _ := SnowflakeTime(sent.ID); time.Since(created) > time.Minute || sent.Timestamp.IsZero() {
		t.Errorf("id %s and timestamp %v should be now", sent.ID, sent.Timestamp)
	}

	stored := srv.Messages(general.ID)
	if len(stored) != 2 || stored[1].ID != sent.ID {
		t.Fatalf("stored %d messages, want the question and the answer", len(stored))
	}
	m := stored[1]
	if len(m.Embeds) != 1 || m.Embeds[0].Title != "Resetting" || m.Embeds[0].Type != "rich" || len(m.Embeds[0].Fields) != 1 {
		t.Errorf("stored embeds = %+v", m.Embeds)
	}
	row, _ := m.Components[0].(*discordgo.ActionsRow)
	if row == nil || len(row.Components) != 2 || row.Components[0].(*discordgo.Button).CustomID != "vote/yes" {
		t.Errorf("stored components = %+v", m.Components)
	}
	if echo := receive(t, own, "the bot's own MESSAGE_CREATE"); echo.ID != sent.ID || echo.Content != "Here is the answer" {
		t.Errorf("MESSAGE_CREATE = %+v", echo.Message)
	}

	if _, err := dg.ChannelMessageEdit(general.ID, sent.ID, "Edited answer"); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.Message(sent.ID); m.Content != "Edited answer" || m.EditedTimestamp == nil {
		t.Errorf("after edit: %q edited %v", m.Content, m.EditedTimestamp)
	}
	if err := dg.ChannelTyping(general.ID); err != nil {
		t.Fatal(err)
	}
	if err := dg.ChannelMessageDelete(general.ID, sent.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Message(sent.ID); ok {
		t.Error("message still stored after delete")
	}
	assertNoSchemaErrors(t, srv)
}

func TestBotAnswersSlashCommandAndFollowsUp(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	g := cfg.Guilds[0]
	dg := openSession(t, srv)

	cmds, err := dg.ApplicationCommandBulkOverwrite(cfg.AppID, g.ID, []*discordgo.ApplicationCommand{{
		Name:        "faq",
		Description: "Answer a question",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What to ask", Required: true, Autocomplete: true,
		}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 1 || cmds[0].ID == "" || cmds[0].ApplicationID != cfg.AppID || cmds[0].Version == "" || cmds[0].GuildID != g.ID {
		t.Fatalf("registered = %+v", cmds[0])
	}

	answered := make(chan error, 1)
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionApplicationCommand {
			return
		}
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content:         "Answer to " + i.ApplicationCommandData().Options[0].StringValue(),
				Embeds:          []*discordgo.MessageEmbed{{Title: "FAQ", Description: "Read the manual."}},
				AllowedMentions: &discordgo.MessageAllowedMentions{},
				Flags:           discordgo.MessageFlagsEphemeral,
			},
		})
		if err == nil {
			_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: ptr("Edited answer")})
		}
		if err == nil {
			_, err = s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "More help"})
		}
		// A second response is refused.
		var rerr *discordgo.RESTError
		again := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		if err == nil && (!errors.As(again, &rerr) || rerr.Message == nil || rerr.Message.Code != 40060) {
			err = errors.New("second callback: want 40060, got " + errString(again))
		}
		answered <- err
	})

	in, err := srv.SendCommand(CommandInvocation{Name: "faq", Options: []CommandOption{{Name: "question", Value: "reset"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := receive(t, answered, "the bot's answer"); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitCallback(testContext(t), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Callback.Type != discordgo.InteractionResponseChannelMessageWithSource || got.Callback.Latency > 3*time.Second {
		t.Errorf("callback = %+v", got.Callback)
	}
	original, ok := srv.Message(got.OriginalMessageID)
	if !ok || original.Content != "Edited answer" || original.Flags&discordgo.MessageFlagsEphemeral == 0 ||
		original.Interaction == nil || original.Interaction.Name != "faq" || original.WebhookID != cfg.AppID {
		t.Errorf("original response = %+v", original)
	}
	if len(got.FollowupIDs) != 1 {
		t.Fatalf("followups = %v", got.FollowupIDs)
	}
	if f, _ := srv.Message(got.FollowupIDs[0]); f.Content != "More help" {
		t.Errorf("followup = %q", f.Content)
	}
	assertNoSchemaErrors(t, srv)
}

func TestAutocompleteAndButtonClick(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	dg := openSession(t, srv)
	if _, err := dg.ApplicationCommandBulkOverwrite(cfg.AppID, "", []*discordgo.ApplicationCommand{{
		Name: "faq", Description: "Answer a question",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What", Autocomplete: true}},
	}}); err != nil {
		t.Fatal(err)
	}
	general := mustChannel(t, cfg.Guilds[0], "general")
	msg, err := dg.ChannelMessageSendComplex(general.ID, &discordgo.MessageSend{
		Content: "Was this helpful?",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Yes", Style: discordgo.PrimaryButton, CustomID: "vote/yes"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		switch i.Type {
		case discordgo.InteractionApplicationCommandAutocomplete:
			typed := i.ApplicationCommandData().Options[0]
			errs <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{
					{Name: "How do I " + typed.StringValue() + "?", Value: "q1"},
				}},
			})
		case discordgo.InteractionMessageComponent:
			errs <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseUpdateMessage,
				Data: &discordgo.InteractionResponseData{Content: "Thanks, " + i.Member.User.Username, Components: []discordgo.MessageComponent{}},
			})
		}
	})

	ac, err := srv.SendAutocomplete(CommandInvocation{Name: "faq", Options: []CommandOption{{Name: "question", Value: "res", Focused: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := receive(t, errs, "autocomplete answer"); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Interaction(ac.ID)
	if got.Callback == nil || got.Callback.Type != discordgo.InteractionApplicationCommandAutocompleteResult ||
		!strings.Contains(string(got.Callback.Data), "How do I res?") {
		t.Errorf("autocomplete callback = %+v", got.Callback)
	}

	bob := mustMember(t, cfg.Guilds[0], "bob")
	click, err := srv.SendComponent(ComponentUse{MessageID: msg.ID, CustomID: "vote/yes", UserID: bob.User.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := receive(t, errs, "button answer"); err != nil {
		t.Fatal(err)
	}
	got, _ = srv.Interaction(click.ID)
	updated, _ := srv.Message(msg.ID)
	if got.OriginalMessageID != msg.ID || updated.Content != "Thanks, bob" || len(updated.Components) != 0 {
		t.Errorf("after click: original %s, message %q with %d components", got.OriginalMessageID, updated.Content, len(updated.Components))
	}
	assertNoSchemaErrors(t, srv)
}

func TestLateCallbackIsUnknownInteraction(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{InteractionTimeout: 100 * time.Millisecond})
	cfg := srv.Config()
	dg := openSession(t, srv)
	if _, err := dg.ApplicationCommandBulkOverwrite(cfg.AppID, "", []*discordgo.ApplicationCommand{{Name: "faq", Description: "Answer"}}); err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		time.Sleep(300 * time.Millisecond) // too slow
		result <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "late"},
		})
	})
	if _, err := srv.SendCommand(CommandInvocation{Name: "faq"}); err != nil {
		t.Fatal(err)
	}
	err := receive(t, result, "the late answer")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusNotFound || rerr.Message.Code != 10062 {
		t.Fatalf("late callback: got %v, want 404 with code 10062", err)
	}
	if len(srv.BotMessages()) != 0 {
		t.Error("a refused callback must not create a message")
	}
}

func TestInjectedRateLimitIsRetriedOnce(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	general := mustChannel(t, srv.Config().Guilds[0], "general")
	dg := newSession(t, srv, srv.Config().Token)
	limited := make(chan *discordgo.RateLimit, 2)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.RateLimit) { limited <- r })
	srv.InjectRateLimit(RateLimit{Method: "POST", Route: "/channels/{channel_id}/messages", Count: 2, RetryAfter: 50 * time.Millisecond})

	if _, err := dg.ChannelMessageSend(general.ID, "hello"); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Messages(general.ID)); got != 1 {
		t.Errorf("stored %d messages, want exactly 1", got)
	}
	var statuses []int
	for _, r := range srv.Requests() {
		if r.Route == "/channels/{channel_id}/messages" {
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) != 3 || statuses[0] != 429 || statuses[1] != 429 || statuses[2] != 200 {
		t.Errorf("statuses = %v, want [429 429 200]", statuses)
	}
	if r := receive(t, limited, "RateLimit event"); r.RetryAfter != 50*time.Millisecond {
		t.Errorf("discordgo read retry_after as %v", r.RetryAfter)
	}
}

func TestReconnectOpcodeLeadsToResume(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	dg := openSession(t, srv)
	resumed := make(chan *discordgo.Resumed, 1)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Resumed) { resumed <- r })
	if n := srv.SendReconnect(); n != 1 {
		t.Fatalf("told %d connections to reconnect", n)
	}
	receive(t, resumed, "RESUMED")
	st := srv.Stats()
	if st.Identifies != 1 || st.Resumes != 1 || st.Connects != 2 {
		t.Errorf("stats = %+v, want one identify, one resume, two connections", st)
	}
	if len(st.ClientCloseCodes) == 0 || st.ClientCloseCodes[0] != websocket.CloseServiceRestart {
		t.Errorf("discordgo closes with 1012 on op 7 (keeping the session), got %v", st.ClientCloseCodes)
	}
}

func TestDroppedConnectionResumesAndReplaysMissedEvents(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{AllowedIntents: 0})
	dg := newSession(t, srv, srv.Config().Token)
	dg.Identify.Intents |= discordgo.IntentMessageContent
	msgs := make(chan *discordgo.MessageCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { msgs <- m })
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	// Posted while the bot is away: it must arrive after the resume.
	if _, err := srv.SendUserMessage(UserMessage{Content: "anyone there?"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitResume(testContext(t), 1); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, msgs, "the missed message"); m.Content != "anyone there?" {
		t.Errorf("replayed message = %q", m.Content)
	}
	if st := srv.Stats(); st.Identifies != 1 {
		t.Errorf("identifies = %d, want 1: the session should resume", st.Identifies)
	}
}

func TestInvalidSessionMakesDiscordgoIdentifyAgain(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	dg := openSession(t, srv)
	first := dg.State.SessionID
	srv.SendInvalidSession(false)
	second, err := srv.WaitIdentify(testContext(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	if second.SessionID == first {
		t.Error("a new identify must start a new session")
	}
}

func TestBadTokenClosesWith4004(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	dg := newSession(t, srv, srv.Config().Token)
	dg.Identify.Token = "Bot wrong" // REST works, the gateway refuses
	err := dg.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 || ce.Text != "Authentication failed." {
		t.Fatalf("open: %v, want close 4004", err)
	}
	if st := srv.Stats(); len(st.CloseCodes) != 1 || st.CloseCodes[0] != 4004 || st.Identifies != 0 {
		t.Errorf("stats = %+v", st)
	}

	rest := newSession(t, srv, "wrong")
	_, err = rest.User("@me")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusUnauthorized || rerr.Message.Message != "401: Unauthorized" {
		t.Errorf("REST with a bad token: %v", err)
	}
}

func TestDisallowedPrivilegedIntentClosesWith4014(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{AllowedIntents: discordgo.IntentsAllWithoutPrivileged})
	dg := newSession(t, srv, srv.Config().Token)
	dg.Identify.Intents |= discordgo.IntentMessageContent
	err := dg.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4014 {
		t.Fatalf("open: %v, want close 4014", err)
	}
}

func TestGuildMessageContentNeedsIntentUnlessBotIsMentioned(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	dg := openSession(t, srv) // discordgo's default intents leave out message content
	msgs := make(chan *discordgo.MessageCreate, 3)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { msgs <- m })

	if _, err := srv.SendUserMessage(UserMessage{Content: "plain question"}); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, msgs, "plain message"); m.Content != "" {
		t.Errorf("content without the intent = %q, want empty", m.Content)
	}
	if _, err := srv.SendUserMessage(UserMessage{Content: Mention(cfg.BotUserID) + " help"}); err != nil {
		t.Fatal(err)
	}
	m := receive(t, msgs, "mention")
	if !strings.HasSuffix(m.Content, " help") || len(m.Mentions) != 1 || m.Mentions[0].ID != cfg.BotUserID || m.Member == nil {
		t.Errorf("mentioning message = %+v", m.Message)
	}
	if _, err := srv.SendUserMessage(UserMessage{DM: true, Content: "in private"}); err != nil {
		t.Fatal(err)
	}
	dm := receive(t, msgs, "DM")
	if dm.Content != "in private" || dm.GuildID != "" {
		t.Errorf("DM = %+v", dm.Message)
	}
	ch, err := dg.Channel(dm.ChannelID)
	if err != nil || ch.Type != discordgo.ChannelTypeDM {
		t.Errorf("DM channel = %+v, %v", ch, err)
	}
}

func TestHeartbeatsAreAcknowledged(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{HeartbeatInterval: 50 * time.Millisecond})
	openSession(t, srv)
	// discordgo reconnects when five intervals pass without an ACK: ten beats on one connection
	// show that every beat was acknowledged.
	if _, err := srv.WaitGateway(testContext(t), func(st GatewayStats) bool { return st.Heartbeats >= 10 }); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Connects != 1 {
		t.Errorf("connections = %d, want 1", st.Connects)
	}
}

func TestServerRequestedHeartbeatIsAnswered(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{}) // 41.25 s: only the first beat comes by itself
	openSession(t, srv)
	ctx := testContext(t)
	if _, err := srv.WaitGateway(ctx, func(st GatewayStats) bool { return st.Heartbeats == 1 }); err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestHeartbeat(); n != 1 {
		t.Fatalf("asked %d connections", n)
	}
	if _, err := srv.WaitGateway(ctx, func(st GatewayStats) bool { return st.Heartbeats == 2 }); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

func TestDeferredResponseIsEditedWithAFile(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	dg := openSession(t, srv)
	if _, err := dg.ApplicationCommandBulkOverwrite(cfg.AppID, "", []*discordgo.ApplicationCommand{{Name: "export", Description: "Export"}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		if err == nil {
			_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{
				Content: ptr("Here it is"),
				Files:   []*discordgo.File{{Name: "faq.txt", ContentType: "text/plain", Reader: strings.NewReader("Q: A")}},
			})
		}
		done <- err
	})
	in, err := srv.SendCommand(CommandInvocation{Name: "export"})
	if err != nil {
		t.Fatal(err)
	}
	if err := receive(t, done, "the deferred answer"); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Interaction(in.ID)
	m, _ := srv.Message(got.OriginalMessageID)
	if got.Callback.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || m.Content != "Here it is" ||
		m.Flags&discordgo.MessageFlagsLoading != 0 || len(m.Attachments) != 1 || m.Attachments[0].Filename != "faq.txt" || m.Attachments[0].Size != 4 {
		t.Errorf("callback %+v, message %+v", got.Callback, m)
	}
	assertNoSchemaErrors(t, srv)
}

func TestDispatchedEventsReachDiscordgo(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	g := cfg.Guilds[0]
	dg := openSession(t, srv)
	roles := make(chan *discordgo.GuildRoleCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.GuildRoleCreate) { roles <- r })
	err := srv.Dispatch("GUILD_ROLE_CREATE", map[string]any{
		"guild_id": g.ID,
		"role":     map[string]any{"id": NewSnowflake(), "name": "Helper", "permissions": "0", "position": 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := receive(t, roles, "GUILD_ROLE_CREATE"); r.Role.Name != "Helper" || r.GuildID != g.ID {
		t.Errorf("role event = %+v", r.GuildRole)
	}
	// A message dispatched by hand is stored, so the bot can reply to it.
	id := NewSnowflake()
	general := mustChannel(t, g, "general")
	ada := mustMember(t, g, "ada")
	if err := srv.Dispatch("MESSAGE_CREATE", map[string]any{
		"id": id, "channel_id": general.ID, "guild_id": g.ID, "content": "hi", "type": 0,
		"author": map[string]any{"id": ada.User.ID, "username": "ada"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := dg.ChannelMessageSendReply(general.ID, "hello", &discordgo.MessageReference{MessageID: id}); err != nil {
		t.Fatalf("reply to a dispatched message: %v", err)
	}
}

func TestButtonOpensModalAndSubmissionIsAnswered(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	general := mustChannel(t, srv.Config().Guilds[0], "general")
	dg := openSession(t, srv)
	msg, err := dg.ChannelMessageSendComplex(general.ID, &discordgo.MessageSend{
		Content: "Tell us more",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Feedback", Style: discordgo.SecondaryButton, CustomID: "feedback/open"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		switch i.Type {
		case discordgo.InteractionMessageComponent:
			errs <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseModal,
				Data: &discordgo.InteractionResponseData{CustomID: "feedback/modal", Title: "Feedback",
					Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
						discordgo.TextInput{CustomID: "text", Label: "What was missing?", Style: discordgo.TextInputParagraph},
					}}}},
			})
		case discordgo.InteractionModalSubmit:
			data := i.ModalSubmitData()
			text := data.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput).Value
			errs <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "Noted: " + text, Flags: discordgo.MessageFlagsEphemeral},
			})
		}
	})
	if _, err := srv.SendComponent(ComponentUse{MessageID: msg.ID, CustomID: "feedback/open"}); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, errs, "the modal"); err != nil {
		t.Fatal(err)
	}
	sub, err := srv.SendModalSubmit(ModalSubmission{CustomID: "feedback/modal", MessageID: msg.ID, Fields: map[string]string{"text": "examples"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := receive(t, errs, "the modal answer"); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Interaction(sub.ID)
	if m, _ := srv.Message(got.OriginalMessageID); m == nil || m.Content != "Noted: examples" {
		t.Errorf("modal answer = %+v", m)
	}
	assertNoSchemaErrors(t, srv)
}

func TestRESTLookupsThroughDiscordgo(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cfg := srv.Config()
	g := cfg.Guilds[0]
	ada := mustMember(t, g, "ada")
	dg := newSession(t, srv, cfg.Token)

	if me, err := dg.User("@me"); err != nil || me.ID != cfg.BotUserID || !me.Bot {
		t.Errorf("user @me = %+v, %v", me, err)
	}
	if app, err := dg.Application("@me"); err != nil || app.ID != cfg.AppID || app.Name != cfg.BotUsername {
		t.Errorf("application @me = %+v, %v", app, err)
	}
	if gb, err := dg.GatewayBot(); err != nil || gb.Shards != 1 || gb.URL != srv.GatewayURL()+"/" || gb.SessionStartLimit.MaxConcurrency != 1 {
		t.Errorf("gateway/bot = %+v, %v", gb, err)
	}
	if guild, err := dg.Guild(g.ID); err != nil || guild.Name != g.Name || guild.OwnerID != ada.User.ID || len(guild.Roles) != len(g.Roles) {
		t.Errorf("guild = %+v, %v", guild, err)
	}
	if m, err := dg.GuildMember(g.ID, ada.User.ID); err != nil || m.User.Username != "ada" {
		t.Errorf("member = %+v, %v", m, err)
	}
	dm, err := dg.UserChannelCreate(ada.User.ID)
	if err != nil || dm.Type != discordgo.ChannelTypeDM || len(dm.Recipients) != 1 || dm.Recipients[0].ID != ada.User.ID {
		t.Fatalf("DM channel = %+v, %v", dm, err)
	}
	if again, _ := srv.DMChannel(ada.User.ID); again != dm.ID {
		t.Errorf("DM channel %s, then %s", dm.ID, again)
	}
	if _, err := dg.ChannelMessageSend(dm.ID, "hello in private"); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(dm.ID); len(msgs) != 1 || msgs[0].GuildID != "" {
		t.Errorf("DM messages = %+v", msgs)
	}
	if _, err := dg.ApplicationCommandCreate(cfg.AppID, g.ID, &discordgo.ApplicationCommand{Name: "faq", Description: "Ask"}); err != nil {
		t.Fatal(err)
	}
	if cmds, err := dg.ApplicationCommands(cfg.AppID, g.ID); err != nil || len(cmds) != 1 || cmds[0].Name != "faq" || len(srv.Commands(g.ID)) != 1 {
		t.Errorf("commands = %+v, %v", cmds, err)
	}
	assertNoSchemaErrors(t, srv)
}
