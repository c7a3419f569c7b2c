package knowledge_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/footbot/footbot/knowledge"
)

// FuzzLoad feeds arbitrary bytes to the loader as a moderator's file: it must never panic, and
// every problem it reports must name the file and a line.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"entries:\n  - id: a\n    kind: faq\n    title: T\n    questions: [q]\n    answer: x\n",
		"disclaimer: hi\n", "entries: 3\n", "entries:\n  - [1, 2]\n", "synonyms: [[a]]\n", "safety: {text: x}\n",
		"\t- bad: indent", "a: &x [*x]\n", "---\n---\n", "entries:\n  - id: x\n    steps: [{title: 1}]\n", "\xff\xfe",
		"groups: {leg: [leg, calf]}\nsafety: {text: x, triggers: ['{leg} + hot', '{nope}', '{leg', 'a}']}\n",
		"groups: [a, b]\n", "groups: {Bad: [], ok: [x*, '{y}']}\nemergency: {text: x, triggers: ['{ok} z']}\n",
		"leanings:\n  questions: {a: 2}\n  terms:\n    a: >-\n      bed:1\n      rub:x\n    b: Bed:1\n", "leanings: {terms: {a: [1]}}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content string) {
		fsys := fstest.MapFS{"moderator.yaml": {Data: []byte(content)}}
		_, err := knowledge.Load(fsys, "kb")
		var invalid *knowledge.ValidationError
		if err == nil {
			return
		}
		if !errors.As(err, &invalid) {
			t.Fatalf("error %v is not a *ValidationError", err)
		}
		for _, p := range invalid.Problems {
			if p.File == "" || p.Line < 1 {
				t.Errorf("problem without file and line: %q", p.String())
			}
		}
	})
}
