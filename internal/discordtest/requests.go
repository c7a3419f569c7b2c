package discordtest

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Request is a REST request the server received, as recorded once it was answered.
type Request struct {
	Method string
	// Path is the path as received, such as /api/v9/channels/123/messages.
	Path string
	// Route is the matched endpoint without the /api/vN prefix, such as
	// /channels/{channel_id}/messages; "" when no endpoint matched.
	Route string
	// APIVersion is 9 or 10; 0 when the path had no supported version.
	APIVersion int
	Query      url.Values
	// Header holds the request headers, without Authorization.
	Header http.Header
	Body   []byte
	Time   time.Time
	// Status is the status code the server answered with.
	Status int
	// SchemaErrors lists what is wrong with the JSON body: violations of Discord's OpenAPI schema,
	// then breaches of Discord's limits (prefixed "discord: "), such as a message over 2000
	// characters. Empty when the body is fine or is not JSON.
	SchemaErrors []string
}

// record keeps a request, dropping the oldest beyond Options.MaxRecords, and wakes waiters.
func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, _ = trim(append(s.requests, r), s.opts.MaxRecords)
	s.notifyLocked()
}

// Requests returns the recorded requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// WaitRequest returns the first recorded request, oldest first, for which match is true, waiting
// for one to arrive if none has. It fails when ctx ends or the server closes. A request is
// recorded before its response is sent, so a client that got its answer has been recorded.
func (s *Server) WaitRequest(ctx context.Context, match func(Request) bool) (Request, error) {
	var found Request
	err := s.waitFor(ctx, func() bool {
		for _, r := range s.requests {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	})
	return found, err
}

// RouteIs returns a match for WaitRequest: the request's method and path, after /api/vN, match
// method and route, whose {name} segments match any one segment.
func RouteIs(method, route string) func(Request) bool {
	return func(r Request) bool {
		return r.Method == method && r.APIVersion != 0 && routeMatches(route, apiPrefix.ReplaceAllString(r.Path, "$2"))
	}
}

// SchemaErrors returns every problem found in the request bodies received so far, each prefixed
// with the request's method and path. A test can assert it is empty to prove that everything the
// bot sent was valid.
func (s *Server) SchemaErrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.requests {
		for _, e := range r.SchemaErrors {
			out = append(out, r.Method+" "+r.Path+": "+e)
		}
	}
	return out
}
