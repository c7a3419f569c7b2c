package feedback

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// flaky is a Bolt store that fails every write while down is set: a database that went away.
type flaky struct {
	*Bolt
	down atomic.Bool
}

var errDown = errors.New("connection refused")

func (f *flaky) AddDeclined(q, u string, at time.Time) error {
	if f.down.Load() {
		return errDown
	}
	return f.Bolt.AddDeclined(q, u, at)
}

func (f *flaky) AddVote(a, e, u string, h bool, at time.Time) (bool, error) {
	if f.down.Load() {
		return false, errDown
	}
	return f.Bolt.AddVote(a, e, u, h, at)
}

func TestQueuedKeepsWritesWhileTheStoreIsAwayAndWritesThemAfter(t *testing.T) {
	dir := t.TempDir()
	f := &flaky{Bolt: openBolt(t, dir)}
	var dropped atomic.Int32
	q := NewQueued(f, slog.New(slog.NewTextHandler(io.Discard, nil)), func() { dropped.Add(1) })
	now := time.Now()

	if counted, err := q.AddVote("m1", "how-often", "u1", true, now); err != nil || !counted {
		t.Fatalf("a vote while the store works: %v, %v", counted, err)
	}
	if counted, _ := q.AddVote("m1", "how-often", "u1", true, now); counted {
		t.Error("a second vote counted while the store works")
	}

	f.down.Store(true)
	start := time.Now()
	for i := range 3 {
		if err := q.AddDeclined("what about my knees", string(rune('a'+i)), now); err != nil {
			t.Fatal(err)
		}
	}
	if counted, err := q.AddVote("m2", "how-often", "u1", false, now); err != nil || !counted {
		t.Errorf("a vote while the store is away: %v, %v; want it thanked and queued", counted, err)
	}
	if took := time.Since(start); took > voteWait+200*time.Millisecond {
		t.Errorf("writes while the store is away took %s", took)
	}
	deadline := time.Now().Add(5 * time.Second)
	for q.Err() == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if q.Err() == nil || q.Pending() == 0 {
		t.Fatalf("store away: Err %v, pending %d", q.Err(), q.Pending())
	}

	f.down.Store(false)
	for (q.Err() != nil || q.Pending() > 0) && time.Now().Before(deadline.Add(5*time.Second)) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := openBolt(t, dir).Report(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Declined) != 1 || r.Declined[0].Count != 3 || len(r.NotHelpful) != 1 || r.NotHelpful[0].NotHelpful != 1 || r.NotHelpful[0].Helpful != 1 {
		t.Errorf("after the store came back: declined %+v, not helpful %+v", r.Declined, r.NotHelpful)
	}
	if dropped.Load() != 0 {
		t.Errorf("%d writes dropped", dropped.Load())
	}
}

func TestQueuedDropsAndCountsWhatDoesNotFit(t *testing.T) {
	f := &flaky{Bolt: openBolt(t, t.TempDir())}
	f.down.Store(true)
	var dropped atomic.Int32
	q := NewQueued(f, slog.New(slog.NewTextHandler(io.Discard, nil)), func() { dropped.Add(1) })
	for range queueSize + 10 {
		q.AddDeclined("q", "u", time.Now())
	}
	if d := dropped.Load(); d < 9 || d > 11 { // the writer holds one it is retrying
		t.Errorf("dropped %d, want about 10", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := q.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}
