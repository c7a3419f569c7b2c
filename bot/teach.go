package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/feedback"
	"github.com/footbot/footbot/knowledge"
)

// unansweredPage is how many declined questions one /unanswered page shows: each has a select
// menu of its own, and a message holds five rows, the fifth being the pager.
const unansweredPage = 4

// maxTeachChoices is how many entries a question's menu offers: Discord allows 25 options, one
// of which is "out of scope". They are the entries the search ranks best for the question.
const maxTeachChoices = 24

// outOfScopeChoice is the menu value that files a question as a known decline.
const outOfScopeChoice = "out-of-scope"

const modsOnly = "Only moderators (Manage Server, Administrator, or a moderator role) can do this."

// unanswered shows a moderator the questions the bot declined, most asked first, each with a
// menu to teach it ("answer this with → entry") or file it as out of scope.
func (b *Bot) unanswered(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		return notice(modsOnly)
	}
	data, err := b.unansweredPage(0, "")
	if err != nil {
		b.log.Error("feedback report", "error", err)
		return notice(sorry)
	}
	data.Flags = discordgo.MessageFlagsEphemeral
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// unansweredPage renders one page of declined questions, with note (what the last click did)
// on top.
func (b *Bot) unansweredPage(page int, note string) (*discordgo.InteractionResponseData, error) {
	r, err := b.opts.Feedback.Report((page+1)*unansweredPage + 1)
	if err != nil {
		return nil, err
	}
	more := len(r.Declined) > (page+1)*unansweredPage
	start := min(page*unansweredPage, len(r.Declined))
	shown := r.Declined[start:min(start+unansweredPage, len(r.Declined))]

	var desc strings.Builder
	if len(shown) == 0 {
		desc.WriteString("No unanswered questions. ")
	}
	for n, d := range shown {
		fmt.Fprintf(&desc, "**%d.** %s\n-# asked %d× by %d people, last %s\n", start+n+1, truncate(d.Question, 300), d.Count, d.Askers, d.Last.Format("2006-01-02"))
	}
	if r.Resolved > 0 {
		fmt.Fprintf(&desc, "\n%d more were taught or marked out of scope.", r.Resolved)
	}
	embeds := []*discordgo.MessageEmbed{{Title: fmt.Sprintf("Questions I could not answer (page %d)", page+1),
		Description: truncate(desc.String(), maxDescription), Color: colorDeclined}}
	if len(r.NotHelpful) > 0 {
		var nh strings.Builder
		for _, v := range r.NotHelpful {
			title := v.EntryID
			if e := b.live.Base().Entry(v.EntryID); e != nil {
				title = e.Title
			}
			fmt.Fprintf(&nh, "%d× not helpful, %d× helpful: %s\n", v.NotHelpful, v.Helpful, truncate(title, 100))
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Title: "Answers marked not helpful", Description: truncate(nh.String(), maxDescription)})
	}
	var rows []discordgo.MessageComponent
	for n, d := range shown {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
			CustomID:    "teach/" + d.ID,
			Placeholder: truncate(fmt.Sprintf("%d. Answer this with…", start+n+1), 150),
			Options:     b.teachChoices(d.Question),
		}}})
	}
	var pager []discordgo.MessageComponent
	if page > 0 {
		pager = append(pager, discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: "unanswered/" + strconv.Itoa(page-1)})
	}
	if more {
		pager = append(pager, discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: "unanswered/" + strconv.Itoa(page+1)})
	}
	if len(pager) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: pager})
	}
	return &discordgo.InteractionResponseData{Content: truncate(note, maxContent), Embeds: embeds, Components: rows,
		AllowedMentions: noPings()}, nil
}

// teachChoices are the options of a declined question's menu: the entries the search ranks best
// for it, then "out of scope".
func (b *Bot) teachChoices(question string) []discordgo.SelectMenuOption {
	var opts []discordgo.SelectMenuOption
	if b.opts.Editor != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		entries, err := b.live.Suggest(ctx, question, maxTeachChoices)
		cancel()
		if err != nil {
			b.log.Error("suggest entries to teach", "error", err)
		}
		if len(entries) < maxTeachChoices { // fill up with the rest, in file order
			for _, e := range b.live.Base().Entries {
				if len(entries) == maxTeachChoices {
					break
				}
				if !slices.Contains(entries, e) {
					entries = append(entries, e)
				}
			}
		}
		for _, e := range entries {
			opts = append(opts, discordgo.SelectMenuOption{Label: truncate(e.Title, maxSelectText), Value: e.ID})
		}
	}
	return append(opts, discordgo.SelectMenuOption{Label: "Out of scope: keep declining it", Value: outOfScopeChoice,
		Description: "Files it as a known decline: counted, no longer listed"})
}

// teach applies a moderator's choice for a declined question and shows the page again.
func (b *Bot) teach(i *discordgo.Interaction, id string) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		b.log.Warn("teach refused", "user", userID(i))
		return notice(modsOnly)
	}
	values := i.MessageComponentData().Values
	if b.opts.Feedback == nil || len(values) == 0 {
		return notice("That menu no longer works. Run /unanswered again.")
	}
	d, err := b.opts.Feedback.DeclinedQuestion(id)
	if errors.Is(err, feedback.ErrNoSuchQuestion) {
		return b.updateUnanswered("That question was already handled.")
	}
	if err != nil {
		b.log.Error("find declined question", "error", err)
		return notice(sorry)
	}
	choice := values[0]
	if choice == outOfScopeChoice {
		if err := b.opts.Feedback.Resolve(id, feedback.OutOfScope); err != nil {
			b.log.Error("resolve declined question", "error", err)
			return notice(sorry)
		}
		b.log.Info("declined question filed as out of scope", "user", userID(i))
		return b.updateUnanswered(fmt.Sprintf("Filed as out of scope: “%s”. I will keep declining it.", truncate(d.Question, 200)))
	}
	if b.opts.Editor == nil {
		return notice("Teaching is not set up on this bot.")
	}
	start := time.Now()
	res, err := b.opts.Editor.Teach(userID(i), choice, d.Question, b.now())
	var invalid *knowledge.ValidationError
	switch {
	case errors.As(err, &invalid):
		return notice(problemList("Teach refused", invalid.Problems))
	case errors.Is(err, knowledge.ErrAlreadyTaught):
	case err != nil:
		b.log.Error("teach", "error", b.redact(err))
		return notice("Could not teach that: " + truncate(err.Error(), 1500))
	}
	if err := b.opts.Feedback.Resolve(id, "taught:"+choice); err != nil {
		b.log.Error("resolve declined question", "error", err)
	}
	title := choice
	if e := b.live.Base().Entry(choice); e != nil {
		title = e.Title
	}
	b.log.Info("declined question taught", "user", userID(i), "entry", choice, "file", res.File, "line", res.Line, "took", time.Since(start))
	for _, w := range res.Changes.Warnings {
		b.log.Warn("knowledge edit looks accidental: " + w.String())
	}
	note := fmt.Sprintf("Taught: “%s” → **%s** (%s:%d). The next person who asks gets that answer.", truncate(d.Question, 200), truncate(title, 100), res.File, res.Line)
	if res.Copied != "" {
		note += fmt.Sprintf("\nThis was the first change to the built-in knowledge, so I copied it to `%s`; I answer from that copy from now on (edit it there, or set KNOWLEDGE_DIR).", res.Copied)
	}
	return b.updateUnanswered(note)
}

// updateUnanswered replaces the /unanswered message with its first page and note on top.
func (b *Bot) updateUnanswered(note string) *discordgo.InteractionResponse {
	data, err := b.unansweredPage(0, note)
	if err != nil {
		b.log.Error("feedback report", "error", err)
		return notice(sorry)
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}
}

// turnPage shows another page of /unanswered.
func (b *Bot) turnPage(i *discordgo.Interaction, page string) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		return notice(modsOnly)
	}
	n, err := strconv.Atoi(page)
	if err != nil || n < 0 || b.opts.Feedback == nil {
		return notice("That button no longer works. Run /unanswered again.")
	}
	data, err := b.unansweredPage(n, "")
	if err != nil {
		b.log.Error("feedback report", "error", err)
		return notice(sorry)
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}
}
