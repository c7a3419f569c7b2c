package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

// commands are footbot's slash commands, registered by one bulk overwrite at start-up.
func (b *Bot) commands() []*discordgo.ApplicationCommand {
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	manageGuild := int64(permManageGuild)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a question about foot massage", Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question, in your own words",
			Required: true, MaxLength: knowledge.MaxQuestion,
		}}},
		{Name: "routine", Description: "The five steps of a self foot massage", Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Show it only to you",
		}}},
		{Name: "faq", Description: "Look up a topic", Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Start typing to see matching topics",
			Required: true, Autocomplete: true, MaxLength: knowledge.MaxQuestion,
		}}},
		{Name: "benefits", Description: "The ten benefits of foot massage, in brief"},
		{Name: "help", Description: "What footbot does and how to ask"},
	}
	if b.opts.Reload != nil {
		cmds = append(cmds, &discordgo.ApplicationCommand{
			Name: "reload", Description: "Moderators: reload the knowledge base from its files",
			DefaultMemberPermissions: &manageGuild, Contexts: guildOnly,
		})
	}
	if b.opts.Feedback != nil {
		cmds = append(cmds, &discordgo.ApplicationCommand{
			Name: "unanswered", Description: "Moderators: questions I could not answer and answers marked unhelpful",
			DefaultMemberPermissions: &manageGuild, Contexts: guildOnly,
		})
	}
	if b.opts.Editor != nil {
		cmds = append(cmds, &discordgo.ApplicationCommand{
			Name: "kb", Description: "Moderators: the knowledge files and their changes",
			DefaultMemberPermissions: &manageGuild, Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "history", Description: "Recent changes: who, when, what"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "rollback", Description: "Restore an earlier version",
					Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "version",
						Description: "A version from /kb history", Required: true, MaxLength: 12}}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "export", Description: "The knowledge files, as attachments"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "import", Description: "Replace one knowledge file with an uploaded one (you confirm first)",
					Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file",
						Description: "A knowledge file (.yaml) from /kb export, edited", Required: true}}},
			},
		})
	}
	return cmds
}

func (b *Bot) registerCommands() {
	appID := b.appID.Load().(string)
	if appID == "" {
		b.log.Error("cannot register slash commands: no application id (set DISCORD_APP_ID)")
		return
	}
	endpoint := discordgo.EndpointApplicationGlobalCommands(appID)
	if b.opts.GuildID != "" {
		endpoint = discordgo.EndpointApplicationGuildCommands(appID, b.opts.GuildID)
	}
	var payload []commandPayload
	for _, c := range b.commands() {
		payload = append(payload, commandPayload{ApplicationCommand: c, DefaultMemberPermissions: c.DefaultMemberPermissions})
	}
	ctx, cancel := restCtx()
	defer cancel()
	body, err := b.s.RequestWithBucketID("PUT", endpoint, payload, endpoint, discordgo.WithContext(ctx))
	var cmds []*discordgo.ApplicationCommand
	if err == nil {
		err = json.Unmarshal(body, &cmds)
	}
	if err != nil {
		b.log.Error("register slash commands", "error", b.redact(err))
		return
	}
	scope := "globally (may take a while to appear)"
	if b.opts.GuildID != "" {
		scope = "in guild " + b.opts.GuildID
	}
	b.log.Info("slash commands registered", "count", len(cmds), "scope", scope)
}

// commandPayload is a command as footbot sends it. discordgo writes default_member_permissions
// as a string ("32"), as Discord's documentation shows it; Discord's OpenAPI description
// declares an integer, and Discord accepts both, so footbot sends what the schema says.
type commandPayload struct {
	*discordgo.ApplicationCommand
	DefaultMemberPermissions *int64 `json:"default_member_permissions,omitempty"`
}

// onInteraction answers an interaction. Its data is read only after checking its type:
// discordgo's accessors panic on the wrong one.
func (b *Bot) onInteraction(i *discordgo.InteractionCreate) {
	var resp *discordgo.InteractionResponse
	var after func() // work that must wait until the response is sent
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		name := i.ApplicationCommandData().Name
		b.opts.Metrics.Interaction(knownLabel(name, "ask", "faq", "routine", "benefits", "help", "reload", "unanswered", "kb"))
		if name == "ask" || name == "faq" {
			if v := b.flood.admit(userID(i.Interaction), time.Now()); v != allow {
				// An interaction must be answered; an ephemeral note costs the channel nothing.
				b.opts.Metrics.FloodLimited()
				resp = notice(slowDownText)
				break
			}
		}
		resp = b.command(i.Interaction)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.opts.Metrics.Interaction("autocomplete")
		resp = b.autocomplete(i.Interaction)
	case discordgo.InteractionMessageComponent:
		route, _, _ := strings.Cut(i.MessageComponentData().CustomID, "/")
		b.opts.Metrics.Interaction("component:" + knownLabel(route, "faq", "vote", "del", "teach", "unanswered", "import"))
		resp, after = b.component(i.Interaction)
	default:
		return
	}
	b.respond(i.Interaction, resp)
	if after != nil {
		after()
	}
}

// knownLabel keeps metric labels to a fixed set, whatever names arrive.
func knownLabel(name string, known ...string) string {
	if slices.Contains(known, name) {
		return name
	}
	return "other"
}

// command routes a slash command to its handler.
func (b *Bot) command(i *discordgo.Interaction) *discordgo.InteractionResponse {
	data := i.ApplicationCommandData()
	opts := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range data.Options {
		opts[o.Name] = o
	}
	str := func(name string) string {
		if o := opts[name]; o != nil && o.Type == discordgo.ApplicationCommandOptionString {
			return o.StringValue()
		}
		return ""
	}
	asker := userID(i)
	switch data.Name {
	case "ask":
		return b.askResponse(str("question"), asker)
	case "faq":
		if a, ok := b.live.Topic(str("topic")); ok {
			return message(b.render(a, asker), false)
		}
		// Not one of the offered choices: treat what was typed as a question.
		return b.askResponse(str("topic"), asker)
	case "routine":
		private := false
		if o := opts["private"]; o != nil && o.Type == discordgo.ApplicationCommandOptionBoolean {
			private = o.BoolValue()
		}
		ix := b.live.Index() // one base for both look-ups, even if a reload swaps it meanwhile
		a, _ := ix.Topic(ix.Base().Routine().ID)
		return message(renderAnswer(a), private)
	case "benefits":
		return b.benefits()
	case "help":
		return message(renderAnswer(knowledge.Answer{Outcome: knowledge.Greeting, Disclaimer: b.live.Base().Disclaimer}), true)
	case "reload":
		return b.reload(i)
	case "unanswered":
		return b.unanswered(i)
	case "kb":
		return b.kb(i)
	}
	return notice("I don't know that command. Try /help.")
}

func (b *Bot) askResponse(question, asker string) *discordgo.InteractionResponse {
	a, ok := b.answer(context.Background(), "slash", question, asker)
	if !ok {
		return notice(sorry)
	}
	return message(b.render(a, asker), false)
}

// sorry is what a person reads when something went wrong on footbot's side.
const sorry = "Sorry, something went wrong on my side while answering. Please try again in a moment."

// autocomplete offers up to 25 topics matching what has been typed so far.
func (b *Bot) autocomplete(i *discordgo.Interaction) *discordgo.InteractionResponse {
	typed := ""
	for _, o := range i.ApplicationCommandData().Options {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			typed = o.StringValue()
		}
	}
	entries, err := b.live.Suggest(context.Background(), typed, maxChoices)
	if err != nil {
		b.log.Error("autocomplete", "error", err)
	}
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(entries))
	for _, e := range entries {
		if len(e.ID) > maxChoiceName {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(e.Title, maxChoiceName), Value: e.ID})
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
}

// benefits lists the benefit entries briefly, with a menu that opens any one of them.
func (b *Bot) benefits() *discordgo.InteractionResponse {
	base := b.live.Base()
	list := base.OfKind(knowledge.KindBenefit)
	var desc strings.Builder
	menu := discordgo.SelectMenu{CustomID: "faq", Placeholder: "Read about one of them"}
	for n, e := range list {
		fmt.Fprintf(&desc, "**%d. %s**\n%s\n", n+1, e.Title, truncate(firstSentence(e.Answer), 160))
		if len(menu.Options) < maxChoices {
			menu.Options = append(menu.Options, discordgo.SelectMenuOption{
				Label: truncate(e.Title, maxSelectText), Value: e.ID, Description: truncate(firstSentence(e.Answer), maxSelectText),
			})
		}
	}
	embed := &discordgo.MessageEmbed{
		Title:       fmt.Sprintf("%d benefits of foot massage", len(list)),
		Description: truncate(desc.String(), maxDescription),
		Color:       colorAnswer,
		Footer:      &discordgo.MessageEmbedFooter{Text: truncate(base.Disclaimer, maxFooter)},
	}
	fitEmbed(embed)
	r := reply{embeds: []*discordgo.MessageEmbed{embed}}
	if len(menu.Options) > 0 {
		r.components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}}
	}
	return message(r, false)
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}

// reload reloads the knowledge base for a moderator and says what changed, or every problem
// found; on problems the old knowledge base keeps answering.
func (b *Bot) reload(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		b.log.Warn("reload refused", "user", userID(i))
		return notice("Only moderators (Manage Server, Administrator, or a moderator role) can reload the knowledge base.")
	}
	changes, err := b.opts.Reload()
	var invalid *knowledge.ValidationError
	switch {
	case errors.As(err, &invalid):
		b.log.Warn("reload rejected", "user", userID(i), "problems", len(invalid.Problems))
		return notice(problemList("Reload failed", invalid.Problems))
	case err != nil:
		return notice("Reload failed: " + truncate(err.Error(), 1500) + "\nThe previous knowledge base is still answering.")
	}
	b.log.Info("knowledge reloaded by moderator", "user", userID(i))
	return notice(truncate(describeChanges(b.live.Base(), changes), maxContent))
}

// problemList tells a moderator every problem that fits in one message, as file:line: message.
func problemList(what string, problems []knowledge.Problem) string {
	head := fmt.Sprintf("%s: %d problem(s). The previous knowledge base is still answering.\n```\n", what, len(problems))
	var body strings.Builder
	for n, p := range problems {
		line := truncate(p.String(), 300) + "\n"
		more := fmt.Sprintf("... and %d more (run footbot validate)\n", len(problems)-n)
		if len(head)+body.Len()+len(line)+len(more)+3 > maxContent {
			body.WriteString(more)
			break
		}
		body.WriteString(line)
	}
	return head + body.String() + "```"
}

// describeChanges tells a moderator what a reload changed: each changed file, what changed in
// each entry, and the edits that look accidental.
func describeChanges(base *knowledge.Base, c knowledge.Changes) string {
	return fmt.Sprintf("Reloaded: %d entries (version %s).\n```\n%s\n```", len(base.Entries), base.Version,
		truncate(c.Text(), maxContent-120))
}

func userID(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// message is a type 4 response carrying a rendered reply.
func message(r reply, ephemeral bool) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{Embeds: r.embeds, Components: r.components, AllowedMentions: noPings()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// notice is a short ephemeral text reply.
func notice(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPings()},
	}
}
