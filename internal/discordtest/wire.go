package discordtest

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// This file renders the server's model as Discord's JSON objects. They are built as maps, not
// with discordgo's types, so that what the client under test reads is Discord's wire format and
// not discordgo's idea of it.

// timestampLayout is how Discord writes ISO 8601 timestamps: microseconds and an explicit offset.
const timestampLayout = "2006-01-02T15:04:05.000000+00:00"

func timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func permString(p int64) string { return strconv.FormatInt(p, 10) }

// userObject is a user as it appears in messages, members and interactions.
func userObject(u User) map[string]any {
	obj := map[string]any{
		"id":                     u.ID,
		"username":               u.Username,
		"discriminator":          "0",
		"global_name":            nullable(u.GlobalName),
		"avatar":                 nil,
		"avatar_decoration_data": nil,
		"public_flags":           0,
	}
	if u.Bot {
		obj["bot"] = true
	}
	return obj
}

// selfUserObject is the bot user as READY and GET /users/@me show it.
func (s *Server) selfUserObject() map[string]any {
	obj := userObject(s.users[s.opts.BotUserID])
	obj["verified"] = true
	obj["mfa_enabled"] = false
	obj["email"] = nil
	obj["flags"] = 0
	obj["locale"] = "en-US"
	obj["banner"] = nil
	obj["accent_color"] = nil
	return obj
}

// memberObject is a guild member; withUser is false for the partial member inside message
// events, which carry the user separately.
func memberObject(m *Member, withUser bool) map[string]any {
	roles := append([]string{}, m.RoleIDs...)
	obj := map[string]any{
		"nick":                         nullable(m.Nick),
		"avatar":                       nil,
		"banner":                       nil,
		"roles":                        roles,
		"joined_at":                    timestamp(m.JoinedAt),
		"premium_since":                nil,
		"deaf":                         false,
		"mute":                         false,
		"flags":                        0,
		"pending":                      false,
		"communication_disabled_until": nil,
	}
	if withUser {
		obj["user"] = userObject(m.User)
	}
	return obj
}

func roleObject(r Role) map[string]any {
	obj := map[string]any{
		"id":            r.ID,
		"name":          r.Name,
		"color":         r.Color,
		"colors":        map[string]any{"primary_color": r.Color, "secondary_color": nil, "tertiary_color": nil},
		"hoist":         r.Hoist,
		"icon":          nil,
		"unicode_emoji": nil,
		"position":      r.Position,
		"permissions":   permString(r.Permissions),
		"managed":       r.Managed,
		"mentionable":   r.Mentionable,
		"flags":         0,
	}
	if r.BotID != "" {
		obj["tags"] = map[string]any{"bot_id": r.BotID}
	}
	return obj
}

// channelObject is a guild channel. Inside GUILD_CREATE Discord leaves out guild_id.
func channelObject(g *Guild, ch *Channel, withGuildID bool) map[string]any {
	overwrites := []any{}
	for _, o := range ch.Overwrites {
		overwrites = append(overwrites, map[string]any{
			"id": o.ID, "type": int(o.Type), "allow": permString(o.Allow), "deny": permString(o.Deny),
		})
	}
	obj := map[string]any{
		"id":                    ch.ID,
		"type":                  int(ch.Type),
		"name":                  ch.Name,
		"position":              ch.Position,
		"permission_overwrites": overwrites,
		"parent_id":             nullable(ch.ParentID),
		"flags":                 0,
	}
	switch ch.Type {
	case discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildStageVoice:
		obj["bitrate"] = 64000
		obj["user_limit"] = 0
		obj["rtc_region"] = nil
		obj["nsfw"] = ch.NSFW
		obj["rate_limit_per_user"] = 0
		obj["last_message_id"] = nil
	case discordgo.ChannelTypeGuildCategory:
	default:
		obj["topic"] = nullable(ch.Topic)
		obj["nsfw"] = ch.NSFW
		obj["rate_limit_per_user"] = 0
		obj["last_message_id"] = nil
	}
	if withGuildID {
		obj["guild_id"] = g.ID
	}
	return obj
}

func dmChannelObject(dm *dmChannel) map[string]any {
	return map[string]any{
		"id":              dm.id,
		"type":            int(discordgo.ChannelTypeDM),
		"last_message_id": nil,
		"flags":           0,
		"recipients":      []any{userObject(dm.recipient)},
	}
}

// guildObject is a guild as GET /guilds/{id} returns it.
func guildObject(g *Guild) map[string]any {
	roles := []any{}
	for _, r := range g.Roles {
		roles = append(roles, roleObject(r))
	}
	return map[string]any{
		"id":                            g.ID,
		"name":                          g.Name,
		"icon":                          nil,
		"icon_hash":                     nil,
		"splash":                        nil,
		"discovery_splash":              nil,
		"banner":                        nil,
		"description":                   nil,
		"owner_id":                      g.OwnerID,
		"region":                        "deprecated",
		"afk_channel_id":                nil,
		"afk_timeout":                   300,
		"widget_enabled":                false,
		"widget_channel_id":             nil,
		"verification_level":            0,
		"default_message_notifications": 0,
		"explicit_content_filter":       0,
		"roles":                         roles,
		"emojis":                        []any{},
		"stickers":                      []any{},
		"features":                      []any{},
		"mfa_level":                     0,
		"application_id":                nil,
		"system_channel_id":             nil,
		"system_channel_flags":          0,
		"rules_channel_id":              nil,
		"public_updates_channel_id":     nil,
		"safety_alerts_channel_id":      nil,
		"max_presences":                 nil,
		"max_members":                   500000,
		"vanity_url_code":               nil,
		"premium_tier":                  0,
		"premium_subscription_count":    0,
		"preferred_locale":              "en-US",
		"max_video_channel_users":       25,
		"max_stage_video_channel_users": 50,
		"nsfw_level":                    0,
		"nsfw":                          false,
		"premium_progress_bar_enabled":  false,
		"hub_type":                      nil,
		"incidents_data":                nil,
	}
}

// guildCreateObject is the GUILD_CREATE payload. Like Discord without the presences intent, it
// lists only the bot itself among the members unless withMembers is set.
func guildCreateObject(g *Guild, botID string, withMembers bool, joined time.Time) map[string]any {
	obj := guildObject(g)
	channels, threads := []any{}, []any{}
	for i := range g.Channels {
		ch := &g.Channels[i]
		if isThread(ch.Type) {
			threads = append(threads, channelObject(g, ch, true))
			continue
		}
		channels = append(channels, channelObject(g, ch, false))
	}
	members := []any{}
	for i := range g.Members {
		if withMembers || g.Members[i].User.ID == botID {
			members = append(members, memberObject(&g.Members[i], true))
		}
	}
	obj["channels"] = channels
	obj["threads"] = threads
	obj["members"] = members
	obj["member_count"] = len(g.Members)
	obj["joined_at"] = timestamp(joined)
	obj["large"] = false
	obj["unavailable"] = false
	obj["lazy"] = true
	obj["presences"] = []any{}
	obj["voice_states"] = []any{}
	obj["stage_instances"] = []any{}
	obj["guild_scheduled_events"] = []any{}
	obj["soundboard_sounds"] = []any{}
	return obj
}

// applicationObject is the bot's application as GET /applications/@me returns it.
func (s *Server) applicationObject() map[string]any {
	return map[string]any{
		"id":                                s.opts.AppID,
		"name":                              s.opts.BotUsername,
		"icon":                              nil,
		"description":                       "",
		"summary":                           "",
		"type":                              nil,
		"bot_public":                        true,
		"bot_require_code_grant":            false,
		"verify_key":                        "0000000000000000000000000000000000000000000000000000000000000000",
		"flags":                             s.opts.AppFlags,
		"hook":                              true,
		"is_monetized":                      false,
		"interactions_endpoint_url":         nil,
		"redirect_uris":                     []any{},
		"tags":                              []any{},
		"team":                              nil,
		"owner":                             userObject(s.users[s.opts.Guilds[0].OwnerID]),
		"bot":                               userObject(s.users[s.opts.BotUserID]),
		"approximate_guild_count":           len(s.guilds),
		"integration_types_config":          map[string]any{"0": map[string]any{}},
		"role_connections_verification_url": nil,
	}
}

// decodeInto converts a JSON value built by the server into a Go value, such as a discordgo type
// for a test to read.
func decodeInto(v any, out any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}
