package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// eventIntents maps dispatch events to the intent a session needs to receive them: the first
// for guild events, the second for direct-message events. Events not listed need none.
var eventIntents = map[string][2]discordgo.Intent{
	"GUILD_CREATE":                   {discordgo.IntentGuilds, 0},
	"GUILD_UPDATE":                   {discordgo.IntentGuilds, 0},
	"GUILD_DELETE":                   {discordgo.IntentGuilds, 0},
	"GUILD_ROLE_CREATE":              {discordgo.IntentGuilds, 0},
	"GUILD_ROLE_UPDATE":              {discordgo.IntentGuilds, 0},
	"GUILD_ROLE_DELETE":              {discordgo.IntentGuilds, 0},
	"CHANNEL_CREATE":                 {discordgo.IntentGuilds, 0},
	"CHANNEL_UPDATE":                 {discordgo.IntentGuilds, 0},
	"CHANNEL_DELETE":                 {discordgo.IntentGuilds, 0},
	"THREAD_CREATE":                  {discordgo.IntentGuilds, 0},
	"THREAD_UPDATE":                  {discordgo.IntentGuilds, 0},
	"THREAD_DELETE":                  {discordgo.IntentGuilds, 0},
	"GUILD_MEMBER_ADD":               {discordgo.IntentGuildMembers, 0},
	"GUILD_MEMBER_UPDATE":            {discordgo.IntentGuildMembers, 0},
	"GUILD_MEMBER_REMOVE":            {discordgo.IntentGuildMembers, 0},
	"GUILD_BAN_ADD":                  {discordgo.IntentGuildModeration, 0},
	"GUILD_BAN_REMOVE":               {discordgo.IntentGuildModeration, 0},
	"GUILD_EMOJIS_UPDATE":            {discordgo.IntentGuildEmojis, 0},
	"VOICE_STATE_UPDATE":             {discordgo.IntentGuildVoiceStates, 0},
	"PRESENCE_UPDATE":                {discordgo.IntentGuildPresences, 0},
	"MESSAGE_CREATE":                 {discordgo.IntentGuildMessages, discordgo.IntentDirectMessages},
	"MESSAGE_UPDATE":                 {discordgo.IntentGuildMessages, discordgo.IntentDirectMessages},
	"MESSAGE_DELETE":                 {discordgo.IntentGuildMessages, discordgo.IntentDirectMessages},
	"MESSAGE_DELETE_BULK":            {discordgo.IntentGuildMessages, 0},
	"MESSAGE_REACTION_ADD":           {discordgo.IntentGuildMessageReactions, discordgo.IntentDirectMessageReactions},
	"MESSAGE_REACTION_REMOVE":        {discordgo.IntentGuildMessageReactions, discordgo.IntentDirectMessageReactions},
	"MESSAGE_REACTION_REMOVE_ALL":    {discordgo.IntentGuildMessageReactions, discordgo.IntentDirectMessageReactions},
	"MESSAGE_REACTION_REMOVE_EMOJI":  {discordgo.IntentGuildMessageReactions, discordgo.IntentDirectMessageReactions},
	"TYPING_START":                   {discordgo.IntentGuildMessageTyping, discordgo.IntentDirectMessageTyping},
	"MESSAGE_POLL_VOTE_ADD":          {discordgo.IntentGuildMessagePolls, discordgo.IntentDirectMessagePolls},
	"MESSAGE_POLL_VOTE_REMOVE":       {discordgo.IntentGuildMessagePolls, discordgo.IntentDirectMessagePolls},
	"AUTO_MODERATION_ACTION_EXECUTE": {discordgo.IntentAutoModerationExecution, 0},
}

// Dispatch sends an event (op 0) with data to every session, numbered per session. Data is any
// value that marshals to JSON. Discord's rules apply per session: an event needs its intent, a
// guild event goes only to the guild's shard, and without the message content intent a guild
// message that neither comes from the bot nor mentions it arrives without content, embeds,
// attachments, components and poll. Sessions without a connection keep the event for a resume.
//
// MESSAGE_CREATE also stores the message (see Messages) and INTERACTION_CREATE registers the
// interaction, so that the bot can reply to either.
func (s *Server) Dispatch(event string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("discordtest: dispatch %s: %w", event, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var d any
	if err := dec.Decode(&d); err != nil {
		return fmt.Errorf("discordtest: dispatch %s: %w", event, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj := object(d); obj != nil {
		switch event {
		case "MESSAGE_CREATE":
			s.storeDispatchedMessageLocked(obj)
		case "INTERACTION_CREATE":
			s.registerInteractionLocked(obj, time.Now())
		}
	}
	s.broadcastLocked(event, d)
	return nil
}

// storeDispatchedMessageLocked keeps a message a test dispatched, unless one with its id is
// stored already.
func (s *Server) storeDispatchedMessageLocked(obj map[string]any) {
	id, channelID := str(obj["id"]), str(obj["channel_id"])
	if id == "" || channelID == "" || s.messages[id] != nil {
		return
	}
	stored := maps.Clone(obj)
	delete(stored, "member")
	delete(stored, "referenced_message")
	s.storeMessageLocked(&message{
		obj: stored, channelID: channelID, guildID: str(obj["guild_id"]), authorID: str(object(obj["author"])["id"]),
	})
}

// broadcastLocked dispatches an event to every session that may receive it.
func (s *Server) broadcastLocked(event string, d any) {
	for _, sess := range s.sessions {
		if out, deliver := s.filterLocked(sess, event, d); deliver {
			s.sendDispatchLocked(sess, event, out)
		}
	}
	s.logf("discordtest: dispatch %s", event)
}

// filterLocked applies intents, shards and the message content rule to an event for a session.
func (s *Server) filterLocked(sess *session, event string, d any) (any, bool) {
	obj := object(d)
	guildID := str(obj["guild_id"])
	if event == "GUILD_CREATE" || event == "GUILD_UPDATE" || event == "GUILD_DELETE" {
		guildID = str(obj["id"])
	}
	if guildID != "" && !sess.hasGuild(guildID) || guildID == "" && sess.shard != nil && sess.shard[0] != 0 {
		return nil, false // direct messages go to shard 0
	}
	if need, listed := eventIntents[event]; listed {
		intent := need[0]
		if guildID == "" {
			intent = need[1]
		}
		if intent == 0 || sess.intents&intent == 0 {
			return nil, false
		}
	}
	if (event == "MESSAGE_CREATE" || event == "MESSAGE_UPDATE") && guildID != "" &&
		sess.intents&discordgo.IntentMessageContent == 0 && !s.exemptFromContentRuleLocked(obj) {
		obj = maps.Clone(obj)
		obj["content"] = ""
		obj["embeds"] = []any{}
		obj["attachments"] = []any{}
		obj["components"] = []any{}
		delete(obj, "poll")
		return obj, true
	}
	return d, true
}

// exemptFromContentRuleLocked reports whether the bot sees a guild message's content without
// the message content intent: its own messages and those that mention it.
func (s *Server) exemptFromContentRuleLocked(msg map[string]any) bool {
	if str(object(msg["author"])["id"]) == s.opts.BotUserID {
		return true
	}
	return slices.ContainsFunc(list(msg["mentions"]), func(u any) bool {
		return str(object(u)["id"]) == s.opts.BotUserID
	})
}

// liveConnsLocked returns the connections that carry a session.
func (s *Server) liveConnsLocked() []*gwConn {
	var out []*gwConn
	for c := range s.conns {
		if c.sess != nil && !c.closing {
			out = append(out, c)
		}
	}
	return out
}

// SendReconnect sends op 7 Reconnect on every connection that carries a session; the client
// should reconnect and resume. It returns how many connections were told.
func (s *Server) SendReconnect() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	conns := s.liveConnsLocked()
	for _, c := range conns {
		c.sendLocked(map[string]any{"op": 7, "s": nil, "t": nil, "d": nil}, false)
	}
	return len(conns)
}

// SendInvalidSession sends op 9 Invalid Session on every connection that carries a session.
// When resumable is false the sessions end; either way the connections wait for a new Identify
// (or Resume). It returns how many connections were told.
func (s *Server) SendInvalidSession(resumable bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	conns := s.liveConnsLocked()
	for _, c := range conns {
		c.sendLocked(map[string]any{"op": 9, "s": nil, "t": nil, "d": resumable}, false)
		if !resumable {
			s.endSessionLocked(c.sess)
		}
		c.sess.conn = nil
		c.sess = nil
	}
	return len(conns)
}

// RequestHeartbeat sends op 1 Heartbeat on every open connection, asking for an immediate
// heartbeat. It returns how many connections were asked.
func (s *Server) RequestHeartbeat() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if !c.closing {
			c.sendLocked(map[string]any{"op": 1, "s": nil, "t": nil, "d": nil}, false)
			n++
		}
	}
	return n
}

// DropConnections closes every gateway connection's TCP connection without a close frame, as a
// network failure would. Sessions stay resumable. It returns how many connections were dropped.
func (s *Server) DropConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.enqueueLocked(frame{drop: true})
	}
	return len(s.conns)
}

// CloseWith closes every gateway connection with a close frame of the given code and reason.
// Codes after which Discord does not allow resuming (4004, 4007, 4009-4014) end the sessions.
// It returns how many connections were closed.
func (s *Server) CloseWith(code int, reason string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if !c.closing {
			s.closeConnLocked(c, code, reason)
			n++
		}
	}
	return n
}

// Connections returns how many gateway connections are open.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Stats returns the gateway's counters.
func (s *Server) Stats() GatewayStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statsLocked()
}

func (s *Server) statsLocked() GatewayStats {
	st := s.stats
	st.Connections = len(s.conns)
	st.CloseCodes = slices.Clone(st.CloseCodes)
	st.ClientCloseCodes = slices.Clone(st.ClientCloseCodes)
	return st
}

// WaitGateway waits until cond holds for the gateway's counters and returns them.
func (s *Server) WaitGateway(ctx context.Context, cond func(GatewayStats) bool) (GatewayStats, error) {
	var st GatewayStats
	err := s.waitFor(ctx, func() bool {
		st = s.statsLocked()
		return cond(st)
	})
	return st, err
}

// WaitIdentify waits until the server has accepted at least n Identify payloads (and sent READY
// for each) and returns the nth.
func (s *Server) WaitIdentify(ctx context.Context, n int) (Identify, error) {
	var id Identify
	err := s.waitFor(ctx, func() bool {
		if s.stats.Identifies < n || n < 1 {
			return false
		}
		// identifies may have been trimmed; count back from the newest
		i := len(s.identifies) - (s.stats.Identifies - n) - 1
		if i >= 0 {
			id = s.identifies[i]
		}
		return true
	})
	return id, err
}

// WaitResume waits until the server has accepted at least n resumes (and sent RESUMED for each).
func (s *Server) WaitResume(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.stats.Resumes >= n })
}

// Identifies returns the Identify payloads accepted, oldest first.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.identifies)
}
