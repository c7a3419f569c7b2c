package discordtest

import (
	"context"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// message is a stored message.
type message struct {
	obj           map[string]any // the wire object, without referenced_message
	channelID     string
	guildID       string
	authorID      string
	interactionID string // set on interaction responses and followups
}

func (m *message) id() string { return m.obj["id"].(string) }

func (m *message) flags() int64 {
	f, _ := integer(m.obj["flags"])
	return f
}

// target is a channel a message can go to: a guild channel or a DM channel.
type target struct {
	g  *Guild
	ch *Channel
	dm *dmChannel
}

func (t target) id() string {
	if t.dm != nil {
		return t.dm.id
	}
	return t.ch.ID
}

func (s *Server) targetLocked(channelID string) (target, bool) {
	g, ch, dm := s.channelLocked(channelID)
	return target{g, ch, dm}, ch != nil || dm != nil
}

// botPermissionsLocked returns the bot's permissions in a channel.
func (s *Server) botPermissionsLocked(t target) int64 {
	if t.dm != nil {
		return dmPermissions
	}
	bot := findMember(t.g, s.opts.BotUserID)
	return channelPermissions(t.g, t.ch, bot)
}

// botMaySendLocked refuses a message the bot may not post in the channel, as Discord does.
func (s *Server) botMaySendLocked(t target) *reply {
	perms := s.botPermissionsLocked(t)
	send := int64(discordgo.PermissionSendMessages)
	if t.ch != nil && isThread(t.ch.Type) {
		send = discordgo.PermissionSendMessagesInThreads
	}
	switch {
	case perms&discordgo.PermissionViewChannel == 0:
		return &errMissingAccess
	case t.ch != nil && !isTextChannel(t.ch.Type):
		return &errNonText
	case perms&send == 0:
		return &errMissingPerms
	}
	return nil
}

// mentionPattern finds user, role and everyone mentions in message content.
var mentionPattern = regexp.MustCompile(`<@!?(\d+)>|<@&(\d+)>|@everyone|@here`)

// applyMentionsLocked sets mentions, mention_roles and mention_everyone from the content, the
// author's permissions and allowed_mentions (nil: Discord's default, everything allowed).
func (s *Server) applyMentionsLocked(obj map[string]any, t target, author User, allowed map[string]any, repliedTo *message) {
	parse := list(allowed["parse"])
	allow := func(kind, id string) bool {
		if allowed == nil {
			return true
		}
		return containsValue(parse, kind) || containsValue(list(allowed[kind]), id)
	}
	users, roles := []any{}, []string{}
	everyone := false
	seen := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(str(obj["content"]), -1) {
		switch {
		case m[1] != "":
			u, known := s.users[m[1]]
			if known && !seen[u.ID] && allow("users", u.ID) {
				seen[u.ID] = true
				users = append(users, userObject(u))
			}
		case m[2] != "":
			if t.g != nil && slices.ContainsFunc(t.g.Roles, func(r Role) bool { return r.ID == m[2] }) &&
				!slices.Contains(roles, m[2]) && allow("roles", m[2]) {
				roles = append(roles, m[2])
			}
		default:
			everyone = everyone || allowed == nil || containsValue(parse, "everyone")
		}
	}
	if everyone && t.g != nil {
		var perms int64
		if mem := findMember(t.g, author.ID); mem != nil {
			perms = channelPermissions(t.g, t.ch, mem)
		}
		everyone = perms&discordgo.PermissionMentionEveryone != 0
	}
	if repliedTo != nil && (allowed == nil || allowed["replied_user"] == true) {
		if u, known := s.users[repliedTo.authorID]; known && !seen[u.ID] && u.ID != author.ID {
			users = append(users, userObject(u))
		}
	}
	obj["mentions"] = users
	obj["mention_roles"] = roles
	obj["mention_everyone"] = everyone
}

// newMessageLocked builds a message from a create body (already checked against the limits).
// A reply to a message that does not exist fails as on Discord, unless fail_if_not_exists is
// false.
func (s *Server) newMessageLocked(t target, author User, body map[string]any, files []fileInfo) (*message, []fieldError) {
	id := NewSnowflake()
	created, _ := SnowflakeTime(id)
	flags, _ := integer(body["flags"])
	obj := map[string]any{
		"id":               id,
		"channel_id":       t.id(),
		"author":           userObject(author),
		"content":          str(body["content"]),
		"timestamp":        timestamp(created),
		"edited_timestamp": nil,
		"tts":              body["tts"] == true,
		"attachments":      attachmentObjects(t.id(), files),
		"embeds":           embedObjects(body["embeds"]),
		"components":       orEmpty(body["components"]),
		"pinned":           false,
		"type":             int(discordgo.MessageTypeDefault),
		"flags":            flags,
	}
	if t.g != nil {
		obj["guild_id"] = t.g.ID
	}
	if n, ok := body["nonce"]; ok && n != nil {
		obj["nonce"] = n
	}
	if p := object(body["poll"]); p != nil {
		obj["poll"] = p
	}
	var replied *message
	if ref := object(body["message_reference"]); ref != nil {
		refID := str(ref["message_id"])
		replied = s.messages[refID]
		if replied != nil && replied.channelID == t.id() {
			mr := map[string]any{"type": 0, "channel_id": t.id(), "message_id": refID}
			if t.g != nil {
				mr["guild_id"] = t.g.ID
			}
			obj["message_reference"] = mr
			obj["type"] = int(discordgo.MessageTypeReply)
		} else {
			replied = nil
			if ref["fail_if_not_exists"] != false {
				return nil, []fieldError{{"message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"}}
			}
		}
	}
	s.applyMentionsLocked(obj, t, author, object(body["allowed_mentions"]), replied)
	m := &message{obj: obj, channelID: t.id(), authorID: author.ID}
	if t.g != nil {
		m.guildID = t.g.ID
	}
	return m, nil
}

func orEmpty(v any) []any {
	if l := list(v); l != nil {
		return l
	}
	return []any{}
}

// embedObjects returns embeds as Discord stores them: type "rich" unless given.
func embedObjects(v any) []any {
	out := []any{}
	for _, e := range list(v) {
		obj := maps.Clone(object(e))
		if obj == nil {
			continue
		}
		if str(obj["type"]) == "" {
			obj["type"] = "rich"
		}
		out = append(out, obj)
	}
	return out
}

func attachmentObjects(channelID string, files []fileInfo) []any {
	out := []any{}
	for _, f := range files {
		id := NewSnowflake()
		url := "https://cdn.discordapp.com/attachments/" + channelID + "/" + id + "/" + f.name
		a := map[string]any{"id": id, "filename": f.name, "size": f.size, "url": url, "proxy_url": url}
		if f.contentType != "" {
			a["content_type"] = f.contentType
		}
		out = append(out, a)
	}
	return out
}

// storeMessageLocked keeps a message, dropping the oldest beyond Options.MaxRecords.
func (s *Server) storeMessageLocked(m *message) {
	s.messages[m.id()] = m
	var dropped []string
	s.messageOrder, dropped = trim(append(s.messageOrder, m.id()), s.opts.MaxRecords)
	for _, id := range dropped {
		delete(s.messages, id)
	}
	s.notifyLocked()
}

func (s *Server) deleteMessageLocked(m *message) {
	delete(s.messages, m.id())
	s.messageOrder = slices.DeleteFunc(s.messageOrder, func(id string) bool { return id == m.id() })
	s.notifyLocked()
}

// messageObjectLocked is a message as REST returns it: with referenced_message for replies.
func (s *Server) messageObjectLocked(m *message) map[string]any {
	obj := maps.Clone(m.obj)
	if mr := object(obj["message_reference"]); mr != nil {
		if ref := s.messages[str(mr["message_id"])]; ref != nil {
			obj["referenced_message"] = maps.Clone(ref.obj)
		} else {
			obj["referenced_message"] = nil
		}
	}
	return obj
}

// messageEventLocked is a message as MESSAGE_CREATE and MESSAGE_UPDATE carry it: in a guild, the
// author's member and each mentioned user's member are added.
func (s *Server) messageEventLocked(m *message) map[string]any {
	obj := s.messageObjectLocked(m)
	g := s.guildLocked(m.guildID)
	if g == nil {
		return obj
	}
	if mem := findMember(g, m.authorID); mem != nil && obj["webhook_id"] == nil {
		obj["member"] = memberObject(mem, false)
	}
	mentions := []any{}
	for _, u := range list(obj["mentions"]) {
		u := maps.Clone(object(u))
		if mem := findMember(g, str(u["id"])); mem != nil {
			u["member"] = memberObject(mem, false)
		}
		mentions = append(mentions, u)
	}
	obj["mentions"] = mentions
	return obj
}

// editMessageLocked applies an edit body to a message: the fields present replace the stored
// ones, and edited_timestamp is set. An edit that breaks Discord's limits or leaves nothing to
// show is refused; the refusal is returned.
func (s *Server) editMessageLocked(c *call, m *message, body map[string]any) *reply {
	merged := maps.Clone(m.obj)
	for _, f := range []string{"content", "embeds", "components", "flags"} {
		if v, ok := body[f]; ok {
			merged[f] = v
		}
	}
	if v, ok := body["content"]; ok && v == nil {
		merged["content"] = ""
	}
	if errs := messageLimits(merged); len(errs) > 0 {
		c.problems = append(c.problems, errs...)
		rep := formError(errs)
		return &rep
	}
	if _, ok := body["embeds"]; ok {
		merged["embeds"] = embedObjects(body["embeds"])
	}
	if _, ok := body["components"]; ok {
		merged["components"] = orEmpty(body["components"])
	}
	if _, ok := body["attachments"]; ok || len(c.files) > 0 {
		kept := []any{}
		for _, a := range list(m.obj["attachments"]) {
			for _, want := range list(body["attachments"]) {
				if str(object(want)["id"]) == str(object(a)["id"]) {
					kept = append(kept, a)
				}
			}
		}
		merged["attachments"] = append(kept, attachmentObjects(m.channelID, c.files)...)
	}
	if isEmptyMessage(merged, len(list(merged["attachments"]))) {
		return &errEmptyMessage
	}
	flags, _ := integer(merged["flags"])
	merged["flags"] = flags &^ flagLoading
	merged["edited_timestamp"] = timestamp(c.now)
	m.obj = merged
	if _, ok := body["content"]; ok {
		t, _ := s.targetLocked(m.channelID)
		var replied *message
		if mr := object(m.obj["message_reference"]); mr != nil {
			replied = s.messages[str(mr["message_id"])]
		}
		s.applyMentionsLocked(m.obj, t, s.users[m.authorID], object(body["allowed_mentions"]), replied)
	}
	s.notifyLocked()
	return nil
}

func (s *Server) getChannel(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, found := s.targetLocked(c.params["channel_id"])
	switch {
	case !found:
		return errUnknownChannel
	case t.dm != nil:
		return ok(dmChannelObject(t.dm))
	case s.botPermissionsLocked(t)&discordgo.PermissionViewChannel == 0:
		return errMissingAccess
	}
	return ok(channelObject(t.g, t.ch, true))
}

func (s *Server) postMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, found := s.targetLocked(c.params["channel_id"])
	if !found {
		return errUnknownChannel
	}
	if rep := s.botMaySendLocked(t); rep != nil {
		return *rep
	}
	body := c.object()
	if errs := messageLimits(body); len(errs) > 0 {
		c.problems = append(c.problems, errs...)
		return formError(errs)
	}
	if isEmptyMessage(body, len(c.files)) {
		return errEmptyMessage
	}
	if flags, present := integer(body["flags"]); present {
		body = maps.Clone(body)
		body["flags"] = flags & channelMessageFlags // Discord ignores the others here
	}
	m, errs := s.newMessageLocked(t, s.users[s.opts.BotUserID], body, c.files)
	if len(errs) > 0 {
		return formError(errs)
	}
	s.storeMessageLocked(m)
	s.broadcastLocked("MESSAGE_CREATE", s.messageEventLocked(m))
	return ok(s.messageObjectLocked(m))
}

// channelMessageLocked finds a message by channel and id for the channel message endpoints.
func (s *Server) channelMessageLocked(c *call) (*message, *reply) {
	t, found := s.targetLocked(c.params["channel_id"])
	if !found {
		return nil, &errUnknownChannel
	}
	if s.botPermissionsLocked(t)&discordgo.PermissionViewChannel == 0 {
		return nil, &errMissingAccess
	}
	m := s.messages[c.params["message_id"]]
	if m == nil || m.channelID != t.id() || m.flags()&flagEphemeral != 0 {
		return nil, &errUnknownMessage
	}
	return m, nil
}

func (s *Server) getMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, rep := s.channelMessageLocked(c)
	if rep != nil {
		return *rep
	}
	return ok(s.messageObjectLocked(m))
}

// listMessages answers GET /channels/{id}/messages: newest first, at most limit (default 50,
// at most 100), optionally before or after a message id.
func (s *Server) listMessages(c *call) reply {
	q := c.r.URL.Query()
	limit := 50
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v >= 1 && v <= 100 {
		limit = v
	}
	before, after := snowflakeBits(q.Get("before")), snowflakeBits(q.Get("after"))
	s.mu.Lock()
	defer s.mu.Unlock()
	t, found := s.targetLocked(c.params["channel_id"])
	if !found {
		return errUnknownChannel
	}
	if s.botPermissionsLocked(t)&discordgo.PermissionReadMessageHistory == 0 {
		return ok([]any{})
	}
	out := []any{}
	for i := len(s.messageOrder) - 1; i >= 0 && len(out) < limit; i-- {
		m := s.messages[s.messageOrder[i]]
		id := snowflakeBits(m.id())
		if m.channelID != t.id() || m.flags()&flagEphemeral != 0 ||
			before != 0 && id >= before || after != 0 && id <= after {
			continue
		}
		out = append(out, s.messageObjectLocked(m))
	}
	return ok(out)
}

func (s *Server) patchMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, rep := s.channelMessageLocked(c)
	if rep != nil {
		return *rep
	}
	body := c.object()
	if m.authorID != s.opts.BotUserID {
		for k := range body {
			if k != "flags" {
				return errNotAuthor
			}
		}
	}
	if rep := s.editMessageLocked(c, m, body); rep != nil {
		return *rep
	}
	s.broadcastLocked("MESSAGE_UPDATE", s.messageEventLocked(m))
	return ok(s.messageObjectLocked(m))
}

func (s *Server) deleteMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, rep := s.channelMessageLocked(c)
	if rep != nil {
		return *rep
	}
	if m.authorID != s.opts.BotUserID {
		t, _ := s.targetLocked(m.channelID)
		if t.dm != nil || s.botPermissionsLocked(t)&discordgo.PermissionManageMessages == 0 {
			return errMissingPerms
		}
	}
	s.deleteMessageLocked(m)
	s.broadcastLocked("MESSAGE_DELETE", deleteEvent(m))
	return noContent()
}

func deleteEvent(m *message) map[string]any {
	ev := map[string]any{"id": m.id(), "channel_id": m.channelID}
	if m.guildID != "" {
		ev["guild_id"] = m.guildID
	}
	return ev
}

// putReaction answers adding and removing the bot's reaction with 204; reactions are not kept.
func (s *Server) putReaction(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, rep := s.channelMessageLocked(c); rep != nil {
		return *rep
	}
	return noContent()
}

func (s *Server) postTyping(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, found := s.targetLocked(c.params["channel_id"])
	if !found {
		return errUnknownChannel
	}
	if rep := s.botMaySendLocked(t); rep != nil {
		return *rep
	}
	return reply{status: http.StatusNoContent}
}

// decodeMessage turns a stored message into discordgo's type for tests to read.
func decodeMessage(obj map[string]any) *discordgo.Message {
	var m discordgo.Message
	_ = decodeInto(obj, &m) // our own JSON: fields discordgo lacks are ignored
	return &m
}

// Messages returns the messages stored in a channel, oldest first: those the bot created
// (including interaction responses and followups, ephemeral ones too) and those posted with
// SendUserMessage or dispatched as MESSAGE_CREATE.
func (s *Server) Messages(channelID string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range s.messageOrder {
		if m := s.messages[id]; m.channelID == channelID {
			out = append(out, decodeMessage(s.messageObjectLocked(m)))
		}
	}
	return out
}

// BotMessages returns the messages the bot created in every channel, oldest first.
func (s *Server) BotMessages() []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range s.messageOrder {
		if m := s.messages[id]; m.authorID == s.opts.BotUserID {
			out = append(out, decodeMessage(s.messageObjectLocked(m)))
		}
	}
	return out
}

// Message returns a stored message by id.
func (s *Server) Message(id string) (*discordgo.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, found := s.messages[id]
	if !found {
		return nil, false
	}
	return decodeMessage(s.messageObjectLocked(m)), true
}

// WaitMessage returns the first stored message, oldest first, for which match is true, waiting
// for one if there is none yet. Edits count: a message edited to match is returned.
func (s *Server) WaitMessage(ctx context.Context, match func(*discordgo.Message) bool) (*discordgo.Message, error) {
	var found *discordgo.Message
	err := s.waitFor(ctx, func() bool {
		for _, id := range s.messageOrder {
			if dm := decodeMessage(s.messageObjectLocked(s.messages[id])); match(dm) {
				found = dm
				return true
			}
		}
		return false
	})
	return found, err
}
