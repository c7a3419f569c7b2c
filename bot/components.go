package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

// topic posts the entry of a topic button (faq/{entry}) or of the topic menu (faq).
func (b *Bot) topic(i *discordgo.Interaction, id string) *discordgo.InteractionResponse {
	if data := i.MessageComponentData(); id == "" && len(data.Values) > 0 {
		id = data.Values[0]
	}
	if a, ok := b.live.Topic(id); ok {
		return message(b.render(a, userID(i)), false)
	}
	return notice("That topic is no longer in the knowledge base. Try /faq to find another.")
}

func (b *Bot) vote(i *discordgo.Interaction, entryID string, helpful bool) *discordgo.InteractionResponse {
	if b.opts.Feedback == nil || i.Message == nil {
		return notice("Thanks!")
	}
	counted, err := b.opts.Feedback.AddVote(i.Message.ID, entryID, userID(i), helpful, b.now())
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
	b.recordUnhelpful(i.Message, entryID)
	return notice("Thanks for telling me. The moderators will see it and can improve this answer.")
}

// recordUnhelpful keeps the question an unhelpful answer answered, for /unanswered. The answer
// is a reply to the question; Discord usually sends the question along with the answer, and
// otherwise it is fetched, off the interaction's path.
func (b *Bot) recordUnhelpful(answer *discordgo.Message, entryID string) {
	at := b.now()
	b.background("record unhelpful answer", func() {
		q := ""
		if ref := answer.ReferencedMessage; ref != nil {
			q = ref.Content
		} else if r := answer.MessageReference; r != nil && r.MessageID != "" {
			ctx, cancel := restCtx()
			defer cancel()
			if m, err := b.s.ChannelMessage(answer.ChannelID, r.MessageID, discordgo.WithContext(ctx)); err == nil {
				q = m.Content
			}
		}
		if q = knowledge.CleanQuestion(q); q == "" {
			return // an /ask answer, or the question was deleted: the vote still counts
		}
		if err := b.opts.Feedback.AddUnhelpful(q, entryID, at); err != nil {
			b.log.Error("record unhelpful answer", "error", err)
		}
	})
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
	if err != nil || b.now().Sub(time.Unix(sec, 0)) > dismissWindow {
		return notice("This answer can no longer be dismissed. A moderator can delete it."), nil
	}
	msg := i.Message
	if b.opts.Feedback != nil {
		if entry := entryOf(msg); entry != "" {
			if counted, err := b.opts.Feedback.AddVote(msg.ID, entry, user, false, b.now()); err != nil {
				b.log.Error("record dismissal", "error", err)
			} else if counted {
				b.recordUnhelpful(msg, entry)
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
