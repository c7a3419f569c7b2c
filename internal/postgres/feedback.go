package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/footbot/footbot/internal/feedback"
)

// Feedback is the feedback store in PostgreSQL: every shard's declined questions, votes and
// unhelpful answers in one place. It keeps Bolt's rules (the shared tests in
// feedback/storetest check both): questions grouped by feedback.Normalize, askers and voters
// as salted hashes under one salt all shards share, the same bounds, and the same ids, so a
// custom_id made by one shard names the same question on any other. It is safe for
// concurrent use, by goroutines and by shards.
type Feedback struct {
	db   *DB
	salt []byte
	kept int // questions, and unhelpful answers, kept: feedback.MaxDeclinedKept, fewer in tests
}

var _ feedback.Store = (*Feedback)(nil)

// opTimeout bounds every operation, so that a database that is down or unreachable costs a
// caller (a reply, a button click) a logged error rather than a hang: feedback is worth less
// than the answer it is about.
const opTimeout = 3 * time.Second

// forgetBatch is how many old voters one vote forgets at most, as in Bolt: more than one vote
// adds, so the memory shrinks even after a quiet month, and no vote pays for a large clean-up.
const forgetBatch = 100

// Advisory lock keys, beside migrationLock: shards add new questions (and new unhelpful answers)
// one at a time, so that a full table cannot take two for its last place, nor drop two
// questions to make room for one. Repeats, the usual write, take no such lock.
const (
	declinedLock  = migrationLock + 1
	unhelpfulLock = migrationLock + 2
)

// Feedback returns the feedback store in db. The first shard to ask makes the salt; the others
// read it.
func (db *DB) Feedback(ctx context.Context) (*Feedback, error) {
	salt, err := loadSalt(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: feedback salt: %w", db.target, db.scrub(err))
	}
	return &Feedback{db: db, salt: salt, kept: feedback.MaxDeclinedKept}, nil
}

// loadSalt returns the salt stored in the database, storing a new one first if there is none.
// Two statements, not one: when two shards start at once, the INSERT of the second waits for the
// first's to commit and then does nothing, and only a statement begun after that sees the first
// one's salt (a single statement's snapshot would predate it).
func loadSalt(ctx context.Context, db *DB) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO feedback_meta (key, value) VALUES ('salt', $1) ON CONFLICT (key) DO NOTHING`, fresh); err != nil {
		return nil, err
	}
	var salt []byte
	if err := db.pool.QueryRow(ctx, `SELECT value FROM feedback_meta WHERE key = 'salt'`).Scan(&salt); err != nil {
		return nil, err
	}
	return salt, nil
}

// Close does nothing: the connections are the DB's, which the knowledge store shares. Close
// the DB to close them.
func (f *Feedback) Close() error { return nil }

// AddDeclined records a declined question asked by userID.
func (f *Feedback) AddDeclined(question, userID string, at time.Time) error {
	key := feedback.Normalize(question)
	if key == "" {
		return nil
	}
	id := feedback.DeclinedID(key)
	asker := feedback.Hash(f.salt, "asker", userID)
	return f.tx("record a declined question", func(ctx context.Context, tx pgx.Tx) error {
		if known, err := askAgain(ctx, tx, id, asker, at); err != nil || known {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, declinedLock); err != nil {
			return err
		}
		if known, err := askAgain(ctx, tx, id, asker, at); err != nil || known { // another shard added it meanwhile
			return err
		}
		// Make room: drop the least asked, oldest questions past the bound (one, unless the bound
		// was lowered). Ties go in the order of their keys' bytes, as in Bolt.
		if _, err := tx.Exec(ctx, `DELETE FROM feedback_declined WHERE id IN (
				SELECT id FROM feedback_declined ORDER BY count, last_at, question_key COLLATE "C"
				LIMIT greatest(0, (SELECT count(*) FROM feedback_declined) - $1 + 1))`, f.kept); err != nil {
			return fmt.Errorf("make room: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO feedback_declined (id, question_key, question, count, askers, first_at, last_at)
			VALUES ($1, $2, $3, 1, ARRAY[$4::text], $5, $5)`, id, clean(key), clean(question), asker, at)
		return err
	})
}

// askAgain counts one more asking of the declined question id, if it is known. A taught
// question asked again is listed again: the teaching did not take.
func askAgain(ctx context.Context, tx pgx.Tx, id, asker string, at time.Time) (known bool, err error) {
	tag, err := tx.Exec(ctx, `UPDATE feedback_declined SET
			count = count + 1,
			last_at = $3,
			resolution = CASE WHEN resolution LIKE 'taught:%' THEN '' ELSE resolution END,
			askers = CASE WHEN $2::text = ANY (askers) OR cardinality(askers) >= $4 THEN askers
				ELSE array_append(askers, $2::text) END
		WHERE id = $1`, id, asker, at, feedback.MaxAskersKept)
	return tag.RowsAffected() == 1, err
}

// AddUnhelpful records that the answer with entryID to question was marked not helpful.
func (f *Feedback) AddUnhelpful(question, entryID string, at time.Time) error {
	key := feedback.UnhelpfulKey(question, entryID)
	if key == "" {
		return nil
	}
	id := feedback.DeclinedID(key)
	// Marked unhelpful again: the moderators should see it again.
	const again = `UPDATE feedback_unhelpful SET count = count + 1, last_at = $2, resolution = '' WHERE id = $1`
	return f.tx("record an unhelpful answer", func(ctx context.Context, tx pgx.Tx) error {
		if tag, err := tx.Exec(ctx, again, id, at); err != nil || tag.RowsAffected() == 1 {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, unhelpfulLock); err != nil {
			return err
		}
		if tag, err := tx.Exec(ctx, again, id, at); err != nil || tag.RowsAffected() == 1 {
			return err
		}
		// Full: nothing is dropped, as in Bolt: the most useful ones are already listed.
		_, err := tx.Exec(ctx, `INSERT INTO feedback_unhelpful (id, question, entry_id, count, last_at)
			SELECT $1, $2, $3, 1, $4 WHERE (SELECT count(*) FROM feedback_unhelpful) < $5`,
			id, clean(question), clean(entryID), at, f.kept)
		return err
	})
}

// AddVote records that userID found the answer answerID (a message) helpful or not, for
// entryID. A person's second vote on the same answer within feedback.VoterMemory is ignored:
// counted reports whether this one counted.
func (f *Feedback) AddVote(answerID, entryID, userID string, helpful bool, at time.Time) (counted bool, err error) {
	voter := feedback.Hash(f.salt, "vote", answerID, userID)
	cutoff := at.Add(-feedback.VoterMemory)
	err = f.tx("record a vote", func(ctx context.Context, tx pgx.Tx) error {
		// SKIP LOCKED: shards forgetting at once take different voters, rather than waiting
		// for each other's (or deadlocking on rows locked in another order).
		if _, err := tx.Exec(ctx, `DELETE FROM feedback_voters WHERE voter IN (
				SELECT voter FROM feedback_voters WHERE voted_at < $1
				ORDER BY voted_at LIMIT $2 FOR UPDATE SKIP LOCKED)`, cutoff, forgetBatch); err != nil {
			return fmt.Errorf("forget old voters: %w", err)
		}
		// A voter remembered from before the cutoff, not yet forgotten, votes anew.
		tag, err := tx.Exec(ctx, `INSERT INTO feedback_voters (voter, voted_at) VALUES ($1, $2)
			ON CONFLICT (voter) DO UPDATE SET voted_at = excluded.voted_at WHERE feedback_voters.voted_at < $3`,
			voter, at, cutoff)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		yes, no := 0, 1
		if helpful {
			yes, no = 1, 0
		}
		if _, err := tx.Exec(ctx, `INSERT INTO feedback_votes (entry_id, helpful, not_helpful, last_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (entry_id) DO UPDATE SET
				helpful = feedback_votes.helpful + excluded.helpful,
				not_helpful = feedback_votes.not_helpful + excluded.not_helpful,
				last_at = excluded.last_at`, clean(entryID), yes, no, at); err != nil {
			return err
		}
		counted = true
		return nil
	})
	if err != nil {
		return false, err
	}
	return counted, nil
}

// DeclinedQuestion returns the declined question with the given id, or ErrNoSuchQuestion.
func (f *Feedback) DeclinedQuestion(id string) (feedback.Declined, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	d := feedback.Declined{ID: id}
	err := f.db.pool.QueryRow(ctx, `SELECT question, count, askers, first_at, last_at, resolution
		FROM feedback_declined WHERE id = $1`, id).Scan(&d.Question, &d.Count, &d.Hashes, &d.First, &d.Last, &d.Resolution)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("%w: %s", feedback.ErrNoSuchQuestion, id)
	}
	if err != nil {
		return d, f.fail("read a declined question", err)
	}
	d.Askers = len(d.Hashes)
	return d, nil
}

// UnhelpfulAnswer returns the unhelpful answer with the given id, or ErrNoSuchQuestion.
func (f *Feedback) UnhelpfulAnswer(id string) (feedback.Unhelpful, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	u := feedback.Unhelpful{ID: id}
	err := f.db.pool.QueryRow(ctx, `SELECT question, entry_id, count, last_at, resolution
		FROM feedback_unhelpful WHERE id = $1`, id).Scan(&u.Question, &u.EntryID, &u.Count, &u.Last, &u.Resolution)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, fmt.Errorf("%w: %s", feedback.ErrNoSuchQuestion, id)
	}
	if err != nil {
		return u, f.fail("read an unhelpful answer", err)
	}
	return u, nil
}

// Resolve records what a moderator did with the declined question id: resolution is
// feedback.OutOfScope or "taught:ENTRY_ID".
func (f *Feedback) Resolve(id, resolution string) error {
	return f.resolve("feedback_declined", id, resolution)
}

// ResolveUnhelpful records what a moderator did with the unhelpful answer id: resolution is
// feedback.Confirmed or "taught:ENTRY_ID".
func (f *Feedback) ResolveUnhelpful(id, resolution string) error {
	return f.resolve("feedback_unhelpful", id, resolution)
}

// resolve sets the resolution of row id of table, which is one of the two names above, never
// anything from outside.
func (f *Feedback) resolve(table, id, resolution string) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	tag, err := f.db.pool.Exec(ctx, `UPDATE `+table+` SET resolution = $2 WHERE id = $1`, id, clean(resolution))
	if err != nil {
		return f.fail("record a resolution", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s", feedback.ErrNoSuchQuestion, id)
	}
	return nil
}

// Report returns the n most asked declined questions, the n entries most often marked not
// helpful and the n unhelpful answers most often marked. It reads in one snapshot, so the
// lists agree with each other while shards write.
func (f *Feedback) Report(n int) (feedback.Report, error) {
	n = max(n, 0)
	var r feedback.Report
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	err := pgx.BeginTxFunc(ctx, f.db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// Each ORDER BY is Report.Top's, so the n kept here are the n it keeps.
		rows, err := tx.Query(ctx, `SELECT id, question, count, cardinality(askers), first_at, last_at
			FROM feedback_declined WHERE resolution = '' ORDER BY count DESC, last_at DESC LIMIT $1`, n)
		if err != nil {
			return err
		}
		r.Declined, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (feedback.Declined, error) {
			var d feedback.Declined
			err := row.Scan(&d.ID, &d.Question, &d.Count, &d.Askers, &d.First, &d.Last)
			return d, err
		})
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM feedback_declined WHERE resolution <> ''`).Scan(&r.Resolved); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT entry_id, helpful, not_helpful, last_at
			FROM feedback_votes WHERE not_helpful > 0 ORDER BY not_helpful DESC, helpful LIMIT $1`, n)
		if err != nil {
			return err
		}
		r.NotHelpful, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (feedback.Votes, error) {
			var v feedback.Votes
			err := row.Scan(&v.EntryID, &v.Helpful, &v.NotHelpful, &v.Last)
			return v, err
		})
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT id, question, entry_id, count, last_at
			FROM feedback_unhelpful WHERE resolution = '' ORDER BY count DESC, last_at DESC LIMIT $1`, n)
		if err != nil {
			return err
		}
		r.Unhelpful, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (feedback.Unhelpful, error) {
			var u feedback.Unhelpful
			err := row.Scan(&u.ID, &u.Question, &u.EntryID, &u.Count, &u.Last)
			return u, err
		})
		return err
	})
	if err != nil {
		return feedback.Report{}, f.fail("read the report", err)
	}
	return r.Top(n), nil
}

// tx runs fn in a transaction, within opTimeout.
func (f *Feedback) tx(what string, fn func(context.Context, pgx.Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := pgx.BeginFunc(ctx, f.db.pool, func(tx pgx.Tx) error { return fn(ctx, tx) }); err != nil {
		return f.fail(what, err)
	}
	return nil
}

func (f *Feedback) fail(what string, err error) error { return f.db.fail(what, err) }

// clean makes s storable as PostgreSQL text, which must be valid UTF-8 without NUL: Discord
// passes on whatever a person typed. Ids are made from the text as given, so they match
// Bolt's.
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
