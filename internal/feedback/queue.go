package feedback

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Queued is a Store whose writes never hold up a reply: declined questions and unhelpful answers
// go into a bounded queue that one goroutine writes in order, and a vote is written at once but
// waited for only for voteWait. While the store behind it cannot be written (a database that went
// away) the queue keeps the writes and retries the oldest until it succeeds; what does not fit
// is dropped, counted and logged. Reads (the moderators' lists) go straight to the store.
type Queued struct {
	Store
	log     *slog.Logger
	dropped func() // counts a write the queue had no room for

	writes   chan func(Store) error
	done     chan struct{} // closed when the writer has stopped
	stop     chan struct{} // closed to make the writer give up on a failing write
	stopOnce sync.Once
	closing  sync.RWMutex // held to enqueue; Shutdown takes it to close writes
	closed   bool

	mu     sync.Mutex
	failed error // the last write's error while the store is failing; nil when it works
}

// Bounds of the queue.
const (
	queueSize = 10000                  // writes kept while the store is away: hours of a busy server
	voteWait  = 500 * time.Millisecond // a vote's reply waits this long for the store at most
	retryMax  = 5 * time.Second        // the longest wait between two tries of a failing write
)

// NewQueued starts writing to s in the background until Close; dropped is called for each write
// the queue had no room for (nil: none counted).
func NewQueued(s Store, log *slog.Logger, dropped func()) *Queued {
	if dropped == nil {
		dropped = func() {}
	}
	q := &Queued{Store: s, log: log, dropped: dropped, writes: make(chan func(Store) error, queueSize), done: make(chan struct{}), stop: make(chan struct{})}
	go q.run()
	return q
}

// run writes the queue in order; a write that fails is tried again, after a growing pause, until
// it succeeds: the store is away, and the writes behind it wait their turn.
func (q *Queued) run() {
	defer close(q.done)
	for w := range q.writes {
		pause := 50 * time.Millisecond
		for {
			err := w(q.Store)
			q.setFailed(err)
			if err == nil {
				break
			}
			select {
			case <-q.stop:
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, retryMax)
		}
	}
}

func (q *Queued) setFailed(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case err != nil && q.failed == nil:
		q.log.Warn("feedback store unreachable; keeping writes in memory until it is back", "error", err, "queued", len(q.writes))
	case err == nil && q.failed != nil:
		q.log.Info("feedback store reachable again; writing what was kept", "queued", len(q.writes))
	}
	q.failed = err
}

// Err is the last write's error while the store is failing, nil while it works.
func (q *Queued) Err() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.failed
}

// Pending is how many writes wait in the queue.
func (q *Queued) Pending() int { return len(q.writes) }

// enqueue keeps w for the writer, or drops it when the queue is full.
func (q *Queued) enqueue(what string, w func(Store) error) {
	q.closing.RLock()
	defer q.closing.RUnlock()
	if q.closed {
		q.dropped()
		q.log.Error("feedback write after shutdown dropped", "what", what)
		return
	}
	select {
	case q.writes <- w:
	default:
		q.dropped()
		q.log.Error("feedback queue full; a write was dropped", "what", what, "queued", len(q.writes))
	}
}

// AddDeclined queues the declined question.
func (q *Queued) AddDeclined(question, userID string, at time.Time) error {
	q.enqueue("declined question", func(s Store) error { return s.AddDeclined(question, userID, at) })
	return nil
}

// AddUnhelpful queues the unhelpful answer.
func (q *Queued) AddUnhelpful(question, entryID string, at time.Time) error {
	q.enqueue("unhelpful answer", func(s Store) error { return s.AddUnhelpful(question, entryID, at) })
	return nil
}

// AddVote writes the vote and says whether it counted, if the store answers within voteWait and
// nothing older waits in the queue (a vote must not overtake them). Otherwise the vote is queued,
// and counted: the person is thanked, and the store still ignores a repeat when it writes it.
func (q *Queued) AddVote(answerID, entryID, userID string, helpful bool, at time.Time) (bool, error) {
	write := func(s Store) error { _, err := s.AddVote(answerID, entryID, userID, helpful, at); return err }
	if q.Err() != nil || len(q.writes) > 0 {
		q.enqueue("vote", write)
		return true, nil
	}
	type result struct {
		counted bool
		err     error
	}
	got := make(chan result, 1)
	go func() {
		counted, err := q.Store.AddVote(answerID, entryID, userID, helpful, at)
		got <- result{counted, err}
	}()
	timer := time.NewTimer(voteWait)
	defer timer.Stop()
	select {
	case r := <-got:
		if r.err != nil {
			q.setFailed(r.err)
			q.enqueue("vote", write)
			return true, nil
		}
		return r.counted, nil
	case <-timer.C:
		go func() { // slow store: the vote is queued if this try fails
			if r := <-got; r.err != nil {
				q.setFailed(r.err)
				q.enqueue("vote", write)
			}
		}()
		return true, nil
	}
}

// Shutdown writes what the queue holds, waiting until ctx ends at most while the store fails,
// then closes the store. Writes still queued then are logged as lost.
func (q *Queued) Shutdown(ctx context.Context) error {
	q.closing.Lock()
	if !q.closed {
		q.closed = true
		close(q.writes)
	}
	q.closing.Unlock()
	select {
	case <-q.done:
	case <-ctx.Done():
		q.stopOnce.Do(func() { close(q.stop) })
		<-q.done
		q.log.Error("feedback store unreachable at shutdown; writes lost", "lost", len(q.writes)+1)
	}
	return q.Store.Close()
}

// shutdownWait is how long Close waits for the queue to be written while the store fails: short,
// so that footbot still exits within its five seconds of a SIGTERM (what is lost is logged).
const shutdownWait = time.Second

// Close is Shutdown with shutdownWait.
func (q *Queued) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	return q.Shutdown(ctx)
}
