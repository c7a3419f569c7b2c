package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// callbackBudget is how long footbot tries to deliver an interaction response: Discord drops
// interactions not answered within 3 s of their creation.
const callbackBudget = 2500 * time.Millisecond

// respond sends the response to an interaction. It posts the callback itself instead of
// calling discordgo's InteractionRespond: discordgo keeps a rate-limit bucket per URL, forever,
// and every callback URL carries a new interaction id and token, so a long-running bot's
// memory would grow with every interaction (discordgo issue #1333). Callbacks are exempt from
// the global rate limit and each interaction has its own, so there is no bucket to keep.
func (b *Bot) respond(i *discordgo.Interaction, resp *discordgo.InteractionResponse) {
	if err := b.postCallback(i, resp); err != nil {
		b.log.Error("respond to interaction", "interaction", i.ID, "error", b.redact(err))
	}
}

func (b *Bot) postCallback(i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	contentType := "application/json"
	body, err := json.Marshal(resp)
	if resp.Data != nil && len(resp.Data.Files) > 0 { // attachments (/kb export) go as multipart
		contentType, body, err = discordgo.MultipartBodyWithJSON(resp, resp.Data.Files)
	}
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callbackBudget)
	defer cancel()
	endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("User-Agent", b.s.UserAgent)
		// Discord does not need it on callbacks, but sends no error for it either, and
		// Discord-compatible servers may check every request.
		req.Header.Set("Authorization", b.s.Identify.Token)
		res, err := b.s.Client.Do(req)
		if err != nil {
			// The URL holds the interaction token: report the failure without it.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return fmt.Errorf("post interaction callback: %w", err)
		}
		data, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		switch {
		case res.StatusCode < 300:
			return nil
		case res.StatusCode == http.StatusTooManyRequests && attempt < 3:
			wait := retryAfter(res, data)
			b.log.Warn("interaction callback rate limited", "retry_after", wait)
			select {
			case <-ctx.Done():
				return fmt.Errorf("interaction callback: rate limited past Discord's 3 s deadline")
			case <-time.After(wait):
			}
		default:
			return fmt.Errorf("interaction callback: HTTP %d: %s", res.StatusCode, truncate(string(data), 300))
		}
	}
}

// retryAfter reads how long Discord asks to wait: retry_after in the body (seconds, with a
// fraction), else the Retry-After header.
func retryAfter(res *http.Response, body []byte) time.Duration {
	var rl struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &rl) == nil && rl.RetryAfter > 0 {
		return time.Duration(rl.RetryAfter * float64(time.Second))
	}
	if s, err := strconv.ParseFloat(res.Header.Get("Retry-After"), 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	return 100 * time.Millisecond
}

// deferAfter is how long a handler may run before footbot acknowledges its interaction and
// sends the response when it is ready. A moderator's change rebuilds the index, which takes
// seconds on a loaded machine, and Discord drops an interaction not answered within 3 s.
const deferAfter = 1500 * time.Millisecond

// answerInTime runs an interaction's handler and sends its response. When the handler is still
// running after deferAfter, it acknowledges the interaction first ("footbot is thinking" for a
// command, nothing visible for a button), then delivers the response as an edit of the
// original message or a followup once it is ready.
func (b *Bot) answerInTime(i *discordgo.Interaction, private bool, handle func() (*discordgo.InteractionResponse, func())) {
	var mu sync.Mutex // orders the acknowledgement before the late response
	finished := false
	acknowledge := func() {
		b.late.Store(i.ID, true) // a panic from here on is apologized for as a late response
		b.respond(i, acknowledgement(i, private))
	}
	stopTimer := func() bool { return false }
	if wait := cmp.Or(b.opts.DeferAfter, deferAfter); wait < 0 {
		acknowledge() // every interaction at once (see Options.DeferAfter)
	} else {
		stopTimer = time.AfterFunc(wait, func() {
			mu.Lock()
			defer mu.Unlock()
			if !finished {
				acknowledge()
			}
		}).Stop
	}
	done := func() (late bool) { // the handler has ended: the timer must not acknowledge any more
		stopTimer()
		mu.Lock()
		defer mu.Unlock()
		finished = true
		_, late = b.late.Load(i.ID)
		return late
	}
	defer done() // also when the handler panics
	resp, after := handle()
	if done() {
		b.late.Delete(i.ID)
		b.opts.Metrics.Deferred()
		if err := b.deliverLate(i, resp); err != nil {
			b.log.Error("deliver a deferred response", "interaction", i.ID, "error", b.redact(err))
		}
	} else {
		b.respond(i, resp)
	}
	if after != nil {
		after()
	}
}

// apologizeInteraction tells the person that something went wrong on footbot's side: as the
// response, or, when the interaction was acknowledged already, as the late response.
func (b *Bot) apologizeInteraction(i *discordgo.Interaction) {
	if _, late := b.late.LoadAndDelete(i.ID); late {
		if err := b.deliverLate(i, notice(sorry)); err != nil {
			b.log.Error("deliver an apology", "interaction", i.ID, "error", b.redact(err))
		}
		return
	}
	b.respond(i, notice(sorry))
}

// acknowledgement defers an interaction: a command's response will edit a "thinking" message,
// seen only by the person when private (ephemerality cannot change later); a component's will
// edit its message or follow it.
func acknowledgement(i *discordgo.Interaction, private bool) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionMessageComponent {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	ack := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if private {
		ack.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	return ack
}

// deliverLate sends a response after its interaction was acknowledged: a command's message and
// a component's update edit the original message; a component's new message is a followup.
// (These webhook calls go through discordgo, whose rate-limit buckets grow with each token;
// only the few slow interactions take this path.)
func (b *Bot) deliverLate(i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	if resp == nil || resp.Type == discordgo.InteractionResponseDeferredMessageUpdate || resp.Data == nil {
		return nil
	}
	d := resp.Data
	components := d.Components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	ctx, cancel := restCtx()
	defer cancel()
	var err error
	switch {
	case resp.Type == discordgo.InteractionResponseChannelMessageWithSource && i.Type == discordgo.InteractionMessageComponent:
		_, err = b.s.FollowupMessageCreate(i, false, &discordgo.WebhookParams{Content: d.Content, Embeds: d.Embeds, Components: components,
			Files: d.Files, Flags: d.Flags, AllowedMentions: d.AllowedMentions}, discordgo.WithContext(ctx))
	case resp.Type == discordgo.InteractionResponseChannelMessageWithSource, resp.Type == discordgo.InteractionResponseUpdateMessage:
		embeds := d.Embeds
		if embeds == nil {
			embeds = []*discordgo.MessageEmbed{}
		}
		_, err = b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &d.Content, Embeds: &embeds, Components: &components,
			Files: d.Files, AllowedMentions: d.AllowedMentions}, discordgo.WithContext(ctx))
	default:
		return fmt.Errorf("a response of type %d cannot follow an acknowledgement", resp.Type)
	}
	var ue *url.Error
	if errors.As(err, &ue) { // the URL holds the interaction token
		err = ue.Err
	}
	if err != nil {
		return fmt.Errorf("send the response: %w", err)
	}
	return nil
}
