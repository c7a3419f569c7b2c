package feedback

import (
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OpenKeeping opens a Bolt in dir that keeps only kept questions and unhelpful answers, for
// the shared capacity tests (bolt_shared_test.go), which cannot reach the field: they are in
// package feedback_test, since storetest imports feedback.
func OpenKeeping(dir string, kept int) (*Bolt, error) {
	s, err := Open(dir)
	if err != nil {
		return nil, err
	}
	s.kept = kept
	return s, nil
}

// openBolt opens the store in dir, failing t if it cannot.
func openBolt(t testing.TB, dir string) *Bolt {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open %s: %v", dir, err)
	}
	return s
}

func TestCountsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	s := openBolt(t, dir)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i, user := range []string{"u1", "u2", "u1"} {
		if err := s.AddDeclined("How do I treat athlete's foot?", user, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddDeclined("how do i treat athlete's foot", "u3", now); err != nil { // same question, other spelling
		t.Fatal(err)
	}
	if err := s.AddDeclined("shoe sizes?", "u1", now); err != nil {
		t.Fatal(err)
	}
	if counted, err := s.AddVote("msg1", "benefit-sleep", "u1", false, now); err != nil || !counted {
		t.Fatalf("first vote: counted %v, %v", counted, err)
	}
	if counted, _ := s.AddVote("msg1", "benefit-sleep", "u1", true, now); counted {
		t.Error("a second vote by the same person on the same answer counted")
	}
	if _, err := s.AddVote("msg2", "benefit-sleep", "u2", false, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openBolt(t, dir)
	defer s.Close()
	r, err := s.Report(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Declined) != 2 || r.Declined[0].Count != 4 || r.Declined[0].Askers != 3 {
		t.Errorf("declined = %+v, want athlete's foot first with 4 asks by 3 people", r.Declined)
	}
	if len(r.NotHelpful) != 1 || r.NotHelpful[0].NotHelpful != 2 || r.NotHelpful[0].Helpful != 0 {
		t.Errorf("not helpful = %+v, want benefit-sleep with 2", r.NotHelpful)
	}
	if text := r.Text(); !strings.Contains(text, "athlete's foot") || strings.Contains(text, "u1") {
		t.Errorf("report text:\n%s", text)
	}
}

func TestTwoStoresOnTheSameFolderShareIt(t *testing.T) {
	dir := t.TempDir()
	a := openBolt(t, dir)
	b := openBolt(t, dir) // another shard, or "footbot report" while the bot runs
	now := time.Now()
	if err := a.AddDeclined("shoe sizes?", "u1", now); err != nil {
		t.Fatal(err)
	}
	if err := b.AddDeclined("shoe sizes", "u2", now); err != nil {
		t.Fatal(err)
	}
	r, err := a.Report(5)
	if err != nil || len(r.Declined) != 1 || r.Declined[0].Askers != 2 {
		t.Fatalf("Report = %+v, %v; want one question from 2 people", r, err)
	}
}

func countKeys(t *testing.T, s *Bolt, bucket []byte) int {
	t.Helper()
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOldVotersAreForgottenWithoutSkippingAny(t *testing.T) {
	s := openBolt(t, t.TempDir())
	then := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	for i := range 30 { // consecutive keys: a delete-then-Next walk would skip every other one
		if _, err := s.AddVote(fmt.Sprintf("old%d", i), "how-often", "u1", true, then.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	now := then.Add(VoterMemory + time.Hour)
	if _, err := s.AddVote("new1", "how-often", "u1", true, now); err != nil {
		t.Fatal(err)
	}
	if got, want := countKeys(t, s, bucketVoters), 30-forgetBatch+1; got != want {
		t.Errorf("after one vote %d voters remembered, want %d (%d forgotten)", got, want, forgetBatch)
	}
	if _, err := s.AddVote("new2", "how-often", "u1", true, now); err != nil {
		t.Fatal(err)
	}
	if got := countKeys(t, s, bucketVoters); got != 2 {
		t.Errorf("after two votes %d voters remembered, want only the 2 recent ones", got)
	}
	if got := countKeys(t, s, bucketVoterTimes); got != 2 {
		t.Errorf("time index has %d keys, want 2", got)
	}
	if counted, _ := s.AddVote("new1", "how-often", "u1", false, now); counted {
		t.Error("a recent voter was forgotten: their second vote counted")
	}
}

func TestAStoreWithoutTheTimeIndexGetsOneOnOpen(t *testing.T) {
	dir := t.TempDir()
	s := openBolt(t, dir)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, id := range []string{"a", "b", "c"} {
		if _, err := s.AddVote(id, "how-often", "u1", true, now); err != nil {
			t.Fatal(err)
		}
	}
	err := s.update(func(tx *bolt.Tx) error { // as written by a version without the index
		if err := tx.DeleteBucket(bucketVoterTimes); err != nil {
			return err
		}
		_, err := tx.CreateBucket(bucketVoterTimes)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s = openBolt(t, dir)
	if got := countKeys(t, s, bucketVoterTimes); got != 3 {
		t.Errorf("time index has %d keys after open, want the 3 voters", got)
	}
}
