package discordtest

import (
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Options configures a Server. The zero value gives a working Discord with one guild (see
// DefaultGuild); each field's comment states its default.
type Options struct {
	// Token is the bot token, without the "Bot " prefix. Default "discordtest-token".
	Token string
	// BotUserID is the bot user's id. Default: a new snowflake.
	BotUserID string
	// BotUsername is the bot user's name. Default "footbot".
	BotUsername string
	// AppID is the application id. Default: BotUserID, as for every bot made since 2020.
	AppID string
	// AppFlags is the application's flags bit set, sent in READY and GET /applications/@me.
	// Default 0.
	AppFlags int

	// Guilds are the guilds the bot is in. Missing ids are generated; each guild gets its
	// @everyone role, a managed role for the bot and the bot as a member. Default: DefaultGuild().
	Guilds []Guild
	// Users are further users, in no guild, who may talk to the bot in direct messages. Default none.
	Users []User

	// HeartbeatInterval is sent in Hello. A connection that sends no heartbeat for 1.5 intervals
	// plus one second is closed with 4009. Default 41.25 s, Discord's value.
	HeartbeatInterval time.Duration
	// AllowedIntents are the intents the bot may ask for, as enabled in the developer portal:
	// asking for a privileged intent (members, presences, message content) outside this set
	// closes the connection with 4014. Default 0, which allows every intent.
	AllowedIntents discordgo.Intent

	// InteractionTimeout is how long after dispatch an interaction accepts its callback.
	// Default 3 s, Discord's limit.
	InteractionTimeout time.Duration
	// InteractionTokenTTL is how long an interaction token works for @original and followups.
	// Default 15 min, Discord's value.
	InteractionTokenTTL time.Duration

	// RateLimit is how many requests each REST bucket takes per RateLimitWindow before it answers
	// 429; the X-RateLimit-* headers report it. Default 50 (Discord's real buckets are often 5 per
	// 5 s, which makes tests slow).
	RateLimit int
	// RateLimitWindow is the length of a bucket's window. Default 1 s.
	RateLimitWindow time.Duration

	// SpecPath is the path of a file with Discord's OpenAPI description to check request bodies
	// against. Default: the copy built into this package (openapi/discord-openapi.json).
	SpecPath string
	// DisableSchemaValidation turns off checking request bodies against the OpenAPI description.
	DisableSchemaValidation bool
	// RejectSchemaErrors answers a request whose body breaks the OpenAPI schema with 400 and code
	// 50035, as Discord does. By default such a request is only recorded (Request.SchemaErrors) and
	// served, so a test sees every problem at once. Discord's own limits (message length, embed
	// size, empty messages) are always enforced.
	RejectSchemaErrors bool

	// MaxRecords bounds each record the server keeps: requests, messages, interactions. The
	// oldest are dropped first. Default 10000.
	MaxRecords int

	// Logf, when set, receives a line for each request and gateway event. Default: silent.
	Logf func(format string, args ...any)
}

// Guild is a guild the bot is a member of.
type Guild struct {
	// ID defaults to a new snowflake.
	ID string
	// Name defaults to "Test Guild".
	Name string
	// OwnerID defaults to the first member who is not the bot, or else the bot.
	OwnerID string
	// Channels default to one text channel named "general".
	Channels []Channel
	// Roles are the guild's roles. The @everyone role has the guild's id; when missing it is
	// added with DefaultEveryonePermissions. A managed role named after the bot is always added.
	Roles []Role
	// Members are the guild's members. The bot is added, holding its managed role.
	Members []Member
	// BotPermissions are the permissions of the bot's managed role.
	// Default DefaultBotPermissions. Deny permissions in one channel with a Channel.Overwrites entry.
	BotPermissions int64
}

// Channel is a guild channel.
type Channel struct {
	// ID defaults to a new snowflake.
	ID string
	// Name defaults to "channel-N".
	Name string
	// Type defaults to discordgo.ChannelTypeGuildText.
	Type discordgo.ChannelType
	// ParentID is the category or, for a thread, the parent channel.
	ParentID string
	Topic    string
	Position int
	NSFW     bool
	// Overwrites are the channel's permission overwrites.
	Overwrites []Overwrite
}

// Overwrite is a channel permission overwrite for a role or a member.
type Overwrite struct {
	ID    string
	Type  discordgo.PermissionOverwriteType
	Allow int64
	Deny  int64
}

// Role is a guild role.
type Role struct {
	// ID defaults to a new snowflake.
	ID          string
	Name        string
	Permissions int64
	Position    int
	Color       int
	Hoist       bool
	Managed     bool
	Mentionable bool
	// BotID marks a bot's managed role (tags.bot_id).
	BotID string
}

// Member is a guild member.
type Member struct {
	User    User
	Nick    string
	RoleIDs []string
	// JoinedAt defaults to the time the server starts.
	JoinedAt time.Time
}

// User is a Discord user.
type User struct {
	// ID defaults to a new snowflake.
	ID string
	// Username is required.
	Username   string
	GlobalName string
	Bot        bool
}

// DefaultGuild returns the guild a Server has when Options.Guilds is empty: channels "general",
// "help" (text) and "Lounge" (voice); a "Moderator" role; members "ada" (the owner), "bob" (a
// moderator), "carol" (no roles) and "otherbot" (another bot). Ids are left empty, to be generated.
func DefaultGuild() Guild {
	return Guild{
		Name: "Test Guild",
		Channels: []Channel{
			{Name: "general", Type: discordgo.ChannelTypeGuildText, Position: 0},
			{Name: "help", Type: discordgo.ChannelTypeGuildText, Position: 1},
			{Name: "Lounge", Type: discordgo.ChannelTypeGuildVoice, Position: 2},
		},
		Roles: []Role{{Name: "Moderator", Permissions: discordgo.PermissionManageMessages |
			discordgo.PermissionManageGuild | discordgo.PermissionKickMembers, Position: 2, Color: 0x3498db, Hoist: true, Mentionable: true}},
		Members: []Member{
			{User: User{Username: "ada", GlobalName: "Ada"}},
			{User: User{Username: "bob", GlobalName: "Bob"}, RoleIDs: []string{"Moderator"}},
			{User: User{Username: "carol"}},
			{User: User{Username: "otherbot", Bot: true}},
		},
	}
}

// Channel returns the guild's channel with the given name; ok is false when there is none.
func (g Guild) Channel(name string) (c Channel, ok bool) {
	for _, c := range g.Channels {
		if c.Name == name {
			return c, true
		}
	}
	return Channel{}, false
}

// Role returns the guild's role with the given name; ok is false when there is none.
func (g Guild) Role(name string) (r Role, ok bool) {
	for _, r := range g.Roles {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}

// Member returns the guild's member with the given username; ok is false when there is none.
func (g Guild) Member(username string) (m Member, ok bool) {
	for _, m := range g.Members {
		if m.User.Username == username {
			return m, true
		}
	}
	return Member{}, false
}

// withDefaults returns a copy of o with every default filled in and every id generated. Role ids
// in Member.RoleIDs may name a role of the same guild by name; they are replaced by its id.
func (o Options) withDefaults(now time.Time) (Options, error) {
	if o.Token == "" {
		o.Token = "discordtest-token"
	}
	if o.BotUserID == "" {
		o.BotUserID = NewSnowflake()
	}
	if o.BotUsername == "" {
		o.BotUsername = "footbot"
	}
	if o.AppID == "" {
		o.AppID = o.BotUserID
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 41250 * time.Millisecond
	}
	if o.InteractionTimeout <= 0 {
		o.InteractionTimeout = 3 * time.Second
	}
	if o.InteractionTokenTTL <= 0 {
		o.InteractionTokenTTL = 15 * time.Minute
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 50
	}
	if o.RateLimitWindow <= 0 {
		o.RateLimitWindow = time.Second
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = 10000
	}
	if len(o.Guilds) == 0 {
		o.Guilds = []Guild{DefaultGuild()}
	}
	bot := User{ID: o.BotUserID, Username: o.BotUsername, Bot: true}
	guilds := make([]Guild, len(o.Guilds))
	for i, g := range o.Guilds {
		g, err := g.withDefaults(bot, now)
		if err != nil {
			return o, fmt.Errorf("guild %d: %w", i, err)
		}
		guilds[i] = g
	}
	o.Guilds = guilds
	users := make([]User, len(o.Users))
	for i, u := range o.Users {
		if u.Username == "" {
			return o, fmt.Errorf("user %d: Username is required", i)
		}
		if u.ID == "" {
			u.ID = NewSnowflake()
		}
		users[i] = u
	}
	o.Users = users
	return o, nil
}

func (g Guild) withDefaults(bot User, now time.Time) (Guild, error) {
	if g.ID == "" {
		g.ID = NewSnowflake()
	}
	if g.Name == "" {
		g.Name = "Test Guild"
	}
	if g.BotPermissions == 0 {
		g.BotPermissions = DefaultBotPermissions
	}

	roles := []Role{}
	hasEveryone := false
	for _, r := range g.Roles {
		if r.ID == g.ID {
			hasEveryone = true
			r.Name = "@everyone"
			r.Position = 0
		}
		roles = append(roles, r)
	}
	if !hasEveryone {
		roles = append([]Role{{ID: g.ID, Name: "@everyone", Permissions: DefaultEveryonePermissions}}, roles...)
	}
	botRole := Role{Name: bot.Username, Permissions: g.BotPermissions, Position: 1, Managed: true, BotID: bot.ID}
	roles = append(roles, botRole)
	byName := map[string]string{}
	for i := range roles {
		if roles[i].ID == "" {
			roles[i].ID = NewSnowflake()
		}
		byName[roles[i].Name] = roles[i].ID
	}
	g.Roles = roles
	botRoleID := roles[len(roles)-1].ID

	channels := make([]Channel, len(g.Channels))
	copy(channels, g.Channels)
	if len(channels) == 0 {
		channels = []Channel{{Name: "general"}}
	}
	for i := range channels {
		if channels[i].ID == "" {
			channels[i].ID = NewSnowflake()
		}
		if channels[i].Name == "" {
			channels[i].Name = fmt.Sprintf("channel-%d", i+1)
		}
	}
	g.Channels = channels

	members := []Member{}
	for i, m := range g.Members {
		if m.User.Username == "" {
			return g, fmt.Errorf("member %d: User.Username is required", i)
		}
		if m.User.ID == "" {
			m.User.ID = NewSnowflake()
		}
		if m.User.ID == bot.ID {
			continue // added below with its managed role
		}
		if m.JoinedAt.IsZero() {
			m.JoinedAt = now
		}
		ids := make([]string, 0, len(m.RoleIDs))
		for _, r := range m.RoleIDs {
			if id, ok := byName[r]; ok {
				r = id
			}
			ids = append(ids, r)
		}
		m.RoleIDs = ids
		members = append(members, m)
	}
	members = append(members, Member{User: bot, RoleIDs: []string{botRoleID}, JoinedAt: now})
	g.Members = members
	if g.OwnerID == "" {
		g.OwnerID = bot.ID
		for _, m := range members {
			if !m.User.Bot {
				g.OwnerID = m.User.ID
				break
			}
		}
	}
	return g, g.check()
}

// check reports references to roles or channels that do not exist.
func (g Guild) check() error {
	roles := map[string]bool{}
	for _, r := range g.Roles {
		roles[r.ID] = true
	}
	var errs []error
	for _, m := range g.Members {
		for _, r := range m.RoleIDs {
			if !roles[r] {
				errs = append(errs, fmt.Errorf("member %s has unknown role %q", m.User.Username, r))
			}
		}
	}
	return errors.Join(errs...)
}
