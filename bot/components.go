package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// component answers a button press or a menu choice. Custom ids are paths that carry their
// own parameters:
//
//	faq/{entry}              a topic button: post that entry
//	faq                      the topic menu: post the chosen entry
//	vote/{entry}/{up|down}   feedback on the answer the button is under
//	del/{asker}/{unix time}  dismiss the answer (its asker or a moderator, for a few minutes)
//	teach/{declined id}      a moderator's menu: teach a declined question to the chosen entry
//	unanswered/{page}        a moderator's pager through /unanswered
//	import/{token}           a moderator confirms a /kb import
//
// after, if not nil, runs once the response has been sent.
func (b *Bot) component(i *discordgo.Interaction) (resp *discordgo.InteractionResponse, after func()) {
	data := i.MessageComponentData()
	parts := strings.Split(data.CustomID, "/")
	switch parts[0] {
	case "faq":
		id := ""
		if len(parts) == 2 {
			id = parts[1]
		} else if len(data.Values) > 0 {
			id = data.Values[0]
		}
		if a, ok := b.live.Topic(id); ok {
			return message(b.render(a, userID(i)), false), nil
		}
		return notice("That topic is no longer in the knowledge base. Try /faq to find another."), nil
	case "vote":
		if len(parts) == 3 {
			return b.vote(i, parts[1], parts[2] == "up"), nil
		}
	case "del":
		if len(parts) == 3 {
			return b.dismiss(i, parts[1], parts[2])
		}
	case "teach":
		if len(parts) == 2 {
			return b.teach(i, parts[1]), nil
		}
	case "unanswered":
		if len(parts) == 2 {
			return b.turnPage(i, parts[1]), nil
		}
	case "import":
		if len(parts) == 2 {
			return b.confirmImport(i, parts[1]), nil
		}
	}
	return notice("That button no longer works. Ask again, or try /help."), nil
}

func (b *Bot) vote(i *discordgo.Interaction, entryID string, helpful bool) *discordgo.InteractionResponse {
	if b.opts.Feedback == nil || i.Message == nil {
		return notice("Thanks!")
	}
	counted, err := b.opts.Feedback.AddVote(i.Message.ID, entryID, userID(i), helpful, time.Now())
	if err != nil {
		b.log.Error("record vote", "error", err)
		return notice(sorry)
	}
	switch {
	case !counted:
		return notice("You already gave feedback on this answer. Thanks!")
	case helpful:
		b.opts.Metrics.Feedback("helpful")
		return notice("Thanks, glad it helped!")
	}
	b.opts.Metrics.Feedback("not_helpful")
	return notice("Thanks for telling me. The moderators will see it and can improve this answer.")
}

// dismiss deletes an answer for the person who asked, or a moderator, within dismissWindow of
// the answer. A dismissal counts as "not helpful".
func (b *Bot) dismiss(i *discordgo.Interaction, askerID, unix string) (*discordgo.InteractionResponse, func()) {
	if i.Message == nil {
		return notice("That button no longer works."), nil
	}
	user := userID(i)
	if user != askerID && !b.isModerator(i.Member) {
		return notice("Only the person who asked (or a moderator) can dismiss this answer."), nil
	}
	sec, err := strconv.ParseInt(unix, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)) > dismissWindow {
		return notice("This answer can no longer be dismissed. A moderator can delete it."), nil
	}
	msg := i.Message
	if b.opts.Feedback != nil {
		if entry := entryOf(msg); entry != "" {
			if _, err := b.opts.Feedback.AddVote(msg.ID, entry, user, false, time.Now()); err != nil {
				b.log.Error("record dismissal", "error", err)
			}
		}
	}
	b.opts.Metrics.Feedback("dismissed")
	// Acknowledge first (Discord wants a response within 3 s), then delete.
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	return resp, func() {
		ctx, cancel := restCtx()
		defer cancel()
		if err := b.s.ChannelMessageDelete(msg.ChannelID, msg.ID, discordgo.WithContext(ctx)); err != nil {
			b.log.Error("dismiss answer", "channel", msg.ChannelID, "error", b.redact(err))
		}
	}
}

// entryOf finds the entry an answer message is about, from its feedback button.
func entryOf(m *discordgo.Message) string {
	for _, c := range m.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, bc := range row.Components {
			if btn, ok := bc.(*discordgo.Button); ok && strings.HasPrefix(btn.CustomID, "vote/") {
				return strings.Split(btn.CustomID, "/")[1]
			}
		}
	}
	return ""
}
