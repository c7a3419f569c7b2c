package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
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
	if err != nil || b.now().Sub(time.Unix(sec, 0)) > dismissWindow {
		return notice("This answer can no longer be dismissed. A moderator can delete it."), nil
	}
	msg := i.Message
	if b.opts.Feedback != nil {
		if entry := entryOf(msg); entry != "" {
			if _, err := b.opts.Feedback.AddVote(msg.ID, entry, user, false, b.now()); err != nil {
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
