// Package postgres keeps footbot's shared state in PostgreSQL, for shards on several machines
// that share one database: the feedback store (Feedback, a feedback.Store) and the knowledge
// store (Knowledge). Open connects and brings the schema up to date (migrate.go); each store
// then works on the DB's pool.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a pool of connections to footbot's database, its schema migrated.
type DB struct {
	pool   *pgxpool.Pool
	target string // host:port/database, for messages: never the password
	// url and password are kept only to scrub them from errors (see scrub).
	url, password string
}

// connectTimeout bounds one connection attempt when the URL sets none (connect_timeout), so a
// database host that drops packets fails a shard's start in seconds rather than hanging it.
const connectTimeout = 5 * time.Second

// Open connects to the database at url (postgres://user:password@host:port/database?..., or
// the key=value form) and applies the migrations it lacks. Its errors name the database as
// host:port/database and never hold the password. A nil log is slog.Default().
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.Default()
	}
	target := Redact(url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL %s: %w", target, scrub(err, url, ""))
	}
	password := cfg.ConnConfig.Password // perhaps from PGPASSWORD or a .pgpass file, not the URL
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres %s: %w", target, scrub(err, url, password))
	}
	db := &DB{pool: pool, target: target, url: url, password: password}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", target, db.scrub(err))
	}
	version, err := migrate(ctx, pool, log)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate postgres %s: %w", target, db.scrub(err))
	}
	log.Info("postgres ready", "database", target, "schema_version", version)
	return db, nil
}

// fail wraps an error of the stores with what failed and the database's name, its password
// scrubbed.
func (db *DB) fail(what string, err error) error {
	return fmt.Errorf("postgres %s: %s: %w", db.target, what, db.scrub(err))
}

// Close closes every connection. The stores made on db stop working.
func (db *DB) Close() { db.pool.Close() }

// Ping checks that the database answers, for a health check.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres %s: %w", db.target, db.scrub(err))
	}
	return nil
}

// String names the database as host:port/database.
func (db *DB) String() string { return db.target }

// Redact describes the database a URL names as host:port/database, for logs and errors: the
// user and the password are left out. Both forms pgx takes are understood, a postgres:// URL
// and key=value pairs; a URL that is neither says so rather than risk quoting a password.
func Redact(url string) string {
	if strings.TrimSpace(url) == "" {
		return "(the database the PG* variables name)"
	}
	host, port, db, ok := parseTarget(url)
	if !ok {
		return "(unreadable database URL)"
	}
	var more string
	if hosts := strings.Split(host, ","); len(hosts) > 1 { // pgx tries several hosts in turn
		host, more = hosts[0], fmt.Sprintf(" (and %d more hosts)", len(hosts)-1)
	}
	port, _, _ = strings.Cut(port, ",")
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "5432"
	}
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "/") { // IPv6
		host = "[" + host + "]"
	}
	return host + ":" + port + "/" + db + more
}

// parseTarget reads host, port and database from either form of connection string as pgx
// does, but reads neither the environment nor files as pgx would: Redact describes what the
// URL says. Several hosts come back joined by commas, as are their ports.
func parseTarget(s string) (host, port, db string, ok bool) {
	rest, isURL := cutScheme(s)
	if !isURL {
		kv, ok := keywords(s)
		if !ok {
			return "", "", "", false
		}
		return kv["host"], kv["port"], kv["dbname"], validPort(kv["port"])
	}
	// Not url.Parse: it refuses the several hosts pgx takes (postgres://h1:5432,h2:5433/db).
	authority, path := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	path, rawQuery, _ := strings.Cut(path, "?")
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		authority = authority[at+1:]
	}
	var hosts, ports []string
	for hp := range strings.SplitSeq(authority, ",") {
		h, p := hp, ""
		if i := strings.LastIndex(hp, ":"); i >= 0 && !strings.HasSuffix(hp, "]") {
			h, p = hp[:i], hp[i+1:]
		}
		hosts, ports = append(hosts, strings.Trim(h, "[]")), append(ports, p)
	}
	host, port = strings.Join(hosts, ","), strings.Join(ports, ",")
	db, err := url.PathUnescape(strings.TrimPrefix(path, "/"))
	if err != nil {
		return "", "", "", false
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", "", "", false
	}
	if host == "" {
		host = query.Get("host")
	}
	if strings.Trim(port, ",") == "" && query.Get("port") != "" {
		port = query.Get("port")
	}
	if db == "" {
		db = query.Get("dbname")
	}
	return host, port, db, validPort(port)
}

// cutScheme strips the scheme of a postgres:// or postgresql:// URL; ok is false for anything
// else (the key=value form).
func cutScheme(s string) (rest string, ok bool) {
	if rest, ok = strings.CutPrefix(s, "postgres://"); ok {
		return rest, true
	}
	return strings.CutPrefix(s, "postgresql://")
}

func validPort(port string) bool {
	for p := range strings.SplitSeq(port, ",") { // several hosts take several ports
		if _, err := strconv.ParseUint(p, 10, 16); p != "" && err != nil {
			return false
		}
	}
	return true
}

// keywordPair is one key=value of a libpq connection string; a value is bare or 'quoted', with
// \' and \\ escapes.
var keywordPair = regexp.MustCompile(`^\s*([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']*)`)

// keywords parses a key=value connection string; ok is false for anything else.
func keywords(s string) (map[string]string, bool) {
	kv := map[string]string{}
	for strings.TrimSpace(s) != "" {
		m := keywordPair.FindStringSubmatch(s)
		if m == nil {
			return nil, false
		}
		v := m[2]
		if strings.HasPrefix(v, "'") {
			v = strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(v[1 : len(v)-1])
		}
		kv[m[1]] = v
		s = s[len(m[0]):]
	}
	return kv, len(kv) > 0
}

// scrub keeps the password out of an error's text. pgx's own messages leave it out (they say
// "failed to connect to `user=footbot database=footbot`" and redact the URLs they quote), and
// scrub makes sure: it removes, in every spelling it may take, the password of the URL and the
// one pgx used (from the URL, PGPASSWORD or a .pgpass file). The cause stays reachable with
// errors.Is and errors.As.
func scrub(err error, connString, password string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range Secrets(connString, password) {
		if len(s) >= 3 { // "xxxxx" replacing every "a" would garble the message and hide nothing
			msg = strings.ReplaceAll(msg, s, "xxxxx")
		}
	}
	if msg == err.Error() {
		return err
	}
	return &scrubbed{msg: msg, err: err}
}

func (db *DB) scrub(err error) error { return scrub(err, db.url, db.password) }

// Secrets is every spelling (as written, query- and path-escaped) of the passwords a connection
// string holds, and of more: what scrub removes from errors, and what a logger must never print.
func Secrets(connString string, more ...string) []string {
	var out []string
	for _, p := range append(passwords(connString), more...) {
		if p != "" {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p), url.UserPassword("", p).String()[1:])
		}
	}
	return out
}

// passwords lists the passwords a connection string holds, in every place pgx reads one: a
// postgres:// URL's user info, its password query parameter, and the key=value form's password.
func passwords(connString string) []string {
	var ps []string
	add := func(p string) {
		if p != "" {
			ps = append(ps, p)
		}
	}
	add(urlPassword(connString))
	if u, err := url.Parse(connString); err == nil {
		add(u.Query().Get("password"))
	}
	if kv, ok := keywords(connString); ok {
		add(kv["password"])
	}
	return ps
}

// urlPassword is the password of a postgres:// URL, even one url.Parse refuses: whatever lies
// between the first ':' after the scheme and the last '@' before the path.
func urlPassword(s string) string {
	rest, ok := cutScheme(s)
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, ok := strings.Cut(rest[:at], ":")
	if !ok {
		return ""
	}
	if dec, err := url.PathUnescape(pw); err == nil && dec != pw {
		return dec // the escaped spelling is scrubbed too (see scrub)
	}
	return pw
}

// scrubbed is an error whose text had a password taken out.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
