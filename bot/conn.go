package bot

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// rewriteTransport sends the requests discordgo addresses to https://discord.com (its endpoints
// are package variables) to the configured API base instead, so footbot can talk to a
// Discord-compatible server or a test server without a fork of discordgo.
// It also counts 429 responses, which discordgo retries silently.
type rewriteTransport struct {
	base  *url.URL
	next  http.RoundTripper
	on429 func()
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" && (t.base.Host != "discord.com" || t.base.Scheme != "https") {
		req = req.Clone(req.Context())
		req.URL.Scheme = t.base.Scheme
		req.URL.Host = t.base.Host
		req.URL.Path = t.base.Path + req.URL.Path
		req.Host = t.base.Host
	}
	res, err := t.next.RoundTrip(req)
	if err == nil && res.StatusCode == http.StatusTooManyRequests && t.on429 != nil {
		t.on429()
	}
	return res, err
}

// closeCodes remembers the close code of the last close frame the gateway sent. discordgo reads
// close frames but never tells what they said, and its reconnect loop retries even after Discord
// said retrying is pointless (4004: bad token). Footbot's dialer wraps the gateway connection
// with a reader that notices close frames, so the bot can stop on fatal codes.
type closeCodes struct {
	last atomic.Int64
	// lost, if set, is called as soon as a gateway connection fails or is closed, before
	// discordgo notices: health checks then turn unhealthy at once.
	lost func()
}

// dialer returns a websocket dialer whose connections report close frames to c.
func (c *closeCodes) dialer() *websocket.Dialer {
	base := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 10 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := base.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return c.watch(conn), nil
		},
		// For wss the frames must be read after TLS, so footbot does the TLS handshake itself.
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			raw, err := base.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			conn := tls.Client(raw, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
			if err := conn.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			return c.watch(conn), nil
		},
	}
}

func (c *closeCodes) watch(conn net.Conn) net.Conn {
	c.last.Store(0)
	return &frameWatcher{Conn: conn, codes: c}
}

// frameWatcher follows the server-to-client byte stream of a websocket connection: first the
// HTTP upgrade response, then frames (unmasked, RFC 6455 section 5.2). It only looks at frame
// headers and the first two payload bytes of close frames; all bytes pass through unchanged.
type frameWatcher struct {
	net.Conn
	codes *closeCodes

	upgraded bool
	head     bytes.Buffer // bytes of the HTTP response or of the current frame header
	skip     uint64       // payload bytes of the current frame still to pass
	closing  bool         // the current frame is a close frame
	code     []byte       // the close frame's payload bytes seen so far (up to 2)
}

func (w *frameWatcher) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.follow(p[:n])
	if err != nil && w.codes.lost != nil {
		w.codes.lost()
	}
	return n, err
}

func (w *frameWatcher) follow(b []byte) {
	for len(b) > 0 {
		if !w.upgraded {
			w.head.Write(b)
			i := bytes.Index(w.head.Bytes(), []byte("\r\n\r\n"))
			if i < 0 {
				return
			}
			rest := w.head.Bytes()[i+4:]
			b = append([]byte(nil), rest...)
			w.head.Reset()
			w.upgraded = true
			continue
		}
		if w.skip > 0 {
			k := min(uint64(len(b)), w.skip)
			if w.closing && len(w.code) < 2 {
				w.code = append(w.code, b[:min(int(k), 2-len(w.code))]...)
				if len(w.code) == 2 {
					w.codes.last.Store(int64(binary.BigEndian.Uint16(w.code)))
					if w.codes.lost != nil {
						w.codes.lost()
					}
				}
			}
			w.skip -= k
			b = b[k:]
			continue
		}
		// Collect a frame header: 2 bytes, then 2 or 8 bytes of extended length.
		need := 2
		if w.head.Len() >= 2 {
			switch w.head.Bytes()[1] & 0x7f {
			case 126:
				need = 4
			case 127:
				need = 10
			}
		}
		take := min(need-w.head.Len(), len(b))
		w.head.Write(b[:take])
		b = b[take:]
		if w.head.Len() < need {
			continue
		}
		if need == 2 && w.head.Bytes()[1]&0x7f >= 126 {
			continue // the length is extended: read the rest of the header
		}
		h := w.head.Bytes()
		length := uint64(h[1] & 0x7f)
		switch need {
		case 4:
			length = uint64(binary.BigEndian.Uint16(h[2:4]))
		case 10:
			length = binary.BigEndian.Uint64(h[2:10])
		}
		w.closing = h[0]&0x0f == websocket.CloseMessage
		w.code = w.code[:0]
		w.skip = length
		w.head.Reset()
	}
}
