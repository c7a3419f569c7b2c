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

// storeFailed is the reply to a moderator when the feedback or knowledge store cannot be read
// or written (a database that went away): what failed, so they know it is not their click.
// Answers to questions do not depend on it, and the reply says so.
func (b *Bot) storeFailed(what string, err error) *discordgo.InteractionResponse {
	b.log.Error(what, "error", err)
	return notice("Could not " + what + ": " + truncate(b.redact(err), 800) +
		"\nQuestions are still answered; try this again in a moment.")
}

const modsOnly = "Only moderators (Manage Server, Administrator, or a moderator role) can do this."

// unanswered shows a moderator the questions the bot declined, most asked first, each with a
// menu to teach it ("answer this with → entry") or file it as out of scope.
func (b *Bot) unanswered(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		return notice(modsOnly)
	}
	data, err := b.unansweredPage(0, "")
	if err != nil {
		return b.storeFailed("read the moderators' lists", err)
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
	shown, start, more := pageOf(r.Declined, page)

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
			fmt.Fprintf(&nh, "%d× not helpful, %d× helpful: %s\n", v.NotHelpful, v.Helpful, truncate(b.entryTitle(v.EntryID), 100))
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
	pager := pageButtons("unanswered/", page, more)
	if len(r.Unhelpful) > 0 {
		pager = append(pager, discordgo.Button{Label: "Answers marked not helpful", Style: discordgo.PrimaryButton, CustomID: "unhelpful/0"})
	}
	if len(pager) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: pager})
	}
	return &discordgo.InteractionResponseData{Content: truncate(note, maxContent), Embeds: embeds, Components: rows,
		AllowedMentions: noPings()}, nil
}

// pageOf is page n of a moderators' list, unansweredPage items a page: the items shown, the
// index of the first, and whether a next page has more.
func pageOf[T any](items []T, n int) (shown []T, start int, more bool) {
	start = min(n*unansweredPage, len(items))
	return items[start:min(start+unansweredPage, len(items))], start, len(items) > (n+1)*unansweredPage
}

// pageButtons are a list's Previous and Next buttons, where there is such a page; prefix starts
// their custom_id ("unanswered/").
func pageButtons(prefix string, page int, more bool) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	if page > 0 {
		out = append(out, discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: prefix + strconv.Itoa(page-1)})
	}
	if more {
		out = append(out, discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: prefix + strconv.Itoa(page+1)})
	}
	return out
}

// entryTitle is an entry's title, or its id if the knowledge no longer has it.
func (b *Bot) entryTitle(id string) string {
	if e := b.live.Base().Entry(id); e != nil {
		return e.Title
	}
	return id
}

// rightChoice is the menu value that confirms an answer marked not helpful.
const rightChoice = "right"

// unhelpfulPage renders one page of answers marked not helpful, each with the question asked,
// the entry given and a menu: the right entry, or "that answer was right".
func (b *Bot) unhelpfulPage(page int, note string) (*discordgo.InteractionResponseData, error) {
	r, err := b.opts.Feedback.Report((page+1)*unansweredPage + 1)
	if err != nil {
		return nil, err
	}
	shown, start, more := pageOf(r.Unhelpful, page)
	var desc strings.Builder
	if len(shown) == 0 {
		desc.WriteString("No answers marked not helpful are waiting.")
	}
	var rows []discordgo.MessageComponent
	for n, u := range shown {
		fmt.Fprintf(&desc, "**%d.** %s\n-# answered with **%s**, marked not helpful %d×, last %s\n", start+n+1, truncate(u.Question, 300), truncate(b.entryTitle(u.EntryID), 100), u.Count, u.Last.Format("2006-01-02"))
		opts := []discordgo.SelectMenuOption{{Label: "That answer was right", Value: rightChoice, Description: "Keeps the answer; no longer listed"}}
		for _, o := range b.teachChoices(u.Question) {
			if o.Value != u.EntryID && o.Value != outOfScopeChoice && len(opts) < maxTeachChoices+1 {
				opts = append(opts, o)
			}
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
			CustomID: "fix/" + u.ID, Placeholder: fmt.Sprintf("%d. The right answer is…", start+n+1), Options: opts}}})
	}
	pager := append([]discordgo.MessageComponent{discordgo.Button{Label: "Unanswered questions", Style: discordgo.SecondaryButton, CustomID: "unanswered/0"}},
		pageButtons("unhelpful/", page, more)...)
	rows = append(rows, discordgo.ActionsRow{Components: pager})
	embeds := []*discordgo.MessageEmbed{{Title: fmt.Sprintf("Answers marked not helpful (page %d)", page+1),
		Description: truncate(desc.String(), maxDescription), Color: colorDeclined}}
	return &discordgo.InteractionResponseData{Content: truncate(note, maxContent), Embeds: embeds, Components: rows, AllowedMentions: noPings()}, nil
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
	choice, refused := b.moderatorChoice(i, "teach")
	if refused != nil {
		return refused
	}
	d, err := b.opts.Feedback.DeclinedQuestion(id)
	if err != nil {
		return b.notFound(err, (*Bot).unansweredPage, "question")
	}
	if choice == outOfScopeChoice {
		if err := b.opts.Feedback.Resolve(id, feedback.OutOfScope); err != nil {
			return b.storeFailed("file that question", err)
		}
		b.log.Info("declined question filed as out of scope", "user", userID(i))
		return b.update((*Bot).unansweredPage, 0, fmt.Sprintf("Filed as out of scope: “%s”. I will keep declining it.", truncate(d.Question, 200)))
	}
	note, refused := b.teachQuestion(i, d.Question, choice)
	if refused != nil {
		return refused
	}
	if err := b.opts.Feedback.Resolve(id, "taught:"+choice); err != nil {
		b.log.Error("resolve declined question", "error", err)
	}
	return b.update((*Bot).unansweredPage, 0, note)
}

// moderatorChoice is the value a moderator chose in a menu of /unanswered; a plain member, or
// a menu of an older bot, gets the response to send instead.
func (b *Bot) moderatorChoice(i *discordgo.Interaction, what string) (string, *discordgo.InteractionResponse) {
	if !b.isModerator(i.Member) {
		b.log.Warn(what+" refused", "user", userID(i))
		return "", notice(modsOnly)
	}
	values := i.MessageComponentData().Values
	if b.opts.Feedback == nil || len(values) == 0 {
		return "", notice("That menu no longer works. Run /unanswered again.")
	}
	return values[0], nil
}

// notFound is the response when the item a list's menu names cannot be read: the list's first
// page again if another moderator handled it meanwhile, else what failed. what names the item.
func (b *Bot) notFound(err error, render page, what string) *discordgo.InteractionResponse {
	if errors.Is(err, feedback.ErrNoSuchQuestion) {
		return b.update(render, 0, "That "+what+" was already handled.")
	}
	return b.storeFailed("find that "+what, err)
}

// fix applies a moderator's choice for an answer marked not helpful: the right entry (the
// question is taught to it) or "that answer was right".
func (b *Bot) fix(i *discordgo.Interaction, id string) *discordgo.InteractionResponse {
	choice, refused := b.moderatorChoice(i, "fix")
	if refused != nil {
		return refused
	}
	u, err := b.opts.Feedback.UnhelpfulAnswer(id)
	if err != nil {
		return b.notFound(err, (*Bot).unhelpfulPage, "answer")
	}
	resolution, note := feedback.Confirmed, fmt.Sprintf("Confirmed: “%s” keeps its answer.", truncate(u.Question, 200))
	if choice != rightChoice {
		if note, refused = b.teachQuestion(i, u.Question, choice); refused != nil {
			return refused
		}
		resolution = "taught:" + choice
	}
	if err := b.opts.Feedback.ResolveUnhelpful(id, resolution); err != nil {
		b.log.Error("resolve unhelpful answer", "error", err)
	}
	return b.update((*Bot).unhelpfulPage, 0, note)
}

// teachQuestion teaches question to entry id through the editor and says what it did; a
// refusal comes back as the response to send instead.
func (b *Bot) teachQuestion(i *discordgo.Interaction, question, id string) (string, *discordgo.InteractionResponse) {
	if b.opts.Editor == nil {
		return "", notice("Teaching is not set up on this bot.")
	}
	start := time.Now()
	res, err := b.opts.Editor.Teach(userID(i), id, question, b.now())
	var invalid *knowledge.ValidationError
	switch {
	case errors.As(err, &invalid):
		return "", notice(problemList("Teach refused", invalid.Problems))
	case errors.Is(err, knowledge.ErrAlreadyTaught):
	case err != nil:
		b.log.Error("teach", "error", b.redact(err))
		return "", notice("Could not teach that: " + truncate(err.Error(), 1500))
	}
	title := b.entryTitle(id)
	b.log.Info("question taught", "user", userID(i), "entry", id, "file", res.File, "line", res.Line, "took", time.Since(start))
	for _, w := range res.Changes.Warnings {
		b.log.Warn("knowledge edit looks accidental: " + w.String())
	}
	note := fmt.Sprintf("Taught: “%s” → **%s** (%s:%d). The next person who asks gets that answer.", truncate(question, 200), truncate(title, 100), res.File, res.Line)
	if res.Copied != "" {
		note += fmt.Sprintf("\nThis was the first change to the built-in knowledge, so I copied it to `%s`; I answer from that copy from now on (edit it there, or set KNOWLEDGE_DIR).", res.Copied)
	}
	return note, nil
}

// page renders one page of a moderators' list, with a note on top.
type page func(b *Bot, n int, note string) (*discordgo.InteractionResponseData, error)

// update replaces the list's message with page n, note on top.
func (b *Bot) update(render page, n int, note string) *discordgo.InteractionResponse {
	data, err := render(b, n, note)
	if err != nil {
		return b.storeFailed("read the moderators' lists", err)
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}
}

// turnPage shows another page of /unanswered, or of its unhelpful answers.
func (b *Bot) turnPage(i *discordgo.Interaction, number string, render page) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		return notice(modsOnly)
	}
	n, err := strconv.Atoi(number)
	if err != nil || n < 0 || b.opts.Feedback == nil {
		return notice("That button no longer works. Run /unanswered again.")
	}
	return b.update(render, n, "")
}
