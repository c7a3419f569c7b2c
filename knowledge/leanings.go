package knowledge

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Leanings are how people word the questions each entry answers: for each term (a word as the
// search reads it, stemmed and with typos corrected), how many of the tuning sets' questions
// that an entry answers use it. The entries' own texts tell the search what each entry is
// about; the leanings tell which entry people mean when the words fit several ("what is the
// point of a foot rub before bed" shares words with the routine and with sleep, and people who
// ask it this way mean sleep). Ranking adds the entries' naive Bayes posterior over the
// question's terms to the rank of each hit that covers some of the question (see leanWeight),
// so the leanings break ties and near-ties between entries the search already found; they never
// bring in an entry the question shares no word with.
//
// The questions the tuning sets decline are counted beside the entries, under declinedClass: a
// two-class naive Bayes over the same terms (see scopeModel) tells how far a question is worded
// like the ones the base does not answer ("best foot massage place in toronto"), which weighs in
// the answer's confidence.
//
// They are counts rather than weights so that a moderator can read them ("12 of the questions
// the sleep entry answered said 'bed'") and add a word to an entry. The shipped ones are counted
// on the tuning sets, never the held-out ones (FIT=leanings LEANINGS_OUT=$PWD/kb/leanings.yaml
// go test ./knowledge -run FitLeanings), and none of those questions is in the base.
type Leanings struct {
	// Questions is how many questions each entry answered in the count.
	Questions map[string]int
	// Words are, for each term, how many of each entry's questions used it (once each).
	Words map[string]map[string]int
}

// leaningsFile is how Leanings are written: for each entry, its terms as "term:count" separated
// by spaces, one YAML scalar an entry. (A YAML map of every term parsed ten times slower, and
// the file is read on every reload.)
type leaningsFile struct {
	Questions map[string]int    `yaml:"questions"`
	Terms     map[string]string `yaml:"terms"`
}

// parseLeaningTerms reads one entry's "term:count term:count ..." into counts. If a field
// cannot count, it returns that field and says why: a term is one lowercase word, a count a
// whole number that is not negative.
func parseLeaningTerms(text string) (counts map[string]int, bad, problem string) {
	counts = map[string]int{}
	for _, field := range strings.Fields(text) {
		term, n, ok := strings.Cut(field, ":")
		count, err := strconv.Atoi(n)
		switch {
		case !ok || term == "":
			return nil, field, fmt.Sprintf("%q is not term:count", field)
		case strings.ToLower(term) != term:
			return nil, field, fmt.Sprintf("term %q must be lowercase, as the search reads it", term)
		case err != nil || count < 0:
			return nil, field, fmt.Sprintf("the count of %q is not a whole number of questions", term)
		}
		counts[term] += count
	}
	return counts, "", ""
}

// leanSmoothing is the count a term is given for an entry whose questions never used it
// (additive smoothing), and leanWeight how much an entry's posterior (0-1) adds to a hit's rank
// (see rank): at 1 a sure posterior weighs as much as closeness and bleve's score together at
// their most, and less than one telling term of coverage. Swept together over the tuning sets,
// each tuning file scored with a count it took no part in (TestFitLeanings), on 2026-12-02 over
// 8026 questions: no leanings pass 7078; at smoothing 0.5, weight 0.5 7132, 0.75 7132, 1 7141,
// 1.25 7130, 1.5 7119, 2 7103; at weight 1, smoothing 0.25 7133 and 1 7118. Also tried and
// left: counting a question for its "also" entries too (7130), pairs of terms (+9 of 8081 for
// a file three times the size), the question word it opens with (+7), a flatter posterior
// (temperature 2: 7135 at best), and the base's own phrasings counted beside the questions (no
// gain, measured beside a confidence cut-off since taken out; the development set's questions
// on the routine's steps, which the leanings cost 5 of its 260, stayed lost).
const (
	leanSmoothing = 0.5
	leanWeight    = 1.0
)

// leanModel is Leanings compiled for the entries of one index, by their places in the base.
type leanModel struct {
	logPrior []float64            // per entry: log of its share of the questions
	logRest  []float64            // per entry: log of its terms' total count, smoothed
	logCount map[string][]float64 // per term, per entry: log of its count, smoothed
	weight   float64              // how much the posterior adds to a rank: leanWeight but in sweeps
}

// compileLeanings turns counts into the log probabilities a posterior sums. Entries the counts
// do not name get the smoothing alone; counts for entries not in the base are ignored (the
// loader warns of them).
func compileLeanings(l Leanings, entryAt map[string]int, smoothing float64) *leanModel {
	n := len(entryAt)
	m := &leanModel{logPrior: make([]float64, n), logRest: make([]float64, n), logCount: make(map[string][]float64, len(l.Words)), weight: leanWeight}
	total := 0.0
	questions := make([]float64, n)
	for id, q := range l.Questions {
		if at, ok := entryAt[id]; ok {
			questions[at] = float64(q)
			total += float64(q)
		}
	}
	terms := make([]float64, n)
	vocabulary := 0.0
	for word, counts := range l.Words {
		if len(counts) == 1 && counts[declinedClass] > 0 {
			continue // only declined questions used it: it says nothing of which entry
		}
		vocabulary++
		row := make([]float64, n)
		for at := range row {
			row[at] = math.Log(smoothing)
		}
		for id, c := range counts {
			if at, ok := entryAt[id]; ok {
				row[at] = math.Log(float64(c) + smoothing)
				terms[at] += float64(c)
			}
		}
		m.logCount[word] = row
	}
	for at := range n {
		m.logPrior[at] = math.Log((questions[at] + 1) / (total + float64(n)))
		m.logRest[at] = math.Log(terms[at] + smoothing*vocabulary)
	}
	return m
}

// posterior returns each entry's probability, by its place in the base, given the distinct terms
// of a question (each variant's first, the term as asked); terms no count names say nothing and
// are skipped. It is nil without leanings or without a counted term.
func (m *leanModel) posterior(variants [][]string) []float64 {
	if m == nil {
		return nil
	}
	var logp []float64
	for i, v := range variants {
		row, ok := m.logCount[v[0]]
		if !ok || askedBefore(variants, i) {
			continue // a term no count names, or one counted already
		}
		if logp == nil {
			logp = make([]float64, len(m.logPrior))
			copy(logp, m.logPrior)
		}
		for at, c := range row {
			logp[at] += c - m.logRest[at]
		}
	}
	if logp == nil {
		return nil
	}
	top := math.Inf(-1)
	for _, l := range logp {
		top = math.Max(top, l)
	}
	sum := 0.0
	for at, l := range logp {
		logp[at] = math.Exp(l - top)
		sum += logp[at]
	}
	for at := range logp {
		logp[at] /= sum
	}
	return logp
}

// scopeModel is a two-class naive Bayes over a question's terms: the questions the entries
// answer (class 0), against the questions the tuning sets decline (class 1). Its probability
// is one of confidence's inputs rather than a rule of its own: alone, declining on it above any
// threshold cost as many questions in scope as it won out of scope (swept on 2026-12-02 over
// 8481 tuning questions, each file left out: 7509-7555 against 7551 without).
type scopeModel struct {
	logPrior [2]float64
	logRest  [2]float64
	logCount map[string][2]float64
}

// compileScope turns the leanings' counts into a scopeModel; nil without declined counts.
func compileScope(l Leanings, smoothing float64) *scopeModel {
	var questions [2]float64
	for id, q := range l.Questions {
		questions[classOf(id)] += float64(q)
	}
	if questions[0] == 0 || questions[1] == 0 {
		return nil
	}
	m := &scopeModel{logCount: make(map[string][2]float64, len(l.Words))}
	var totals [2]float64
	for w, row := range l.Words {
		var c [2]float64
		for id, n := range row {
			c[classOf(id)] += float64(n)
		}
		totals[0], totals[1] = totals[0]+c[0], totals[1]+c[1]
		m.logCount[w] = [2]float64{math.Log(c[0] + smoothing), math.Log(c[1] + smoothing)}
	}
	v := float64(len(l.Words))
	all := questions[0] + questions[1]
	m.logPrior = [2]float64{math.Log(questions[0] / all), math.Log(questions[1] / all)}
	for k := range 2 {
		m.logRest[k] = math.Log(totals[k] + smoothing*v)
	}
	return m
}

// out is the probability that a question with these terms is one the base does not answer; 0
// without a counted term.
func (m *scopeModel) out(variants [][]string) float64 {
	if m == nil {
		return 0
	}
	lp, counted := m.logPrior, false
	for i, v := range variants {
		c, ok := m.logCount[v[0]]
		if !ok || askedBefore(variants, i) {
			continue
		}
		counted = true
		for k := range 2 {
			lp[k] += c[k] - m.logRest[k]
		}
	}
	if !counted {
		return 0
	}
	return 1 / (1 + math.Exp(lp[0]-lp[1]))
}

// declinedClass is the name the leanings count declined questions under, beside the entries.
const declinedClass = "declined"

// classOf is 1 for the declined questions' counts, 0 for an entry's.
func classOf(id string) int {
	if id == declinedClass {
		return 1
	}
	return 0
}

// askedBefore reports whether the term of variants[i] is one of an earlier variant's: a term
// counts once in a question, however often it is asked.
func askedBefore(variants [][]string, i int) bool {
	return slices.ContainsFunc(variants[:i], func(before []string) bool { return before[0] == variants[i][0] })
}
