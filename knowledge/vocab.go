package knowledge

import (
	_ "embed"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
)

// stopWords is bleve's English stop-word list: the words its analyzer drops from the search.
var stopWords = func() analysis.TokenMap {
	m := analysis.NewTokenMap()
	if err := m.LoadBytes(en.EnglishStopWords); err != nil {
		panic(err) // the list is compiled into bleve
	}
	return m
}()

// otherStopWords are bleve's stop words of the other languages a server's members ask in most
// (French, Spanish, Portuguese, Italian, German, Dutch), less any everyday English word ("die",
// "come", "son" keep their English sense). They are filler: "¿qué es la reflexología?" asks
// what "reflexology?" asks, once the synonyms have named its words (synonyms.yaml), and its
// "qué es la" must not count against the match as three words no entry has.
var otherStopWords = func() map[string]bool {
	out := map[string]bool{}
	for _, list := range [][]byte{fr.FrenchStopWords, es.SpanishStopWords, pt.PortugueseStopWords,
		it.ItalianStopWords, de.GermanStopWords, nl.DutchStopWords} {
		m := analysis.NewTokenMap()
		if err := m.LoadBytes(list); err != nil {
			panic(err) // the lists are compiled into bleve
		}
		for w := range m {
			if _, stop := stopWords[w]; !stop && !everyday[w] {
				out[w] = true
			}
		}
	}
	return out
}()

// inOtherLanguage reports whether a question is mostly in one of the other languages whose words
// the base knows (see otherStopWords): two of its words at least, and a quarter of them, are
// those languages' stop words. Such a question is answered, in English, with a word saying so.
// Single letters ("y", "e", "o") do not count: they are English shorthand too ("y/n").
func inOtherLanguage(words []string) bool {
	n := 0
	for _, w := range words {
		if (otherStopWords[w] && utf8.RuneCountInString(w) >= 2) || hasAccent(w) {
			n++
		}
	}
	return n >= 2 && 4*n >= len(words)
}

// hasAccent reports whether a word has a letter outside ASCII, as English words seldom do
// ("Füße", "réflexologie", "działa"): a sign of another language, as its stop words are.
func hasAccent(w string) bool {
	for _, r := range w {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// fillerWords carry no topic: greetings, politeness, chat, talk about the bot itself, and the
// people a question is asked for ("my grandpa", "my wife"): someone asking on another's behalf
// asks the same question; and contractions typed without their apostrophe, which are no typos
// ("shes" is not "shoe"); and the hedges a question is asked with ("am I meant to", "is it fine
// to", "just do it quickly"), which say no more than "should I". A question made only of them (or of nothing at all) gets the help text
// instead of a guess.
var fillerWords = strings.Fields(`hi hello hey heya hiya yo sup howdy greetings morning evening
afternoon thanks thank thx ty cheers please pls plz bot footbot ok okay lol question questions ask
asking anyone someone somebody know tell wondering wonder curious quick quickly guys folks everyone
meant fine
new newbie noob newbies
really actually just even also maybe kinda basically honestly honest tldr help
haha hahaha lmao tbh ngl imo idk bruh omg btw fyi
shud shld wud wld cud cld coz cuz bc tho thru gonna wanna gotta lemme dunno ya yall wat wut wot
friend friends mate buddy bestie bff bf gf boyfriend girlfriend partner wife husband hubby spouse
mom mum mother dad father parents grandma grandpa granny grandmother grandfather nan nana
sister brother son daughter kids aunt uncle cousin roommate coworker colleague
person human robot ai u ur r
im ive id youre youve youd hes shes theyre theyve weve thats whats whos theres heres
dont doesnt didnt isnt arent wasnt werent cant couldnt wont wouldnt shouldnt havent hasnt hadnt`)

// everyday holds the most common English words (see english/README.md): a word people use every
// day is not a typo, though it is one letter from a word of the base.
var everyday = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(everydayWords) {
		m[w] = true
	}
	return m
}()

//go:embed english/words.txt
var everydayWords string

// How much a question term counts as matched when an entry has it in its title, questions or
// keywords (what the entry is about), or only in its answer (what it mentions on the way).
// bodyTerm is lower, so an entry that only mentions a question's telling words in passing
// ("massage therapist", "feet smell") covers less of it than one that is about them.
const (
	topicTerm = 1.0
	bodyTerm  = 0.5
)

// vocabulary knows which terms each entry contains, how telling each term is, and which terms
// are near misses or synonyms of one another. It decides how much of a question an entry covers.
type vocabulary struct {
	entries int
	df      map[string]int // term -> number of entries that contain it
	topicDF map[string]int // term -> number of entries that have it as a topic term
	// named holds the terms some entry names as its topic: in a title, a keyword or a routine's
	// step. A term only its questions use ("like", "anything", "get") is how people ask, not
	// what about; see topic.
	named   map[string]bool
	terms   map[string]map[string]float64 // entry id -> its terms, valued topicTerm or bodyTerm
	fields  map[string]map[string]bool    // field -> the terms bleve indexed in it
	syn     map[string][]string           // term -> the words it stands for (see Base.Synonyms)
	filler  map[string]bool
	subject map[string]bool // the terms that name the subject (see onlySubject)
	domain  map[string]bool // the terms of the domain's words (see mentionsDomain)
	// subjectWords are the words of the synonym groups that name the subject ("feet", "rub").
	subjectWords map[string]bool
	// phrasings are each entry's title and questions as their terms' weights, and byTerm the
	// same inverted: term -> the phrasings that have it (see closeness).
	phrasings []phrasing
	byTerm    map[string][]phrasingTerm
	entryAt   map[string]int // the entries' places in the base, which phrasing.entry counts in
	// sharedPool holds closeness's scratch space, one number a phrasing: a question's closeness
	// is worked out for every search, and the space is a few kilobytes.
	sharedPool sync.Pool
	// stopSynonyms maps stop words of a synonym group to the group's first word, when that is
	// not a stop word: "yourself", "own" -> "self".
	stopSynonyms map[string]string

	// Spelling: every word the base and the word lists use, with how many entries use it, and
	// the same words by first letter and length for typo look-ups (people rarely get the first
	// letter wrong, and a typo changes the length by at most its number of edits).
	words    map[string]int
	byLetter map[spellKey][]spelled
	// joined are the synonyms' words that people also write hyphenated ("shut-eye" for
	// "shuteye"): see joinHyphens.
	joined map[string]bool
}

// spelled is a known word with the set of its letters (see letterSet): a word whose letters
// differ from a typed word's in more bits than the edits allowed can change is no typo of it,
// and that test costs less than the edit distance.
type spelled struct {
	word    string
	letters uint32
}

type spellKey struct {
	first byte
	n     int
}

// newVocabulary builds the vocabulary of b from the terms bleve indexed, field by field (see
// readPostings), and analyses only the short word lists itself.
func newVocabulary(b *Base, postings map[string]map[string][]string, analyze func(string) []string) *vocabulary {
	v := &vocabulary{
		entries:      len(b.Entries),
		df:           map[string]int{},
		topicDF:      map[string]int{},
		named:        map[string]bool{},
		terms:        map[string]map[string]float64{},
		fields:       map[string]map[string]bool{},
		syn:          map[string][]string{},
		filler:       map[string]bool{},
		subject:      map[string]bool{},
		domain:       map[string]bool{},
		subjectWords: map[string]bool{},
		byTerm:       map[string][]phrasingTerm{},
		entryAt:      map[string]int{},
		stopSynonyms: map[string]string{},
		words:        map[string]int{},
		byLetter:     map[spellKey][]spelled{},
		joined:       map[string]bool{},
	}
	for _, e := range b.Entries {
		v.terms[e.ID] = map[string]float64{}
	}
	// The answer first, so that a term an entry also has as a topic ends up valued as a topic.
	fields := []string{answerField}
	for _, f := range fieldBoosts {
		if f.field != answerField {
			fields = append(fields, f.field)
		}
	}
	for _, field := range fields {
		value := topicTerm
		if field == answerField {
			value = bodyTerm
		}
		v.fields[field] = make(map[string]bool, len(postings[field]))
		for t, ids := range postings[field] {
			v.fields[field][t] = true
			for _, id := range ids {
				if set := v.terms[id]; set != nil {
					set[t] = value
				}
			}
		}
	}
	for _, set := range v.terms {
		for t := range set {
			v.df[t]++
		}
	}
	// A routine's steps are what it is about, step by step ("hold the arch point 30 seconds"),
	// though bleve indexes them with the answer: a word few other entries have is the routine's
	// topic ("achilles", "arch point"); one many have ("sleep", "relax") is only used there.
	for _, e := range b.Entries {
		for _, st := range e.Steps {
			for _, t := range analyze(devices(st.Title + " " + st.Text)) {
				if v.df[t] <= stepTopicDF {
					v.terms[e.ID][t] = topicTerm
					v.named[t] = true
				}
			}
		}
	}
	for _, set := range v.terms {
		for t, value := range set {
			if value == topicTerm {
				v.topicDF[t]++
			}
		}
	}
	for _, field := range []string{titleField, keywordsField} {
		for t := range v.fields[field] {
			v.named[t] = true
		}
	}
	// The subject is what the overview's title names in words most entries share: "foot" and
	// "massage" of "Foot massage benefits: the quick answer", not its "benefits".
	if o := b.OfKind(KindOverview); len(o) > 0 {
		for _, t := range analyze(o[0].Title) {
			if float64(v.df[t]) >= subjectShare*float64(v.entries) {
				v.subject[t] = true
			}
		}
	}
	for _, t := range analyze(strings.Join(b.Domain, " ")) {
		v.domain[t] = true
	}
	if len(v.domain) == 0 {
		v.domain = v.subject
	}
	seen := map[string]bool{}
	for _, e := range b.Entries {
		clear(seen)
		for _, text := range [...]string{e.Title, strings.Join(e.Questions, "\n"), strings.Join(e.Keywords, " "), entryText(e)} {
			for _, w := range wordsOf(text) {
				if !seen[w] {
					seen[w] = true
					v.addWord(w, 1)
				}
			}
		}
	}
	for _, group := range b.Synonyms {
		if _, stop := stopWords[group[0]]; !stop {
			for _, w := range group[1:] {
				if _, stop := stopWords[w]; stop {
					v.stopSynonyms[w] = group[0]
				}
			}
		}
		canonical := analyze(group[0])
		for _, w := range group[1:] {
			for _, s := range analyze(w) {
				v.syn[s] = append(v.syn[s], canonical...)
			}
		}
		for _, w := range wordsOf(strings.Join(group, " ")) {
			v.addWord(w, 1)
			v.joined[w] = true
		}
		if slices.ContainsFunc(canonical, func(t string) bool { return v.subject[t] }) {
			for _, w := range wordsOf(strings.Join(group, " ")) {
				v.subjectWords[w] = true
			}
		}
	}
	// Each list is analysed as one text: the analyzer splits it into the same terms as word by
	// word, in one pass.
	for _, w := range fillerWords {
		v.addWord(w, 0)
	}
	for _, t := range analyze(strings.Join(fillerWords, " ")) {
		v.filler[t] = true
	}
	// English words that are no typo of a topic word: bleve's own stop words.
	for w := range stopWords {
		v.addWord(w, 0)
	}
	// The other languages' stop words are known, so never corrected, but no English word is taken
	// for a typo of one of them ("ther" is "the", not Spanish "tener"), and a typed word need not
	// be compared with a thousand more.
	for w := range otherStopWords {
		if _, ok := v.words[w]; !ok {
			v.words[w] = 0
		}
	}
	for _, t := range analyze(strings.Join(slices.Collect(maps.Keys(otherStopWords)), " ")) {
		v.filler[t] = true
	}
	for n, e := range b.Entries {
		v.entryAt[e.ID] = n
		for _, q := range append([]string{e.Title}, e.Questions...) {
			if p := v.appendWeighted(nil, v.allVariants(v.meaningful(analyze(devices(q))))); len(p) > 0 {
				ph := phrasing{entry: n}
				for _, w := range p {
					ph.total += w.weight
					v.byTerm[w.term] = append(v.byTerm[w.term], phrasingTerm{len(v.phrasings), w.weight})
				}
				v.phrasings = append(v.phrasings, ph)
			}
		}
	}
	v.sharedPool.New = func() any {
		s := make([]float64, len(v.phrasings))
		return &s
	}
	return v
}

// canonical is the word a term stands for: the first word of its synonym group, or itself.
func (v *vocabulary) canonical(t string) string {
	if s := v.syn[t]; len(s) > 0 {
		return s[0]
	}
	return t
}

// closeness is how close a question comes to the nearest phrasing (title or question) of each
// entry, from 0 to 1: the weighted Jaccard similarity of their terms, the weight they share over
// the weight of either. Coverage asks whether an entry has the question's words anywhere;
// closeness asks whether the entry was asked this way. Terms no entry has are left out, as in
// coverage, and so are the subject's own words, which nearly every phrasing has ("foot",
// "massage"): they weigh next to nothing, and would make the pass below visit every phrasing.
// It is one pass over the phrasings that share a term with the question, for all entries at
// once (by their place in the base; see entryAt): ranking needs it for every hit.
func (v *vocabulary) closeness(terms [][]string) []float64 {
	// shared is by phrasing: the weight it shares with the question, left all zero again.
	buf := v.sharedPool.Get().(*[]float64)
	defer v.sharedPool.Put(buf)
	shared := *buf
	var room [16]weighted
	total := 0.0
	for _, w := range v.appendWeighted(room[:0], terms) {
		total += w.weight
		for _, pt := range v.byTerm[w.term] {
			shared[pt.phrasing] += min(w.weight, pt.weight)
		}
	}
	best := make([]float64, len(v.entryAt))
	for i, s := range shared {
		if s > 0 {
			// The union is what either has: both totals, less what they share, counted twice.
			p := v.phrasings[i]
			best[p.entry] = max(best[p.entry], s/(total+p.total-s))
			shared[i] = 0
		}
	}
	return best
}

// phrasing is one of an entry's titles or questions, with the summed weight of its terms.
type phrasing struct {
	entry int // its place in the base
	total float64
}

// phrasingTerm is a term of a phrasing (by its place in vocabulary.phrasings) and its weight.
type phrasingTerm struct {
	phrasing int
	weight   float64
}

// appendWeighted appends to dst what closeness compares of terms, for a question as for a
// phrasing: each term by the word it stands for (see canonical), once, with its weight; terms
// no entry has and the subject's own words left out.
func (v *vocabulary) appendWeighted(dst []weighted, terms [][]string) []weighted {
	for _, variants := range terms {
		c := v.canonical(variants[0])
		if v.unknown(variants) || v.everywhere(variants) || slices.ContainsFunc(dst, func(w weighted) bool { return w.term == c }) {
			continue
		}
		dst = append(dst, weighted{c, v.weight(variants)})
	}
	return dst
}

// weighted is a term with its weight.
type weighted struct {
	term   string
	weight float64
}

func (v *vocabulary) addWord(w string, entries int) {
	if _, ok := v.words[w]; !ok {
		k := spellKey{w[0], len(w)}
		v.byLetter[k] = append(v.byLetter[k], spelled{w, letterSet(w)})
	}
	v.words[w] += entries
}

// inField reports whether bleve indexed the term, or a word it stands for, in the field.
func (v *vocabulary) inField(field, term string) bool {
	terms := v.fields[field]
	if terms[term] {
		return true
	}
	for _, s := range v.syn[term] {
		if terms[s] {
			return true
		}
	}
	return false
}

// correct replaces the words of a question that neither the base nor the word lists know by the
// closest word they do know ("anxiaty" -> "anxiety", "pian" -> "pain"). An everyday English word
// is left as it is ("march" is no typo of "match", nor "send" of "spend"), unless its nearest
// word names the subject: "foot messages" means massages. Correcting finds a typo
// by the exact search and by coverage alike. Correcting the word before stemming matters: the
// stem of a typo ("stres" -> "stre") is often nearer to another word's stem ("sore") than to its
// own. A word with no near neighbour is left alone; it then counts as a word the base lacks.
//
// The result is the question's words only, joined by spaces: punctuation that bleve's tokenizer
// would keep inside a word ("title:sleep") is gone, so what looks like query syntax is searched
// as the words it contains.
//
// Bleve could find the near misses itself (a fuzzy field dictionary over the unstemmed words),
// but it builds a Levenshtein automaton for every look-up: about 0.5 ms a word against 20 µs
// for this scan, and the automaton counts a swap of two letters as two edits.
func (v *vocabulary) correct(words []string) string {
	for i, w := range words {
		if _, ok := v.words[w]; ok {
			continue
		}
		if everyday[w] {
			if c := v.nearestSubjectWord(w); c != "" {
				words[i] = c
			}
		} else if c := v.nearest(w); c != "" {
			words[i] = c
		}
	}
	return strings.Join(words, " ")
}

// nearest returns the known word closest to w within typoEdits of it, preferring fewer edits,
// then the word more entries use, then the one that shares a longer start with w (a typo seldom
// comes early: "trick" is "tricks", not "thick"); "" if there is none.
func (v *vocabulary) nearest(w string) string {
	limit := typoEdits(w)
	if limit == 0 {
		return ""
	}
	best, bestDist, bestUse, bestPrefix := "", limit+1, -1, 0
	letters := letterSet(w)
	for n := len(w) - limit; n <= len(w)+limit; n++ {
		for _, k := range v.byLetter[spellKey{w[0], n}] {
			if !withinEdits(letters, k.letters, limit) {
				continue
			}
			known := k.word
			d := editDistance(w, known, limit)
			if d > limit || (len(w) <= 4 && !swapped(w, known) && len(known) != len(w)+1) {
				continue
			}
			use, prefix := v.words[known], commonPrefix(w, known)
			if d < bestDist || (d == bestDist && (use > bestUse || (use == bestUse && prefix > bestPrefix))) {
				best, bestDist, bestUse, bestPrefix = known, d, use, prefix
			}
		}
	}
	return best
}

// nearestSubjectWord returns the word of the subject within one edit of w ("messages" ->
// "massages"), or "": the one correction an everyday word of five letters or more gets. Shorter
// ones are too often words in their own right ("meet" is not "feet").
func (v *vocabulary) nearestSubjectWord(w string) string {
	best := ""
	for s := range v.subjectWords {
		if s != w && len(w) >= 5 && editDistance(w, s, 1) <= 1 && (best == "" || s < best) {
			best = s // the least in order, so that the result does not depend on map order
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// typoEdits is how many edits a word may be from the known word it is taken for: none for words
// of three letters or fewer, one for most words, two for long ones ("contraindicatons").
// Four-letter words are corrected only for swapped letters or a dropped letter ("ofen", "evry").
func typoEdits(w string) int {
	for _, r := range w {
		if r >= '0' && r <= '9' {
			return 0 // numbers and sizes are not typos
		}
	}
	switch n := len(w); {
	case n <= 3:
		return 0
	case n <= 8:
		return 1
	}
	return 2
}

// swapped reports whether a and b differ only by two neighbouring letters swapped ("pian",
// "pain"). In short words other single edits mostly make another real word the base happens to
// know ("dogs" -> "does", "paws" -> "pads", "size" -> "side"), so only swaps and dropped
// letters are trusted.
func swapped(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// meaningful drops filler terms.
func (v *vocabulary) meaningful(terms []string) []string {
	out := terms[:0:0]
	for _, t := range terms {
		if !v.filler[t] {
			out = append(out, t)
		}
	}
	return out
}

// variants returns the terms a question term may stand for: itself and its synonyms. Typos are
// corrected before analysis; see correct.
func (v *vocabulary) variants(term string) []string {
	return append([]string{term}, v.syn[term]...)
}

// allVariants returns the variants of each term.
func (v *vocabulary) allVariants(terms []string) [][]string {
	out := make([][]string, len(terms))
	for i, t := range terms {
		out[i] = v.variants(t)
	}
	return out
}

// weight tells how much a term says about the topic, as BM25's inverse document frequency: a
// word that every entry has ("foot") says little, a word few entries have says a lot; an entry
// that only mentions it in its answer counts for mentionShare of one. (Words no entry has weigh
// the most, but coverage leaves them out; see there.)
func (v *vocabulary) weight(variants []string) float64 {
	df := 0.0
	for _, t := range variants {
		df = max(df, float64(v.topicDF[t])+mentionShare*float64(v.df[t]-v.topicDF[t]))
	}
	if (df == 0 && len(variants[0]) < 3) || isNumber(variants[0]) {
		// chat shorthand like "r" or "u", or a number: a detail ("10 minutes", "30 weeks"),
		// not a topic
		return 0
	}
	n := float64(v.entries)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// mentionShare is how much an entry that only mentions a term in its answer counts toward the
// term's document frequency, next to one that has it as a topic: "stress" is in half the answers
// in passing, but few entries are about it, and it should tell "I'm stressed all the time" from a
// question about time. Swept over the tuning sets: 1 passes 857 of 951, 0.5 and 0.25 859, 0 856.
const mentionShare = 0.5

func isNumber(term string) bool {
	return strings.IndexFunc(term, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// coverage is the weighted share of the question's known terms that the entry contains, from 0
// to 1. A term no entry has does not count at all: a word the base does not know ("asking for a
// friend", a typo with no near word) must not veto a match of the words it does know. What makes
// the bot decline an unknown topic is the policy's off-topic rule or too little known weight,
// not an extra word. A term that no entry names as its topic (see topic) counts at
// unnamedWeight: in a chatty question such words are more often story than topic.
func (v *vocabulary) coverage(entryID string, terms [][]string, weights []float64) float64 {
	set := v.terms[entryID]
	var total, matched float64
	for i, variants := range terms {
		w := weights[i]
		total += w
		best := 0.0
		for _, t := range variants {
			best = max(best, set[t])
		}
		matched += best * w
	}
	if total == 0 {
		return 0 // only everyday words and numbers: nothing to match
	}
	return matched / total
}

// coverageWeights are what each of a question's terms counts for in coverage: none for a term no
// entry has, unnamedWeight of its weight for one no entry names as its topic. They are worked out
// once a question, not once a hit.
func (v *vocabulary) coverageWeights(terms [][]string) []float64 {
	out := make([]float64, len(terms))
	for i, variants := range terms {
		if v.unknown(variants) {
			continue
		}
		out[i] = v.weight(variants)
		if !v.topic(variants) {
			out[i] *= unnamedWeight
		}
	}
	return out
}

// stepTopicDF is how many entries at most may have a word of a routine's steps for it to count
// as the routine's topic. Swept over the tuning sets (7502 questions, 2026-12-02): every step
// word a topic passed 6647, none 6657, at most 1, 2, 3, 4 and 6 entries 6657, 6657, 6658, 6658
// and 6651; at 3 the development set keeps its step questions ("how long do i hold the arch
// point") that none loses.
const stepTopicDF = 3

// unnamedWeight scales terms that some entry has in its questions or answer but none names in
// its title, keywords or (for a rare word) steps; see coverage and topic.
const unnamedWeight = 0.5

// mentionsDomain reports whether a question term names the subject itself: a word of the base's
// domain list (Base.Domain), or of the overview's title when it has none. Words that merely
// appear in most entries ("help", "get", "good") do not: they made "is it safe to get a
// pedicure while pregnant?" a question about foot massage.
func (v *vocabulary) mentionsDomain(terms [][]string) bool {
	for _, variants := range terms {
		if slices.ContainsFunc(variants, func(t string) bool { return v.domain[t] }) {
			return true
		}
	}
	return false
}

// subjectShare is the share of entries a word of the overview's title must appear in to name
// the subject: "foot" and "massage" are in nearly every entry, "benefits" in half of them.
const subjectShare = 0.75

// onlySubject reports whether a question names the subject, by itself or by a synonym, and says
// nothing else ("what is a foot massage?", "rubbing feet", "can a foot massage really help?").
func (v *vocabulary) onlySubject(terms [][]string) bool {
	named := false
	for _, variants := range terms {
		switch {
		case v.namesSubject(variants):
			named = true
		case !v.everywhere(variants):
			return false
		}
	}
	return named
}

// everywhere reports whether a term is in nearly every entry, as the subject's words are, without
// naming it: "can" in "can a foot massage really help?" says nothing of what is asked.
func (v *vocabulary) everywhere(variants []string) bool {
	return slices.ContainsFunc(variants, func(t string) bool { return float64(v.df[t]) >= subjectShare*float64(v.entries) })
}

// namesWholeSubject reports whether the terms name every word of the subject.
func (v *vocabulary) namesWholeSubject(terms [][]string) bool {
	named := 0
	for t := range v.subject {
		if slices.ContainsFunc(terms, func(variants []string) bool { return slices.Contains(variants, t) }) {
			named++
		}
	}
	return len(v.subject) > 0 && named == len(v.subject)
}

// namesSubject reports whether a term, by itself or by a synonym, names the subject.
func (v *vocabulary) namesSubject(variants []string) bool {
	return slices.ContainsFunc(variants, func(t string) bool { return v.subject[t] })
}

// knownWeight is how much of the question the base knows: the summed weight of its terms that
// some entry is about (see topic), and at unnamedWeight of those entries only use in their
// questions or mention in their answers.
func (v *vocabulary) knownWeight(terms [][]string) float64 {
	sum := 0.0
	for _, variants := range terms {
		switch {
		case v.topic(variants):
			sum += v.weight(variants)
		case !v.unknown(variants):
			sum += unnamedWeight * v.weight(variants)
		}
	}
	return sum
}

// topic reports whether some entry names one of the variants as its topic (see named). Terms
// that only questions or answers use count at unnamedWeight: weighed by how few of the 24
// entries have them, everyday words a few questions happen to use ("like", "anything", "part")
// outweighed the topic ("migraines like twice a week" went to how-often, on "like").
func (v *vocabulary) topic(variants []string) bool {
	return slices.ContainsFunc(variants, func(t string) bool { return v.named[t] })
}

// unknown reports whether no entry has any of the variants.
func (v *vocabulary) unknown(variants []string) bool {
	for _, t := range variants {
		if v.df[t] > 0 {
			return false
		}
	}
	return true
}

// editDistance is the optimal string alignment distance between a and b (a swap of two
// neighbouring letters counts as one edit), computed only as far as needed to know whether it
// exceeds limit; any value above limit means "too far".
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// Three rows on the stack for the words people type; longer ones allocate.
	var buf [3 * 32]int
	rows := buf[:]
	if 3*(len(b)+1) > len(rows) {
		rows = make([]int, 3*(len(b)+1))
	}
	n := len(b) + 1
	prev2, prev, cur := rows[:n], rows[n:2*n], rows[2*n:3*n]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// hyphenated finds two words joined by a hyphen.
var hyphenated = regexp.MustCompile(`\pL+-\pL+`)

// joinHyphens writes a hyphenated word as one when the synonyms list it so: "shut-eye" is
// "shuteye", a word of the sleep group, where its halves would be a door and an eye.
func (v *vocabulary) joinHyphens(q string) string {
	if !strings.Contains(q, "-") {
		return q
	}
	return hyphenated.ReplaceAllStringFunc(q, func(m string) string {
		if j := strings.ReplaceAll(m, "-", ""); v.joined[strings.ToLower(j)] {
			return j
		}
		return m
	})
}
