package knowledge

import (
	"context"
	"fmt"
	"testing"
)

// The benchmarks measure the three costs the answer path is made of. Targets on a 2-core
// machine: building the index ≤ 20 ms, one answer ≤ 100 µs and within 1.5x of the bleve search
// it runs (BenchmarkBleveQuery), so footbot's own work stays small next to the search.
//
// Measured on a shared, loaded 2-core AMD EPYC (-benchtime 2s, old and new run back to back;
// expect ±20% between runs):
//
//	                      before               after
//	BuildIndex            26-41 ms, 60k allocs 20-22 ms, 58k allocs
//	Answer                507-546 µs, 1660     255-288 µs, 694
//	BleveQuery            352-380 µs, 1312     200-205 µs, 636
//	AnswerBySize/100      636-744 µs           436-468 µs
//	AnswerBySize/1000     2.8 ms               2.2-2.3 ms
//	AnswerBySize/10000    23-25 ms             18-20 ms
//
// 2026-12-01, after the answer redesign (retrieval, then a policy; hundreds of trigger phrases
// for risks, emergencies and off-topic subjects, indexed by first word): Answer 137-151 µs and
// BleveQuery 87-97 µs on the same run (1.5-1.6x); the redesign's parent measured 117 µs and 84 µs.
//
// 2026-12-01, later (closeness in the ranking, asides around risk words, the clause that asks
// counted double, "and" between two questions), back to back with the build before: Answer
// 130-136 µs against 132-154 µs, BleveQuery 93-97 µs (1.40x), BuildIndex 16-17 ms against
// 15-19 ms, Reload 26.8-28 ms against 24.5-26.5 ms (a few hundred more trigger phrases);
// footbot ask --json over 20,000 distinct lines 3.72-3.84 s against 3.68-3.87 s.
//
// 2026-12-01, a session later (word groups in the triggers, about 1,000 more trigger phrases in
// seven languages, their synonyms and stop words), back to back with the session's first build:
// Answer 126-131 µs against 125-130 µs, BleveQuery 89-91 µs (1.42x); BuildIndex 26-28 ms
// against 19-25 ms and 157k allocations against 102k, Reload 43-44 ms against 30 ms, from
// parsing the longer notices.yaml; footbot ask --json over 20,000 distinct lines 3.72-3.84 s
// against 3.71-3.80 s. BuildIndex is over its 20 ms target: the triggers are parsed anew on
// every reload.
//
// 2026-12-02 (a message declined as a whole answered question by question), back to back with
// the session's first build: Answer 96-103 µs against 101-106 µs, BleveQuery 65-69 µs against
// 68-70 µs (1.45-1.55x on both builds; a CPU profile puts the search at 73% of Answer, 1.36x);
// footbot ask --json over 20,000 distinct lines 2.43-2.50 s against 2.41-2.52 s.
//
// An answer was then 1.3-1.4x its search. What is left of the search is bleve's own work: a term
// searcher per question term and field (about 20 for a typical question over four fields), and
// scoring every entry they match. Fewer fields would cost answers; see fieldBoosts.

var benchQuestions = []string{
	"Can foot massage help me sleep?",
	"how often shoud i massage my feet",
	"is it safe to massage my feet if I'm pregnant",
	"what are the pressure points on the foot",
	"how do I get rid of athlete's foot",
}

func BenchmarkBuildIndex(b *testing.B) {
	base, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ix, err := NewIndex(base)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func BenchmarkAnswer(b *testing.B) {
	b.ReportAllocs()
	answerLoop(b, testIndex(b))
}

// answerLoop answers the benchmark questions in turn, b.N of them.
func answerLoop(b *testing.B, ix *Index) {
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := ix.Answer(ctx, benchQuestions[i%len(benchQuestions)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBleveQuery runs only the bleve search that Answer runs, on the same index: the
// questions are cleaned, corrected and analysed beforehand, as that is footbot's work.
func BenchmarkBleveQuery(b *testing.B) {
	ix := testIndex(b)
	ctx := context.Background()
	qs := make([]analysedQuestion, len(benchQuestions))
	for i, q := range benchQuestions {
		qs[i] = ix.analyzeQuestion(ix.vocab.correct(wordsOf(CleanQuestion(q))))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.bleve.SearchInContext(ctx, ix.request(qs[i%len(qs)], candidates)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAnswerBySize shows how answer latency grows with the number of entries.
func BenchmarkAnswerBySize(b *testing.B) {
	shipped, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ix, err := NewIndex(generatedBase(shipped, n))
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			answerLoop(b, ix) // b.Loop starts the timer after the build
		})
	}
}

// generatedBase makes a base of n entries by repeating the shipped ones with new ids and a
// distinguishing word, so the vocabulary grows as a real, larger base's would.
func generatedBase(shipped *Base, n int) *Base {
	g := &Base{Disclaimer: shipped.Disclaimer, Safety: shipped.Safety, Emergency: shipped.Emergency,
		Synonyms: shipped.Synonyms, byID: map[string]*Entry{}}
	for i := 0; len(g.Entries) < n; i++ {
		src := shipped.Entries[i%len(shipped.Entries)]
		e := *src
		e.ID = fmt.Sprintf("%s-%d", src.ID, i)
		e.Title = fmt.Sprintf("%s (variant w%d)", src.Title, i)
		e.Keywords = append([]string{fmt.Sprintf("w%d", i)}, src.Keywords...)
		g.Entries = append(g.Entries, &e)
		g.byID[e.ID] = &e
	}
	return g
}

// BenchmarkReload is what a moderator's save costs: loading and validating the files, indexing
// them and swapping the new index in.
func BenchmarkReload(b *testing.B) {
	base, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := NewIndex(base)
	if err != nil {
		b.Fatal(err)
	}
	live := NewLive(ix)
	defer live.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := live.Reload(Default); err != nil {
			b.Fatal(err)
		}
	}
}
