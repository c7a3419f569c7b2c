// Package feedback keeps what moderators need to improve the knowledge base: the questions the
// bot declined and the answers people marked unhelpful. It survives restarts (bbolt file in the
// data folder) and stores no user ids: askers and voters are kept only as salted hashes, enough
// to count distinct people and to ignore a second vote.
package feedback

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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

// Bounds that keep the file small however long the bot runs.
const (
	maxQuestionKey  = 200                 // characters of a question used to group repeats
	maxAskersKept   = 500                 // distinct asker hashes kept per question; counting stops there
	voterMemory     = 30 * 24 * time.Hour // how long a vote is remembered to ignore repeats
	maxDeclinedKept = 5000                // questions kept; the least asked are dropped past this
)

// Store is the feedback database. It is safe for concurrent use, and several processes (the
// bot's shards, "footbot report") may use the same folder: the file is opened for each
// operation and bbolt's file lock orders them. Writes are rare (a declined question, a vote),
// so the milliseconds an open costs do not matter, and nobody is locked out for long.
type Store struct {
	path string
	mu   sync.Mutex // one operation at a time from this process
	salt []byte
}

// lockWait is how long an operation waits for another process's operation on the same file.
const lockWait = 2 * time.Second

// Open opens (or creates) the store in dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dir, err)
	}
	s := &Store{path: filepath.Join(dir, "feedback.db")}
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
func (s *Store) Close() error { return nil }

func (s *Store) update(fn func(*bolt.Tx) error) error { return s.with(false, fn) }
func (s *Store) view(fn func(*bolt.Tx) error) error   { return s.with(true, fn) }

func (s *Store) with(readOnly bool, fn func(*bolt.Tx) error) error {
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

func (s *Store) hash(parts ...string) string {
	m := hmac.New(sha256.New, s.salt)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// Declined is a question the bot did not answer, grouped with its repeats.
type Declined struct {
	// ID names the question in a Discord custom_id (which holds 100 characters at most, so it
	// carries this id, never the question): a hash of the question as the store keys it.
	ID       string    `json:"-"`
	Question string    `json:"question"` // as first asked
	Count    int       `json:"count"`
	Askers   int       `json:"askers"` // distinct people, up to maxAskersKept
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	Hashes   []string  `json:"hashes,omitempty"`
	// Resolution says what a moderator did with it: "taught:ENTRY_ID" (added as a phrasing of
	// that entry) or OutOfScope (a known decline). Resolved questions are counted on but no
	// longer listed; a taught question that is declined again is listed again.
	Resolution string `json:"resolution,omitempty"`
}

// Unhelpful is an answer people marked not helpful, with the question it answered.
type Unhelpful struct {
	ID       string    `json:"-"` // for custom_ids, like Declined.ID
	Question string    `json:"question"`
	EntryID  string    `json:"entry"`
	Count    int       `json:"count"`
	Last     time.Time `json:"last"`
	// Resolution: "taught:ENTRY_ID" (the question was taught to the right entry) or Confirmed.
	Resolution string `json:"resolution,omitempty"`
}

// Confirmed is the resolution of an unhelpful answer a moderator says was right.
const Confirmed = "confirmed"

// AddUnhelpful records that the answer with entryID to question was marked not helpful.
func (s *Store) AddUnhelpful(question, entryID string, at time.Time) error {
	q := normalize(question)
	if q == "" || entryID == "" {
		return nil
	}
	key := q + "\x00" + entryID
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnhelpful)
		u := Unhelpful{Question: question, EntryID: entryID}
		if raw := b.Get([]byte(key)); raw != nil {
			if err := json.Unmarshal(raw, &u); err != nil {
				return fmt.Errorf("decode unhelpful %q: %w", key, err)
			}
		} else if b.Stats().KeyN >= maxDeclinedKept {
			return nil // full: the most useful ones are already listed
		}
		u.Count++
		u.Last = at
		u.Resolution = "" // marked unhelpful again: the moderators should see it again
		return putJSON(b, key, u)
	})
}

// OutOfScope is the resolution of a declined question that the bot is right to decline.
const OutOfScope = "out-of-scope"

// declinedID is the id of a declined question's store key.
func declinedID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// Votes counts the feedback on one entry.
type Votes struct {
	EntryID    string    `json:"entry"`
	Helpful    int       `json:"helpful"`
	NotHelpful int       `json:"not_helpful"`
	Last       time.Time `json:"last"`
}

// normalize groups repeats of a question: case, spacing and trailing punctuation do not matter.
func normalize(q string) string {
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	q = strings.TrimRight(q, "?!. ")
	if utf8.RuneCountInString(q) > maxQuestionKey {
		q = string([]rune(q)[:maxQuestionKey])
	}
	return q
}

// AddDeclined records a declined question asked by userID.
func (s *Store) AddDeclined(question, userID string, at time.Time) error {
	key := normalize(question)
	if key == "" {
		return nil
	}
	asker := s.hash("asker", userID)
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDeclined)
		var d Declined
		if raw := b.Get([]byte(key)); raw != nil {
			if err := json.Unmarshal(raw, &d); err != nil {
				return fmt.Errorf("decode declined %q: %w", key, err)
			}
		} else {
			d = Declined{Question: question, First: at}
			if b.Stats().KeyN >= maxDeclinedKept {
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
		if !slices.Contains(d.Hashes, asker) && len(d.Hashes) < maxAskersKept {
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
func (s *Store) AddVote(answerID, entryID, userID string, helpful bool, at time.Time) (counted bool, err error) {
	voter := []byte(s.hash("vote", answerID, userID))
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

// forgetOldVoters drops remembered votes older than voterMemory, at most forgetBatch a vote so
// that no single vote pays for a large clean-up. It reads the time index from its oldest end
// and stops at the first recent key, so a vote costs only what it forgets. Keys are collected
// first and deleted after the walk: deleting under a bbolt cursor and then calling Next skips
// the key after each deleted one (bbolt issue #146).
func forgetOldVoters(voters, times *bolt.Bucket, now time.Time) error {
	cutoff := voterTimeKey(now.Add(-voterMemory), nil)
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

// Report is what moderators read to improve the knowledge base.
type Report struct {
	Declined   []Declined  // most asked first; not the resolved ones
	NotHelpful []Votes     // most "not helpful" first; only entries with any
	Unhelpful  []Unhelpful // answers marked not helpful, with their questions, most marked first; not the resolved ones
	Resolved   int         // declined questions a moderator has taught or marked out of scope
}

// ErrNoSuchQuestion is returned for a declined question id the store does not have (any more).
var ErrNoSuchQuestion = errors.New("no such declined question")

// DeclinedQuestion returns the declined question with the given id.
func (s *Store) DeclinedQuestion(id string) (Declined, error) {
	var d Declined
	err := s.view(func(tx *bolt.Tx) error {
		_, err := find(tx, bucketDeclined, id, &d)
		return err
	})
	d.ID = id
	return d, err
}

// UnhelpfulAnswer returns the unhelpful answer with the given id.
func (s *Store) UnhelpfulAnswer(id string) (Unhelpful, error) {
	var u Unhelpful
	err := s.view(func(tx *bolt.Tx) error {
		_, err := find(tx, bucketUnhelpful, id, &u)
		return err
	})
	u.ID = id
	return u, err
}

// Resolve records what a moderator did with the declined question id: resolution is
// OutOfScope or "taught:ENTRY_ID".
func (s *Store) Resolve(id, resolution string) error {
	return resolve[Declined](s, bucketDeclined, id, func(d *Declined) { d.Resolution = resolution })
}

// ResolveUnhelpful records what a moderator did with the unhelpful answer id: resolution is
// Confirmed or "taught:ENTRY_ID".
func (s *Store) ResolveUnhelpful(id, resolution string) error {
	return resolve[Unhelpful](s, bucketUnhelpful, id, func(u *Unhelpful) { u.Resolution = resolution })
}

func resolve[T any](s *Store, bucket []byte, id string, set func(*T)) error {
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
// at most maxDeclinedKept records, and moderators resolve them one click at a time.
func find(tx *bolt.Tx, bucket []byte, id string, v any) ([]byte, error) {
	c := tx.Bucket(bucket).Cursor()
	for k, raw := c.First(); k != nil; k, raw = c.Next() {
		if declinedID(k) != id {
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
func (s *Store) Report(n int) (Report, error) {
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
			d.Hashes, d.ID = nil, declinedID(k)
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
				u.ID = declinedID(k)
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
	slices.SortFunc(r.Declined, func(a, b Declined) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), b.Last.Compare(a.Last))
	})
	slices.SortFunc(r.NotHelpful, func(a, b Votes) int {
		return cmp.Or(cmp.Compare(b.NotHelpful, a.NotHelpful), cmp.Compare(a.Helpful, b.Helpful))
	})
	slices.SortFunc(r.Unhelpful, func(a, b Unhelpful) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), b.Last.Compare(a.Last))
	})
	r.Declined = r.Declined[:min(n, len(r.Declined))]
	r.Unhelpful = r.Unhelpful[:min(n, len(r.Unhelpful))]
	r.NotHelpful = r.NotHelpful[:min(n, len(r.NotHelpful))]
	return r, nil
}

// Text renders the report for a terminal or a Discord message.
func (r Report) Text() string {
	var sb strings.Builder
	sb.WriteString("Most asked questions the bot could not answer:\n")
	if len(r.Declined) == 0 {
		sb.WriteString("  (none yet)\n")
	}
	for _, d := range r.Declined {
		fmt.Fprintf(&sb, "  %3d× (%d people, last %s)  %s\n", d.Count, d.Askers, d.Last.Format("2006-01-02"), d.Question)
	}
	if r.Resolved > 0 {
		fmt.Fprintf(&sb, "  (and %d the moderators taught or marked out of scope)\n", r.Resolved)
	}
	sb.WriteString("\nEntries marked not helpful:\n")
	if len(r.NotHelpful) == 0 {
		sb.WriteString("  (none yet)\n")
	}
	for _, v := range r.NotHelpful {
		fmt.Fprintf(&sb, "  %3d not helpful, %d helpful (last %s)  %s\n", v.NotHelpful, v.Helpful, v.Last.Format("2006-01-02"), v.EntryID)
	}
	if len(r.Unhelpful) > 0 {
		sb.WriteString("\nQuestions whose answer was marked not helpful:\n")
	}
	for _, u := range r.Unhelpful {
		fmt.Fprintf(&sb, "  %3d× (last %s)  %s  → answered with %s\n", u.Count, u.Last.Format("2006-01-02"), u.Question, u.EntryID)
	}
	return sb.String()
}
