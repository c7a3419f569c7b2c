package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/footbot/footbot/internal/pgtest"
)

func TestRedactNamesTheDatabaseWithoutThePassword(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"postgres://footbot:s3cret@127.0.0.1:5433/faq?sslmode=disable", "127.0.0.1:5433/faq"},
		{"postgresql://footbot:s3cret@db.example.com/faq", "db.example.com:5432/faq"},
		{"postgres://footbot:s3%40cret@[::1]:6000/faq", "[::1]:6000/faq"},
		{"postgres://footbot:s3cret@db1:5432,db2:5433/faq", "db1:5432/faq (and 1 more hosts)"},
		{"postgres:///faq?host=/run/postgresql", "/run/postgresql:5432/faq"},
		{"postgres://footbot@db/?dbname=faq&port=6000&password=s3cret", "db:6000/faq"},
		{"host=db port=6000 dbname=faq user=footbot password='s3 cret'", "db:6000/faq"},
		{"dbname=faq password=s3cret", "localhost:5432/faq"},
		{"postgres://footbot:s3cret@db:bad/faq", "(unreadable database URL)"},
		{"s3cret", "(unreadable database URL)"},
		{"host=db password=s3cret port=x", "(unreadable database URL)"},
		{"", "(the database the PG* variables name)"},
	} {
		got := Redact(tc.url)
		if got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.url, got, tc.want)
		}
		if strings.Contains(got, "s3") {
			t.Errorf("Redact(%q) = %q: the password shows", tc.url, got)
		}
	}
}

// TestOpenErrorsNameTheDatabaseButNotThePassword goes through what can go wrong before a
// shard is up, with a password easy to spot: every error must say which database, and none
// may quote the password, in any spelling.
func TestOpenErrorsNameTheDatabaseButNotThePassword(t *testing.T) {
	srv := pgtest.Start(t)
	good, err := url.Parse(srv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "Pa55word-that-is/wrong@really"
	wrongPassword := *good
	wrongPassword.User = url.UserPassword("footbot", secret)
	noSuchDatabase := *good
	noSuchDatabase.Path = "/nonexistent"
	nobodyListens := *good
	nobodyListens.Host = net.JoinHostPort("127.0.0.1", fmt.Sprint(closedPort(t)))
	nobodyListens.User = url.UserPassword("footbot", secret)
	escaped := url.UserPassword("footbot", secret).String()[len("footbot:"):]

	for _, tc := range []struct {
		name, url, target string
		secrets           []string
	}{
		{"wrong password", wrongPassword.String(), good.Host + good.Path, []string{secret, escaped}},
		{"no such database", noSuchDatabase.String(), good.Host + "/nonexistent", []string{srv.Password()}},
		{"nobody listens", nobodyListens.String(), nobodyListens.Host + good.Path, []string{secret, escaped}},
		{"bad port", "postgres://footbot:" + escaped + "@127.0.0.1:99999/faq", "(unreadable", []string{secret, escaped}},
		{"bad option", "postgres://footbot:" + escaped + "@127.0.0.1:5432/faq?sslmode=sometimes", "127.0.0.1:5432/faq", []string{secret, escaped}},
		{"bad escape", "postgres://footbot:s3%zzcret-word@127.0.0.1/faq", "127.0.0.1:5432/faq", []string{"s3%zzcret-word", "zzcret"}},
		{"keywords", "host=127.0.0.1 port=x dbname=faq password=" + secret, "(unreadable", []string{secret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			db, err := Open(ctx, tc.url, log)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			t.Logf("error: %v", err)
			for _, s := range tc.secrets {
				if strings.Contains(err.Error(), s) || strings.Contains(logs.String(), s) {
					t.Errorf("the password shows as %q in\nerror: %v\nlog: %s", s, err, logs.String())
				}
			}
			if !strings.Contains(err.Error(), tc.target) {
				t.Errorf("error %q does not name the database %s", err, tc.target)
			}
		})
	}
}

// closedPort is a port on 127.0.0.1 that nothing listens on (it did a moment ago).
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestOpenLogsTheDatabaseButNotThePassword(t *testing.T) {
	srv := pgtest.Start(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	u := srv.NewDatabase(t)
	db, err := Open(context.Background(), u, log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), srv.Password()) {
		t.Errorf("the log shows the password:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), Redact(u)) || !strings.Contains(db.String(), "127.0.0.1:") {
		t.Errorf("the log does not name the database %s:\n%s", Redact(u), logs.String())
	}
}

func TestScrubKeepsTheCause(t *testing.T) {
	cause := fmt.Errorf("dial: %w", context.DeadlineExceeded)
	err := scrub(fmt.Errorf("connect with p4ssw0rd: %w", cause), "postgres://u:p4ssw0rd@h/db", "")
	if strings.Contains(err.Error(), "p4ssw0rd") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("scrub = %v (is deadline: %v), want the password out and the cause kept", err, errors.Is(err, context.DeadlineExceeded))
	}
}

// TestSecretsAreWhatScrubRemoves: the logger's secrets (Secrets) and the errors' (scrub) are
// found in the same places, in either form of connection string.
func TestSecretsAreWhatScrubRemoves(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"postgres://footbot:s3cret@db/faq", "s3cret"},
		{"postgresql://footbot:s3%40cret@db/faq", "s3@cret"},
		{"postgres://footbot@db/faq?password=s3cret", "s3cret"},
		{"postgres://footbot:s3cret@db:bad/faq", "s3cret"}, // one url.Parse refuses
		{"host=db dbname=faq password='s3 cret'", "s3 cret"},
		{"postgres://footbot@db/faq", ""},
		{"host=db dbname=faq", ""},
		{"", ""},
	} {
		secrets := Secrets(tc.url)
		if tc.want == "" {
			if len(secrets) > 0 {
				t.Errorf("Secrets(%q) = %q, want none", tc.url, secrets)
			}
			continue
		}
		if len(secrets) == 0 || secrets[0] != tc.want {
			t.Errorf("Secrets(%q) = %q, want %q first", tc.url, secrets, tc.want)
			continue
		}
		got := secrets[0]
		if err := scrub(errors.New("failed with "+got), tc.url, ""); strings.Contains(err.Error(), got) {
			t.Errorf("scrub(%q) left the password in %q", tc.url, err)
		}
	}
}
