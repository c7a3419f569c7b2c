// Package pgtest starts a real, private PostgreSQL server for a test.
//
// A fake or a shared server would hide what matters for a store on PostgreSQL: real SQL, real
// authentication and a real connection that drops when the server goes away. So each Start runs
// initdb into a fresh folder and pg_ctl start on 127.0.0.1 at a free port, and the test's cleanup
// stops the server and deletes the folder. Nothing is shared between tests or with a PostgreSQL
// installed on the machine.
//
// The server binaries (initdb, pg_ctl and the postgres they start) are looked for in $PG_BIN,
// then PATH, then /usr/lib/postgresql/*/bin (where Debian's postgresql package puts them, off
// PATH). Without them Start skips the test, or fails it when $CI is set, so that CI cannot pass
// by silently testing nothing.
//
// initdb and postgres refuse to run as root. Tests often run as root in containers and CI, so
// then the harness runs them as an unprivileged user (postgres if it exists, else nobody) with
// runuser, and gives that user the server's folder.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// role is the login role in NewDatabase's URLs. It owns every database NewDatabase creates but is
// no superuser, so code under test gets no more rights than a bot's role should have.
const role = "footbot"

// superuser is the bootstrap superuser initdb creates. The harness names it rather than letting
// initdb take the OS user's name, which differs between root (postgres or nobody) and a developer.
const superuser = "postgres"

// commandTimeout bounds every initdb, pg_ctl and harness query, so a wedged server fails the test
// with its log instead of hanging it until go test's own timeout.
const commandTimeout = 60 * time.Second

// Server is a PostgreSQL server a test started: on 127.0.0.1, a free port, a private data
// directory, stopped when the test ends.
//
// The data directory is in a folder of its own made under os.TempDir() rather than under
// t.TempDir(): when the test runs as root the server runs as another user, who cannot enter
// t.TempDir()'s 0700 root-owned parents, and a unix socket path must stay short (about 100
// bytes), which a deep test name would break. The test's cleanup deletes the folder.
type Server struct {
	initdb, pgctl string // absolute paths of the binaries

	dir     string // the private folder holding everything below
	dataDir string
	sockDir string // unix_socket_directories: the harness's own, trusted, way in
	logFile string // the server's log, in dataDir

	port     int
	password string

	// runAs is the unprivileged user initdb and pg_ctl run as when the test runs as root; empty
	// otherwise, when they run as the test's own user.
	runAs *user.User

	mu      sync.Mutex // guards running and dbs; NewDatabase may be called by parallel subtests
	running bool
	dbs     int // databases created so far, for unique names
}

// Start starts a new server for t (initdb + pg_ctl start). Without the PostgreSQL binaries it
// fails the test when the CI environment variable is set, else skips it with a message that says
// exactly how to get them (e.g. "apt-get install postgresql" on Debian, or set PG_BIN to the folder
// holding initdb and pg_ctl). t.Cleanup stops the server.
func Start(t testing.TB) *Server {
	t.Helper()
	initdb, pgctl, err := findBinaries()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: %v (CI is set, so this fails rather than skips)", err)
		}
		t.Skipf("pgtest: %v", err)
	}

	s := &Server{initdb: initdb, pgctl: pgctl}
	if os.Geteuid() == 0 {
		if s.runAs, err = unprivilegedUser(); err != nil {
			t.Fatalf("pgtest: running as root, and initdb refuses root: %v", err)
		}
	}
	if s.password, err = randomHex(16); err != nil {
		t.Fatalf("pgtest: password: %v", err)
	}

	if s.dir, err = os.MkdirTemp("", "pgtest-"); err != nil {
		t.Fatalf("pgtest: private folder: %v", err)
	}
	// Registered first so it runs last: after the server is stopped, whatever failed on the way.
	t.Cleanup(func() {
		if err := os.RemoveAll(s.dir); err != nil {
			t.Errorf("pgtest: removing %s: %v", s.dir, err)
		}
	})
	s.dataDir = filepath.Join(s.dir, "data")
	s.sockDir = filepath.Join(s.dir, "sock")
	s.logFile = filepath.Join(s.dataDir, "server.log")
	if err := os.Mkdir(s.sockDir, 0o700); err != nil {
		t.Fatalf("pgtest: socket folder: %v", err)
	}
	if s.runAs != nil {
		for _, d := range []string{s.dir, s.sockDir} {
			if err := chownTo(d, s.runAs); err != nil {
				t.Fatalf("pgtest: giving %s to user %s: %v", d, s.runAs.Username, err)
			}
		}
	}

	if err := s.initDB(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}

	// A port picked by listening on :0 may be taken by someone else before postgres binds it;
	// rare, but parallel test binaries make it possible, so a bind failure gets a new port.
	const attempts = 3
	for i := 1; ; i++ {
		if s.port, err = freePort(); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		err = s.start()
		if err == nil {
			break
		}
		if !errors.Is(err, errBind) || i == attempts {
			t.Fatalf("pgtest: %v", err)
		}
	}
	t.Cleanup(func() {
		s.mu.Lock()
		running := s.running
		s.mu.Unlock()
		if !running {
			return
		}
		// immediate: the data is about to be deleted, so there is nothing to write out.
		if err := s.pgCtl("stop", "-m", "immediate"); err != nil {
			t.Errorf("pgtest: stopping the server: %v", err)
		}
	})

	if err := s.createRole(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return s
}

// NewDatabase creates a fresh, empty database on s and returns its URL:
// postgres://footbot:PASSWORD@127.0.0.1:PORT/NAME?sslmode=disable
// The role footbot has a password and the server requires it for TCP connections (scram-sha-256),
// so tests can check the password never leaks into logs or errors.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	s.mu.Lock()
	s.dbs++
	name := fmt.Sprintf("%s_%d", role, s.dbs)
	s.mu.Unlock()

	// Both names are made here from [a-z0-9_], so they need no quoting beyond the identifier's.
	q := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " OWNER " + pgx.Identifier{role}.Sanitize()
	if err := s.admin(q); err != nil {
		t.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	return s.url(name)
}

// Password is the footbot role's password (tests grep logs for it).
func (s *Server) Password() string { return s.password }

// Stop stops the server (pg_ctl stop -m fast), keeping its data: a test of a database that goes away.
// Fast mode disconnects clients at once, so an open connection fails on its next use.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		t.Fatalf("pgtest: Stop: the server on port %d is not running", s.port)
	}
	if err := s.pgCtl("stop", "-m", "fast"); err != nil {
		t.Fatalf("pgtest: stopping the server: %v", err)
	}
	s.running = false
}

// Restart starts a stopped server again on the same port with the same data, so the URLs
// NewDatabase returned before Stop work again.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.start(); err != nil {
		t.Fatalf("pgtest: Restart: %v", err)
	}
}

// initDB makes the cluster and configures it for a test: fast (no fsync, small memory), reachable
// only through 127.0.0.1 and the private socket, and password-protected over TCP.
func (s *Server) initDB() error {
	// -A trust only until pg_hba.conf is replaced below, before the server first starts; it
	// spares initdb a password file. --no-sync and the C locale make it quick and the same
	// everywhere.
	out, err := s.run(s.initdb, "-D", s.dataDir, "-U", superuser, "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	if err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}

	conf := strings.Join([]string{
		"",
		"# pgtest: a throwaway server for one test.",
		"listen_addresses = '127.0.0.1'",
		"unix_socket_directories = '" + s.sockDir + "'",
		"fsync = off",
		"synchronous_commit = off",
		"full_page_writes = off",
		"shared_buffers = 16MB",
		"huge_pages = off",
		"password_encryption = 'scram-sha-256'",
		"",
	}, "\n")
	if err := appendFile(filepath.Join(s.dataDir, "postgresql.conf"), conf); err != nil {
		return fmt.Errorf("configuring the server: %w", err)
	}
	// The harness comes in through the socket, which only the server's user and root can reach;
	// everyone, the code under test included, comes in over TCP and must know the password.
	hba := "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
	if err := os.WriteFile(filepath.Join(s.dataDir, "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return fmt.Errorf("configuring authentication: %w", err)
	}
	return nil
}

// errBind marks a start that failed because the port was taken, which Start retries.
var errBind = errors.New("port in use")

// start runs pg_ctl start and waits (-w) until the server accepts connections. On failure the
// error holds the log's new lines, which say why.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return fmt.Errorf("the server on port %d is already running", s.port)
	}
	before := fileSize(s.logFile)
	err := s.pgCtl("start", "-w", "-l", s.logFile, "-o", "-p "+strconv.Itoa(s.port))
	if err != nil {
		log := logSince(s.logFile, before)
		if strings.Contains(log, "could not bind") || strings.Contains(log, "could not create any TCP/IP sockets") {
			err = fmt.Errorf("%w: %w", errBind, err)
		}
		return fmt.Errorf("starting the server on 127.0.0.1:%d: %w\nserver log (%s):\n%s", s.port, err, s.logFile, tail(log, 40))
	}
	s.running = true
	return nil
}

// createRole creates the footbot role with its password. The password is random hex, so it
// can be spliced into the statement (CREATE ROLE takes no parameters).
func (s *Server) createRole() error {
	q := "CREATE ROLE " + pgx.Identifier{role}.Sanitize() + " LOGIN PASSWORD '" + s.password + "'"
	if err := s.admin(q); err != nil {
		return fmt.Errorf("creating role %s: %w", role, err)
	}
	return nil
}

// admin runs one statement as the superuser over the private socket. A connection per call,
// not a kept one, so Stop and Restart leave the harness nothing stale.
func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	// Key/value form: a socket folder is a path, which a URL's host cannot hold plainly.
	dsn := fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable", s.sockDir, s.port, superuser)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connecting as %s through %s: %w", superuser, s.sockDir, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return err
	}
	return nil
}

// url is a postgres:// URL for the footbot role over TCP.
func (s *Server) url(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(role, s.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// pgCtl runs pg_ctl on the data directory.
func (s *Server) pgCtl(args ...string) error {
	args = append(args[:1:1], append([]string{"-D", s.dataDir}, args[1:]...)...)
	if out, err := s.run(s.pgctl, args...); err != nil {
		return fmt.Errorf("pg_ctl %s: %w\n%s", args[0], err, bytes.TrimSpace(out))
	}
	return nil
}

// run runs a PostgreSQL binary as the server's user: the test's own, or s.runAs under root. It
// runs in the private folder, since postgres may not be allowed into the test's working directory
// and complains when it cannot read it, and without the caller's PG* variables, which would
// otherwise point the tools at another server or data directory.
func (s *Server) run(bin string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	name, argv := bin, args
	if s.runAs != nil {
		if runuser, err := exec.LookPath("runuser"); err == nil {
			name, argv = runuser, append([]string{"-u", s.runAs.Username, "--", bin}, args...)
		} else if su, err := exec.LookPath("su"); err == nil {
			// su wants one shell command line; -s because nobody's shell is nologin.
			words := []string{shellQuote(bin)}
			for _, a := range args {
				words = append(words, shellQuote(a))
			}
			name, argv = su, []string{"-s", "/bin/sh", "-c", strings.Join(words, " "), s.runAs.Username}
		} else {
			return nil, errors.New("running as root, but neither runuser nor su is on PATH to run PostgreSQL as another user")
		}
	}
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.Dir = s.dir
	cmd.Env = withoutPGVars(os.Environ())
	// pg_ctl start leaves postgres running with the output's pipes inherited unless it is
	// redirected; -l sends it to the log file, so CombinedOutput does not wait on the server.
	// WaitDelay guards against a binary that keeps them anyway.
	cmd.WaitDelay = 5 * time.Second
	return cmd.CombinedOutput()
}

// findBinaries looks for initdb and pg_ctl in $PG_BIN, then PATH, then the newest
// /usr/lib/postgresql/*/bin. pg_ctl runs the postgres binary beside it.
func findBinaries() (initdb, pgctl string, err error) {
	if dir := os.Getenv("PG_BIN"); dir != "" {
		initdb, pgctl = filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl")
		if isExecutable(initdb) && isExecutable(pgctl) {
			return abs(initdb), abs(pgctl), nil
		}
		return "", "", fmt.Errorf("PG_BIN is %s, but it does not hold executable initdb and pg_ctl; set PG_BIN to the folder that does (e.g. /usr/lib/postgresql/15/bin)", dir)
	}
	if i, err := exec.LookPath("initdb"); err == nil {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			return abs(i), abs(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		initdb, pgctl = filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl")
		if isExecutable(initdb) && isExecutable(pgctl) {
			return initdb, pgctl, nil
		}
	}
	return "", "", errors.New("the PostgreSQL server binaries (initdb, pg_ctl) are not in $PG_BIN, on PATH or in /usr/lib/postgresql/*/bin. " +
		"Install them (Debian/Ubuntu: sudo apt-get install postgresql; Fedora: sudo dnf install postgresql-server; macOS: brew install postgresql) " +
		"or set PG_BIN to the folder holding initdb and pg_ctl")
}

// versionOf is the major version in /usr/lib/postgresql/VERSION/bin, for picking the newest;
// numeric, so that 10 sorts above 9.6.
func versionOf(dir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
	if err != nil {
		return -1
	}
	return v
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// abs makes a binary's path absolute, since the commands run in another directory.
func abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}

// unprivilegedUser is who runs the server when the test runs as root: postgres, which Debian's
// package creates for this, else nobody, which every system has.
func unprivilegedUser() (*user.User, error) {
	var errs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err == nil {
			return u, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no unprivileged user to run the server as: %w", errors.Join(errs...))
}

func chownTo(path string, u *user.User) error {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return fmt.Errorf("gid %q: %w", u.Gid, err)
	}
	return os.Chown(path, uid, gid)
}

// freePort asks the kernel for a free port on 127.0.0.1 by listening on port 0, and releases it
// for postgres to take.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// appendFile appends to an existing file, keeping its owner (the server's user) and mode.
func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logSince is what the log file got after offset: this start's lines, not an earlier one's.
func logSince(path string, offset int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	if offset > int64(len(b)) {
		offset = 0
	}
	return string(b[offset:])
}

// tail is the last n lines of text.
func tail(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// withoutPGVars drops PGDATA, PGPORT, PGHOST and the like from env, so the caller's settings for
// some other server cannot reach the test's.
func withoutPGVars(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PG") {
			out = append(out, kv)
		}
	}
	return out
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
