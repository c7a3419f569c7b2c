package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction is the server's record of an interaction it dispatched.
type Interaction struct {
	ID            string
	Token         string
	ApplicationID string
	Type          discordgo.InteractionType
	GuildID       string // "" in a DM
	ChannelID     string
	UserID        string
	DispatchedAt  time.Time
	// Callback is the bot's response; nil until the bot answered in time.
	Callback *Callback
	// OriginalMessageID is the message @original stands for: the response message (callback 4
	// or 5) or the message of the component (6 or 7). "" when there is none.
	OriginalMessageID string
	// FollowupIDs are the followup messages, oldest first.
	FollowupIDs []string
}

// Callback is the bot's response to an interaction.
type Callback struct {
	Type discordgo.InteractionResponseType
	// Data is the response's data object as sent, or nil.
	Data json.RawMessage
	// Latency is the time from dispatch to the callback.
	Latency time.Duration
}

// interaction is the server's state for one interaction.
type interaction struct {
	Interaction
	commandName string
	commandType int64
	messageID   string // the message a component is on
}

// registerInteractionLocked records an INTERACTION_CREATE payload being dispatched, so the
// callback and webhook endpoints know its id and token.
func (s *Server) registerInteractionLocked(obj map[string]any, now time.Time) {
	id, token := str(obj["id"]), str(obj["token"])
	if id == "" || token == "" {
		return
	}
	typ, _ := integer(obj["type"])
	in := &interaction{Interaction: Interaction{
		ID:            id,
		Token:         token,
		ApplicationID: str(obj["application_id"]),
		Type:          discordgo.InteractionType(typ),
		GuildID:       str(obj["guild_id"]),
		ChannelID:     str(obj["channel_id"]),
		DispatchedAt:  now,
	}}
	if in.ApplicationID == "" {
		in.ApplicationID = s.opts.AppID
	}
	if in.ChannelID == "" {
		in.ChannelID = str(object(obj["channel"])["id"])
	}
	if u := object(object(obj["member"])["user"]); u != nil {
		in.UserID = str(u["id"])
	} else {
		in.UserID = str(object(obj["user"])["id"])
	}
	data := object(obj["data"])
	in.commandName = str(data["name"])
	in.commandType, _ = integer(data["type"])
	in.messageID = str(object(obj["message"])["id"])
	s.interactions[id] = in
	var dropped []string
	s.interOrder, dropped = trim(append(s.interOrder, id), s.opts.MaxRecords)
	for _, old := range dropped {
		delete(s.interactions, old)
	}
	s.notifyLocked()
}

// callbackTypes lists the response types each interaction type accepts.
var callbackTypes = map[discordgo.InteractionType][]int64{
	discordgo.InteractionApplicationCommand:             {4, 5, 9, 12},
	discordgo.InteractionMessageComponent:               {4, 5, 6, 7, 9, 12},
	discordgo.InteractionApplicationCommandAutocomplete: {8},
	discordgo.InteractionModalSubmit:                    {4, 5, 6, 7},
}

// knownCallbackTypes are the response types Discord defines.
var knownCallbackTypes = []int64{1, 4, 5, 6, 7, 8, 9, 10, 12}

// postCallback answers POST /interactions/{id}/{token}/callback: the first response, within
// Options.InteractionTimeout of dispatch.
func (s *Server) postCallback(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[c.params["interaction_id"]]
	switch {
	case in == nil || in.Token != c.params["interaction_token"]:
		return errUnknownInteract
	case in.Callback != nil:
		return errAlreadyAcked
	case c.now.Sub(in.DispatchedAt) > s.opts.InteractionTimeout:
		return errUnknownInteract
	}
	body := c.object()
	typ, hasType := integer(body["type"])
	switch {
	case !hasType:
		return formError([]fieldError{required("type")})
	case !slices.Contains(knownCallbackTypes, typ):
		return formError([]fieldError{{"type", "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}."}})
	case !slices.Contains(callbackTypes[in.Type], typ) || (typ == 6 || typ == 7) && in.messageID == "":
		return formError([]fieldError{{"type", "INTERACTION_CALLBACK_TYPE_INVALID",
			fmt.Sprintf("Interaction callback type %d is not valid for an interaction of type %d", typ, in.Type)}})
	}
	data := object(body["data"])
	if errs := callbackLimits(typ, data); len(errs) > 0 {
		c.problems = append(c.problems, errs...)
		return formError(errs)
	}
	switch typ {
	case 4, 5:
		if typ == 4 && isEmptyMessage(data, len(c.files)) {
			return errEmptyMessage
		}
		if data == nil {
			data = map[string]any{}
		}
		if typ == 5 {
			flags, _ := integer(data["flags"])
			data = map[string]any{"flags": flags&flagEphemeral | flagLoading}
		}
		m, errs := s.interactionMessageLocked(in, data, c.files, true)
		if len(errs) > 0 {
			return formError(errs)
		}
		in.OriginalMessageID = m.id()
	case 6:
		in.OriginalMessageID = in.messageID
	case 7:
		in.OriginalMessageID = in.messageID
		if m := s.messages[in.messageID]; m != nil && data != nil {
			if rep := s.editMessageLocked(c, m, keepFixedFlags(m, data)); rep != nil {
				return *rep
			}
			s.broadcastLocked("MESSAGE_UPDATE", s.messageEventLocked(m))
		}
	}
	cb := &Callback{Type: discordgo.InteractionResponseType(typ), Latency: c.now.Sub(in.DispatchedAt)}
	if d, present := body["data"]; present && d != nil {
		cb.Data, _ = json.Marshal(d)
	}
	in.Callback = cb
	s.notifyLocked()
	return noContent()
}

// callbackLimits checks a response's data against Discord's limits for its type.
func callbackLimits(typ int64, data map[string]any) []fieldError {
	var errs []fieldError
	switch typ {
	case 4, 7:
		for _, e := range messageLimits(data) {
			e.path = join("data", e.path)
			errs = append(errs, e)
		}
		fallthrough
	case 5:
		if flags, _ := integer(data["flags"]); flags&^interactionFlags != 0 {
			errs = append(errs, fieldError{"data.flags", "MESSAGE_FLAGS_INVALID",
				"Only EPHEMERAL, SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS and IS_COMPONENTS_V2 may be set"})
		}
	case 8:
		if data == nil || data["choices"] == nil {
			errs = append(errs, required("data.choices"))
		}
		errs = append(errs, choiceLimits("data.choices", list(data["choices"]))...)
	case 9:
		for _, f := range []string{"custom_id", "title", "components"} {
			if data[f] == nil {
				errs = append(errs, required(join("data", f)))
			}
		}
	}
	return errs
}

// interactionMessageLocked creates a message the bot sends through an interaction: the
// response (original) or a followup. Ephemeral ones are stored but not dispatched.
func (s *Server) interactionMessageLocked(in *interaction, data map[string]any, files []fileInfo, original bool) (*message, []fieldError) {
	t, found := s.targetLocked(in.ChannelID)
	if !found {
		if u, known := s.users[in.UserID]; known {
			t = target{dm: s.dmChannelLocked(u)}
		} else {
			t = target{dm: &dmChannel{id: in.ChannelID, recipient: User{ID: in.UserID}}}
		}
	}
	m, errs := s.newMessageLocked(t, s.users[s.opts.BotUserID], data, files)
	if len(errs) > 0 {
		return nil, errs
	}
	user := userObject(s.users[in.UserID])
	owners := map[string]any{"0": in.GuildID}
	if in.GuildID == "" {
		owners = map[string]any{"1": in.UserID}
	}
	meta := map[string]any{
		"id": in.ID, "type": int(in.Type), "user": user, "authorizing_integration_owners": owners,
	}
	msgType := discordgo.MessageTypeDefault
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		meta["name"] = in.commandName
		meta["command_type"] = in.commandType
		if original {
			msgType = discordgo.MessageTypeChatInputCommand
			if in.commandType > 1 {
				msgType = discordgo.MessageTypeContextMenuCommand
			}
		}
	case discordgo.InteractionMessageComponent:
		meta["interacted_message_id"] = in.messageID
	}
	if !original {
		meta["original_response_message_id"] = in.OriginalMessageID
	}
	m.obj["type"] = int(msgType)
	m.obj["webhook_id"] = in.ApplicationID
	m.obj["application_id"] = in.ApplicationID
	m.obj["interaction_metadata"] = meta
	m.obj["interaction"] = map[string]any{"id": in.ID, "type": int(in.Type), "name": in.commandName, "user": user}
	m.interactionID = in.ID
	s.storeMessageLocked(m)
	if m.flags()&flagEphemeral == 0 {
		s.broadcastLocked("MESSAGE_CREATE", s.messageEventLocked(m))
	}
	return m, nil
}

// webhookInteractionLocked finds the interaction behind /webhooks/{app}/{token}.
func (s *Server) webhookInteractionLocked(c *call) (*interaction, *reply) {
	var in *interaction
	for _, candidate := range s.interactions {
		if candidate.Token == c.params["webhook_token"] {
			in = candidate
			break
		}
	}
	switch {
	case in == nil || in.ApplicationID != c.params["webhook_id"]:
		return nil, &errUnknownWebhook
	case c.now.Sub(in.DispatchedAt) > s.opts.InteractionTokenTTL:
		return nil, &errInvalidToken
	}
	return in, nil
}

// webhookMessageLocked finds the message behind .../messages/{message_id} (or @original).
func (s *Server) webhookMessageLocked(c *call) (*interaction, *message, *reply) {
	in, rep := s.webhookInteractionLocked(c)
	if rep != nil {
		return nil, nil, rep
	}
	id := c.params["message_id"]
	if id == "@original" {
		id = in.OriginalMessageID
	} else if id != in.OriginalMessageID && !slices.Contains(in.FollowupIDs, id) {
		return nil, nil, &errUnknownMessage
	}
	m := s.messages[id]
	if m == nil {
		return nil, nil, &errUnknownMessage
	}
	return in, m, nil
}

// postFollowup answers POST /webhooks/{app}/{token}: a followup message, once the interaction
// has been answered with a message response (4-7).
func (s *Server) postFollowup(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, rep := s.webhookInteractionLocked(c)
	if rep != nil {
		return *rep
	}
	if in.Callback == nil || in.Callback.Type < 4 || in.Callback.Type > 7 {
		return errUnknownWebhook
	}
	body := c.object()
	errs := messageLimits(body)
	if flags, _ := integer(body["flags"]); flags&^interactionFlags != 0 {
		errs = append(errs, fieldError{"flags", "MESSAGE_FLAGS_INVALID", "Invalid message flags"})
	}
	if len(errs) > 0 {
		c.problems = append(c.problems, errs...)
		return formError(errs)
	}
	if isEmptyMessage(body, len(c.files)) {
		return errEmptyMessage
	}
	m, errs := s.interactionMessageLocked(in, body, c.files, false)
	if len(errs) > 0 {
		return formError(errs)
	}
	in.FollowupIDs = append(in.FollowupIDs, m.id())
	if c.r.URL.Query().Get("wait") != "true" {
		return reply{status: http.StatusNoContent}
	}
	return ok(s.messageObjectLocked(m))
}

func (s *Server) getWebhookMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, rep := s.webhookMessageLocked(c)
	if rep != nil {
		return *rep
	}
	return ok(s.messageObjectLocked(m))
}

func (s *Server) patchWebhookMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, rep := s.webhookMessageLocked(c)
	if rep != nil {
		return *rep
	}
	if rep := s.editMessageLocked(c, m, keepFixedFlags(m, c.object())); rep != nil {
		return *rep
	}
	if m.flags()&flagEphemeral == 0 {
		s.broadcastLocked("MESSAGE_UPDATE", s.messageEventLocked(m))
	}
	return ok(s.messageObjectLocked(m))
}

func (s *Server) deleteWebhookMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, rep := s.webhookMessageLocked(c)
	if rep != nil {
		return *rep
	}
	s.deleteMessageLocked(m)
	if m.flags()&flagEphemeral == 0 {
		s.broadcastLocked("MESSAGE_DELETE", deleteEvent(m))
	}
	return noContent()
}

// keepFixedFlags returns an edit body whose flags change only what an edit may change
// (SUPPRESS_EMBEDS, IS_COMPONENTS_V2): a message cannot become or stop being ephemeral.
func keepFixedFlags(m *message, body map[string]any) map[string]any {
	flags, present := integer(body["flags"])
	if !present {
		return body
	}
	const editable = flagSuppressEmbeds | flagComponentsV2
	body = maps.Clone(body)
	body["flags"] = m.flags()&^editable | flags&editable
	return body
}

func (in *interaction) snapshot() Interaction {
	out := in.Interaction
	out.FollowupIDs = slices.Clone(in.FollowupIDs)
	if in.Callback != nil {
		cb := *in.Callback
		out.Callback = &cb
	}
	return out
}

// Interaction returns the record of a dispatched interaction by id.
func (s *Server) Interaction(id string) (Interaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, found := s.interactions[id]
	if !found {
		return Interaction{}, false
	}
	return in.snapshot(), true
}

// Interactions returns the records of every dispatched interaction, oldest first.
func (s *Server) Interactions() []Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Interaction, 0, len(s.interOrder))
	for _, id := range s.interOrder {
		out = append(out, s.interactions[id].snapshot())
	}
	return out
}

// WaitCallback waits until the bot has answered the interaction with the given id and returns
// its record. It does not fail when the deadline passes: a late callback is refused and the wait
// continues until ctx ends.
func (s *Server) WaitCallback(ctx context.Context, id string) (Interaction, error) {
	var out Interaction
	err := s.waitFor(ctx, func() bool {
		in, found := s.interactions[id]
		if found && in.Callback != nil {
			out = in.snapshot()
			return true
		}
		return false
	})
	return out, err
}
