package knowledge

import (
	"strings"
	"testing"
	"testing/fstest"
)

func loadText(t *testing.T, files map[string]string) *Base {
	t.Helper()
	fsys := fstest.MapFS{}
	notices, err := shipped.ReadFile("kb/notices.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys["notices.yaml"] = &fstest.MapFile{Data: notices}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	b, err := Load(fsys, "kb")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const routineYAML = `entries:
  - id: routine
    kind: routine
    title: Routine
    questions: [how do I, how to, steps please, what order]
    answer: Do it like this.
    steps:
      - {title: One, text: First.}
      - {title: Two, text: Second.}
      - {title: Three, text: Third.}
      - {title: Four, text: Fourth.}
  - id: often
    kind: guidance
    title: How often
    questions: [how often]
    answer: Twice a week.
  - id: long
    kind: faq
    title: How long
    questions: [how long]
    answer: Ten minutes.
`

func TestDiffNamesFilesEntriesAndWhatChanged(t *testing.T) {
	old := loadText(t, map[string]string{"routine.yaml": routineYAML})
	edited := strings.NewReplacer(
		"      - {title: Three, text: Third.}\n      - {title: Four, text: Fourth.}\n", "",
		"    answer: Do it like this.", "    answer: Do it like th",
		"[how do I, how to, steps please, what order]", "[how do I, how to, in what order, step by step]",
		"  - id: long\n    kind: faq\n    title: How long\n    questions: [how long]\n    answer: Ten minutes.\n", "",
		"  - id: often\n", "  - id: daily\n    kind: faq\n    title: Daily\n    questions: [every day]\n    answer: Yes.\n  - id: often\n",
	).Replace(routineYAML)
	b := loadText(t, map[string]string{"routine.yaml": edited, "more.yaml": "synonyms:\n  - [foot, feet]\n"})
	c := b.Diff(old)
	text := c.Text()
	for _, want := range []string{
		"kb/routine.yaml\n  changed routine: answer, questions +2/−2, steps 4 → 2\n  added daily\n  removed long",
		"kb/more.yaml\n  synonym groups +1/−0",
		"kb/routine.yaml:2: warning: routine lost most of its steps (4 → 2)",
		"warning: routine: the answer ends mid-sentence",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if len(c.Added) != 1 || len(c.Changed) != 1 || len(c.Removed) != 1 {
		t.Errorf("added %v, changed %v, removed %v", c.Added, c.Changed, c.Removed)
	}
	if again := b.Diff(b); !again.Empty() || again.Text() != "Nothing changed." || len(again.Warnings) != 0 {
		t.Errorf("a base compared with itself: %+v", again)
	}
}

func TestAFileThatLostMostOfItsEntriesWarns(t *testing.T) {
	old := loadText(t, map[string]string{"routine.yaml": routineYAML, "faq.yaml": "entries:\n  - {id: a, kind: faq, title: A, questions: [a], answer: A.}\n  - {id: b, kind: faq, title: B, questions: [b], answer: B.}\n  - {id: c, kind: faq, title: C, questions: [c], answer: C.}\n"})
	b := loadText(t, map[string]string{"routine.yaml": routineYAML, "faq.yaml": "entries:\n  - {id: a, kind: faq, title: A, questions: [a], answer: A.}\n"})
	if text := b.Diff(old).Text(); !strings.Contains(text, "kb/faq.yaml:1: warning: the file lost most of its entries (3 → 1)") {
		t.Errorf("no warning about faq.yaml:\n%s", text)
	}
}

func TestTheShippedKnowledgeHasNoWarnings(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range b.Warnings {
		t.Error(w)
	}
}

// editedFile loads the shipped files, and again with old replaced by new in the file name.
func editedFile(t *testing.T, name, old, new string) (before, after *Base) {
	t.Helper()
	files, err := ShippedFiles()
	if err != nil {
		t.Fatal(err)
	}
	if before, err = LoadFiles(files, "kb"); err != nil {
		t.Fatal(err)
	}
	text := string(files[name])
	if !strings.Contains(text, old) {
		t.Fatalf("%s has no %q to edit", name, old)
	}
	files[name] = []byte(strings.Replace(text, old, new, 1))
	if after, err = LoadFiles(files, "kb"); err != nil {
		t.Fatal(err)
	}
	return before, after
}

func TestAnEditOfANotListIsAChange(t *testing.T) {
	before, after := editedFile(t, "notices.yaml", "    - feeling blue\n", "    - feeling blue\n    - feeling kinda blue\n")
	c := after.Diff(before)
	if c.Empty() || !strings.Contains(c.Text(), "emergency not-phrases +1/−0") {
		t.Errorf("a new not: phrase: %q", c.Text())
	}
}

func TestAWordAddedToAGroupIsAChange(t *testing.T) {
	before, after := editedFile(t, "notices.yaml", "  leg: [leg, legs,", "  leg: [leg, legs, hamstring,")
	if c := after.Diff(before); !strings.Contains(c.Text(), "word groups +1/−1") {
		t.Errorf("a word added to a group: %q", c.Text())
	}
	ix := indexOf(t, after)
	if !ix.signals.emergency(wordsOf("my hamstring is swollen and hot")) {
		t.Error("the new group word does not count in the rules that name the group")
	}
}

// TestARepeatedPhraseIsAWarning: a trigger or group phrase written twice in one list changes no
// answer, but it is a paste gone twice; the moderator hears of it, at its line, and the base
// stays in service.
func TestARepeatedPhraseIsAWarning(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{"    - pacemaker\n", "    - pacemaker\n    - pacemaker\n", `safety trigger`},
		{"  chest: [chest, sternum,", "  chest: [chest, sternum, chest,", `group "chest" phrase 3 ("chest") repeats phrase 1`},
	} {
		_, after := editedFile(t, "notices.yaml", tc.old, tc.new)
		var found []string
		for _, w := range after.Warnings {
			if strings.Contains(w.String(), "repeats") {
				found = append(found, w.String())
			}
		}
		if len(found) != 1 || !strings.Contains(found[0], tc.want) || !strings.Contains(found[0], "notices.yaml:") {
			t.Errorf("%q written twice: warnings %q, want one naming notices.yaml and %s", strings.TrimSpace(tc.old), found, tc.want)
		}
	}
}
