package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/footbot/footbot/knowledge"
)

func TestShippedKnowledgeIsComplete(t *testing.T) {
	base, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(base.OfKind(knowledge.KindBenefit)); n != 10 {
		t.Errorf("%d benefits, want the article's 10", n)
	}
	r := base.Routine()
	if r == nil || len(r.Steps) != 5 {
		t.Fatalf("routine = %+v, want 5 steps", r)
	}
	if !strings.Contains(strings.ToLower(base.Disclaimer), "not medical advice") {
		t.Errorf("disclaimer %q does not say it is not medical advice", base.Disclaimer)
	}
	for _, id := range []string{"who-should-avoid", "how-often", "brain-effects", "reflexology-vs-massage", "pressure-points"} {
		if base.Entry(id) == nil {
			t.Errorf("no entry %q", id)
		}
	}
}

func TestLoadReportsEveryProblemWithFileAndLine(t *testing.T) {
	_, err := knowledge.LoadDir("testdata/broken")
	var invalid *knowledge.ValidationError
	if !errors.As(err, &invalid) {
		t.Fatalf("LoadDir = %v, want a *ValidationError", err)
	}
	dir := filepath.Join("testdata", "broken")
	want := []string{
		filepath.Join(dir, "domain.yaml") + `:2: domain word 2 is empty`,
		filepath.Join(dir, "domain2.yaml") + `:2: domain is defined twice`,
		filepath.Join(dir, "groups.yaml") + `:4: group name "Bad_Name": use lowercase`,
		filepath.Join(dir, "groups.yaml") + `:5: group "empty" has no words`,
		filepath.Join(dir, "groups.yaml") + `:6: group "nested" phrase 1 ("calf + hot"): a group holds plain words`,
		filepath.Join(dir, "groups.yaml") + `:6: group "nested" phrase 2 ("{leg}"): a group holds plain words`,
		filepath.Join(dir, "groups.yaml") + `:8: group "readings" phrase 2 (2.0) is read as the number 2: write it in quotes ("2.0")`,
		filepath.Join(dir, "groups.yaml") + `:12: trigger "{lgs} + hot" names the group {lgs}, which groups: does not define`,
		filepath.Join(dir, "groups.yaml") + `:13: trigger "{swol} calf": group {swol} has phrases ending in *`,
		filepath.Join(dir, "groups.yaml") + `:14: out_of_scope groups misused trigger 3 ("{leg + hot") has a { or } that does not pair up`,
		filepath.Join(dir, "entries.yaml") + `:2: good-entry: related id "no-such-entry" does not exist`,
		filepath.Join(dir, "entries.yaml") + `:8: duplicate id "good-entry"`,
		filepath.Join(dir, "entries.yaml") + `:13: no-answer has no answer`,
		filepath.Join(dir, "entries.yaml") + `:18: odd-kind: unknown kind "recipe"`,
		filepath.Join(dir, "entries.yaml") + `:24: unknown field "titel"`,
		filepath.Join(dir, "entries.yaml") + `:29: long-title title is 119 characters, more than the 100 allowed`,
		filepath.Join(dir, "entries.yaml") + `:32: id "declined" is taken`,
		filepath.Join(dir, "notices.yaml") + `:1: no disclaimer`,
		filepath.Join(dir, "routine.yaml") + `:7: routine: the routine has no steps`,
		filepath.Join(dir, "syntax.yaml") + `:3: `,
	}
	got := make([]string, len(invalid.Problems))
	for i, p := range invalid.Problems {
		got[i] = p.String()
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("no problem starting %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestLoadDirThatDoesNotExist(t *testing.T) {
	if _, err := knowledge.LoadDir("testdata/no-such-dir"); err == nil {
		t.Fatal("LoadDir of a missing folder succeeded")
	}
}

// copyShipped writes the shipped knowledge files into a temporary folder a test may change.
func copyShipped(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("kb/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob kb: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDiffNamesAddedChangedAndRemovedEntries(t *testing.T) {
	dir := copyShipped(t)
	old, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "faq.yaml")
	data, _ := os.ReadFile(path)
	edited := strings.Replace(string(data), "entries:\n", `entries:
  - id: new-entry
    kind: faq
    title: A new entry
    questions: [Is this new?]
    answer: It is.
`, 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	updated, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := updated.Diff(old)
	if len(c.Added) != 1 || c.Added[0] != "new-entry" || len(c.Changed) != 0 || len(c.Removed) != 0 {
		t.Errorf("Diff = %+v, want only new-entry added", c)
	}
	if back := old.Diff(updated); len(back.Removed) != 1 || back.Removed[0] != "new-entry" {
		t.Errorf("reverse Diff = %+v, want new-entry removed", back)
	}
	if updated.Version == old.Version {
		t.Error("version did not change with the content")
	}
}

func TestTriggerProblemsNameTheirOwnLine(t *testing.T) {
	dir := t.TempDir()
	base, err := os.ReadFile("kb/notices.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"notices.yaml": strings.Replace(strings.Replace(string(base), "    - dvt\n", "    - dvt\n    - \" + \"\n", 1),
			"    - laptop\n", "    - laptop\n    - \" + \"\n", 1),
		"scope.yaml":   "out_of_scope:\n  - topic: cures\n    triggers: [cure]\n  - topic: prices\n    triggers:\n      - price\n      - \"*\"\n",
		"entries.yaml": "entries:\n  - id: r\n    kind: routine\n    title: Routine\n    questions: [how]\n    answer: Do it.\n    steps: [{title: One, text: Go.}]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lineOf := func(item string) int {
		return 1 + strings.Count(string(base)[:strings.Index(string(base), item)], "\n")
	}
	dvt := lineOf("    - dvt\n")
	laptop := lineOf("    - laptop\n") + 1 // moved down a line by the broken trigger above it
	_, err = knowledge.LoadDir(dir)
	var invalid *knowledge.ValidationError
	if !errors.As(err, &invalid) || len(invalid.Problems) != 3 {
		t.Fatalf("LoadDir = %v, want three trigger problems", err)
	}
	for i, want := range []knowledge.Problem{
		{File: filepath.Join(dir, "notices.yaml"), Line: dvt + 1},
		{File: filepath.Join(dir, "notices.yaml"), Line: laptop + 1},
		{File: filepath.Join(dir, "scope.yaml"), Line: 7},
	} {
		if p := invalid.Problems[i]; p.File != want.File || p.Line != want.Line || !strings.Contains(p.Message, "empty part") {
			t.Errorf("problem %d = %s, want %s:%d: ... empty part", i, p, want.File, want.Line)
		}
	}
}
