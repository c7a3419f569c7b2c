package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/footbot/footbot/knowledge"
)

// teach is TeachFiles on the files of dir.
func teach(t *testing.T, dir, id, question string) (knowledge.Taught, error) {
	t.Helper()
	files, err := knowledge.ReadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	return knowledge.TeachFiles(files, dir, id, question)
}

func TestTeachAddsOneLineAndTheQuestionIsAnswered(t *testing.T) {
	dir := copyShipped(t)
	before, _ := os.ReadFile(filepath.Join(dir, "guidance.yaml"))
	q := `my nan asks: how often is "too often"? #curious`
	taught, err := teach(t, dir, "how-often", q)
	if err != nil {
		t.Fatal(err)
	}
	after := taught.Files["guidance.yaml"]
	if taught.File != filepath.Join(dir, "guidance.yaml") {
		t.Errorf("taught in %s, want guidance.yaml", taught.File)
	}
	oldLines, newLines := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	if len(newLines) != len(oldLines)+1 {
		t.Fatalf("%d lines became %d, want one more", len(oldLines), len(newLines))
	}
	added := newLines[taught.Line-1]
	rest := append(append([]string{}, newLines[:taught.Line-1]...), newLines[taught.Line:]...)
	if strings.Join(rest, "\n") != string(before) {
		t.Error("teaching changed lines other than the one it added")
	}
	if !strings.HasPrefix(added, "      - ") || !strings.Contains(added, "too often") {
		t.Errorf("added line %d %q", taught.Line, added)
	}
	base, err := knowledge.LoadFiles(taught.Files, dir)
	if err != nil {
		t.Fatal(err)
	}
	if taught.Base.Version != base.Version {
		t.Errorf("Taught.Base is version %s, its files load as %s", taught.Base.Version, base.Version)
	}
	if qs := base.Entry("how-often").Questions; qs[len(qs)-1] != q {
		t.Errorf("last question loads as %q, want %q", qs[len(qs)-1], q)
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if a := answer(t, ix, q); !a.Answered() || a.Entry.ID != "how-often" {
		t.Errorf("after teaching, %q gets %s %v", q, a.Outcome, a.Entry)
	}
}

func TestTeachAnInlineQuestionsList(t *testing.T) {
	dir := copyShipped(t)
	extra := "entries:\n  - id: inline\n    kind: faq\n    title: Inline\n    questions: [first one, second one]  # keep me\n    answer: Yes.\n"
	if err := os.WriteFile(filepath.Join(dir, "inline.yaml"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	taught, err := teach(t, dir, "inline", "third one")
	if err != nil {
		t.Fatal(err)
	}
	got := taught.Files[filepath.Base(taught.File)]
	if want := strings.Replace(extra, "second one]", "second one, third one]", 1); string(got) != want {
		t.Errorf("inline list became:\n%s", got)
	}
}

func TestTeachRefusesWithoutChangingAnything(t *testing.T) {
	dir := copyShipped(t)
	files, err := knowledge.ReadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	before := string(files["faq.yaml"])
	if _, err := knowledge.TeachFiles(files, dir, "no-such-entry", "hello there"); err == nil || !strings.Contains(err.Error(), "no entry") {
		t.Errorf("unknown entry: %v", err)
	}
	if _, err := knowledge.TeachFiles(files, dir, "how-long", "how long should I massage my feet for?"); !errors.Is(err, knowledge.ErrAlreadyTaught) {
		t.Errorf("a phrasing it already has: %v", err)
	}
	if _, err := knowledge.TeachFiles(files, dir, "how-long", "   "); err == nil {
		t.Error("an empty question was taught")
	}
	if string(files["faq.yaml"]) != before {
		t.Error("a refused teach changed faq.yaml")
	}
	files["broken.yaml"] = []byte("entries:\n  - id: x\n    titel: typo\n")
	var invalid *knowledge.ValidationError
	if _, err := knowledge.TeachFiles(files, dir, "how-long", "a new question"); !errors.As(err, &invalid) {
		t.Errorf("a broken folder: %v, want its problems", err)
	}
	if _, err := knowledge.TeachFiles(files, dir, "how-often", "yet another new question"); err == nil || string(files["faq.yaml"]) != before || len(files) != 1+len(mustShipped(t)) {
		t.Errorf("a teach on broken files: %v; the files it was given changed", err)
	}
}

func mustShipped(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := knowledge.ShippedFiles()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestVersionOfIsTheVersionTheFilesLoadAs(t *testing.T) {
	files, err := knowledge.ShippedFiles()
	if err != nil {
		t.Fatal(err)
	}
	base, err := knowledge.LoadFiles(files, "kb")
	if err != nil {
		t.Fatal(err)
	}
	if got := knowledge.VersionOf(files); got != base.Version {
		t.Errorf("VersionOf = %s, Load says %s", got, base.Version)
	}
	files["notes.txt"] = []byte("not knowledge")
	if got := knowledge.VersionOf(files); got != base.Version {
		t.Errorf("a file that is not knowledge changed the version: %s", got)
	}
}
