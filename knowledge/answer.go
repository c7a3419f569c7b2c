package knowledge

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuestion is how many characters of a question are searched. Real questions are far shorter;
// the cap keeps a pasted wall of text from costing more than a normal question.
const MaxQuestion = 500

// confidenceThreshold is the share of a question's weighted terms the best entry must contain
// for the bot to answer rather than say it does not know. Below it, the entry found is only a
// suggestion. Tuned on testdata/eval.yaml; see TestEvaluation.
const confidenceThreshold = 0.6

// maxSuggestions is how many close topics an answer offers.
const maxSuggestions = 3

// Outcome says what kind of reply a question got.
type Outcome string

// The outcomes of a question.
const (
	// Answered: an entry matched with confidence.
	Answered Outcome = "answered"
	// Declined: nothing matched well enough; the bot says so and suggests close topics.
	Declined Outcome = "declined"
	// Greeting: the message had no topic at all ("hi", "???"); the bot explains what it does.
	Greeting Outcome = "greeting"
)

// Answer is what the bot replies to a question, independent of where it is shown.
type Answer struct {
	Question string  // the question as searched: mentions stripped, trimmed, capped
	Outcome  Outcome // answered, declined or greeting
	Entry    *Entry  // the matched entry; nil unless Outcome is Answered
	Score    float64 // bleve's score of the best hit (0 when nothing was searched or found)
	// Confidence is the weighted share of the question's terms the best entry contains (0-1).
	Confidence float64
	// Suggestions are up to three close entries: when answered, the entry's related ones; when
	// declined, the best of the search.
	Suggestions []*Entry
	Safety      bool // the question names a risk: show SafetyNotice
	Emergency   bool // the question suggests an emergency: show EmergencyNotice first
	// The notices and disclaimer texts of the knowledge base that answered.
	SafetyNotice    string
	EmergencyNotice string
	Disclaimer      string
}

// Answered reports whether the bot answered with an entry.
func (a Answer) Answered() bool { return a.Outcome == Answered }

// Answer answers one question. Any text is acceptable input; only a search failure (a cancelled
// context, a closed index) returns an error.
func (ix *Index) Answer(ctx context.Context, question string) (Answer, error) {
	q := CleanQuestion(question)
	a := Answer{
		Question:        q,
		Outcome:         Greeting,
		SafetyNotice:    ix.base.Safety.Text,
		EmergencyNotice: ix.base.Emergency.Text,
		Disclaimer:      ix.base.Disclaimer,
	}
	words := wordsOf(q)
	a.Safety = matchesAny(words, ix.safety)
	a.Emergency = matchesAny(words, ix.emergency)

	// Typos are corrected once, up front, so that the search and the coverage see the same words.
	aq := ix.analyzeQuestion(ix.vocab.correct(slices.Clone(words)))
	terms := ix.vocab.meaningful(aq.english)
	if len(terms) == 0 {
		if a.Safety || a.Emergency {
			a.Outcome = Declined // "diabetes?" is not a greeting, even if it says little else
			a.Suggestions = ix.safetyEntries()
		}
		return a, nil
	}
	hits, err := ix.search(ctx, aq, candidates)
	if err != nil {
		return Answer{}, err
	}
	a.Outcome = Declined
	variants := make([][]string, len(terms))
	for i, t := range terms {
		variants[i] = ix.vocab.variants(t)
	}
	if !ix.vocab.saysAnything(variants) && !a.Safety && !a.Emergency {
		// Only everyday words ("hi there, can you help me?", "what can you do"): a greeting
		// or a question about the bot itself, not a topic to search.
		a.Outcome = Greeting
		return a, nil
	}
	ranked := ix.rank(hits, variants)
	if a.Safety && matchesAny(words, permissionTriggers) && ix.vocab.asksAboutMassage(variants) {
		ranked = safetyFirst(ranked)
	}
	if len(ranked) > 0 {
		a.Score = ranked[0].score
		a.Confidence = ranked[0].coverage
		if a.Confidence >= confidenceThreshold && !ambiguous(terms, ranked) {
			a.Outcome = Answered
			a.Entry = ranked[0].entry
			ranked = ranked[1:]
		}
	}
	if a.Answered() {
		// Next to a sure answer, the runners-up of the search are mostly noise; the entries the
		// moderators marked as related are what a reader wants next.
		for _, id := range a.Entry.Related {
			if e := ix.base.Entry(id); e != nil && len(a.Suggestions) < maxSuggestions {
				a.Suggestions = append(a.Suggestions, e)
			}
		}
	} else {
		for _, h := range ranked {
			if len(a.Suggestions) == maxSuggestions {
				break
			}
			if h.coverage > 0 {
				a.Suggestions = append(a.Suggestions, h.entry)
			}
		}
	}
	if a.Safety && !a.Answered() {
		a.Suggestions = prependUnique(ix.safetyEntries(), a.Suggestions)
	}
	if a.Emergency && !a.Answered() {
		// "I have chest pain" must read as "get help now", not as a menu of massage benefits.
		a.Suggestions = nil
	}
	return a, nil
}

// A one-word question that several entries are about about equally ("toes", "heel",
// "diabetes") is ambiguous: rather than pick one, the bot offers them as suggestions. (Two words
// are already a question: "massage feet" matches the routine's phrasings.)
const (
	ambiguousTerms = 1   // at most this many meaningful terms
	ambiguousShare = 0.6 // the runner-up's bleve score is at least this share of the best's
)

func ambiguous(terms []string, ranked []hit) bool {
	return len(terms) <= ambiguousTerms && len(ranked) > 1 &&
		ranked[1].coverage >= confidenceThreshold && ranked[1].score >= ambiguousShare*ranked[0].score
}

// candidates is how many search hits are re-ranked.
const candidates = 8

// scoreWeight is how much bleve's score, relative to the best hit's, adds to an entry's coverage
// when ranking: enough to break ties between entries that contain every word of the question,
// too little to prefer an entry that misses a telling word.
const scoreWeight = 0.3

// rank orders search hits by how much of the question each entry covers, then by bleve's score.
func (ix *Index) rank(hits []hit, variants [][]string) []hit {
	if len(hits) == 0 {
		return nil
	}
	top := hits[0].score
	for i := range hits {
		hits[i].coverage = ix.vocab.coverage(hits[i].entry.ID, variants)
		hits[i].rank = hits[i].coverage
		if top > 0 {
			hits[i].rank += scoreWeight * hits[i].score / top
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.rank, a.rank) })
	return hits
}

// permissionPhrases ask whether massage is all right for someone. With a named risk ("I have
// diabetes, can I ...", "is it safe with DVT") and a mention of massage (not "can I put a
// plaster on a cut") they make the question a safety question, whatever benefit it also
// mentions.
var permissionTriggers = compileTriggers(append(strings.Fields(`safe safely unsafe ok okay
allowed dangerous danger risk* harm* careful still`), "can i", "can we", "can you", "should i",
	"could i", "may i", "is it bad", "bad idea", "fine to", "alright"))

// safetyFirst moves the best safety entry among the hits to the front and gives it at least the
// confidence threshold: for a question that names a risk and asks whether massage is all right,
// the safety answer is the right kind of answer even when a benefit shares more of its words. A
// safety entry that shares none of the question's words is not promoted.
func safetyFirst(ranked []hit) []hit {
	for i, h := range ranked {
		if h.entry.Kind == KindSafety && h.coverage > 0 {
			h.coverage = max(h.coverage, confidenceThreshold)
			out := append([]hit{h}, ranked[:i]...)
			return append(out, ranked[i+1:]...)
		}
	}
	return ranked
}

func (ix *Index) safetyEntries() []*Entry {
	s := ix.base.OfKind(KindSafety)
	return s[:min(len(s), maxSuggestions)]
}

// prependUnique puts first before rest, without repeats, keeping at most maxSuggestions.
func prependUnique(first, rest []*Entry) []*Entry {
	out := make([]*Entry, 0, maxSuggestions)
	seen := map[string]bool{}
	for _, e := range append(first, rest...) {
		if !seen[e.ID] && len(out) < maxSuggestions {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

// discordMarkup matches user, role and channel mentions, custom emoji and timestamps, which
// mean nothing to the search.
var discordMarkup = regexp.MustCompile(`<(?:@[!&]?|#|a?:\w+:|t:)\d+(?::\w)?>|@everyone|@here`)

// CleanQuestion strips Discord markup and control characters from a question, folds white
// space, and caps its length at MaxQuestion characters.
func CleanQuestion(s string) string {
	if len(s) > 8*MaxQuestion {
		s = s[:8*MaxQuestion] // cheap cap before the regexp; the rune cap below is the real one
	}
	s = strings.ToValidUTF8(s, "")
	s = discordMarkup.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxQuestion {
		s = string([]rune(s)[:MaxQuestion])
	}
	return s
}

// wordsOf splits text into lowercase words for trigger matching.
func wordsOf(s string) []string {
	s = strings.ReplaceAll(strings.ToLower(s), "’", "'")
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// trigger is a trigger phrase split into words, once, when the index is built: splitting every
// phrase again for every question cost more than the rest of Answer's own work.
// A trigger is one or more phrases that must all occur in a question, anywhere: "dvt", or
// "calf + swollen" for a question that says "my calf is swollen" as well as "swollen calf".
type trigger []phrase

type phrase struct {
	words  []string
	prefix bool // the last word matches any word starting with it
}

func compileTriggers(specs []string) []trigger {
	out := make([]trigger, 0, len(specs))
	for _, spec := range specs {
		var t trigger
		for _, part := range strings.Split(spec, "+") {
			part = strings.TrimSpace(part)
			if tw := wordsOf(strings.TrimSuffix(part, "*")); len(tw) > 0 {
				t = append(t, phrase{words: tw, prefix: strings.HasSuffix(part, "*")})
			}
		}
		if len(t) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// matchesAny reports whether any trigger occurs in words. A trailing '*' on a phrase's last
// word matches any word starting with it; words of six letters or more also match with one
// typo, so "pregnent" and "thrombossis" still count. Safety errs on the side of showing the
// notice.
func matchesAny(words []string, triggers []trigger) bool {
	for _, t := range triggers {
		if t.in(words) {
			return true
		}
	}
	return false
}

func (t trigger) in(words []string) bool {
	for _, p := range t {
		if !p.in(words) {
			return false
		}
	}
	return true
}

func (p phrase) in(words []string) bool {
	for i := 0; i+len(p.words) <= len(words); i++ {
		if phraseAt(words[i:i+len(p.words)], p.words, p.prefix) {
			return true
		}
	}
	return false
}

func phraseAt(words, phrase []string, prefix bool) bool {
	for j, p := range phrase {
		last := j == len(phrase)-1
		if !wordMatches(words[j], p, prefix && last) {
			return false
		}
	}
	return true
}

func wordMatches(word, want string, prefix bool) bool {
	if word == want || (prefix && strings.HasPrefix(word, want)) {
		return true
	}
	if len(want) < 6 {
		return false
	}
	if !prefix {
		return editDistance(word, want, 1) <= 1
	}
	// A prefix with one typo: compare it with the word's beginnings of about the same length.
	for n := len(want) - 1; n <= len(want)+1 && n <= len(word); n++ {
		if editDistance(word[:n], want, 1) <= 1 {
			return true
		}
	}
	return false
}
