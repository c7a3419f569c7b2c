package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

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
	var r *route
	var p params
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		r = commandRoute(i.ApplicationCommandData().Name)
		b.opts.Metrics.Interaction(r.label())
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.opts.Metrics.Interaction("autocomplete")
		b.respond(i.Interaction, b.autocomplete(i.Interaction))
		return
	case discordgo.InteractionMessageComponent:
		r, p = componentRoute(i.MessageComponentData().CustomID)
		b.opts.Metrics.Interaction("component:" + r.label())
	default:
		return
	}
	if r.limited && b.flood.admit(userID(i.Interaction), b.now()) != allow {
		// An interaction must be answered; an ephemeral note costs the channel nothing.
		b.opts.Metrics.FloodLimited()
		b.respond(i.Interaction, notice(slowDownText))
		return
	}
	private := r.private != nil && r.private(i.Interaction)
	b.answerInTime(i.Interaction, private, func() (*discordgo.InteractionResponse, func()) { return r.handle(b, i.Interaction, p) })
}

// options returns a command's options by name (of a subcommand, when it has one).
func options(i *discordgo.Interaction) map[string]*discordgo.ApplicationCommandInteractionDataOption {
	opts := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range i.ApplicationCommandData().Options {
		opts[o.Name] = o
	}
	return opts
}

// stringOption is the value of a string option, or "".
func stringOption(opts map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	if o := opts[name]; o != nil && o.Type == discordgo.ApplicationCommandOptionString {
		return o.StringValue()
	}
	return ""
}

func (b *Bot) faq(i *discordgo.Interaction) *discordgo.InteractionResponse {
	topic := stringOption(options(i), "topic")
	if a, ok := b.live.Topic(topic); ok {
		return message(b.render(a, userID(i)), false)
	}
	// Not one of the offered choices: treat what was typed as a question.
	return b.askResponse(topic, userID(i))
}

// privateOption is the value of a command's "private" option: show the response only to its user.
func privateOption(i *discordgo.Interaction) bool {
	o := options(i)["private"]
	return o != nil && o.Type == discordgo.ApplicationCommandOptionBoolean && o.BoolValue()
}

func (b *Bot) routine(i *discordgo.Interaction) *discordgo.InteractionResponse {
	private := privateOption(i)
	ix := b.live.Index() // one base for both look-ups, even if a reload swaps it meanwhile
	a, _ := ix.Topic(ix.Base().Routine().ID)
	return message(renderAnswer(a), private)
}

func (b *Bot) help() *discordgo.InteractionResponse {
	return message(renderAnswer(knowledge.Answer{Outcome: knowledge.Greeting, Disclaimer: b.live.Base().Disclaimer}), true)
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
	focused := focusedOption(i.ApplicationCommandData().Options)
	choices := []*discordgo.ApplicationCommandOptionChoice{} // Discord requires the list, even empty
	if focused != nil && focused.Name == "question" && b.opts.Feedback != nil && b.isModerator(i.Member) {
		choices = b.declinedChoices(focused.StringValue())
	} else {
		typed := ""
		if focused != nil {
			typed = focused.StringValue()
		}
		entries, err := b.live.Suggest(context.Background(), typed, maxChoices)
		if err != nil {
			b.log.Error("autocomplete", "error", err)
		}
		for _, e := range entries {
			if len(e.ID) <= maxChoiceName {
				choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(e.Title, maxChoiceName), Value: e.ID})
			}
		}
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
}

// focusedOption is the string option being typed, in a subcommand or not.
func focusedOption(opts []*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			return o
		}
		if f := focusedOption(o.Options); f != nil {
			return f
		}
	}
	return nil
}

// declinedChoices are the declined questions that contain what a moderator typed, most asked
// first; each choice's value is the question's id.
func (b *Bot) declinedChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	r, err := b.opts.Feedback.Report(500)
	if err != nil {
		b.log.Error("autocomplete declined questions", "error", err)
		return nil
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, d := range r.Declined {
		if len(out) < maxChoices && strings.Contains(strings.ToLower(d.Question), typed) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: truncate(d.Question, maxChoiceName), Value: d.ID})
		}
	}
	if len(out) == 0 && typed != "" {
		// No declined question matches: offer what was typed, to teach it as it is. (Discord
		// also needs at least one choice: an empty list is dropped from the JSON.)
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: truncate(typed, maxChoiceName), Value: truncate(typed, maxChoiceName)})
	}
	return out
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
