package kbedit

import (
	"context"
	"errors"
	"time"
)

// Store keeps the knowledge files, the versions they had and the log of changes. Two keep it: a
// Folder on this machine, and PostgreSQL (package postgres) for shards on several machines.
type Store interface {
	// Latest returns the newest version. A store that holds nothing yet returns a Version
	// without files.
	Latest(ctx context.Context) (Version, error)
	// Commit stores to as the newest version, made from from by c, in one step: all of it or
	// nothing. It returns ErrConflict when the newest version is no longer from (someone else
	// changed the knowledge first).
	Commit(ctx context.Context, from, to Version, c Change) error
	// Get returns an earlier version, or ErrUnknownVersion.
	Get(ctx context.Context, version string) (Version, error)
	// History returns the last n changes, newest first.
	History(ctx context.Context, n int) ([]Change, error)
	// Label names where the files are, in messages and in the problems of a file that does not
	// load: a folder's path, or "postgres".
	Label() string
}

// Version is the knowledge files at one point: ID is their knowledge.VersionOf.
type Version struct {
	ID    string
	Files map[string][]byte
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

// ErrConflict is returned when the knowledge changed between reading it and storing a change
// made from it: on another shard, or by an edit of the files.
var ErrConflict = errors.New("the knowledge changed meanwhile (another moderator or shard); try again")

// ErrUnknownVersion is returned by Rollback for a version the history does not hold.
var ErrUnknownVersion = errors.New("no such version in the history")
