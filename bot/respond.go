package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
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
