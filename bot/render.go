package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

// Discord's limits on what a message may hold.
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedsTotal = 6000
	maxButtonLabel = 80
	maxCustomID    = 100
	maxSelectText  = 100
	maxChoiceName  = 100
	maxChoices     = 25
	maxButtonsRow  = 5
)

// Embed colours: how the reply reads at a glance.
const (
	colorAnswer    = 0x57F287 // green
	colorDeclined  = 0xFEE75C // yellow
	colorHelp      = 0x5865F2 // blurple
	colorEmergency = 0xED4245 // red
)

// reply is a rendered answer: what any message or interaction response carries.
type reply struct {
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
}

// renderAnswer turns an answer into an embed and buttons. It never searches; the Answer has
// everything.
func renderAnswer(a knowledge.Answer) reply {
	e := &discordgo.MessageEmbed{Footer: &discordgo.MessageEmbedFooter{Text: truncate(a.Disclaimer, maxFooter)}}
	var desc strings.Builder
	if a.Emergency {
		desc.WriteString("🚨 **" + a.EmergencyNotice + "**\n\n")
	}
	if a.OtherLanguage {
		desc.WriteString("_" + knowledge.EnglishOnlyText + "_\n\n")
	}
	var buttons []*knowledge.Entry
	switch a.Outcome {
	case knowledge.Answered:
		e.Title, e.Color = a.Entry.Title, colorAnswer
		desc.WriteString(a.Entry.Answer)
		addRoutine(e, &desc, a.Entry)
		// A second question in the same message, or the safety entry beside the answer: its own
		// titled section, so each answer reads as the answer to one question.
		for _, more := range a.AnsweredWith()[1:] {
			fmt.Fprintf(&desc, "\n\n**%s**\n%s", more.Title, more.Answer)
			addRoutine(e, &desc, more)
		}
	case knowledge.Emergency:
		e.Title = "Please get medical help now"
	case knowledge.Declined:
		e.Title, e.Color = "I don't know that one", colorDeclined
		desc.WriteString(knowledge.DeclineText)
		if len(a.Suggestions) > 0 {
			titles := make([]string, len(a.Suggestions))
			for i, s := range a.Suggestions {
				titles[i] = "• " + s.Title
			}
			e.Fields = append(e.Fields, field(knowledge.SuggestText, strings.Join(titles, "\n")))
			buttons = a.Suggestions
		} else {
			desc.WriteString("\n\n" + knowledge.NoSuggestText)
		}
	default:
		e.Title, e.Color = "footbot", colorHelp
		desc.WriteString(knowledge.HelpText + "\n\nCommands: `/ask`, `/faq`, `/routine`, `/benefits`, `/help`.")
	}
	if a.Emergency {
		e.Color = colorEmergency
	}
	if a.Safety {
		e.Fields = append(e.Fields, field("⚠️ Safety first", a.SafetyNotice))
	}
	e.Description = truncate(desc.String(), maxDescription)
	e.Title = truncate(e.Title, maxTitle)
	fitEmbed(e)
	r := reply{embeds: []*discordgo.MessageEmbed{e}}
	if row := topicButtons(buttons); row != nil {
		r.components = append(r.components, row)
	}
	return r
}

// addRoutine numbers a routine's steps in the description and lists its tips in a field.
func addRoutine(e *discordgo.MessageEmbed, desc *strings.Builder, entry *knowledge.Entry) {
	for i, s := range entry.Steps {
		fmt.Fprintf(desc, "\n\n**%d. %s**\n%s", i+1, s.Title, s.Text)
	}
	if len(entry.Tips) > 0 {
		e.Fields = append(e.Fields, field("Tips", "• "+strings.Join(entry.Tips, "\n• ")))
	}
}

// topicButtons makes one button per entry (at most a row's worth) that posts that entry.
func topicButtons(entries []*knowledge.Entry) discordgo.MessageComponent {
	var row discordgo.ActionsRow
	for _, e := range entries {
		id := topicID(e.ID)
		if len(row.Components) == maxButtonsRow || len(id) > maxCustomID {
			continue
		}
		row.Components = append(row.Components, discordgo.Button{
			Label: truncate(e.Title, maxButtonLabel), Style: discordgo.SecondaryButton, CustomID: id,
		})
	}
	if len(row.Components) == 0 {
		return nil
	}
	return row
}

// topicID is the custom_id of a button or menu option that opens an entry.
func topicID(entryID string) string { return "faq/" + entryID }

func field(name, value string) *discordgo.MessageEmbedField {
	return &discordgo.MessageEmbedField{Name: truncate(name, maxFieldName), Value: truncate(value, maxFieldValue)}
}

// fitEmbed shortens the description until the embed's texts fit Discord's 6,000-character
// total. With the knowledge base's own limits it never has to; a moderator's long texts could.
func fitEmbed(e *discordgo.MessageEmbed) {
	size := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Footer.Text)
	for _, f := range e.Fields {
		size += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if room := maxEmbedsTotal - size; utf8.RuneCountInString(e.Description) > room {
		e.Description = truncate(e.Description, max(room, 1))
	}
}

// truncate shortens s to at most n characters, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// noPings is allowed_mentions that pings nobody: questions may contain @everyone or role
// mentions, and the bot must never ring them. (A nil value would mean Discord's default, which
// pings.)
func noPings() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// dismissWindow is how long after an answer its asker (or a moderator) may dismiss it.
const dismissWindow = 5 * time.Minute

// render renders an answer with the controls under it: feedback buttons when feedback is kept,
// and a button with which the asker may dismiss the answer for a few minutes.
func (b *Bot) render(a knowledge.Answer, askerID string) reply {
	r := renderAnswer(a)
	if a.Outcome == knowledge.Greeting {
		return r
	}
	var row discordgo.ActionsRow
	if a.Answered() && b.opts.Feedback != nil {
		row.Components = append(row.Components,
			discordgo.Button{Label: "Helpful", Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: voteID(a.Entry.ID, true)},
			discordgo.Button{Label: "Not helpful", Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: voteID(a.Entry.ID, false)},
		)
	}
	if askerID != "" {
		row.Components = append(row.Components, discordgo.Button{
			Label: "Dismiss", Emoji: &discordgo.ComponentEmoji{Name: "🗑️"}, Style: discordgo.DangerButton,
			CustomID: fmt.Sprintf("del/%s/%d", askerID, b.now().Unix()),
		})
	}
	if len(row.Components) > 0 {
		r.components = append(r.components, row)
	}
	return r
}

func voteID(entryID string, helpful bool) string {
	if helpful {
		return "vote/" + entryID + "/up"
	}
	return "vote/" + entryID + "/down"
}
