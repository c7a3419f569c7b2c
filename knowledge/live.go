package knowledge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Live holds the knowledge index in service and replaces it atomically on reload: a question is
// answered entirely by the old base or entirely by the new one, never by half of each.
type Live struct {
	cur    atomic.Pointer[Index]
	reload sync.Mutex // one reload at a time, so two saves cannot race to swap
}

// NewLive starts serving ix.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.cur.Store(ix)
	return l
}

// Index returns the index in service.
func (l *Live) Index() *Index { return l.cur.Load() }

// Base returns the knowledge base in service.
func (l *Live) Base() *Base { return l.cur.Load().Base() }

// Answer answers a question with the index in service.
func (l *Live) Answer(ctx context.Context, question string) (Answer, error) {
	return inService(l, func(ix *Index) (Answer, error) { return ix.Answer(ctx, question) })
}

// inService runs a search on the index in service. A reload may close that index between
// loading the pointer and searching it; the new one is already in place, so the search runs
// again. (After Close there is no new one: the error stands.)
func inService[T any](l *Live, search func(*Index) (T, error)) (T, error) {
	for {
		ix := l.cur.Load()
		v, err := search(ix)
		if errors.Is(err, ErrClosed) && l.cur.Load() != ix {
			continue
		}
		return v, err
	}
}

// Suggest returns entries for a partly typed topic, with the index in service.
func (l *Live) Suggest(ctx context.Context, text string, n int) ([]*Entry, error) {
	return inService(l, func(ix *Index) ([]*Entry, error) { return ix.Suggest(ctx, text, n) })
}

// Reload loads a knowledge base with load, indexes it and puts it in service, then closes the
// old index. If loading or indexing fails, the old base keeps serving and the error (a
// *ValidationError for bad files) is returned.
func (l *Live) Reload(load func() (*Base, error)) (Changes, error) {
	l.reload.Lock()
	defer l.reload.Unlock()
	b, err := load()
	if err != nil {
		return Changes{}, err
	}
	ix, err := NewIndex(b)
	if err != nil {
		return Changes{}, fmt.Errorf("index knowledge: %w", err)
	}
	old := l.cur.Swap(ix)
	changes := b.Diff(old.Base())
	if err := old.Close(); err != nil {
		return changes, fmt.Errorf("close old index: %w", err)
	}
	return changes, nil
}

// Close closes the index in service.
func (l *Live) Close() error { return l.cur.Load().Close() }

// Topic is the answer for the entry with the given id, from the base in service.
func (l *Live) Topic(id string) (Answer, bool) { return l.cur.Load().Topic(id) }
