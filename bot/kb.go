package bot

import (
	"bytes"
	"errors"
	"fmt"
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

// kb runs the moderators' /kb subcommands: history, rollback, export.
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
	case "export":
		return b.kbExport()
	}
	return notice("Use /kb history, /kb rollback or /kb export.")
}

func (b *Bot) kbHistory() *discordgo.InteractionResponse {
	changes, err := b.opts.Editor.History(historyShown)
	if err != nil {
		b.log.Error("knowledge history", "error", err)
		return notice(sorry)
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
	res, err := b.opts.Editor.Rollback(user, version, time.Now())
	var invalid *knowledge.ValidationError
	switch {
	case errors.Is(err, kbedit.ErrUnknownVersion):
		return notice(fmt.Sprintf("There is no version %q in the history. /kb history lists the versions.", truncate(version, 20)))
	case errors.As(err, &invalid):
		return notice(problemList(invalid.Problems))
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
		b.log.Error("export knowledge", "error", err)
		return notice(sorry)
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
