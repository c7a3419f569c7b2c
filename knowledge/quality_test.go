package knowledge

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A case is one line of a JSONL question set in testdata/eval/. The sets share one format:
// dev.jsonl (written elsewhere, from the article alone; checked by fact regexes, like
// ../shared/eval/score.py), real_*.jsonl (questions copied verbatim from public pages, each
// with its source, labelled with the entry that answers them) and safety.jsonl (risks and
// emergencies in lay words, and ordinary messages that must get no notice).
type evalCase struct {
	ID       string   `json:"id"`
	Q        string   `json:"q"`
	Cat      string   `json:"cat"`
	Source   string   `json:"source"`
	Answered bool     `json:"answered"`
	Expect   []string `json:"expect"` // regexes that must match the reply's text
	Entry    string   `json:"entry"`  // the entry that answers it, "" when not labelled so
	Also     []string `json:"also"`   // other entries that answer it as well
	Safety   *bool    `json:"safety"` // nil: either is fine
	Emerg    *bool    `json:"emergency"`
	Split    string   `json:"split"` // "tune" or "holdout"; empty in dev.jsonl, all tuning
}

func loadCases(t *testing.T, file, split string) []evalCase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []evalCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c evalCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		if split == "" || c.Split == split {
			out = append(out, c)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s has no questions of split %q", file, split)
	}
	return out
}

// judge returns why an answer fails a case; nil means it passes. It follows score.py: the
// answer itself (see judgeAnswer), then the safety and emergency flags where they are not null.
func judge(c evalCase, a Answer) []string {
	why := judgeAnswer(c, a)
	if c.Safety != nil && a.Safety != *c.Safety {
		why = append(why, fmt.Sprintf("safety=%v, want %v", a.Safety, *c.Safety))
	}
	if c.Emerg != nil && a.Emergency != *c.Emerg {
		why = append(why, fmt.Sprintf("emergency=%v, want %v", a.Emergency, *c.Emerg))
	}
	return why
}

// judgeAnswer checks what was answered: the outcome (answered or not), every fact regex
// against the reply text, and the entry where one is labelled.
func judgeAnswer(c evalCase, a Answer) []string {
	var why []string
	if a.Answered() != c.Answered {
		why = append(why, fmt.Sprintf("answered=%v, want %v", a.Answered(), c.Answered))
	}
	text := a.Text()
	for _, rx := range c.Expect {
		if !regexp.MustCompile("(?i)" + rx).MatchString(text) {
			why = append(why, fmt.Sprintf("no match /%s/", rx))
		}
	}
	if c.Answered && c.Entry != "" && a.Answered() &&
		!slices.ContainsFunc(a.Entries, func(e *Entry) bool { return e.ID == c.Entry || slices.Contains(c.Also, e.ID) }) {
		why = append(why, fmt.Sprintf("entry %s, want %s", a.Entry.ID, c.Entry))
	}
	return why
}

// setScore is what a question set measures.
type setScore struct {
	passed, total       int
	inRight, inTotal    int // answerable questions answered with a right entry
	outRight, outTotal  int // questions the bot must decline, declined
	safetyTP, safetyPos int
	safetyFP, safetyNeg int
	emergTP, emergPos   int
	emergFP, emergNeg   int
	answered            []scored // the answered questions' confidence, and whether they were right
	failures            []string
}

func scoreCases(t *testing.T, ix *Index, cases []evalCase) setScore {
	t.Helper()
	var s setScore
	for _, c := range cases {
		a := answerOf(t, ix, c.Q)
		why := judge(c, a)
		s.total++
		if len(why) == 0 {
			s.passed++
		} else {
			s.failures = append(s.failures, fmt.Sprintf("%s %-70.70q %s (conf %.2f, %s by %s %v; sugg %v)", c.ID, c.Q, strings.Join(why, "; "), a.Confidence, a.Outcome, a.Rule, ids(a), suggIDs(a)))
		}
		right := len(judgeAnswer(c, a)) == 0
		if c.Answered {
			s.inTotal++
			if right {
				s.inRight++
			}
		} else {
			s.outTotal++
			if right {
				s.outRight++
			}
		}
		if a.Answered() {
			s.answered = append(s.answered, scored{a.Confidence, right})
		}
		count := func(want *bool, got bool, tp, pos, fp, neg *int) {
			switch {
			case want == nil:
			case *want:
				*pos++
				if got {
					*tp++
				}
			default:
				*neg++
				if got {
					*fp++
				}
			}
		}
		count(c.Safety, a.Safety, &s.safetyTP, &s.safetyPos, &s.safetyFP, &s.safetyNeg)
		count(c.Emerg, a.Emergency, &s.emergTP, &s.emergPos, &s.emergFP, &s.emergNeg)
	}
	return s
}

func ids(a Answer) []string {
	out := make([]string, len(a.Entries))
	for i, e := range a.Entries {
		out[i] = e.ID
	}
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// scored is one answered question: its confidence and whether the answer was right.
type scored struct {
	confidence float64
	right      bool
}

// auc is the chance that a right answer has a higher confidence than a wrong one (ties count
// half): 0.5 means confidence says nothing, 1 that it separates them perfectly.
func auc(answers []scored) float64 {
	var pairs, wins float64
	for _, r := range answers {
		for _, w := range answers {
			if r.right && !w.right {
				pairs++
				switch {
				case r.confidence > w.confidence:
					wins++
				case r.confidence == w.confidence:
					wins += 0.5
				}
			}
		}
	}
	if pairs == 0 {
		return 0
	}
	return wins / pairs
}

func (s setScore) String() string {
	right := 0
	for _, a := range s.answered {
		if a.right {
			right++
		}
	}
	return fmt.Sprintf("overall %d/%d (%.1f%%); answerable right %d/%d (%.1f%%); declined %d/%d (%.1f%%); "+
		"safety recall %d/%d, false alarms %d/%d; emergency recall %d/%d, false alarms %d/%d; "+
		"confidence AUC %.2f (%d right, %d wrong answers)",
		s.passed, s.total, 100*ratio(s.passed, s.total), s.inRight, s.inTotal, 100*ratio(s.inRight, s.inTotal),
		s.outRight, s.outTotal, 100*ratio(s.outRight, s.outTotal),
		s.safetyTP, s.safetyPos, s.safetyFP, s.safetyNeg, s.emergTP, s.emergPos, s.emergFP, s.emergNeg,
		auc(s.answered), right, len(s.answered)-right)
}

// qualitySet is one scored question set with the floor it must not fall below. Floors sit a
// little under what the bot scores today (raised on 2026-12-02 to 3 points under each set's
// score, where that was higher), so a change that costs answers fails.
// They are far below the 95% the project aims at: raise them as the answers improve.
type qualitySet struct {
	name, file, split string
	floor             float64 // share of questions that must pass
	hidden            bool    // held out: failures are never listed (HOLDOUT_DETAILS=1 lists them)
}

var qualitySets = []qualitySet{
	{"dev", "testdata/eval/dev.jsonl", "", 0.95, false},
	{"earlier-tune", "testdata/eval/earlier.jsonl", "tune", 0.93, false},
	{"earlier-holdout", "testdata/eval/earlier.jsonl", "holdout", 0.94, true},
	{"real-in-tune", "testdata/eval/real_inscope.jsonl", "tune", 0.83, false},
	{"real-in-holdout", "testdata/eval/real_inscope.jsonl", "holdout", 0.81, true},
	{"real-out-tune", "testdata/eval/real_outscope.jsonl", "tune", 0.93, false},
	{"real-out-holdout", "testdata/eval/real_outscope.jsonl", "holdout", 0.8, true},
	{"safety-tune", "testdata/eval/safety.jsonl", "tune", 0.95, false},
	{"safety-holdout", "testdata/eval/safety.jsonl", "holdout", 0.84, true},
	{"safety2-tune", "testdata/eval/safety2.jsonl", "tune", 0.93, false},
	{"safety2-holdout", "testdata/eval/safety2.jsonl", "holdout", 0.82, true},
	{"real2-tune", "testdata/eval/real2.jsonl", "tune", 0.92, false},
	{"real2-holdout", "testdata/eval/real2.jsonl", "holdout", 0.77, true},
	{"safety3", "testdata/eval/safety3.jsonl", "tune", 0.92, false},
	{"real4", "testdata/eval/real4.jsonl", "tune", 0.82, false},
	{"safety5", "testdata/eval/safety5.jsonl", "tune", 0.71, false},
	{"safety6", "testdata/eval/safety6.jsonl", "tune", 0.87, false},
	{"real5", "testdata/eval/real5.jsonl", "tune", 0.73, false},
	{"safety9", "testdata/eval/safety9.jsonl", "tune", 0.9, false},
	{"safety10", "testdata/eval/safety10.jsonl", "tune", 0.88, false},
	{"safety11", "testdata/eval/safety11.jsonl", "tune", 0.89, false},
	{"story", "testdata/eval/story.jsonl", "tune", 0.91, false},
	{"oos", "testdata/eval/oos.jsonl", "tune", 0.9, false},
	{"oos2", "testdata/eval/oos2.jsonl", "tune", 0.83, false},
	{"pages", "testdata/eval/pages.jsonl", "tune", 0.89, false},
	{"pages2", "testdata/eval/pages2.jsonl", "tune", 0.85, false},
	{"chat", "testdata/eval/chat.jsonl", "tune", 0.9, false},
	{"safety12", "testdata/eval/safety12.jsonl", "tune", 0.94, false},
	{"oos3", "testdata/eval/oos3.jsonl", "tune", 0.84, false},
	{"safety13", "testdata/eval/safety13.jsonl", "tune", 0.9, false},
	{"pages3", "testdata/eval/pages3.jsonl", "tune", 0.84, false},
	{"paraphrase", "testdata/eval/paraphrase.jsonl", "tune", 0.91, false},
	{"real3", "testdata/eval/real3.jsonl", "holdout", 0.64, true},
	{"safety4", "testdata/eval/safety4.jsonl", "holdout", 0.79, true},
	{"safety7", "testdata/eval/safety7.jsonl", "holdout", 0.82, true},
	{"real6", "testdata/eval/real6.jsonl", "holdout", 0.69, true},
	{"safety8", "testdata/eval/safety8.jsonl", "holdout", 0.88, true},
	{"real7", "testdata/eval/real7.jsonl", "holdout", 0.52, true},
	{"real8", "testdata/eval/real8.jsonl", "holdout", 0.56, true},
	{"safety14-tune", "testdata/eval/safety14.jsonl", "tune", 0.93, false},
	{"safety14-holdout", "testdata/eval/safety14.jsonl", "holdout", 0.86, true},
	{"real11", "testdata/eval/real11.jsonl", "tune", 0.7, false},
	{"chat3", "testdata/eval/chat3.jsonl", "tune", 0.87, false},
	{"safety17", "testdata/eval/safety17.jsonl", "tune", 0.91, false},
	{"safety19", "testdata/eval/safety19.jsonl", "tune", 0.87, false},
	{"safety15", "testdata/eval/safety15.jsonl", "tune", 0.85, false},
	{"chat2", "testdata/eval/chat2.jsonl", "holdout", 0.86, true},
	{"safety18", "testdata/eval/safety18.jsonl", "holdout", 0.88, true},
	{"real10", "testdata/eval/real10.jsonl", "holdout", 0.69, true},
	{"safety16", "testdata/eval/safety16.jsonl", "holdout", 0.89, true},
	{"real9-tune", "testdata/eval/real9.jsonl", "tune", 0.83, false},
	{"real9-holdout", "testdata/eval/real9.jsonl", "holdout", 0.79, true},
	{"real9intl-tune", "testdata/eval/real9intl.jsonl", "tune", 0.73, false},
	{"real9intl-holdout", "testdata/eval/real9intl.jsonl", "holdout", 0.67, true},
	{"safety20", "testdata/eval/safety20.jsonl", "holdout", 0.88, true},
	{"real12", "testdata/eval/real12.jsonl", "holdout", 0.65, true},
	{"safety21", "testdata/eval/safety21.jsonl", "tune", 0.9, false},
	{"real13intl", "testdata/eval/real13intl.jsonl", "tune", 0.62, false},
	{"safety22", "testdata/eval/safety22.jsonl", "tune", 0.88, false},
	{"safety23", "testdata/eval/safety23.jsonl", "tune", 0.93, false},
	{"safety24", "testdata/eval/safety24.jsonl", "tune", 0.93, false},
	{"real14intl", "testdata/eval/real14intl.jsonl", "tune", 0.67, false},
	{"safety25", "testdata/eval/safety25.jsonl", "tune", 0.89, false},
	{"real15", "testdata/eval/real15.jsonl", "tune", 0.63, false},
	{"safety26", "testdata/eval/safety26.jsonl", "holdout", 0.83, true},
	{"safety27", "testdata/eval/safety27.jsonl", "tune", 0.92, false},
	{"chat4", "testdata/eval/chat4.jsonl", "holdout", 0.77, true},
	{"safety28", "testdata/eval/safety28.jsonl", "holdout", 0.82, true},
	{"chat5", "testdata/eval/chat5.jsonl", "holdout", 0.88, true},
	{"safety29-tune", "testdata/eval/safety29.jsonl", "tune", 0.95, false},
	{"safety29-holdout", "testdata/eval/safety29.jsonl", "holdout", 0.89, true},
	{"real16-tune", "testdata/eval/real16.jsonl", "tune", 0.8, false},
	{"real16-holdout", "testdata/eval/real16.jsonl", "holdout", 0.81, true},
	{"chat6", "testdata/eval/chat6.jsonl", "tune", 0.85, false},
	{"safety31", "testdata/eval/safety31.jsonl", "tune", 0.89, false},
	{"safety30", "testdata/eval/safety30.jsonl", "holdout", 0.83, true},
	{"real17", "testdata/eval/real17.jsonl", "holdout", 0.49, true},
	{"real18", "testdata/eval/real18.jsonl", "tune", 0.48, false},
	{"chat7", "testdata/eval/chat7.jsonl", "holdout", 0.89, true},
	{"safety32", "testdata/eval/safety32.jsonl", "holdout", 0.9, true},
	{"real19", "testdata/eval/real19.jsonl", "tune", 0.64, false},
	{"chat8", "testdata/eval/chat8.jsonl", "tune", 0.87, false},
	{"queries1", "testdata/eval/queries1.jsonl", "tune", 0.93, false},
	{"details2", "testdata/eval/details2.jsonl", "holdout", 0.76, true},
	{"details1", "testdata/eval/details1.jsonl", "tune", 0.8, false},
	{"chat9", "testdata/eval/chat9.jsonl", "holdout", 0.84, true},
	{"nearmiss1", "testdata/eval/nearmiss1.jsonl", "tune", 0.77, false},
	{"chat10", "testdata/eval/chat10.jsonl", "tune", 0.84, false},
	{"queries2", "testdata/eval/queries2.jsonl", "tune", 0.89, false},
	{"stories1", "testdata/eval/stories1.jsonl", "tune", 0.83, false},
	{"nearmiss2", "testdata/eval/nearmiss2.jsonl", "tune", 0.76, false},
	{"followups1", "testdata/eval/followups1.jsonl", "tune", 0.77, false},
	{"twoq1", "testdata/eval/twoq1.jsonl", "tune", 0.91, false},
	{"forum1", "testdata/eval/forum1.jsonl", "tune", 0.78, false},
	{"chat12", "testdata/eval/chat12.jsonl", "holdout", 0.87, true},
	{"safety33", "testdata/eval/safety33.jsonl", "holdout", 0.83, true},
	{"chat11", "testdata/eval/chat11.jsonl", "tune", 0.91, false},
	{"probe1", "testdata/eval/probe1.jsonl", "", 0.93, false},
	{"probe2", "testdata/eval/probe2.jsonl", "", 0.84, false},
	{"probe3", "testdata/eval/probe3.jsonl", "", 0.92, false},
	{"probe4", "testdata/eval/probe4.jsonl", "", 0.94, false},
	{"probe5", "testdata/eval/probe5.jsonl", "", 0.88, false},
	{"chat15", "testdata/eval/chat15.jsonl", "", 0.79, false},
	{"safety34-tune", "testdata/eval/safety34.jsonl", "tune", 0.9, false},
	{"safety34-holdout", "testdata/eval/safety34.jsonl", "holdout", 0.87, true},
	{"chat13-tune", "testdata/eval/chat13.jsonl", "tune", 0.8, false},
	{"chat13-holdout", "testdata/eval/chat13.jsonl", "holdout", 0.78, true},
	{"real20-tune", "testdata/eval/real20.jsonl", "tune", 0.82, false},
	{"real20-holdout", "testdata/eval/real20.jsonl", "holdout", 0.78, true},
	{"chat14", "testdata/eval/chat14.jsonl", "", 0.84, true},
	{"safety35", "testdata/eval/safety35.jsonl", "", 0.87, true},
	{"devlike1", "testdata/eval/devlike1.jsonl", "", 0.83, true},
	{"devlike2", "testdata/eval/devlike2.jsonl", "", 0.8, false},
}

func TestAnswerQuality(t *testing.T) {
	ix := testIndex(t)
	pooled := map[bool][]scored{} // by hidden: the answered questions of all tuning or held-out sets
	// The leanings are counted on the tuning sets: each is scored with its own questions taken
	// out of the count, as a set written elsewhere would be (see TestFitLeanings).
	samples, shipped := leaningSamples(t, ix), leaningModels{ix.leanings, ix.scope}
	for _, set := range qualitySets {
		t.Run(set.name, func(t *testing.T) {
			shipped.use(ix)
			if !set.hidden {
				leftOut(ix.base.Leanings, ix, samples, set.file, leanSmoothing).use(ix)
			}
			s := scoreCases(t, ix, loadCases(t, set.file, set.split))
			pooled[set.hidden] = append(pooled[set.hidden], s.answered...)
			t.Logf("%s: %s", set.name, s)
			if !set.hidden || os.Getenv("HOLDOUT_DETAILS") != "" {
				for _, f := range s.failures {
					t.Log("FAIL " + f)
				}
			}
			if got := ratio(s.passed, s.total); got < set.floor {
				t.Errorf("%s: %.1f%% of questions pass, below the floor of %.0f%%", set.name, 100*got, 100*set.floor)
			}
		})
	}
	// Out-of-scope sets have no right answers, so their AUC alone means nothing; pooled, their
	// wrong answers weigh against the in-scope ones.
	t.Logf("confidence AUC, all answers pooled: tuning sets %.2f (n=%d), held-out sets %.2f (n=%d)",
		auc(pooled[false]), len(pooled[false]), auc(pooled[true]), len(pooled[true]))
}

// answerOf answers q, failing the test on an error: the tests ask only well-formed questions of
// an open index.
func answerOf(tb testing.TB, ix *Index, q string) Answer {
	tb.Helper()
	a, err := ix.Answer(context.Background(), q)
	if err != nil {
		tb.Fatalf("Answer(%q): %v", q, err)
	}
	return a
}

// testIndex is the shipped knowledge base, indexed.
func testIndex(tb testing.TB) *Index {
	tb.Helper()
	b, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return indexOf(tb, b)
}

// indexOf indexes b, closed when the test ends.
func indexOf(tb testing.TB, b *Base) *Index {
	tb.Helper()
	ix, err := NewIndex(b)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// leftOutSet is a tuning set's questions with the leanings counted without them, as in
// TestAnswerQuality: counted in, they would flatter every threshold that answers more, and make
// the leanings look surer of a tuning question than of one never seen.
type leftOutSet struct {
	cases  []evalCase
	models leaningModels
}

// leftOutSets are the tuning sets that thresholds and confidence may be fitted on, each with its
// leanings; their held-out halves never are.
func leftOutSets(t *testing.T, ix *Index) []leftOutSet {
	var sets []leftOutSet
	samples := leaningSamples(t, ix)
	for _, set := range qualitySets {
		if !set.hidden {
			sets = append(sets, leftOutSet{loadCases(t, set.file, set.split), leftOut(ix.base.Leanings, ix, samples, set.file, leanSmoothing)})
		}
	}
	return sets
}

// TestFitThresholds sweeps the policy's thresholds over the tuning sets and reports the pair that
// passes the most questions, next to the pair in service. FIT=1 runs it (it answers every tuning
// question a few hundred times).
func TestFitThresholds(t *testing.T) {
	if os.Getenv("FIT") == "" {
		t.Skip("FIT=1 sweeps the thresholds over the tuning sets")
	}
	ix := testIndex(t)
	sets := leftOutSets(t, ix)
	total := 0
	for _, s := range sets {
		total += len(s.cases)
	}
	score := func(th thresholds) int {
		ix.thresholds = th
		passed := 0
		for _, s := range sets {
			s.models.use(ix)
			passed += scoreCases(t, ix, s.cases).passed
		}
		return passed
	}
	if os.Getenv("FIT") == "confidence" {
		fitConfidence(t, ix, sets)
		return
	}
	best, bestScore := fitted, score(fitted)
	if os.Getenv("FIT") == "risk" { // one threshold only, the others as fitted: seconds, not minutes
		for r := 0.2; r <= 0.801; r += 0.05 {
			th := fitted
			th.riskCoverage = r
			t.Logf("riskCoverage %.2f: %d/%d", r, score(th), total)
		}
		return
	}
	if os.Getenv("FIT") == "unsure" { // the unsure rule's confidence only, the others as fitted
		for _, u := range []float64{0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6} {
			th := fitted
			th.unsure = u
			t.Logf("unsure %.2f: %d/%d", u, score(th), total)
		}
		return
	}
	if os.Getenv("FIT") == "foreign" { // the two foreign ratios only, the others as fitted
		for _, f := range []float64{0.5, 0.75, 1, 1.5, 2, 3, 4, 6} {
			for _, fd := range []float64{1, 2, 3, 4, 6, 8} {
				th := fitted
				th.foreign, th.foreignDomain = f, fd
				t.Logf("foreign %.1f, foreignDomain %.1f: %d/%d", f, fd, score(th), total)
			}
		}
		return
	}
	t.Logf("in service: %+v: %d/%d", fitted, bestScore, total)
	for c := 0.15; c <= 0.601; c += 0.05 {
		for k := 0.0; k <= 1.01; k += 0.2 {
			for _, f := range []float64{0.5, 1, 1.5, 2, 3, 4, 1e9} {
				for _, fd := range []float64{1, 2, 3, 4, 6, 1e9} {
					// riskCoverage stays as fitted: left at zero, the risk-unsure rule would never apply.
					th := fitted
					th.coverage, th.known, th.foreign, th.foreignDomain = c, k, f, fd
					if n := score(th); n > bestScore {
						best, bestScore = th, n
					}
				}
			}
		}
	}
	t.Logf("best: %+v: %d/%d", best, bestScore, total)
}

func suggIDs(a Answer) []string {
	out := make([]string, len(a.Suggestions))
	for i, e := range a.Suggestions {
		out[i] = e.ID
	}
	return out
}

// fitConfidence fits confidence's logistic regression on the tuning sets' answered questions
// and prints the weights to put in policy.go, with the AUC before and after.
func fitConfidence(t *testing.T, ix *Index, sets []leftOutSet) {
	ix.thresholds.unsure = 0 // every answer the confidence would weigh
	var xs []confidenceInputs
	var ys []float64
	var before []scored
	for _, set := range sets {
		set.models.use(ix)
		for _, c := range set.cases {
			a := answerOf(t, ix, c.Q)
			if !a.Answered() {
				continue
			}
			words := wordsOf(a.Question)
			f, hits, _, err := ix.read(context.Background(), a.Question, words, ix.signals.safety(words), ix.signals.emergency(words))
			if err != nil {
				t.Fatal(err)
			}
			right := len(judgeAnswer(c, a)) == 0
			xs = append(xs, confidenceInputsOf(f, hits))
			ys = append(ys, map[bool]float64{true: 1, false: 0}[right])
			before = append(before, scored{a.Confidence, right})
		}
	}
	var w confidenceInputs
	b := 0.0
	const rate, rounds, l2 = 0.5, 20000, 0.001
	for range rounds {
		var gw confidenceInputs
		gb := 0.0
		for i, x := range xs {
			d := logistic(w, b, x) - ys[i]
			for j := range w {
				gw[j] += d * x[j]
			}
			gb += d
		}
		n := float64(len(xs))
		for j := range w {
			w[j] -= rate * (gw[j]/n + l2*w[j])
		}
		b -= rate * gb / n
	}
	after := make([]scored, len(xs))
	for i, x := range xs {
		after[i] = scored{logistic(w, b, x), ys[i] == 1}
	}
	t.Logf("%d answered tuning questions: AUC %.3f in service, %.3f fitted", len(xs), auc(before), auc(after))
	weights := make([]string, len(w))
	for i, x := range w {
		weights[i] = fmt.Sprintf("%.2f", x)
	}
	t.Logf("confidenceWeights = confidenceInputs{%s}; confidenceBias = %.2f", strings.Join(weights, ", "), b)
}

// TestLeaveOneOutPhrasings asks each of the knowledge base's own questions of an index built
// without it, and reports how many find their entry (failing below a floor): a judge that no question set wrote, of how
// well the base answers a phrasing it does not hold. LOO=1 runs it (an index build per question,
// about 15 s).
func TestLeaveOneOutPhrasings(t *testing.T) {
	if os.Getenv("LOO") == "" {
		t.Skip("LOO=1 asks every phrasing of an index without it")
	}
	full, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	right, answered, total := 0, 0, 0
	for ei, e := range full.Entries {
		for qi, q := range e.Questions {
			b := *full
			b.Entries = slices.Clone(full.Entries)
			without := *e
			without.Questions = slices.Delete(slices.Clone(e.Questions), qi, qi+1)
			b.Entries[ei] = &without
			ix, err := NewIndex(&b)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ix.Answer(context.Background(), q)
			ix.Close()
			if err != nil {
				t.Fatal(err)
			}
			total++
			if a.Answered() {
				answered++
				if slices.ContainsFunc(a.Entries, func(x *Entry) bool { return x.ID == e.ID }) {
					right++
					continue
				}
			}
			if os.Getenv("LOO") == "v" {
				t.Logf("%s: %q -> %s %v by %s", e.ID, q, a.Outcome, entryIDs(a.Entries), a.Rule)
			}
		}
	}
	t.Logf("phrasings left out: %d of %d find their entry, %d answered", right, total, answered)
	// A floor a little under today's 353 of 418, as for the question sets.
	if ratio(right, total) < 0.81 {
		t.Errorf("only %d of %d phrasings left out find their entry, below the floor of 81%%", right, total)
	}
}
