// Package storetest is the behaviour every kbedit.Store must have, as tests that run against
// each of them: the folder's and PostgreSQL's.
package storetest

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/knowledge"
)

// Run tests the store open returns. It must hold the built-in knowledge as its latest version.
func Run(t *testing.T, open func(t *testing.T) kbedit.Store) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	change := func(from, to kbedit.Version, action string) kbedit.Change {
		return kbedit.Change{Time: at, User: "42", Action: action, From: from.ID, Version: to.ID}
	}
	edited := func(v kbedit.Version, extra string) kbedit.Version {
		files := maps.Clone(v.Files)
		files["extra.yaml"] = []byte("entries:\n  - {id: extra, kind: faq, title: Extra, questions: [" + extra + "?], answer: Extra.}\n")
		return kbedit.Version{ID: knowledge.VersionOf(files), Files: files}
	}

	t.Run("a commit becomes the latest version and its change the newest in the history", func(t *testing.T) {
		s := open(t)
		before, _ := s.History(ctx, 100) // a store may record how it got its first version
		first, err := s.Latest(ctx)
		if err != nil || len(first.Files) == 0 || first.ID != knowledge.VersionOf(first.Files) {
			t.Fatalf("Latest = %s with %d files, %v", first.ID, len(first.Files), err)
		}
		second := edited(first, "one")
		if err := s.Commit(ctx, first, second, change(first, second, "import")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Latest(ctx)
		if err != nil || got.ID != second.ID || string(got.Files["extra.yaml"]) != string(second.Files["extra.yaml"]) {
			t.Fatalf("Latest after the commit = %s, %v; want %s", got.ID, err, second.ID)
		}
		third := edited(second, "two")
		if err := s.Commit(ctx, second, third, change(second, third, "teach")); err != nil {
			t.Fatal(err)
		}
		h, err := s.History(ctx, 10)
		if err != nil || len(h) != len(before)+2 || h[0].Action != "teach" || h[0].From != second.ID || h[1].Version != second.ID || h[0].User != "42" || !h[0].Time.Equal(at) {
			t.Errorf("History = %+v, %v", h, err)
		}
		if h, _ := s.History(ctx, 1); len(h) != 1 {
			t.Errorf("History(1) has %d changes", len(h))
		}
	})

	t.Run("every version a change started from or made can be got back", func(t *testing.T) {
		s := open(t)
		first, _ := s.Latest(ctx)
		second := edited(first, "one")
		if err := s.Commit(ctx, first, second, change(first, second, "import")); err != nil {
			t.Fatal(err)
		}
		for _, want := range []kbedit.Version{first, second} {
			got, err := s.Get(ctx, want.ID)
			if err != nil || !maps.EqualFunc(got.Files, want.Files, func(a, b []byte) bool { return string(a) == string(b) }) {
				t.Errorf("Get(%s): %d files, %v; want %d", want.ID, len(got.Files), err, len(want.Files))
			}
		}
		for _, v := range []string{"0123456789ab", "../../etc", ""} {
			if _, err := s.Get(ctx, v); !errors.Is(err, kbedit.ErrUnknownVersion) {
				t.Errorf("Get(%q) = %v, want ErrUnknownVersion", v, err)
			}
		}
	})

	t.Run("a change made from an old version is refused", func(t *testing.T) {
		s := open(t)
		before, _ := s.History(ctx, 100)
		first, _ := s.Latest(ctx)
		second, other := edited(first, "one"), edited(first, "other")
		if err := s.Commit(ctx, first, second, change(first, second, "teach")); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(ctx, first, other, change(first, other, "teach")); !errors.Is(err, kbedit.ErrConflict) {
			t.Errorf("a commit from the old version: %v, want ErrConflict", err)
		}
		if got, _ := s.Latest(ctx); got.ID != second.ID {
			t.Errorf("after the refused commit the latest is %s, want %s", got.ID, second.ID)
		}
		if h, _ := s.History(ctx, 10); len(h) != len(before)+1 {
			t.Errorf("the refused commit is in the history: %+v", h)
		}
	})

	t.Run("of two changes made at once from the same version one wins", func(t *testing.T) {
		s := open(t)
		first, _ := s.Latest(ctx)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				v := edited(first, string(rune('a'+i)))
				errs[i] = s.Commit(ctx, first, v, change(first, v, "teach"))
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, kbedit.ErrConflict):
				t.Errorf("commit: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent commits from one version won, want 1", won, len(errs))
		}
	})
}
