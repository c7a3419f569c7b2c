package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("DISCORD_TOKEN", "")
	t.Setenv("KNOWLEDGE_DIR", "")
	t.Setenv("DATA_DIR", t.TempDir()) // a teach records itself there
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAskAnswersFromTheShippedKnowledge(t *testing.T) {
	code, out, _ := runCLI(t, "", "ask", "Can foot massage help me sleep?")
	if code != 0 || !strings.Contains(out, "sleep") || !strings.Contains(out, "not medical advice") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestAskJSONHasOneObjectPerQuestion(t *testing.T) {
	code, out, _ := runCLI(t, "hi\nhow often should i massage my feet\nwhat running shoes should i buy\n", "ask", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), out)
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		for _, key := range []string{"question", "answered", "entry", "score", "suggestions", "safety", "text"} {
			if _, ok := m[key]; !ok {
				t.Errorf("no %q in %s", key, l)
			}
		}
		got = append(got, m)
	}
	if got[0]["answered"] != false || got[0]["entry"] != nil {
		t.Errorf("greeting: %v", got[0])
	}
	if e, _ := got[1]["entry"].(map[string]any); got[1]["answered"] != true || e["id"] != "how-often" || e["kind"] != "guidance" {
		t.Errorf("how often: %v", got[1])
	}
	if got[2]["answered"] != false || !strings.Contains(got[2]["text"].(string), "not medical advice") {
		t.Errorf("out of scope: %v", got[2])
	}
}

func TestValidateListsProblemsAndFails(t *testing.T) {
	code, out, errOut := runCLI(t, "", "validate", filepath.Join("..", "..", "knowledge", "testdata", "broken"))
	if code != 1 || !strings.Contains(out, "entries.yaml:24: unknown field \"titel\"") || !strings.Contains(errOut, "problem") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "validate"); code != 0 || !strings.HasPrefix(out, "ok: 24 entries") {
		t.Errorf("shipped knowledge: exit %d: %s", code, out)
	}
}

func TestNoCommandAndNoTokenOpensTheConsole(t *testing.T) {
	code, out, _ := runCLI(t, "how long should a foot massage last\n\n")
	if code != 0 || !strings.Contains(out, "DISCORD_TOKEN") || !strings.Contains(out, "minutes") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestHelpSaysWhatEachCommandDoes(t *testing.T) {
	code, out, _ := runCLI(t, "", "--help")
	for _, cmd := range []string{"run", "ask", "console", "validate", "report"} {
		if !strings.Contains(out, "\n  "+cmd) {
			t.Errorf("--help does not list %s", cmd)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	if code, out, _ := runCLI(t, "", "ask", "--help"); code != 0 || !strings.Contains(out, "-json") {
		t.Errorf("ask --help: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d %s", code, errOut)
	}
}

func TestValidateShowsWarningsAndSucceeds(t *testing.T) {
	dir := copyKnowledge(t)
	editFile(t, filepath.Join(dir, "faq.yaml"), "\n  - id: how-long\n", "\n  - id: cut-short\n    kind: faq\n    title: Cut short\n    questions: [what is cut short]\n    answer: This answer stops in the mid\n  - id: how-long\n")
	code, out, _ := runCLI(t, "", "validate", dir)
	want := filepath.Join(dir, "faq.yaml") + ":"
	if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "warning: cut-short: the answer ends mid-sentence") || !strings.Contains(out, "ok: 25 entries") {
		t.Errorf("exit %d, want 0 with a warning at %s...:\n%s", code, want, out)
	}
}

func TestTeachWritesTheQuestionAndSaysWhere(t *testing.T) {
	if code, _, errOut := runCLI(t, "", "teach", "how-often", "twice a day ok?"); code != 1 || !strings.Contains(errOut, "KNOWLEDGE_DIR") {
		t.Errorf("teach with no folder: exit %d: %s", code, errOut)
	}
	dir := copyKnowledge(t)
	code, out, errOut := runCLI(t, "", "teach", "--knowledge", dir, "how-often", "is twice a day", "too much")
	if want := "added to " + filepath.Join(dir, "guidance.yaml") + ":"; code != 0 || !strings.HasPrefix(out, want) {
		t.Errorf("exit %d, stdout %q (want %q...), stderr %q", code, out, want, errOut)
	}
	if code, out, _ := runCLI(t, "", "ask", "--json", "--knowledge", dir, "is twice a day too much"); code != 0 || !strings.Contains(out, `"id":"how-often"`) {
		t.Errorf("the taught question is not answered with how-often: %s", out)
	}
}
