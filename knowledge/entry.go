package knowledge

// Kinds of entry a knowledge base may hold. The kind groups entries in listings (for example
// /benefits lists every benefit) and tells a moderator what an entry is for.
const (
	KindOverview = "overview"
	KindScience  = "science"
	KindBenefit  = "benefit"
	KindRoutine  = "routine"
	KindGuidance = "guidance"
	KindFAQ      = "faq"
	KindSafety   = "safety"
)

// Kinds lists every valid entry kind.
var Kinds = []string{KindOverview, KindScience, KindBenefit, KindRoutine, KindGuidance, KindFAQ, KindSafety}

// Limits on entry texts. Titles become Discord autocomplete choices (at most 100 characters);
// answers must fit an embed with room to spare for the notices around them.
const (
	MaxTitle  = 100
	MaxAnswer = 1500
)

// Entry is one topic of the knowledge base: what people ask and what the bot answers.
type Entry struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Title     string   `json:"title"`
	Questions []string `json:"questions,omitempty"`
	Keywords  []string `json:"keywords,omitempty"`
	Answer    string   `json:"answer"`
	Related   []string `json:"related,omitempty"`
	// Steps and Tips are set for the routine entry only.
	Steps []Step   `json:"steps,omitempty"`
	Tips  []string `json:"tips,omitempty"`

	// File and Line say where the entry is defined, for messages to moderators.
	File string `json:"-"`
	Line int    `json:"-"`
}

// Step is one step of the self-massage routine.
type Step struct {
	Title string `json:"title" yaml:"title"`
	Text  string `json:"text" yaml:"text"`
}

// Notice is a text shown with an answer when one of its triggers appears in the question.
// A trigger is a lowercase word or phrase; a trailing '*' matches any word that starts with it.
type Notice struct {
	Text     string   `yaml:"text"`
	Triggers []string `yaml:"triggers"`
	// Not lists phrases that are not signs of it although they hold a trigger's words ("feeling
	// blue", "expecting a package"): their words are taken out of the question before the
	// triggers are read, so the rest of the question still counts.
	Not []string `yaml:"not"`
	// Aside lists phrases that put a sign in a pet ("my dog has"), a story, a game or a machine,
	// and Past those that put it in the past ("healed years ago"). A trigger with one of them
	// near it, in the same part of the sentence, is not a sign (see noticeSignals.in), unless
	// it is Lasting and only the past is near: "a clot two years ago" still counts.
	Aside   []string `yaml:"aside"`
	Past    []string `yaml:"past"`
	Lasting []string `yaml:"lasting"`
	// Recovered lists phrases that say a past sign is over for good ("fully recovered", "signed
	// off"): near a trigger they undo it as the past does, the lasting ones too.
	Recovered []string `yaml:"recovered"`
}

// OffTopic is a kind of question the knowledge base does not answer ("other body parts",
// "prices"), with the triggers that recognise it. Unless lists triggers that cancel it: a
// question about the neck is off topic, but not one about the spot on the foot for the neck.
type OffTopic struct {
	Topic    string   `yaml:"topic"`
	Triggers []string `yaml:"triggers"`
	Unless   []string `yaml:"unless"`
	// BeforeRisks: the topic is declined even in a question that names a risk and the feet and
	// asks whether something is all right ("when can I drive after foot surgery?"). Other topics
	// give way to the safety entry there ("pregnant, can I get a foot massage at the nail salon?").
	BeforeRisks bool `yaml:"before_risks"`
}

// Base is a loaded, validated knowledge base. It is never modified after loading, so it is safe
// to share between goroutines.
type Base struct {
	Entries    []*Entry // in file order
	Disclaimer string
	Safety     Notice
	Emergency  Notice
	// Cues are the words that tell an emergency the triggers did not foresee (see Cues).
	Cues Cues
	// Leanings are which entry people mean by the words they ask with (see Leanings).
	Leanings Leanings
	// OutOfScope are topics close to foot massage that the base does not cover: a question
	// about one is declined, however many of its words the entries share.
	OutOfScope []OffTopic
	// Synonyms are word groups; a question that uses any word of a group also matches entries
	// that use the group's first word.
	Synonyms [][]string
	// Groups are named lists of words or phrases: {name} in a trigger stands for any of them
	// (see expandGroups), so "{leg} + {swollen}" covers "calf + puffy" and "thigh + swelled".
	Groups map[string][]string
	// Domain are the words that name the subject itself ("foot", "massage", "reflexology"): a
	// question with one of them is about the subject, however few other words it shares with
	// the entries. With none, the overview's title names it.
	Domain []string
	// Version identifies the content: two bases loaded from the same files have the same version.
	Version string

	// Warnings are edits that look accidental (an answer that ends mid-sentence): the base is
	// valid and in service, but a moderator should look. See Load.
	Warnings []Problem

	byID map[string]*Entry
	// settingsIn names the file that defines each setting ("disclaimer", "safety",
	// "emergency", "synonyms", "domain", "out_of_scope"), for change summaries.
	settingsIn map[string]string
}

// Entry returns the entry with the given id, or nil.
func (b *Base) Entry(id string) *Entry { return b.byID[id] }

// OfKind returns the entries of one kind, in file order.
func (b *Base) OfKind(kind string) []*Entry {
	var out []*Entry
	for _, e := range b.Entries {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// Routine returns the self-massage routine entry (the first entry of kind routine).
func (b *Base) Routine() *Entry {
	if r := b.OfKind(KindRoutine); len(r) > 0 {
		return r[0]
	}
	return nil
}
