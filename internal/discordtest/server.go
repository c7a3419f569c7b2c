package discordtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// ErrClosed is returned by the Wait methods once the server has been closed.
var ErrClosed = errors.New("discordtest: server closed")

// Server is a loopback Discord: Discord's REST API under /api/v9 and /api/v10 and its gateway at
// the root, both on one random port of 127.0.0.1. Its methods are safe for concurrent use.
type Server struct {
	opts    Options
	spec    *spec // nil when schema validation is off
	ln      net.Listener
	httpSrv *http.Server
	routes  []route
	wg      sync.WaitGroup // the HTTP server and every gateway connection

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever recorded state changes
	closed  bool

	guilds       []*Guild
	users        map[string]User
	dms          map[string]*dmChannel // by channel id
	dmByUser     map[string]string     // user id to DM channel id
	messages     map[string]*message
	messageOrder []string // message ids, oldest first
	interactions map[string]*interaction
	interOrder   []string
	commands     map[string][]map[string]any // by guild id; "" holds global commands
	requests     []Request
	buckets      map[string]*bucket
	injected     []*injectedRateLimit
	sessions     map[string]*session
	conns        map[*gwConn]struct{}
	stats        GatewayStats
	identifies   []Identify
	uploads      map[string]Upload // attachments of command options, served at /attachments/{id}/{name}
}

// dmChannel is a direct message channel between the bot and one user.
type dmChannel struct {
	id        string
	recipient User
}

// Start starts a server on a random port of 127.0.0.1. Close stops it.
func Start(opts Options) (*Server, error) {
	o, err := opts.withDefaults(time.Now().UTC())
	if err != nil {
		return nil, fmt.Errorf("discordtest: options: %w", err)
	}
	s := &Server{
		opts:         o,
		changed:      make(chan struct{}),
		users:        map[string]User{},
		dms:          map[string]*dmChannel{},
		dmByUser:     map[string]string{},
		messages:     map[string]*message{},
		interactions: map[string]*interaction{},
		commands:     map[string][]map[string]any{},
		buckets:      map[string]*bucket{},
		sessions:     map[string]*session{},
		conns:        map[*gwConn]struct{}{},
		uploads:      map[string]Upload{},
	}
	if !o.DisableSchemaValidation {
		if s.spec, err = loadSpec(o.SpecPath); err != nil {
			return nil, err
		}
	}
	s.users[o.BotUserID] = User{ID: o.BotUserID, Username: o.BotUsername, Bot: true}
	for i := range o.Guilds {
		g := &o.Guilds[i]
		s.guilds = append(s.guilds, g)
		for _, m := range g.Members {
			s.users[m.User.ID] = m.User
		}
	}
	for _, u := range o.Users {
		s.users[u.ID] = u
	}
	s.routes = s.restRoutes()

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("discordtest: listen: %w", err)
	}
	s.ln = ln
	s.httpSrv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.httpSrv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s, nil
}

// New starts a server for a test and closes it when the test ends. It fails the test if the
// server cannot start.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("discordtest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close drops every gateway connection, stops the HTTP server and waits for all of the server's
// goroutines to end. It may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for c := range s.conns {
		c.kill()
	}
	s.notifyLocked()
	s.mu.Unlock()
	_ = s.httpSrv.Close()
	s.wg.Wait()
}

// URL returns the base URL of the REST API's host, such as http://127.0.0.1:38211. Requests for
// https://discord.com/api/... belong at URL()+"/api/...".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// GatewayURL returns the gateway's address as GET /gateway reports it, such as
// ws://127.0.0.1:38211.
func (s *Server) GatewayURL() string { return "ws://" + s.ln.Addr().String() }

// Config returns the options the server runs with, every default filled in and every id
// generated: the way for a test to learn the ids of the bot, guilds, channels and members.
// The slices are shared with the server and must not be modified.
func (s *Server) Config() Options { return s.opts }

// notifyLocked wakes every waiter; callers hold s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond, evaluated with s.mu held, is true, the context ends or the server
// closes.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, ch, closed := cond(), s.changed, s.closed
		s.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// guildLocked returns the guild with the given id, or nil.
func (s *Server) guildLocked(id string) *Guild {
	for _, g := range s.guilds {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// channelLocked finds a channel: a guild channel (with its guild) or a DM channel.
func (s *Server) channelLocked(id string) (*Guild, *Channel, *dmChannel) {
	for _, g := range s.guilds {
		if ch := findChannel(g, id); ch != nil {
			return g, ch, nil
		}
	}
	if dm, ok := s.dms[id]; ok {
		return nil, nil, dm
	}
	return nil, nil, nil
}

// dmChannelLocked returns the DM channel between the bot and a user, creating it if needed.
func (s *Server) dmChannelLocked(u User) *dmChannel {
	if id, ok := s.dmByUser[u.ID]; ok {
		return s.dms[id]
	}
	dm := &dmChannel{id: NewSnowflake(), recipient: u}
	s.dms[dm.id] = dm
	s.dmByUser[u.ID] = dm.id
	return dm
}

// DMChannel returns the id of the direct message channel between the bot and a known user,
// creating the channel if needed.
func (s *Server) DMChannel(userID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return "", fmt.Errorf("discordtest: unknown user %s", userID)
	}
	return s.dmChannelLocked(u).id, nil
}

// trim drops the oldest entries of a record kept in order so that at most max remain, and
// returns what is left and what was dropped.
func trim[T any](list []T, max int) (kept, dropped []T) {
	if len(list) <= max {
		return list, nil
	}
	n := len(list) - max
	dropped = slices.Clone(list[:n])
	return slices.Delete(list, 0, n), dropped
}
