// The shared store tests run against Bolt. They are in package feedback_test, not with the
// Bolt-specific tests in bolt_test.go, because storetest imports feedback: an internal test
// importing it would be an import cycle.
package feedback_test

import (
	"testing"

	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/internal/feedback/storetest"
)

func TestBoltIsAStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) feedback.Store {
		s, err := feedback.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestBoltKeepsItsBound(t *testing.T) {
	const kept = 5
	storetest.RunCapacity(t, kept, func(t *testing.T) feedback.Store {
		s, err := feedback.OpenKeeping(t.TempDir(), kept)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
