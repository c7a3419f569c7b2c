package knowledge_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/footbot/footbot/knowledge"
)

func answer(t testing.TB, ix *knowledge.Index, q string) knowledge.Answer {
	t.Helper()
	a, err := ix.Answer(context.Background(), q)
	if err != nil {
		t.Fatalf("Answer(%q): %v", q, err)
	}
	return a
}

func TestAnswerMatchesTheRightEntry(t *testing.T) {
	ix := shippedIndex(t)
	for q, want := range map[string]string{
		"Can foot massage help me sleep?":            "benefit-sleep",
		"How often should I massage my feet?":        "how-often",
		"how do I massage my own feet":               "self-massage-routine",
		"what's the difference between reflexology?": "reflexology-vs-massage",
		// Words the base does not know (chat, text-speak, the person it is for) do not veto a
		// match of the words it knows.
		"how long should a foot massage be, asking for a friend":       "how-long",
		"how ofen shud i do it honestly":                               "how-often",
		"my nana loves foot rubs, how long should I do each foot, tbh": "how-long",
		// A synonym written hyphenated is that synonym, not its halves.
		"could a foot rub at night mean more shut-eye": "benefit-sleep",
	} {
		a := answer(t, ix, q)
		if !a.Answered() || a.Entry.ID != want {
			t.Errorf("%q: outcome %s entry %v, want %s", q, a.Outcome, a.Entry, want)
		}
		if !strings.Contains(a.Text(), a.Disclaimer) || a.Disclaimer == "" {
			t.Errorf("%q: text lacks the disclaimer", q)
		}
	}
}

func TestRiskAlwaysGetsTheSafetyNotice(t *testing.T) {
	ix := shippedIndex(t)
	for _, q := range []string{
		"I have deep vein thrombosis, is foot massage ok?",
		"can a foot rub help with a blood clot",
		"my dad is diabetic, should he get reflexology",
		"foot massage with neuropathy?",
		"I have an open wound on my heel",
		"is my infected toe ok to massage",
		"had foot surgery last month, can I massage it",
		"osteoporosis and foot massage",
		"I'm pregnant, can I get a foot massage?",
		"pregnent and my feet are swollen",
		"does foot massage help sleep? I am pregnant",
	} {
		a := answer(t, ix, q)
		if !a.Safety || !strings.Contains(a.Text(), a.SafetyNotice) {
			t.Errorf("%q: no safety notice (outcome %s)", q, a.Outcome)
		}
	}
	for _, q := range []string{"Can foot massage help me sleep?", "how long should a foot massage last"} {
		if answer(t, ix, q).Safety {
			t.Errorf("%q: safety notice on a question that names no risk", q)
		}
	}
}

// A question about a risk itself, or about something else it bears on, naming neither the feet
// nor massage, is declined with the notice; the same risk asked about with massage, its steps or
// as a follow-up ("is that a problem?", "still ok if pregnant?") is answered with the safety entry among the answers.
func TestAQuestionAboutTheRiskItselfIsTheDoctors(t *testing.T) {
	ix := shippedIndex(t)
	for q, answered := range map[string]bool{
		"what exactly is toe fungus?":                        false,
		"is athlete's foot contagious?":                      false,
		"can I keep running while pregnant?":                 false,
		"had ankle surgery, can I do the toe rotation step?": true,
		"does a blood clot hurt all the time?":               false,
		"can I massage my feet with toe fungus?":             true,
		"does foot massage help a blood clot?":               true,
		"I'm pregnant, is that a problem?":                   true,
		"and what if I have diabetes?":                       true, // a follow-up: about the massage at hand
		"my dad's diabetic, safe?":                           true, // only whether it is all right
		"with a dvt?":                                        true,
		"what is neuropathy?":                                false,
	} {
		a := answer(t, ix, q)
		if a.Answered() != answered || !a.Safety {
			t.Errorf("%q: %s, notice %v; want answered %v, with the notice", q, a.Outcome, a.Safety, answered)
		}
		if answered && !slices.ContainsFunc(a.Entries, func(e *knowledge.Entry) bool { return e.Kind == knowledge.KindSafety }) {
			t.Errorf("%q: answered with %v, want the safety entry among them", q, a.Entries)
		}
	}
}

func TestEmergencyAdviceComesFirst(t *testing.T) {
	ix := shippedIndex(t)
	for _, q := range []string{"I have chest pain after a foot massage", "my calf is suddenly swollen and I can't breathe well",
		"my calf is swollen and painful after a long flight, should I massage it?", "I have chest pain"} {
		a := answer(t, ix, q)
		if !a.Emergency || !strings.HasPrefix(a.Text(), "🚨 "+a.EmergencyNotice) {
			t.Errorf("%q: emergency advice missing or not first:\n%s", q, a.Text())
		}
		if !a.Answered() && len(a.Suggestions) > 0 {
			t.Errorf("%q: an emergency with massage topics suggested: %v", q, a.Suggestions)
		}
	}
}

func TestGreetingsAndNoiseGetHelpNotAnEntry(t *testing.T) {
	ix := shippedIndex(t)
	for _, q := range []string{"hi", "hello!", "???", "", "   ", "👋", "thanks", "<@123456789012345678>", "hey bot"} {
		a := answer(t, ix, q)
		if a.Outcome != knowledge.Greeting || a.Entry != nil {
			t.Errorf("%q: outcome %s entry %v, want the help text", q, a.Outcome, a.Entry)
		}
	}
}

func TestQuestionSyntaxIsJustWords(t *testing.T) {
	ix := shippedIndex(t)
	for q, words := range map[string]string{
		`+foo -bar field:x /.*/`:  `foo bar field x`,
		`title:sleep AND "`:       `title sleep AND`,
		`answer:* OR *:*`:         `answer OR`,
		`\\ ~ ( ) [ ] { } sleep?`: `sleep`,
	} {
		a, b := answer(t, ix, q), answer(t, ix, words)
		if a.Outcome != b.Outcome || a.Entry != b.Entry || a.Score != b.Score {
			t.Errorf("%q got %s %v %.3f, but its words %q got %s %v %.3f: the syntax changed the search",
				q, a.Outcome, a.Entry, a.Score, words, b.Outcome, b.Entry, b.Score)
		}
	}
}

func TestAnyInputIsSafe(t *testing.T) {
	ix := shippedIndex(t)
	long := strings.Repeat("foot massage sleep ", 600) // over 10,000 characters
	for _, q := range []string{
		long,
		"sleep\x00\x01\x1b[31m\u202e\ufeff?",
		"@everyone @here <@&987654321098765432> can foot massage help sleep <#123> <:foot:42>",
		"🦶🦶🦶 massage 💆‍♀️",
		string([]byte{0xff, 0xfe, 's', 'l', 'e', 'e', 'p'}),
	} {
		a := answer(t, ix, q)
		if utf8.RuneCountInString(a.Question) > knowledge.MaxQuestion || !utf8.ValidString(a.Question) {
			t.Errorf("question not cleaned: %q", a.Question)
		}
		if strings.Contains(a.Question, "@everyone") || strings.Contains(a.Question, "<@") {
			t.Errorf("mentions not stripped: %q", a.Question)
		}
	}
}

func TestSuggestCompletesPartlyTypedTopics(t *testing.T) {
	ix := shippedIndex(t)
	got, err := ix.Suggest(context.Background(), "pressure poi", 25)
	if err != nil || len(got) == 0 || got[0].ID != "pressure-points" {
		t.Fatalf("Suggest = %v, %v; want pressure-points first", got, err)
	}
	all, _ := ix.Suggest(context.Background(), "", 25)
	if len(all) != min(25, len(ix.Base().Entries)) {
		t.Errorf("empty Suggest gave %d entries", len(all))
	}
}

func FuzzAnswer(f *testing.F) {
	for _, seed := range []string{"", "hi", "Can foot massage help me sleep?", "+foo -bar field:x /.*/",
		"<@123> diabetes?", "\x00\xff", strings.Repeat("a", 2000), "pregnan* chest pain", "😴"} {
		f.Add(seed)
	}
	ix := shippedIndex(f)
	f.Fuzz(func(t *testing.T, q string) {
		a := answer(t, ix, q)
		if a.Answered() && a.Entry == nil {
			t.Fatal("answered without an entry")
		}
		if !strings.Contains(a.Text(), a.Disclaimer) {
			t.Fatal("reply without the disclaimer")
		}
	})
}

func TestOneWordThatSeveralEntriesShareGetsSuggestionsNotAGuess(t *testing.T) {
	ix := shippedIndex(t)
	for _, q := range []string{"toes", "heel"} {
		a := answer(t, ix, q)
		if a.Answered() || len(a.Suggestions) < 2 {
			t.Errorf("%q: outcome %s with %d suggestions, want suggestions instead of a guess", q, a.Outcome, len(a.Suggestions))
		}
	}
	if a := answer(t, ix, "sleep"); !a.Answered() || a.Entry.ID != "benefit-sleep" {
		t.Errorf(`"sleep" = %s %v, want the sleep entry: one entry is clearly about it`, a.Outcome, a.Entry)
	}
}

func TestAQuestionThatNamesOnlyTheSubjectGetsTheOverview(t *testing.T) {
	ix := shippedIndex(t)
	for _, q := range []string{"what is a foot massage?", "foot massage?", "tell me about foot rubs"} {
		if a := answer(t, ix, q); !a.Answered() || a.Entry.Kind != knowledge.KindOverview || a.Rule != "subject-only" {
			t.Errorf("%q: %s %v by %s, want the overview", q, a.Outcome, a.Entry, a.Rule)
		}
	}
	// Asked how it is done, the subject alone is the routine's question.
	for _, q := range []string{"how to do a foot massage", "how do you massage feet?"} {
		if a := answer(t, ix, q); !a.Answered() || a.Entry.Kind != knowledge.KindRoutine {
			t.Errorf("%q: %s %v by %s, want the routine", q, a.Outcome, a.Entry, a.Rule)
		}
	}
	// Half the subject is not the subject: a greeting to the server's "foot friends" is one.
	for _, q := range []string{"feet", "good morning foot friends ☀️"} {
		if a := answer(t, ix, q); a.Outcome != knowledge.Greeting {
			t.Errorf("%q: %s %v by %s, want the help text", q, a.Outcome, a.Entry, a.Rule)
		}
	}
	// A question about the bot is not about the subject, though "can" and "help" are in most entries.
	if a := answer(t, ix, "can you help"); a.Outcome != knowledge.Greeting {
		t.Errorf(`"can you help": %s, want the help text`, a.Outcome)
	}
}

func TestQuestionsAboutTheBotItselfGetTheHelpText(t *testing.T) {
	ix := shippedIndex(t)
	for _, q := range []string{"hi there, can you help me?", "what can you do", "can you help"} {
		if a := answer(t, ix, q); a.Outcome != knowledge.Greeting {
			t.Errorf("%q: outcome %s, want the help text", q, a.Outcome)
		}
	}
}

// TestAMassagerIsADevice: the stemmer makes "massag" of "massager", so without care a question
// about a foot massager matched every entry about massage.
func TestAMassagerIsADevice(t *testing.T) {
	ix := shippedIndex(t)
	for _, q := range []string{"do foot massagers really work?", "are electric foot massagers worth it"} {
		if a := answer(t, ix, q); !a.Answered() || a.Entry.ID != "massage-tools" {
			t.Errorf("%q: %s %v, want the tools entry", q, a.Outcome, a.Entry)
		}
	}
}

// TestPlainQuestionsInAndOutOfScope: questions written for this test, not taken from any
// evaluation set, in the manner of FAQ headings and chat: those the article answers get their
// entry, those close to the subject that it does not answer are declined.
func TestPlainQuestionsInAndOutOfScope(t *testing.T) {
	ix := shippedIndex(t)
	for _, c := range []struct{ q, entry string }{
		{"What are the health benefits of a foot massage?", "overview"},
		{"Can rubbing your feet help you sleep better?", "benefit-sleep"},
		{"How long should a foot massage last?", "how-long"},
		{"How often should you massage your feet?", "how-often"},
		{"Is it OK to massage your feet every day?", "every-day"},
		{"What oil is best for a foot massage?", "self-massage-routine"},
		{"What is the difference between reflexology and foot massage?", "reflexology-vs-massage"},
		{"Where are the pressure points on the feet?", "pressure-points"},
		{"Does foot massage lower blood pressure?", "benefit-blood-pressure"},
		{"Can a foot massage relieve headaches?", "benefit-headache"},
		{"Does foot massage improve circulation?", "benefit-circulation"},
		{"Who should not get a foot massage?", "who-should-avoid"},
		{"Is foot massage safe during pregnancy?", "who-should-avoid"},
		{"Can foot massage help with anxiety?", "benefit-stress-anxiety"},
		{"Does massaging your feet boost your immune system?", "benefit-immunity"},
		{"What happens to your body when you get a foot massage?", "what-happens"},
		{"How does foot massage affect the brain?", "brain-effects"},
		{"Is there scientific evidence that foot massage works?", "evidence"},
		{"Are foot rollers worth it?", "massage-tools"},
		{"Do electric foot massagers work?", "massage-tools"},
		{"How do I give myself a foot massage?", "self-massage-routine"},
		{"Can foot massage help with PMS cramps?", "benefit-pms-menopause"},
		{"Does foot massage help with menopause symptoms?", "benefit-pms-menopause"},
		{"Can foot massage improve your mood?", "benefit-mood-focus"},
		{"Does foot massage help plantar fasciitis?", "benefit-foot-problems"},
		{"Can foot massage reduce foot pain?", "benefit-pain"},
		{"Is foot massage just relaxing or does it do more?", "myth-vs-fact"},
		{"Can foot massage replace medical treatment?", "medical-advice"},
		{"What is the solar plexus point on the foot?", "pressure-points"},
		{"Should I massage my feet before bed?", "benefit-sleep"},
		{"how hard should i press when rubbing my feet", "self-massage-routine"},
		{"whats the best time of day to do a foot massage", "how-often"},
		{"do i need oil or can i do it dry", "self-massage-routine"},
		{"is 5 minutes enough", "how-long"},
		{"can a foot rub help my restless mind at night", "benefit-sleep"},
		{"my feet ache after work, will rubbing them help", "benefit-pain"},
		{"which toe is linked to the head", "pressure-points"},
		{"is it bad to massage my feet too much", "every-day"},
		{"can i use a tennis ball under my foot", "massage-tools"},
	} {
		if a := answer(t, ix, c.q); !a.Answered() || a.Entry.ID != c.entry {
			t.Errorf("%q: %s %v by %s, want %s", c.q, a.Outcome, a.Entry, a.Rule, c.entry)
		}
	}
	for _, q := range []string{
		"How do I stop my toenails from turning yellow?",
		"Why do my feet swell when I fly?",
		"Is walking barefoot on grass good for you?",
		"What are the signs of a stress fracture in the foot?",
		"How can I make my feet smell better?",
		"What is a podiatrist and when should I see one?",
		"Can flat feet be corrected in adults?",
		"What causes numbness in toes after running?",
		"How do I choose running shoes for high arches?",
		"What does a chiropodist do?",
		"Is it safe to soak feet in vinegar?",
		"How long does a pedicure take?",
		"Can you get a massage with a sunburn?",
		"What is lymphatic drainage massage?",
		"How much should I tip for a 60 minute massage?",
		"Is it okay to eat after a massage?",
		"What should I expect during my first massage appointment?",
		"How often should you get a sports massage?",
		"Why do I feel emotional after a massage?",
		"Is deep tissue massage painful?",
		"What is myofascial release?",
		"Are foot spas sanitary?",
		"What is the difference between a massage therapist and a physiotherapist?",
		"Can a massage therapist diagnose problems?",
		"Do I need a referral for reflexology?",
		"How long does it take to learn reflexology?",
		"What qualifications do reflexologists need?",
		"Is reflexology covered by the NHS?",
		"What is the history of foot binding?",
		"How do you know if you have gout?",
		"How can you tell if you have a bunion?",
		"How do I do hand reflexology on myself?",
		"Do you sterilise the tools between clients?",
		"What should I bring to my first appointment?",
		"Is a heel spur the same thing as plantar fasciitis?",
		"Do compression socks help swollen ankles?",
		"Why are my feet different sizes?",
		"What is the arch of the foot made of?",
		"How do I treat a bruised heel?",
		"Can I use essential oils on my skin undiluted?",
		"Which essential oil is best for sleep?",
		"Is Epsom salt good for sore feet?",
		"How do I get rid of foot calluses safely?",
		"What is a bone spur in the heel?",
		"Why do my toes curl up at night?",
		"How do I massage my lower back myself?",
		"What's the best way to massage a stiff neck?",
		"Is it normal to bruise after cupping?",
		"How do compression socks work?",
		"Should I ice or heat a sore ankle?",
		"What is Morton's neuroma?",
		"How do I know if my shoes fit properly?",
		"Why do babies like having their feet touched?",
		"What is hot stone therapy good for?",
		"What foods improve circulation?",
		"Does drinking water help with muscle cramps?",
		"What vitamins help with foot cramps?",
		"yo anyone know a good insole brand for standing all day",
		"how do i fix my ingrown toenail at home lol",
		"whats the best moisturizer for my face",
		"my back is killing me, best stretches?",
		"what shoes are good for bunions",
		"anyone tried those foot peel masks",
		"how do i get my toddler to sleep through the night",
		"how much do reflexologists charge usually",
		"is it worth getting a massage chair for the living room",
		"whats a good stretch for tight hamstrings",
		"how to get rid of foot odor fast",
		"where can i buy a good foot roller",
		"what's the best pedicure kit",
		"my knees hurt when i run, what should i do",
		"do you guys know any good spa in london",
		"is acupuncture legit",
		"should i see a podiatrist for heel pain",
		"whats the fastest way to heal a blister",
		"how do i massage my girlfriend's back properly",
		"is yoga good for anxiety",
		"what's better, foam roller or massage gun for legs",
		"is the renpho shiatsu foot massager worth it", // a named product
		"how to give a good back rub",
		"best cream for cracked heels",
		"is this bot open source",
		"is hand reflexology as good as doing the feet",
		"how much coffee is too much if i get anxiety",
		"my cat keeps biting my toes, why",
		"how long do running shoes last",
		"what are compression socks for",
		"best way to warm up cold hands",
		"how do i crack my toes",
		"which pressure points on the hands help nausea",
		"rate my toes out of ten lol",
		"my 6 month old has dry skin on her feet, what lotion",
		"best foot massager of 2025?",
		"how do i loosen a tight jaw",
	} {
		if a := answer(t, ix, q); a.Answered() {
			t.Errorf("%q: answered with %s by %s, want it declined", q, a.Entry.ID, a.Rule)
		}
	}
	// The same in the manner of a chat, where "it" is a foot massage.
	for _, q := range []string{
		"yo does rubbing ur feet actually help u chill",
		"how many mins should i do each foot",
		"is doing it every night too much",
		"whats the point where u press for stress",
		"do i need a fancy roller or is a ball fine",
		"is reflexology the same thing as a normal foot rub",
		"any science behind this foot massage stuff",
		"can it help my headaches",
		"what does it do to your brain",
		"my mom has PMS cramps, would rubbing her feet help",
		"does it help blood pressure at all",
		"is it ok to use coconut oil",
		"how hard should i push with my thumbs",
		"what's the first step of the routine",
		"how often for real results",
		"whats the deal with the solar plexus",
		"does it boost ur immune system",
		"will it help my aching feet after work",
		"can it replace my meds lol",
		"who shouldnt do foot massage",
		"can foot rubs help with focus while studying",
		"what happens in ur body during a foot rub",
		"is foot massage only good for the feet",
		"do electric foot massagers actually work",
		"does a massage gun on the sole help plantar fasciitis", // a foot tool, on the foot
		"once a week enough?",
		"should i do it before bed",
		"is it bad if it hurts a bit",
		"does foot massage help circulation in my legs",
		"how long until i notice a difference",
	} {
		if a := answer(t, ix, q); !a.Answered() {
			t.Errorf("%q: %s by %s, want it answered", q, a.Outcome, a.Rule)
		}
	}
}

// TestQuestionsInOtherLanguagesFindTheirEntry: the main words in other languages are synonyms,
// and those languages' stop words are filler, so a plain question in one of them is answered (in
// English) rather than declined for its unknown words.
func TestQuestionsInOtherLanguagesFindTheirEntry(t *testing.T) {
	ix := shippedIndex(t)
	for q, want := range map[string]string{
		"¿qué es la reflexología?":                              "reflexology-vs-massage",
		"wie oft sollte man die Füße massieren":                 "how-often",
		"quels sont les bienfaits du massage des pieds?":        "overview",
		"massaggio ai piedi durante la gravidanza?":             "who-should-avoid",
		"¿puedo recibir un masaje de pies durante el embarazo?": "who-should-avoid",
		// "plantaire" is of the foot; German and Dutch compounds are split; the words the base
		// does not know do not veto those it does.
		"qu'est-ce que la réflexologie plantaire ?":    "reflexology-vs-massage",
		"was bringt eine Fußmassage vor dem Schlafen?": "benefit-sleep",
		"pourquoi se faire masser les pieds ?":         "overview",
		"como fazer uma boa massagem nos pés?":         "self-massage-routine",
		"wie funktioniert eine Fußmassage?":            "what-happens",
	} {
		a := answer(t, ix, q)
		if a.Entry == nil || a.Entry.ID != want {
			t.Errorf("%q: %s %v by %s, want %s", q, a.Outcome, a.Entry, a.Rule, want)
		}
		if !a.OtherLanguage || !strings.HasPrefix(a.Text(), knowledge.EnglishOnlyText) {
			t.Errorf("%q: the reply does not open by saying it is in English:\n%s", q, a.Text())
		}
	}
}
