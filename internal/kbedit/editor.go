// Package kbedit applies the changes moderators make to the knowledge base from Discord or the
// terminal. Every change goes through one path: written to the knowledge files (validated
// before anything is written), put in service by the same atomic swap as a reload, and recorded
// in a change log.
package kbedit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/footbot/footbot/knowledge"
)

// Editor changes the knowledge base in service and its files.
type Editor struct {
	live    *knowledge.Live
	dataDir string

	mu  sync.Mutex
	dir string // the knowledge folder in use; "" while the built-in knowledge answers
}

// ShippedCopy is where the first change to the built-in knowledge copies it, under DATA_DIR.
const ShippedCopy = "knowledge"

// changeLog is the change log's file name under DATA_DIR: one JSON object a line.
const changeLog = "changes.jsonl"

// New returns an editor of the knowledge base live serves, loaded from dir ("" for the
// built-in knowledge). dataDir is DATA_DIR.
func New(live *knowledge.Live, dir, dataDir string) *Editor {
	return &Editor{live: live, dir: dir, dataDir: dataDir}
}

// Dir is the knowledge folder in use; "" while the built-in knowledge answers.
func (e *Editor) Dir() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dir
}

// EffectiveDir is the knowledge folder footbot should load at start: dir when set, else the copy
// an earlier change made of the built-in knowledge, if there is one, else "" (built in).
func EffectiveDir(dir, dataDir string) string {
	if dir != "" {
		return dir
	}
	copied := filepath.Join(dataDir, ShippedCopy)
	if files, _ := filepath.Glob(filepath.Join(copied, "*.yaml")); len(files) > 0 {
		return copied
	}
	return ""
}

// Result is what a change did.
type Result struct {
	File    string            // the file written
	Line    int               // the line added, for a teach
	Changes knowledge.Changes // what the swap changed
	// Copied is the folder the built-in knowledge was copied into by this change, if it was:
	// from now on the bot answers from that copy.
	Copied string
}

// Change is one line of the change log.
type Change struct {
	Time     time.Time `json:"time"`
	User     string    `json:"user"` // a Discord user id, or "terminal"
	Action   string    `json:"action"`
	Entry    string    `json:"entry,omitempty"`
	Question string    `json:"question,omitempty"`
	File     string    `json:"file,omitempty"`
	Line     int       `json:"line,omitempty"`
	Version  string    `json:"version"` // the knowledge version after the change
}

// Teach adds question as a phrasing of entry id and puts the result in service.
func (e *Editor) Teach(user, id, question string, at time.Time) (Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var r Result
	if e.dir == "" {
		target := filepath.Join(e.dataDir, ShippedCopy)
		if err := knowledge.WriteShipped(target); err != nil {
			return Result{}, fmt.Errorf("copy the built-in knowledge to edit it: %w", err)
		}
		e.dir, r.Copied = target, target
	}
	t, err := knowledge.Teach(e.dir, id, question)
	if err != nil {
		return r, err
	}
	// Teach loaded and validated the folder with the new line; that base goes into service.
	r.File, r.Line = t.File, t.Line
	if r.Changes, err = e.live.Reload(func() (*knowledge.Base, error) { return t.Base, nil }); err != nil {
		return r, fmt.Errorf("put the taught knowledge in service: %w", err)
	}
	err = e.record(Change{Time: at, User: user, Action: "teach", Entry: id, Question: knowledge.CleanQuestion(question),
		File: t.File, Line: t.Line, Version: t.Base.Version})
	return r, err
}

// record appends a change to the change log.
func (e *Editor) record(c Change) error {
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(e.dataDir, 0o750); err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(e.dataDir, changeLog), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	_, werr := f.Write(append(line, '\n'))
	return errors.Join(werr, f.Close())
}

// History returns the last n changes, newest first.
func (e *Editor) History(n int) ([]Change, error) {
	data, err := os.ReadFile(filepath.Join(e.dataDir, changeLog))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("change log: %w", err)
	}
	var all []Change
	for _, line := range bytes.Split(data, []byte("\n")) {
		var c Change
		if len(line) > 0 && json.Unmarshal(line, &c) == nil { // a torn last line is skipped
			all = append(all, c)
		}
	}
	out := make([]Change, 0, min(n, len(all)))
	for i := len(all) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, all[i])
	}
	return out, nil
}
