// Package kbedit applies the changes moderators make to the knowledge base from Discord or the
// terminal. Every change goes through one path: written to the knowledge files (validated
// before anything is written), put in service by the same atomic swap as a reload, and recorded
// in a change log.
package kbedit

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/footbot/footbot/knowledge"
)

// Editor changes the knowledge base in service and its files.
type Editor struct {
	live    *knowledge.Live
	dataDir string

	// mu serialises changes. dir is read without it (Dir): a reload that runs while a change
	// holds mu must still find the folder, or the two would wait for each other.
	mu      sync.Mutex
	dir     atomic.Pointer[string] // the knowledge folder in use; "" while the built-in knowledge answers
	pending map[string]imported    // imports shown to a moderator, waiting for Confirm, by token
	onCopy  func(dir string)
}

// OnCopy sets fn to run (once) when a change copies the built-in knowledge into DATA_DIR, with
// the folder it made; footbot starts watching it then.
func (e *Editor) OnCopy(fn func(dir string)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onCopy = fn
}

// imported is an uploaded knowledge file waiting for a moderator's Confirm.
type imported struct {
	name    string
	data    []byte
	expires time.Time
}

// importWait is how long an import waits for its Confirm.
const importWait = 15 * time.Minute

// ShippedCopy is where the first change to the built-in knowledge copies it, under DATA_DIR.
const ShippedCopy = "knowledge"

// changeLog is the change log's file name under DATA_DIR: one JSON object a line.
const changeLog = "changes.jsonl"

// historyDir holds, under DATA_DIR, a copy of the knowledge files of every version a change
// started from or made, in a folder named after the version: what rollback restores.
const historyDir = "history"

// New returns an editor of the knowledge base live serves, loaded from dir ("" for the
// built-in knowledge). dataDir is DATA_DIR.
func New(live *knowledge.Live, dir, dataDir string) *Editor {
	e := &Editor{live: live, dataDir: dataDir}
	e.dir.Store(&dir)
	return e
}

// Dir is the knowledge folder in use; "" while the built-in knowledge answers.
func (e *Editor) Dir() string { return *e.dir.Load() }

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

// Files returns the knowledge files in service, by name: the folder's, or the built-in ones.
func (e *Editor) Files() (map[string][]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.filesLocked()
}

func (e *Editor) filesLocked() (map[string][]byte, error) {
	if e.Dir() == "" {
		return knowledge.ShippedFiles()
	}
	return knowledge.ReadFiles(e.Dir())
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
	From     string    `json:"from"`    // the knowledge version before the change
	Version  string    `json:"version"` // the knowledge version after the change
}

// Teach adds question as a phrasing of entry id and puts the result in service.
func (e *Editor) Teach(user, id, question string, at time.Time) (Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var r Result
	from, err := e.begin(&r)
	if err != nil {
		return r, err
	}
	t, err := knowledge.Teach(e.Dir(), id, question)
	if err != nil {
		return r, err
	}
	// Teach loaded and validated the folder with the new line; that base goes into service.
	r.File, r.Line = t.File, t.Line
	if r.Changes, err = e.live.Reload(func() (*knowledge.Base, error) { return t.Base, nil }); err != nil {
		return r, fmt.Errorf("put the taught knowledge in service: %w", err)
	}
	err = e.finish(Change{Time: at, User: user, Action: "teach", Entry: id, Question: knowledge.CleanQuestion(question),
		File: t.File, Line: t.Line, From: from, Version: t.Base.Version})
	return r, err
}

// begin prepares a change: the built-in knowledge is copied into DATA_DIR the first time, and
// the version in service is kept in the history. It returns that version.
func (e *Editor) begin(r *Result) (string, error) {
	if e.Dir() == "" {
		target := filepath.Join(e.dataDir, ShippedCopy)
		if err := knowledge.WriteShipped(target); err != nil {
			return "", fmt.Errorf("copy the built-in knowledge to edit it: %w", err)
		}
		e.dir.Store(&target)
		r.Copied = target
		if e.onCopy != nil {
			go e.onCopy(target) // not under e.mu: it may take a while
		}
	}
	from := e.live.Base().Version
	return from, e.keep(from)
}

// finish keeps the new version in the history and records the change.
func (e *Editor) finish(c Change) error {
	return errors.Join(e.keep(c.Version), e.record(c))
}

// keep copies the knowledge files as they are now into the history folder of version, unless
// it is there already.
func (e *Editor) keep(version string) error {
	dst := filepath.Join(e.dataDir, historyDir, version)
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(e.Dir(), "*.yaml"))
	if err != nil {
		return err
	}
	tmp := dst + ".partial"
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		return fmt.Errorf("keep version %s: %w", version, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("keep version %s: %w", version, err)
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Base(f)), data, 0o640); err != nil {
			return fmt.Errorf("keep version %s: %w", version, err)
		}
	}
	return os.Rename(tmp, dst) // a version folder is whole or missing
}

// versionPattern is what a knowledge version looks like (see knowledge.Base.Version); anything
// else is refused before it becomes part of a path.
var versionPattern = regexp.MustCompile(`^[0-9a-f]{12}$`)

// ErrUnknownVersion is returned by Rollback for a version the history does not hold.
var ErrUnknownVersion = errors.New("no such version in the history")

// Rollback puts the knowledge files of an earlier version back, through the same path as every
// change: validated, written, swapped in, recorded.
func (e *Editor) Rollback(user, version string, at time.Time) (Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	src := filepath.Join(e.dataDir, historyDir, version)
	if !versionPattern.MatchString(version) {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownVersion, version)
	}
	if _, err := os.Stat(src); err != nil {
		return Result{}, fmt.Errorf("%w: %s", ErrUnknownVersion, version)
	}
	if _, err := knowledge.LoadDir(src); err != nil {
		return Result{}, fmt.Errorf("version %s no longer loads: %w", version, err)
	}
	var r Result
	from, err := e.begin(&r)
	if err != nil {
		return r, err
	}
	want, _ := filepath.Glob(filepath.Join(src, "*.yaml"))
	keep := map[string]bool{}
	for _, f := range want {
		data, err := os.ReadFile(f)
		if err != nil {
			return r, err
		}
		keep[filepath.Base(f)] = true
		if err := knowledge.WriteFileAtomic(filepath.Join(e.Dir(), filepath.Base(f)), data); err != nil {
			return r, fmt.Errorf("roll back: %w", err)
		}
	}
	have, _ := filepath.Glob(filepath.Join(e.Dir(), "*.yaml"))
	for _, f := range have {
		if !keep[filepath.Base(f)] {
			if err := os.Remove(f); err != nil {
				return r, fmt.Errorf("roll back: %w", err)
			}
		}
	}
	base, err := knowledge.LoadDir(e.Dir())
	if err != nil {
		return r, fmt.Errorf("roll back: the restored files do not load: %w", err)
	}
	if r.Changes, err = e.live.Reload(func() (*knowledge.Base, error) { return base, nil }); err != nil {
		return r, fmt.Errorf("put the restored knowledge in service: %w", err)
	}
	return r, e.finish(Change{Time: at, User: user, Action: "rollback", From: from, Version: base.Version})
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

// namePattern is what an imported file may be called: a knowledge file's plain name.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+\.ya?ml$`)

// maxImport bounds an uploaded file, as the loader bounds a knowledge file.
const maxImport = 1 << 20

// ErrImportExpired is returned by Import for a token that is unknown or waited too long.
var ErrImportExpired = errors.New("this import is no longer waiting: upload the file again")

// PrepareImport checks an uploaded knowledge file: with it in place of the file of the same
// name, the knowledge must load. It returns what the import would change and a token for Import;
// nothing is written yet. A bad file returns the loader's *knowledge.ValidationError.
func (e *Editor) PrepareImport(name string, data []byte, now time.Time) (string, knowledge.Changes, error) {
	if !namePattern.MatchString(name) {
		return "", knowledge.Changes{}, fmt.Errorf("%q is not a knowledge file name: upload a .yaml file such as faq.yaml", name)
	}
	if len(data) > maxImport {
		return "", knowledge.Changes{}, fmt.Errorf("%s is %d bytes, more than the %d a knowledge file may have", name, len(data), maxImport)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	base, err := e.withFile(name, data)
	if err != nil {
		return "", knowledge.Changes{}, err
	}
	token := rand.Text()[:16] // in a custom_id; unguessable, though Confirm checks the moderator anyway
	if e.pending == nil {
		e.pending = map[string]imported{}
	}
	for t, p := range e.pending {
		if now.After(p.expires) {
			delete(e.pending, t)
		}
	}
	e.pending[token] = imported{name: name, data: data, expires: now.Add(importWait)}
	return token, base.Diff(e.live.Base()), nil
}

// withFile loads the knowledge in use with file name replaced by data.
func (e *Editor) withFile(name string, data []byte) (*knowledge.Base, error) {
	files, err := e.filesLocked()
	if err != nil {
		return nil, err
	}
	files[name] = data
	dir := e.Dir()
	if dir == "" {
		dir = knowledge.ShippedDir
	}
	return knowledge.LoadFiles(files, dir)
}

// Import writes a prepared import and puts it in service, through the same path as every
// change. It checks the file again: the knowledge may have changed since it was prepared.
func (e *Editor) Import(user, token string, at time.Time) (Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.pending[token]
	delete(e.pending, token)
	if !ok || at.After(p.expires) {
		return Result{}, ErrImportExpired
	}
	var r Result
	from, err := e.begin(&r)
	if err != nil {
		return r, err
	}
	base, err := e.withFile(p.name, p.data)
	if err != nil {
		return r, err
	}
	r.File = filepath.Join(e.Dir(), p.name)
	if err := knowledge.WriteFileAtomic(r.File, p.data); err != nil {
		return r, fmt.Errorf("import: %w", err)
	}
	if r.Changes, err = e.live.Reload(func() (*knowledge.Base, error) { return base, nil }); err != nil {
		return r, fmt.Errorf("put the imported knowledge in service: %w", err)
	}
	return r, e.finish(Change{Time: at, User: user, Action: "import", File: r.File, From: from, Version: base.Version})
}
