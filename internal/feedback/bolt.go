package feedback

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bucketMeta     = []byte("meta")
	bucketDeclined = []byte("declined")
	bucketVotes    = []byte("votes")
	bucketVoters   = []byte("voters")
	// bucketUnhelpful holds answers marked not helpful with the question they answered, by
	// question and entry, for moderators to fix.
	bucketUnhelpful = []byte("unhelpful")
	// bucketVoterTimes indexes the voters by when they voted (8-byte big-endian Unix nanoseconds,
	// then the voter's key), so that forgetting the old ones reads only the old ones.
	bucketVoterTimes = []byte("voter-times")
	keySalt          = []byte("salt")
)

// Bolt is the feedback store in a bbolt file in the data folder. It is safe for concurrent use, and several processes (the
// bot's shards, "footbot report") may use the same folder: the file is opened for each
// operation and bbolt's file lock orders them. Writes are rare (a declined question, a vote),
// so the milliseconds an open costs do not matter, and nobody is locked out for long.
type Bolt struct {
	path string
	mu   sync.Mutex // one operation at a time from this process
	salt []byte
	kept int // questions, and unhelpful answers, kept: MaxDeclinedKept, fewer in tests
}

// lockWait is how long an operation waits for another process's operation on the same file.
const lockWait = 2 * time.Second

// Open opens (or creates) the store in dir.
func Open(dir string) (*Bolt, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dir, err)
	}
	s := &Bolt{path: filepath.Join(dir, "feedback.db"), kept: MaxDeclinedKept}
	err := s.update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketDeclined, bucketVotes, bucketVoters, bucketVoterTimes, bucketUnhelpful} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if err := indexVoterTimes(tx); err != nil {
			return fmt.Errorf("index voters by time: %w", err)
		}
		meta := tx.Bucket(bucketMeta)
		if salt := meta.Get(keySalt); salt != nil {
			s.salt = bytes.Clone(salt)
			return nil
		}
		s.salt = make([]byte, 32)
		if _, err := rand.Read(s.salt); err != nil {
			return err
		}
		return meta.Put(keySalt, s.salt)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the store. The file is only open during operations, so there is nothing to
// flush; Close exists so callers treat the store like any other resource.
func (s *Bolt) Close() error { return nil }

func (s *Bolt) update(fn func(*bolt.Tx) error) error { return s.with(false, fn) }
func (s *Bolt) view(fn func(*bolt.Tx) error) error   { return s.with(true, fn) }

func (s *Bolt) with(readOnly bool, fn func(*bolt.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if readOnly {
		if _, err := os.Stat(s.path); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("open %s: no feedback recorded yet (is DATA_DIR right?)", s.path)
		}
	}
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: lockWait, ReadOnly: readOnly})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("open %s: still locked by another process after %s", s.path, lockWait)
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	if readOnly {
		err = db.View(fn)
	} else {
		err = db.Update(fn)
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", s.path, cerr)
	}
	return err
}

// AddUnhelpful records that the answer with entryID to question was marked not helpful.
func (s *Bolt) AddUnhelpful(question, entryID string, at time.Time) error {
	key := UnhelpfulKey(question, entryID)
	if key == "" {
		return nil
	}
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnhelpful)
		u := Unhelpful{Question: question, EntryID: entryID}
		if raw := b.Get([]byte(key)); raw != nil {
			if err := json.Unmarshal(raw, &u); err != nil {
				return fmt.Errorf("decode unhelpful %q: %w", key, err)
			}
		} else if b.Stats().KeyN >= s.kept {
			return nil // full: the most useful ones are already listed
		}
		u.Count++
		u.Last = at
		u.Resolution = "" // marked unhelpful again: the moderators should see it again
		return putJSON(b, key, u)
	})
}

// AddDeclined records a declined question asked by userID.
func (s *Bolt) AddDeclined(question, userID string, at time.Time) error {
	key := Normalize(question)
	if key == "" {
		return nil
	}
	asker := Hash(s.salt, "asker", userID)
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDeclined)
		var d Declined
		if raw := b.Get([]byte(key)); raw != nil {
			if err := json.Unmarshal(raw, &d); err != nil {
				return fmt.Errorf("decode declined %q: %w", key, err)
			}
		} else {
			d = Declined{Question: question, First: at}
			if b.Stats().KeyN >= s.kept {
				if err := dropLeastAsked(b); err != nil {
					return err
				}
			}
		}
		d.Count++
		d.Last = at
		if strings.HasPrefix(d.Resolution, "taught:") {
			d.Resolution = "" // taught, yet declined again: the moderators should see it again
		}
		if !slices.Contains(d.Hashes, asker) && len(d.Hashes) < MaxAskersKept {
			d.Hashes = append(d.Hashes, asker)
		}
		d.Askers = len(d.Hashes)
		return putJSON(b, key, d)
	})
}

// dropLeastAsked makes room by removing the least asked, oldest question.
func dropLeastAsked(b *bolt.Bucket) error {
	var victim []byte
	var worst Declined
	err := b.ForEach(func(k, v []byte) error {
		var d Declined
		if json.Unmarshal(v, &d) != nil {
			victim = bytes.Clone(k)
			return nil
		}
		if victim == nil || d.Count < worst.Count || (d.Count == worst.Count && d.Last.Before(worst.Last)) {
			victim, worst = bytes.Clone(k), d
		}
		return nil
	})
	if err != nil || victim == nil {
		return err
	}
	return b.Delete(victim)
}

// AddVote records that userID found the answer answerID (a message) helpful or not, for
// entryID. A person's second vote on the same answer is ignored: counted reports whether this
// one counted.
func (s *Bolt) AddVote(answerID, entryID, userID string, helpful bool, at time.Time) (counted bool, err error) {
	voter := []byte(Hash(s.salt, "vote", answerID, userID))
	err = s.update(func(tx *bolt.Tx) error {
		voters := tx.Bucket(bucketVoters)
		if voters.Get(voter) != nil {
			return nil
		}
		stamp, _ := at.MarshalBinary()
		if err := voters.Put(voter, stamp); err != nil {
			return err
		}
		times := tx.Bucket(bucketVoterTimes)
		if err := times.Put(voterTimeKey(at, voter), nil); err != nil {
			return err
		}
		if err := forgetOldVoters(voters, times, at); err != nil {
			return err
		}
		b := tx.Bucket(bucketVotes)
		v := Votes{EntryID: entryID}
		if raw := b.Get([]byte(entryID)); raw != nil {
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("decode votes %q: %w", entryID, err)
			}
		}
		if helpful {
			v.Helpful++
		} else {
			v.NotHelpful++
		}
		v.Last = at
		counted = true
		return putJSON(b, entryID, v)
	})
	return counted, err
}

// forgetOldVoters drops remembered votes older than VoterMemory, at most forgetBatch a vote so
// that no single vote pays for a large clean-up. It reads the time index from its oldest end
// and stops at the first recent key, so a vote costs only what it forgets. Keys are collected
// first and deleted after the walk: deleting under a bbolt cursor and then calling Next skips
// the key after each deleted one (bbolt issue #146).
func forgetOldVoters(voters, times *bolt.Bucket, now time.Time) error {
	cutoff := voterTimeKey(now.Add(-VoterMemory), nil)
	var old [][]byte
	c := times.Cursor()
	for k, _ := c.First(); k != nil && len(old) < forgetBatch && bytes.Compare(k, cutoff) < 0; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := times.Delete(k); err != nil {
			return err
		}
		if err := voters.Delete(k[8:]); err != nil {
			return err
		}
	}
	return nil
}

// forgetBatch is how many old voters one vote forgets at most: more than one vote adds, so the
// memory shrinks even after a quiet month.
const forgetBatch = 20

func voterTimeKey(at time.Time, voter []byte) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(voter)), uint64(at.UnixNano()))
	return append(k, voter...)
}

// indexVoterTimes builds the time index of a store written before it existed; a store that has
// one, or has no voters, is left as it is.
func indexVoterTimes(tx *bolt.Tx) error {
	times, voters := tx.Bucket(bucketVoterTimes), tx.Bucket(bucketVoters)
	if k, _ := times.Cursor().First(); k != nil {
		return nil
	}
	var keys [][]byte
	err := voters.ForEach(func(voter, stamp []byte) error {
		var t time.Time
		if t.UnmarshalBinary(stamp) != nil {
			t = time.Unix(0, 0) // unreadable: the oldest, forgotten first
		}
		keys = append(keys, voterTimeKey(t, voter))
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := times.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// DeclinedQuestion returns the declined question with the given id.
func (s *Bolt) DeclinedQuestion(id string) (Declined, error) {
	d, err := get[Declined](s, bucketDeclined, id)
	d.ID = id
	return d, err
}

// UnhelpfulAnswer returns the unhelpful answer with the given id.
func (s *Bolt) UnhelpfulAnswer(id string) (Unhelpful, error) {
	u, err := get[Unhelpful](s, bucketUnhelpful, id)
	u.ID = id
	return u, err
}

// get reads the record with the given id from bucket: find in a read-only operation, as
// resolve is find in a write.
func get[T any](s *Bolt, bucket []byte, id string) (T, error) {
	var v T
	err := s.view(func(tx *bolt.Tx) error {
		_, err := find(tx, bucket, id, &v)
		return err
	})
	return v, err
}

// Resolve records what a moderator did with the declined question id: resolution is
// OutOfScope or "taught:ENTRY_ID".
func (s *Bolt) Resolve(id, resolution string) error {
	return resolve[Declined](s, bucketDeclined, id, func(d *Declined) { d.Resolution = resolution })
}

// ResolveUnhelpful records what a moderator did with the unhelpful answer id: resolution is
// Confirmed or "taught:ENTRY_ID".
func (s *Bolt) ResolveUnhelpful(id, resolution string) error {
	return resolve[Unhelpful](s, bucketUnhelpful, id, func(u *Unhelpful) { u.Resolution = resolution })
}

func resolve[T any](s *Bolt, bucket []byte, id string, set func(*T)) error {
	return s.update(func(tx *bolt.Tx) error {
		var v T
		key, err := find(tx, bucket, id, &v)
		if err != nil {
			return err
		}
		set(&v)
		return putJSON(tx.Bucket(bucket), string(key), v)
	})
}

// find scans a bucket for the record with the given id and decodes it into v. The buckets hold
// at most MaxDeclinedKept records, and moderators resolve them one click at a time.
func find(tx *bolt.Tx, bucket []byte, id string, v any) ([]byte, error) {
	c := tx.Bucket(bucket).Cursor()
	for k, raw := c.First(); k != nil; k, raw = c.Next() {
		if DeclinedID(string(k)) != id {
			continue
		}
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, fmt.Errorf("decode %s %q: %w", bucket, k, err)
		}
		return bytes.Clone(k), nil
	}
	return nil, fmt.Errorf("%w: %s", ErrNoSuchQuestion, id)
}

// Report returns the n most asked declined questions and the n entries most often marked not
// helpful.
func (s *Bolt) Report(n int) (Report, error) {
	var r Report
	err := s.view(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketDeclined).ForEach(func(k, v []byte) error {
			var d Declined
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode declined %q: %w", k, err)
			}
			if d.Resolution != "" {
				r.Resolved++
				return nil
			}
			d.Hashes, d.ID = nil, DeclinedID(string(k))
			r.Declined = append(r.Declined, d)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Bucket(bucketUnhelpful).ForEach(func(k, v []byte) error {
			var u Unhelpful
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode unhelpful %q: %w", k, err)
			}
			if u.Resolution == "" {
				u.ID = DeclinedID(string(k))
				r.Unhelpful = append(r.Unhelpful, u)
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketVotes).ForEach(func(k, v []byte) error {
			var vs Votes
			if err := json.Unmarshal(v, &vs); err != nil {
				return fmt.Errorf("decode votes %q: %w", k, err)
			}
			if vs.NotHelpful > 0 {
				r.NotHelpful = append(r.NotHelpful, vs)
			}
			return nil
		})
	})
	if err != nil {
		return Report{}, err
	}
	return r.Top(n), nil
}
