package feedback

import (
	"strings"
	"testing"
	"time"
)

func TestCountsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
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

	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
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
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir) // another shard, or "footbot report" while the bot runs
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
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
