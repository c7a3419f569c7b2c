package knowledge

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// The entries, thresholds and hits of the policy table below.
var (
	policySafety   = &Entry{ID: "who-should-avoid", Kind: KindSafety}
	policyHowLong  = &Entry{ID: "how-long", Kind: KindFAQ}
	policySleep    = &Entry{ID: "benefit-sleep", Kind: KindBenefit}
	policyPain     = &Entry{ID: "benefit-pain", Kind: KindBenefit}
	policyOverview = &Entry{ID: "overview", Kind: KindOverview}
	policyRoutine  = &Entry{ID: "self-massage-routine", Kind: KindRoutine}
	policyTh       = thresholds{coverage: 0.5, known: 0.3, foreign: 2, foreignDomain: 4, riskCoverage: 0.6, unsure: 0.5}
	sureHits       = []hit{{entry: policyHowLong, coverage: 0.9, score: 2, rank: 1.2}, {entry: policySleep, coverage: 0.2, score: 0.5, rank: 0.3}}
	weakHits       = []hit{{entry: policySleep, coverage: 0.3, score: 0.4, rank: 0.6}}
)

// policyCases are the rows of TestPolicyRules: the features and hits that should make exactly
// the named rule decide. TestEveryRuleIsTested checks that every rule has one.
var policyCases = []struct {
	name    string
	f       features
	hits    []hit
	rule    string
	outcome Outcome
	entries []*Entry
}{
	{"a question an entry lists word for word", features{terms: 3, known: 2, exact: policySleep}, sureHits, "exact-phrasing", Answered, []*Entry{policySleep}},
	{"chest pain is an emergency", features{terms: 2, known: 1, emergency: true}, nil, "emergency", Emergency, nil},
	{"a swollen calf that may be a clot, asking if massage is ok, gets the safety entry",
		features{terms: 4, known: 2, emergency: true, safety: true, clot: true, permission: true, asked: &sureHits[0]}, sureHits, "risk-permission", Answered, []*Entry{policySafety, policyHowLong}},
	{"how to do a foot massage: only the subject, asked how, the routine", features{terms: 2, known: 0.1, domain: true, subjectOnly: true, subjectWords: true, asksHow: true, overview: policyOverview, routine: policyRoutine}, sureHits, "subject-how", Answered, []*Entry{policyRoutine}},
	{"a story, then how do I massage them: the clause that asks is how it is done, the routine", features{terms: 4, known: 0.3, unknown: 2, unknownW: 4, domain: true, askedHow: true, overview: policyOverview, routine: policyRoutine}, sureHits, "subject-how", Answered, []*Entry{policyRoutine}},
	{"a story about a dog, then how do I massage them: the topic declines", features{terms: 4, known: 0.3, unknown: 2, unknownW: 4, domain: true, askedHow: true, offTopic: "animals", overview: policyOverview, routine: policyRoutine}, sureHits, "off-topic", Declined, nil},
	{"how do I do the massage: a word of the subject only, asked how, the routine", features{terms: 1, known: 0.06, domain: true, subjectWords: true, subjectTerms: 1, asksHow: true, overview: policyOverview, routine: policyRoutine}, sureHits, "subject-how", Answered, []*Entry{policyRoutine}},
	{"what is a foot massage: only the subject, the overview", features{terms: 2, known: 0.1, domain: true, subjectOnly: true, subjectWords: true, overview: policyOverview}, sureHits, "subject-only", Answered, []*Entry{policyOverview}},
	{"hello has no topic", features{terms: 0}, nil, "no-topic", Greeting, nil},
	{"what can you do: only words every entry has", features{terms: 1, known: 0.1}, sureHits, "no-topic", Greeting, nil},
	{"another body part is off topic", features{terms: 2, known: 1, offTopic: "other body parts"}, sureHits, "off-topic", Declined, nil},
	{"pregnant, can I: the safety entry first", features{terms: 3, known: 2, safety: true, permission: true}, weakHits, "risk-permission", Answered, []*Entry{policySafety}},
	{"what is toe fungus: the risk itself, the doctor's question", features{terms: 2, known: 2, safety: true, aboutRisk: true}, sureHits, "risk-itself", Declined, nil},
	{"can I keep running while pregnant: permission for something else, the doctor's question", features{terms: 2, known: 2, safety: true, permission: true, aboutRisk: true}, weakHits, "risk-itself", Declined, nil},
	{"pregnant, can I get a pedicure: another topic, naming neither feet nor massage", features{terms: 3, known: 2, safety: true, permission: true, offTopic: "foot care"}, weakHits, "off-topic", Declined, nil},
	{"pregnant, can I get a foot massage at the nail salon: ours", features{terms: 4, known: 2, safety: true, permission: true, offTopic: "foot care", domain: true}, weakHits, "risk-permission", Answered, []*Entry{policySafety}},
	{"when can I drive after foot surgery: a topic that comes before risks, feet or not", features{terms: 4, known: 2, safety: true, permission: true, offTopic: "driving", offTopicBeforeRisks: true, domain: true}, weakHits, "off-topic", Declined, nil},
	{"who shouldn't: the safety entry, not how long", features{terms: 2, known: 0.1, avoid: true}, sureHits, "avoid-question", Answered, []*Entry{policySafety}},
	{"any side effects: the safety entry", features{terms: 2, known: 0.1, asksRisks: true}, sureHits, "avoid-question", Answered, []*Entry{policySafety}},
	{"a word the base lacks beside words every entry has", features{terms: 2, known: 0.1, unknown: 1}, sureHits, "no-match", Declined, nil},
	{"a word the base lacks beside the subject's own words is a detail", features{terms: 4, known: 0.6, unknown: 1, unknownW: 3.9, domain: true, subjectTerms: 2}, sureHits, "confident", Answered, []*Entry{policyHowLong}},
	{"mostly words the base lacks", features{terms: 3, known: 1, unknown: 2, unknownW: 7.8}, sureHits, "no-match", Declined, nil},
	{"one word two entries share", features{terms: 1, known: 1}, []hit{{entry: policyPain, coverage: 1, score: 1, rank: 1.3}, {entry: policySleep, coverage: 1, score: 0.9, rank: 1.27}}, "ambiguous", Declined, nil},
	{"a match worded as the questions the base declines is unsure", features{terms: 3, known: 2, outLean: 0.95}, sureHits, "unsure", Declined, nil},
	{"a sure match is answered", features{terms: 3, known: 2}, sureHits, "confident", Answered, []*Entry{policyHowLong}},
	{"diabetes nurse asking how often: the topic, with the notice", features{terms: 4, known: 2, safety: true, asked: &sureHits[0]}, sureHits, "confident", Answered, []*Entry{policyHowLong}},
	{"a risk and nothing else asked, though an entry shares its words: the safety entry", features{terms: 2, known: 2, safety: true}, sureHits, "risk-unsure", Answered, []*Entry{policySafety}},
	{"the safety entry as the best match, and what else was asked", features{terms: 4, known: 2, safety: true, asked: &hit{entry: policyHowLong, coverage: 0.9}},
		[]hit{{entry: policySafety, coverage: 0.9, score: 2, rank: 1.2}, sureHits[0]}, "confident", Answered, []*Entry{policySafety, policyHowLong}},
	{"a risk in a story that matches another entry only loosely: the safety entry", features{terms: 2, known: 1, safety: true}, weakHits, "risk-unsure", Answered, []*Entry{policySafety}},
	{"a risk in a story that matches another entry, though not clearly: the safety entry, then that one",
		features{terms: 3, known: 2, safety: true, asked: &hit{entry: policySleep, coverage: 0.55}}, []hit{{entry: policySleep, coverage: 0.55, score: 1, rank: 0.85}}, "risk-unsure", Answered, []*Entry{policySafety, policySleep}},
	{"a risk and no match at all: the safety entry", features{terms: 2, known: 1, safety: true}, nil, "risk-unsure", Answered, []*Entry{policySafety}},
	{"a weak match is declined", features{terms: 3, known: 2}, weakHits, "weak", Declined, nil},
}

// TestPolicyRules drives decide directly, one row of policyCases at a time.
func TestPolicyRules(t *testing.T) {
	for _, c := range policyCases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(c.f, c.hits, policySafety, policyTh)
			if d.rule != c.rule || d.outcome != c.outcome || len(d.entries) != len(c.entries) {
				t.Fatalf("rule %s, outcome %s, entries %d; want %s, %s, %d", d.rule, d.outcome, len(d.entries), c.rule, c.outcome, len(c.entries))
			}
			for i, e := range c.entries {
				if d.entries[i] != e {
					t.Errorf("entry %d is %s, want %s", i, d.entries[i].ID, e.ID)
				}
			}
			if d.outcome == Answered && (d.confidence <= 0 || d.confidence > 1) {
				t.Errorf("confidence %.2f outside (0, 1]", d.confidence)
			}
		})
	}
}

// TestEveryRuleIsTested keeps policyCases complete: a new rule needs a row, and a row names a
// rule the policy has.
func TestEveryRuleIsTested(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range policyCases {
		tested[c.rule] = true
	}
	for _, r := range policy {
		if !tested[r.name] {
			t.Errorf("rule %q has no row in TestPolicyRules", r.name)
		}
		if r.reason == "" {
			t.Errorf("rule %q has no reason", r.name)
		}
		delete(tested, r.name)
	}
	for name := range tested {
		t.Errorf("TestPolicyRules tests %q, which the policy no longer has", name)
	}
}

func TestAskedClauseIsTheOneThatAsks(t *testing.T) {
	for q, want := range map[string]string{
		"how long should a foot massage be":                                 "",
		"my heart sank at the prices, how do I massage my own feet?":        "how do i massage my own feet",
		"I ran hills. Now my heel hurts. I need your help.":                 "i need your help",
		"so, ok. how often?":                                                "",
		"how long should I rub them, my wife is pregnant":                   "how long should i rub them",
		"my wife is pregnant. how long? I mean each foot, roughly":          "i mean each foot",
		"the spa was shut. is it bad to rub them daily? asking, ok":         "is it bad to rub them daily",
		"nearly fainted at the price 😂 is it any different from a foot rub": "is it any different from a foot rub",
	} {
		if got := strings.Join(askedClause(q), " "); got != want {
			t.Errorf("%q: asked %q, want %q", q, got, want)
		}
	}
}

// TestATopicInTheStoryIsNotTheQuestion: an off-topic word before the question does not decline
// a question about the subject, but a story that asks nothing of the subject stays declined.
func TestATopicInTheStoryIsNotTheQuestion(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string]string{
		"my heart sank when I saw the spa prices, how do I massage my own feet?": "self-massage-routine",
		"the nail salon was so expensive. how long should a foot massage last":   "how-long",
		"my neck is so stiff. how do I massage it?":                              "",
		"the prices at my spa went up, how much does a foot massage cost now?":   "",
		// A question of its own after the story needs no name of the subject; one that points
		// back at the story's topic, or goes on with its sentence, is about that topic.
		"my laptop battery keeps dying lol. where are the pressure points for sleep?":                                         "pressure-points",
		"my back is wrecked from the gym, and how do I massage it?":                                                           "",
		"Back Massage at Home: Does It Help Sleep?":                                                                           "",
		"my laptop fan is whirring like a jet engine and the cat knocked over my tea. anyway where is the solar plexus point": "pressure-points",
		"our landlord finally fixed the boiler after three weeks of cold showers, does foot massage help sleep":               "benefit-sleep",
	} {
		a := answerOf(t, ix, q)
		switch {
		case want == "" && a.Answered():
			t.Errorf("%q: answered with %s, want declined", q, a.Entry.ID)
		case want != "" && (!a.Answered() || a.Entry.ID != want):
			t.Errorf("%q: %s %v, want %s", q, a.Outcome, a.Entry, want)
		}
	}
}

// TestARiskInPassingDoesNotTakeOverTheQuestion: a question that names a risk gets the notice and
// the entry for what it asks; the risk's words do not pick that entry.
func TestARiskInPassingDoesNotTakeOverTheQuestion(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string][]string{
		"I'm a diabetes nurse, how often should I massage my feet": {"how-often"},
		"i have a dvt, can foot massage help my sleep":             {"who-should-avoid", "benefit-sleep"},
		"is foot massage safe during pregnancy":                    {"who-should-avoid"},
	} {
		a := answerOf(t, ix, q)
		if !a.Safety {
			t.Errorf("%q: no safety notice", q)
		}
		for _, id := range want {
			if !slices.ContainsFunc(a.Entries, func(e *Entry) bool { return e.ID == id }) {
				t.Errorf("%q: entries %v, want %s among them", q, entryIDs(a.Entries), id)
			}
		}
		if len(want) == 1 && want[0] == "who-should-avoid" && len(a.Entries) != 1 {
			t.Errorf("%q: entries %v, want the safety entry alone: it asks nothing else", q, entryIDs(a.Entries))
		}
	}
}

func entryIDs(es []*Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestTwoQuestionsGetTwoAnswers(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string][2]string{
		"how often should I massage my feet? and how long should each session be?": {"how-often", "how-long"},
		"how often and how long should i massage my feet?":                         {"how-often", "how-long"},
		"does it help sleep, and does it help anxiety?":                            {"benefit-sleep", "benefit-stress-anxiety"},
		// Declined as one question for want of a match, answered question by question (from
		// the tuning set twoq1).
		"what are the main benefits of foot rubs and how do I do one on myself": {"overview", "self-massage-routine"},
		// One question about two topics joined by "and" or "or" is asked about each.
		"does it help with stress and sleep":         {"benefit-stress-anxiety", "benefit-sleep"},
		"can a foot rub ease headaches or insomnia?": {"benefit-headache", "benefit-sleep"},
	} {
		a := answerOf(t, ix, q)
		if len(a.Entries) != 2 || a.Entry != a.Entries[0] {
			t.Errorf("%q: entries %v, want %s and %s", q, ids(a), want[0], want[1])
			continue
		}
		if got := map[string]bool{a.Entries[0].ID: true, a.Entries[1].ID: true}; !got[want[0]] || !got[want[1]] {
			t.Errorf("%q: entries %v, want %s and %s", q, ids(a), want[0], want[1])
		}
	}
}

// TestOnlyTwoTopicsThatFewEntriesNameAreAskedApart: the subject, words most entries have and
// two words of one entry's topic leave a question whole.
func TestOnlyTwoTopicsThatFewEntriesNameAreAskedApart(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string]string{
		"does it help with stress and sleep":        "does it help with stress|does it help with sleep",
		"foot massage or reflexology which is best": "",
		"is it good and safe":                       "",
	} {
		var got []string
		for _, p := range ix.joinedTopics(wordsOf(q)) {
			got = append(got, strings.Join(p, " "))
		}
		if strings.Join(got, "|") != want {
			t.Errorf("joinedTopics(%q) = %q, want %q", q, got, want)
		}
	}
	if a := answerOf(t, ix, "any relief for hot flashes and night sweats"); len(a.Entries) != 1 {
		t.Errorf("hot flashes and night sweats: entries %v, want the one entry both are in", ids(a))
	}
}

// TestAndSplitsOnlyBeforeAQuestionWord: "and" joins two questions only when a question word
// follows it; "the toes and the heel" stays whole.
func TestAndSplitsOnlyBeforeAQuestionWord(t *testing.T) {
	for q, want := range map[string]string{
		"how often and how long":       "how often|how long",
		"is it safe and does it help":  "is it safe|does it help",
		"rub the toes and the heel":    "rub the toes and the heel",
		"sleep, and does it help? yes": "sleep|does it help? yes",
		"İİİİ rub them AND how long":   "İİİİ rub them|how long",
	} {
		if got := strings.Join(splitAtAnd(q), "|"); got != want {
			t.Errorf("splitAtAnd(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestNegationIsUnderstood(t *testing.T) {
	ix := testIndex(t)
	for _, q := range []string{"when shouldn't I massage my feet", "who should not get a foot massage", "when should I not do a foot massage"} {
		a := answerOf(t, ix, q)
		if !a.Answered() || a.Entry.Kind != KindSafety || !a.Safety {
			t.Errorf("%q: %s %v, want the safety entry with its notice", q, a.Outcome, a.Entry)
		}
	}
}

// Asking who or when not to massage gets the notice with the safety entry; asking whether it is
// safe or harmful in general gets the entry, which lists the risks, without the notice meant for
// someone who has one.
func TestOnlyAvoidanceQuestionsGetTheNoticeWithoutARisk(t *testing.T) {
	ix := testIndex(t)
	for q, notice := range map[string]bool{
		"who shouldn't get a foot massage":                      true,
		"when should foot massage be avoided?":                  true,
		"is foot massage harmful?":                              false,
		"is reflexology safe?":                                  false,
		"any side effects of foot massage?":                     false,
		"my foot is all scabby, can I massage it?":              true,
		"my heel looks weird and shiny, is a foot rub harmful?": true,
		"I'm on warfarin, is foot massage harmful?":             true,
	} {
		a := answerOf(t, ix, q)
		if !a.Answered() || a.Entry.Kind != KindSafety || a.Safety != notice {
			t.Errorf("%q: %s %v, notice %v; want the safety entry, notice %v", q, a.Outcome, ids(a), a.Safety, notice)
		}
	}
}

func TestSuggestWithNoRoomReturnsNothing(t *testing.T) {
	ix := testIndex(t)
	for _, text := range []string{"", "sleep"} {
		if got, err := ix.Suggest(context.Background(), text, -1); err != nil || len(got) != 0 {
			t.Errorf("Suggest(%q, -1) = %v, %v; want nothing", text, got, err)
		}
	}
}

// TestEverydayWordsAreNoTypos: a common English word is left as it is, however near a word of the
// base, unless that word names the subject.
func TestEverydayWordsAreNoTypos(t *testing.T) {
	v := testIndex(t).vocab
	for in, want := range map[string]string{
		"i broke my ankle in march": "i broke my ankle in march",
		"send feet pics":            "send feet pics",
		"how ofen shoud i":          "how often should i",
		"shes 60 and hes fine":      "shes 60 and hes fine",
	} {
		if got := v.correct(strings.Fields(in)); got != want {
			t.Errorf("correct(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestClosenessPrefersTheEntryAskedThisWay: closeness is 1 for a question an entry lists, and
// ranks the entry whose phrasing the question is nearest above one that only shares its words.
func TestClosenessPrefersTheEntryAskedThisWay(t *testing.T) {
	ix := testIndex(t)
	at := func(id string, q string) float64 {
		v := ix.vocab.allVariants(ix.vocab.meaningful(ix.analyzeQuestion(q).english))
		return ix.vocab.closeness(v)[ix.vocab.entryAt[id]]
	}
	if got := at("how-often", "How often should I massage my feet?"); got < 0.999 {
		t.Errorf("closeness of a listed phrasing = %.2f, want 1", got)
	}
	q := "what studies have been done on foot massage"
	if ev, hl := at("evidence", q), at("how-long", q); ev <= hl {
		t.Errorf("%q: closeness to evidence %.2f, to how-long %.2f; want evidence nearer", q, ev, hl)
	}
	if got := at("how-often", "zzz qqq"); got != 0 {
		t.Errorf("closeness of unknown words = %.2f, want 0", got)
	}
}
