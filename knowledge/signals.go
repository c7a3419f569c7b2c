package knowledge

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// signals reads a question for what the policy must know before any search: a risk the
// article names, an emergency, a question of permission or avoidance, a topic the base does not
// cover. Risks, emergencies and off-topic words come from the knowledge files (notices.yaml,
// scope.yaml), so moderators can extend them; how people ask permission or who should avoid is
// language, not knowledge, and lives here, in English and the other languages of synonyms.yaml.
type signals struct {
	risks, emergencies noticeSignals
	cues               Cues
	offTopics          []offTopic
	// offTopicTriggers are every topic's triggers in one set, so that a question is read once
	// rather than once a topic; topicOf tells each trigger's topic by its first phrase.
	offTopicTriggers *triggerSet
	topicOf          map[*phrase]int
}

// noticeSignals are a notice's triggers, the phrases that are not its signs (Notice.Not), those
// that put a sign elsewhere or in the past (Notice.Aside, Notice.Past), and the triggers the
// past does not undo (Notice.Lasting). The phrases are indexed as triggers are, by their first
// word, so that a question is compared only with those that can start at each of its words.
type noticeSignals struct {
	triggers, not, asides, past, lasting, recovered *triggerSet
}

func newNoticeSignals(n Notice, groups map[string][]string) noticeSignals {
	return noticeSignals{triggers: compileTriggers(n.Triggers, true, groups), not: phraseSet(n.Not, groups),
		asides: phraseSet(n.Aside, groups), past: phraseSet(n.Past, groups), lasting: compileTriggers(n.Lasting, true, groups),
		recovered: phraseSet(n.Recovered, groups)}
}

// phraseSet indexes phrases each on its own: each part of "a + b" counts where it stands.
func phraseSet(specs []string, groups map[string][]string) *triggerSet {
	var parts []string
	for _, spec := range specs {
		parts = append(parts, strings.Split(spec, "+")...)
	}
	return compileTriggers(parts, false, groups)
}

// in reports whether the notice applies to words, once its "not" phrases are taken out: whether
// a trigger occurs with no aside near it ("my dog has diabetes" names no one's diabetes), nor a
// past one unless the trigger is lasting ("broke my toe back in 2012, healed ages ago" names no
// fracture; "a clot years ago" names a clot), nor a recovery ("a heart attack in 2015, fully
// recovered" names none now).
func (n noticeSignals) in(words []string) bool { return n.signsIn(n.not.without(words)) }

// signsIn is in for words whose not: phrases are out already.
func (n noticeSignals) signsIn(words []string) bool {
	if !matchesAny(words, n.triggers) {
		return false
	}
	aside, past, recovered := n.asides.named(words), n.past.named(words), n.recovered.named(words)
	if !slices.Contains(aside, true) && !slices.Contains(past, true) && !slices.Contains(recovered, true) {
		return true // most questions: no need to tell where the trigger stands
	}
	// The signs put away (by an aside, the past or a recovery) are taken out, and the triggers
	// read again: a trigger of several parts stands only on signs that are not put away ("the
	// episode where the guy's leg turns blue gave me nightmares, can a foot massage help me
	// sleep?" names a blue leg in a show, and a foot of its own, no blue foot).
	lasting, named := n.lasting.named(words), n.triggers.named(words)
	var kept []string // words less the signs put away; nil while none is
	for i := 0; i < len(named); i++ {
		if !named[i] {
			continue
		}
		j := i + 1 // the trigger's words run from i to j: "blood clot" is one sign
		for j < len(named) && named[j] {
			j++
		}
		over := nearAside(words, recovered, i, j)
		if nearAside(words, aside, i, j) || over || (nearAside(words, past, i, j) && !slices.Contains(lasting[i:j], true)) {
			if kept == nil {
				kept = slices.Clone(words)
			}
			clear(kept[i:j])
		}
		i = j
	}
	return kept == nil || matchesAny(kept, n.triggers)
}

// asideReach is how many words from a trigger an aside may stand and still be about it.
const asideReach = 6

// clauseJoints are the words that start another part of a sentence, which an aside before them
// says nothing about: "my cat had surgery and my foot is infected". Punctuation is gone from
// words, so they are what tells the parts apart.
var clauseJoints = func() map[string]bool {
	m := map[string]bool{"and": true, "but": true, "so": true, "also": true, "though": true, "however": true}
	for w := range turnWords {
		m[w] = true
	}
	return m
}()

// turnWords turn from a story to what is asked ("anyway", "btw", "unrelated but"): clause
// joints, and what a question asked afresh may open with (see asksAfresh).
var turnWords = map[string]bool{"anyway": true, "anyways": true, "btw": true, "unrelated": true, "separately": true, "meanwhile": true}

// nearAside reports whether an aside word (marked in aside) stands within asideReach words of
// words[from:to], with no clause joint between them.
func nearAside(words []string, aside []bool, from, to int) bool {
	if slices.Contains(aside[from:to], true) {
		return true
	}
	for j := from - 1; j >= 0 && from-j <= asideReach; j-- {
		if aside[j] {
			return true
		}
		if clauseJoints[words[j]] {
			break
		}
	}
	// An aside that opens with a joint is about what comes before it: "fainted last month but
	// she's fine".
	for j := to; j < len(words) && j-to < asideReach; j++ {
		if aside[j] {
			return true
		}
		if clauseJoints[words[j]] {
			break
		}
	}
	return false
}

// without returns words with every occurrence of the set's phrases blanked out, so that no
// trigger matches their words and none spans them; words itself is left as it is. The set holds
// triggers of one phrase each (see newNoticeSignals).
func (set *triggerSet) without(words []string) []string {
	out, copied := words, false
	for i, w := range words {
		if w == "" {
			continue // taken out already
		}
		set.startingWith(w, func(t trigger) bool {
			if n := len(t[0].words); i+n <= len(out) && t[0].at(out[i:i+n]) {
				if !copied {
					out, copied = slices.Clone(words), true
				}
				clear(out[i : i+n])
			}
			return false
		})
	}
	return out
}

type offTopic struct {
	name        string
	unless      *triggerSet
	beforeRisks bool // see OffTopic.BeforeRisks
}

// excused reports whether one of the topic's unless triggers occurs in words, other than within
// the n words of its trigger that start at at: "reflexology" excuses the neck in "is there
// reflexology for neck pain" (a pressure-point question), but not "hand reflexology", a trigger
// of its own; "rest and digest" still excuses the "digest" it holds.
func (t offTopic) excused(words []string, at, n int) bool {
	named := t.unless.named(words)
	for i, ok := range named {
		if ok && (i < at || i >= at+n) {
			return true
		}
	}
	return false
}

func newSignals(b *Base) *signals {
	// Risks and emergencies tolerate a typo ("pregnent"): safety errs on the side of the
	// notice. Off-topic words must be spelled right: "curing" is one letter from "during".
	s := &signals{risks: newNoticeSignals(b.Safety, b.Groups), emergencies: newNoticeSignals(b.Emergency, b.Groups), cues: b.Cues,
		offTopicTriggers: newTriggerSet(), topicOf: map[*phrase]int{}}
	for i, t := range b.OutOfScope {
		s.offTopics = append(s.offTopics, offTopic{t.Topic, compileTriggers(t.Unless, false, b.Groups), t.BeforeRisks})
		for _, tr := range parseTriggers(t.Triggers, false, b.Groups) {
			s.offTopicTriggers.add(tr, false)
			s.topicOf[&tr[0]] = i
		}
	}
	return s
}

func (s *signals) safety(words []string) bool { return s.risks.in(words) }

// withoutRisks returns the words of a question that names a risk, less the words that name it
// and those that ask whether massage is all right ("is it safe"), which the safety entry answers:
// what else it asks ("I'm a diabetes nurse, how often should I..." asks how often).
func (s *signals) withoutRisks(words []string) []string {
	named := s.risks.triggers.named(s.risks.not.without(words))
	asks := permissionTriggers.named(words)
	out := make([]string, 0, len(words))
	for i, w := range words {
		if !named[i] && !asks[i] {
			out = append(out, w)
		}
	}
	return out
}

// emergency reports whether words tell an emergency: by a trigger, or by cues that add up (see
// Cues), read once the emergency's not: phrases are out ("that price gave me a heart attack").
func (s *signals) emergency(words []string) bool {
	words = s.emergencies.not.without(words)
	return s.emergencies.signsIn(words) || s.cues.tell(words)
}

// withoutIdioms returns the words less the notices' not: phrases ("clotted cream", "feeling
// blue"), which are no signs, nor should they draw the search to the entries about risks; and
// less greetings ("good morning") and exclamations ("what on earth"), which ask nothing.
func (s *signals) withoutIdioms(words []string) []string {
	blanked := greetings.without(s.emergencies.not.without(s.risks.not.without(words)))
	if !slices.Contains(blanked, "") {
		return blanked // nothing was blanked (a question's words are never empty)
	}
	return slices.DeleteFunc(slices.Clone(blanked), func(w string) bool { return w == "" })
}

// offTopic returns the out-of-scope topic a question is about, or "".
func (s *signals) offTopic(words []string) string {
	name, _ := s.offTopicOf(words)
	return name
}

// offTopicOf returns the out-of-scope topic a question is about ("" if none), the first of
// scope.yaml's that it names, and whether any topic it names comes before risks: "when can I
// drive after bunion surgery?" is about foot care first, and about driving, which a risk does
// not make a massage question.
func (s *signals) offTopicOf(words []string) (name string, beforeRisks bool) {
	first := len(s.offTopics)
	for at, w := range words {
		if w == "" {
			continue
		}
		s.offTopicTriggers.startingWith(w, func(t trigger) bool {
			i := s.topicOf[&t[0]]
			topic := s.offTopics[i]
			if i >= first && (!topic.beforeRisks || beforeRisks) {
				return false // a match would change neither answer
			}
			if t.at(words, at) && !topic.excused(words, at, len(t[0].words)) {
				first = min(first, i)
				beforeRisks = beforeRisks || topic.beforeRisks
			}
			return false
		})
	}
	if first == len(s.offTopics) {
		return "", false
	}
	return s.offTopics[first].name, beforeRisks
}

// greetings are the phrases of a greeting, and the exclamations, that hold a word with a meaning
// of its own: "good" in "good morning", "earth" in "what on earth is reflexology?".
var greetings = phraseSet([]string{"good morning", "good afternoon", "good evening", "good night", "good day",
	"on earth", "the heck", "the hell", "in the world"}, nil)

// permissionTriggers ask whether massage is all right for someone. With a named risk ("I have
// diabetes, can I ...", "is it safe with DVT") they make the question a safety question,
// whatever benefit it also mentions. "should i" alone is not one: "how often should I" asks
// for a number, not for permission.
var permissionTriggers = compileTriggers(append(strings.Fields(`safe safely unsafe ok okay oke
alright allowed dangerous danger risk* harm* careful avoid recommended advisable`),
	"can i", "can we", "can my", "can he", "can she", "can they", "can you", "could i", "may i",
	"should i get", "should i do", "should i massage", "should i rub", "should i try", "is it fine", "still fine", "fine or", "be fine",
	"should my", "should he", "should she", "should we", "should they", "should i still", "should i stop", "do i need to stop", "have to stop",
	"be a problem", "a problem for", "an issue for", "be an issue", "cause problems", "cause any problems",
	"is it bad", "bad idea", "no-no", "no no", "fine to", "still", "yes or no", "good idea",
	"help or hurt", "spread it", "will it spread", "no go", "no-go", "go ahead", "would it hurt", "make it worse", "is that bad", "should i be worried", "should i be massaging", "should i be rubbing", "watch out", "look out for", "precaution*", "hold off", "too soon", "skip",
	// the same in the other languages of synonyms.yaml ("¿puedo...?", "darf ich...?", "è sicuro?")
	"puedo", "puede", "podemos", "posso", "pode", "darf", "dürfen", "peux", "peut", "puis-je", "mag ik", "kan ik", "mogen",
	"seguro", "segura", "sicuro", "sicura", "sûr", "sûre", "sicher", "veilig", "bezpieczn*", "mogę", "można",
	"può", "si può", "si puo", "kann man", "darf man", "kan je", "mag je", "kan men", "on peut", "se puede", "pode-se", "pode se",
	"sécuritaire*", "securitaire*", "approprié*", "recomendable", "aconsejable", "consigliat*", "empfehlenswert", "aanbevolen",
	"dangereu*", "peligros*", "perigos*", "pericolos*", "gefährlich*", "gevaarlijk*", "niebezpieczn*",
	"risque*", "riesgo*", "risco*", "rischi*", "risiko*", "risico*", "ryzyk*"), false, nil)

// massageTriggers name the doing of it, its steps and its tools: a question that names a risk
// and none of these, nor the feet, is about the risk itself ("what is toe fungus?"), not about
// massage ("had ankle surgery, can I do the toe rotation step?").
var massageTriggers = compileTriggers([]string{"massag*", "rub", "rubs", "rubbing", "rubbed", "reflexolog*", "press*", "knead*", "routine",
	"step", "steps", "part", "pinch*", "rotat*", "roller*", "ball", "tool*", "device*", "technique*", "point", "points", "pressure point*",
	// the same in the other languages of synonyms.yaml ("masaje", "réflexologie", "massieren")
	"masaj*", "massier*", "masser*", "masaż*", "réflexolog*", "riflessolog*", "reflexzon*", "voetreflex*"}, false, nil)

func (s *signals) namesMassage(words []string) bool { return matchesAny(words, massageTriggers) }

// clotTriggers name a blood clot, which is both a risk and, with a swollen or painful leg, an
// emergency sign: "could it be a clot, is it ok to massage?" gets the call for help and the
// safety entry.
var clotTriggers = compileTriggers([]string{"clot*", "dvt", "thrombo*", "embolism"}, true, nil)

func (s *signals) clot(words []string) bool { return matchesAny(words, clotTriggers) }

func (s *signals) permission(words []string) bool { return matchesAny(words, permissionTriggers) }

// avoidTriggers ask who or when not to massage: the negation is the question.
var avoidTriggers = compileTriggers([]string{
	"who + not", "who + shouldn't", "who + shouldnt", "who + avoid*", "who + can't", "who + cant", "who + steer clear", "who + stay away",
	"when + not", "when + shouldn't", "when + shouldnt", "when + avoid*", "when + never",
	"which + should not", "which + shouldn't", "which + shouldnt", "which + not to", "which + not be", "what + shouldn't", "what + conditions", "any + conditions", "reasons + not",
	// the same in the other languages of synonyms.yaml ("chi non può", "quem não deve", "wer darf nicht")
	// (as phrases: "non" and "ne" are in most sentences of those languages)
	"chi non", "quem não", "quem nao", "quién no", "quien no", "qui ne", "wer darf nicht", "wer sollte nicht", "wer kann nicht", "wie mag niet",
	"wie niet", "kto nie", "quand ne", "cuándo no", "quando não", "quando non", "wann nicht", "wanneer niet", "kiedy nie",
	"wann + verzichten", "wann + vermeiden", "quand + éviter", "quand + eviter", "cuándo + evitar", "cuando + evitar", "quando + evitar", "quando + evitare",
	"wanneer + vermijden", "kiedy + unikać", "kiedy + unikac",
}, false, nil)

// risksTriggers ask what the risks are, in general: the safety entry's question too, but not
// one that tells of a risk the asker has.
var risksTriggers = compileTriggers([]string{"contraindicat*", "side effect*", "any risks", "any dangers",
	// the same in the other languages of synonyms.yaml
	"contre-indication*", "contre indication*", "contraindicacion*", "contraindicaç*", "controindicazion*", "kontraindikation*",
	"gegenanzeige*", "contra-indicatie*", "contra indicatie*", "contra-indicaç*", "contra indicaç*", "przeciwwskazan*",
	"effets secondaires", "efectos secundarios", "efeitos colaterais", "effetti collaterali", "nebenwirkung*", "bijwerking*", "skutki uboczne"}, false, nil)

func (s *signals) avoid(words []string) bool { return matchesAny(words, avoidTriggers) }

// personalTriggers tell of someone's own body or state, as a story about a risk does ("my foot
// got cut up on coral, still scabby"), where a question about risks in general ("is reflexology
// safe?") does not.
var personalTriggers = compileTriggers([]string{"my", "mine", "our", "her", "his", "their", "me",
	"i'm", "im", "i've", "ive", "i have", "i had", "i got", "i am", "i was"}, false, nil)

func (s *signals) personal(words []string) bool { return matchesAny(words, personalTriggers) }

func (s *signals) asksRisks(words []string) bool { return matchesAny(words, risksTriggers) }

// wordsOf splits text into lowercase words for trigger matching.
func wordsOf(s string) []string {
	s = strings.ReplaceAll(strings.ToLower(s), "’", "'")
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	// An apostrophe inside a word is part of it ("can't"); around one it is a quotation mark
	// ("his arm is 'heavy'").
	out := words[:0] // in place: out never overtakes words, until a compound is split
	for i, w := range words {
		if w = strings.Trim(w, "'"); w == "" {
			continue
		}
		if head, rest, ok := footCompound(w); ok {
			if len(out) == i { // the next word would be overwritten: copy to a slice of its own
				out = append(make([]string, 0, len(words)+1), out...)
			}
			out = append(out, head, rest)
			continue
		}
		if foot, ok := soleWords[w]; ok {
			w = foot
		}
		out = append(out, w)
	}
	return out
}

// soleWords are the Italian words for "of the sole", read as the foot: "riflessologia plantare" is
// foot reflexology. A synonym could not say so, as they stem to the English "plantar", which is
// a wart's or a fasciitis's and not a foot's in "plantar wart".
var soleWords = map[string]string{"plantare": "piede", "plantari": "piedi"}

// footHeads start the compounds of German and Dutch that name the foot and something done to
// it in one word ("Fußmassage", "voetreflexologie", "Fußmassagegeräte"): split, the foot and the
// massage are each a word the base knows.
var footHeads = []string{"fuß", "fuss", "voet"}

// footCompound splits a compound that opens with a foot head and goes on with a word of four
// letters or more, other than a ball: "fußball" and "voetbal" are football.
func footCompound(w string) (head, rest string, ok bool) {
	for _, h := range footHeads {
		if rest, ok := strings.CutPrefix(w, h); ok && utf8.RuneCountInString(rest) >= 4 && !strings.HasPrefix(rest, "bal") && !strings.HasPrefix(rest, "bäl") {
			return h, rest, true
		}
	}
	return "", "", false
}

// trigger is a trigger phrase split into words, once, when the index is built: splitting every
// phrase again for every question cost more than the rest of Answer's own work.
// A trigger is one or more phrases that must all occur in a question, anywhere: "dvt", or
// "calf + swollen" for a question that says "my calf is swollen" as well as "swollen calf".
type trigger []phrase

type phrase struct {
	words  []string
	prefix bool // the last word matches any word starting with it
	typos  bool // words of six letters or more also match with one typo
	// alts, for a part that names a group ("{leg}"), are the phrase and those that may stand in
	// its place, by the first letter of their first word, so that a question's word is compared
	// only with those it can start (people rarely get the first letter wrong; see triggerSet).
	// It is nil for a plain phrase, and for a trigger's first phrase: a trigger is made for each
	// of those, to be indexed by its word.
	alts map[byte][]phrase
}

// triggerSet is a list of triggers indexed for matching: a question is only compared with the
// triggers whose first word it contains exactly, and with the few whose first word needs a
// prefix or typo comparison. Comparing every question with hundreds of triggers cost a quarter
// of an answer.
//
// Near misses are looked up by first letter: people rarely get the first letter wrong (the
// typo correction assumes the same; see vocabulary.nearest).
type triggerSet struct {
	byWord map[string][]trigger // by the first word, when only that exact word can match it
	// byLen holds, by the first word's first letter and then its length, the triggers whose
	// first word may have a typo; byLetter, by the first letter, those whose first word is a
	// prefix. Arrays rather than maps: every word of every question looks in them.
	byLen    [256][][]typoGroup
	byLetter [256][]prefixGroup
}

// prefixGroup is the triggers whose first word is the same prefix ("convuls*"), so that a
// question's word is compared with the prefix once, however many rules start with it.
type prefixGroup struct {
	prefix   string
	typos    bool
	triggers []trigger
}

// typoGroup is the triggers that share a first word that may have a typo, so that a question's
// word is compared with that word once, however many triggers start with it.
type typoGroup struct {
	word     string
	letters  uint32 // which letters a-z the word has (see letterSet)
	triggers []trigger
}

// letterSet is the set of the letters a-z in w, one bit each. One typo (a letter added, dropped,
// changed or two swapped) changes at most two bits of it, so a word whose set differs from
// another's by more is no typo of it: the test costs less than an edit distance.
func letterSet(w string) uint32 {
	var set uint32
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'a' && c <= 'z' {
			set |= 1 << (c - 'a')
		}
	}
	return set
}

// withinEdits reports whether words with the letter sets a and b may be the given number of
// edits apart: each edit changes at most two letters of the set.
func withinEdits(a, b uint32, edits int) bool { return bits.OnesCount32(a^b) <= 2*edits }

// compileTriggers parses and indexes trigger specs; groups are the word groups their {name}s
// stand for (Base.Groups).
func compileTriggers(specs []string, typos bool, groups map[string][]string) *triggerSet {
	set := newTriggerSet()
	for _, t := range parseTriggers(specs, typos, groups) {
		set.add(t, typos)
	}
	return set
}

func newTriggerSet() *triggerSet { return &triggerSet{byWord: map[string][]trigger{}} }

// add indexes t by its first word.
func (set *triggerSet) add(t trigger, typos bool) {
	first := t[0]
	w := first.words[0]
	switch {
	case first.prefix && len(first.words) == 1:
		groups := &set.byLetter[w[0]]
		i := slices.IndexFunc(*groups, func(g prefixGroup) bool { return g.prefix == w && g.typos == first.typos })
		if i < 0 {
			i = len(*groups)
			*groups = append(*groups, prefixGroup{prefix: w, typos: first.typos})
		}
		(*groups)[i].triggers = append((*groups)[i].triggers, t)
	case typos && len(w) >= 6:
		byLen := &set.byLen[w[0]]
		for len(*byLen) <= len(w) {
			*byLen = append(*byLen, nil)
		}
		groups := &(*byLen)[len(w)]
		i := slices.IndexFunc(*groups, func(g typoGroup) bool { return g.word == w })
		if i < 0 {
			i = len(*groups)
			*groups = append(*groups, typoGroup{word: w, letters: letterSet(w)})
		}
		(*groups)[i].triggers = append((*groups)[i].triggers, t)
		set.byWord[w] = append(set.byWord[w], t) // the word itself is found without a comparison
	default:
		set.byWord[w] = append(set.byWord[w], t)
	}
}

func parseTriggers(specs []string, typos bool, groups map[string][]string) []trigger {
	tp := newTriggerParser(typos, groups)
	out := make([]trigger, 0, len(specs))
	for _, spec := range specs {
		out = append(out, tp.parse(spec)...)
	}
	return out
}

// hasEmptyPart reports whether a part of a trigger has no words ("calf + ", "*"): the loader
// reports it, and parsing leaves it out.
func hasEmptyPart(spec string) bool {
	for _, part := range strings.Split(spec, "+") {
		if len(wordsOf(strings.TrimSuffix(strings.TrimSpace(part), "*"))) == 0 {
			return true
		}
	}
	return false
}

// triggerParser parses the triggers of one list. A part that many triggers share ("{leg}",
// "{swollen}") is parsed once and its phrases shared: copies of them made the index twice the
// size, and the garbage collector paid for it on every answer.
type triggerParser struct {
	typos  bool
	groups map[string][]string
	alts   map[string][]phrase // a part's phrases, by the part's text
	joined map[string]phrase   // the same as one phrase with the rest as alternatives
}

func newTriggerParser(typos bool, groups map[string][]string) *triggerParser {
	return &triggerParser{typos: typos, groups: groups, alts: map[string][]phrase{}, joined: map[string]phrase{}}
}

// parse splits a trigger ("calf + swollen", "pregnan*", "{leg} + {swollen}") into its phrases,
// leaving out parts with no words (see hasEmptyPart). A group in the first part makes a
// trigger for each of its phrases; in another part, one phrase with the rest as its
// alternatives (phrase.alts): indexing every combination of "{leg} + {swollen} + {hot}" would
// compare a question with thousands.
func (tp *triggerParser) parse(spec string) (ts []trigger) {
	var parts []string
	for _, part := range strings.Split(spec, "+") {
		if part = strings.TrimSpace(part); len(tp.phrases(part)) > 0 {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	rest := make(trigger, 0, len(parts)-1)
	for _, part := range parts[1:] {
		rest = append(rest, tp.joinedPhrase(part))
	}
	for _, first := range tp.phrases(parts[0]) {
		ts = append(ts, append(trigger{first}, rest...))
	}
	return ts
}

// phrases returns a part's phrases: one, or one for each phrase of the groups it names.
func (tp *triggerParser) phrases(part string) []phrase {
	if alts, ok := tp.alts[part]; ok {
		return alts
	}
	var alts []phrase
	if !strings.Contains(part, "{") {
		alts = tp.appendPhrase(nil, part) // most parts: no group to expand
	} else {
		for _, a := range expandGroups([]string{part}, tp.groups) {
			alts = tp.appendPhrase(alts, a)
		}
	}
	tp.alts[part] = alts
	return alts
}

// appendPhrase appends the phrase of text a ("swol*", "can't feel") to alts, unless it has no
// words or alts has it already.
func (tp *triggerParser) appendPhrase(alts []phrase, a string) []phrase {
	tw := wordsOf(strings.TrimSuffix(a, "*"))
	if len(tw) == 0 {
		return alts
	}
	p := phrase{words: tw, prefix: strings.HasSuffix(a, "*"), typos: tp.typos}
	alts = appendNew(alts, p)
	// People type "hasnt" and "cant" as often as "hasn't" and "can't": a phrase with an
	// apostrophe also stands without it.
	if bare := withoutApostrophes(tw); bare != nil {
		p.words = bare
		alts = appendNew(alts, p)
	}
	return alts
}

// joinedPhrase returns a part as one phrase with its other phrases as alternatives.
func (tp *triggerParser) joinedPhrase(part string) phrase {
	if p, ok := tp.joined[part]; ok {
		return p
	}
	alts := tp.phrases(part)
	p := alts[0]
	if len(alts) > 1 {
		p.alts = map[byte][]phrase{}
		for _, a := range alts {
			p.alts[a.words[0][0]] = append(p.alts[a.words[0][0]], a)
		}
	}
	tp.joined[part] = p
	return p
}

// appendNew appends p to alts unless it is there already: a group that lists "wont stop" beside
// "won't stop" would otherwise compare every question with the same phrase twice.
func appendNew(alts []phrase, p phrase) []phrase {
	for _, q := range alts {
		if q.prefix == p.prefix && slices.Equal(q.words, p.words) {
			return alts
		}
	}
	return append(alts, p)
}

// withoutApostrophes returns words with their apostrophes taken out, or nil when they have none.
func withoutApostrophes(words []string) []string {
	if !slices.ContainsFunc(words, func(w string) bool { return strings.Contains(w, "'") }) {
		return nil
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = strings.ReplaceAll(w, "'", "")
	}
	return out
}

// matchesAny reports whether any trigger occurs in words. A trailing '*' on a phrase's last
// word matches any word starting with it; words of six letters or more also match with one
// typo, so "pregnent" and "thrombossis" still count. Safety errs on the side of showing the
// notice.
func matchesAny(words []string, set *triggerSet) bool {
	for i, w := range words {
		if w == "" {
			continue // taken out (see without)
		}
		if set.startingWith(w, func(t trigger) bool { return t.at(words, i) }) {
			return true
		}
	}
	return false
}

// startingWith calls f with each trigger whose first word may be w, until f returns true, and
// reports whether it did.
func (set *triggerSet) startingWith(w string, f func(trigger) bool) bool {
	for _, t := range set.byWord[w] {
		if f(t) {
			return true
		}
	}
	if base, ok := strings.CutSuffix(w, "'s"); ok { // see wordMatches
		for _, t := range set.byWord[base] {
			if f(t) {
				return true
			}
		}
	}
	// One typo changes the length by at most one; an everyday word is no typo (see wordMatches).
	byLen := set.byLen[w[0]]
	if len(byLen) >= len(w) && !everyday[w] {
		letters := letterSet(w)
		for n := len(w) - 1; n <= len(w)+1 && n < len(byLen); n++ {
			for _, g := range byLen[n] {
				if g.word == w || !withinEdits(letters, g.letters, 1) || !wordMatches(w, g.word, false, true) {
					continue // the word itself is in byWord
				}
				for _, t := range g.triggers {
					if f(t) {
						return true
					}
				}
			}
		}
	}
	for _, g := range set.byLetter[w[0]] {
		if !wordMatches(w, g.prefix, true, g.typos) {
			continue
		}
		for _, t := range g.triggers {
			if f(t) {
				return true
			}
		}
	}
	return false
}

// named marks the words of the triggers that match: the words that name the risk itself
// ("diabetes", "weeks along", "calf" and "pain" of "calf + pain*"), as against the rest of the
// question.
func (set *triggerSet) named(words []string) []bool {
	out := make([]bool, len(words))
	for i, w := range words {
		if w == "" {
			continue
		}
		set.startingWith(w, func(t trigger) bool {
			if t.at(words, i) {
				for _, p := range t {
					p.mark(words, out)
				}
			}
			return false
		})
	}
	return out
}

// mark sets out[i] for every word of every occurrence of p, or of a phrase in its place, in
// words.
func (p phrase) mark(words []string, out []bool) {
	if p.alts != nil {
		for _, alts := range p.alts {
			for _, q := range alts {
				q.mark(words, out)
			}
		}
		return
	}
	for j := 0; j+len(p.words) <= len(words); j++ {
		if p.at(words[j : j+len(p.words)]) {
			for k := range p.words {
				out[j+k] = true
			}
		}
	}
}

// at reports whether t occurs in words with its first phrase starting at words[i]: the rest of
// its phrases may be anywhere.
func (t trigger) at(words []string, i int) bool {
	if n := len(t[0].words); i+n > len(words) || !t[0].at(words[i:i+n]) {
		return false
	}
	for _, p := range t[1:] {
		if !p.in(words) {
			return false
		}
	}
	return true
}

// in reports whether p, or a phrase in its place, occurs anywhere in words.
func (p phrase) in(words []string) bool {
	if p.alts != nil {
		for i, w := range words {
			if w == "" {
				continue
			}
			for _, q := range p.alts[w[0]] {
				if i+len(q.words) <= len(words) && q.at(words[i:i+len(q.words)]) {
					return true
				}
			}
		}
		return false
	}
	for i := 0; i+len(p.words) <= len(words); i++ {
		if p.at(words[i : i+len(p.words)]) {
			return true
		}
	}
	return false
}

func (p phrase) at(words []string) bool {
	for j, want := range p.words {
		last := j == len(p.words)-1
		if !wordMatches(words[j], want, p.prefix && last, p.typos) {
			return false
		}
	}
	return true
}

func wordMatches(word, want string, prefix, typos bool) bool {
	if word == want || (prefix && strings.HasPrefix(word, want)) {
		return true
	}
	// A possessive is the word: "my newborn's feet" names a newborn.
	if w, ok := strings.CutSuffix(word, "'s"); ok && w == want {
		return true
	}
	if !typos || len(want) < 6 || len(word) < len(want)-1 || (!prefix && len(word) > len(want)+1) {
		return false // one typo changes the length by one at most
	}
	if everyday[word] {
		return false // an everyday word is no typo: "clothing" is not "clotting"
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
