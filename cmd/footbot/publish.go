package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/knowledge"
)

// publisher lets a moderator change the knowledge every shard shares by editing KNOWLEDGE_DIR on
// one machine and running /reload there. With a database the folder is not the knowledge, only a
// way in: it is not watched (a save would reach every shard half-made), and an edited folder is
// stored only if it was the database's knowledge when last read and nobody has changed that
// since. Otherwise it lacks a change made elsewhere, which storing it would undo.
type publisher struct {
	dir string

	mu   sync.Mutex
	seen string // the folder's version when it was last read
	base string // the database's version then, if the folder held it; "" if it did not
}

// newPublisher reads the folder dir as it is at start, beside the database's version.
func newPublisher(dir, stored string) (*publisher, error) {
	files, err := knowledge.ReadFiles(dir)
	if err != nil {
		return nil, err
	}
	p := &publisher{dir: dir, seen: knowledge.VersionOf(files)}
	if p.seen == stored {
		p.base = stored
	}
	return p, nil
}

// errStaleFolder is the refusal of an edited folder that is not the database's knowledge.
var errStaleFolder = errors.New("KNOWLEDGE_DIR was edited here, but it is not the knowledge every shard shares " +
	"(that changed on another shard, or the folder was older to begin with), so nothing was stored: " +
	"get the latest with /kb export, make the edit in it and upload it with /kb import")

// reload stores the folder as the new knowledge if a moderator edited it, and otherwise puts the
// database's latest version in service.
func (p *publisher) reload(ctx context.Context, editor *kbedit.Editor) (knowledge.Changes, error) {
	files, err := knowledge.ReadFiles(p.dir)
	if err != nil {
		return knowledge.Changes{}, err
	}
	version := knowledge.VersionOf(files)
	p.mu.Lock()
	defer p.mu.Unlock()
	if version == p.seen {
		return editor.Sync(ctx)
	}
	if p.base == "" {
		return knowledge.Changes{}, errStaleFolder
	}
	if _, err := knowledge.LoadFiles(files, p.dir); err != nil {
		return knowledge.Changes{}, err // its problems name the folder's files
	}
	r, err := editor.Replace("folder "+p.dir, "reload", p.base, files, time.Now())
	if errors.Is(err, kbedit.ErrConflict) {
		p.base = ""
		return knowledge.Changes{}, fmt.Errorf("%w (%v)", errStaleFolder, err)
	}
	if err == nil {
		p.seen, p.base = version, version
	}
	return r.Changes, err
}
