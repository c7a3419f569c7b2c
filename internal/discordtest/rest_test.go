package discordtest

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestUnknownRouteGetsDiscordsNotFound(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	token := srv.Config().Token
	for _, path := range []string{"/api/v10/nothing/here", "/api/v8/users/@me", "/elsewhere"} {
		status, header, body := rawRequest(t, srv, "GET", path, token, "")
		if status != http.StatusNotFound || string(body) != `{"code":0,"message":"404: Not Found"}` {
			t.Errorf("GET %s = %d %s", path, status, body)
		}
		if header.Get("X-RateLimit-Bucket") == "" || header.Get("X-RateLimit-Remaining") == "" {
			t.Errorf("GET %s: no rate-limit headers: %v", path, header)
		}
	}
}

func TestAuthorizationIsChecked(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	for _, token := range []string{"", "wrong"} {
		status, _, body := rawRequest(t, srv, "GET", "/api/v10/users/@me", token, "")
		if status != http.StatusUnauthorized || string(body) != `{"code":0,"message":"401: Unauthorized"}` {
			t.Errorf("token %q: %d %s", token, status, body)
		}
	}
	status, header, body := rawRequest(t, srv, "GET", "/api/v10/users/@me", srv.Config().Token, "")
	var me map[string]any
	if status != http.StatusOK || json.Unmarshal(body, &me) != nil || me["id"] != srv.Config().BotUserID || me["bot"] != true {
		t.Errorf("GET /users/@me = %d %s", status, body)
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
		if header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	// The gateway URL is public and points at the server's websocket.
	status, _, body = rawRequest(t, srv, "GET", "/api/v9/gateway", "", "")
	if status != http.StatusOK || !strings.Contains(string(body), srv.GatewayURL()) {
		t.Errorf("GET /gateway = %d %s", status, body)
	}
}

func TestRequestsAreRecordedWithoutAuthorization(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	general := mustChannel(t, srv.Config().Guilds[0], "general")
	rawRequest(t, srv, "POST", "/api/v10/channels/"+general.ID+"/messages?x=1", srv.Config().Token, `{"content":"hi"}`)
	r, err := srv.WaitRequest(testContext(t), RouteIs("POST", "/channels/{channel_id}/messages"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusOK || r.APIVersion != 10 || r.Query.Get("x") != "1" || string(r.Body) != `{"content":"hi"}` ||
		r.Header.Get("Authorization") != "" || r.Header.Get("Content-Type") != "application/json" || r.Time.IsZero() {
		t.Errorf("recorded %+v", r)
	}
}

func TestDiscordLimitsAreEnforced(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	token := srv.Config().Token
	general := mustChannel(t, srv.Config().Guilds[0], "general")
	lounge := mustChannel(t, srv.Config().Guilds[0], "Lounge")
	path := "/api/v10/channels/" + general.ID + "/messages"
	cases := []struct {
		name, path, body string
		status, code     int
	}{
		{"empty", path, `{"content":"  "}`, 400, 50006},
		{"too long", path, `{"content":"` + strings.Repeat("a", 2001) + `"}`, 400, 50035},
		{"empty field", path, `{"embeds":[{"title":"t","fields":[{"name":"","value":"v"}]}]}`, 400, 50035},
		{"six buttons", path, `{"components":[{"type":1,"components":[` + strings.Repeat(`{"type":2,"style":1,"label":"x","custom_id":"a"},`, 5) + `{"type":2,"style":1,"label":"x","custom_id":"b"}]}]}`, 400, 50035},
		{"unknown reply", path, `{"content":"x","message_reference":{"message_id":"1"}}`, 400, 50035},
		{"unknown channel", "/api/v10/channels/1/messages", `{"content":"x"}`, 404, 10003},
		{"invalid JSON", path, `{"content":`, 400, 50109},
		{"voice channel chat is fine", "/api/v10/channels/" + lounge.ID + "/messages", `{"content":"x"}`, 200, 0},
	}
	for _, c := range cases {
		status, _, body := rawRequest(t, srv, "POST", c.path, token, c.body)
		var e struct{ Code int }
		_ = json.Unmarshal(body, &e)
		if status != c.status || e.Code != c.code {
			t.Errorf("%s: %d %s, want %d with code %d", c.name, status, body, c.status, c.code)
		}
	}
}

func TestChannelOverwriteDenyingTheBotGives403(t *testing.T) {
	t.Parallel()
	g := DefaultGuild()
	g.ID = NewSnowflake()
	g.Channels = append(g.Channels, Channel{Name: "staff", Overwrites: []Overwrite{{ID: g.ID, Type: 0, Deny: 1 << 11}}})
	srv := New(t, Options{Guilds: []Guild{g}})
	staff := mustChannel(t, srv.Config().Guilds[0], "staff")
	status, _, body := rawRequest(t, srv, "POST", "/api/v10/channels/"+staff.ID+"/messages", srv.Config().Token, `{"content":"x"}`)
	if status != http.StatusForbidden || !strings.Contains(string(body), "50013") {
		t.Errorf("%d %s, want 403 Missing Permissions", status, body)
	}
}

func TestSchemaValidation(t *testing.T) {
	t.Parallel()
	sp, err := loadSpec("")
	if err != nil {
		t.Fatal(err)
	}
	const messages = "/channels/123/messages"
	const callback = "/interactions/123/tok/callback"
	cases := []struct {
		name, method, path, body string
		valid                    bool
		mention                  string // part of the expected error
	}{
		{"full message", "POST", messages, `{
			"content": "Answer",
			"tts": false,
			"embeds": [{"type": "rich", "title": "T", "description": "D", "color": 65280,
				"fields": [{"name": "n", "value": "v", "inline": true}], "footer": {"text": "f"},
				"timestamp": "2024-05-01T10:00:00Z", "url": "https://example.com"}],
			"components": [{"type": 1, "components": [
				{"type": 2, "style": 1, "label": "Yes", "custom_id": "vote/yes"},
				{"type": 2, "style": 5, "label": "Docs", "url": "https://example.com/docs"}]}],
			"allowed_mentions": {"parse": []},
			"message_reference": {"message_id": "1234567890", "fail_if_not_exists": false}
		}`, true, ""},
		{"embed title as a number", "POST", messages, `{"embeds": [{"title": 5}]}`, false, "/embeds/0/title"},
		{"reference without message id", "POST", messages, `{"content":"x","message_reference": {}}`, false, "message_id"},
		{"message response", "POST", callback, `{"type": 4, "data": {"content": "hi", "flags": 64,
			"embeds": [{"title": "T"}], "allowed_mentions": {"parse": []}}}`, true, ""},
		{"deferred", "POST", callback, `{"type": 5}`, true, ""},
		{"autocomplete choices", "POST", callback, `{"type": 8, "data": {"choices": [{"name": "A", "value": "a"}]}}`, true, ""},
		{"unknown callback type", "POST", callback, `{"type": 99, "data": {"content": "x"}}`, false, "/type"},
		{"bad embed in response", "POST", callback, `{"type": 4, "data": {"embeds": [{"title": 5}]}}`, false, "/data/embeds/0/title"},
		{"bulk overwrite", "PUT", "/applications/1/guilds/2/commands", `[{"name": "faq", "description": "Ask", "type": 1,
			"options": [{"type": 3, "name": "question", "description": "What", "required": true, "autocomplete": true}]}]`, true, ""},
		{"no body schema", "GET", messages, `{}`, true, ""},
	}
	for _, c := range cases {
		errs := sp.validate(c.method, c.path, []byte(c.body))
		switch {
		case c.valid && len(errs) > 0:
			t.Errorf("%s: unexpected errors %q", c.name, errs)
		case !c.valid && len(errs) == 0:
			t.Errorf("%s: no error", c.name)
		case !c.valid && !strings.Contains(strings.Join(errs, "\n"), c.mention):
			t.Errorf("%s: errors %q do not mention %s", c.name, errs, c.mention)
		}
	}
	// The embed error names the embed, not every other kind of callback.
	errs := sp.validate("POST", callback, []byte(`{"type": 4, "data": {"embeds": [{"title": 5}]}}`))
	if len(errs) != 1 {
		t.Errorf("want one focused error, got %q", errs)
	}
}

func TestSpecPathReplacesTheEmbeddedDescription(t *testing.T) {
	t.Parallel()
	// A description in which a message needs a nonce, which Discord's does not ask for.
	path := filepath.Join(t.TempDir(), "openapi.json")
	err := os.WriteFile(path, []byte(`{"openapi": "3.1.0", "paths": {"/channels/{channel_id}/messages": {"post":
		{"requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["nonce"]}}}}}}}}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(t, Options{SpecPath: path})
	general := mustChannel(t, srv.Config().Guilds[0], "general")
	rawRequest(t, srv, "POST", "/api/v10/channels/"+general.ID+"/messages", srv.Config().Token, `{"content":"x"}`)
	if errs := srv.SchemaErrors(); len(errs) != 1 || !strings.Contains(errs[0], "nonce") {
		t.Errorf("schema errors = %q, want the missing nonce", errs)
	}

	if _, err := Start(Options{SpecPath: filepath.Join(t.TempDir(), "missing.json")}); err == nil {
		t.Error("Start with a missing SpecPath: no error")
	}
}

func TestServerRecordsSchemaErrorsOfRequests(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	token := srv.Config().Token
	general := mustChannel(t, srv.Config().Guilds[0], "general")
	path := "/api/v10/channels/" + general.ID + "/messages"
	rawRequest(t, srv, "POST", path, token, `{"content":"fine","allowed_mentions":{"parse":[]}}`)
	assertNoSchemaErrors(t, srv)
	rawRequest(t, srv, "POST", path, token, `{"content":"x","embeds":[{"title":5}]}`)
	errs := srv.SchemaErrors()
	if len(errs) != 1 || !strings.Contains(errs[0], "/embeds/0/title") || !strings.HasPrefix(errs[0], "POST "+path) {
		t.Errorf("schema errors = %q", errs)
	}

	// An interaction callback of an unknown type is refused and recorded.
	in, err := srv.SendCommand(CommandInvocation{Name: "faq"})
	if err == nil {
		t.Fatalf("a command nobody registered was sent: %+v", in)
	}
	rawRequest(t, srv, "PUT", "/api/v10/applications/"+srv.Config().AppID+"/commands", token, `[{"name":"faq","description":"Ask"}]`)
	if in, err = srv.SendCommand(CommandInvocation{Name: "faq"}); err != nil {
		t.Fatal(err)
	}
	status, _, body := rawRequest(t, srv, "POST", "/api/v10/interactions/"+in.ID+"/"+in.Token+"/callback", "", `{"type":99}`)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "50035") {
		t.Errorf("type 99: %d %s", status, body)
	}
	r, _ := srv.WaitRequest(testContext(t), RouteIs("POST", "/interactions/{id}/{token}/callback"))
	if len(r.SchemaErrors) == 0 {
		t.Error("type 99 not reported as a schema error")
	}
	status, _, _ = rawRequest(t, srv, "POST", "/api/v10/interactions/"+in.ID+"/"+in.Token+"/callback", "", `{"type":4,"data":{"content":"ok"}}`)
	if status != http.StatusNoContent {
		t.Errorf("valid callback after a refused one: %d", status)
	}
	status, _, body = rawRequest(t, srv, "POST", "/api/v10/interactions/"+in.ID+"/"+in.Token+"/callback", "", `{"type":4,"data":{"content":"again"}}`)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "40060") {
		t.Errorf("second callback: %d %s", status, body)
	}
	status, _, body = rawRequest(t, srv, "POST", "/api/v10/interactions/1/nope/callback", "", `{"type":4,"data":{"content":"x"}}`)
	if status != http.StatusNotFound || !strings.Contains(string(body), "10062") {
		t.Errorf("unknown interaction: %d %s", status, body)
	}
}

func TestRejectSchemaErrorsAnswers50035(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{RejectSchemaErrors: true})
	general := mustChannel(t, srv.Config().Guilds[0], "general")
	status, _, body := rawRequest(t, srv, "POST", "/api/v10/channels/"+general.ID+"/messages", srv.Config().Token, `{"content":"x","embeds":[{"title":5}]}`)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "Invalid Form Body") {
		t.Errorf("%d %s", status, body)
	}
	if len(srv.Messages(general.ID)) != 0 {
		t.Error("a refused message was stored")
	}
}

func TestSilentClientIsClosedWith4009(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{HeartbeatInterval: 100 * time.Millisecond})
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var hello struct {
		Op int
		D  struct {
			HeartbeatInterval int `json:"heartbeat_interval"`
		}
	}
	if err := ws.ReadJSON(&hello); err != nil || hello.Op != 10 || hello.D.HeartbeatInterval != 100 {
		t.Fatalf("hello = %+v, %v", hello, err)
	}
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4009 {
		t.Fatalf("read: %v, want close 4009", err)
	}
}

func TestGatewayProtocolErrors(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	cases := []struct {
		name, query string
		send        []string
		code        int
	}{
		{"bad version", "?v=3&encoding=json", nil, 4012},
		{"unknown opcode", "?v=10&encoding=json", []string{`{"op":42,"d":null}`}, 4001},
		{"not JSON", "?v=10&encoding=json", []string{`nope`}, 4002},
		{"presence before identify", "?v=10&encoding=json", []string{`{"op":3,"d":{}}`}, 4003},
		{"no intents", "?v=10&encoding=json", []string{`{"op":2,"d":{"token":"` + srv.Config().Token + `","properties":{}}}`}, 4013},
		{"bad shard", "?v=10&encoding=json", []string{`{"op":2,"d":{"token":"` + srv.Config().Token + `","intents":1,"shard":[2,2]}}`}, 4010},
		{"resume with a future seq", "?v=9&encoding=json", nil, 4007},
	}
	for _, c := range cases {
		ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"/"+c.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.code == 4007 {
			// Identify, learn the session, then resume it on a second connection with a seq
			// from the future.
			ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": srv.Config().Token, "intents": 1}})
			var ready struct {
				T string
				D struct {
					SessionID string `json:"session_id"`
				}
			}
			for ready.T != "READY" {
				_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
				if err := ws.ReadJSON(&ready); err != nil {
					t.Fatal(err)
				}
			}
			ws.Close()
			if ws, _, err = websocket.DefaultDialer.Dial(srv.GatewayURL()+"/"+c.query, nil); err != nil {
				t.Fatal(err)
			}
			c.send = []string{`{"op":6,"d":{"token":"` + srv.Config().Token + `","session_id":"` + ready.D.SessionID + `","seq":999}}`}
		}
		for _, m := range c.send {
			_ = ws.WriteMessage(websocket.TextMessage, []byte(m))
		}
		var ce *websocket.CloseError
		for {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, _, err = ws.ReadMessage(); err != nil {
				break
			}
		}
		if !errors.As(err, &ce) || ce.Code != c.code {
			t.Errorf("%s: %v, want close %d", c.name, err, c.code)
		}
		ws.Close()
	}
}

func TestSnowflakesIncreaseAndCarryTheTime(t *testing.T) {
	t.Parallel()
	prev := uint64(0)
	for range 10000 {
		id := NewSnowflake()
		n := snowflakeBits(id)
		if n <= prev {
			t.Fatalf("%s after %d", id, prev)
		}
		prev = n
	}
	at, err := SnowflakeTime(NewSnowflake())
	if err != nil || time.Since(at) > time.Second || time.Until(at) > time.Second {
		t.Errorf("time %v, %v", at, err)
	}
	if at, _ := SnowflakeTime("175928847299117063"); !at.Equal(time.UnixMilli(1462015105796).UTC()) {
		t.Errorf("Discord's documented example decodes to %v", at)
	}
}

func TestCompressedDispatchesWhenAsked(t *testing.T) {
	t.Parallel()
	srv := New(t, Options{})
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if kind, _, err := ws.ReadMessage(); err != nil || kind != websocket.TextMessage {
		t.Fatalf("hello: %v %v", kind, err)
	}
	_ = ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": srv.Config().Token, "intents": 513, "compress": true}})
	kind, data, err := ws.ReadMessage()
	if err != nil || kind != websocket.BinaryMessage {
		t.Fatalf("READY: %v %v", kind, err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Op int
		S  int
		T  string
		D  struct {
			V                int
			SessionID        string `json:"session_id"`
			ResumeGatewayURL string `json:"resume_gateway_url"`
		}
	}
	if err := json.NewDecoder(zr).Decode(&ready); err != nil {
		t.Fatal(err)
	}
	if ready.Op != 0 || ready.S != 1 || ready.T != "READY" || ready.D.V != 10 || ready.D.ResumeGatewayURL != srv.GatewayURL() {
		t.Errorf("READY = %+v", ready)
	}
}

func BenchmarkValidateMessageBody(b *testing.B) {
	sp, err := loadSpec("")
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"content":"Answer","embeds":[{"title":"T","description":"D","fields":[{"name":"n","value":"v"}]}],
		"components":[{"type":1,"components":[{"type":2,"style":1,"label":"Yes","custom_id":"vote/yes"}]}],
		"allowed_mentions":{"parse":[]}}`)
	for b.Loop() {
		if errs := sp.validate("POST", "/channels/1/messages", body); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		srv, err := Start(Options{})
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}
