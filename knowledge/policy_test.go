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
	policyTh       = thresholds{coverage: 0.5, known: 0.3, foreign: 2, foreignDomain: 4, riskCoverage: 0.6}
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
	{"what is a foot massage: only the subject, the overview", features{terms: 2, known: 0.1, domain: true, subjectOnly: true, overview: policyOverview}, sureHits, "subject-only", Answered, []*Entry{policyOverview}},
	{"hello has no topic", features{terms: 0}, nil, "no-topic", Greeting, nil},
	{"what can you do: only words every entry has", features{terms: 1, known: 0.1}, sureHits, "no-topic", Greeting, nil},
	{"another body part is off topic", features{terms: 2, known: 1, offTopic: "other body parts"}, sureHits, "off-topic", Declined, nil},
	{"pregnant, can I: the safety entry first", features{terms: 3, known: 2, safety: true, permission: true}, weakHits, "risk-permission", Answered, []*Entry{policySafety}},
	{"who shouldn't: the safety entry, not how long", features{terms: 2, known: 0.1, avoid: true}, sureHits, "avoid-question", Answered, []*Entry{policySafety}},
	{"a word the base lacks beside words every entry has", features{terms: 2, known: 0.1, unknown: 1}, sureHits, "no-match", Declined, nil},
	{"a word the base lacks beside the subject's own words is a detail", features{terms: 4, known: 0.6, unknown: 1, unknownW: 3.9, domain: true, subjectTerms: 2}, sureHits, "confident", Answered, []*Entry{policyHowLong}},
	{"mostly words the base lacks", features{terms: 3, known: 1, unknown: 2, unknownW: 7.8}, sureHits, "no-match", Declined, nil},
	{"one word two entries share", features{terms: 1, known: 1}, []hit{{entry: policyPain, coverage: 1, score: 1, rank: 1.3}, {entry: policySleep, coverage: 1, score: 0.9, rank: 1.27}}, "ambiguous", Declined, nil},
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

// TestSignalsHearPlainWords checks the shipped risk, emergency and off-topic words on messages
// as people write them.
func TestSignalsHearPlainWords(t *testing.T) {
	ix := testIndex(t)
	s := ix.signals
	for _, c := range []struct {
		q                 string
		safety, emergency bool
		offTopic          bool
	}{
		{"my chest feels crushed and my left arm is numb", true, true, false},
		{"pretty sure this is a stroke", false, true, false},
		{"my calf is hot and twice the size of the other one", false, true, false},
		{"my toes went purple and I can't feel them", true, true, false},
		{"28 weeks along, can I get a foot rub", true, false, false},
		{"I'm on warfarin", true, false, false},
		{"my blister burst", true, false, false},
		{"I broke my ankle in March", true, false, false},
		{"bun in the oven, is reflexology ok", true, false, false},
		{"long strokes which way, ankle to toes?", false, false, false},
		{"my feet are sore after running", false, false, false},
		{"how do I massage my shoulders", false, false, true},
		{"is there a spot on the foot for neck tension", false, false, false},
		{"what happens during a foot massage", false, false, false},
		// Scope words stay narrow: a story or a question of another kind is not off topic.
		{"I'm a registered nurse, how often should I rub my feet", false, false, false},
		{"choosing a foot roller, any advice?", false, false, false},
		{"should I tell my doctor before starting foot massage?", false, false, false},
		{"could it be harmful to rub my feet daily", false, false, false},
		{"what does a typical reflexology session involve", false, false, true},
		{"is thai massage good", false, false, true},
		{"are shiatsu foot massagers any good", false, false, false},
		{"why am I sore after a massage", false, false, true},
		{"how much does foot massage reduce anxiety?", false, false, false},
		{"how much is too much foot massage", false, false, false},
		{"how much does a reflexology session cost", false, false, true},
		{"how much do reflexologists earn per year", false, false, true},
		{"why does a foot rub make pain feel less bad", false, false, false},
		{"how often should I get a massage therapy session", false, false, true},
		{"can I get a massage if I am pregnant", true, false, true},
		{"can I get a foot massage if I am pregnant", true, false, false},
		{"what is neuropathy?", true, false, true},
		{"what is reflexology?", false, false, false},
		{"what are the benefits of foot massage", false, false, false},
		{"what is the solar plexus", false, false, false},
		{"why does your heel hurt when you take your first steps", false, false, true},
		{"do foot detoxes actually work", false, false, true},
		{"what is a reflexology treatment like", false, false, true},
		// Emergency words tolerate a typo, so a trigger must not be one letter from an everyday
		// word it is paired with: "spitting + blood" would hear "sitting ... blood flow".
		{"desk job, sitting all day, does massaging help blood flow", false, false, false},
		{"how much clothing do I take off for a foot massage", false, false, true},
		{"i nearly fainted when i saw the price of that foot roller", false, false, true},
		{"the exam results gave me a heart attack lol, how often should i rub my feet", false, false, false},
		{"breathless with laughter because my soles are ticklish", false, false, true},
		// A possessive is the word it is of.
		{"can i massage my newborn's feet", false, false, true},
		{"my husband's on warfarin, is a foot rub ok", true, false, false},
		{"she's expecting, can I rub her feet", true, false, false},
		// Risks and emergencies in Spanish get their notice, though the answers are English.
		{"estoy embarazada de 5 meses, ¿puedo recibir reflexología?", true, false, false},
		{"tengo dolor de pecho y no puedo respirar", false, true, false},
		// "not" phrases take their words out, and only those: the rest of the question counts.
		{"feeling blue all week, will a foot rub lift my mood", false, false, false},
		{"feeling blue all week and now my toes went blue", false, true, false},
		{"I'm expecting a package with a foot roller", false, false, false},
		{"I'm expecting a package and I'm expecting twins, is reflexology ok", true, false, false},
		{"could a massager move a clot and cause a stroke", true, false, false},
		{"dad had a heart attack last year, is reflexology ok for him", true, false, false},
		{"i had a stroke two years ago, can i have a foot massage", true, false, false},
		{"my baby is due in May, can I have a foot massage", true, false, false},
		{"my dogs are barking after my shift, how long should I rub my feet", false, false, false},
	} {
		w := wordsOf(c.q)
		if got := s.safety(w); got != c.safety {
			t.Errorf("%q: safety %v, want %v", c.q, got, c.safety)
		}
		if got := s.emergency(w); got != c.emergency {
			t.Errorf("%q: emergency %v, want %v", c.q, got, c.emergency)
		}
		if got := s.offTopic(w) != ""; got != c.offTopic {
			t.Errorf("%q: off topic %q, want %v", c.q, s.offTopic(w), c.offTopic)
		}
	}
}

// TestEmergenciesInManyWords checks that the call for help hears each class of emergency the way
// people describe it: chest, breathing, stroke, collapse, a swollen leg, a cold or blue foot, an
// allergic reaction, a spreading infection, and a plain call for an ambulance.
func TestEmergenciesInManyWords(t *testing.T) {
	s := testIndex(t).signals
	for _, q := range []string{
		"my chest is really tight and it's spreading to my jaw",
		"there's a heavy pressure on my chest",
		"it feels like someone is sitting on my chest",
		"i can't catch my breath after the massage",
		"she's gasping for air",
		"he's wheezing and can't breathe properly",
		"my husband's face looks droopy on one side",
		"his speech is slurred all of a sudden",
		"she can't lift her right arm",
		"my dad suddenly can't talk properly",
		"half my body feels numb",
		"mum is confused and can't find her words",
		"i suddenly can't see out of one eye",
		"worst headache of my life came on just now",
		"he fainted after the foot rub",
		"she passed out on the floor",
		"my grandma collapsed",
		"he's not responding to me",
		"my calf is red hot and swollen",
		"one leg is way bigger than the other suddenly",
		"my leg swelled up overnight and hurts to walk",
		"my foot went ice cold and white",
		"my toes are turning blue",
		"my foot is purple and i can't feel it",
		"i'm coughing up blood",
		"there's blood when i cough",
		"her lips are swelling up and she can't swallow",
		"my throat is closing up",
		"there's a red streak going up my leg and i have a fever",
		"my heart is racing and i feel like i'm going to pass out",
		"sharp pain in my chest when i breathe in",
		"i think i'm having a heart attack",
		"i think he's having a stroke",
		"my arm went numb and my chest hurts",
		"i feel faint and dizzy and my chest hurts",
		"call an ambulance",
		"my foot turned black",
		"i can barely breathe",
		"short of breath after a flight and my calf hurts",
		"crushing pain in my chest",
		"my chest is killing me and i'm sweating",
		"feels like my heart is being squeezed",
		"got a weird tight feeling in my chest and my arm feels funny",
		"i cant get my breath back",
		"she's breathing really weird and gasping",
		"his breathing is shallow and he looks pale",
		"he's gone all floppy on one side",
		"her face went funny on one side and she can't smile properly",
		"he's talking nonsense all of a sudden",
		"mum suddenly can't find her words and seems confused",
		"i've got the worst headache ever and my neck is stiff",
		"i just passed out for a second",
		"my nan collapsed in the kitchen",
		"she fainted after the massage and won't wake up properly",
		"my calf is swollen and hot to touch and it came on fast",
		"my leg is red swollen and throbbing since yesterday",
		"one of my legs is way fatter than the other and it hurts",
		"my toes are ice cold and have gone a weird grey colour",
		"my foot has gone numb and white and won't warm up",
		"coughed up some blood just now",
		"my throat feels like it's closing after that oil",
		"the cut on my foot has red lines spreading up my leg and i'm shivery",
		"i think i'm having angina",
		"pain in my left arm and jaw",
		"he's not breathing",
		"she has no pulse",
		"do i need to do cpr",
		"should i use her epipen",
		"her tongue is swollen",
		"his lips are grey",
		"he's bluish around the mouth",
		"call 000",
		"should i go to the er",
		"should i go to a&e",
		"i think he's unconscious",
		"she collapsed on the floor",
		"sudden severe headache and vomiting",
		"his face looks lopsided",
		"my vision went black",
		"my leg is cold and white and really painful",
		"a red hot swollen calf after surgery",
		"coughing and chest pain after a long flight",
		"my chest feels like it's on fire and my arm is tingling",
		"tight band around my chest",
		"he's clutching his chest",
		"pain radiating down my left arm",
		"my heart is pounding and i can't get a breath",
		"i'm breathing really fast and my lips are tingling",
		"she's turning blue",
		"he's struggling for air",
		"my mum's speech is garbled",
		"dad's face has gone all droopy",
		"her mouth is drooping on one side",
		"he suddenly can't move his left side",
		"my legs gave way and i can't stand",
		"i keep losing my balance and the room is spinning and my face is numb",
		"sudden double vision",
		"she's slurring her words",
		"he's not making any sense and his arm is weak",
		"mum went grey and clammy",
		"i think my heart stopped for a second and i nearly fainted",
		"blacked out for a few seconds",
		"he hit his head and is drowsy",
		"my calf is throbbing and hot",
		"my leg is hot to the touch and swollen",
		"my foot is freezing cold and i can't feel it",
		"my big toe has gone dark and cold",
		"there's a red line going up from my blister",
		"my foot is swollen, red and i have chills",
		"i'm spitting up blood",
		"my face is swelling and i'm itchy all over after the oil",
		"tongue swelling after the massage oil",
		"i've got hives and i'm wheezing",
		"he's having a fit",
		"she's shaking and won't respond",
		"sudden agonising pain in my leg and it's pale",
		"severe chest pain",
		"his left arm feels heavy and achy",
		"she suddenly doesn't recognise me",
		"got stung by a bee and now i'm dizzy",
		"my toes have gone white and waxy",
		"after the long flight my calf is killing me",
		"his lips are turning blue",
		"her leg has blown up like a balloon",
		"i just lost the sight in one eye",
		"the whole right side of me is numb",
		"he's wheezing and can't swallow",
	} {
		if !s.emergency(wordsOf(q)) {
			t.Errorf("%q: no call for help", q)
		}
	}
}

// TestRisksInManyWords checks that the safety notice hears each contraindication of the article
// the way people name it: clots and blood thinners by brand, diabetes and numb feet, broken skin
// and infections, surgery and fractures, brittle bones, and pregnancy in its many wordings.
func TestRisksInManyWords(t *testing.T) {
	s := testIndex(t).signals
	for _, q := range []string{
		"i had a dvt two years ago, is foot massage ok",
		"my mum takes eliquis, can i rub her feet",
		"dad is on xarelto",
		"i'm on blood thinners for my heart",
		"she takes coumadin",
		"he injects heparin every day",
		"i take a baby aspirin daily for my heart",
		"my gran is on apixaban",
		"diabetic here, can i use a foot roller",
		"my husband is type 2",
		"he's type 1 diabetic",
		"my blood sugar is always high, is reflexology safe",
		"i can't feel my feet properly anymore",
		"my feet are numb most of the time",
		"pins and needles in my feet all day",
		"nerve damage in my feet from chemo",
		"i have a cut on my heel",
		"there's an open sore on my foot",
		"my heel skin is split and bleeding",
		"cracked heels that bleed, can i still massage",
		"i've got a weeping patch on my toe",
		"ulcer on the bottom of my foot",
		"my toe looks infected",
		"athletes foot between my toes",
		"fungal infection on my feet, is massage ok",
		"my foot is oozing pus",
		"cellulitis in my leg last week",
		"i had bunion surgery three weeks ago",
		"had my knee replaced last month",
		"i just got my cast off",
		"broke my toe last week",
		"fractured my foot in june",
		"stitches in my foot, can i rub around them",
		"my bones are brittle",
		"she has osteoporosis",
		"osteopenia, is deep pressure ok",
		"i'm pregnant, can i get reflexology",
		"we're expecting our first",
		"six months along and my ankles are huge",
		"in my third trimester",
		"my due date is next week, can reflexology start labour",
		"carrying twins, feet are swollen",
		"got a positive test yesterday, is reflexology ok",
		"trying for a baby, does reflexology help",
		"preggo and my feet ache",
		"my wife is with child, can i massage her feet",
		"varicose veins on my legs",
		"i have a blood clotting disorder",
		"i have sugar, can i get a foot rub",
		"my sugars are all over the place, is reflexology ok",
		"on insulin, foot massage ok?",
		"he takes metformin, can he use a foot spa roller",
		"my a1c is high, is massage safe",
		"prediabetic here, any foot massage tips",
		"i'm on plavix",
		"she takes clopidogrel",
		"lovenox injections after surgery",
		"pradaxa for my heart, can i have reflexology",
		"haemophilia, is foot massage ok",
		"i have a bleeding disorder",
		"got a gash on my foot",
		"scraped the top of my foot",
		"grazed my heel",
		"the skin on my heel is raw",
		"peeling skin between my toes",
		"popped a blister",
		"i had a toe amputated",
		"had an op on my foot last month",
		"post-op foot pain, massage ok?",
		"screws in my ankle from an old break",
		"knocked up and my feet ache",
		"baby on the way, is reflexology ok",
		"mum to be here, can i have a foot rub",
		"i'm an expectant mother",
		"my midwife said no reflexology, why",
		"gestational diabetes, foot massage ok?",
		"prenatal massage on the feet ok?",
		"fungus on my toenails",
		"tinea on my feet",
		"gangrene on his toe",
		"thin bones, is deep pressure ok",
		"i can't feel my toes",
		"my toes are numb all the time",
		"burning feet at night, can massage help",
		"my feet feel dead",
		"neuropathy from chemo",
		"peripheral neuropathy, foot rub ok?",
		"i'm having chemo, is reflexology ok",
		"lymphedema in my legs",
		"hx of dvt, foot rub ok?",
		"on thinners, is reflexology safe",
		"dm2 here, can i use a foot roller",
		"t2dm and my feet ache",
		"i have PAD in my legs",
		"peripheral vascular disease, is massage ok",
		"preg and my feet are swollen",
		"got my bfp last week, is reflexology safe",
		"i have eczema cracks on my feet",
		"psoriasis on my soles, can i massage",
		"i have a bed sore on my heel",
		"pressure sore on my heel",
		"torn tendon in my foot",
		"ruptured my achilles",
		"i'm on steroids long term, is deep pressure ok",
		"i had a stroke two years ago, can i have a foot massage",
		"heart failure, is foot massage ok",
		"i have a pacemaker, can i use an electric foot massager",
		"my legs have clots in them",
		"i have lupus, is reflexology ok",
		"kidney disease, can i have reflexology",
		"i'm 8 months pregnant",
		"expecting in april, can my husband rub my feet",
		"second trimester, is reflexology ok",
		"i just had a c-section",
		"newly postpartum, feet still swollen",
		"my feet are tingly all the time",
		"i lost sensation in my toes",
		"my feet feel numb and cold",
		"im pregnet can i get a foot rub",
		"preganant and my feet hurt",
		"my mom has diabetis",
		"diabeties type 2, foot massage ok?",
		"he had a thrombosys last year",
		"osteoperosis, can i use a roller",
		"i take warferin",
		"on eliquas for my heart",
		"blod clot in my leg last year",
		"im on bloodthinners",
		"nueropathy in my feet",
		"neuropothy from diabetes",
		"a blistter on my heel",
		"infektion in my toe",
		"fractered my foot last month",
		"had sergery on my ankle",
		"surgey on my foot 2 weeks ago",
		"my sister is preggo",
		"my daughter is expecting twins",
		"grandad is on blood thinners",
		"my husband has diabetic feet",
		"mum had her hip done last month",
		"dad's just had a knee op",
		"my wife is due next month",
		"my girlfriend is pregnant, can i massage her feet",
	} {
		if !s.safety(wordsOf(q)) {
			t.Errorf("%q: no safety notice", q)
		}
	}
	// Idioms that hold a risk's word are not risks.
	for _, q := range []string{
		"work has me wound up, would a foot rub help",
		"our uni runs on trimesters, how often should I rub my feet",
		"the clotted cream at the spa cafe was great, how long should a foot rub last",
		"my phone screen is cracked, can you list the pressure points on the feet",
		"that show had me in stitches, anyway how often should I rub my feet",
		"tree surgeon here, on my feet all day, how often should I massage them",
		"spine tingling film tonight, any foot rub tips",
		"totally broke this month, how do I massage my own feet",
		"my foot roller arrived in blister packs",
		"my phone case is cracked, how long should a foot rub last",
		"my phone is bleeding battery, where are the pressure points",
		"fungus gnats in my plants again, anyway how often should i rub my feet",
		"broke my controller, need a foot rub to calm down",
		"my friend is pregnant with ideas for her startup, how do i massage my feet",
	} {
		if s.safety(wordsOf(q)) {
			t.Errorf("%q: a safety notice", q)
		}
	}
}

func TestAskedClauseIsTheLastOfSeveral(t *testing.T) {
	for q, want := range map[string]string{
		"how long should a foot massage be":                          "",
		"my heart sank at the prices, how do I massage my own feet?": "how do i massage my own feet",
		"I ran hills. Now my heel hurts. I need your help.":          "i need your help",
		"so, ok. how often?":                                         "",
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
	} {
		a, err := ix.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
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
		a, err := ix.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
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
	a, err := ix.Answer(context.Background(), "how often should I massage my feet? and how long should each session be?")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Entries) != 2 || a.Entry != a.Entries[0] {
		t.Fatalf("entries %v, want how-often and how-long", a.Entries)
	}
	got := map[string]bool{a.Entries[0].ID: true, a.Entries[1].ID: true}
	if !got["how-often"] || !got["how-long"] {
		t.Errorf("entries %s and %s, want how-often and how-long", a.Entries[0].ID, a.Entries[1].ID)
	}
}

func TestNegationIsUnderstood(t *testing.T) {
	ix := testIndex(t)
	for _, q := range []string{"when shouldn't I massage my feet", "who should not get a foot massage", "when should I not do a foot massage"} {
		a, err := ix.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Answered() || a.Entry.Kind != KindSafety || !a.Safety {
			t.Errorf("%q: %s %v, want the safety entry with its notice", q, a.Outcome, a.Entry)
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
	} {
		if got := v.correct(strings.Fields(in)); got != want {
			t.Errorf("correct(%q) = %q, want %q", in, got, want)
		}
	}
}
