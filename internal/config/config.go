// Package config reads footbot's settings from the environment and a .env file into a typed
// struct, once, at start-up. Other packages receive the struct; none reads the environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Config is every setting footbot has. The comment on each field gives its variable and default;
// .env.example documents the same for people.
type Config struct {
	// DISCORD_TOKEN: the bot token. Empty means no Discord: footbot runs in the terminal.
	Token string
	// DISCORD_APP_ID: the application id; default: taken from the READY event.
	AppID string
	// DISCORD_GUILD_ID: register slash commands in this server only (instant); default: globally.
	GuildID string
	// DISCORD_API_BASE: the Discord API host; default https://discord.com.
	APIBase string
	// KNOWLEDGE_DIR: a folder of knowledge files; default: the knowledge base built into the binary.
	KnowledgeDir string
	// ASK_CHANNEL_IDS: channels where every message is a question; default none. Reading them
	// needs the privileged Message Content intent.
	AskChannels []string
	// MOD_ROLE_IDS: roles allowed to reload and read reports, besides Manage Server and
	// Administrator; default none.
	ModRoles []string
	// HTTP_ADDR: address of /healthz and /metrics, e.g. 127.0.0.1:9090; default: not served.
	HTTPAddr string
	// LOG_LEVEL: debug, info, warn or error; default info.
	LogLevel slog.Level
	// LOG_FORMAT: text or json; default text.
	LogFormat string
	// LOG_QUESTIONS: log the text of questions; default false (only outcome, entry and score).
	LogQuestions bool
	// DATA_DIR: where declined questions and feedback are kept; default ./data.
	DataDir string
	// DATABASE_URL: a PostgreSQL database (postgres://user:password@host:5432/db) that keeps the
	// feedback and the knowledge base for every shard instead of DATA_DIR; default none.
	DatabaseURL string
	// RATE_PER_MINUTE: questions one person may ask per minute; default 6.
	RatePerMinute int
	// RATE_BURST: questions one person may ask at once before the rate applies; default 3.
	RateBurst int
	// WATCH_KNOWLEDGE: reload KNOWLEDGE_DIR when a file in it is saved; default true.
	WatchKnowledge bool
	// SHARD_ID and SHARD_COUNT: this process's shard of the bot's servers; default 0 of 1.
	ShardID, ShardCount int
	// SHUTDOWN_TIMEOUT: how long to let replies in flight finish on SIGINT/SIGTERM; default 4s.
	ShutdownTimeout time.Duration
}

// Default returns the configuration with every default applied and no token.
func Default() Config {
	return Config{
		APIBase:         "https://discord.com",
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
		DataDir:         "./data",
		RatePerMinute:   6,
		RateBurst:       3,
		WatchKnowledge:  true,
		ShardCount:      1,
		ShutdownTimeout: 4 * time.Second,
	}
}

// Load reads the configuration from the environment and, for variables the environment does not
// set, from the .env file at envFile (a missing file is fine).
func Load(envFile string) (Config, error) {
	fileVars, err := godotenv.Read(envFile)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("read %s: %w", envFile, err)
	}
	return FromLookup(func(key string) (string, bool) {
		if v, ok := os.LookupEnv(key); ok {
			return v, true
		}
		v, ok := fileVars[key]
		return v, ok
	})
}

// FromLookup builds the configuration from a variable lookup, reporting every bad value at once.
// Errors name the variable and never repeat the token.
func FromLookup(lookup func(string) (string, bool)) (Config, error) {
	c := Default()
	var errs []error
	get := func(key string) string {
		v, _ := lookup(key)
		return strings.TrimSpace(v)
	}
	c.Token = strings.TrimPrefix(get("DISCORD_TOKEN"), "Bot ")
	c.AppID = get("DISCORD_APP_ID")
	c.GuildID = get("DISCORD_GUILD_ID")
	for key, id := range map[string]string{"DISCORD_APP_ID": c.AppID, "DISCORD_GUILD_ID": c.GuildID} {
		if id != "" && !isSnowflake(id) {
			errs = append(errs, fmt.Errorf("%s=%q is not a Discord id (a number like 123456789012345678)", key, id))
		}
	}
	if v := get("DISCORD_API_BASE"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("DISCORD_API_BASE=%q is not an http(s) URL like https://discord.com", v))
		} else {
			c.APIBase = strings.TrimSuffix(v, "/")
		}
	}
	c.KnowledgeDir = get("KNOWLEDGE_DIR")
	c.AskChannels = idList("ASK_CHANNEL_IDS", get("ASK_CHANNEL_IDS"), &errs)
	c.ModRoles = idList("MOD_ROLE_IDS", get("MOD_ROLE_IDS"), &errs)
	c.HTTPAddr = get("HTTP_ADDR")
	if v := get("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL=%q: use debug, info, warn or error", v))
		}
	}
	if v := strings.ToLower(get("LOG_FORMAT")); v != "" {
		if v != "text" && v != "json" {
			errs = append(errs, fmt.Errorf("LOG_FORMAT=%q: use text or json", v))
		}
		c.LogFormat = v
	}
	boolVar("LOG_QUESTIONS", get("LOG_QUESTIONS"), &c.LogQuestions, &errs)
	boolVar("WATCH_KNOWLEDGE", get("WATCH_KNOWLEDGE"), &c.WatchKnowledge, &errs)
	if v := get("DATA_DIR"); v != "" {
		c.DataDir = v
	}
	c.DatabaseURL = get("DATABASE_URL")
	intVar("RATE_PER_MINUTE", get("RATE_PER_MINUTE"), 1, &c.RatePerMinute, &errs)
	intVar("RATE_BURST", get("RATE_BURST"), 1, &c.RateBurst, &errs)
	intVar("SHARD_ID", get("SHARD_ID"), 0, &c.ShardID, &errs)
	intVar("SHARD_COUNT", get("SHARD_COUNT"), 1, &c.ShardCount, &errs)
	if c.ShardID >= c.ShardCount {
		errs = append(errs, fmt.Errorf("SHARD_ID=%d must be less than SHARD_COUNT=%d", c.ShardID, c.ShardCount))
	}
	if v := get("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("SHUTDOWN_TIMEOUT=%q: use a duration like 4s", v))
		} else {
			c.ShutdownTimeout = d
		}
	}
	return c, errors.Join(errs...)
}

func isSnowflake(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func idList(key, v string, errs *[]error) []string {
	var ids []string
	for _, id := range strings.Split(v, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !isSnowflake(id) {
			*errs = append(*errs, fmt.Errorf("%s: %q is not a Discord id (a number like 123456789012345678)", key, id))
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

func boolVar(key, v string, dst *bool, errs *[]error) {
	if v == "" {
		return
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s=%q: use true or false", key, v))
		return
	}
	*dst = b
}

func intVar(key, v string, least int, dst *int, errs *[]error) {
	if v == "" {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		*errs = append(*errs, fmt.Errorf("%s=%q: use a whole number of at least %d", key, v, least))
		return
	}
	*dst = n
}
