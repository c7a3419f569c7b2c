package discordtest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Mention returns the content that mentions a user: <@id>.
func Mention(userID string) string { return "<@" + userID + ">" }

// MentionRole returns the content that mentions a role: <@&id>.
func MentionRole(roleID string) string { return "<@&" + roleID + ">" }

// UserMessage describes a message a user posts, for SendUserMessage.
type UserMessage struct {
	// ChannelID is where the message is posted. Default: the author's DM channel with the bot
	// when DM is set, else the first text channel of the first guild.
	ChannelID string
	// DM posts in the direct message channel between the author and the bot.
	DM bool
	// AuthorID is the author, a known user (a guild member, or one of Options.Users for a DM).
	// Default: the first guild's first member who is not a bot. Pick a member with Bot set for a
	// message from another bot, or one with roles.
	AuthorID string
	// Content is the text. Its mentions (<@id>, <@&id>, @everyone, @here; see Mention) become the
	// message's mentions, mention_roles and mention_everyone, as on Discord.
	Content string
	// ReplyTo is the id of a stored message in the same channel that this one replies to. Its
	// author is mentioned, as Discord's clients do by default.
	ReplyTo string
	// Embeds are embed objects, as JSON would decode them.
	Embeds []map[string]any
	// Attachments are file names; each becomes an attachment.
	Attachments []string
}

// SendUserMessage stores a message from a user and dispatches MESSAGE_CREATE for it, with the
// author's member in a guild. It returns the message as stored.
func (s *Server) SendUserMessage(m UserMessage) (*discordgo.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	author, t, err := s.actorLocked(m.AuthorID, m.ChannelID, m.DM)
	if err != nil {
		return nil, err
	}
	embeds := []any{}
	for _, e := range m.Embeds {
		embeds = append(embeds, e)
	}
	body := map[string]any{"content": m.Content, "embeds": embeds}
	if m.ReplyTo != "" {
		body["message_reference"] = map[string]any{"message_id": m.ReplyTo}
	}
	var files []fileInfo
	for _, name := range m.Attachments {
		files = append(files, fileInfo{name: name, contentType: "application/octet-stream"})
	}
	msg, errs := s.newMessageLocked(t, author, body, files)
	if len(errs) > 0 {
		return nil, fmt.Errorf("discordtest: user message: %s", errs[0])
	}
	s.storeMessageLocked(msg)
	s.broadcastLocked("MESSAGE_CREATE", s.messageEventLocked(msg))
	return decodeMessage(s.messageObjectLocked(msg)), nil
}

// actorLocked resolves the user and channel of something a user does, with their defaults.
func (s *Server) actorLocked(userID, channelID string, dm bool) (User, target, error) {
	var u User
	if userID == "" {
		for _, m := range s.guilds[0].Members {
			if !m.User.Bot {
				u = m.User
				break
			}
		}
		if u.ID == "" {
			return u, target{}, errors.New("discordtest: no member who is not a bot to act as the user")
		}
	} else {
		var known bool
		if u, known = s.users[userID]; !known {
			return u, target{}, fmt.Errorf("discordtest: unknown user %s", userID)
		}
	}
	switch {
	case channelID != "":
		t, found := s.targetLocked(channelID)
		if !found {
			return u, t, fmt.Errorf("discordtest: unknown channel %s", channelID)
		}
		if t.g != nil && findMember(t.g, u.ID) == nil {
			return u, t, fmt.Errorf("discordtest: user %s is not a member of guild %s", u.Username, t.g.Name)
		}
		return u, t, nil
	case dm:
		return u, target{dm: s.dmChannelLocked(u)}, nil
	}
	for _, g := range s.guilds {
		if findMember(g, u.ID) == nil {
			continue
		}
		for i := range g.Channels {
			if g.Channels[i].Type == discordgo.ChannelTypeGuildText {
				return u, target{g: g, ch: &g.Channels[i]}, nil
			}
		}
	}
	return u, target{}, fmt.Errorf("discordtest: no text channel for user %s", u.Username)
}

// CommandOption is an option of an invoked command.
type CommandOption struct {
	Name string
	// Type defaults from Value: a string is a String option, a bool a Boolean, an integer an
	// Integer, a float a Number. Subcommands and groups (no Value) need their Type.
	Type  discordgo.ApplicationCommandOptionType
	Value any
	// Focused marks the option the user is typing, for autocomplete.
	Focused bool
	// Options are the options of a subcommand or group.
	Options []CommandOption
}

// CommandInvocation describes a user invoking an application command, for SendCommand and
// SendAutocomplete. The command must have been registered, as on Discord.
type CommandInvocation struct {
	Name string
	// Type defaults to discordgo.ChatApplicationCommand.
	Type    discordgo.ApplicationCommandType
	Options []CommandOption
	// TargetID is the user or message a user or message command acts on.
	TargetID string
	// ChannelID, DM and UserID are as for UserMessage (ChannelID, DM and AuthorID).
	ChannelID string
	DM        bool
	UserID    string
	// Locale is the user's client locale. Default "en-US".
	Locale string
}

// SendCommand dispatches INTERACTION_CREATE for an application command (type 2) and registers
// the interaction for its callback.
func (s *Server) SendCommand(c CommandInvocation) (Interaction, error) {
	return s.sendCommand(c, discordgo.InteractionApplicationCommand)
}

// SendAutocomplete dispatches INTERACTION_CREATE for autocomplete (type 4): exactly one option,
// possibly inside a subcommand, must be Focused, and its Value is what the user has typed.
func (s *Server) SendAutocomplete(c CommandInvocation) (Interaction, error) {
	if countFocused(c.Options) != 1 {
		return Interaction{}, errors.New("discordtest: autocomplete needs exactly one focused option")
	}
	return s.sendCommand(c, discordgo.InteractionApplicationCommandAutocomplete)
}

func countFocused(opts []CommandOption) int {
	n := 0
	for _, o := range opts {
		if o.Focused {
			n++
		}
		n += countFocused(o.Options)
	}
	return n
}

func (s *Server) sendCommand(c CommandInvocation, typ discordgo.InteractionType) (Interaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, t, err := s.actorLocked(c.UserID, c.ChannelID, c.DM)
	if err != nil {
		return Interaction{}, err
	}
	cmdType := int64(c.Type)
	if cmdType == 0 {
		cmdType = int64(discordgo.ChatApplicationCommand)
	}
	guildID := ""
	if t.g != nil {
		guildID = t.g.ID
	}
	cmd := s.commandLookupLocked(guildID, cmdType, c.Name)
	if cmd == nil {
		return Interaction{}, fmt.Errorf("discordtest: command %q (type %d) is not registered", c.Name, cmdType)
	}
	res := newResolved()
	opts, err := s.optionObjectsLocked(c.Options, t, res)
	if err != nil {
		return Interaction{}, err
	}
	data := map[string]any{"id": cmd["id"], "name": c.Name, "type": cmdType}
	if len(opts) > 0 {
		data["options"] = opts
	}
	if g := str(cmd["guild_id"]); g != "" {
		data["guild_id"] = g
	}
	if c.TargetID != "" {
		data["target_id"] = c.TargetID
		if cmdType == int64(discordgo.MessageApplicationCommand) {
			m := s.messages[c.TargetID]
			if m == nil {
				return Interaction{}, fmt.Errorf("discordtest: unknown message %s", c.TargetID)
			}
			res.add("messages", c.TargetID, s.messageObjectLocked(m))
		} else {
			s.resolveUserLocked(c.TargetID, t, res)
		}
	}
	if !res.empty() {
		data["resolved"] = res.objects()
	}
	obj := s.interactionBaseLocked(typ, t, u, c.Locale)
	obj["data"] = data
	return s.dispatchInteractionLocked(obj), nil
}

// resolved collects the resolved users, members, roles, channels and messages of an interaction.
type resolved map[string]map[string]any

func newResolved() resolved { return resolved{} }

func (r resolved) add(kind, id string, obj map[string]any) {
	if r[kind] == nil {
		r[kind] = map[string]any{}
	}
	r[kind][id] = obj
}

func (r resolved) empty() bool { return len(r) == 0 }

func (r resolved) objects() map[string]any {
	out := map[string]any{}
	for k, v := range r {
		out[k] = v
	}
	return out
}

func (s *Server) resolveUserLocked(id string, t target, res resolved) {
	u, known := s.users[id]
	if !known {
		return
	}
	res.add("users", id, userObject(u))
	if t.g != nil {
		if m := findMember(t.g, id); m != nil {
			obj := memberObject(m, false)
			obj["permissions"] = permString(channelPermissions(t.g, t.ch, m))
			res.add("members", id, obj)
		}
	}
}

// optionObjectsLocked renders invoked options, resolving the users, roles and channels they name.
func (s *Server) optionObjectsLocked(opts []CommandOption, t target, res resolved) ([]any, error) {
	out := []any{}
	for _, o := range opts {
		typ := o.Type
		if typ == 0 {
			switch o.Value.(type) {
			case string:
				typ = discordgo.ApplicationCommandOptionString
			case bool:
				typ = discordgo.ApplicationCommandOptionBoolean
			case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
				typ = discordgo.ApplicationCommandOptionInteger
			case float32, float64:
				typ = discordgo.ApplicationCommandOptionNumber
			case Upload:
				typ = discordgo.ApplicationCommandOptionAttachment
			default:
				return nil, fmt.Errorf("discordtest: option %q needs a Type", o.Name)
			}
		}
		obj := map[string]any{"name": o.Name, "type": int(typ)}
		switch typ {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			sub, err := s.optionObjectsLocked(o.Options, t, res)
			if err != nil {
				return nil, err
			}
			obj["options"] = sub
		case discordgo.ApplicationCommandOptionAttachment:
			up, ok := o.Value.(Upload)
			if !ok {
				return nil, fmt.Errorf("discordtest: attachment option %q needs an Upload value", o.Name)
			}
			if up.ContentType == "" {
				up.ContentType = "application/octet-stream"
			}
			id := NewSnowflake()
			s.uploads[id] = up
			url := s.URL() + "/attachments/" + id + "/" + up.Name
			obj["value"] = id
			res.add("attachments", id, map[string]any{"id": id, "filename": up.Name, "size": len(up.Data),
				"url": url, "proxy_url": url, "content_type": up.ContentType})
		default:
			obj["value"] = o.Value
			id, _ := o.Value.(string)
			switch typ {
			case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionMentionable:
				s.resolveUserLocked(id, t, res)
				if t.g != nil {
					if i := slices.IndexFunc(t.g.Roles, func(r Role) bool { return r.ID == id }); i >= 0 {
						res.add("roles", id, roleObject(t.g.Roles[i]))
					}
				}
			case discordgo.ApplicationCommandOptionRole:
				if t.g != nil {
					if i := slices.IndexFunc(t.g.Roles, func(r Role) bool { return r.ID == id }); i >= 0 {
						res.add("roles", id, roleObject(t.g.Roles[i]))
					}
				}
			case discordgo.ApplicationCommandOptionChannel:
				if g, ch, _ := s.channelLocked(id); ch != nil {
					obj := channelObject(g, ch, true)
					res.add("channels", id, obj)
				}
			}
		}
		if o.Focused {
			obj["focused"] = true
		}
		out = append(out, obj)
	}
	return out, nil
}

// Upload is a file a user attaches to an attachment option of a slash command. The
// interaction's resolved attachment points at the server's own address
// (URL()+"/attachments/{id}/{name}"), which serves Data, as Discord's CDN would.
type Upload struct {
	Name        string
	Data        []byte
	ContentType string // default "application/octet-stream"
}

// ComponentUse describes a user clicking a button or choosing from a select menu, for
// SendComponent.
type ComponentUse struct {
	// MessageID is the stored message that carries the component. Required.
	MessageID string
	// CustomID is the component's custom_id. Required; the message must have such a component.
	CustomID string
	// Values are the chosen values of a select menu.
	Values []string
	// UserID is the user. Default: the first guild's first member who is not a bot.
	UserID string
	// Locale is the user's client locale. Default "en-US".
	Locale string
}

// SendComponent dispatches INTERACTION_CREATE for a message component (type 3) and registers
// the interaction. The component's type comes from the message.
func (s *Server) SendComponent(c ComponentUse) (Interaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[c.MessageID]
	if m == nil {
		return Interaction{}, fmt.Errorf("discordtest: unknown message %s", c.MessageID)
	}
	comp := findComponent(list(m.obj["components"]), c.CustomID)
	if comp == nil {
		return Interaction{}, fmt.Errorf("discordtest: message %s has no component %q", c.MessageID, c.CustomID)
	}
	u, t, err := s.actorLocked(c.UserID, m.channelID, false)
	if err != nil {
		return Interaction{}, err
	}
	compType, _ := integer(comp["type"])
	data := map[string]any{"custom_id": c.CustomID, "component_type": compType}
	if compType != int64(discordgo.ButtonComponent) {
		values := []any{}
		for _, v := range c.Values {
			values = append(values, v)
		}
		data["values"] = values
	}
	obj := s.interactionBaseLocked(discordgo.InteractionMessageComponent, t, u, c.Locale)
	obj["data"] = data
	obj["message"] = s.messageObjectLocked(m)
	return s.dispatchInteractionLocked(obj), nil
}

// findComponent finds a component by custom_id in a message's components, at any depth.
func findComponent(comps []any, customID string) map[string]any {
	for _, cv := range comps {
		c := object(cv)
		if str(c["custom_id"]) == customID {
			return c
		}
		if found := findComponent(list(c["components"]), customID); found != nil {
			return found
		}
		if acc, ok := c["accessory"]; ok && acc != nil {
			if found := findComponent([]any{acc}, customID); found != nil {
				return found
			}
		}
	}
	return nil
}

// ModalSubmission describes a user submitting a modal, for SendModalSubmit.
type ModalSubmission struct {
	// CustomID is the modal's custom_id.
	CustomID string
	// Fields maps each text input's custom_id to the value entered.
	Fields map[string]string
	// MessageID is the message whose component opened the modal, if one did.
	MessageID string
	// ChannelID, DM and UserID are as for UserMessage (ChannelID, DM and AuthorID).
	ChannelID string
	DM        bool
	UserID    string
	Locale    string
}

// SendModalSubmit dispatches INTERACTION_CREATE for a modal submission (type 5) and registers
// the interaction. Each field arrives as a text input in its own action row, in custom_id order.
func (s *Server) SendModalSubmit(m ModalSubmission) (Interaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	channelID := m.ChannelID
	var msg *message
	if m.MessageID != "" {
		if msg = s.messages[m.MessageID]; msg == nil {
			return Interaction{}, fmt.Errorf("discordtest: unknown message %s", m.MessageID)
		}
		channelID = msg.channelID
	}
	u, t, err := s.actorLocked(m.UserID, channelID, m.DM)
	if err != nil {
		return Interaction{}, err
	}
	rows := []any{}
	for i, id := range slices.Sorted(maps.Keys(m.Fields)) {
		rows = append(rows, map[string]any{"type": 1, "id": 2*i + 1, "components": []any{
			map[string]any{"type": 4, "id": 2*i + 2, "custom_id": id, "value": m.Fields[id]},
		}})
	}
	obj := s.interactionBaseLocked(discordgo.InteractionModalSubmit, t, u, m.Locale)
	obj["data"] = map[string]any{"custom_id": m.CustomID, "components": rows}
	if msg != nil {
		obj["message"] = s.messageObjectLocked(msg)
	}
	return s.dispatchInteractionLocked(obj), nil
}

// interactionBaseLocked builds the fields every interaction has: ids, token, the channel, the
// member (in a guild, with permissions) or user (in a DM), app_permissions and locales.
func (s *Server) interactionBaseLocked(typ discordgo.InteractionType, t target, u User, locale string) map[string]any {
	if locale == "" {
		locale = "en-US"
	}
	obj := map[string]any{
		"id":                    NewSnowflake(),
		"application_id":        s.opts.AppID,
		"type":                  int(typ),
		"token":                 newInteractionToken(),
		"version":               1,
		"locale":                locale,
		"channel_id":            t.id(),
		"app_permissions":       permString(s.botPermissionsLocked(t)),
		"entitlements":          []any{},
		"attachment_size_limit": 10 << 20,
	}
	if t.g != nil {
		mem := findMember(t.g, u.ID)
		member := memberObject(mem, true)
		member["permissions"] = permString(channelPermissions(t.g, t.ch, mem))
		channel := channelObject(t.g, t.ch, true)
		channel["permissions"] = member["permissions"]
		obj["guild_id"] = t.g.ID
		obj["guild_locale"] = "en-US"
		obj["guild"] = map[string]any{"id": t.g.ID, "locale": "en-US", "features": []any{}}
		obj["member"] = member
		obj["channel"] = channel
		obj["context"] = 0
		obj["authorizing_integration_owners"] = map[string]any{"0": t.g.ID}
	} else {
		obj["user"] = userObject(u)
		obj["channel"] = dmChannelObject(t.dm)
		obj["context"] = 1
		obj["authorizing_integration_owners"] = map[string]any{"0": "0"}
	}
	return obj
}

// dispatchInteractionLocked registers an interaction and dispatches it.
func (s *Server) dispatchInteractionLocked(obj map[string]any) Interaction {
	s.registerInteractionLocked(obj, time.Now())
	s.broadcastLocked("INTERACTION_CREATE", obj)
	return s.interactions[str(obj["id"])].snapshot()
}

// newInteractionToken returns a random token shaped like Discord's: long and URL-safe.
func newInteractionToken() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return "aW50ZXJhY3Rpb246" + base64.RawURLEncoding.EncodeToString(b)
}
