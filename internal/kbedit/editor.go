// Package kbedit applies the changes moderators make to the knowledge base from Discord or the
// terminal. Every change goes through one path: validated before anything is stored, stored with
// its line in the change log in one step (a Folder, or PostgreSQL for several machines), and put
// in service by the same atomic swap as a reload.
package kbedit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/footbot/footbot/knowledge"
)

// Editor changes the knowledge base in service and in its store.
type Editor struct {
	live  *knowledge.Live
	store Store

	mu      sync.Mutex          // serialises changes
	pending map[string]imported // imports shown to a moderator, waiting for Confirm, by token
}

// imported is an uploaded knowledge file waiting for a moderator's Confirm.
type imported struct {
	name    string
	data    []byte
	expires time.Time
}

// importWait is how long an import waits for its Confirm.
const importWait = 15 * time.Minute

// storeWait bounds one change's work with the store: a database that does not answer makes the
// change fail with a clear error instead of holding the moderator's click.
const storeWait = 10 * time.Second

// New returns an editor of the knowledge base live serves, kept in store.
func New(live *knowledge.Live, store Store) *Editor {
	return &Editor{live: live, store: store}
}

// Files returns the knowledge files by name, as the store holds them now.
func (e *Editor) Files() (map[string][]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeWait)
	defer cancel()
	v, err := e.store.Latest(ctx)
	return v.Files, err
}

// Result is what a change did.
type Result struct {
	File    string            // the file written, as the store names it
	Line    int               // the line added, for a teach
	Changes knowledge.Changes // what the swap changed
	// Copied is the folder the built-in knowledge was copied into by this change, if it was:
	// from now on the bot answers from that copy.
	Copied string
}

// edit is what one kind of change does to the latest files.
type edit func(latest Version, label string) (edited, error)

// edited is what an edit made: the files, the file it wrote and the line it added, if any, and
// the base the files load as, if the edit loaded them already (nil: apply loads them).
type edited struct {
	files map[string][]byte
	file  string
	line  int
	base  *knowledge.Base
}

// apply is the one path of every change: the store's latest files are edited, the result is
// validated, stored with c in one step, and put in service by the same swap as a reload. Nothing
// is stored if the result does not load, and nothing is put in service if it is not stored.
func (e *Editor) apply(c Change, do edit) (Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), storeWait)
	defer cancel()
	latest, err := e.store.Latest(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("could not read the knowledge (%s), so nothing was changed: %w", e.store.Label(), err)
	}
	label := e.store.Label()
	ed, err := do(latest, label)
	if err != nil {
		return Result{}, err
	}
	files, file, line, base := ed.files, ed.file, ed.line, ed.base
	if base == nil {
		if base, err = knowledge.LoadFiles(files, label); err != nil {
			return Result{}, err
		}
	}
	to := Version{ID: base.Version, Files: files}
	c.From, c.Version, c.Line = latest.ID, to.ID, line
	if file != "" {
		c.File = filepath.Join(label, file)
	}
	if err := e.store.Commit(ctx, latest, to, c); err != nil {
		return Result{}, fmt.Errorf("could not store the change (%s); the knowledge in service did not change: %w", e.store.Label(), err)
	}
	r := Result{File: c.File, Line: line}
	if after := e.store.Label(); after != label { // the built-in knowledge was copied
		r.Copied = after
		if file != "" {
			r.File = filepath.Join(after, file)
		}
		if base, err = knowledge.LoadFiles(files, after); err != nil {
			return r, err
		}
	}
	if r.Changes, err = e.live.Reload(func() (*knowledge.Base, error) { return base, nil }); err != nil {
		return r, fmt.Errorf("put the changed knowledge in service: %w", err)
	}
	return r, nil
}

// Sync puts the store's latest version in service unless it is already: a reload of the folder,
// or a change another shard stored. It returns what the swap changed; a version that does not
// load leaves the one in service answering and returns the loader's *knowledge.ValidationError.
//
// It waits for a change in progress here: the notification of this shard's own change may
// arrive before the change is in service, and must then find it done rather than swap it in
// first (the change would report no changes).
func (e *Editor) Sync(ctx context.Context) (knowledge.Changes, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	latest, err := e.store.Latest(ctx)
	if err != nil {
		return knowledge.Changes{}, fmt.Errorf("read the knowledge: %w", err)
	}
	if latest.ID == e.live.Base().Version {
		return knowledge.Changes{}, nil
	}
	return e.live.Reload(func() (*knowledge.Base, error) { return knowledge.LoadFiles(latest.Files, e.store.Label()) })
}

// Teach adds question as a phrasing of entry id and puts the result in service.
func (e *Editor) Teach(user, id, question string, at time.Time) (Result, error) {
	c := Change{Time: at, User: user, Action: "teach", Entry: id, Question: knowledge.CleanQuestion(question)}
	return e.apply(c, func(latest Version, label string) (edited, error) {
		t, err := knowledge.TeachFiles(latest.Files, label, id, question)
		return edited{files: t.Files, file: filepath.Base(t.File), line: t.Line, base: t.Base}, err
	})
}

// Rollback puts the knowledge files of an earlier version back, through the same path as every
// change: validated, stored, swapped in, recorded.
func (e *Editor) Rollback(user, version string, at time.Time) (Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeWait)
	defer cancel()
	old, err := e.store.Get(ctx, version)
	if err != nil {
		return Result{}, err
	}
	return e.apply(Change{Time: at, User: user, Action: "rollback"}, func(_ Version, label string) (edited, error) {
		// Loaded here rather than by apply only to say which version no longer loads.
		base, err := knowledge.LoadFiles(old.Files, label)
		if err != nil {
			return edited{}, fmt.Errorf("version %s no longer loads: %w", version, err)
		}
		return edited{files: old.Files, base: base}, nil
	})
}

// Replace stores files as the new knowledge, through the same path as every change: the folder a
// moderator edited, published to a shared store by a reload. from is the version the files were
// made from: if the store has another by now (a change made elsewhere, which the files lack),
// nothing is stored and the error is ErrConflict.
func (e *Editor) Replace(user, action, from string, files map[string][]byte, at time.Time) (Result, error) {
	return e.apply(Change{Time: at, User: user, Action: action}, func(latest Version, _ string) (edited, error) {
		if latest.ID != from {
			return edited{}, fmt.Errorf("%w: the files were made from version %s, the knowledge is at %s now", ErrConflict, from, latest.ID)
		}
		return edited{files: files}, nil
	})
}

// History returns the last n changes, newest first.
func (e *Editor) History(n int) ([]Change, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeWait)
	defer cancel()
	return e.store.History(ctx, n)
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

// withFile loads the latest knowledge with file name replaced by data.
func (e *Editor) withFile(name string, data []byte) (*knowledge.Base, error) {
	files, err := e.Files()
	if err != nil {
		return nil, err
	}
	files[name] = data
	return knowledge.LoadFiles(files, e.store.Label())
}

// Import stores a prepared import and puts it in service, through the same path as every
// change. It checks the file again: the knowledge may have changed since it was prepared.
func (e *Editor) Import(user, token string, at time.Time) (Result, error) {
	e.mu.Lock()
	p, ok := e.pending[token]
	delete(e.pending, token)
	e.mu.Unlock()
	if !ok || at.After(p.expires) {
		return Result{}, ErrImportExpired
	}
	return e.apply(Change{Time: at, User: user, Action: "import"}, func(latest Version, _ string) (edited, error) {
		files := maps.Clone(latest.Files)
		files[p.name] = p.data
		return edited{files: files, file: p.name}, nil
	})
}
