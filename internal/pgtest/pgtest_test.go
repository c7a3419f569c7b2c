package pgtest

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestServer checks what the package's users rely on: separate databases, a password that is
// required over TCP, and a Stop that really drops connections while keeping the data for Restart.
func TestServer(t *testing.T) {
	began := time.Now()
	s := Start(t)
	t.Logf("Start took %v", time.Since(began))

	url1, url2 := s.NewDatabase(t), s.NewDatabase(t)
	if url1 == url2 {
		t.Fatalf("two NewDatabase calls gave the same URL %s", url1)
	}
	u, err := url.Parse(url1)
	if err != nil {
		t.Fatalf("parsing NewDatabase's URL: %v", err)
	}
	if pw, _ := u.User.Password(); u.User.Username() != "footbot" || pw != s.Password() || pw == "" {
		t.Errorf("URL's user is %q with password %q, want footbot with Password() %q", u.User.Username(), pw, s.Password())
	}
	if u.Hostname() != "127.0.0.1" || u.Query().Get("sslmode") != "disable" {
		t.Errorf("URL %s: want host 127.0.0.1 and sslmode=disable", u.Redacted())
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	conn := connect(ctx, t, url1)
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before stop')"); err != nil {
		t.Fatalf("footbot cannot create a table in its own database: %v", err)
	}
	var who string
	if err := conn.QueryRow(ctx, "SELECT current_user").Scan(&who); err != nil || who != "footbot" {
		t.Fatalf("current_user = %q, %v; want footbot", who, err)
	}

	// The second database is separate: the table is not there.
	conn2 := connect(ctx, t, url2)
	var n int
	if err := conn2.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'").Scan(&n); err != nil || n != 0 {
		t.Errorf("second database sees %d tables named kept (err %v), want 0", n, err)
	}
	conn2.Close(ctx)

	// A wrong password is refused over TCP, so the password really protects the role.
	wrong, err := url.Parse(url1)
	if err != nil {
		t.Fatal(err)
	}
	wrong.User = url.UserPassword("footbot", "not-"+s.Password())
	if c, err := pgx.Connect(ctx, wrong.String()); err == nil {
		c.Close(ctx)
		t.Fatal("connected with a wrong password")
	} else if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Errorf("wrong password: got %v, want invalid_password (28P01)", err)
	} else if strings.Contains(err.Error(), s.Password()) {
		t.Errorf("the error for a wrong password holds the real one: %v", err)
	}

	s.Stop(t)
	if _, err := conn.Exec(ctx, "SELECT 1"); err == nil {
		t.Error("a connection opened before Stop still works after it")
	}
	if c, err := pgx.Connect(ctx, url1); err == nil {
		c.Close(ctx)
		t.Error("connected to a stopped server")
	}

	s.Restart(t)
	conn = connect(ctx, t, url1)
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != "before stop" {
		t.Errorf("after Restart, kept holds %q (err %v), want the row written before Stop", v, err)
	}
	// NewDatabase goes on working after a restart, with a new name.
	if url3 := s.NewDatabase(t); url3 == url1 || url3 == url2 {
		t.Errorf("NewDatabase after Restart reused a URL: %s", url3)
	}
}

// TestServersAreSeparate runs two servers at once, as parallel packages' tests do.
func TestServersAreSeparate(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.port == b.port || a.dataDir == b.dataDir {
		t.Fatalf("two servers share port %d / %d or data %s / %s", a.port, b.port, a.dataDir, b.dataDir)
	}
	if a.Password() == b.Password() {
		t.Error("two servers have the same password")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	connect(ctx, t, a.NewDatabase(t)).Close(ctx)
	connect(ctx, t, b.NewDatabase(t)).Close(ctx)
}

func connect(ctx context.Context, t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connecting to %s: %v", redact(dbURL), err)
	}
	return conn
}

// redact keeps the password out of failure messages, as the bot must keep it out of its logs.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
