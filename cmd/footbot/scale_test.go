package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/discordtest"
)

func TestShardSettingsReachTheIdentify(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(t, srv)
	cfg.ShardID, cfg.ShardCount = 1, 2
	m := &Main{Config: cfg, Stderr: &syncBuffer{}}
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	id, err := srv.WaitIdentify(timeout(t), 1)
	cancel()
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if id.Shard == nil || *id.Shard != [2]int{1, 2} {
		t.Errorf("identify shard = %v, want [1 2]", id.Shard)
	}
}

// BenchmarkMessageRoundTrip measures the whole path on loopback: from the test handing a message
// to the loopback Discord (which sends MESSAGE_CREATE on the gateway) to the arrival of the bot's
// reply request (POST /channels/{id}/messages). It reports the median and 99th percentile; the
// server's own schema checks are off. BenchmarkMessageRoundTripBaseline runs the same loop with
// a bare discordgo client that replies at once with a fixed text: the difference between the two
// is what footbot adds.
func BenchmarkMessageRoundTrip(b *testing.B) {
	roundTrips(b, func(srv *discordtest.Server) func() {
		cfg := testConfig(b, srv)
		cfg.RatePerMinute, cfg.RateBurst = 1<<30, 1<<30 // measure the answer path, not flood control
		cfg.LogLevel = 8                                // errors only: logging is not what is measured
		m := &Main{Config: cfg, Stderr: &syncBuffer{}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx) }()
		return func() { cancel(); <-done; m.Close() }
	})
}

func BenchmarkMessageRoundTripBaseline(b *testing.B) {
	roundTrips(b, func(srv *discordtest.Server) func() {
		dg, _ := discordgo.New("Bot " + testToken)
		base, _ := url.Parse(srv.URL())
		dg.Client = &http.Client{Transport: redirect{base}}
		dg.LogLevel = -1
		dg.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
			if m.Author.Bot {
				return
			}
			s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{Content: "ok", Reference: m.Reference()})
		})
		if err := dg.Open(); err != nil {
			b.Fatal(err)
		}
		return func() { dg.Close() }
	})
}

type redirect struct{ base *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.base.Scheme, r.base.Host
	return http.DefaultTransport.RoundTrip(req)
}

func roundTrips(b *testing.B, startBot func(*discordtest.Server) (stop func())) {
	srv, err := discordtest.Start(discordtest.Options{Token: testToken, Guilds: []discordtest.Guild{testGuild()},
		DisableSchemaValidation: true, RateLimit: 1 << 30, MaxRecords: 200})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	stop := startBot(srv)
	defer stop()
	if _, err := srv.WaitIdentify(context.Background(), 1); err != nil {
		b.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // READY handled, commands registered
	g := srv.Config().Guilds[0]
	ch, _ := g.Channel("general")
	carol, _ := g.Member("carol")
	questions := []string{"can foot massage help me sleep", "how often should i massage my feet", "what are the pressure points", "is reflexology safe in pregnancy"}
	var took []time.Duration
	for i := 0; b.Loop(); i++ {
		content := fmt.Sprintf("%s %s #%d", discordtest.Mention(srv.Config().BotUserID), questions[i%len(questions)], i)
		begin := time.Now()
		q, err := srv.SendUserMessage(discordtest.UserMessage{AuthorID: carol.User.ID, ChannelID: ch.ID, Content: content})
		if err != nil {
			b.Fatal(err)
		}
		reply, err := srv.WaitRequest(context.Background(), func(r discordtest.Request) bool {
			return r.Method == "POST" && bytes.Contains(r.Body, []byte(`"message_id":"`+q.ID+`"`))
		})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, reply.Time.Sub(begin))
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

// TestSoakHeapSettles sends many interactions through the loopback Discord and checks that the
// heap stops growing: every interaction callback carries a new id and token, and discordgo keeps
// a rate-limit bucket per URL forever (issue #1333), which footbot avoids. FOOTBOT_SOAK sets the
// count (100000 for the full soak); the default keeps the test suite quick.
func TestSoakHeapSettles(t *testing.T) {
	n := 2000
	if v := os.Getenv("FOOTBOT_SOAK"); v != "" {
		n, _ = strconv.Atoi(v)
	} else if testing.Short() {
		t.Skip("soak")
	}
	srv := discordtest.New(t, discordtest.Options{Token: testToken, Guilds: []discordtest.Guild{testGuild()},
		DisableSchemaValidation: true, RateLimit: 1 << 30, MaxRecords: 1000})
	w := start(t, srv, func(c *config.Config) {
		c.RatePerMinute, c.RateBurst = 1<<30, 1<<30
		c.LogLevel = 8
	})
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	var samples []uint64
	window := make(chan struct{}, 32) // interactions in flight at once (well under MaxRecords)
	errs := make(chan error, 1)
	for i := range n {
		window <- struct{}{}
		in, err := srv.SendCommand(discordtest.CommandInvocation{Name: "routine", UserID: w.member("carol"), ChannelID: w.channel("general")})
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer func() { <-window }()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if got, err := srv.WaitCallback(ctx, in.ID); err != nil || got.Callback == nil {
				select {
				case errs <- fmt.Errorf("interaction %d: %v", i, err):
				default:
				}
			}
		}()
		if (i+1)%(n/10) == 0 {
			samples = append(samples, heap())
		}
	}
	for range cap(window) {
		window <- struct{}{}
	}
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	t.Logf("%d interactions; heap in use after each tenth (MiB): %v", n, mib(samples))
	// After warm-up, the second half must not grow like the interactions do.
	mid, last := samples[len(samples)/2-1], samples[len(samples)-1]
	if last > mid+mid/2 && last-mid > 8<<20 {
		t.Errorf("heap grew from %d to %d MiB over the second half: something keeps every interaction", mid>>20, last>>20)
	}
}

func mib(v []uint64) []string {
	var out []string
	for _, x := range v {
		out = append(out, fmt.Sprintf("%.1f", float64(x)/(1<<20)))
	}
	return out
}
