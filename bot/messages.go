package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/knowledge"
)

// slowDownText is the one note a person gets when they ask faster than the rate allows.
const slowDownText = "You're asking faster than I can keep up with. Please wait a minute before your next question."

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
	now := b.now()
	recent, fresh := b.flood.claim(m.ChannelID, m.Author.ID, m.Content, now)
	if !fresh {
		return // the same person, the same question, moments ago: it has its answer
	}
	messageID := ""
	defer func() { b.flood.settle(recent, messageID) }()
	switch b.flood.admit(m.Author.ID, now) {
	case slowDown:
		b.opts.Metrics.FloodLimited()
		b.reply(m.Message, &discordgo.MessageSend{Content: slowDownText})
		return
	case drop:
		b.opts.Metrics.FloodLimited()
		return
	}
	a, ok := b.answer(context.Background(), "message", m.Content, m.Author.ID)
	if !ok {
		b.apologizeMessage(m.Message)
		return
	}
	if a.Answered() {
		if earlier, ok := b.flood.earlier(m.ChannelID, m.Author.ID, a.Entry.ID, now); ok && m.GuildID != "" {
			link := fmt.Sprintf("https://discord.com/channels/%s/%s/%s", m.GuildID, m.ChannelID, earlier)
			b.reply(m.Message, &discordgo.MessageSend{Content: fmt.Sprintf("I answered this a moment ago: **%s** → %s", truncate(a.Entry.Title, 200), link)})
			return
		}
		b.flood.answering(recent, a.Entry.ID)
	}
	r := b.render(a, m.Author.ID)
	if sent := b.reply(m.Message, &discordgo.MessageSend{Embeds: r.embeds, Components: r.components}); sent != nil {
		messageID = sent.ID
	}
}

// reply sends msg as a Discord reply to m, pinging no one. It returns the message sent, or nil
// (the failure is logged).
func (b *Bot) reply(m *discordgo.Message, msg *discordgo.MessageSend) *discordgo.Message {
	msg.AllowedMentions = noPings()
	msg.Reference = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: boolPtr(false)}
	ctx, cancel := restCtx()
	defer cancel()
	sent, err := b.s.ChannelMessageSendComplex(m.ChannelID, msg, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Error("send reply", "channel", m.ChannelID, "error", b.redact(err))
		return nil
	}
	return sent
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
	if slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u.ID == self }) ||
		strings.Contains(m.Content, "<@"+self+">") || strings.Contains(m.Content, "<@!"+self+">") {
		return true
	}
	role, ok := b.botRoles.Load(m.GuildID + "/" + self)
	return ok && slices.Contains(m.MentionRoles, role.(string))
}

// answer asks the knowledge base, then logs, counts and (if declined) records the question
// for moderators. ok is false if there was no answer to give (the failure is logged).
func (b *Bot) answer(ctx context.Context, source, question, userID string) (knowledge.Answer, bool) {
	start := time.Now()
	a, err := b.live.Answer(ctx, question)
	took := time.Since(start)
	if err != nil {
		b.log.Error("answer question", "source", source, "error", err)
		return a, false
	}
	b.opts.Metrics.Question(string(a.Outcome), a.Safety, a.Emergency, took)
	attrs := []any{"source", source, "outcome", a.Outcome, "score", a.Score, "confidence", a.Confidence,
		"safety", a.Safety, "emergency", a.Emergency, "latency", took}
	if a.Entry != nil {
		attrs = append(attrs, "entry", a.Entry.ID)
	}
	if b.opts.LogQuestions {
		attrs = append(attrs, "question", a.Question)
	}
	b.log.Info("question", attrs...)
	if a.Outcome == knowledge.Declined && b.opts.Feedback != nil {
		// Writing it down takes a synced file write (about 1.5 ms): not on the reply's path.
		b.background("record declined", func() {
			if err := b.opts.Feedback.AddDeclined(a.Question, userID, start); err != nil {
				b.log.Error("record declined question", "error", err)
			}
		})
	}
	return a, true
}

func boolPtr(v bool) *bool { return &v }
