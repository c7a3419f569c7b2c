// Package logging builds footbot's structured logger.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// New returns a logger writing text or JSON lines to w at the given level. Every secret (the
// Discord token) is replaced by "[redacted]" wherever it might appear: in messages, in string
// values, and in errors, so no log line can leak it.
func New(w io.Writer, format string, level slog.Level, secrets ...string) *slog.Logger {
	var live []string
	for _, s := range secrets {
		if s != "" {
			live = append(live, s)
		}
	}
	redact := func(s string) string {
		for _, secret := range live {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
		return s
	}
	opts := &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if len(live) == 0 {
				return a
			}
			switch a.Value.Kind() {
			case slog.KindString:
				a.Value = slog.StringValue(redact(a.Value.String()))
			case slog.KindAny:
				switch v := a.Value.Any().(type) {
				case error:
					a.Value = slog.StringValue(redact(v.Error()))
				case fmt.Stringer:
					a.Value = slog.StringValue(redact(v.String()))
				}
			}
			return a
		},
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
