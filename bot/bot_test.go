package bot

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

func shippedLive(t *testing.T) *knowledge.Live {
	t.Helper()
	base, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		t.Fatal(err)
	}
	live := knowledge.NewLive(ix)
	t.Cleanup(func() { live.Close() })
	return live
}

func TestAPanickingHandlerIsLoggedAndThePersonGetsAnApology(t *testing.T) {
	var logs bytes.Buffer
	b, err := New(Options{Token: "t", Logger: slog.New(slog.NewTextHandler(&logs, nil))}, shippedLive(t))
	if err != nil {
		t.Fatal(err)
	}
	apologized := false
	b.guard("message", func() { panic("boom") }, func() { apologized = true })
	if !apologized {
		t.Error("no apology after a panic")
	}
	if !strings.Contains(logs.String(), "handler panicked") || !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "bot_test.go") {
		t.Errorf("panic not logged with its stack:\n%s", logs.String())
	}
	b.guard("message", func() { panic("again") }, func() { panic("the apology fails too") }) // must not crash
}

// embedSize counts an embed's characters as Discord does for its 6,000 total.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

func checkLimits(t *testing.T, what string, r reply) {
	t.Helper()
	for _, e := range r.embeds {
		switch {
		case utf8.RuneCountInString(e.Title) > maxTitle, utf8.RuneCountInString(e.Description) > maxDescription,
			len(e.Fields) > 25, embedSize(e) > maxEmbedsTotal, e.Footer != nil && utf8.RuneCountInString(e.Footer.Text) > maxFooter:
			t.Errorf("%s: embed over Discord's limits (size %d)", what, embedSize(e))
		}
		for _, f := range e.Fields {
			if f.Name == "" || f.Value == "" || utf8.RuneCountInString(f.Name) > maxFieldName || utf8.RuneCountInString(f.Value) > maxFieldValue {
				t.Errorf("%s: field %q breaks the limits", what, f.Name)
			}
		}
	}
	if len(r.components) > 5 {
		t.Errorf("%s: %d action rows", what, len(r.components))
	}
	for _, c := range r.components {
		row := c.(discordgo.ActionsRow)
		if len(row.Components) > maxButtonsRow {
			t.Errorf("%s: %d buttons in a row", what, len(row.Components))
		}
		for _, bc := range row.Components {
			if btn, ok := bc.(discordgo.Button); ok && (utf8.RuneCountInString(btn.Label) > maxButtonLabel || len(btn.CustomID) > maxCustomID) {
				t.Errorf("%s: button %q breaks the limits", what, btn.Label)
			}
		}
	}
}

func TestEveryReplyFitsDiscordsLimits(t *testing.T) {
	live := shippedLive(t)
	b, _ := New(Options{Token: "t"}, live)
	for _, e := range live.Base().Entries {
		a, _ := live.Topic(e.ID)
		a.Emergency, a.Safety, a.OtherLanguage = true, true, true // the most a reply can carry
		checkLimits(t, e.ID, b.render(a, "123456789012345678"))
	}
	// A moderator's longest texts: every limit of the knowledge files at its maximum.
	long := &knowledge.Entry{ID: strings.Repeat("x", 90), Title: strings.Repeat("T", 100), Answer: strings.Repeat("a", 1500),
		Tips: []string{strings.Repeat("t", 1000)}}
	for range 5 {
		long.Steps = append(long.Steps, knowledge.Step{Title: strings.Repeat("s", 200), Text: strings.Repeat("x", 1024)})
	}
	a := knowledge.Answer{Outcome: knowledge.Answered, Entry: long, Entries: []*knowledge.Entry{long, long}, Safety: true, Emergency: true, OtherLanguage: true,
		SafetyNotice: strings.Repeat("s", 1024), EmergencyNotice: strings.Repeat("e", 1024), Disclaimer: strings.Repeat("d", 1024),
		Suggestions: []*knowledge.Entry{long, long, long}}
	checkLimits(t, "longest answer", b.render(a, "1"))
	a.Outcome, a.Entry, a.Entries = knowledge.Declined, nil, nil
	checkLimits(t, "longest decline", b.render(a, "1"))
	a.Outcome = knowledge.Emergency
	checkLimits(t, "longest emergency", b.render(a, "1"))
}

func TestAQuestionInAnotherLanguageIsToldTheAnswerIsEnglish(t *testing.T) {
	live := shippedLive(t)
	b, _ := New(Options{Token: "t"}, live)
	for q, want := range map[string]bool{"¿qué es la reflexología?": true, "how often should i massage my feet": false} {
		a, err := live.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		r := b.render(a, "1")
		if got := strings.Contains(r.embeds[0].Description, knowledge.EnglishOnlyText); got != want {
			t.Errorf("%q: says English only %v, want %v", q, got, want)
		}
	}
}
