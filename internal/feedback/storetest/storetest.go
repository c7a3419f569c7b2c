// Package storetest is the behaviour every feedback.Store must have, as tests that any store's
// own test runs against it: Bolt's in package feedback, PostgreSQL's in package postgres. A
// store that passes them groups, counts, forgets and reports exactly as the others do, so
// moving the bot from one to another changes nothing a moderator sees.
package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/footbot/footbot/internal/feedback"
)

// Open returns an empty store for t. Run closes it when t ends; anything else it needs closed
// (a database, a folder) the function closes with t.Cleanup.
type Open func(t *testing.T) feedback.Store

// t0 is when the tests' questions are first asked. Whole seconds, so that a store keeping
// microseconds (PostgreSQL) gives back exactly what it was given.
var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// at is t0 plus i minutes.
func at(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }

// Run runs the shared tests, each a subtest with a store of its own.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		test func(*testing.T, feedback.Store)
	}{
		{"RepeatsOfAQuestionAreGrouped", repeatsAreGrouped},
		{"AskersAreCountedOnceEachUpToTheBound", askersCountedOnce},
		{"AnEmptyQuestionIsNotRecorded", emptyIsIgnored},
		{"AQuestionThatIsNotCleanTextIsKept", uncleanText},
		{"ADeclinedQuestionIsFoundByItsID", declinedByID},
		{"AnUnknownIDIsNoSuchQuestion", unknownID},
		{"AResolvedQuestionIsCountedButNotListed", resolvedNotListed},
		{"ATaughtQuestionDeclinedAgainIsListedAgain", taughtDeclinedAgain},
		{"ASecondVoteOnAnAnswerIsIgnored", secondVoteIgnored},
		{"OldVotersAreForgotten", oldVotersForgotten},
		{"UnhelpfulAnswersAreGroupedAndResolved", unhelpful},
		{"TheReportIsOrderedAndLimited", reportOrder},
		{"ConcurrentWritersLoseNothing", concurrentWriters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			closeAtEnd(t, s)
			tc.test(t, s)
		})
	}
}

// RunCapacity tests what a full store does. open must return a store that keeps only kept
// questions and kept unhelpful answers (at least 3): the real bound, feedback.MaxDeclinedKept,
// is too many to fill in a test.
func RunCapacity(t *testing.T, kept int, open Open) {
	if kept < 3 {
		t.Fatalf("RunCapacity needs a bound of at least 3, not %d", kept)
	}
	t.Run("AFullStoreDropsTheLeastAskedOldestQuestion", func(t *testing.T) {
		s := open(t)
		closeAtEnd(t, s)
		// "popular" is asked twice, the others once each, one minute apart: "oldest" goes first.
		mustDecline(t, s, "popular", "u1", at(0))
		mustDecline(t, s, "popular", "u2", at(0))
		mustDecline(t, s, "oldest", "u1", at(1))
		for i := 3; i <= kept; i++ {
			mustDecline(t, s, fmt.Sprintf("filler %d", i), "u1", at(i))
		}
		mustDecline(t, s, "newcomer", "u1", at(kept+1))
		r := report(t, s, kept+10)
		if len(r.Declined) != kept {
			t.Fatalf("%d questions kept, want %d: %v", len(r.Declined), kept, questions(r))
		}
		got := questions(r)
		if !strings.Contains(got, "popular") || !strings.Contains(got, "newcomer") || strings.Contains(got, "oldest") {
			t.Errorf("kept %s; want popular and newcomer kept, oldest dropped", got)
		}
		if _, err := s.DeclinedQuestion(feedback.DeclinedID("oldest")); !errors.Is(err, feedback.ErrNoSuchQuestion) {
			t.Errorf("DeclinedQuestion(dropped) = %v, want ErrNoSuchQuestion", err)
		}
		mustDecline(t, s, "popular", "u3", at(kept+2)) // a known question makes no room
		if r := report(t, s, kept+10); len(r.Declined) != kept || r.Declined[0].Count != 3 {
			t.Errorf("after a repeat: %d kept, top %+v", len(r.Declined), r.Declined[0])
		}
	})
	t.Run("AFullStoreRecordsNoNewUnhelpfulAnswer", func(t *testing.T) {
		s := open(t)
		closeAtEnd(t, s)
		for i := range kept {
			mustUnhelpful(t, s, fmt.Sprintf("question %d", i), "entry", at(i))
		}
		mustUnhelpful(t, s, "one too many", "entry", at(kept))
		mustUnhelpful(t, s, "question 0", "entry", at(kept+1)) // known: still counted
		r := report(t, s, kept+10)
		if len(r.Unhelpful) != kept || r.Unhelpful[0].Question != "question 0" || r.Unhelpful[0].Count != 2 {
			t.Errorf("unhelpful = %+v; want %d, question 0 first with 2", r.Unhelpful, kept)
		}
		for _, u := range r.Unhelpful {
			if u.Question == "one too many" {
				t.Error("a full store recorded a new unhelpful answer")
			}
		}
	})
}

func repeatsAreGrouped(t *testing.T, s feedback.Store) {
	for i, user := range []string{"u1", "u2", "u1"} {
		mustDecline(t, s, "How do I treat athlete's foot?", user, at(i))
	}
	mustDecline(t, s, "  how do I TREAT   athlete's foot", "u3", at(3)) // same question, other spelling
	mustDecline(t, s, "shoe sizes?", "u1", at(4))
	r := report(t, s, 10)
	if len(r.Declined) != 2 {
		t.Fatalf("declined = %+v, want 2 questions", r.Declined)
	}
	d := r.Declined[0]
	if d.Question != "How do I treat athlete's foot?" || d.Count != 4 || d.Askers != 3 {
		t.Errorf("top = %+v, want athlete's foot as first asked, 4 asks by 3 people", d)
	}
	if !d.First.Equal(at(0)) || !d.Last.Equal(at(3)) {
		t.Errorf("first %v last %v, want %v and %v", d.First, d.Last, at(0), at(3))
	}
	if d.Hashes != nil {
		t.Errorf("the report carries asker hashes: %v", d.Hashes)
	}
	long := strings.Repeat("why ", feedback.MaxQuestionKey) // past the key: the rest is not compared
	mustDecline(t, s, long+"a", "u1", at(5))
	mustDecline(t, s, long+"b", "u1", at(6))
	if r := report(t, s, 10); len(r.Declined) != 3 {
		t.Errorf("two questions alike in their first %d characters were not grouped: %v", feedback.MaxQuestionKey, questions(r))
	}
	if text := report(t, s, 10).Text(); !strings.Contains(text, "athlete's foot") || strings.Contains(text, "u1") {
		t.Errorf("report text shows no question or shows a user id:\n%s", text)
	}
}

func askersCountedOnce(t *testing.T, s feedback.Store) {
	for i := range feedback.MaxAskersKept + 1 {
		mustDecline(t, s, "shoe sizes", fmt.Sprintf("user%d", i), at(0))
	}
	mustDecline(t, s, "shoe sizes", "user0", at(1))
	d := report(t, s, 1).Declined[0]
	if d.Askers != feedback.MaxAskersKept || d.Count != feedback.MaxAskersKept+2 {
		t.Errorf("askers %d count %d, want %d and %d", d.Askers, d.Count, feedback.MaxAskersKept, feedback.MaxAskersKept+2)
	}
	got, err := s.DeclinedQuestion(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Against the bound, not just got.Askers: a store may derive Askers from its hashes, and
	// then only this says the hashes themselves stopped at the bound.
	if len(got.Hashes) != got.Askers || len(got.Hashes) != feedback.MaxAskersKept {
		t.Errorf("%d hashes for %d askers, want %d of each", len(got.Hashes), got.Askers, feedback.MaxAskersKept)
	}
	for _, h := range got.Hashes {
		if strings.Contains(h, "user") {
			t.Fatalf("an asker is kept as %q: a user id can be read back", h)
		}
	}
}

func emptyIsIgnored(t *testing.T, s feedback.Store) {
	for _, q := range []string{"", "   ", "?!.", " ? "} {
		mustDecline(t, s, q, "u1", t0)
		mustUnhelpful(t, s, q, "entry", t0)
	}
	mustUnhelpful(t, s, "a question", "", t0) // no entry: nothing to fix
	if r := report(t, s, 10); len(r.Declined)+len(r.Unhelpful)+r.Resolved != 0 {
		t.Errorf("report = %+v, want nothing recorded", r)
	}
}

// uncleanText: Discord passes on what a person typed, and a store must neither fail on nor lose
// a question that is not valid UTF-8 or holds a NUL (which PostgreSQL's text refuses).
func uncleanText(t *testing.T, s feedback.Store) {
	for _, q := range []string{"caf\xe9 au lait?", "nul\x00byte", "bad \xff\xfe"} {
		mustDecline(t, s, q, "u1", t0)
		mustDecline(t, s, q, "u1", at(1))
		mustUnhelpful(t, s, q, "entry\x00id", t0)
		id := feedback.DeclinedID(feedback.Normalize(q))
		d, err := s.DeclinedQuestion(id)
		if err != nil || d.Count != 2 {
			t.Errorf("DeclinedQuestion(%q) = %+v, %v; want it counted twice", q, d, err)
		}
		if _, err := s.UnhelpfulAnswer(feedback.DeclinedID(feedback.UnhelpfulKey(q, "entry\x00id"))); err != nil {
			t.Errorf("UnhelpfulAnswer(%q): %v", q, err)
		}
	}
	if r := report(t, s, 10); len(r.Declined) != 3 || len(r.Unhelpful) != 3 {
		t.Errorf("report = %+v, want 3 of each", r)
	}
}

func declinedByID(t *testing.T, s feedback.Store) {
	mustDecline(t, s, "Shoe sizes?", "u1", at(0))
	mustDecline(t, s, "shoe sizes", "u2", at(1))
	listed := report(t, s, 10).Declined[0]
	// Ids are the same in every store, so that a button made by one shard works on any.
	if want := feedback.DeclinedID(feedback.Normalize("Shoe sizes?")); listed.ID != want {
		t.Errorf("listed id %q, want %q", listed.ID, want)
	}
	d, err := s.DeclinedQuestion(listed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != listed.ID || d.Question != "Shoe sizes?" || d.Count != 2 || d.Askers != 2 || !d.First.Equal(at(0)) || !d.Last.Equal(at(1)) {
		t.Errorf("DeclinedQuestion = %+v, want it as listed: %+v", d, listed)
	}
	if len(listed.ID) > 64 {
		t.Errorf("id %q is too long for a custom_id", listed.ID)
	}
}

func unknownID(t *testing.T, s feedback.Store) {
	mustDecline(t, s, "shoe sizes", "u1", t0)
	mustUnhelpful(t, s, "shoe sizes", "entry", t0)
	for name, err := range map[string]error{
		"DeclinedQuestion": second(s.DeclinedQuestion("0123456789abcdef")),
		"UnhelpfulAnswer":  second(s.UnhelpfulAnswer("0123456789abcdef")),
		"Resolve":          s.Resolve("0123456789abcdef", feedback.OutOfScope),
		"ResolveUnhelpful": s.ResolveUnhelpful("0123456789abcdef", feedback.Confirmed),
		// The id of a declined question is not an unhelpful answer's, nor the other way round.
		"UnhelpfulAnswer(declined id)":   second(s.UnhelpfulAnswer(feedback.DeclinedID("shoe sizes"))),
		"DeclinedQuestion(unhelpful id)": second(s.DeclinedQuestion(feedback.DeclinedID(feedback.UnhelpfulKey("shoe sizes", "entry")))),
	} {
		if !errors.Is(err, feedback.ErrNoSuchQuestion) {
			t.Errorf("%s of an unknown id: %v, want ErrNoSuchQuestion", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func resolvedNotListed(t *testing.T, s feedback.Store) {
	mustDecline(t, s, "what is the weather", "u1", at(0))
	mustDecline(t, s, "shoe sizes", "u1", at(0))
	id := feedback.DeclinedID("what is the weather")
	if err := s.Resolve(id, feedback.OutOfScope); err != nil {
		t.Fatal(err)
	}
	r := report(t, s, 10)
	if len(r.Declined) != 1 || r.Declined[0].Question != "shoe sizes" || r.Resolved != 1 {
		t.Errorf("report = %+v, want only shoe sizes listed and 1 resolved", r)
	}
	mustDecline(t, s, "What is the weather?", "u2", at(1)) // out of scope stays out of scope
	if r := report(t, s, 10); len(r.Declined) != 1 || r.Resolved != 1 {
		t.Errorf("an out-of-scope question declined again is listed: %+v", r)
	}
	d, err := s.DeclinedQuestion(id)
	if err != nil || d.Count != 2 || d.Askers != 2 || d.Resolution != feedback.OutOfScope {
		t.Errorf("DeclinedQuestion = %+v, %v; want it counted on, still out of scope", d, err)
	}
}

func taughtDeclinedAgain(t *testing.T, s feedback.Store) {
	mustDecline(t, s, "can I run barefoot", "u1", at(0))
	id := feedback.DeclinedID("can i run barefoot")
	if err := s.Resolve(id, "taught:barefoot-running"); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.DeclinedQuestion(id); d.Resolution != "taught:barefoot-running" {
		t.Errorf("resolution = %q after Resolve", d.Resolution)
	}
	if r := report(t, s, 10); len(r.Declined) != 0 || r.Resolved != 1 {
		t.Errorf("a taught question is listed: %+v", r)
	}
	mustDecline(t, s, "Can I run barefoot?", "u2", at(1)) // the teaching did not take
	r := report(t, s, 10)
	if len(r.Declined) != 1 || r.Resolved != 0 || r.Declined[0].Resolution != "" || r.Declined[0].Count != 2 {
		t.Errorf("report = %+v, want the question listed again, unresolved, counted twice", r)
	}
}

func secondVoteIgnored(t *testing.T, s feedback.Store) {
	votes := []struct {
		answer, user string
		helpful      bool
		counted      bool
	}{
		{"msg1", "u1", false, true},
		{"msg1", "u1", true, false}, // changed their mind: still one vote
		{"msg1", "u1", false, false},
		{"msg2", "u1", false, true}, // another answer
		{"msg1", "u2", true, true},  // another person
	}
	for i, v := range votes {
		counted, err := s.AddVote(v.answer, "benefit-sleep", v.user, v.helpful, at(i))
		if err != nil {
			t.Fatal(err)
		}
		if counted != v.counted {
			t.Errorf("vote %d (%s by %s): counted %v, want %v", i, v.answer, v.user, counted, v.counted)
		}
	}
	if _, err := s.AddVote("msg3", "how-often", "u1", true, at(9)); err != nil { // helpful only: not listed
		t.Fatal(err)
	}
	r := report(t, s, 10)
	if len(r.NotHelpful) != 1 {
		t.Fatalf("not helpful = %+v, want benefit-sleep only", r.NotHelpful)
	}
	if v := r.NotHelpful[0]; v.EntryID != "benefit-sleep" || v.NotHelpful != 2 || v.Helpful != 1 || !v.Last.Equal(at(4)) {
		t.Errorf("votes = %+v, want benefit-sleep 2 not helpful, 1 helpful, last %v", v, at(4))
	}
}

// oldVotersForgotten: a vote is remembered for feedback.VoterMemory. (When a store forgets is
// its own affair; these votes are spaced so that every store must have forgotten by then.)
func oldVotersForgotten(t *testing.T, s feedback.Store) {
	vote := func(answer string, when time.Time) bool {
		t.Helper()
		counted, err := s.AddVote(answer, "how-often", "u1", false, when)
		if err != nil {
			t.Fatal(err)
		}
		return counted
	}
	if !vote("msg1", t0) {
		t.Fatal("the first vote did not count")
	}
	if vote("msg1", t0.Add(feedback.VoterMemory-time.Hour)) {
		t.Error("a second vote within the voter memory counted")
	}
	later := t0.Add(feedback.VoterMemory + time.Hour)
	if !vote("msg2", later) {
		t.Error("a vote on another answer did not count")
	}
	if !vote("msg1", later.Add(time.Minute)) {
		t.Error("a vote long after the first is still ignored: old voters are not forgotten")
	}
	if vote("msg1", later.Add(2*time.Minute)) {
		t.Error("the vote that counted again is not remembered")
	}
}

func unhelpful(t *testing.T, s feedback.Store) {
	mustUnhelpful(t, s, "How often should I wash my feet?", "how-often", at(0))
	mustUnhelpful(t, s, "how often should i wash my feet", "how-often", at(1))
	mustUnhelpful(t, s, "how often should i wash my feet", "benefit-sleep", at(2)) // another answer to it
	r := report(t, s, 10)
	if len(r.Unhelpful) != 2 {
		t.Fatalf("unhelpful = %+v, want 2", r.Unhelpful)
	}
	u := r.Unhelpful[0]
	if u.Question != "How often should I wash my feet?" || u.EntryID != "how-often" || u.Count != 2 || !u.Last.Equal(at(1)) {
		t.Errorf("top = %+v, want how-often, as first asked, twice, last %v", u, at(1))
	}
	if want := feedback.DeclinedID(feedback.UnhelpfulKey("How often should I wash my feet", "how-often")); u.ID != want {
		t.Errorf("id %q, want %q", u.ID, want)
	}
	got, err := s.UnhelpfulAnswer(u.ID)
	if err != nil || got.ID != u.ID || got.Count != 2 || got.EntryID != "how-often" || got.Question != u.Question {
		t.Errorf("UnhelpfulAnswer = %+v, %v; want it as listed: %+v", got, err, u)
	}
	if err := s.ResolveUnhelpful(u.ID, feedback.Confirmed); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.UnhelpfulAnswer(u.ID); got.Resolution != feedback.Confirmed {
		t.Errorf("resolution %q, want %q", got.Resolution, feedback.Confirmed)
	}
	if r := report(t, s, 10); len(r.Unhelpful) != 1 || r.Unhelpful[0].EntryID != "benefit-sleep" {
		t.Errorf("a confirmed answer is listed: %+v", r.Unhelpful)
	}
	mustUnhelpful(t, s, "how often should I wash my feet??", "how-often", at(3)) // marked again
	r = report(t, s, 10)
	if len(r.Unhelpful) != 2 || r.Unhelpful[0].EntryID != "how-often" || r.Unhelpful[0].Count != 3 || r.Unhelpful[0].Resolution != "" {
		t.Errorf("unhelpful = %+v, want how-often listed again, unresolved, 3 times", r.Unhelpful)
	}
	if r.Resolved != 0 {
		t.Errorf("resolved = %d: it counts declined questions only", r.Resolved)
	}
}

func reportOrder(t *testing.T, s feedback.Store) {
	// Declined: by count, then the most recent first.
	for i, q := range []string{"once old", "thrice", "twice", "thrice", "thrice", "twice", "once new"} {
		mustDecline(t, s, q, "u1", at(i))
	}
	// Not helpful: by not-helpful votes, then the fewest helpful first.
	votes := []struct {
		entry   string
		helpful bool
	}{{"a", false}, {"b", false}, {"b", false}, {"c", false}, {"c", true}, {"a", true}, {"a", true}, {"d", true}}
	for i, v := range votes {
		if _, err := s.AddVote(fmt.Sprintf("msg%d", i), v.entry, "u1", v.helpful, at(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Unhelpful: by count, then the most recent first.
	for i, q := range []string{"x", "y", "y", "z"} {
		mustUnhelpful(t, s, q, "entry", at(i))
	}
	r := report(t, s, 10)
	if got, want := questions(r), "thrice twice once new once old"; got != want {
		t.Errorf("declined in order %q, want %q", got, want)
	}
	var entries []string
	for _, v := range r.NotHelpful {
		entries = append(entries, v.EntryID)
	}
	if got, want := strings.Join(entries, " "), "b c a"; got != want {
		t.Errorf("not helpful in order %q, want %q (d has helpful votes only)", got, want)
	}
	var unhelpful []string
	for _, u := range r.Unhelpful {
		unhelpful = append(unhelpful, u.Question)
	}
	if got, want := strings.Join(unhelpful, " "), "y z x"; got != want {
		t.Errorf("unhelpful in order %q, want %q", got, want)
	}
	r = report(t, s, 2)
	if len(r.Declined) != 2 || len(r.NotHelpful) != 2 || len(r.Unhelpful) != 2 || r.Declined[0].Question != "thrice" || r.NotHelpful[0].EntryID != "b" || r.Unhelpful[0].Question != "y" {
		t.Errorf("Report(2) = %+v, want the top 2 of each", r)
	}
	if r := report(t, s, 0); len(r.Declined)+len(r.NotHelpful)+len(r.Unhelpful) != 0 {
		t.Errorf("Report(0) = %+v, want empty lists", r)
	}
}

// concurrentWriters is several shards' worth of writes at once: none may be lost, and a
// person voting twice at the same moment still counts once.
func concurrentWriters(t *testing.T, s feedback.Store) {
	const writers, each = 8, 10
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex // guards counted and errs
		counted int
		errs    []error
	)
	record := func(c bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		if c {
			counted++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	for w := range writers {
		wg.Go(func() {
			user := fmt.Sprintf("u%d", w)
			for i := range each {
				record(false, s.AddDeclined("the same question", user, at(i)))
				record(false, s.AddDeclined(fmt.Sprintf("question %d of %d", i, w), user, at(i)))
				record(false, s.AddUnhelpful("the same question", "entry", at(i)))
				record(s.AddVote("msg", "entry", "the same person", false, at(i)))
				_, err := s.AddVote(fmt.Sprintf("msg%d", i), "entry", user, true, at(i))
				record(false, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if counted != 1 {
		t.Errorf("one person's %d simultaneous votes on one answer counted %d times, want once", writers*each, counted)
	}
	r := report(t, s, writers*each+10)
	if len(r.Declined) != writers*each+1 || r.Declined[0].Count != writers*each || r.Declined[0].Askers != writers {
		t.Errorf("%d questions, top %+v; want %d, the shared one asked %d times by %d", len(r.Declined), r.Declined[0], writers*each+1, writers*each, writers)
	}
	if len(r.Unhelpful) != 1 || r.Unhelpful[0].Count != writers*each {
		t.Errorf("unhelpful = %+v, want one marked %d times", r.Unhelpful, writers*each)
	}
	if len(r.NotHelpful) != 1 || r.NotHelpful[0].NotHelpful != 1 || r.NotHelpful[0].Helpful != writers*each {
		t.Errorf("votes = %+v, want 1 not helpful and %d helpful", r.NotHelpful, writers*each)
	}
}

// closeAtEnd closes s when t ends, failing t if it cannot.
func closeAtEnd(t *testing.T, s feedback.Store) {
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

func mustDecline(t *testing.T, s feedback.Store, question, user string, when time.Time) {
	t.Helper()
	if err := s.AddDeclined(question, user, when); err != nil {
		t.Fatalf("AddDeclined(%q): %v", question, err)
	}
}

func mustUnhelpful(t *testing.T, s feedback.Store, question, entry string, when time.Time) {
	t.Helper()
	if err := s.AddUnhelpful(question, entry, when); err != nil {
		t.Fatalf("AddUnhelpful(%q, %q): %v", question, entry, err)
	}
}

func report(t *testing.T, s feedback.Store, n int) feedback.Report {
	t.Helper()
	r, err := s.Report(n)
	if err != nil {
		t.Fatalf("Report(%d): %v", n, err)
	}
	return r
}

// questions lists a report's declined questions in order, for messages.
func questions(r feedback.Report) string {
	var qs []string
	for _, d := range r.Declined {
		qs = append(qs, d.Question)
	}
	return strings.Join(qs, " ")
}
