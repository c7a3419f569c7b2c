// Package bot is footbot's Discord adapter: it turns gateway messages and interactions into
// questions for the knowledge package, and answers into embeds, buttons and replies.
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/internal/metrics"
	"github.com/footbot/footbot/knowledge"
)

// Options configures a Bot. Zero values are the defaults noted on each field.
type Options struct {
	Token   string // required: the bot token, without "Bot "
	AppID   string // default: the application id from READY
	GuildID string // register commands in this guild only; default: globally
	// APIBase is the Discord API host; default https://discord.com.
	APIBase     string
	AskChannels []string // channels where every message is a question
	ModRoles    []string // roles that may use moderator commands
	ShardID     int
	ShardCount  int // default 1
	// RatePerMinute and RateBurst limit each person's questions; default 6 per minute, 3 at once.
	RatePerMinute, RateBurst int
	// ShutdownTimeout bounds the wait for replies in flight on shutdown; default 4 s.
	ShutdownTimeout time.Duration
	// Reload reloads the knowledge base for /reload; nil disables the command.
	Reload func() (knowledge.Changes, error)
	// Feedback keeps declined questions and votes; nil disables feedback buttons and /unanswered.
	Feedback feedback.Store
	// Editor applies moderators' changes (teaching a declined question); nil disables them.
	Editor *kbedit.Editor
	// Metrics records what the bot does; nil records nothing.
	Metrics *metrics.Metrics
	// Clock tells the time for flood control, the dismiss window and records; default
	// time.Now. Tests set it to move time without sleeping.
	Clock func() time.Time
	// Logger receives the bot's logs; default slog.Default().
	Logger *slog.Logger
	// LogQuestions adds question texts to the logs; default false.
	LogQuestions bool
	// DeferAfter is how long an interaction's handler may run before footbot acknowledges it
	// and answers later; default 1.5 s. Below zero, every interaction is acknowledged at once:
	// tests take the late path that way.
	DeferAfter time.Duration
}

// Discord's permission bits that make a member a moderator for footbot.
const (
	permAdministrator = 1 << 3
	permManageGuild   = 1 << 5
)

// restTimeout bounds one REST call. discordgo retries 429s forever on its own; a reply that
// cannot be sent in this time is given up and logged rather than left to pile up.
const restTimeout = 10 * time.Second

// Bot answers questions in Discord.
type Bot struct {
	opts  Options
	live  *knowledge.Live
	s     *discordgo.Session
	log   *slog.Logger
	codes closeCodes
	flood *flood
	work  tracker

	appID      atomic.Value // string
	userID     atomic.Value // string
	registered sync.Once

	botRoles sync.Map // "guild id/bot user id" -> id of that bot's managed role in the guild

	ready        atomic.Bool   // the gateway session is ready
	disconnected chan struct{} // a gateway connection ended

	late sync.Map // ids of the interactions acknowledged whose response is still to come
}

// New prepares a bot; Run connects it.
func New(opts Options, live *knowledge.Live) (*Bot, error) {
	if opts.Token == "" {
		return nil, errors.New("no Discord token: set DISCORD_TOKEN (the Bot page of your application at https://discord.com/developers/applications has it)")
	}
	if opts.APIBase == "" {
		opts.APIBase = "https://discord.com"
	}
	if opts.ShardCount == 0 {
		opts.ShardCount = 1
	}
	if opts.RatePerMinute == 0 {
		opts.RatePerMinute = 6
	}
	if opts.RateBurst == 0 {
		opts.RateBurst = 3
	}
	if opts.ShutdownTimeout == 0 {
		opts.ShutdownTimeout = 4 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	base, err := url.Parse(strings.TrimSuffix(opts.APIBase, "/"))
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("API base %q is not a URL", opts.APIBase)
	}
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, fmt.Errorf("create Discord session: %w", err)
	}
	b := &Bot{
		opts: opts, live: live, s: s, log: opts.Logger,
		flood:        newFlood(opts.RatePerMinute, opts.RateBurst),
		disconnected: make(chan struct{}, 1),
	}
	b.appID.Store(opts.AppID)
	b.userID.Store("")

	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: &rewriteTransport{
		base: base, next: http.DefaultTransport, on429: opts.Metrics.RateLimited,
	}}
	b.codes.lost = func() { b.ready.Store(false) }
	s.Dialer = b.codes.dialer()
	// Footbot runs the reconnect loop itself (see Run), so that fatal close codes stop it.
	s.ShouldReconnectOnError = false
	s.LogLevel = discordgo.LogWarning // never debug: it logs the identify payload with the token
	// The bot reads everything it needs from the events themselves; a state cache would only
	// grow with the servers' members.
	s.StateEnabled = false
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if len(opts.AskChannels) > 0 {
		// Only needed to read messages that neither mention the bot nor are DMs.
		s.Identify.Intents |= discordgo.IntentsMessageContent
	}
	if opts.ShardCount > 1 {
		s.ShardID, s.ShardCount = opts.ShardID, opts.ShardCount
	}
	s.AddHandler(b.onReady)
	s.AddHandler(b.onResumed)
	s.AddHandler(b.onDisconnect)
	s.AddHandler(b.onRawEvent)
	s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		b.guard("message", func() { b.onMessage(m) }, func() { b.apologizeMessage(m.Message) })
	})
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		b.guard("interaction", func() { b.onInteraction(i) }, func() { b.apologizeInteraction(i.Interaction) })
	})
	return b, nil
}

// now is the bot's clock (Options.Clock).
func (b *Bot) now() time.Time {
	if b.opts.Clock != nil {
		return b.opts.Clock()
	}
	return time.Now()
}

// Ready reports whether the gateway session is ready to receive events.
func (b *Bot) Ready() bool { return b.ready.Load() }

// guard runs a handler as tracked work, turning a panic into a log line with its stack and an
// apology to the person (apologize may be nil). discordgo has no recover() anywhere: without
// this, one bad event would end the process. Events that arrive during shutdown are dropped.
func (b *Bot) guard(what string, fn, apologize func()) {
	if !b.work.start() {
		return
	}
	defer b.work.done()
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("handler panicked", "handler", what, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if apologize != nil {
				func() {
					defer func() { recover() }() // an apology that panics too is not worth a crash
					apologize()
				}()
			}
		}
	}()
	fn()
}

// background runs fn in its own goroutine as tracked work: shutdown waits for it. It is
// counted before the goroutine starts, so a shutdown that begins meanwhile still waits.
func (b *Bot) background(what string, fn func()) {
	if !b.work.start() {
		return
	}
	go func() {
		defer b.work.done()
		defer func() {
			if r := recover(); r != nil {
				b.log.Error("background work panicked", "work", what, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		fn()
	}()
}

// FatalError is a gateway close that reconnecting cannot fix.
type FatalError struct {
	Code int
	Hint string
}

func (e *FatalError) Error() string {
	return fmt.Sprintf("Discord closed the gateway with code %d: %s", e.Code, e.Hint)
}

// fatalCloses are the close codes after which Discord's documentation says not to reconnect.
var fatalCloses = map[int]string{
	4004: "authentication failed: the token was rejected. Copy the token again from the Bot page of your application in the Discord developer portal into DISCORD_TOKEN",
	4010: "invalid shard: check SHARD_ID and SHARD_COUNT",
	4011: "sharding required: the bot is in too many servers for one connection; set SHARD_COUNT (see README)",
	4012: "invalid API version",
	4013: "invalid intents",
	4014: "disallowed intents: enable \"Message Content Intent\" on the Bot page of the Discord developer portal (it is needed for ASK_CHANNEL_IDS), or leave ASK_CHANNEL_IDS empty",
}

// Run connects to Discord and serves until ctx ends (it then finishes the replies in flight,
// closes the session and returns nil) or Discord refuses the bot for good (a *FatalError).
func (b *Bot) Run(ctx context.Context) error {
	if err := b.open(); err != nil {
		return err
	}
	backoff := time.Second
	for {
		select {
		case <-ctx.Done():
			return b.shutdown()
		case <-b.disconnected:
		}
		if ctx.Err() != nil {
			return b.shutdown()
		}
		code := int(b.codes.last.Load())
		if fatal := fatalError(code); fatal != nil {
			b.log.Error("gateway closed for good", "code", code, "hint", fatal.Hint)
			b.shutdown()
			return fatal
		}
		b.log.Warn("gateway disconnected; reconnecting", "close_code", code)
		b.opts.Metrics.Reconnect()
		for {
			err := b.s.Open()
			if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
				backoff = time.Second
				break
			}
			if fatal := closeFatal(err); fatal != nil {
				b.log.Error("gateway closed for good", "code", fatal.Code, "hint", fatal.Hint)
				b.shutdown()
				return fatal
			}
			b.log.Warn("reconnect failed", "error", b.redact(err), "retry_in", backoff)
			select {
			case <-ctx.Done():
				return b.shutdown()
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Minute)
		}
	}
}

// open makes the first connection. Unlike later reconnects, a failure here ends Run: the
// person starting the bot is there to read why.
func (b *Bot) open() error {
	err := b.s.Open()
	var rest *discordgo.RESTError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized:
		// discordgo asks for the gateway URL first, so a bad token shows up as a REST 401.
		return fatalError(4004)
	}
	if fatal := closeFatal(err); fatal != nil {
		return fatal
	}
	return fmt.Errorf("connect to Discord at %s: %v", b.opts.APIBase, b.redact(err))
}

func fatalError(code int) *FatalError {
	if hint, ok := fatalCloses[code]; ok {
		return &FatalError{Code: code, Hint: hint}
	}
	return nil
}

// closeFatal recognizes a fatal close that discordgo reports as an error: a close frame that
// arrives while Open waits for the first event after Identify.
func closeFatal(err error) *FatalError {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fatalError(ce.Code)
	}
	return nil
}

// shutdown stops taking events, waits for the replies in flight (up to ShutdownTimeout), then
// closes the gateway session.
func (b *Bot) shutdown() error {
	b.ready.Store(false)
	if !b.work.drain(b.opts.ShutdownTimeout) {
		b.log.Warn("shutdown: gave up waiting for replies in flight", "timeout", b.opts.ShutdownTimeout)
	}
	if err := b.s.Close(); err != nil {
		return fmt.Errorf("close gateway: %w", err)
	}
	b.log.Info("disconnected from Discord")
	return nil
}

// redact removes the token from an error's text, in case a library ever puts it there.
func (b *Bot) redact(err error) string {
	return strings.ReplaceAll(err.Error(), b.opts.Token, "[token]")
}

func (b *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	b.userID.Store(r.User.ID)
	if b.appID.Load().(string) == "" {
		// A bot's application id is its user id for every bot made since 2020; READY's
		// application object says so explicitly when the server sends it.
		id := r.User.ID
		if r.Application != nil && r.Application.ID != "" {
			id = r.Application.ID
		}
		b.appID.Store(id)
	}
	b.ready.Store(true)
	b.log.Info("connected to Discord", "user", r.User.Username, "guilds", len(r.Guilds), "shard", b.opts.ShardID)
	b.registered.Do(func() { go b.guard("register", b.registerCommands, nil) })
}

func (b *Bot) onResumed(s *discordgo.Session, r *discordgo.Resumed) {
	b.ready.Store(true)
	b.log.Info("gateway session resumed")
}

func (b *Bot) onDisconnect(s *discordgo.Session, d *discordgo.Disconnect) {
	b.ready.Store(false)
	select {
	case b.disconnected <- struct{}{}:
	default: // a reconnect is already due
	}
}

// onRawEvent learns the bot's managed role in each guild from GUILD_CREATE: people often
// mention that role instead of the bot (Discord offers both when typing @footbot), and mean
// the bot. discordgo's Role type drops the tags that say which role is the bot's.
func (b *Bot) onRawEvent(s *discordgo.Session, e *discordgo.Event) {
	if e.Type != "GUILD_CREATE" && e.Type != "GUILD_ROLE_CREATE" {
		return
	}
	var g struct {
		ID      string `json:"id"`
		GuildID string `json:"guild_id"`
		Roles   []role `json:"roles"`
		Role    *role  `json:"role"`
	}
	if json.Unmarshal(e.RawData, &g) != nil {
		return
	}
	if g.Role != nil {
		g.ID, g.Roles = g.GuildID, []role{*g.Role}
	}
	// Keyed by bot too: this handler may run before READY's has told which user the bot is.
	for _, r := range g.Roles {
		if r.Tags.BotID != "" {
			b.botRoles.Store(g.ID+"/"+r.Tags.BotID, r.ID)
		}
	}
}

type role struct {
	ID   string `json:"id"`
	Tags struct {
		BotID string `json:"bot_id"`
	} `json:"tags"`
}

// isModerator reports whether the member who sent an interaction may use moderator commands.
func (b *Bot) isModerator(m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	if m.Permissions&(permAdministrator|permManageGuild) != 0 {
		return true
	}
	return slices.ContainsFunc(m.Roles, func(r string) bool { return slices.Contains(b.opts.ModRoles, r) })
}

func restCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), restTimeout)
}

// tracker counts handlers in flight, so shutdown can wait for them, and refuses new ones once
// shutdown has begun. (A WaitGroup cannot: Add must not race with Wait.)
type tracker struct {
	mu       sync.Mutex
	closing  bool
	inflight int
	idle     chan struct{} // closed when inflight drops to 0 during shutdown
}

func (t *tracker) start() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return false
	}
	t.inflight++
	return true
}

func (t *tracker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inflight--
	if t.closing && t.inflight == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

// drain stops new work and waits up to timeout for the work in flight; it reports whether all
// of it finished.
func (t *tracker) drain(timeout time.Duration) bool {
	t.mu.Lock()
	t.closing = true
	if t.inflight == 0 {
		t.mu.Unlock()
		return true
	}
	if t.idle == nil {
		t.idle = make(chan struct{})
	}
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
		return true
	case <-time.After(timeout):
		return false
	}
}

// RouteLibraryLogs sends discordgo's own log lines to log, at warning level and above only:
// discordgo's debug output includes the identify payload, which holds the token.
//
// discordgo's Logger is one variable for the whole process, read by its goroutines without a
// lock, so it is set once; later calls only swap the logger it forwards to.
func RouteLibraryLogs(log *slog.Logger) {
	libraryLog.Store(log)
	routeOnce.Do(func() {
		discordgo.Logger = func(msgL, caller int, format string, a ...interface{}) {
			level := slog.LevelWarn
			if msgL == discordgo.LogError {
				level = slog.LevelError
			} else if msgL > discordgo.LogWarning {
				return
			}
			libraryLog.Load().Log(context.Background(), level, "discordgo: "+fmt.Sprintf(format, a...))
		}
	})
}

var (
	routeOnce  sync.Once
	libraryLog atomic.Pointer[slog.Logger]
)
