package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func lookup(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIBase != "https://discord.com" || c.DataDir != "./data" || c.ShardCount != 1 || !c.WatchKnowledge || c.ShutdownTimeout != 4*time.Second {
		t.Errorf("defaults = %+v", c)
	}
}

func TestEveryBadValueIsReportedByNameWithoutTheToken(t *testing.T) {
	_, err := FromLookup(lookup(map[string]string{
		"DISCORD_TOKEN": "s3cret", "ASK_CHANNEL_IDS": "123,general", "LOG_LEVEL": "loud", "SHARD_ID": "2", "SHARD_COUNT": "2",
		"DISCORD_API_BASE": "discord.com", "RATE_PER_MINUTE": "0",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"ASK_CHANNEL_IDS", "LOG_LEVEL", "SHARD_ID", "DISCORD_API_BASE", "RATE_PER_MINUTE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Error("the token is in the error")
	}
}

func TestEnvironmentWinsOverTheDotEnvFile(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	if err := os.WriteFile(env, []byte("DISCORD_GUILD_ID=111\nMOD_ROLE_IDS=222, 333\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DISCORD_GUILD_ID", "999")
	c, err := Load(env)
	if err != nil {
		t.Fatal(err)
	}
	if c.GuildID != "999" || len(c.ModRoles) != 2 || c.ModRoles[1] != "333" {
		t.Errorf("config = %+v", c)
	}
	if _, err := Load(filepath.Join(dir, "missing.env")); err != nil {
		t.Errorf("a missing .env is fine: %v", err)
	}
}

func TestEnvExampleDocumentsEveryVariable(t *testing.T) {
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	FromLookup(func(k string) (string, bool) { read = append(read, k); return "", false })
	for _, k := range read {
		if !strings.Contains(string(example), "\n"+k+"=") {
			t.Errorf(".env.example does not document %s", k)
		}
	}
	if len(read) < 15 {
		t.Errorf("only %d variables read", len(read))
	}
}
