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

// maxSuggestions is how many close topics an answer offers.
const maxSuggestions = 3

// maxEntries is how many entries one reply answers with: two questions in one message get both
// answers, and a risk named with another question gets the safety entry beside the answer.
const maxEntries = 2

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
	// Emergency: the message describes symptoms that need help now; the bot says to get help
	// and offers no massage topics.
	Emergency Outcome = "emergency"
)

// Answer is what the bot replies to a question, independent of where it is shown.
type Answer struct {
	Question string  // the question as searched: mentions stripped, trimmed, capped
	Outcome  Outcome // answered, declined, greeting or emergency
	Entry    *Entry  // the first matched entry; nil unless Outcome is Answered
	// Entries are the entries answered with, Entry first: two when the message asked two
	// things, or named a risk beside another question.
	Entries []*Entry
	Score   float64 // bleve's score of the best hit (0 when nothing was searched or found)
	// Confidence is how likely the answer is right, from 0 to 1 (0 unless answered).
	Confidence float64
	// Rule names the policy rule that decided (see policy), for logs and tests.
	Rule string
	// Suggestions are up to three close entries: when answered, the entry's related ones; when
	// declined, the best of the search.
	Suggestions []*Entry
	Safety      bool // the question names a risk: show SafetyNotice
	Emergency   bool // the question suggests an emergency: show EmergencyNotice first
	// OtherLanguage: the question is in French, Spanish, German or another language the base
	// knows words of; the reply, in English, says so (EnglishOnlyText).
	OtherLanguage bool
	// The notices and disclaimer texts of the knowledge base that answered.
	SafetyNotice    string
	EmergencyNotice string
	Disclaimer      string
}

// Answered reports whether the bot answered with an entry.
func (a Answer) Answered() bool { return a.Outcome == Answered }

// AnsweredWith returns the entries the answer shows: Entries, or Entry alone in an Answer built
// with only that set; none unless answered.
func (a Answer) AnsweredWith() []*Entry {
	switch {
	case !a.Answered() || a.Entry == nil:
		return nil
	case len(a.Entries) == 0:
		return []*Entry{a.Entry}
	}
	return a.Entries
}

// Answer answers one question. Any text is acceptable input; only a search failure (a cancelled
// context, a closed index) returns an error.
//
// It reads the question (features), searches (hits), and lets the policy decide. An answered
// message of two questions ("how often? and how long?") is also answered part by part, and a
// second entry that one part finds joins the answer; one declined for want of a match is
// answered when each of its parts is.
func (ix *Index) Answer(ctx context.Context, question string) (Answer, error) {
	q := CleanQuestion(question)
	a := Answer{
		Question:        q,
		SafetyNotice:    ix.base.Safety.Text,
		EmergencyNotice: ix.base.Emergency.Text,
		Disclaimer:      ix.base.Disclaimer,
	}
	text := ix.vocab.joinHyphens(q) // what is read; the question stays as asked
	words := wordsOf(text)
	a.Safety = ix.signals.safety(words)
	a.Emergency = ix.signals.emergency(words)
	a.OtherLanguage = inOtherLanguage(words)

	d, hits, err := ix.consider(ctx, text, words, a.Safety, a.Emergency)
	if err != nil {
		return Answer{}, err
	}
	switch {
	case d.outcome == Declined && lacksMatch[d.rule]:
		d, err = ix.answerParts(ctx, text, d)
	case d.outcome == Answered:
		d, err = ix.addParts(ctx, text, d)
	}
	if err != nil {
		return Answer{}, err
	}
	a.Outcome, a.Rule, a.Entries, a.Confidence = d.outcome, d.rule, d.entries, d.confidence
	if len(hits) > 0 {
		a.Score = hits[0].score
	}
	if a.Answered() {
		a.Entry = a.Entries[0]
		a.Safety = a.Safety || d.notice
	}
	a.Suggestions = ix.suggestions(a, hits)
	return a, nil
}

// lacksMatch are the rules that decline a message for want of a match: a message of two
// questions may match no entry as a whole, yet each of its questions one ("what are the main
// benefits of foot rubs and how do I do one on myself").
var lacksMatch = map[string]bool{"weak": true, "no-match": true, "unsure": true}

// answerParts answers a message declined as a whole question by question: when each of its
// questions is answered, the message is, with each one's entry; otherwise d stands.
func (ix *Index) answerParts(ctx context.Context, q string, d decision) (decision, error) {
	parts := ix.questions(q)
	if len(parts) == 0 {
		return d, nil
	}
	whole := decision{outcome: Answered, rule: "parts", confidence: 1}
	for _, pw := range parts {
		pd, err := ix.part(ctx, pw)
		if err != nil || pd.outcome != Answered {
			return d, err
		}
		whole.entries = uniqueEntries(append(whole.entries, pd.entries...), maxEntries)
		whole.confidence = min(whole.confidence, pd.confidence)
		whole.notice = whole.notice || pd.notice
	}
	return whole, nil
}

// addParts adds to an answer the entry that each other question of the message finds, while
// there is room: "how often? and how long?".
func (ix *Index) addParts(ctx context.Context, q string, d decision) (decision, error) {
	for _, pw := range ix.questions(q) {
		if len(d.entries) >= maxEntries {
			break // only an answer with room for another entry is worth a search per part
		}
		pd, err := ix.part(ctx, pw)
		if err != nil {
			return d, err
		}
		if pd.outcome == Answered {
			d.entries = uniqueEntries(append(d.entries, pd.entries...), maxEntries)
		}
	}
	return d, nil
}

// questions returns the words of each question a message asks (see splitQuestions), or, for a
// message of one question that asks about two topics joined by "and" or "or", that question
// asked about each topic alone (see joinedTopics); nil when it asks one thing.
func (ix *Index) questions(q string) [][]string {
	if parts := splitQuestions(q); parts != nil {
		return parts
	}
	return ix.joinedTopics(wordsOf(q))
}

// joinedTopics splits "does it help with stress and sleep" into "does it help with stress" and
// "does it help with sleep": one question about two topics that different entries answer. Both
// words must name a topic that at most maxJoinedTopicDF entries name ("stress", "sleep",
// "headaches"), not the subject and not a word every entry has: "foot massage or reflexology"
// asks one question, the difference. Only the first such pair is split. nil if there is none.
func (ix *Index) joinedTopics(words []string) [][]string {
	for i := 1; i+1 < len(words); i++ {
		if words[i] != "and" && words[i] != "or" {
			continue
		}
		a, b := words[i-1], words[i+1]
		if a == b || !ix.namesOneTopic(a) || !ix.namesOneTopic(b) {
			continue
		}
		withA := append(slices.Clone(words[:i]), words[i+2:]...)
		withB := append(slices.Clone(words[:i-1]), words[i+1:]...)
		return [][]string{withA, withB}
	}
	return nil
}

// maxJoinedTopicDF is how many entries at most may name a word for joinedTopics to split at it.
const maxJoinedTopicDF = 4

// namesOneTopic reports whether w, by itself or a synonym, is a topic that few entries name.
func (ix *Index) namesOneTopic(w string) bool {
	terms := ix.termsOf([]string{w})
	if len(terms) != 1 {
		return false
	}
	v := terms[0]
	if !ix.vocab.topic(v) || ix.vocab.namesSubject(v) || ix.vocab.everywhere(v) {
		return false
	}
	df := 0
	for _, t := range v {
		df = max(df, ix.vocab.topicDF[t])
	}
	return df <= maxJoinedTopicDF
}

// part decides one question of a message on its own (see splitQuestions).
func (ix *Index) part(ctx context.Context, words []string) (decision, error) {
	d, _, err := ix.consider(ctx, "", words, ix.signals.safety(words), false)
	return d, err
}

// consider reads a question's words and lets the policy decide. q is the message the words are
// of, or "" for a part of one (see askedClause).
func (ix *Index) consider(ctx context.Context, q string, words []string, safety, emergency bool) (decision, []hit, error) {
	f, hits, safetyEntry, err := ix.read(ctx, q, words, safety, emergency)
	if err != nil {
		return decision{}, nil, err
	}
	return decide(f, hits, safetyEntry, ix.thresholds), hits, nil
}

// read is retrieval: it reads a question's words into features, searches and ranks the hits,
// and finds the safety entry that would answer a question about risks.
func (ix *Index) read(ctx context.Context, q string, words []string, safety, emergency bool) (features, []hit, *Entry, error) {
	f := features{
		safety:     safety,
		emergency:  emergency,
		clot:       ix.signals.clot(words),
		permission: ix.signals.permission(words),
		avoid:      ix.signals.avoid(words),
		asksRisks:  ix.signals.asksRisks(words),
		personal:   ix.signals.personal(words),
		exact:      ix.phrasings[phrasingKey(words)],
		overview:   ix.overview,
		routine:    ix.routine,
		asksHow:    asksHowTo(words),
	}
	f.offTopic, f.offTopicBeforeRisks = ix.signals.offTopicOf(words)
	asked := askedClause(q)
	if f.offTopic != "" {
		// A topic named only in the story before the question is not what was asked, when the
		// question names the subject itself: "my heart sank at the spa's prices, how do I
		// massage my own feet?" is the routine's question. ("I ran hills and my heel hurts. I
		// need your help." asks nothing of the subject and stays off topic.)
		if asked != nil && ix.signals.offTopic(asked) == "" && (ix.namesWholeSubject(asked) || ((asksAfresh(asked) || ix.namesWholeSubject(words)) && ix.answersAlone(ctx, asked))) {
			f.offTopic, f.offTopicBeforeRisks = "", false
		}
	}
	// Typos are corrected once, up front, so that the search and the coverage see the same words.
	aq := ix.analyzeQuestion(ix.vocab.correct(asksIfItWorks(slices.Clone(ix.signals.withoutIdioms(words)))))
	variants := ix.vocab.allVariants(ix.vocab.meaningful(aq.english))
	if inOtherLanguage(words) {
		// A question in another language is mostly words no entry has, which say nothing of its
		// topic: "Pourquoi faire un massage des pieds ?" asks about foot massage. The words the
		// base knows, its synonyms in those languages among them, are the question.
		variants = slices.DeleteFunc(variants, ix.vocab.unknown)
	}
	f.terms = len(variants)
	f.variants = variants
	f.outLean = ix.scope.out(variants)
	f.known = ix.vocab.knownWeight(variants)
	f.domain = ix.vocab.mentionsDomain(variants)
	// What a question that names a risk says besides the risk: the words that name the risk are
	// left out, so that "diabetes" does not draw the circulation entry when the question asks
	// how often, and "athlete's foot" names no feet to be massaged.
	var besidesRisk [][]string
	if f.safety {
		besidesRisk = ix.termsOf(ix.signals.withoutRisks(words))
	}
	f.aboutRisk = f.safety && asksOfItsOwn(q, words) && !ix.signals.namesMassage(words) && !ix.vocab.mentionsDomain(besidesRisk) && !asksIfAllRight(words, besidesRisk)
	f.subjectWords = ix.vocab.onlySubject(variants)
	f.subjectOnly = f.subjectWords && ix.vocab.namesWholeSubject(variants)
	if asked != nil && asksHowTo(asked) {
		// "those sandals wrecked my soles, how do I massage them?": the clause that asks is
		// how it is done, whatever the story around it
		av := ix.termsOf(asked)
		f.askedHow = len(av) > 0 && ix.vocab.onlySubject(av)
	}
	for _, v := range variants {
		if ix.vocab.namesSubject(v) {
			f.subjectTerms++
		}
		if ix.vocab.unknown(v) {
			f.unknown++
			f.unknownW += ix.vocab.weight(v)
		}
	}
	var askedTerms []string // the terms of the clause that asks, in a message of several
	if asked != nil {
		askedTerms = ix.analyze(strings.Join(asked, " "))
		// The story around the question is told in words of its own ("my cat threw up a hairball,
		// vet says she's fine. unrelated but does foot massage help anxiety"): the words no entry
		// has count in full in the clause that asks, at storyWeight in the rest.
		inAsked := 0.0
		for _, v := range variants {
			if ix.vocab.unknown(v) && slices.Contains(askedTerms, v[0]) {
				inAsked += ix.vocab.weight(v)
			}
		}
		f.unknownW = inAsked + storyWeight*(f.unknownW-inAsked)
	}
	var hits []hit
	if len(variants) > 0 && !f.emergency {
		var err error
		if hits, err = ix.search(ctx, aq, candidates); err != nil {
			return features{}, nil, nil, err
		}
		// The terms of the clause that asks, in a message of several; not in one that names a
		// risk, where the risk counts wherever it is ("I have a DVT, can a foot rub help me sleep?"),
		// nor in one whose question points back at the story ("my gym bro says foot rubs lower
		// your blood pressure. is that a real thing?").
		var stress []string
		if asked != nil && !f.safety && !slices.ContainsFunc(asked, func(w string) bool { return pointsBack[w] }) {
			stress = askedTerms
		}
		hits = ix.rank(hits, variants, stress)
		if f.safety {
			f.asked = ix.askedBesidesRisk(besidesRisk, hits)
		}
	}
	var safetyEntry *Entry
	if len(ix.safetyKind) > 0 {
		safetyEntry = ix.safetyKind[0]
		for _, h := range hits { // the safety entry the search likes best, if there are several
			if h.entry.Kind == KindSafety {
				safetyEntry = h.entry
				break
			}
		}
	}
	return f, hits, safetyEntry, nil
}

// asksHowTo reports whether a question opens by asking how something is done: "how to", "how
// do I", "how should you", or the word for how in the other languages of synonyms.yaml, whose
// next words are filler there ("comment faire", "cómo hacer", "wie macht man").
func asksHowTo(words []string) bool {
	if len(words) < 2 {
		return false
	}
	if words[0] == "how" {
		return howFollowers[words[1]]
	}
	return otherHowWords[words[0]]
}

var (
	howFollowers  = map[string]bool{"to": true, "do": true, "should": true, "can": true, "would": true, "does": true}
	otherHowWords = map[string]bool{"comment": true, "cómo": true, "como": true, "come": true, "wie": true, "hoe": true, "jak": true}
)

// asksAfresh reports whether a clause is a question of its own, not about what the clause
// before it named: it opens with a question word and neither goes on with that sentence ("...,
// and how can we use it?") nor points back at its topic ("Baby Massage: Does It Help Sleep?",
// "theragun vs hypervolt, which one should I get").
func asksAfresh(clause []string) bool {
	// "anyway", "btw", "unrelated but" turn from the story to the question; "and" or "but" alone
	// go on with what came before.
	turned := false
	for len(clause) > 1 && (turnWords[clause[0]] || (turned && clause[0] == "but")) {
		clause, turned = clause[1:], true
	}
	return questionWords[clause[0]] && !pointsAtStory(clause)
}

// asksOfItsOwn reports whether a message asks something (a question mark or a question word)
// without pointing at something already under discussion: "I'm pregnant, is that a problem?"
// and "28 weeks, is it ok?" ask about the massage the server is about; "Can I keep running
// while pregnant?" asks about running.
func asksOfItsOwn(q string, words []string) bool {
	return !pointsAtStory(words) && !followsUp(words) &&
		(strings.Contains(q, "?") || slices.ContainsFunc(words, func(w string) bool { return questionWords[w] }))
}

// pointsAtStory reports whether words point back at, or stand for, something said before them
// (see pointsBack and standsFor).
func pointsAtStory(words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return pointsBack[w] || standsFor[w] })
}

// followsUp reports whether a question opens as a follow-up does ("what if I'm pregnant?", "and
// if I have diabetes?"): on an FAQ page or in a chat it asks about the subject already at hand,
// the massage, not about the risk it names.
func followsUp(words []string) bool {
	for _, opener := range followUpOpeners {
		if len(words) >= len(opener) && slices.Equal(words[:len(opener)], opener) {
			return true
		}
	}
	return false
}

// asksIfAllRight reports whether a message asks nothing besides whether a risk is all right,
// without opening as a question of its own: "my dad's diabetic, safe?", "still ok if pregnant?",
// "with a dvt?". In a chat it follows an answer about the massage and asks about that, where
// "what is neuropathy?" asks about the risk itself. besidesRisk are its terms without the
// risk's words (see signals.withoutRisks).
func asksIfAllRight(words []string, besidesRisk [][]string) bool {
	if len(words) == 0 || questionWords[words[0]] {
		return false
	}
	return !slices.ContainsFunc(besidesRisk, func(v []string) bool { return !allRight[v[0]] })
}

// allRight are the terms (as the search reads them) of a message that only asks whether
// something is all right.
var allRight = map[string]bool{"safe": true, "ok": true, "okai": true, "fine": true, "alright": true, "tho": true, "still": true, "even": true}

var followUpOpeners = [][]string{{"what", "if"}, {"what", "about"}, {"how", "about"}, {"and", "if"}, {"but", "if"}, {"and", "what", "if"}, {"what", "abt"}}

// pointsBack are the words by which a question points back at what the clause before it told
// ("my gym bro says foot rubs lower blood pressure. is that true?"): such a question is not
// stressed over the story (see read), nor asked afresh. Swept over the tuning sets: without the
// rule 2254 of 2528 pass, with that and this 2256, with it, they and them as well 2253: those
// mostly stand for the feet ("how long should I rub them").
var pointsBack = map[string]bool{"that": true, "this": true}

// standsFor are the words that stand for a thing the story named, so that a question with them
// is not asked afresh: "Baby Massage: Does It Help Sleep?", "which one should I get", "night
// splints for plantar fasciitis: do they actually work?", "my calves are tight after leg day,
// how do I massage them?".
var standsFor = map[string]bool{"it": true, "one": true, "ones": true, "they": true, "them": true}

// answersAlone reports whether the policy answers a clause asked on its own: "phone is bleeding
// battery so quick q: where are the main pressure points" asks a question of ours after a story
// about something else.
func (ix *Index) answersAlone(ctx context.Context, clause []string) bool {
	f, hits, safety, err := ix.read(ctx, "", clause, ix.signals.safety(clause), false)
	// A clause of one telling word ("who do I even book") is too little to outweigh the topic
	// the story named ("podiatrist vs orthopedic surgeon for foot pain").
	return err == nil && f.terms >= 2 && decide(f, hits, safety, ix.thresholds).outcome == Answered
}

// askedBesidesRisk finds the best entry, other than the safety entries, for what a question that
// names a risk asks besides it: variants are the question's terms less the risk's (see read).
func (ix *Index) askedBesidesRisk(variants [][]string, hits []hit) *hit {
	if len(variants) == 0 {
		return nil
	}
	if ix.vocab.onlySubject(variants) || ix.vocab.knownWeight(variants) < ix.thresholds.known {
		return nil // "is foot massage safe during pregnancy" asks nothing else
	}
	var others []hit
	for _, h := range hits {
		if h.entry.Kind != KindSafety {
			others = append(others, h)
		}
	}
	if others = ix.rank(others, variants, nil); len(others) == 0 {
		return nil
	}
	return &others[0]
}

// suggestions picks the close topics shown with an answer: the entry's related ones when it was
// answered (next to a sure answer the search's runners-up are mostly noise), the best of the
// search when declined, the safety entries first when a risk was named, and none at all for an
// emergency, which must read as "get help now", not as a menu of massage benefits.
func (ix *Index) suggestions(a Answer, hits []hit) []*Entry {
	var out []*Entry
	switch {
	case a.Outcome == Emergency || a.Outcome == Greeting:
		return nil
	case a.Answered():
		for _, id := range a.Entry.Related {
			if e := ix.base.Entry(id); e != nil && !slices.Contains(a.Entries, e) {
				out = append(out, e)
			}
		}
	default:
		for _, h := range hits {
			if h.coverage > 0 {
				out = append(out, h.entry)
			}
		}
		if a.Safety {
			out = append(ix.safetyEntries(), out...)
		}
	}
	return uniqueEntries(out, maxSuggestions)
}

// candidates is how many search hits are re-ranked.
const candidates = 8

// scoreWeight is how much bleve's score, relative to the best hit's, adds to an entry's coverage
// when ranking: enough to break ties between entries that contain every word of the question,
// too little to prefer an entry that misses a telling word. Swept with closenessWeight over the
// tuning sets and the leave-one-out phrasings once both ranked: 0.3 and 0.3 pass 1418 of 1640
// and 347 of 418, 0.5 and 0.5 pass 1424 and 353 (the pairs around it 1417-1423 and 348-353;
// 1.0 falls back to 1416). An entry that covers none of the question's words gets none of it:
// its score is only words no entry names as a topic, and with this weight it would outrank a
// partial match ("does it help little injuries heal faster").
const scoreWeight = 0.5

// closenessWeight is how much an entry's closeness to the question (see vocabulary.closeness)
// adds to its rank. Coverage asks whether an entry has the question's words anywhere, so a long
// answer that mentions "studies" and "long" covers "how long were the studies" as well as the
// evidence entry does; closeness tells which of them was asked this way. Swept over the tuning
// sets and the leave-one-out phrasings (see TestLeaveOneOutPhrasings, which cannot be flattered
// by it): 0 passes 1116 of 1290 and 338 of 418 phrasings, 0.2-0.4 pass 1121 and 342-343, 0.7
// 1115 and 343. Swept again with scoreWeight (see there): 0.5.
const closenessWeight = 0.5

// askedWeight is how much more a term of the clause that asks counts in the coverage than one
// of the story around it (see rank). Swept over the tuning sets: 1 passes 1395 of 1640, 1.5 1397,
// 2 1399-1400, 3 1396. Swept again once a story's off-topic words no longer decline a question
// of its own (see asksAfresh): 2 passes 1449, 3 1451, 4 1454, 5 1453, 8 1451 (and leave-one-out
// 353 of 418 at 2-5, 351 at 8).
const askedWeight = 4.0

// storyWeight is how much the words no entry has count toward no-match when they are in the story
// around the clause that asks rather than in it (see read). Swept over the tuning sets: 1 passes
// 1632 of 1840, 0.8 1633, 0.65 1633, 0.5 1634, 0.25 1633, 0 1632.
const storyWeight = 0.5

// rank orders search hits by how much of the question each entry covers, then by how close it
// comes to one of the entry's phrasings and by bleve's score. The terms of stress, the clause
// that asks in a message of several, count askedWeight times in the coverage: in "my husband's
// snoring drives me mad, will rubbing my feet help me sleep?" the question is about sleep.
func (ix *Index) rank(hits []hit, variants [][]string, stress []string) []hit {
	if len(hits) == 0 {
		return nil
	}
	top := hits[0].score
	weights := ix.vocab.coverageWeights(variants)
	for i, v := range variants {
		if slices.Contains(stress, v[0]) {
			weights[i] *= askedWeight
		}
	}
	closeness := ix.vocab.closeness(variants)
	posterior := ix.leanings.posterior(variants)
	for i := range hits {
		hits[i].coverage = ix.vocab.coverage(hits[i].entry.ID, variants, weights)
		hits[i].closeness = closeness[ix.vocab.entryAt[hits[i].entry.ID]]
		hits[i].rank = hits[i].coverage + closenessWeight*hits[i].closeness
		if top > 0 && hits[i].coverage > 0 {
			hits[i].rank += scoreWeight * hits[i].score / top
		}
		if posterior != nil && hits[i].coverage > 0 {
			hits[i].lean = posterior[ix.vocab.entryAt[hits[i].entry.ID]]
			hits[i].rank += ix.leanings.weight * hits[i].lean
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.rank, a.rank) })
	return hits
}

func (ix *Index) safetyEntries() []*Entry {
	return ix.safetyKind[:min(len(ix.safetyKind), maxSuggestions)]
}

// uniqueEntries keeps the first n distinct entries.
func uniqueEntries(in []*Entry, n int) []*Entry {
	out := make([]*Entry, 0, n)
	for _, e := range in {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// questionBreak splits a message into its questions: at a question mark followed by more text,
// or at "and also" / "also," joining two questions.
var questionBreak = regexp.MustCompile(`\?+\s+|(?i)[,;.]?\s+(?:and\s+also|also|plus)[,:]?\s+`)

// splitQuestions returns the words of each question of a message when it holds two or more,
// each of three words or more, or two that open with a question word; nil otherwise.
func splitQuestions(q string) [][]string {
	if !mayBreak(q) {
		return nil // most messages hold one question; the regexps cost more than the check
	}
	var parts [][]string
	for _, p := range questionBreak.Split(q, -1) {
		for _, sub := range splitAtAnd(p) {
			// A part of two words is a question only if it asks ("how often and how long...").
			if w := wordsOf(sub); len(w) >= 3 || (len(w) == 2 && questionWords[w[0]]) {
				parts = append(parts, w)
			}
		}
	}
	if len(parts) < 2 {
		return nil
	}
	return parts[:min(len(parts), maxEntries+1)]
}

// splitAtAnd splits p before each second question that "and" joins to it, as "and" followed by
// a question word: "how often and how long", "does it help sleep, and does it help anxiety?".
// "the toes and the heel" stays whole.
func splitAtAnd(p string) []string {
	var out []string
	from := 0
	lower := asciiLower(p) // the same length as p, so that its offsets are p's
	for at := 0; ; {
		i := strings.Index(lower[at:], " and ")
		if i < 0 {
			break
		}
		next := at + i + len(" and ")
		at = next
		if word, _, _ := strings.Cut(lower[next:], " "); questionWords[strings.TrimRight(word, clauseMarks)] {
			out = append(out, strings.TrimRight(p[from:next-len(" and ")], ", "))
			from = next
		}
	}
	return append(out, p[from:])
}

// asciiLower lowers the ASCII letters of s and leaves every other byte: unlike strings.ToLower,
// it never changes the length ("İ" lowers to three bytes from two).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// mayBreak reports whether q holds anything the splits can split at: a question mark with more
// after it, or "also", "plus" or "and" in any case.
func mayBreak(q string) bool {
	if strings.Contains(strings.TrimRight(q, "?!. "), "?") {
		return true
	}
	l := strings.ToLower(q)
	return strings.Contains(l, "also") || strings.Contains(l, "plus") || strings.Contains(l, " and ")
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
	if strings.ContainsAny(s, "<@") { // every markup starts with one of them
		s = discordMarkup.ReplaceAllString(s, " ")
	}
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

// askedClause returns the words of the clause that asks, in a message of two clauses or more of
// three words or more: the last that ends with a question mark, or else the last that opens with
// a question word, or else the last, where people put the question after the story ("my heart
// sank at the prices, how do I massage my own feet?"). It is nil for a message of one clause.
// Clauses end at any of . , ; : ! ?
func askedClause(q string) []string {
	// An emoji ends a clause as a full stop does: "nearly fainted at the price 😂 is it any
	// different from a normal foot rub?"
	if strings.IndexFunc(q, isEmoji) >= 0 {
		q = strings.Map(func(r rune) rune {
			if isEmoji(r) {
				return '.'
			}
			return r
		}, q)
	}
	if !strings.ContainsAny(strings.TrimRight(q, clauseMarks+" "), clauseMarks) {
		return nil // one clause, as most questions are
	}
	var byMark, byWord, last []string
	n := 0
	for rest := q; rest != ""; {
		end := strings.IndexAny(rest, clauseMarks)
		if end < 0 {
			end = len(rest)
		}
		clause, after := rest[:end], strings.TrimLeft(rest[end:], clauseMarks)
		marks := rest[end : len(rest)-len(after)]
		rest = after
		w := wordsOf(clause)
		if len(w) < 3 {
			continue
		}
		n++
		last = w
		if strings.Contains(marks, "?") {
			byMark = w
		}
		if questionWords[w[0]] {
			byWord = w
		}
	}
	switch {
	case n < 2:
		return nil
	case byMark != nil:
		return byMark
	case byWord != nil:
		return byWord
	}
	return last
}

// isEmoji reports whether r is a pictograph (a symbol of Unicode's So category).
func isEmoji(r rune) bool { return r > unicode.MaxASCII && unicode.Is(unicode.So, r) }

// clauseMarks end a clause.
const clauseMarks = ".,;:!?"

// questionWords open a question: "how long should I rub them, my wife is pregnant" asks in its
// first clause.
var questionWords = map[string]bool{"how": true, "what": true, "whats": true, "what's": true, "why": true,
	"when": true, "where": true, "which": true, "who": true, "can": true, "could": true, "should": true,
	"is": true, "are": true, "does": true, "do": true, "will": true, "would": true, "any": true}

// namesWholeSubject reports whether words name the subject itself, every word of it ("foot" and
// "massage", or "rub my feet"): "how do I massage it?" after a story about a stiff neck asks
// about the neck.
// termsOf are the meaningful terms of words, typos corrected, each with its synonyms: what
// read makes of a question, for a part of one. words is not changed.
func (ix *Index) termsOf(words []string) [][]string {
	return ix.vocab.allVariants(ix.vocab.meaningful(ix.analyzeQuestion(ix.vocab.correct(slices.Clone(words))).english))
}

func (ix *Index) namesWholeSubject(words []string) bool {
	return ix.vocab.namesWholeSubject(ix.vocab.allVariants(ix.analyzeQuestion(strings.Join(words, " ")).english))
}

// phrasingKey is how a question is compared with the entries' phrasings word for word: its
// lowercase words, in order.
func phrasingKey(words []string) string { return strings.Join(words, " ") }

// asksIfItWorks returns the words of a question with "work" read as "proven" where the question
// asks whether something works, not how: "does foot massage really work?" asks for the evidence,
// "how does foot massage work?" and "what makes it work?" for what happens in the body. (The
// English analyzer drops "how", so the two would be the same question to the search.) words is
// changed in place.
func asksIfItWorks(words []string) []string {
	if slices.Contains(words, "how") || slices.Contains(words, "makes") || slices.Contains(words, "why") {
		return words
	}
	for i, w := range words {
		if (w == "work" || w == "works") && i > 0 && worksAfter[words[i-1]] && (i+1 == len(words) || !worksFor[words[i+1]]) {
			words[i] = "proven"
		}
	}
	return words
}

// worksAfter are the words before "work" in a question whether something works ("does it really
// work", "do foot rubs actually work"), not in one about work ("after work", "my work").
var worksAfter = map[string]bool{"really": true, "actually": true, "truly": true, "even": true, "it": true, "they": true, "this": true,
	"that": true, "these": true, "those": true, "massage": true, "massages": true, "reflexology": true, "rub": true, "rubs": true}

// worksFor are the words after "work" that name what it should work on: "does reflexology work
// for anxiety?" asks about anxiety, not for the evidence.
var worksFor = map[string]bool{"for": true, "on": true, "with": true, "against": true}
