package kbedit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/footbot/footbot/knowledge"
)

func newEditor(t *testing.T) (*Editor, *Folder, string) {
	t.Helper()
	base, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		t.Fatal(err)
	}
	live := knowledge.NewLive(ix)
	t.Cleanup(func() { live.Close() })
	data := t.TempDir()
	f := NewFolder("", data)
	return New(live, f), f, data
}

func TestTheFirstChangeCopiesTheBuiltInKnowledge(t *testing.T) {
	e, folder, data := newEditor(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	r, err := e.Teach("123", "how-often", "how many times a week for my nan", now)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(data, ShippedCopy)
	if r.Copied != copied || folder.Dir() != copied || !strings.HasPrefix(r.File, copied) {
		t.Errorf("copied %q, dir %q, file %q; want everything in %s", r.Copied, folder.Dir(), r.File, copied)
	}
	if EffectiveDir("", data) != copied {
		t.Error("after a change, footbot would not start from the copy")
	}
	r2, err := e.Teach("123", "how-long", "minutes per foot for my nan", now)
	if err != nil || r2.Copied != "" {
		t.Errorf("second teach: copied %q, %v; want no second copy", r2.Copied, err)
	}
	h, err := e.History(10)
	if err != nil || len(h) != 2 || h[0].Entry != "how-long" || h[1].User != "123" || h[1].From == h[1].Version {
		t.Errorf("history = %+v, %v", h, err)
	}
}

func TestImportsAndRollbacksRefuseWhatTheyShouldNotTouch(t *testing.T) {
	e, _, data := newEditor(t)
	now := time.Now()
	for _, name := range []string{"../evil.yaml", "faq.txt", "", "a/b.yaml"} {
		if _, _, err := e.PrepareImport(name, []byte("entries:\n"), now); err == nil {
			t.Errorf("PrepareImport(%q) was accepted", name)
		}
	}
	var invalid *knowledge.ValidationError
	if _, _, err := e.PrepareImport("faq.yaml", []byte("entries:\n  - id: x\n    titel: y\n"), now); !errors.As(err, &invalid) {
		t.Errorf("a broken file: %v, want its problems", err)
	}
	token, changes, err := e.PrepareImport("extra.yaml", []byte("entries:\n  - {id: extra, kind: faq, title: Extra, questions: [extra?], answer: Extra.}\n"), now)
	if err != nil || len(changes.Added) != 1 {
		t.Fatalf("a good file: %v, %+v", err, changes)
	}
	if _, err := e.Import("1", token, now.Add(importWait+time.Second)); !errors.Is(err, ErrImportExpired) {
		t.Errorf("a late Confirm: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, ShippedCopy)); err == nil {
		t.Error("a refused import copied the knowledge")
	}
	for _, v := range []string{"../../etc", "abc", "0123456789ab"} {
		if _, err := e.Rollback("1", v, now); !errors.Is(err, ErrUnknownVersion) {
			t.Errorf("Rollback(%q) = %v", v, err)
		}
	}
	// A kept version that no longer loads (the loader grew stricter since) is refused with its
	// problems, and nothing is stored.
	kept := filepath.Join(data, historyDir, "0123456789ab")
	if err := os.MkdirAll(kept, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kept, "faq.yaml"), []byte("entries:\n  - id: x\n    titel: y\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Rollback("1", "0123456789ab", now); !errors.As(err, &invalid) || !strings.Contains(err.Error(), "no longer loads") {
		t.Errorf("a rollback to a version that no longer loads: %v", err)
	}
	if h, err := e.History(10); err != nil || len(h) != 0 {
		t.Errorf("a refused rollback was recorded: %+v, %v", h, err)
	}
}

// BenchmarkTeach is a moderator's click on "answer this with": validate the folder with the
// new line, write it, index the base and swap it in, record the change.
func BenchmarkTeach(b *testing.B) {
	base, err := knowledge.Default()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		b.Fatal(err)
	}
	live := knowledge.NewLive(ix)
	defer live.Close()
	e := New(live, NewFolder("", b.TempDir()))
	if _, err := e.Teach("1", "how-often", "warm-up question", time.Now()); err != nil { // the first teach copies the files
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n++
		if _, err := e.Teach("1", "how-often", fmt.Sprintf("benchmark question number %d", n), time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
