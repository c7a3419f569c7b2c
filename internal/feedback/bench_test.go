package feedback

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkAddDeclined is the cost a declined question adds to its reply: the file is opened,
// written, synced and closed for each one.
func BenchmarkAddDeclined(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if err := s.AddDeclined(fmt.Sprintf("question %d", i%100), "u", time.Now()); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
