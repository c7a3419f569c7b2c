package watch

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestASaveOfSeveralWritesReloadsOnceAndSwapFilesAreIgnored(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reloads atomic.Int32
	if err := Start(ctx, dir, 100*time.Millisecond, func() { reloads.Add(1) }); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".faq.yaml.swp", "editor scratch")
	write("notes.txt", "not knowledge")
	time.Sleep(300 * time.Millisecond)
	if n := reloads.Load(); n != 0 {
		t.Fatalf("%d reloads for files that are not knowledge", n)
	}
	for i := range 5 { // an editor writing in steps
		write("faq.yaml", "entries: []\n# "+string(rune('a'+i)))
		time.Sleep(10 * time.Millisecond)
	}
	deadline := time.Now().Add(5 * time.Second)
	for reloads.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if n := reloads.Load(); n != 1 {
		t.Errorf("%d reloads after one save, want 1", n)
	}
}

func TestAMissingFolderCannotBeWatched(t *testing.T) {
	if err := Start(context.Background(), filepath.Join(t.TempDir(), "nope"), time.Millisecond, func() {}); err == nil {
		t.Error("watching a missing folder succeeded")
	}
}
