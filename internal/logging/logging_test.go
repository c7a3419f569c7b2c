package logging

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestTheTokenNeverReachesALogLine(t *testing.T) {
	const token = "MTE.secret.token"
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		log := New(&buf, format, -4, token)
		log.Info("connecting with Bot "+token, "header", "Bot "+token, "error", errors.New("bad "+token))
		if strings.Contains(buf.String(), token) || !strings.Contains(buf.String(), "[redacted]") {
			t.Errorf("%s: %s", format, buf.String())
		}
	}
}
