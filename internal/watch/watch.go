// Package watch follows a knowledge folder and reloads the knowledge base when a moderator
// saves a file in it.
package watch

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce is how long a folder must stay quiet before a reload: editors write a file in
// several steps (truncate, write, rename), and a save of several files should cause one reload.
const Debounce = 300 * time.Millisecond

// Start watches dir and calls reload, from its own goroutine, each time knowledge files
// (*.yaml, *.yml) in it have changed and then stayed unchanged for debounce. It stops when
// ctx ends. An error means the folder cannot be watched at all.
func Start(ctx context.Context, dir string, debounce time.Duration, reload func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	// The folder, not the files: saving by rename replaces a file, and a watch on the old
	// file would be lost with it.
	if err := w.Add(dir); err != nil {
		w.Close()
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	go func() {
		defer w.Close()
		var timer *time.Timer
		var fire <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				if timer != nil {
					timer.Stop()
				}
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if !isKnowledgeFile(ev.Name) || ev.Op == fsnotify.Chmod {
					continue
				}
				if timer == nil {
					timer = time.NewTimer(debounce)
				} else {
					timer.Reset(debounce)
				}
				fire = timer.C
			case <-fire:
				fire = nil
				reload()
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
				// Overflow or a transient error: reload anyway, the files are the truth.
				if timer == nil {
					timer = time.NewTimer(debounce)
				} else {
					timer.Reset(debounce)
				}
				fire = timer.C
			}
		}
	}()
	return nil
}

func isKnowledgeFile(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") {
		return false // editor swap and backup files
	}
	ext := filepath.Ext(base)
	return ext == ".yaml" || ext == ".yml"
}
