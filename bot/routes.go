package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

// route is one row of the table that every interaction is dispatched by: a slash command, or a
// component's custom_id pattern. Registration, dispatch and metric labels all read the table, so
// a new command or button is one row. Custom ids are paths that carry their own parameters
// (ids, never texts: a custom_id holds at most 100 characters).
type route struct {
	// pattern is a command's name, or a custom_id pattern such as "vote/{entry}/{dir}".
	pattern string
	// command defines a slash command for registration; nil for components. It returns nil when
	// the command is off (for example /reload without a knowledge folder to reload).
	command func(b *Bot) *discordgo.ApplicationCommand
	// limited counts the interaction toward its user's question rate.
	limited bool
	// private says whether a command's response is seen only by its user (nil: never): a slow
	// response is acknowledged with that flag, which the response cannot change later.
	private func(i *discordgo.Interaction) bool
	// handle answers; after, if not nil, runs once the response has been sent.
	handle func(b *Bot, i *discordgo.Interaction, p params) (resp *discordgo.InteractionResponse, after func())
}

// params are the values of a custom_id pattern's {placeholders}.
type params map[string]string

// respond wraps a handler that needs no after-work.
func respond(h func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse) func(*Bot, *discordgo.Interaction, params) (*discordgo.InteractionResponse, func()) {
	return func(b *Bot, i *discordgo.Interaction, p params) (*discordgo.InteractionResponse, func()) {
		return h(b, i, p), nil
	}
}

var (
	guildOnly   = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	manageGuild = int64(permManageGuild)
)

// modCommand defines a moderators' command, offered when on says it is set up.
func modCommand(on func(b *Bot) bool, c discordgo.ApplicationCommand) func(*Bot) *discordgo.ApplicationCommand {
	return func(b *Bot) *discordgo.ApplicationCommand {
		if !on(b) {
			return nil
		}
		c.DefaultMemberPermissions, c.Contexts = &manageGuild, guildOnly
		return &c
	}
}

// alwaysPrivate is private for a command whose response only its user sees.
func alwaysPrivate(*discordgo.Interaction) bool { return true }

func always(c discordgo.ApplicationCommand) func(*Bot) *discordgo.ApplicationCommand {
	return func(*Bot) *discordgo.ApplicationCommand { return &c }
}

// routes is the table.
var routes = []route{
	{pattern: "ask", limited: true, command: always(discordgo.ApplicationCommand{Name: "ask", Description: "Ask a question about foot massage",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "question",
			Description: "Your question, in your own words", Required: true, MaxLength: knowledge.MaxQuestion}}}),
		handle: respond(func(b *Bot, i *discordgo.Interaction, _ params) *discordgo.InteractionResponse {
			return b.askResponse(stringOption(options(i), "question"), userID(i))
		})},
	{pattern: "routine", private: privateOption, command: always(discordgo.ApplicationCommand{Name: "routine", Description: "The five steps of a self foot massage",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Show it only to you"}}}),
		handle: respond(func(b *Bot, i *discordgo.Interaction, _ params) *discordgo.InteractionResponse { return b.routine(i) })},
	{pattern: "faq", limited: true, command: always(discordgo.ApplicationCommand{Name: "faq", Description: "Look up a topic",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "topic",
			Description: "Start typing to see matching topics", Required: true, Autocomplete: true, MaxLength: knowledge.MaxQuestion}}}),
		handle: respond(func(b *Bot, i *discordgo.Interaction, _ params) *discordgo.InteractionResponse { return b.faq(i) })},
	{pattern: "benefits", command: always(discordgo.ApplicationCommand{Name: "benefits", Description: "The ten benefits of foot massage, in brief"}),
		handle: respond(func(b *Bot, _ *discordgo.Interaction, _ params) *discordgo.InteractionResponse { return b.benefits() })},
	{pattern: "help", private: alwaysPrivate, command: always(discordgo.ApplicationCommand{Name: "help", Description: "What footbot does and how to ask"}),
		handle: respond(func(b *Bot, _ *discordgo.Interaction, _ params) *discordgo.InteractionResponse { return b.help() })},
	{pattern: "reload", private: alwaysPrivate, command: modCommand(func(b *Bot) bool { return b.opts.Reload != nil },
		discordgo.ApplicationCommand{Name: "reload", Description: "Moderators: reload the knowledge base from its files"}),
		handle: respond(func(b *Bot, i *discordgo.Interaction, _ params) *discordgo.InteractionResponse { return b.reload(i) })},
	{pattern: "unanswered", private: alwaysPrivate, command: modCommand(func(b *Bot) bool { return b.opts.Feedback != nil },
		discordgo.ApplicationCommand{Name: "unanswered", Description: "Moderators: questions I could not answer and answers marked unhelpful"}),
		handle: respond(func(b *Bot, i *discordgo.Interaction, _ params) *discordgo.InteractionResponse {
			return b.unanswered(i)
		})},
	{pattern: "kb", private: alwaysPrivate, command: modCommand(func(b *Bot) bool { return b.opts.Editor != nil }, discordgo.ApplicationCommand{
		Name: "kb", Description: "Moderators: the knowledge files and their changes",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "history", Description: "Recent changes: who, when, what"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "rollback", Description: "Restore an earlier version",
				Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "version",
					Description: "A version from /kb history", Required: true, MaxLength: 12}}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "teach", Description: "Answer a declined question with any entry",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "A declined question (start typing), or any question",
						Required: true, Autocomplete: true, MaxLength: knowledge.MaxQuestion},
					{Type: discordgo.ApplicationCommandOptionString, Name: "entry", Description: "The entry that answers it (start typing)",
						Required: true, Autocomplete: true, MaxLength: 100},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "export", Description: "The knowledge files, as attachments"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "import", Description: "Replace one knowledge file with an uploaded one (you confirm first)",
				Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file",
					Description: "A knowledge file (.yaml) from /kb export, edited", Required: true}}},
		}}),
		handle: respond(func(b *Bot, i *discordgo.Interaction, _ params) *discordgo.InteractionResponse { return b.kb(i) })},

	// Components.
	{pattern: "faq/{entry}", handle: respond(func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse {
		return b.topic(i, p["entry"])
	})},
	{pattern: "faq", handle: respond(func(b *Bot, i *discordgo.Interaction, _ params) *discordgo.InteractionResponse { return b.topic(i, "") })},
	{pattern: "vote/{entry}/{dir}", handle: respond(func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse {
		return b.vote(i, p["entry"], p["dir"] == "up")
	})},
	{pattern: "del/{asker}/{unix}", handle: func(b *Bot, i *discordgo.Interaction, p params) (*discordgo.InteractionResponse, func()) {
		return b.dismiss(i, p["asker"], p["unix"])
	}},
	{pattern: "teach/{declined}", handle: respond(func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse {
		return b.teach(i, p["declined"])
	})},
	{pattern: "unanswered/{page}", handle: respond(func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse {
		return b.turnPage(i, p["page"], (*Bot).unansweredPage)
	})},
	{pattern: "unhelpful/{page}", handle: respond(func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse {
		return b.turnPage(i, p["page"], (*Bot).unhelpfulPage)
	})},
	{pattern: "fix/{unhelpful}", handle: respond(func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse {
		return b.fix(i, p["unhelpful"])
	})},
	{pattern: "import/{token}", handle: respond(func(b *Bot, i *discordgo.Interaction, p params) *discordgo.InteractionResponse {
		return b.confirmImport(i, p["token"])
	})},
}

// unknownCommand and unknownComponent answer what no row matches: a command or button of an
// older version of the bot, still on someone's screen.
var (
	unknownCommand = route{pattern: "other", handle: respond(func(*Bot, *discordgo.Interaction, params) *discordgo.InteractionResponse {
		return notice("I don't know that command. Try /help.")
	})}
	unknownComponent = route{pattern: "other", handle: respond(func(*Bot, *discordgo.Interaction, params) *discordgo.InteractionResponse {
		return notice("That button no longer works. Ask again, or try /help.")
	})}
)

// commands are the slash commands to register, in table order.
func (b *Bot) commands() []*discordgo.ApplicationCommand {
	var out []*discordgo.ApplicationCommand
	for _, r := range routes {
		if r.command != nil {
			if c := r.command(b); c != nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// commandRoute is the row of a slash command.
func commandRoute(name string) *route {
	for i := range routes {
		if routes[i].command != nil && routes[i].pattern == name {
			return &routes[i]
		}
	}
	return &unknownCommand
}

// componentRoute is the row whose pattern a custom_id matches, with the values it binds.
func componentRoute(customID string) (*route, params) {
	got := strings.Split(customID, "/")
	for i := range routes {
		if routes[i].command != nil {
			continue
		}
		if p, ok := match(routes[i].pattern, got); ok {
			return &routes[i], p
		}
	}
	return &unknownComponent, nil
}

func match(pattern string, got []string) (params, bool) {
	want := strings.Split(pattern, "/")
	if len(want) != len(got) {
		return nil, false
	}
	p := params{}
	for i, w := range want {
		switch {
		case strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}"):
			if got[i] == "" {
				return nil, false
			}
			p[strings.Trim(w, "{}")] = got[i]
		case w != got[i]:
			return nil, false
		}
	}
	return p, true
}

// label is the route's metric label: a fixed set, whatever ids arrive.
func (r *route) label() string {
	name, _, _ := strings.Cut(r.pattern, "/")
	return name
}
