package postgres

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/footbot/footbot/internal/pgtest"
)

// BenchmarkFeedbackWrite is what a feedback write costs the reply or click it follows, on a
// local server: the round trips of a transaction. p50 and p99 are reported besides the mean,
// because a shard's worst replies matter more than its average. The test server runs with
// fsync and synchronous_commit off, so a real one adds its commit's flush to each write.
func BenchmarkFeedbackWrite(b *testing.B) {
	srv := pgtest.Start(b)
	writes := map[string]func(f *Feedback, i int, at time.Time) error{
		// The usual decline: a question asked before, by one of many people.
		"AddDeclined": func(f *Feedback, i int, at time.Time) error {
			return f.AddDeclined(fmt.Sprintf("question %d", i%100), fmt.Sprint("user", i%1000), at)
		},
		// A question never asked before: the insert path, under the lock that keeps the bound.
		"AddDeclinedNew": func(f *Feedback, i int, at time.Time) error {
			return f.AddDeclined(fmt.Sprintf("new question %d", i), "user", at)
		},
		// A vote that counts: remembered, counted, and old voters forgotten.
		"AddVote": func(f *Feedback, i int, at time.Time) error {
			_, err := f.AddVote(fmt.Sprint("msg", i), fmt.Sprint("entry", i%50), "user", i%3 == 0, at)
			return err
		},
	}
	for _, name := range []string{"AddDeclined", "AddDeclinedNew", "AddVote"} {
		write := writes[name]
		b.Run(name, func(b *testing.B) {
			f := openFeedback(b, srv.NewDatabase(b))
			var took []time.Duration
			i := 0
			for b.Loop() {
				began := time.Now()
				if err := write(f, i, began); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(began))
				i++
			}
			reportPercentiles(b, took)
		})
	}
}

// reportPercentiles reports the median and the 99th percentile of took, in microseconds.
func reportPercentiles(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	at := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}
