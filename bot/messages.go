package bot

import (
	"context"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

// onMessage answers a message if it is a question for the bot: a DM, a message that mentions
// the bot, or any message in an ask channel. Everything else, and anything from a bot
// (including itself), is ignored.
func (b *Bot) onMessage(m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == b.userID.Load().(string) {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return // joins, pins, boosts...
	}
	if !b.addressed(m.Message) {
		return
	}
	a, ok := b.answer(context.Background(), "message", m.Content)
	if !ok {
		return
	}
	r := render(a)
	b.reply(m.Message, &discordgo.MessageSend{Embeds: r.embeds, Components: r.components})
}

// reply sends msg as a Discord reply to m, pinging no one.
func (b *Bot) reply(m *discordgo.Message, msg *discordgo.MessageSend) {
	msg.AllowedMentions = noPings()
	msg.Reference = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: boolPtr(false)}
	ctx, cancel := restCtx()
	defer cancel()
	if _, err := b.s.ChannelMessageSendComplex(m.ChannelID, msg, discordgo.WithContext(ctx)); err != nil {
		b.log.Error("send reply", "channel", m.ChannelID, "error", b.redact(err))
	}
}

func (b *Bot) apologizeMessage(m *discordgo.Message) {
	b.reply(m, &discordgo.MessageSend{Content: sorry})
}

// addressed reports whether a message is a question for the bot.
func (b *Bot) addressed(m *discordgo.Message) bool {
	if m.GuildID == "" {
		return true // a direct message
	}
	if slices.Contains(b.opts.AskChannels, m.ChannelID) {
		return true
	}
	self := b.userID.Load().(string)
	return slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u.ID == self })
}

// answer asks the knowledge base and logs the outcome. ok is false if there was no answer
// to give (the search failed; it is logged).
func (b *Bot) answer(ctx context.Context, source, question string) (knowledge.Answer, bool) {
	start := time.Now()
	a, err := b.live.Answer(ctx, question)
	if err != nil {
		b.log.Error("answer question", "source", source, "error", err)
		return a, false
	}
	attrs := []any{"source", source, "outcome", a.Outcome, "score", a.Score, "confidence", a.Confidence,
		"safety", a.Safety, "emergency", a.Emergency, "latency", time.Since(start)}
	if a.Entry != nil {
		attrs = append(attrs, "entry", a.Entry.ID)
	}
	if b.opts.LogQuestions {
		attrs = append(attrs, "question", a.Question)
	}
	b.log.Info("question", attrs...)
	return a, true
}

func boolPtr(v bool) *bool { return &v }
