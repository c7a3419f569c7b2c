package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHealthzSaysWhyItIsUnhealthy(t *testing.T) {
	var m *Metrics
	m.Question("answered", false, false, time.Millisecond) // a nil *Metrics records nothing, safely
	m = New()
	var reason error = errors.New("the Discord gateway session is not ready")
	h := m.Handler(func() error { return reason })
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	if code, body := get("/healthz"); code != 503 || !strings.Contains(body, "gateway") {
		t.Errorf("unhealthy: %d %q", code, body)
	}
	reason = nil
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthy: %d", code)
	}
	m.Question("declined", true, false, 2*time.Millisecond)
	if _, body := get("/metrics"); !strings.Contains(body, `footbot_questions_total{outcome="safety"} 1`) {
		t.Errorf("metrics:\n%s", body)
	}
}
