// Package feedback keeps what moderators need to improve the knowledge base: the questions the
// bot declined and the answers people marked unhelpful. It stores no user ids: askers and voters
// are kept only as salted hashes, enough to count distinct people and to ignore a second vote.
//
// Two stores keep it: Bolt, a file in the data folder (one machine), and the PostgreSQL store of
// package postgres (shards on several machines). Both pass the same tests (package storetest).
package feedback

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Store is where feedback is kept.
type Store interface {
	// AddDeclined records a declined question asked by userID.
	AddDeclined(question, userID string, at time.Time) error
	// AddVote records that userID found the answer answerID (a message) helpful or not, for
	// entryID. A person's second vote on the same answer is ignored: counted reports whether
	// this one counted.
	AddVote(answerID, entryID, userID string, helpful bool, at time.Time) (counted bool, err error)
	// AddUnhelpful records that the answer with entryID to question was marked not helpful.
	AddUnhelpful(question, entryID string, at time.Time) error
	// DeclinedQuestion returns the declined question with the given id, or ErrNoSuchQuestion.
	DeclinedQuestion(id string) (Declined, error)
	// UnhelpfulAnswer returns the unhelpful answer with the given id, or ErrNoSuchQuestion.
	UnhelpfulAnswer(id string) (Unhelpful, error)
	// Resolve records what a moderator did with the declined question id: OutOfScope or
	// "taught:ENTRY_ID".
	Resolve(id, resolution string) error
	// ResolveUnhelpful records what a moderator did with the unhelpful answer id: Confirmed or
	// "taught:ENTRY_ID".
	ResolveUnhelpful(id, resolution string) error
	// Report returns the n most asked declined questions, the n entries most often marked not
	// helpful and the n unhelpful answers most often marked.
	Report(n int) (Report, error)
	Close() error
}

// Bounds that keep a store small however long the bot runs. Every store keeps them, so they
// are exported: a store in another package must count and forget alike.
const (
	MaxQuestionKey  = 200                 // characters of a question used to group repeats
	MaxAskersKept   = 500                 // distinct asker hashes kept per question; counting stops there
	VoterMemory     = 30 * 24 * time.Hour // how long a vote is remembered to ignore repeats
	MaxDeclinedKept = 5000                // questions kept (and unhelpful answers); the least asked are dropped past this
)

// Declined is a question the bot did not answer, grouped with its repeats.
type Declined struct {
	// ID names the question in a Discord custom_id (which holds 100 characters at most, so it
	// carries this id, never the question): a hash of the question as the store keys it.
	ID       string    `json:"-"`
	Question string    `json:"question"` // as first asked
	Count    int       `json:"count"`
	Askers   int       `json:"askers"` // distinct people, up to MaxAskersKept
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

// OutOfScope is the resolution of a declined question that the bot is right to decline.
const OutOfScope = "out-of-scope"

// DeclinedID is the id of a store key: Normalize(question) for a declined question,
// UnhelpfulKey for an unhelpful answer. Every store derives ids this way, so a custom_id made by
// one shard names the same record in any store.
func DeclinedID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// UnhelpfulKey is the key an unhelpful answer is grouped by: its normalized question and the
// entry that answered it, or "" if either is empty (nothing to record).
func UnhelpfulKey(question, entryID string) string {
	q := Normalize(question)
	if q == "" || entryID == "" {
		return ""
	}
	return q + "\x00" + entryID
}

// Hash is how askers and voters are kept: an HMAC of parts under the store's salt, so the same
// person counts once, yet no user id can be read back, nor guessed without the salt. Stores
// shared by several shards keep one salt for all of them, or each would count the same person
// anew.
func Hash(salt []byte, parts ...string) string {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// Votes counts the feedback on one entry.
type Votes struct {
	EntryID    string    `json:"entry"`
	Helpful    int       `json:"helpful"`
	NotHelpful int       `json:"not_helpful"`
	Last       time.Time `json:"last"`
}

// Normalize is the key that groups repeats of a question: case, spacing and trailing
// punctuation do not matter, nor anything past MaxQuestionKey characters. "" means there is no
// question to record.
func Normalize(q string) string {
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	q = strings.TrimRight(q, "?!. ")
	if utf8.RuneCountInString(q) > MaxQuestionKey {
		q = string([]rune(q)[:MaxQuestionKey])
	}
	return q
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

// Top sorts the report's lists, most asked or marked first, and keeps n of each: every store's
// Report ends with it, so all of them order alike.
func (r Report) Top(n int) Report {
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
	return r
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
