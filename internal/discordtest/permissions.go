package discordtest

import (
	"slices"

	"github.com/bwmarrin/discordgo"
)

// allPermissions has every permission bit Discord defines (through bit 50).
const allPermissions int64 = 1<<51 - 1

// DefaultEveryonePermissions are the @everyone role's permissions when a guild does not set
// them: what a new Discord server grants everybody.
const DefaultEveryonePermissions int64 = discordgo.PermissionCreateInstantInvite |
	discordgo.PermissionAddReactions | discordgo.PermissionVoiceStreamVideo |
	discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionMentionEveryone |
	discordgo.PermissionUseExternalEmojis | discordgo.PermissionVoiceConnect |
	discordgo.PermissionVoiceSpeak | discordgo.PermissionVoiceUseVAD |
	discordgo.PermissionChangeNickname | discordgo.PermissionUseApplicationCommands |
	discordgo.PermissionCreatePublicThreads | discordgo.PermissionCreatePrivateThreads |
	discordgo.PermissionUseExternalStickers | discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionUseEmbeddedActivities | discordgo.PermissionSendVoiceMessages |
	discordgo.PermissionSendPolls | discordgo.PermissionUseExternalApps

// DefaultBotPermissions are the permissions of the bot's managed role when Guild.BotPermissions
// is zero: what a question-answering bot is typically invited with.
const DefaultBotPermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages | discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionAddReactions |
	discordgo.PermissionUseExternalEmojis | discordgo.PermissionUseApplicationCommands

// dmPermissions are the permissions a user or the bot has in a direct message channel.
const dmPermissions int64 = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionAddReactions |
	discordgo.PermissionUseExternalEmojis | discordgo.PermissionUseApplicationCommands

// basePermissions computes a member's guild-wide permissions the way Discord documents it: the
// owner has all; otherwise @everyone's permissions joined with each role's, and all of them when
// that includes Administrator.
func basePermissions(g *Guild, m *Member) int64 {
	if m.User.ID == g.OwnerID {
		return allPermissions
	}
	var perms int64
	for _, r := range g.Roles {
		if r.ID == g.ID || slices.Contains(m.RoleIDs, r.ID) {
			perms |= r.Permissions
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return allPermissions
	}
	return perms
}

// channelPermissions applies a channel's overwrites to a member's base permissions: @everyone's
// overwrite, then the member's roles' (denies before allows), then the member's own. Threads take
// their parent channel's overwrites.
func channelPermissions(g *Guild, ch *Channel, m *Member) int64 {
	perms := basePermissions(g, m)
	if perms&discordgo.PermissionAdministrator != 0 {
		return allPermissions
	}
	if isThread(ch.Type) {
		if parent := findChannel(g, ch.ParentID); parent != nil {
			ch = parent
		}
	}
	var roleAllow, roleDeny int64
	var member *Overwrite
	for i, o := range ch.Overwrites {
		switch {
		case o.Type == discordgo.PermissionOverwriteTypeRole && o.ID == g.ID:
			perms = perms&^o.Deny | o.Allow
		case o.Type == discordgo.PermissionOverwriteTypeRole && slices.Contains(m.RoleIDs, o.ID):
			roleAllow |= o.Allow
			roleDeny |= o.Deny
		case o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == m.User.ID:
			member = &ch.Overwrites[i]
		}
	}
	perms = perms&^roleDeny | roleAllow
	if member != nil {
		perms = perms&^member.Deny | member.Allow
	}
	if perms&discordgo.PermissionViewChannel == 0 {
		return 0
	}
	return perms
}

func findChannel(g *Guild, id string) *Channel {
	for i := range g.Channels {
		if g.Channels[i].ID == id {
			return &g.Channels[i]
		}
	}
	return nil
}

func findMember(g *Guild, userID string) *Member {
	for i := range g.Members {
		if g.Members[i].User.ID == userID {
			return &g.Members[i]
		}
	}
	return nil
}

func isThread(t discordgo.ChannelType) bool {
	return t == discordgo.ChannelTypeGuildNewsThread || t == discordgo.ChannelTypeGuildPublicThread ||
		t == discordgo.ChannelTypeGuildPrivateThread
}

// isTextChannel reports whether messages can be posted in channels of type t.
func isTextChannel(t discordgo.ChannelType) bool {
	switch t {
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeDM, discordgo.ChannelTypeGroupDM,
		discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildVoice,
		discordgo.ChannelTypeGuildStageVoice:
		return true
	}
	return isThread(t)
}
