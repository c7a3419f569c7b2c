package discordtest

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway limits and timings.
const (
	maxPayloadBytes   = 4096              // Discord closes with 4002 on a larger payload
	maxClientPayloads = 120               // per minute and connection; more closes with 4008
	outQueueLen       = 1024              // frames waiting for a slow client before it is dropped
	writeTimeout      = 5 * time.Second   // for one frame
	closeGrace        = time.Second       // wait for the client's close frame before hanging up
	maxBufferedEvents = 1000              // dispatches kept per session for resuming
	maxSessions       = 100               // sessions kept for resuming
	minHeartbeatGrace = time.Second       // added to 1.5 intervals before a silent client is closed
	sessionIDBytes    = 16                // random bytes of a session id
	helloTrace        = `["discordtest"]` // the _trace Discord sends, reduced
)

// validIntents are the intent bits Discord defines; others close the connection with 4013.
const validIntents = discordgo.Intent(1<<17-1) | discordgo.IntentAutoModerationConfiguration |
	discordgo.IntentAutoModerationExecution | discordgo.IntentGuildMessagePolls | discordgo.IntentDirectMessagePolls

// privilegedIntents must be enabled for the application (Options.AllowedIntents).
const privilegedIntents = discordgo.IntentGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent

// Gateway close codes after which Discord does not let the session resume.
var sessionEndingCodes = []int{4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014}

// GatewayStats counts what happened on the gateway since the server started.
type GatewayStats struct {
	Connections      int   // websocket connections open now
	Connects         int   // websocket connections accepted
	Identifies       int   // Identify payloads accepted, each answered with READY
	Resumes          int   // resumes accepted, each answered with RESUMED
	FailedResumes    int   // resumes answered with op 9 Invalid Session
	Heartbeats       int   // heartbeats received
	CloseCodes       []int // close codes the server sent, oldest first (the latest MaxRecords)
	ClientCloseCodes []int // close codes clients sent, oldest first (the latest MaxRecords)
}

// Identify is an Identify payload the server accepted.
type Identify struct {
	Intents        discordgo.Intent
	Compress       bool
	LargeThreshold int
	Shard          *[2]int
	Properties     map[string]any
	Presence       json.RawMessage
	// SessionID is the session the identify started.
	SessionID string
	Time      time.Time
}

// session is a gateway session: what READY started and a resume continues.
type session struct {
	id       string
	intents  discordgo.Intent
	compress bool
	shard    *[2]int
	seq      int64
	buffer   []bufferedEvent // the latest dispatches, for resuming
	conn     *gwConn         // nil while no connection carries the session
	created  time.Time
}

type bufferedEvent struct {
	seq     int64
	payload []byte
}

// gwConn is one gateway websocket connection.
type gwConn struct {
	srv     *Server
	ws      *websocket.Conn
	out     chan frame
	done    chan struct{} // closed when the connection is finished
	version int

	// Guarded by srv.mu.
	sess         *session
	compress     bool
	lastBeat     time.Time   // the last heartbeat, or the connection's start
	closing      bool        // the server sent or queued a close frame
	closeAt      time.Time   // when closing began
	received     []time.Time // client payloads in the last minute
	clientClosed int         // close code the client sent, 0 if none
}

// frame is something for the writer to do: send a message, send a close frame, or hang up.
type frame struct {
	data      []byte
	binary    bool
	closeCode int
	closeText string
	drop      bool
}

var upgrader = websocket.Upgrader{
	CheckOrigin:     func(*http.Request) bool { return true },
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
}

// serveGateway upgrades a request to a gateway connection and serves it until it ends.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with an HTTP error
	}
	ws.SetReadLimit(64 << 10)
	c := &gwConn{srv: s, ws: ws, out: make(chan frame, outQueueLen), done: make(chan struct{})}
	q := r.URL.Query()
	switch q.Get("v") {
	case "9":
		c.version = 9
	case "10":
		c.version = 10
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.wg.Add(2) // this reader and the writer
	s.conns[c] = struct{}{}
	s.stats.Connects++
	c.lastBeat = time.Now()
	switch {
	case c.version == 0:
		s.closeConnLocked(c, 4012, "Invalid API version.")
	case q.Get("encoding") != "" && q.Get("encoding") != "json":
		s.closeConnLocked(c, 4002, "Error while decoding payload.")
	default:
		c.sendLocked(map[string]any{"op": 10, "s": nil, "t": nil, "d": map[string]any{
			"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds(),
			"_trace":             []string{helloTrace},
		}}, false)
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("discordtest: gateway connection from %s (v=%s)", r.RemoteAddr, q.Get("v"))

	go c.writeLoop()
	defer s.wg.Done()
	c.readLoop()
}

// heartbeatTimeout is how long a connection may stay silent before it is closed with 4009.
func (s *Server) heartbeatTimeout() time.Duration {
	return s.opts.HeartbeatInterval*3/2 + minHeartbeatGrace
}

func (c *gwConn) readLoop() {
	s := c.srv
	defer c.finish()
	for {
		s.mu.Lock()
		deadline := c.lastBeat.Add(s.heartbeatTimeout())
		if c.closing {
			deadline = c.closeAt.Add(closeGrace)
		}
		s.mu.Unlock()
		_ = c.ws.SetReadDeadline(deadline)
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.readFailed(err)
			return
		}
		s.mu.Lock()
		if !c.closing {
			s.handlePayloadLocked(c, data)
		}
		s.mu.Unlock()
	}
}

// readFailed notes why reading stopped: a close frame from the client, or a client that went
// silent, which Discord ends with 4009.
func (c *gwConn) readFailed(err error) {
	s := c.srv
	var ce *websocket.CloseError
	var ne net.Error
	s.mu.Lock()
	timedOut := errors.As(err, &ne) && ne.Timeout() && !c.closing
	switch {
	case errors.As(err, &ce):
		c.clientClosed = ce.Code
		s.stats.ClientCloseCodes, _ = trim(append(s.stats.ClientCloseCodes, ce.Code), s.opts.MaxRecords)
	case timedOut:
		c.closing = true
		s.stats.CloseCodes, _ = trim(append(s.stats.CloseCodes, 4009), s.opts.MaxRecords)
		if c.sess != nil {
			s.endSessionLocked(c.sess)
		}
	}
	s.mu.Unlock()
	if timedOut {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4009, "Session timed out."),
			time.Now().Add(writeTimeout))
	}
}

// finish releases a connection once its reader has stopped. A client that closed with 1000 or
// 1001 on its own ends its session, as on Discord; any other end leaves it resumable.
func (c *gwConn) finish() {
	s := c.srv
	close(c.done)
	_ = c.ws.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if sess := c.sess; sess != nil && sess.conn == c {
		sess.conn = nil
		if !c.closing && (c.clientClosed == websocket.CloseNormalClosure || c.clientClosed == websocket.CloseGoingAway) {
			s.endSessionLocked(sess)
		}
	}
	s.notifyLocked()
}

func (c *gwConn) writeLoop() {
	defer c.srv.wg.Done()
	for {
		select {
		case <-c.done:
			return
		case f := <-c.out:
			switch {
			case f.drop:
				_ = c.ws.NetConn().Close()
				return
			case f.closeCode != 0:
				_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(f.closeCode, f.closeText),
					time.Now().Add(writeTimeout))
				_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace))
				return
			default:
				kind := websocket.TextMessage
				if f.binary {
					kind = websocket.BinaryMessage
				}
				_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
				if err := c.ws.WriteMessage(kind, f.data); err != nil {
					_ = c.ws.NetConn().Close()
					return
				}
			}
		}
	}
}

// kill hangs up at once; used when the server closes.
func (c *gwConn) kill() { _ = c.ws.NetConn().Close() }

// enqueueLocked hands a frame to the writer. A client too slow to take 1024 frames is dropped.
func (c *gwConn) enqueueLocked(f frame) {
	select {
	case c.out <- f:
	default:
		c.kill()
	}
}

// sendLocked sends a payload; dispatches are zlib-compressed when the client asked for it.
func (c *gwConn) sendLocked(payload any, dispatch bool) {
	data, ok := payload.([]byte)
	if !ok {
		data, _ = json.Marshal(payload) // payloads are built from JSON values
	}
	if dispatch && c.compress {
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		_, _ = zw.Write(data) // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		c.enqueueLocked(frame{data: buf.Bytes(), binary: true})
		return
	}
	c.enqueueLocked(frame{data: data})
}

// closeConnLocked sends a close frame and ends the connection; codes that end the session on
// Discord end it here too.
func (s *Server) closeConnLocked(c *gwConn, code int, reason string) {
	if c.closing {
		return
	}
	c.closing, c.closeAt = true, time.Now()
	s.stats.CloseCodes, _ = trim(append(s.stats.CloseCodes, code), s.opts.MaxRecords)
	if c.sess != nil && slices.Contains(sessionEndingCodes, code) {
		s.endSessionLocked(c.sess)
	}
	c.enqueueLocked(frame{closeCode: code, closeText: reason})
	s.logf("discordtest: gateway close %d %s", code, reason)
}

// endSessionLocked forgets a session: it can no longer be resumed.
func (s *Server) endSessionLocked(sess *session) {
	delete(s.sessions, sess.id)
}

// handlePayloadLocked serves one payload from a client.
func (s *Server) handlePayloadLocked(c *gwConn, data []byte) {
	now := time.Now()
	c.received = append(slices.DeleteFunc(c.received, func(t time.Time) bool { return now.Sub(t) > time.Minute }), now)
	if len(c.received) > maxClientPayloads {
		s.closeConnLocked(c, 4008, "Rate limited.")
		return
	}
	var p struct {
		Op *int            `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if len(data) > maxPayloadBytes || json.Unmarshal(data, &p) != nil || p.Op == nil {
		s.closeConnLocked(c, 4002, "Error while decoding payload.")
		return
	}
	switch *p.Op {
	case 1:
		s.stats.Heartbeats++
		c.lastBeat = now
		c.sendLocked(map[string]any{"op": 11, "s": nil, "t": nil, "d": nil}, false)
	case 2:
		s.identifyLocked(c, p.D, now)
	case 6:
		s.resumeLocked(c, p.D)
	case 3, 4, 8:
		if c.sess == nil {
			s.closeConnLocked(c, 4003, "Not authenticated.")
			return
		}
		if *p.Op == 8 {
			s.requestMembersLocked(c, p.D)
		}
	default:
		s.closeConnLocked(c, 4001, "Unknown opcode.")
	}
	s.notifyLocked()
}

// identifyLocked checks an Identify and starts a session: READY, then GUILD_CREATE per guild.
func (s *Server) identifyLocked(c *gwConn, raw json.RawMessage, now time.Time) {
	var id struct {
		Token          string          `json:"token"`
		Properties     map[string]any  `json:"properties"`
		Compress       bool            `json:"compress"`
		LargeThreshold int             `json:"large_threshold"`
		Shard          *[2]int         `json:"shard"`
		Presence       json.RawMessage `json:"presence"`
		Intents        *int64          `json:"intents"`
	}
	if c.sess != nil {
		s.closeConnLocked(c, 4005, "Already authenticated.")
		return
	}
	if json.Unmarshal(raw, &id) != nil {
		s.closeConnLocked(c, 4002, "Error while decoding payload.")
		return
	}
	intents := discordgo.Intent(0)
	if id.Intents != nil {
		intents = discordgo.Intent(*id.Intents)
	}
	switch {
	case strings.TrimPrefix(id.Token, "Bot ") != s.opts.Token:
		s.closeConnLocked(c, 4004, "Authentication failed.")
		return
	case id.Shard != nil && (id.Shard[1] < 1 || id.Shard[0] < 0 || id.Shard[0] >= id.Shard[1]):
		s.closeConnLocked(c, 4010, "Invalid shard.")
		return
	case id.Intents == nil || intents&^validIntents != 0:
		s.closeConnLocked(c, 4013, "Invalid intent(s).")
		return
	case s.opts.AllowedIntents != 0 && intents&privilegedIntents&^s.opts.AllowedIntents != 0:
		s.closeConnLocked(c, 4014, "Disallowed intent(s).")
		return
	}
	b := make([]byte, sessionIDBytes)
	_, _ = rand.Read(b) // crypto/rand does not fail
	sess := &session{id: hex.EncodeToString(b), intents: intents, compress: id.Compress, shard: id.Shard, created: now}
	s.sessions[sess.id] = sess
	s.evictSessionsLocked()
	sess.conn, c.sess, c.compress = c, sess, id.Compress
	s.stats.Identifies++
	s.identifies, _ = trim(append(s.identifies, Identify{
		Intents: intents, Compress: id.Compress, LargeThreshold: id.LargeThreshold, Shard: id.Shard,
		Properties: id.Properties, Presence: id.Presence, SessionID: sess.id, Time: now,
	}), s.opts.MaxRecords)

	guilds := []any{}
	for _, g := range s.guilds {
		if sess.hasGuild(g.ID) {
			guilds = append(guilds, map[string]any{"id": g.ID, "unavailable": true})
		}
	}
	ready := map[string]any{
		"v":                       c.version,
		"user":                    s.selfUserObject(),
		"guilds":                  guilds,
		"session_id":              sess.id,
		"session_type":            "normal",
		"resume_gateway_url":      s.GatewayURL(),
		"application":             map[string]any{"id": s.opts.AppID, "flags": s.opts.AppFlags},
		"private_channels":        []any{},
		"presences":               []any{},
		"relationships":           []any{},
		"guild_join_requests":     []any{},
		"user_settings":           map[string]any{},
		"geo_ordered_rtc_regions": []string{"us-east", "us-central"},
		"auth":                    map[string]any{},
		"_trace":                  []string{helloTrace},
	}
	if id.Shard != nil {
		ready["shard"] = []int{id.Shard[0], id.Shard[1]}
	}
	s.sendDispatchLocked(sess, "READY", ready)
	if intents&discordgo.IntentGuilds != 0 {
		for _, g := range s.guilds {
			if sess.hasGuild(g.ID) {
				s.sendDispatchLocked(sess, "GUILD_CREATE",
					guildCreateObject(g, s.opts.BotUserID, intents&discordgo.IntentGuildPresences != 0, findMember(g, s.opts.BotUserID).JoinedAt))
			}
		}
	}
	s.logf("discordtest: identify accepted, session %s, intents %d", sess.id, intents)
}

// evictSessionsLocked forgets the oldest sessions without a connection beyond maxSessions.
func (s *Server) evictSessionsLocked() {
	for len(s.sessions) > maxSessions {
		var oldest *session
		for _, sess := range s.sessions {
			if sess.conn == nil && (oldest == nil || sess.created.Before(oldest.created)) {
				oldest = sess
			}
		}
		if oldest == nil {
			return
		}
		delete(s.sessions, oldest.id)
	}
}

// resumeLocked resumes a session: the dispatches the client missed, then RESUMED. A session
// that cannot be resumed gets op 9 Invalid Session (d: false); the client may then identify.
func (s *Server) resumeLocked(c *gwConn, raw json.RawMessage) {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       *int64 `json:"seq"`
	}
	if c.sess != nil {
		s.closeConnLocked(c, 4005, "Already authenticated.")
		return
	}
	if json.Unmarshal(raw, &r) != nil {
		s.closeConnLocked(c, 4002, "Error while decoding payload.")
		return
	}
	if strings.TrimPrefix(r.Token, "Bot ") != s.opts.Token {
		s.closeConnLocked(c, 4004, "Authentication failed.")
		return
	}
	sess := s.sessions[r.SessionID]
	var seq int64
	if r.Seq != nil {
		seq = *r.Seq
	}
	if sess != nil && seq > sess.seq {
		s.closeConnLocked(c, 4007, "Invalid seq.")
		return
	}
	if sess == nil || len(sess.buffer) > 0 && sess.buffer[0].seq > seq+1 {
		s.stats.FailedResumes++
		c.sendLocked(map[string]any{"op": 9, "s": nil, "t": nil, "d": false}, false)
		return
	}
	if old := sess.conn; old != nil && old != c {
		old.sess = nil
		s.closeConnLocked(old, 4000, "Session resumed elsewhere.")
	}
	sess.conn, c.sess, c.compress = c, sess, sess.compress
	for _, ev := range sess.buffer {
		if ev.seq > seq {
			c.sendLocked(ev.payload, true)
		}
	}
	sess.seq++
	c.sendLocked(map[string]any{"op": 0, "t": "RESUMED", "s": sess.seq, "d": map[string]any{"_trace": []string{helloTrace}}}, true)
	s.stats.Resumes++
	s.logf("discordtest: session %s resumed from seq %d", sess.id, seq)
}

// hasGuild reports whether a guild belongs to the session's shard.
func (sess *session) hasGuild(guildID string) bool {
	if sess.shard == nil {
		return true
	}
	return int((snowflakeBits(guildID)>>22)%uint64(sess.shard[1])) == sess.shard[0]
}

// sendDispatchLocked numbers a dispatch for a session, keeps it for resuming and sends it if a
// connection carries the session.
func (s *Server) sendDispatchLocked(sess *session, event string, d any) {
	sess.seq++
	payload, _ := json.Marshal(map[string]any{"op": 0, "t": event, "s": sess.seq, "d": d}) // JSON values only
	sess.buffer, _ = trim(append(sess.buffer, bufferedEvent{sess.seq, payload}), maxBufferedEvents)
	if sess.conn != nil && !sess.conn.closing {
		sess.conn.sendLocked(payload, true)
	}
}

// requestMembersLocked answers op 8 Request Guild Members with one GUILD_MEMBERS_CHUNK per
// guild: members whose username or nickname starts with the query, or those in user_ids.
func (s *Server) requestMembersLocked(c *gwConn, raw json.RawMessage) {
	var r struct {
		GuildID json.RawMessage `json:"guild_id"`
		Query   string          `json:"query"`
		Limit   int             `json:"limit"`
		UserIDs json.RawMessage `json:"user_ids"`
		Nonce   string          `json:"nonce"`
	}
	if json.Unmarshal(raw, &r) != nil {
		s.closeConnLocked(c, 4002, "Error while decoding payload.")
		return
	}
	guildIDs, userIDs := stringOrList(r.GuildID), stringOrList(r.UserIDs)
	for _, gid := range guildIDs {
		g := s.guildLocked(gid)
		if g == nil || !c.sess.hasGuild(gid) {
			continue
		}
		members := []any{}
		for i := range g.Members {
			m := &g.Members[i]
			match := strings.HasPrefix(strings.ToLower(m.User.Username), strings.ToLower(r.Query)) ||
				m.Nick != "" && strings.HasPrefix(strings.ToLower(m.Nick), strings.ToLower(r.Query))
			if userIDs != nil {
				match = slices.Contains(userIDs, m.User.ID)
			}
			if match && (r.Limit == 0 || len(members) < r.Limit) {
				members = append(members, memberObject(m, true))
			}
		}
		chunk := map[string]any{"guild_id": gid, "members": members, "chunk_index": 0, "chunk_count": 1}
		if r.Nonce != "" {
			chunk["nonce"] = r.Nonce
		}
		if userIDs != nil {
			notFound := []string{}
			for _, id := range userIDs {
				if findMember(g, id) == nil {
					notFound = append(notFound, id)
				}
			}
			chunk["not_found"] = notFound
		}
		s.sendDispatchLocked(c.sess, "GUILD_MEMBERS_CHUNK", chunk)
	}
}

// stringOrList decodes a JSON string or list of strings; nil when absent.
func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && many != nil {
		return many
	}
	return nil
}
