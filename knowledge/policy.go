package knowledge

import (
	"math"
	"slices"
)

// The answer policy: one pure function from what was read in a question (features) and what the
// search found (hits) to what the bot does. Retrieval measures; the policy decides. Every rule
// is a named row with its reason, tried in order; the first that applies decides. Its two
// thresholds are fitted on the tuning sets (see TestFitThresholds) and checked on held-out ones.

// thresholds are the policy's two numbers, in the manner of Rasa's FallbackClassifier.
type thresholds struct {
	// coverage is the weighted share of the question's known terms the best entry must cover
	// for the bot to answer.
	coverage float64
	// known is how much of the question the base must know at all (the summed idf of its known
	// terms): "foot shoes?" shares only words every entry has and is not a match.
	known float64
	// foreign is how many times the known weight the weight of the words no entry has may be,
	// in a question that does not name the subject (foot, massage): one such word never vetoes a
	// match, but a question mostly about what the base lacks ("whats the weather like
	// tomorrow") is not answered on "like". foreignDomain is the same for a question that names
	// the subject ("how long should a foot massage be, asking for a friend").
	foreign, foreignDomain float64
	// riskCoverage is the coverage another entry needs to answer a question that names a risk:
	// below it, the safety entry is the better answer to a story about a wound or a clot, and
	// a named risk never gets "I'm not sure". (It is at least coverage, so no risk falls through
	// to the weak rule.)
	riskCoverage float64
	// unsure is the confidence under which a match that covers enough of the question is
	// still declined, with suggestions: the answer is likelier wrong than right.
	unsure float64
}

// fitted are the thresholds in service. TestFitThresholds sweeps both over the tuning sets
// (dev.jsonl and the tune halves of real_*.jsonl and safety.jsonl) and reports the best pair;
// the held-out halves then check them.
//
// Fitted on 2026-12-01 over 665 tuning questions (coverage 0.20-0.80 by 0.05, known 0-2 by 0.1):
// the best pair passes 553; the hand-set 0.5/0.3 passed 540. foreign and foreignDomain were
// added and swept later (best 1 and 4, within 3 questions of 2 and 4, kept), then riskCoverage
// alone (FIT=risk): 0.45-0.80 pass 580-581 against 577 without it. Refitted on 2026-12-01 over
// 951 tuning questions, once words only questions use counted as unnamed (see vocabulary.topic):
// coverage 0.2 and foreignDomain 6 pass 841, the pair before 837 (and 833 before the change);
// foreign 1-1.5 and riskCoverage 0.7-0.8 would each pass 1-3 more, too few to move them.
// Refitted on 2026-12-01 over 1640 tuning questions (with real5 and safety6): the full sweep's
// best passes 1400 against 1399 in service, so coverage, known and the foreign ratios stay; the
// risk sweep rose from 1412 at 0.55 to 1415-1416 at 0.65-0.80, and riskCoverage moved to 0.7.
// Swept again on 2026-12-01 over 2778 tuning questions, once only the domain's words (see
// vocabulary.mentionsDomain) and no longer "help" or "get" made a question one about the
// subject: the full sweep's best (coverage 0.15, known 0.4) passes 3 more of 1840 than the pair
// in service; foreign 1 passes 2448 and 1.5 2441 against 2438 at 2, all of the gain on the
// out-of-scope set and real5, at the cost of 3-7 chat questions of dev, story and safety9 that
// name neither feet nor massage ("does it help little injuries heal faster or nah"); foreign
// stays 2, so that words the base lacks still do not veto a chat question's known words.
// unsure was added and swept (FIT=unsure) on 2026-12-02 over 8881 tuning questions (with details1
// and nearmiss1), each file scored with leanings counted without it: none passes 7885, 0.2 7895,
// 0.25 7901, 0.3 7907, 0.35 7913, 0.5 7914, 0.6 7917. Above 0.35 each step declines more
// questions in scope than it wins out of scope (0.5: 48 fewer in scope answered right, 84 more
// declined) and the development set falls (243 of 260 at 0.5). At 0.3-0.35 it declines plain chat
// questions the tests keep answered ("is it bad if it hurts a bit", confidence 0.30), so 0.25: 9
// fewer in scope, 28 more declined. Swept again over 9681 (with chat10, queries2, stories1 and
// nearmiss2): none 8564, 0.25 8595, 0.3 8607 (the development set 247), 0.5 8620 (241); 0.25
// stays. Over 10281 (with followups1, twoq1, forum1): none 9072, 0.25 9103, 0.35 9117, 0.5 9125
// (the development set 243). Over 10481 (with chat11): none 9264, 0.25 9296, 0.35 9311, 0.5 9320
// (244). With the scope topics of that day's end: none 9311, 0.25 9344, 0.35 9360, 0.5 9363.
var fitted = thresholds{coverage: 0.2, known: 0.3, foreign: 2, foreignDomain: 6, riskCoverage: 0.7, unsure: 0.25}

// features is what Answer reads in a question before it searches.
type features struct {
	terms    int     // meaningful terms (filler dropped)
	known    float64 // summed weight of the terms entries name (see vocabulary.knownWeight)
	unknown  int     // terms no entry contains
	unknownW float64 // their summed weight
	domain   bool    // names the subject itself: foot, feet, massage (see vocabulary.mentionsDomain)
	// subjectOnly: every term is a word of the subject itself, and the whole subject is named
	// ("foot massage", not "good morning foot friends"; see vocabulary.onlySubject)
	subjectOnly bool
	// subjectWords: every term is a word of the subject, the whole subject named or not ("how do
	// I do the massage?", "¿cómo hacer el masaje?")
	subjectWords bool
	subjectTerms int
	// variants are the question's meaningful terms, each with its synonyms.
	variants [][]string
	// outLean is how far the question is worded like the ones the tuning sets decline, 0-1
	// (see scopeModel); 0 when the leanings name none of its terms.
	outLean    float64
	safety     bool   // names a risk the article lists (see signals.safety)
	emergency  bool   // describes symptoms that need help now
	clot       bool   // names a blood clot: the one risk that is also an emergency sign
	permission bool   // asks whether massage is all right: "can I", "is it safe", "ok to"
	avoid      bool   // asks who or when not to: "who shouldn't", "when to avoid"
	asksRisks  bool   // asks what the risks are: "any side effects?", "contraindications"
	personal   bool   // tells of someone's own body or state: "my foot", "I'm", "her ankles"
	offTopic   string // the out-of-scope topic it is about, "" if none
	// offTopicBeforeRisks: that topic is declined even in a question that names a risk and the
	// feet and asks permission (see OffTopic.BeforeRisks)
	offTopicBeforeRisks bool
	// aboutRisk: a question of its own (see asksOfItsOwn) that names neither massage, its steps
	// and tools, nor the feet, other than in a risk's own words ("athlete's foot"): with a named
	// risk, it asks about the risk itself ("does a blood clot hurt all the time?") or about
	// something else the risk bears on ("can I keep running while pregnant?").
	aboutRisk bool
	exact     *Entry // the entry that has the question, word for word, as a phrasing
	// asked is the best entry, other than the safety entries, for what a question that names a
	// risk asks besides the risk (see signals.withoutRisks), with its coverage of those words;
	// nil when the question names no risk or asks nothing else.
	asked *hit
	// overview is the entry that answers a question about the subject as a whole ("what is a
	// foot massage?"): the first of kind overview, nil if there is none.
	overview *Entry
	// asksHow: the question asks how it is done ("how to do a foot massage", "comment faire un
	// massage des pieds"); see asksHowTo.
	asksHow bool
	// askedHow: in a message of several clauses, the clause that asks is how it is done, in words
	// of the subject only ("my soles are wrecked, how do I massage them?")
	askedHow bool
	// routine is the entry that answers how it is done: the first of kind routine, nil if none.
	routine *Entry
}

// decision is what the policy chose.
type decision struct {
	rule    string // the name of the rule that decided
	outcome Outcome
	entries []*Entry // answered: one or two; declined: none
	// confidence is the policy's belief that the answer is right, 0-1.
	confidence float64
	// notice: the safety notice shows although the question names no risk (see safetyEntryNotice).
	notice bool
}

// policyRule is one row of the policy.
type policyRule struct {
	name   string
	reason string
	when   func(f features, hits []hit, th thresholds) bool
	then   func(f features, hits []hit, safety *Entry, th thresholds) decision
}

// policy is the table of rules, tried in order.
var policy = []policyRule{
	{
		name:   "emergency",
		reason: "symptoms that need help now get the call for help and no massage topics; a message that also asks whether massage is safe with a clot gets the safety entry after the call for help",
		when:   func(f features, _ []hit, _ thresholds) bool { return f.emergency && !(f.clot && f.permission) },
		then:   func(features, []hit, *Entry, thresholds) decision { return decision{outcome: Emergency} },
	},
	{
		name:   "exact-phrasing",
		reason: "a question an entry lists word for word is that entry's, whatever else it shares with others: this is how a moderator's teach takes effect",
		when:   func(f features, _ []hit, _ thresholds) bool { return f.exact != nil },
		then: func(f features, _ []hit, _ *Entry, _ thresholds) decision {
			return decision{outcome: Answered, entries: []*Entry{f.exact}}
		},
	},
	{
		name:   "avoid-question",
		reason: "who or when not to massage, and what its risks are, is the safety entry's question, even when another entry shares more words (\"how long\" in \"when shouldn't I\")",
		when:   func(f features, _ []hit, _ thresholds) bool { return f.avoid || f.asksRisks },
		then:   safetyOnly,
	},
	{
		name:   "subject-how",
		reason: "a question that names only the subject, or a word of it, and asks how it is done (\"how to do a foot massage\", \"how do I do the massage?\", \"como fazer uma massagem nos pés\") is the routine's; so is such a clause after a story (\"those sandals wrecked my soles, how do I massage them?\"), unless the story's topic is one the base does not cover",
		when: func(f features, _ []hit, _ thresholds) bool {
			return (f.subjectWords && f.asksHow || f.askedHow && f.offTopic == "") && !f.safety && f.routine != nil
		},
		then: func(f features, _ []hit, _ *Entry, _ thresholds) decision {
			return decision{outcome: Answered, entries: []*Entry{f.routine}}
		},
	},
	{
		name:   "subject-only",
		reason: "a question that names only the subject (\"what is a foot massage?\", \"foot massage\") is about all of it: the overview answers it, not the help text",
		when: func(f features, _ []hit, _ thresholds) bool {
			return f.subjectOnly && !f.safety && f.overview != nil
		},
		then: func(f features, _ []hit, _ *Entry, _ thresholds) decision {
			return decision{outcome: Answered, entries: []*Entry{f.overview}}
		},
	},
	{
		name:   "no-topic",
		reason: "a greeting, thanks, noise or a question about the bot (\"what can you do\") has no topic: only words every entry uses, none the base lacks; the help text says what the bot does",
		when: func(f features, _ []hit, th thresholds) bool {
			return (f.terms == 0 || (f.known < th.known && f.unknown == 0)) && !f.safety
		},
		then: func(features, []hit, *Entry, thresholds) decision { return decision{outcome: Greeting} },
	},
	{
		name:   "risk-itself",
		reason: "a question about a named risk itself, or about something other than massage that the risk bears on, naming neither massage nor the feet (\"what is toe fungus?\", \"can I keep running while pregnant?\"), is a doctor's to answer: declined, with the safety notice",
		when:   func(f features, _ []hit, _ thresholds) bool { return f.safety && f.aboutRisk },
		then:   declined,
	},
	{
		name:   "risk-permission",
		reason: "a named risk with a question whether massage is all right is answered with the safety entry; a confident answer to the rest of the question comes second; a question about a topic the base does not cover that names neither feet nor massage (\"is a pedicure safe with diabetes?\"), or about one that comes before risks (\"when can I drive after foot surgery?\"), is that topic's, and is declined below",
		when: func(f features, _ []hit, _ thresholds) bool {
			return f.safety && f.permission && (f.offTopic == "" || (f.domain && !f.offTopicBeforeRisks))
		},
		then: safetyAnswer,
	},
	{
		name:   "off-topic",
		reason: "a topic the base does not cover (another body part, a cure, a price, a diagnosis) is declined, whatever words it shares with the entries",
		when:   func(f features, _ []hit, _ thresholds) bool { return f.offTopic != "" },
		then:   declined,
	},
	{
		name:   "no-match",
		reason: "the question shares only words that every entry has, or none, or is mostly words no entry has: there is no real match",
		when: func(f features, hits []hit, th thresholds) bool {
			foreign := th.foreign
			if f.domain {
				foreign = th.foreignDomain
			}
			return (f.known < th.known || f.unknownW > foreign*(f.known+subjectWeight*float64(f.subjectTerms)) || len(hits) == 0) && !f.safety
		},
		then: declined,
	},
	{
		name:   "risk-unsure",
		reason: "a question that names a risk is answered with another entry alone only when that entry is a clear match and the question asks something besides the risk; otherwise the safety entry answers it, with the entry for what else was asked after it when that one is a match at all (\"osteoporosis here, does a foot rub help sleep?\"); \"I broke my ankle in March\" asks nothing else",
		when: func(f features, hits []hit, th thresholds) bool {
			return f.safety && (len(hits) == 0 || hits[0].coverage < th.riskCoverage || f.asked == nil)
		},
		then: safetyAnswer,
	},
	{
		name:   "ambiguous",
		reason: "a one-word question several entries are about equally (\"toes\") gets suggestions, not a guess",
		when:   func(f features, hits []hit, th thresholds) bool { return ambiguous(f, hits, th) },
		then:   declined,
	},
	{
		name:   "unsure",
		reason: "a match that covers enough words but is likelier wrong than right (see confidence) is declined with suggestions: a wrong answer to a question the base does not cover embarrasses more than a decline that suggests the right entry; a question that names a risk is answered by the rules before and after, never declined for doubt",
		when: func(f features, hits []hit, th thresholds) bool {
			return !f.safety && len(hits) > 0 && hits[0].coverage >= th.coverage && confidence(f, hits) < th.unsure
		},
		then: declined,
	},
	{
		name:   "confident",
		reason: "the best entry covers enough of the words the base knows",
		when: func(_ features, hits []hit, th thresholds) bool {
			return len(hits) > 0 && hits[0].coverage >= th.coverage
		},
		then: func(f features, hits []hit, _ *Entry, th thresholds) decision {
			d := decision{outcome: Answered, entries: []*Entry{hits[0].entry}}
			// The safety entry as the best match to a question that also asks something else
			// ("I'm a diabetes nurse, how often should I...") answers that too.
			if hits[0].entry.Kind == KindSafety {
				d = alsoAsked(d, f, th)
			}
			return d
		},
	},
	{
		name:   "weak",
		reason: "nothing matched well enough: say so and suggest the closest entries",
		when:   func(features, []hit, thresholds) bool { return true },
		then:   declined,
	},
}

// decide applies the policy to a question's features and its ranked hits. safety is the entry
// that answers questions about risks.
func decide(f features, hits []hit, safety *Entry, th thresholds) decision {
	for _, r := range policy {
		if r.when(f, hits, th) {
			d := r.then(f, hits, safety, th)
			d.rule = r.name
			if d.outcome == Answered {
				d.confidence = confidence(f, hits)
				d.notice = safetyEntryNotice(f, d.entries)
			}
			return d
		}
	}
	panic("unreachable: the last rule always applies")
}

// subjectWeight is what each word that names the subject ("foot", "massage") adds to the known
// weight that the words no entry has are compared with (see no-match). Every entry has those
// words, so by their own weight they count for nothing, yet they say the question is about the
// subject: "foot massage benefits in a nutshell" is not about nutshells. Swept over the tuning
// sets: 0 passes 853 of 951, 0.5 855, 1 856, 1.5 and above 857.
const subjectWeight = 1.5

// safetyEntryNotice reports whether an answer with the safety entry to a question that names no
// risk shows the safety notice: when the question asks who or when not to massage ("who shouldn't
// get a foot massage"), the notice is its answer in short; when it tells of someone's own body
// ("my foot got cut up on coral, can I massage it?"), the search found the safety entry for a
// risk the triggers may not know, and the notice errs on the safe side. A question whether
// massage is safe or harmful in general ("is reflexology safe?", "any side effects?") gets the
// safety entry, which lists the risks, without the notice that is meant for someone who has
// one: four sets of real questions label those as raising no alarm, where the development set
// and two others want the notice for who or when not to.
func safetyEntryNotice(f features, entries []*Entry) bool {
	return (f.avoid || f.personal) && slices.ContainsFunc(entries, func(e *Entry) bool { return e.Kind == KindSafety })
}

func declined(features, []hit, *Entry, thresholds) decision { return decision{outcome: Declined} }

// safetyOnly answers with the safety entry alone.
func safetyOnly(_ features, _ []hit, safety *Entry, _ thresholds) decision {
	if safety == nil {
		return decision{outcome: Declined}
	}
	return decision{outcome: Answered, entries: []*Entry{safety}}
}

// safetyAnswer answers with the safety entry, and with the entry for what else was asked as well
// when it is a clear answer to it ("I have diabetes, can massage help my circulation?").
func safetyAnswer(f features, _ []hit, safety *Entry, th thresholds) decision {
	if safety == nil {
		return decision{outcome: Declined}
	}
	return alsoAsked(decision{outcome: Answered, entries: []*Entry{safety}}, f, th)
}

// alsoAsked adds to an answer with the safety entry the entry for what else the question asks,
// when that is a match (see features.asked).
func alsoAsked(d decision, f features, th thresholds) decision {
	if f.asked != nil && f.asked.coverage >= th.coverage {
		d.entries = append(d.entries, f.asked.entry)
	}
	return d
}

// ambiguousShare: for a one-word question, a runner-up whose bleve score is at least this share
// of the best's is as much about the word as the best.
const ambiguousShare = 0.6

func ambiguous(f features, hits []hit, th thresholds) bool {
	return f.terms == 1 && len(hits) > 1 && hits[1].coverage >= th.coverage &&
		hits[1].score >= ambiguousShare*hits[0].score
}

// confidenceInputs are what confidence weighs: the best entry's coverage, its lead over the
// runner-up, how much of the question the base knows (log-scaled), the share of the question's
// weight that is words no entry has, whether it names the subject (foot, massage), how far
// bleve agrees that the best entry is best (see scoreShare), how near the question comes to one
// of that entry's phrasings (see vocabulary.closeness), how far the leanings lean to it (see
// Leanings), and how far the question is worded like the ones the base declines (see
// scopeModel).
type confidenceInputs [9]float64

// confidenceInputsOf measures a question's confidenceInputs.
func confidenceInputsOf(f features, hits []hit) confidenceInputs {
	var x confidenceInputs
	if len(hits) > 0 {
		x[0] = hits[0].coverage
		if len(hits) > 1 && hits[0].rank > 0 {
			x[1] = (hits[0].rank - hits[1].rank) / hits[0].rank
		}
		x[5] = scoreShare(hits)
		x[6] = hits[0].closeness
		x[7] = hits[0].lean
	}
	x[8] = f.outLean
	x[2] = math.Log1p(f.known)
	if t := f.known + f.unknownW; t > 0 {
		x[3] = f.unknownW / t
	}
	if f.domain {
		x[4] = 1
	}
	return x
}

// scoreShare is the best entry's bleve score as a share of the highest bleve score among the
// hits. The ranking puts coverage first (see Index.rank), so the best entry can be one that bleve
// scores far below another: the question's words point at one entry, its phrasing and field
// matches at another. Such disagreement often marks a wrong answer, in scope ("how
// does reflexology work" taken for the headache entry on "work") or not ("is a size 11 foot big
// for a guy" taken for stress on "big", a word one of its phrasings uses in passing).
func scoreShare(hits []hit) float64 {
	top := 0.0
	for _, h := range hits {
		top = max(top, h.score)
	}
	if top == 0 {
		return 0
	}
	return hits[0].score / top
}

// confidenceWeights and confidenceBias are a logistic regression of "the answer was right" on
// confidenceInputs, fitted on the tuning sets' answered questions (FIT=confidence go test
// -run FitThresholds prints a new fit). Fitted 2026-12-01 on 494 answers: AUC 0.79, against
// 0.64 for the coverage alone; refitted with scoreShare on 482 answers: AUC 0.84 (held-out
// sets, pooled: 0.75 before, 0.81 after); refitted with closeness on 790 answers of the larger
// tuning sets: AUC 0.780 -> 0.805 (held-out sets with real3, pooled: 0.76 -> 0.77); refitted
// on 1093 answers of the tuning sets with real5 and safety6, once closeness also ranked the
// hits: AUC 0.737 -> 0.763; refitted on 3268 answers of this session's 41 tuning sets: AUC
// 0.804 -> 0.809; refitted with the leanings' posterior on 3954 answers, each tuning set's
// posterior taken with the set out of the count (see leftOut): AUC 0.807 -> 0.825; refitted
// with how far the question is worded like a declined one (see scopeModel), on 4525 answers
// with details1 and nearmiss1: AUC 0.832 -> 0.857 (held-out sets, pooled: 0.79 -> 0.84).
// Refitted on 5048 answers with chat10, queries2, stories1 and nearmiss2: AUC 0.860 -> 0.861;
// on 5437 with followups1, twoq1 and forum1: 0.859 -> 0.860; on 5574 with chat11: 0.861 ->
// 0.862.
// Tried and left: the question's number of terms, the runner-up's leaning and whether it tells
// of someone's own body as inputs too: AUC 0.862, and 4 more of 8881 at the unsure threshold.
var (
	confidenceWeights = confidenceInputs{0.86, 1.32, 0.31, -0.61, 0.88, 0.90, 0.49, 1.47, -2.34}
	confidenceBias    = -1.96
)

// confidence is how likely an answer is right, from 0 to 1.
func confidence(f features, hits []hit) float64 {
	return logistic(confidenceWeights, confidenceBias, confidenceInputsOf(f, hits))
}

// logistic is the logistic regression with weights w and bias b at x, from 0 to 1: how
// confidence is computed, and how fitConfidence fits its weights.
func logistic(w confidenceInputs, b float64, x confidenceInputs) float64 {
	z := b
	for i := range w {
		z += w[i] * x[i]
	}
	return 1 / (1 + math.Exp(-z))
}
