package discordtest

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit describes 429 responses that a test injects with InjectRateLimit.
type RateLimit struct {
	// Method is the HTTP method to match; "" matches every method.
	Method string
	// Route is the path to match, after /api/vN (a leading /api/vN is ignored). A {name} segment
	// matches any one segment: "/channels/{channel_id}/messages". "" matches every path.
	Route string
	// Count is how many matching requests get 429. Default 1.
	Count int
	// RetryAfter is the wait the 429 asks for. Default 50 ms.
	RetryAfter time.Duration
	// Global reports the global rate limit (X-RateLimit-Global) instead of the route's bucket.
	Global bool
}

type injectedRateLimit struct {
	RateLimit
	left int // matching requests still to refuse
}

// InjectRateLimit makes the next rl.Count requests that match rl's method and route get 429 Too
// Many Requests, with the body and headers Discord sends ({"message": "You are being rate
// limited.", "retry_after": ..., "global": ...}, Retry-After, X-RateLimit-*, X-RateLimit-Scope).
// Rules are consulted in the order they were injected.
func (s *Server) InjectRateLimit(rl RateLimit) {
	if rl.Count <= 0 {
		rl.Count = 1
	}
	if rl.RetryAfter <= 0 {
		rl.RetryAfter = 50 * time.Millisecond
	}
	in := &injectedRateLimit{RateLimit: rl, left: rl.Count}
	s.mu.Lock()
	s.injected = append(s.injected, in)
	s.mu.Unlock()
}

// bucket is one rate-limit bucket: a route with its major parameters, counted in fixed windows.
type bucket struct {
	used    int
	resetAt time.Time
}

// majorParams are the path parameters that split a route into separate buckets, as on Discord.
var majorParams = []string{"channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id", "interaction_token"}

// applyRateLimit counts a request against its bucket and writes the X-RateLimit-* headers. It
// reports a 429 when an injected rule matches or the bucket is spent.
func (s *Server) applyRateLimit(c *call, header http.Header, template string) (bool, reply) {
	method := c.r.Method
	key := method + " " + template
	for _, p := range majorParams {
		if v, ok := c.params[p]; ok {
			key += " " + p + "=" + v
		}
	}
	h := fnv.New64a()
	h.Write([]byte(method + " " + template))
	hash := fmt.Sprintf("%016x", h.Sum64())

	s.mu.Lock()
	defer s.mu.Unlock()
	now := c.now
	for i, in := range s.injected {
		if in.Method != "" && in.Method != method || !routeMatches(in.Route, pathAfterVersion(c)) {
			continue
		}
		in.left--
		if in.left == 0 {
			s.injected = append(s.injected[:i:i], s.injected[i+1:]...)
		}
		return true, tooManyRequests(header, in.RetryAfter, in.Global, s.opts.RateLimit, hash, now)
	}

	b := s.buckets[key]
	if b == nil || !now.Before(b.resetAt) {
		if len(s.buckets) > 1000 {
			for k, old := range s.buckets {
				if !now.Before(old.resetAt) {
					delete(s.buckets, k)
				}
			}
		}
		b = &bucket{resetAt: now.Add(s.opts.RateLimitWindow)}
		s.buckets[key] = b
	}
	if b.used >= s.opts.RateLimit {
		return true, tooManyRequests(header, b.resetAt.Sub(now), false, s.opts.RateLimit, hash, now)
	}
	b.used++
	setBucketHeaders(header, s.opts.RateLimit, s.opts.RateLimit-b.used, b.resetAt, b.resetAt.Sub(now), hash)
	return false, reply{}
}

// pathAfterVersion is the request path without /api/vN, or the whole path when it has none.
func pathAfterVersion(c *call) string {
	if c.path != "" {
		return c.path
	}
	return c.r.URL.Path
}

func setBucketHeaders(h http.Header, limit, remaining int, reset time.Time, after time.Duration, hash string) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(reset.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(after.Seconds(), 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", hash)
}

// tooManyRequests is Discord's 429: Retry-After in whole seconds, retry_after in the body in
// seconds with a fraction, and either the bucket's headers or X-RateLimit-Global.
func tooManyRequests(h http.Header, wait time.Duration, global bool, limit int, hash string, now time.Time) reply {
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	if global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		setBucketHeaders(h, limit, 0, now.Add(wait), wait, hash)
		h.Set("X-RateLimit-Scope", "user")
	}
	retryAfter, _ := strconv.ParseFloat(strconv.FormatFloat(wait.Seconds(), 'f', 3, 64), 64)
	return reply{http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": retryAfter,
		"global":      global,
	}}
}

// routeMatches reports whether a path (after /api/vN) matches a route pattern.
func routeMatches(pattern, path string) bool {
	pattern = apiPrefix.ReplaceAllString(pattern, "$2")
	if pattern == "" {
		return true
	}
	_, ok := matchSegments(splitPath(pattern), splitPath(strings.TrimSuffix(path, "/")))
	return ok
}
