// Package metrics holds footbot's Prometheus metrics and the small HTTP server that exposes
// them with a health check.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the counters and gauges footbot keeps. A nil *Metrics records nothing, so parts
// built without metrics (the terminal, some tests) need no special case.
type Metrics struct {
	Registry *prometheus.Registry

	questions       *prometheus.CounterVec
	latency         prometheus.Histogram
	interactions    *prometheus.CounterVec
	reloads         *prometheus.CounterVec
	entries         prometheus.Gauge
	version         *prometheus.GaugeVec
	reconnects      prometheus.Counter
	rateLimited     prometheus.Counter
	limited         prometheus.Counter
	deferred        prometheus.Counter
	feedback        *prometheus.CounterVec
	feedbackDropped prometheus.Counter
}

// New creates the metrics on a registry of their own, with Go and process metrics.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "footbot_questions_total", Help: "Questions answered, by outcome (answered, declined, greeting, safety, emergency).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "footbot_answer_seconds", Help: "Time to compose an answer from a question.",
			Buckets: []float64{50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 50e-3},
		}),
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "footbot_interactions_total", Help: "Interactions received, by command or component route.",
		}, []string{"command"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "footbot_reloads_total", Help: "Knowledge reloads, by result (ok, invalid, error).",
		}, []string{"result"}),
		entries: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "footbot_knowledge_entries", Help: "Entries in the knowledge base in service.",
		}),
		version: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "footbot_knowledge_info", Help: "Always 1; the label is the version of the knowledge base in service.",
		}, []string{"version"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "footbot_gateway_reconnects_total", Help: "Gateway connections lost and reopened.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "footbot_discord_429_total", Help: "REST responses with status 429 from Discord.",
		}),
		deferred: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "footbot_interactions_deferred_total", Help: "Interactions answered too slowly for Discord's 3 s, so acknowledged first and answered later.",
		}),
		limited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "footbot_flood_limited_total", Help: "Questions not answered because their asker went over the per-user rate.",
		}),
		feedbackDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "footbot_feedback_dropped_total", Help: "Feedback writes dropped because the queue kept while the database is away was full.",
		}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "footbot_feedback_total", Help: "Feedback on answers, by vote (helpful, not_helpful, dismissed).",
		}, []string{"vote"}),
	}
	r.MustRegister(m.questions, m.latency, m.interactions, m.reloads, m.entries, m.version, m.reconnects,
		m.rateLimited, m.limited, m.deferred, m.feedback, m.feedbackDropped,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Question records one answered question.
func (m *Metrics) Question(outcome string, safety, emergency bool, took time.Duration) {
	if m == nil {
		return
	}
	m.questions.WithLabelValues(outcome).Inc()
	if safety {
		m.questions.WithLabelValues("safety").Inc()
	}
	if emergency {
		m.questions.WithLabelValues("emergency").Inc()
	}
	m.latency.Observe(took.Seconds())
}

// Interaction records an interaction by its command or component route.
func (m *Metrics) Interaction(command string) {
	if m != nil {
		m.interactions.WithLabelValues(command).Inc()
	}
}

// Reload records a reload's result and, when it succeeded, the base now in service.
func (m *Metrics) Reload(result string) {
	if m != nil {
		m.reloads.WithLabelValues(result).Inc()
	}
}

// Knowledge records the knowledge base in service.
func (m *Metrics) Knowledge(entries int, version string) {
	if m == nil {
		return
	}
	m.entries.Set(float64(entries))
	m.version.Reset()
	m.version.WithLabelValues(version).Set(1)
}

// Reconnect records a gateway reconnect.
func (m *Metrics) Reconnect() {
	if m != nil {
		m.reconnects.Inc()
	}
}

// RateLimited records a 429 from Discord.
func (m *Metrics) RateLimited() {
	if m != nil {
		m.rateLimited.Inc()
	}
}

// FloodLimited records a question dropped by the per-user rate limit.
func (m *Metrics) FloodLimited() {
	if m != nil {
		m.limited.Inc()
	}
}

// Deferred records an interaction acknowledged before its response was ready.
func (m *Metrics) Deferred() {
	if m != nil {
		m.deferred.Inc()
	}
}

// FeedbackQueue reports, as footbot_feedback_queued, how many feedback writes wait for the
// database: zero while it works, growing while it is away.
func (m *Metrics) FeedbackQueue(pending func() int) {
	if m != nil {
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "footbot_feedback_queued", Help: "Feedback writes waiting for the database to come back.",
		}, func() float64 { return float64(pending()) }))
	}
}

// FeedbackDropped records a feedback write lost because the queue was full.
func (m *Metrics) FeedbackDropped() {
	if m != nil {
		m.feedbackDropped.Inc()
	}
}

// Feedback records a vote on an answer.
func (m *Metrics) Feedback(vote string) {
	if m != nil {
		m.feedback.WithLabelValues(vote).Inc()
	}
}

// Handler serves /metrics and /healthz. healthy returns nil when the bot can answer, or the
// reason it cannot.
func (m *Metrics) Handler(healthy func() error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := healthy(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "unhealthy: %v\n", err)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// Serve serves h on addr in the background until stop is called, and returns the address it
// listens on. A listen failure is returned at once, so a wrong HTTP_ADDR is reported at start-up.
func Serve(addr string, h http.Handler, log *slog.Logger) (bound string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen on HTTP_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health and metrics server stopped", "error", err)
		}
	}()
	log.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	return ln.Addr().String(), func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
		<-done
	}, nil
}
