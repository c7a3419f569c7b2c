package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/internal/feedback/storetest"
	"github.com/footbot/footbot/internal/pgtest"
)

// discard is a logger for tests that do not read the log.
var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// openFeedback opens the feedback store in the database at url, closed when t ends.
func openFeedback(t testing.TB, url string) *Feedback {
	t.Helper()
	db, err := Open(context.Background(), url, discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	f, err := db.Feedback(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFeedbackIsAStore(t *testing.T) {
	srv := pgtest.Start(t)
	storetest.Run(t, func(t *testing.T) feedback.Store { return openFeedback(t, srv.NewDatabase(t)) })
}

func TestFeedbackKeepsItsBound(t *testing.T) {
	srv := pgtest.Start(t)
	const kept = 5
	storetest.RunCapacity(t, kept, func(t *testing.T) feedback.Store {
		f := openFeedback(t, srv.NewDatabase(t))
		f.kept = kept
		return f
	})
}

// TestShardsCountAPersonOnce: two shards on one database share the salt, so a person asking on
// one and again on the other is one asker, and their second vote is ignored wherever it lands.
func TestShardsCountAPersonOnce(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	a, b := openFeedback(t, url), openFeedback(t, url)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if err := a.AddDeclined("shoe sizes?", "u1", now); err != nil {
		t.Fatal(err)
	}
	if err := b.AddDeclined("Shoe sizes", "u1", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	r, err := b.Report(5)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Declined) != 1 || r.Declined[0].Count != 2 || r.Declined[0].Askers != 1 {
		t.Errorf("declined = %+v, want one question asked twice by one person", r.Declined)
	}
	if counted, err := a.AddVote("msg1", "how-often", "u1", false, now); err != nil || !counted {
		t.Fatalf("first vote: %v, %v", counted, err)
	}
	if counted, err := b.AddVote("msg1", "how-often", "u1", true, now); err != nil || counted {
		t.Errorf("the same person's vote through another shard: counted %v, %v", counted, err)
	}
	if !bytes.Equal(a.salt, b.salt) || len(a.salt) != 32 {
		t.Errorf("salts %x and %x, want one 32-byte salt", a.salt, b.salt)
	}
}

// TestADeadDatabaseFailsFastAndRecovers: while the server is down a caller gets an error within
// opTimeout, not a hang, and one that does not give the password away; once it is back the same
// store works again without being reopened.
func TestADeadDatabaseFailsFastAndRecovers(t *testing.T) {
	srv := pgtest.Start(t)
	f := openFeedback(t, srv.NewDatabase(t))
	now := time.Now()
	if err := f.AddDeclined("before", "u1", now); err != nil {
		t.Fatal(err)
	}
	srv.Stop(t)
	ops := map[string]func() error{
		"AddDeclined":  func() error { return f.AddDeclined("while down", "u1", now) },
		"AddVote":      func() error { _, err := f.AddVote("m", "e", "u1", true, now); return err },
		"AddUnhelpful": func() error { return f.AddUnhelpful("while down", "e", now) },
		"Report":       func() error { _, err := f.Report(5); return err },
		"DeclinedQuestion": func() error {
			_, err := f.DeclinedQuestion(feedback.DeclinedID("before"))
			return err
		},
		"Resolve": func() error { return f.Resolve(feedback.DeclinedID("before"), feedback.OutOfScope) },
		"UnhelpfulAnswer": func() error {
			_, err := f.UnhelpfulAnswer(feedback.DeclinedID(feedback.UnhelpfulKey("before", "e")))
			return err
		},
		"ResolveUnhelpful": func() error {
			return f.ResolveUnhelpful(feedback.DeclinedID(feedback.UnhelpfulKey("before", "e")), feedback.Confirmed)
		},
	}
	for name, op := range ops {
		began := time.Now()
		err := op()
		took := time.Since(began)
		if err == nil || errors.Is(err, feedback.ErrNoSuchQuestion) {
			t.Errorf("%s with the database down: %v, want an error", name, err)
			continue
		}
		if took > opTimeout+time.Second {
			t.Errorf("%s took %v to fail, want at most about %v", name, took, opTimeout)
		}
		if strings.Contains(err.Error(), srv.Password()) {
			t.Errorf("%s's error holds the password: %v", name, err)
		}
		if !strings.Contains(err.Error(), "127.0.0.1:") {
			t.Errorf("%s's error does not say which database: %v", name, err)
		}
	}
	srv.Restart(t)
	if err := f.AddDeclined("before", "u2", now); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if d, err := f.DeclinedQuestion(feedback.DeclinedID("before")); err != nil || d.Count != 2 {
		t.Errorf("after the restart: %+v, %v; want the question kept and counted twice", d, err)
	}
}

// TestOldVotersAreForgotten: the voters table does not grow for ever; each vote deletes up to
// forgetBatch voters older than feedback.VoterMemory, oldest first.
func TestOldVotersAreForgotten(t *testing.T) {
	srv := pgtest.Start(t)
	f := openFeedback(t, srv.NewDatabase(t))
	then := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	const old = forgetBatch + 30
	for i := range old {
		if _, err := f.AddVote(fmt.Sprint("old", i), "how-often", "u1", true, then.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	voters := func() (n int) {
		t.Helper()
		if err := f.db.pool.QueryRow(context.Background(), `SELECT count(*) FROM feedback_voters`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	now := then.Add(feedback.VoterMemory + time.Hour)
	if _, err := f.AddVote("new1", "how-often", "u1", true, now); err != nil {
		t.Fatal(err)
	}
	if got, want := voters(), old-forgetBatch+1; got != want {
		t.Errorf("after one vote %d voters remembered, want %d (%d forgotten)", got, want, forgetBatch)
	}
	var oldest time.Time
	if err := f.db.pool.QueryRow(context.Background(), `SELECT min(voted_at) FROM feedback_voters`).Scan(&oldest); err != nil {
		t.Fatal(err)
	}
	if want := then.Add(forgetBatch * time.Second); !oldest.Equal(want) {
		t.Errorf("the oldest voter left voted at %v, want %v: the oldest %d go first", oldest, want, forgetBatch)
	}
	if _, err := f.AddVote("new2", "how-often", "u1", true, now); err != nil {
		t.Fatal(err)
	}
	if got := voters(); got != 2 {
		t.Errorf("after two votes %d voters remembered, want only the 2 recent ones", got)
	}
}
