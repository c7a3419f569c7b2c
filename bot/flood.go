package bot

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Flood control windows.
const (
	// repeatWindow: the same person posting the same question again in a channel within this
	// time (a double send, an impatient repost) gets no second answer.
	repeatWindow = 30 * time.Second
	// pointWindow: when someone else asks what was just answered in the channel, within this
	// time the bot points to its earlier answer instead of posting it again.
	pointWindow = time.Minute
	// limiterIdle: a person's rate limiter is forgotten after this long without questions, so
	// the map stays as small as the set of recent askers.
	limiterIdle = 10 * time.Minute
	// maxRecentPerChannel bounds the answers remembered per channel.
	maxRecentPerChannel = 20
)

// flood decides which questions deserve an answer: it keeps a token bucket per asker and the
// recent answers per channel. It is safe for concurrent use, and its memory is bounded by the
// number of people and channels active in the last few minutes.
type flood struct {
	perMinute int
	burst     int

	mu        sync.Mutex
	users     map[string]*asker
	channels  map[string][]*recentAnswer
	lastSweep time.Time
}

type asker struct {
	limiter *rate.Limiter
	seen    time.Time
	warned  bool // told once that they are going too fast; silent until allowed again
}

type recentAnswer struct {
	question  string // normalized
	askerID   string
	at        time.Time
	entryID   string        // set when the answer is known
	messageID string        // set when the answer has been posted
	sent      chan struct{} // closed once posting ended, posted or not
}

func newFlood(perMinute, burst int) *flood {
	return &flood{
		perMinute: max(perMinute, 1), burst: max(burst, 1),
		users: map[string]*asker{}, channels: map[string][]*recentAnswer{},
	}
}

// verdict is what to do with a question.
type verdict int

const (
	allow    verdict = iota
	slowDown         // over the rate: say so once
	drop             // over the rate and already told, or a repeat: stay silent
)

// admit charges one question to userID's bucket.
func (f *flood) admit(userID string, now time.Time) verdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweep(now)
	a := f.users[userID]
	if a == nil {
		a = &asker{limiter: rate.NewLimiter(rate.Limit(float64(f.perMinute)/60), f.burst)}
		f.users[userID] = a
	}
	a.seen = now
	if a.limiter.AllowN(now, 1) {
		a.warned = false
		return allow
	}
	if a.warned {
		return drop
	}
	a.warned = true
	return slowDown
}

// claim records that userID asks question in a channel, unless they asked the same just now:
// then ok is false and the question gets no second answer. Checking and recording happen
// together, so two copies of a message arriving at once are answered once.
func (f *flood) claim(channelID, userID, question string, now time.Time) (r *recentAnswer, ok bool) {
	q := normalizeQuestion(question)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.channels[channelID] {
		if r.askerID == userID && r.question == q && now.Sub(r.at) < repeatWindow {
			return nil, false
		}
	}
	r = &recentAnswer{question: q, askerID: userID, at: now, sent: make(chan struct{})}
	recent := append(f.channels[channelID], r)
	if len(recent) > maxRecentPerChannel {
		recent = recent[len(recent)-maxRecentPerChannel:]
	}
	f.channels[channelID] = recent
	return r, true
}

// answering records which entry a claimed question is being answered with.
func (f *flood) answering(r *recentAnswer, entryID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.entryID = entryID
}

// settle records where the answer was posted ("" if it was not), and releases those waiting
// for it in earlier. It must be called once for every claim.
func (f *flood) settle(r *recentAnswer, messageID string) {
	f.mu.Lock()
	r.messageID = messageID
	f.mu.Unlock()
	close(r.sent)
}

// earlierWait bounds how long a question waits for an identical answer still being posted.
const earlierWait = 2 * time.Second

// earlier returns the message that answered entryID in the channel within pointWindow for
// someone else, if any. An answer still being posted is waited for (up to earlierWait), so two
// people asking at once still get one answer and one pointer.
func (f *flood) earlier(channelID, userID, entryID string, now time.Time) (messageID string, ok bool) {
	f.mu.Lock()
	var found *recentAnswer
	recent := f.channels[channelID]
	for i := len(recent) - 1; i >= 0; i-- {
		r := recent[i]
		if r.entryID == entryID && r.askerID != userID && now.Sub(r.at) < pointWindow {
			found = r
			break
		}
	}
	f.mu.Unlock()
	if found == nil {
		return "", false
	}
	select {
	case <-found.sent:
	case <-time.After(earlierWait):
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return found.messageID, found.messageID != ""
}

// sweep forgets idle askers and old answers, at most once a minute.
func (f *flood) sweep(now time.Time) {
	if now.Sub(f.lastSweep) < time.Minute {
		return
	}
	f.lastSweep = now
	for id, a := range f.users {
		if now.Sub(a.seen) > limiterIdle {
			delete(f.users, id)
		}
	}
	for ch, recent := range f.channels {
		kept := recent[:0]
		for _, r := range recent {
			if now.Sub(r.at) < max(pointWindow, repeatWindow) {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			delete(f.channels, ch)
		} else {
			f.channels[ch] = kept
		}
	}
}

func normalizeQuestion(q string) string {
	return strings.Join(strings.Fields(strings.ToLower(q)), " ")
}
