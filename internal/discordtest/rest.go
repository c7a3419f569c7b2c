package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// maxBodyBytes is the largest request body accepted: Discord's upload limit for bots (25 MiB)
// plus room for the JSON part.
const maxBodyBytes = 26 << 20

// apiPrefix matches the versioned prefix of REST paths. Versions 9 (discordgo's default) and 10
// (the current one) are served.
var apiPrefix = regexp.MustCompile(`^/api/v(9|10)(/.*)$`)

// route is one REST endpoint.
type route struct {
	method   string
	template string   // path after /api/vN, such as /channels/{channel_id}/messages
	segs     []string // template split at slashes
	public   bool     // served without an Authorization header
	handle   func(*call) reply
}

// call is one REST request being served.
type call struct {
	r        *http.Request
	now      time.Time
	version  int
	path     string // path after /api/vN
	params   map[string]string
	body     []byte
	json     any        // the decoded JSON body (payload_json for multipart), or nil
	jsonRaw  []byte     // the JSON text json was decoded from
	files    []fileInfo // files of a multipart body
	problems []fieldError
}

// fileInfo is a file uploaded in a multipart body.
type fileInfo struct {
	name, contentType string
	size              int
}

// reply is a REST response: a status and a body marshalled as JSON (none when nil).
type reply struct {
	status int
	body   any
}

func ok(body any) reply { return reply{http.StatusOK, body} }

func noContent() reply { return reply{status: http.StatusNoContent} }

// apiError is Discord's error body: {"message": ..., "code": ...}.
func apiError(status, code int, message string) reply {
	return reply{status, map[string]any{"message": message, "code": code}}
}

// Discord's JSON error codes used by this server.
var (
	errNotFound         = apiError(http.StatusNotFound, 0, "404: Not Found")
	errMethodNotAllowed = apiError(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
	errUnauthorized     = apiError(http.StatusUnauthorized, 0, "401: Unauthorized")
	errUnknownChannel   = apiError(http.StatusNotFound, 10003, "Unknown Channel")
	errUnknownGuild     = apiError(http.StatusNotFound, 10004, "Unknown Guild")
	errUnknownMessage   = apiError(http.StatusNotFound, 10008, "Unknown Message")
	errUnknownUser      = apiError(http.StatusNotFound, 10013, "Unknown User")
	errUnknownMember    = apiError(http.StatusNotFound, 10007, "Unknown Member")
	errUnknownWebhook   = apiError(http.StatusNotFound, 10015, "Unknown Webhook")
	errUnknownCommand   = apiError(http.StatusNotFound, 10063, "Unknown application command")
	errUnknownInteract  = apiError(http.StatusNotFound, 10062, "Unknown interaction")
	errAlreadyAcked     = apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	errMissingAccess    = apiError(http.StatusForbidden, 50001, "Missing Access")
	errMissingPerms     = apiError(http.StatusForbidden, 50013, "Missing Permissions")
	errNotAuthor        = apiError(http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
	errEmptyMessage     = apiError(http.StatusBadRequest, 50006, "Cannot send an empty message")
	errNonText          = apiError(http.StatusBadRequest, 50008, "Cannot send messages in a non-text channel")
	errInvalidToken     = apiError(http.StatusUnauthorized, 50027, "Invalid Webhook Token")
	errInvalidRecipient = apiError(http.StatusBadRequest, 50033, "Invalid Recipient(s)")
	errInvalidJSON      = apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	errTooLarge         = apiError(http.StatusRequestEntityTooLarge, 40005, "Request entity too large")
)

// fieldError is one entry of an "Invalid Form Body" error: a dotted path into the body such as
// "embeds.0.title", a code such as BASE_TYPE_MAX_LENGTH, and a message.
type fieldError struct {
	path, code, message string
}

func (e fieldError) String() string {
	path := e.path
	if path == "" {
		path = "(body)"
	}
	return path + ": " + e.code + ": " + e.message
}

// formError is Discord's 400 "Invalid Form Body" (code 50035), its errors nested by path with
// each leaf holding "_errors".
func formError(errs []fieldError) reply {
	tree := map[string]any{}
	for _, e := range errs {
		node := tree
		if e.path != "" {
			for _, part := range strings.Split(e.path, ".") {
				next, ok := node[part].(map[string]any)
				if !ok {
					next = map[string]any{}
					node[part] = next
				}
				node = next
			}
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.code, "message": e.message})
	}
	return reply{http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035, "errors": tree}}
}

func splitPath(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// matchSegments matches a path against a template whose {name} segments match any one segment.
// The score counts literal segments, so /messages/@original beats /messages/{message_id}.
func matchSegments(template, path []string) (score int, ok bool) {
	if len(template) != len(path) {
		return 0, false
	}
	for i, t := range template {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if path[i] == "" {
				return 0, false
			}
			continue
		}
		if t != path[i] {
			return 0, false
		}
		score++
	}
	return score, true
}

// findRoute returns the best route for a method and path. When there is none, pathKnown tells
// whether some route has the path with another method (405 rather than 404).
func (s *Server) findRoute(method, path string) (rt *route, params map[string]string, pathKnown bool) {
	segs := splitPath(path)
	best := -1
	for i := range s.routes {
		r := &s.routes[i]
		score, ok := matchSegments(r.segs, segs)
		if !ok {
			continue
		}
		pathKnown = true
		if r.method == method && score > best {
			best, rt = score, r
		}
	}
	if rt == nil {
		return nil, nil, pathKnown
	}
	params = map[string]string{}
	for i, t := range rt.segs {
		if strings.HasPrefix(t, "{") {
			params[strings.Trim(t, "{}")] = segs[i]
		}
	}
	return rt, params, true
}

// serveHTTP serves the gateway (a websocket upgrade) and the REST API.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if websocket.IsWebSocketUpgrade(r) {
		s.serveGateway(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/attachments/") {
		s.serveUpload(w, r)
		return
	}
	c := &call{r: r, now: time.Now()}
	rec := Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Time:   c.now,
	}
	rec.Header.Del("Authorization")
	header := http.Header{}
	rep := s.serveREST(w, c, &rec, header)

	var out []byte
	if rep.body != nil {
		out, _ = json.Marshal(rep.body) // bodies are maps and slices of JSON values
		header.Set("Content-Type", "application/json")
	}
	rec.Status = rep.status
	for _, p := range c.problems {
		rec.SchemaErrors = append(rec.SchemaErrors, "discord: "+p.String())
	}
	s.record(rec)
	s.logf("discordtest: %s %s -> %d", r.Method, r.URL.Path, rep.status)
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(out)
}

// serveREST runs the steps of a REST request in Discord's order: route, rate limit,
// authorization, body, schema, handler.
func (s *Server) serveREST(w http.ResponseWriter, c *call, rec *Request, header http.Header) reply {
	body, err := io.ReadAll(http.MaxBytesReader(w, c.r.Body, maxBodyBytes))
	c.body, rec.Body = body, body
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return apiError(http.StatusBadRequest, 0, "400: Bad Request")
	}
	var rt *route
	pathKnown := false
	if m := apiPrefix.FindStringSubmatch(c.r.URL.Path); m != nil {
		c.version, _ = strconv.Atoi(m[1])
		c.path = m[2]
		rec.APIVersion = c.version
		rt, c.params, pathKnown = s.findRoute(c.r.Method, c.path)
	}
	template := pathAfterVersion(c)
	if rt != nil {
		template = rt.template
		rec.Route = rt.template
	}
	if limited, rep := s.applyRateLimit(c, header, template); limited {
		return rep
	}
	switch {
	case rt == nil && pathKnown:
		return errMethodNotAllowed
	case rt == nil:
		return errNotFound
	}
	if auth := c.r.Header.Get("Authorization"); auth != "" && auth != "Bot "+s.opts.Token ||
		auth == "" && !rt.public {
		return errUnauthorized
	}
	if rep, ok := c.decodeBody(); !ok {
		return rep
	}
	if s.spec != nil && c.json != nil {
		rec.SchemaErrors = s.spec.validate(c.r.Method, c.path, c.jsonRaw)
		if s.opts.RejectSchemaErrors && len(rec.SchemaErrors) > 0 {
			var errs []fieldError
			for _, e := range rec.SchemaErrors {
				errs = append(errs, fieldError{code: "SCHEMA", message: e})
			}
			return formError(errs)
		}
	}
	return rt.handle(c)
}

// decodeBody decodes a JSON body, or the payload_json part of a multipart one.
func (c *call) decodeBody() (reply, bool) {
	if len(c.body) == 0 {
		return reply{}, true
	}
	mediaType, params, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	raw := c.body
	if mediaType == "multipart/form-data" {
		raw = nil
		mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return apiError(http.StatusBadRequest, 0, "400: Bad Request"), false
			}
			data, _ := io.ReadAll(part)
			if part.FormName() == "payload_json" {
				raw = data
			} else if part.FileName() != "" {
				c.files = append(c.files, fileInfo{name: part.FileName(),
					contentType: part.Header.Get("Content-Type"), size: len(data)})
			}
		}
		if raw == nil {
			return reply{}, true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&c.json); err != nil {
		return errInvalidJSON, false
	}
	c.jsonRaw = raw
	return reply{}, true
}

// object returns the JSON body as an object, or an empty one.
func (c *call) object() map[string]any {
	if obj, ok := c.json.(map[string]any); ok {
		return obj
	}
	return map[string]any{}
}

// restRoutes lists the endpoints the server answers.
func (s *Server) restRoutes() []route {
	rs := []route{
		{method: "GET", template: "/gateway", public: true, handle: s.getGateway},
		{method: "GET", template: "/gateway/bot", handle: s.getGatewayBot},
		{method: "GET", template: "/users/@me", handle: s.getSelf},
		{method: "GET", template: "/users/{user_id}", handle: s.getUser},
		{method: "POST", template: "/users/@me/channels", handle: s.createDM},
		{method: "GET", template: "/applications/@me", handle: s.getApplication},
		{method: "GET", template: "/oauth2/applications/@me", handle: s.getApplication},
		{method: "GET", template: "/guilds/{guild_id}", handle: s.getGuild},
		{method: "GET", template: "/guilds/{guild_id}/channels", handle: s.getGuildChannels},
		{method: "GET", template: "/guilds/{guild_id}/roles", handle: s.getGuildRoles},
		{method: "GET", template: "/guilds/{guild_id}/members/{user_id}", handle: s.getGuildMember},
		{method: "GET", template: "/channels/{channel_id}", handle: s.getChannel},
		{method: "GET", template: "/channels/{channel_id}/messages", handle: s.listMessages},
		{method: "POST", template: "/channels/{channel_id}/messages", handle: s.postMessage},
		{method: "GET", template: "/channels/{channel_id}/messages/{message_id}", handle: s.getMessage},
		{method: "PATCH", template: "/channels/{channel_id}/messages/{message_id}", handle: s.patchMessage},
		{method: "DELETE", template: "/channels/{channel_id}/messages/{message_id}", handle: s.deleteMessage},
		{method: "PUT", template: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", handle: s.putReaction},
		{method: "DELETE", template: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", handle: s.putReaction},
		{method: "POST", template: "/channels/{channel_id}/typing", handle: s.postTyping},
		{method: "POST", template: "/interactions/{interaction_id}/{interaction_token}/callback", public: true, handle: s.postCallback},
		{method: "POST", template: "/webhooks/{webhook_id}/{webhook_token}", public: true, handle: s.postFollowup},
		{method: "GET", template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", public: true, handle: s.getWebhookMessage},
		{method: "PATCH", template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", public: true, handle: s.patchWebhookMessage},
		{method: "DELETE", template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", public: true, handle: s.deleteWebhookMessage},
	}
	for _, scope := range []string{"/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"} {
		rs = append(rs,
			route{method: "GET", template: scope + "/commands", handle: s.listCommands},
			route{method: "PUT", template: scope + "/commands", handle: s.putCommands},
			route{method: "POST", template: scope + "/commands", handle: s.postCommand},
			route{method: "GET", template: scope + "/commands/{command_id}", handle: s.getCommand},
			route{method: "PATCH", template: scope + "/commands/{command_id}", handle: s.patchCommand},
			route{method: "DELETE", template: scope + "/commands/{command_id}", handle: s.deleteCommand},
		)
	}
	for i := range rs {
		rs[i].segs = splitPath(rs[i].template)
	}
	return rs
}

func (s *Server) getGateway(*call) reply {
	return ok(map[string]any{"url": s.GatewayURL()})
}

func (s *Server) getGatewayBot(*call) reply {
	s.mu.Lock()
	used := s.stats.Identifies
	s.mu.Unlock()
	return ok(map[string]any{
		"url":    s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": max(1000-used, 0), "reset_after": 86400000, "max_concurrency": 1,
		},
	})
}

func (s *Server) getSelf(*call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok(s.selfUserObject())
}

func (s *Server) getUser(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, found := s.users[c.params["user_id"]]
	if !found {
		return errUnknownUser
	}
	return ok(userObject(u))
}

func (s *Server) createDM(c *call) reply {
	id, _ := c.object()["recipient_id"].(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	u, found := s.users[id]
	if !found || u.ID == s.opts.BotUserID {
		return errInvalidRecipient
	}
	return ok(dmChannelObject(s.dmChannelLocked(u)))
}

func (s *Server) getApplication(*call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok(s.applicationObject())
}

func (s *Server) getGuild(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildLocked(c.params["guild_id"])
	if g == nil {
		return errUnknownGuild
	}
	return ok(guildObject(g))
}

func (s *Server) getGuildChannels(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildLocked(c.params["guild_id"])
	if g == nil {
		return errUnknownGuild
	}
	list := []any{}
	for i := range g.Channels {
		list = append(list, channelObject(g, &g.Channels[i], true))
	}
	return ok(list)
}

func (s *Server) getGuildRoles(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildLocked(c.params["guild_id"])
	if g == nil {
		return errUnknownGuild
	}
	list := []any{}
	for _, r := range g.Roles {
		list = append(list, roleObject(r))
	}
	return ok(list)
}

func (s *Server) getGuildMember(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildLocked(c.params["guild_id"])
	if g == nil {
		return errUnknownGuild
	}
	m := findMember(g, c.params["user_id"])
	if m == nil {
		return errUnknownMember
	}
	return ok(memberObject(m, true))
}

// serveUpload serves the attachments of command options, as Discord's CDN serves attachments:
// GET /attachments/{id}/{name}.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/attachments/"), "/")
	s.mu.Lock()
	up, ok := s.uploads[parts[0]]
	s.mu.Unlock()
	if r.Method != http.MethodGet || len(parts) != 2 || !ok || parts[1] != up.Name {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", up.ContentType)
	_, _ = w.Write(up.Data)
}
