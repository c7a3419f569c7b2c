package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/knowledge"
)

// maxAttachments is how many files one Discord message may carry.
const maxAttachments = 10

// historyShown is how many changes /kb history lists.
const historyShown = 15

// kb runs the moderators' /kb subcommands: teach, history, rollback, export, import.
func (b *Bot) kb(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		b.log.Warn("/kb refused", "user", userID(i))
		return notice(modsOnly)
	}
	data := i.ApplicationCommandData()
	if len(data.Options) == 0 || b.opts.Editor == nil {
		return notice("Use /kb history, /kb rollback or /kb export.")
	}
	sub := data.Options[0]
	switch sub.Name {
	case "history":
		return b.kbHistory()
	case "rollback":
		version := ""
		for _, o := range sub.Options {
			if o.Name == "version" && o.Type == discordgo.ApplicationCommandOptionString {
				version = strings.TrimSpace(o.StringValue())
			}
		}
		return b.kbRollback(userID(i), version)
	case "teach":
		opts := map[string]string{}
		for _, o := range sub.Options {
			if o.Type == discordgo.ApplicationCommandOptionString {
				opts[o.Name] = o.StringValue()
			}
		}
		return b.kbTeach(i, opts["question"], opts["entry"])
	case "export":
		return b.kbExport()
	case "import":
		for _, o := range sub.Options {
			if o.Name == "file" && o.Type == discordgo.ApplicationCommandOptionAttachment && data.Resolved != nil {
				if att := data.Resolved.Attachments[fmt.Sprint(o.Value)]; att != nil {
					return b.kbImport(att)
				}
			}
		}
		return notice("Attach the knowledge file to import.")
	}
	return notice("Use /kb teach, /kb history, /kb rollback, /kb export or /kb import.")
}

// kbTeach teaches a question to any entry: the way to reach entries beyond the 25 a menu of
// /unanswered offers. question is a declined question's id (from autocomplete) or a question.
func (b *Bot) kbTeach(i *discordgo.Interaction, question, entry string) *discordgo.InteractionResponse {
	declinedID := ""
	if b.opts.Feedback != nil {
		if d, err := b.opts.Feedback.DeclinedQuestion(question); err == nil {
			declinedID, question = question, d.Question
		}
	}
	if b.live.Base().Entry(entry) == nil {
		return notice(fmt.Sprintf("There is no entry %q: pick one of the suggestions.", truncate(entry, 100)))
	}
	note, refused := b.teachQuestion(i, question, entry)
	if refused != nil {
		return refused
	}
	if declinedID != "" {
		if err := b.opts.Feedback.Resolve(declinedID, "taught:"+entry); err != nil {
			b.log.Error("resolve declined question", "error", err)
		}
	}
	return notice(note)
}

// kbImport checks an uploaded knowledge file and shows what it would change, with a Confirm
// button; nothing changes until it is pressed.
func (b *Bot) kbImport(att *discordgo.MessageAttachment) *discordgo.InteractionResponse {
	body, err := b.download(att)
	if err != nil {
		b.log.Warn("import download", "file", att.Filename, "error", b.redact(err))
		return notice("Could not read the uploaded file: " + truncate(err.Error(), 500))
	}
	token, changes, err := b.opts.Editor.PrepareImport(att.Filename, body, b.now())
	var invalid *knowledge.ValidationError
	switch {
	case errors.As(err, &invalid):
		return notice(problemList("Import refused", invalid.Problems))
	case err != nil:
		return notice("Import refused: " + truncate(err.Error(), 1500))
	case changes.Empty():
		return notice(fmt.Sprintf("%s is the same as the file in service: nothing to import.", att.Filename))
	}
	text := fmt.Sprintf("Importing **%s** would change:\n```\n%s\n```\nNothing has changed yet.", truncate(att.Filename, 100), truncate(changes.Text(), maxContent-300))
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPings(),
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Confirm import", Style: discordgo.PrimaryButton, CustomID: "import/" + token},
			}}}}}
}

// confirmImport applies an import a moderator confirmed.
func (b *Bot) confirmImport(i *discordgo.Interaction, token string) *discordgo.InteractionResponse {
	if !b.isModerator(i.Member) {
		return notice(modsOnly)
	}
	if b.opts.Editor == nil {
		return notice("Importing is not set up on this bot.")
	}
	res, err := b.opts.Editor.Import(userID(i), token, b.now())
	var invalid *knowledge.ValidationError
	switch {
	case errors.Is(err, kbedit.ErrImportExpired):
		return notice(err.Error())
	case errors.As(err, &invalid):
		return notice(problemList("Import refused", invalid.Problems))
	case err != nil:
		b.log.Error("import", "error", err)
		return notice("Import failed: " + truncate(err.Error(), 1500))
	}
	b.log.Info("knowledge imported", "user", userID(i), "file", res.File)
	for _, w := range res.Changes.Warnings {
		b.log.Warn("knowledge edit looks accidental: " + w.String())
	}
	text := "Imported. " + describeChanges(b.live.Base(), res.Changes)
	if res.Copied != "" {
		text += fmt.Sprintf("\nThis was the first change to the built-in knowledge, so I copied it to `%s`; I answer from that copy from now on.", res.Copied)
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: truncate(text, maxContent), Components: []discordgo.MessageComponent{}, AllowedMentions: noPings()}}
}

// downloadTimeout bounds fetching an uploaded file from Discord's CDN.
const downloadTimeout = 10 * time.Second

// download fetches an attachment, from Discord's CDN (or the API host footbot talks to, which
// is where a Discord-compatible test server keeps its files) and nowhere else.
func (b *Bot) download(att *discordgo.MessageAttachment) ([]byte, error) {
	u, err := url.Parse(att.URL)
	if err != nil {
		return nil, err
	}
	allowed := []string{"cdn.discordapp.com", "media.discordapp.net"}
	if api, err := url.Parse(b.opts.APIBase); err == nil && api.Host != "" {
		allowed = append(allowed, api.Host)
	}
	if !slices.Contains(allowed, u.Host) {
		return nil, fmt.Errorf("the file is not on Discord's CDN (%s)", u.Host)
	}
	if att.Size > maxDownload {
		return nil, fmt.Errorf("the file is %d bytes; a knowledge file has at most %d", att.Size, maxDownload)
	}
	ctx, cancel := context.WithTimeout(context.Background(), downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the CDN answered %s", res.Status)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxDownload+1))
	if err == nil && len(body) > maxDownload {
		err = fmt.Errorf("the file is over %d bytes", maxDownload)
	}
	return body, err
}

// maxDownload bounds an uploaded knowledge file, as the loader bounds any knowledge file.
const maxDownload = 1 << 20

func (b *Bot) kbHistory() *discordgo.InteractionResponse {
	changes, err := b.opts.Editor.History(historyShown)
	if err != nil {
		return b.storeFailed("read the change log", err)
	}
	if len(changes) == 0 {
		return notice(fmt.Sprintf("No changes yet. The knowledge in service is version %s.", b.live.Base().Version))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Version in service: %s. Roll back with /kb rollback version:<from>.\n```\n", b.live.Base().Version)
	for _, c := range changes {
		what := c.Action
		if c.Action == "teach" {
			what = fmt.Sprintf("teach %s %q", c.Entry, truncate(c.Question, 80))
		}
		fmt.Fprintf(&sb, "%s  %s → %s  %s  (user %s)\n", c.Time.UTC().Format("2006-01-02 15:04"), c.From, c.Version, what, c.User)
	}
	sb.WriteString("```")
	return notice(truncate(sb.String(), maxContent))
}

func (b *Bot) kbRollback(user, version string) *discordgo.InteractionResponse {
	res, err := b.opts.Editor.Rollback(user, version, b.now())
	var invalid *knowledge.ValidationError
	switch {
	case errors.Is(err, kbedit.ErrUnknownVersion):
		return notice(fmt.Sprintf("There is no version %q in the history. /kb history lists the versions.", truncate(version, 20)))
	case errors.As(err, &invalid):
		return notice(problemList("Rollback refused", invalid.Problems))
	case err != nil:
		b.log.Error("roll back knowledge", "version", version, "error", err)
		return notice("Rollback failed: " + truncate(err.Error(), 1500) + "\nThe knowledge in service did not change.")
	}
	b.log.Info("knowledge rolled back", "user", user, "version", version)
	return notice(truncate("Rolled back to version "+version+". "+describeChanges(b.live.Base(), res.Changes), maxContent))
}

// kbExport attaches the knowledge files in service, one attachment a file.
func (b *Bot) kbExport() *discordgo.InteractionResponse {
	files, err := b.opts.Editor.Files()
	if err != nil {
		return b.storeFailed("read the knowledge files", err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	text := fmt.Sprintf("The knowledge files of version %s.", b.live.Base().Version)
	if len(names) > maxAttachments {
		text += fmt.Sprintf(" Discord takes %d files a message: here are the first %d of %d.", maxAttachments, maxAttachments, len(names))
		names = names[:maxAttachments]
	}
	var attach []*discordgo.File
	for _, name := range names {
		attach = append(attach, &discordgo.File{Name: name, ContentType: "text/yaml", Reader: bytes.NewReader(files[name])})
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Files: attach, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPings()}}
}
