package discordtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// RedirectTransport sends requests for discord.com to another host, leaving the path alone:
// the way to point discordgo, whose endpoints are fixed to https://discord.com, at the server.
type RedirectTransport struct {
	Base *url.URL // scheme and host to send to
	Next http.RoundTripper
}

// RoundTrip rewrites requests for discord.com and passes every request on.
func (t RedirectTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "discord.com" {
		r = r.Clone(r.Context())
		r.URL.Scheme = t.Base.Scheme
		r.URL.Host = t.Base.Host
		r.Host = t.Base.Host
	}
	return t.Next.RoundTrip(r)
}

// newSession returns a discordgo session aimed at srv, not yet open. It is closed when the test
// ends, before the server.
func newSession(t *testing.T, srv *Server, token string) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	base, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: RedirectTransport{Base: base, Next: http.DefaultTransport}, Timeout: 10 * time.Second}
	dg.Dialer = websocket.DefaultDialer
	dg.LogLevel = -1 // quiet: the tests assert what matters
	t.Cleanup(func() { _ = dg.Close() })
	return dg
}

// openSession returns an open discordgo session aimed at srv, once READY has arrived.
func openSession(t *testing.T, srv *Server) *discordgo.Session {
	t.Helper()
	dg := newSession(t, srv, srv.Config().Token)
	if err := dg.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	return dg
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// receive waits for a value on ch.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// rawRequest sends a request straight to the server with the bot's token (or none when token is
// "") and returns the status, headers and body.
func rawRequest(t *testing.T, srv *Server, method, path, token, body string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, srv.URL()+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bot "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}

func mustChannel(t *testing.T, g Guild, name string) Channel {
	t.Helper()
	ch, ok := g.Channel(name)
	if !ok {
		t.Fatalf("no channel %q", name)
	}
	return ch
}

func mustMember(t *testing.T, g Guild, name string) Member {
	t.Helper()
	m, ok := g.Member(name)
	if !ok {
		t.Fatalf("no member %q", name)
	}
	return m
}

func assertNoSchemaErrors(t *testing.T, srv *Server) {
	t.Helper()
	for _, e := range srv.SchemaErrors() {
		t.Errorf("schema: %s", e)
	}
}
