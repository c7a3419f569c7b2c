package knowledge

import (
	"fmt"
	"strings"
)

// Texts shared by every face of the bot, so the terminal and Discord say the same thing.
const (
	// HelpText answers greetings and messages with no question in them.
	HelpText = "Hi! I answer questions about foot massage: its benefits, how to massage your own feet, " +
		"how often and how long, pressure points, and who should be careful. " +
		`Ask in your own words, for example "Can foot massage help me sleep?"`
	// DeclineText opens the reply when no entry matches well enough.
	DeclineText = "I'm not sure about that one, and I'd rather not guess. " +
		"It may be outside what I know about foot massage."
	// SuggestText introduces the suggestions of a declined question.
	SuggestText = "Did you mean:"
	// EnglishOnlyText opens the reply to a question in another language.
	EnglishOnlyText = "I can only answer in English, sorry."
	// NoSuggestText closes a declined reply that has no close topics to offer.
	NoSuggestText = "Try asking about benefits, the self-massage routine, how often, pressure points or safety."
)

// Text renders the answer as plain text, the way a person reads it in a terminal: the emergency
// advice first, then the answer, the safety notice, suggestions, and the disclaimer last.
func (a Answer) Text() string {
	var sb strings.Builder
	para := func(s string) {
		if sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		sb.WriteString(s)
	}
	if a.Emergency {
		para("🚨 " + a.EmergencyNotice)
	}
	if a.OtherLanguage {
		para(EnglishOnlyText)
	}
	switch a.Outcome {
	case Answered:
		for _, e := range a.AnsweredWith() {
			para(e.Title + "\n" + e.Answer)
			if steps := StepsText(e); steps != "" {
				para(steps)
			}
			if len(e.Tips) > 0 {
				para("Tips:\n- " + strings.Join(e.Tips, "\n- "))
			}
		}
	case Declined:
		para(DeclineText)
	case Greeting:
		para(HelpText)
	}
	if a.Safety {
		para("⚠️ " + a.SafetyNotice)
	}
	if len(a.Suggestions) > 0 {
		head := "Related:"
		if !a.Answered() {
			head = SuggestText
		}
		titles := make([]string, len(a.Suggestions))
		for i, e := range a.Suggestions {
			titles[i] = "- " + e.Title
		}
		para(head + "\n" + strings.Join(titles, "\n"))
	} else if a.Outcome == Declined {
		para(NoSuggestText)
	}
	para(a.Disclaimer)
	return sb.String()
}

// StepsText numbers the steps of a routine entry, one per line; it is empty for other entries.
func StepsText(e *Entry) string {
	lines := make([]string, len(e.Steps))
	for i, s := range e.Steps {
		lines[i] = fmt.Sprintf("%d. %s: %s", i+1, s.Title, s.Text)
	}
	return strings.Join(lines, "\n")
}
