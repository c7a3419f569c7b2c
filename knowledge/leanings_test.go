package knowledge

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLeaningsPosterior(t *testing.T) {
	entryAt := map[string]int{"sleep": 0, "routine": 1, "unused": 2}
	l := Leanings{
		Questions: map[string]int{"sleep": 8, "routine": 8},
		Words: map[string]map[string]int{
			"bed":  {"sleep": 6, "routine": 1},
			"step": {"routine": 7},
			"foot": {"sleep": 8, "routine": 8},
		},
	}
	m := compileLeanings(l, entryAt, 0.5)
	for _, tc := range []struct {
		name  string
		terms []string
		most  int // the entry that must lean most, -1 for no posterior
	}{
		{"a word one entry's questions use leans to it", []string{"bed"}, 0},
		{"each word counts", []string{"foot", "step"}, 1},
		{"a word counted once however often it is asked", []string{"bed", "bed", "step"}, 1},
		{"words no count names say nothing", []string{"weather"}, -1},
		{"no words, no posterior", nil, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var variants [][]string
			for _, w := range tc.terms {
				variants = append(variants, []string{w})
			}
			p := m.posterior(variants)
			if tc.most < 0 {
				if p != nil {
					t.Fatalf("posterior %v, want none", p)
				}
				return
			}
			sum := 0.0
			for _, x := range p {
				sum += x
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("posterior %v sums to %v, want 1", p, sum)
			}
			if most := slices.Index(p, slices.Max(p)); most != tc.most {
				t.Errorf("posterior %v leans most to %d, want %d", p, most, tc.most)
			}
		})
	}
	if p := compileLeanings(Leanings{}, entryAt, 0.5).posterior([][]string{{"bed"}}); p != nil {
		t.Errorf("no leanings gave posterior %v, want none", p)
	}
}

func TestScopeLeaning(t *testing.T) {
	l := Leanings{
		Questions: map[string]int{"sleep": 8, "routine": 8, declinedClass: 8},
		Words: map[string]map[string]int{
			"bed":     {"sleep": 6, "routine": 1},
			"step":    {"routine": 7},
			"weather": {declinedClass: 6},
			"foot":    {"sleep": 8, "routine": 8, declinedClass: 4},
		},
	}
	m := compileScope(l, 0.5)
	for _, tc := range []struct {
		name     string
		terms    []string
		low, top float64 // the probability of out of scope lies in [low, top]
	}{
		{"words the entries' questions use lean in", []string{"bed", "step"}, 0, 0.1},
		{"a word only declined questions use leans out", []string{"weather"}, 0.9, 1},
		{"a word both use leans to the side that uses it more", []string{"foot"}, 0, 0.5},
		{"words no count names say nothing", []string{"zebra"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var variants [][]string
			for _, w := range tc.terms {
				variants = append(variants, []string{w})
			}
			if p := m.out(variants); p < tc.low || p > tc.top {
				t.Errorf("out = %.3f, want %.2f-%.2f", p, tc.low, tc.top)
			}
		})
	}
	delete(l.Questions, declinedClass)
	if compileScope(l, 0.5) != nil {
		t.Error("leanings without declined questions gave a scope model")
	}
	if p := compileLeanings(l, map[string]int{"sleep": 0, "routine": 1}, 0.5).posterior([][]string{{"weather"}}); p != nil {
		t.Errorf("a term only declined questions used leans the entries: %v", p)
	}
}

func TestABadLeaningIsAProblem(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
		line             int
	}{
		{"a term without a count", "leanings:\n  questions: {overview: 3}\n  terms:\n    overview: bed:1 rub\n", `leanings of overview: "rub" is not term:count`, 4},
		{"an uppercase term", "leanings:\n  questions: {overview: 3}\n  terms:\n    overview: Bed:1\n", `leanings of overview: term "Bed" must be lowercase`, 4},
		{"a negative count", "leanings:\n  questions: {overview: 3}\n  terms:\n    overview: bed:-1\n", `leanings of overview: the count of "bed" is not a whole number`, 4},
		{"a count that is not a number", "leanings:\n  questions: {overview: 3}\n  terms:\n    overview: >-\n      bed:1\n      rub:lots\n", `leanings of overview: the count of "rub" is not a whole number`, 6},
		{"a negative number of questions", "leanings:\n  questions:\n    overview: 3\n    how-long: -2\n  terms:\n    overview: bed:1\n", "leanings: how-long has a negative number of questions", 4},
		{"no terms", "leanings:\n  questions: {overview: 3}\n", "leanings has no terms", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := shippedFS(t)
			fsys["leanings.yaml"] = &fstest.MapFile{Data: []byte(tc.yaml)}
			_, err := Load(fsys, "kb")
			if err == nil {
				t.Fatal("loaded")
			}
			want := fmt.Sprintf("leanings.yaml:%d: %s", tc.line, tc.want)
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
}

// TestAStaleEntryInTheLeaningsWarns: an entry renamed in its file but not in the leanings loses
// its leaning; the base loads, and the moderator hears where.
func TestAStaleEntryInTheLeaningsWarns(t *testing.T) {
	fsys := shippedFS(t)
	fsys["leanings.yaml"] = &fstest.MapFile{Data: []byte("leanings:\n  questions: {overview: 3, bedtime: 2}\n  terms:\n    overview: bed:1\n    bedtime: bed:2\n")}
	b, err := Load(fsys, "kb")
	if err != nil {
		t.Fatalf("a stale entry name kept the base from loading: %v", err)
	}
	var found []string
	for _, w := range b.Warnings {
		if strings.Contains(w.Message, `leanings name the entry "bedtime", which does not exist`) {
			found = append(found, fmt.Sprintf("%s:%d", w.File, w.Line))
		}
	}
	if want := []string{"kb/leanings.yaml:2", "kb/leanings.yaml:5"}; !slices.Equal(found, want) {
		t.Errorf("warnings at %v, want %v", found, want)
	}
	ix := indexOf(t, b)
	if p := ix.leanings.posterior([][]string{{"bed"}}); p == nil || slices.Index(p, slices.Max(p)) != ix.vocab.entryAt["overview"] {
		t.Errorf("the leanings that name entries still count: %v", p)
	}
}

// leaningSample is one tuning question that an entry answers, or that is declined (entry
// declinedClass): its file and its terms.
type leaningSample struct {
	file, entry string
	terms       []string
}

// leaningSamples reads the tuning sets' questions labelled with an entry, and the ones they
// decline (under declinedClass; emergencies are not counted, since no search sees them), into
// terms, as rank sees them (each variant's first).
func leaningSamples(t *testing.T, ix *Index) []leaningSample {
	t.Helper()
	var out []leaningSample
	for _, set := range qualitySets {
		if set.hidden {
			continue
		}
		for _, c := range loadCases(t, set.file, set.split) {
			if c.Emerg != nil && *c.Emerg || c.Answered && c.Entry == "" {
				continue
			}
			q := CleanQuestion(c.Q)
			words := wordsOf(q)
			f, _, _, err := ix.read(context.Background(), q, words, ix.signals.safety(words), ix.signals.emergency(words))
			if err != nil {
				t.Fatal(err)
			}
			s := leaningSample{file: set.file, entry: c.Entry}
			if !c.Answered {
				s.entry = declinedClass
			}
			for _, v := range f.variants {
				if !slices.Contains(s.terms, v[0]) {
					s.terms = append(s.terms, v[0])
				}
			}
			out = append(out, s)
		}
	}
	return out
}

// countLeanings counts the samples of file (every file for "").
func countLeanings(samples []leaningSample, file string) Leanings {
	l := Leanings{Questions: map[string]int{}, Words: map[string]map[string]int{}}
	for _, s := range samples {
		if file != "" && s.file != file {
			continue
		}
		l.Questions[s.entry]++
		for _, w := range s.terms {
			if l.Words[w] == nil {
				l.Words[w] = map[string]int{}
			}
			l.Words[w][s.entry]++
		}
	}
	return l
}

// without takes counts out of l (never below zero): the leanings as if those questions had
// never been counted, to score a tuning set with a count it took no part in.
func (l Leanings) without(counts Leanings) Leanings {
	out := Leanings{Questions: maps.Clone(l.Questions), Words: map[string]map[string]int{}}
	for id, n := range counts.Questions {
		out.Questions[id] = max(0, out.Questions[id]-n)
	}
	for w, row := range l.Words {
		kept := map[string]int{}
		for id, n := range row {
			if n -= counts.Words[w][id]; n > 0 {
				kept[id] = n
			}
		}
		if len(kept) > 0 {
			out.Words[w] = kept
		}
	}
	return out
}

// leftOut is the leanings l without the questions of one tuning file, as if they had never been
// counted, compiled for ix: a tuning set is scored with it, as a set written elsewhere would be.
// smoothing is the ranking model's, which FitLeanings sweeps; the scope model keeps leanSmoothing
// (from 0.1 to 5 it made no difference).
func leftOut(l Leanings, ix *Index, samples []leaningSample, file string, smoothing float64) leaningModels {
	w := l.without(countLeanings(samples, file))
	return leaningModels{compileLeanings(w, ix.vocab.entryAt, smoothing), compileScope(w, leanSmoothing)}
}

// leaningModels are what an index compiles from its Leanings, for ranking and for scope.
type leaningModels struct {
	leanings *leanModel
	scope    *scopeModel
}

// use puts the models in ix's place of its own.
func (m leaningModels) use(ix *Index) { ix.leanings, ix.scope = m.leanings, m.scope }

// TestFitLeanings counts the leanings on the tuning sets and sweeps their weight and smoothing,
// each tuning file scored with a count it took no part in; LEANINGS_OUT writes the count.
func TestFitLeanings(t *testing.T) {
	if os.Getenv("FIT") != "leanings" {
		t.Skip("FIT=leanings counts the leanings")
	}
	ix := testIndex(t)
	samples := leaningSamples(t, ix)
	all := countLeanings(samples, "")
	type sweep struct{ weight, smoothing float64 }
	grid := []sweep{{0, 0.5}}
	for _, w := range []float64{0.5, 0.75, 1, 1.25, 1.5, 2} {
		for _, s := range []float64{0.25, 0.5, 1} {
			grid = append(grid, sweep{w, s})
		}
	}
	type tuningSet struct {
		file  string
		cases []evalCase
	}
	var sets []tuningSet // read once for the whole grid
	for _, set := range qualitySets {
		if !set.hidden {
			sets = append(sets, tuningSet{set.file, loadCases(t, set.file, set.split)})
		}
	}
	for _, g := range grid {
		var passed, total, in, out int
		for _, set := range sets {
			m := leftOut(all, ix, samples, set.file, g.smoothing)
			m.leanings.weight = g.weight
			m.use(ix)
			s := scoreCases(t, ix, set.cases)
			passed, total, in, out = passed+s.passed, total+s.total, in+s.inRight, out+s.outRight
		}
		t.Logf("weight %.2f smoothing %.2f: %d of %d pass (in scope right %d, declined %d), each file left out", g.weight, g.smoothing, passed, total, in, out)
	}
	pairs := 0
	for _, row := range all.Words {
		pairs += len(row)
	}
	t.Logf("%d questions, %d terms, %d term-entry counts", len(samples), len(all.Words), pairs)
	if out := os.Getenv("LEANINGS_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(leaningsYAML(all, len(samples))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func leaningsYAML(l Leanings, n int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `# Leanings: which entry people mean by the words they ask with (see knowledge.Leanings). For
# each term (a word as the search reads it: stemmed, "massag" for massage), how many of the
# questions each entry answered used it, written term:count. Ranking adds each entry's naive
# Bayes posterior over a question's terms to the hits the search found; it never brings in an
# entry that shares no word with the question. Under "declined" are the questions the tuning
# sets decline: how far a question is worded like them weighs in the answer's confidence, and
# an answer likelier wrong than right is declined with suggestions (see the unsure rule).
#
# Counted by FIT=leanings LEANINGS_OUT=$PWD/kb/leanings.yaml go test ./knowledge -run FitLeanings
# on the %d labelled questions of the tuning sets, never on the held-out ones; no question is
# kept, only counts. A moderator may add a term to an entry or raise a count; a new count
# replaces them all.
leanings:
  questions:
`, n)
	for _, id := range slices.Sorted(maps.Keys(l.Questions)) {
		fmt.Fprintf(&sb, "    %s: %d\n", id, l.Questions[id])
	}
	// Each entry's terms, wrapped: a folded YAML scalar reads as one line.
	sb.WriteString("  terms:\n")
	byEntry := map[string][]string{}
	for _, w := range slices.Sorted(maps.Keys(l.Words)) {
		for id, n := range l.Words[w] {
			byEntry[id] = append(byEntry[id], fmt.Sprintf("%s:%d", w, n))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(byEntry)) {
		fmt.Fprintf(&sb, "    %s: >-\n", id)
		line := ""
		for _, term := range byEntry[id] {
			if line != "" && len(line)+1+len(term) > 94 {
				fmt.Fprintf(&sb, "      %s\n", line)
				line = ""
			}
			line = strings.TrimSpace(line + " " + term)
		}
		fmt.Fprintf(&sb, "      %s\n", line)
	}
	return sb.String()
}

// TestATermAddedToAnEntryIsAChange: a moderator who writes a term into an entry's leanings sees
// the reload name it, and questions with the term lean to the entry.
func TestATermAddedToAnEntryIsAChange(t *testing.T) {
	const at = "    benefit-sleep: >-\n      "
	before, after := editedFile(t, "leanings.yaml", at, at+"zzzquill:40 ")
	if c := after.Diff(before); !strings.Contains(c.Text(), "leanings +1/−0") {
		t.Errorf("a term added to an entry: %q", c.Text())
	}
	ix := indexOf(t, after)
	p := ix.leanings.posterior([][]string{{"zzzquill"}})
	if p == nil || slices.Index(p, slices.Max(p)) != ix.vocab.entryAt["benefit-sleep"] {
		t.Errorf("the new term does not lean to benefit-sleep: %v", p)
	}
}
