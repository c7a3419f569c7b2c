package kbedit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"

	"github.com/footbot/footbot/knowledge"
)

// ShippedCopy is where the first change to the built-in knowledge copies it, under DATA_DIR.
const ShippedCopy = "knowledge"

// changeLog is the change log's file name under DATA_DIR: one JSON object a line.
const changeLog = "changes.jsonl"

// historyDir holds, under DATA_DIR, a copy of the knowledge files of every version a change
// started from or made, in a folder named after the version: what rollback restores.
const historyDir = "history"

// Folder is the store of one machine: the knowledge folder (or the built-in knowledge, until the
// first change copies it into DATA_DIR), with the history and the change log in DATA_DIR.
type Folder struct {
	dataDir string
	// dir is read without mu: a reload that runs while a change holds mu must still find the
	// folder, or the two would wait for each other.
	dir    atomic.Pointer[string] // "" while the built-in knowledge answers
	mu     sync.Mutex
	onCopy func(dir string)
}

// NewFolder returns the store of the knowledge folder dir ("" for the built-in knowledge);
// dataDir is DATA_DIR.
func NewFolder(dir, dataDir string) *Folder {
	f := &Folder{dataDir: dataDir}
	f.dir.Store(&dir)
	return f
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

// Dir is the knowledge folder in use; "" while the built-in knowledge answers.
func (f *Folder) Dir() string { return *f.dir.Load() }

// OnCopy sets fn to run (once) when a change copies the built-in knowledge into DATA_DIR, with
// the folder it made; footbot starts watching it then.
func (f *Folder) OnCopy(fn func(dir string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onCopy = fn
}

// Label is the folder, or how the built-in knowledge names its files.
func (f *Folder) Label() string {
	if d := f.Dir(); d != "" {
		return d
	}
	return knowledge.ShippedDir
}

// Latest reads the folder's files as they are now.
func (f *Folder) Latest(context.Context) (Version, error) {
	var files map[string][]byte
	var err error
	if dir := f.Dir(); dir == "" {
		files, err = knowledge.ShippedFiles()
	} else {
		files, err = knowledge.ReadFiles(dir)
	}
	if err != nil {
		return Version{}, err
	}
	return Version{ID: knowledge.VersionOf(files), Files: files}, nil
}

// Commit writes the files of to into the folder (copying the built-in knowledge there first, the
// first time), keeps both versions in the history and records c. Each file is replaced
// atomically; the folder as a whole is not, which is why the watcher waits for writes to settle.
func (f *Folder) Commit(_ context.Context, from, to Version, c Change) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	// The folder is read again though the editor just read it: another process (a shard on
	// the same machine) or a person's editor may have written it since, and f.mu orders only
	// this process.
	if cur, err := f.Latest(context.Background()); err != nil {
		return err
	} else if cur.ID != from.ID {
		return ErrConflict
	}
	if err := f.keep(from); err != nil {
		return err
	}
	if f.Dir() == "" {
		target := filepath.Join(f.dataDir, ShippedCopy)
		if err := knowledge.WriteShipped(target); err != nil {
			return fmt.Errorf("copy the built-in knowledge to edit it: %w", err)
		}
		f.dir.Store(&target)
		if f.onCopy != nil {
			go f.onCopy(target) // not under f.mu: it may take a while
		}
	}
	dir := f.Dir()
	for name, data := range to.Files {
		if old, ok := from.Files[name]; ok && bytes.Equal(old, data) {
			continue
		}
		if err := knowledge.WriteFileAtomic(filepath.Join(dir, name), data); err != nil {
			return fmt.Errorf("write the knowledge: %w", err)
		}
	}
	for name := range from.Files {
		if _, ok := to.Files[name]; !ok {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("write the knowledge: %w", err)
			}
		}
	}
	return errors.Join(f.keep(to), f.record(c))
}

// keep copies the files of v into the history folder of its version, unless it is there already.
func (f *Folder) keep(v Version) error {
	dst := filepath.Join(f.dataDir, historyDir, v.ID)
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	tmp := dst + ".partial"
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		return fmt.Errorf("keep version %s: %w", v.ID, err)
	}
	for name, data := range v.Files {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o640); err != nil {
			return fmt.Errorf("keep version %s: %w", v.ID, err)
		}
	}
	return os.Rename(tmp, dst) // a version folder is whole or missing
}

// versionPattern is what a knowledge version looks like (see knowledge.Base.Version); anything
// else is refused before it becomes part of a path.
var versionPattern = regexp.MustCompile(`^[0-9a-f]{12}$`)

// Get reads an earlier version from the history folder.
func (f *Folder) Get(_ context.Context, version string) (Version, error) {
	if !versionPattern.MatchString(version) {
		return Version{}, fmt.Errorf("%w: %q", ErrUnknownVersion, version)
	}
	src := filepath.Join(f.dataDir, historyDir, version)
	if _, err := os.Stat(src); err != nil {
		return Version{}, fmt.Errorf("%w: %s", ErrUnknownVersion, version)
	}
	files, err := knowledge.ReadFiles(src)
	if err != nil {
		return Version{}, err
	}
	return Version{ID: version, Files: files}, nil
}

// record appends a change to the change log.
func (f *Folder) record(c Change) error {
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(f.dataDir, 0o750); err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	file, err := os.OpenFile(filepath.Join(f.dataDir, changeLog), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	_, werr := file.Write(append(line, '\n'))
	return errors.Join(werr, file.Close())
}

// History reads the last n changes from the change log, newest first.
func (f *Folder) History(_ context.Context, n int) ([]Change, error) {
	data, err := os.ReadFile(filepath.Join(f.dataDir, changeLog))
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
