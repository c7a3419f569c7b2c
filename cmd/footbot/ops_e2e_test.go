package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/footbot/footbot/internal/config"
	"github.com/footbot/footbot/internal/discordtest"
)

func TestReloadIsForModeratorsAndKeepsTheOldBaseWhenAFileIsBroken(t *testing.T) {
	srv := newServer(t)
	dir := copyKnowledge(t)
	helper, _ := srv.Config().Guilds[0].Role("Helper")
	w := start(t, srv, func(c *config.Config) {
		c.KnowledgeDir = dir
		c.WatchKnowledge = false // this test is about /reload; the watcher has its own
		c.ModRoles = []string{helper.ID}
	})
	faq := filepath.Join(dir, "faq.yaml")

	editFile(t, faq, "entries:\n", "entries:\n  - id: reload-test\n    kind: faq\n    title: Reload test\n    questions: [What is the zebracorn?]\n    answer: The zebracorn is a test.\n")
	refused := data(t, w.command("carol", "reload"))
	if refused.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(refused.Content, "Only moderators") {
		t.Errorf("carol's /reload = %+v, want an ephemeral refusal", refused)
	}
	if a, _ := w.main.live.Answer(context.Background(), "what is the zebracorn"); a.Answered() && a.Entry.ID == "reload-test" {
		t.Fatal("a refused /reload reloaded anyway")
	}
	ok := data(t, w.command("bob", "reload")) // Manage Server through the Moderator role
	if !strings.Contains(ok.Content, "faq.yaml\n  added reload-test") {
		t.Errorf("bob's /reload said %q", ok.Content)
	}
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" what is the zebracorn?")
	if r := w.replyTo(q); r.Embeds[0].Title != "Reload test" {
		t.Errorf("after reload the answer is %q", r.Embeds[0].Title)
	}

	editFile(t, faq, "    title: Reload test\n", "    title: Reload test\n    titel: typo\n")
	broken := data(t, w.command("dave", "reload")) // a MOD_ROLE_IDS role without permissions
	wantLine := fmt.Sprintf("%s:", faq)
	if !strings.Contains(broken.Content, "Reload failed") || !strings.Contains(broken.Content, wantLine) || !strings.Contains(broken.Content, `unknown field "titel"`) {
		t.Errorf("dave's /reload of a broken file said %q", broken.Content)
	}
	q = w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" tell me about the zebracorn")
	if r := w.replyTo(q); r.Embeds[0].Title != "Reload test" {
		t.Errorf("after a rejected reload the answer is %q, want the previous base's", r.Embeds[0].Title)
	}
}

func TestSavingAKnowledgeFileReloadsItAndABadSaveIsKeptOut(t *testing.T) {
	srv := newServer(t)
	dir := copyKnowledge(t)
	w := start(t, srv, func(c *config.Config) { c.KnowledgeDir = dir })
	before := w.main.live.Base().Version
	faq := filepath.Join(dir, "faq.yaml")
	editFile(t, faq, "entries:\n", "entries:\n  - id: watch-test\n    kind: faq\n    title: Watch test\n    questions: [What is the quokkafoot?]\n    answer: The quokkafoot is a test.\n")
	eventually(t, func() error {
		if w.main.live.Base().Entry("watch-test") == nil {
			return errNotYet
		}
		return nil
	})
	saved := w.main.live.Base().Version
	if saved == before {
		t.Error("version did not change")
	}
	editFile(t, faq, "    title: Watch test\n", "    title: [unclosed\n")
	eventually(t, func() error {
		if !strings.Contains(w.logs.String(), "reload rejected") {
			return errNotYet
		}
		return nil
	})
	if !strings.Contains(w.logs.String(), faq+":") {
		t.Errorf("the bad save was not logged as file:line: message:\n%s", w.logs.String())
	}
	if w.main.live.Base().Version != saved {
		t.Error("a bad save replaced the knowledge base")
	}
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" what is the quokkafoot")
	if r := w.replyTo(q); r.Embeds[0].Title != "Watch test" {
		t.Errorf("answer after a bad save = %q", r.Embeds[0].Title)
	}
}

func TestA429OnTheReplyIsRetriedAndExactlyOneReplyArrives(t *testing.T) {
	w := start(t, newServer(t), func(c *config.Config) { c.HTTPAddr = "127.0.0.1:0" })
	w.srv.InjectRateLimit(discordtest.RateLimit{Method: "POST", Route: "/channels/{channel_id}/messages", Count: 2, RetryAfter: 100 * time.Millisecond})
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" how long should a foot massage last")
	w.replyTo(q)
	time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
	replies := 0
	for _, m := range w.srv.BotMessages() {
		if m.MessageReference != nil && m.MessageReference.MessageID == q.ID {
			replies++
		}
	}
	if replies != 1 {
		t.Errorf("%d replies, want exactly 1", replies)
	}
	if !strings.Contains(scrape(t, w), "footbot_discord_429_total 2") {
		t.Errorf("429s not counted:\n%s", grep(scrape(t, w), "429"))
	}
}

func TestTheBotAnswersAgainAfterReconnectOp7AndADroppedConnection(t *testing.T) {
	w := start(t, newServer(t), func(c *config.Config) { c.HTTPAddr = "127.0.0.1:0" })
	ask := func(q string) {
		t.Helper()
		m := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" "+q)
		w.replyTo(m)
	}
	ask("can foot massage lower blood pressure")
	if code, _ := health(t, w); code != http.StatusOK {
		t.Fatalf("healthz = %d before any trouble", code)
	}

	w.srv.SendReconnect()
	if err := w.srv.WaitResume(timeout(t), 1); err != nil {
		t.Fatalf("no resume after op 7: %v", err)
	}
	ask("does foot massage help headaches")

	w.srv.DropConnections()
	saw503 := false
	eventually(t, func() error {
		code, body := health(t, w)
		if code == http.StatusServiceUnavailable && strings.Contains(body, "gateway") {
			saw503 = true
		}
		if !saw503 || code != http.StatusOK {
			return fmt.Errorf("healthz %d %q (503 seen: %v)", code, body, saw503)
		}
		return nil
	})
	ask("is foot massage good for plantar fasciitis")
	if !strings.Contains(scrape(t, w), "footbot_gateway_reconnects_total 2") {
		t.Errorf("reconnects not counted:\n%s", grep(scrape(t, w), "reconnects"))
	}
}

func health(t *testing.T, w *world) (int, string) {
	t.Helper()
	return healthAt(t, w.main.HTTPAddr())
}

func healthAt(t *testing.T, addr string) (int, string) {
	t.Helper()
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func scrape(t *testing.T, w *world) string {
	t.Helper()
	if w.main.HTTPAddr() == "" {
		t.Fatal("no HTTP_ADDR in this test")
	}
	res, err := http.Get("http://" + w.main.HTTPAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func grep(text, word string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMetricsCountQuestionsInteractionsAndReloads(t *testing.T) {
	w := start(t, newServer(t), func(c *config.Config) { c.HTTPAddr = "127.0.0.1:0" })
	w.replyTo(w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" how often should i massage my feet"))
	w.replyTo(w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" where can i buy cheap sneakers"))
	w.command("carol", "routine")
	w.command("bob", "reload")
	m := scrape(t, w)
	for _, want := range []string{
		`footbot_questions_total{outcome="answered"} 1`,
		`footbot_questions_total{outcome="declined"} 1`,
		`footbot_interactions_total{command="routine"} 1`,
		`footbot_reloads_total{result="ok"} 1`,
		`footbot_knowledge_entries 24`,
		`footbot_answer_seconds_count 2`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !strings.Contains(w.logs.String(), "outcome=declined") || strings.Contains(w.logs.String(), "cheap sneakers") {
		t.Error("question log lines should carry the outcome and, without LOG_QUESTIONS, not the text")
	}
}

func TestShutdownDeliversTheReplyInFlight(t *testing.T) {
	w := start(t, newServer(t), nil)
	w.srv.InjectRateLimit(discordtest.RateLimit{Method: "POST", Route: "/channels/{channel_id}/messages", Count: 1, RetryAfter: 700 * time.Millisecond})
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" how does foot massage affect the brain")
	if _, err := w.srv.WaitRequest(timeout(t), func(r discordtest.Request) bool { return r.Status == 429 }); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := w.stop(); err != nil { // SIGTERM while the reply waits out its 429
		t.Fatalf("Run = %v, want nil after a graceful shutdown", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("shutdown took %v, want < 5 s", took)
	}
	w.replyTo(q)
	if w.srv.Connections() != 0 {
		t.Error("the gateway connection is still open after shutdown")
	}
}

func TestFloodControlAnswersAFewThenSaysSoOnce(t *testing.T) {
	w := start(t, newServer(t), func(c *config.Config) { c.RatePerMinute, c.RateBurst = 1, 2 })
	asked := map[string]bool{}
	for _, q := range []string{"how often", "how long", "pressure points", "reflexology", "circulation"} {
		asked[w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" "+q+" foot massage").ID] = true
	}
	// Someone else is still answered; by then carol's five have had their turn.
	w.replyTo(w.say("bob", w.channel("general"), discordtest.Mention(w.botID())+" benefits of foot massage"))
	time.Sleep(200 * time.Millisecond)
	answers, notes := 0, 0
	for _, m := range w.srv.BotMessages() {
		if m.MessageReference == nil || !asked[m.MessageReference.MessageID] {
			continue
		}
		switch {
		case len(m.Embeds) > 0:
			answers++
		case strings.Contains(m.Content, "faster than I can keep up"):
			notes++
		default:
			t.Errorf("unexpected reply %q", m.Content)
		}
	}
	if answers != 2 || notes != 1 {
		t.Errorf("5 quick questions got %d answers and %d notes, want 2 and 1 (burst 2, then one note, then silence)", answers, notes)
	}
	slash := data(t, w.command("carol", "ask", discordtest.CommandOption{Name: "question", Value: "how often"}))
	if slash.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(slash.Content, "faster") {
		t.Errorf("/ask over the limit = %+v, want an ephemeral note", slash)
	}
}

func TestRepeatsAndSameAnswersInAChannelAreNotPostedTwice(t *testing.T) {
	w := start(t, newServer(t), nil)
	ch := w.channel("general")
	first := w.say("carol", ch, discordtest.Mention(w.botID())+" how long should a foot massage last?")
	answer := w.replyTo(first)
	again := w.say("carol", ch, discordtest.Mention(w.botID())+" how long should a foot massage last?")
	other := w.say("bob", ch, discordtest.Mention(w.botID())+" how many minutes should a foot massage take")
	pointer := w.replyTo(other)
	if len(pointer.Embeds) != 0 || !strings.Contains(pointer.Content, answer.ID) {
		t.Errorf("second asker got %q, want a pointer to message %s", pointer.Content, answer.ID)
	}
	w.noReplyTo(again)
}

func TestFeedbackAndUnansweredQuestionsSurviveARestart(t *testing.T) {
	srv := newServer(t)
	data0 := t.TempDir()
	w := start(t, srv, func(c *config.Config) { c.DataDir = data0 })
	declined := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" what shoe size is best for hiking")
	w.replyTo(declined)
	answered := w.replyTo(w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" how often should i massage my feet"))
	var vote string
	for _, c := range answered.Components {
		for _, b := range c.(*discordgo.ActionsRow).Components {
			if btn, ok := b.(*discordgo.Button); ok && strings.HasSuffix(btn.CustomID, "/down") {
				vote = btn.CustomID
			}
		}
	}
	if vote == "" {
		t.Fatal("answer has no Not helpful button")
	}
	in, err := srv.SendComponent(discordtest.ComponentUse{MessageID: answered.ID, CustomID: vote, UserID: w.member("carol")})
	if err != nil {
		t.Fatal(err)
	}
	if d := data(t, w.callback(in.ID)); d.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("vote acknowledgement should be ephemeral: %+v", d)
	}
	if err := w.stop(); err != nil {
		t.Fatal(err)
	}
	w.main.Close()

	w2 := start(t, srv, func(c *config.Config) { c.DataDir = data0 })
	unanswered := data(t, w2.command("bob", "unanswered")).text()
	if !strings.Contains(unanswered, "what shoe size is best for hiking") || !strings.Contains(unanswered, "How often to massage your feet") {
		t.Errorf("/unanswered after a restart:\n%s", unanswered)
	}
	if refused := data(t, w2.command("carol", "unanswered")).Content; !strings.Contains(refused, "Only moderators") {
		t.Errorf("carol's /unanswered = %q", refused)
	}
	var out strings.Builder
	if err := report(context.Background(), config.Default(), []string{"--data", data0}, &out); err != nil || !strings.Contains(out.String(), "shoe size") {
		t.Errorf("footbot report = %v:\n%s", err, out.String())
	}
}

func TestTheAskerCanDismissAWrongAnswer(t *testing.T) {
	w := start(t, newServer(t), nil)
	q := w.say("carol", w.channel("general"), discordtest.Mention(w.botID())+" how often should i massage my feet")
	r := w.replyTo(q)
	var dismiss string
	for _, c := range r.Components {
		for _, b := range c.(*discordgo.ActionsRow).Components {
			if btn, ok := b.(*discordgo.Button); ok && strings.HasPrefix(btn.CustomID, "del/") {
				dismiss = btn.CustomID
			}
		}
	}
	other, _ := w.srv.SendComponent(discordtest.ComponentUse{MessageID: r.ID, CustomID: dismiss, UserID: w.member("dave")})
	if d := data(t, w.callback(other.ID)); !strings.Contains(d.Content, "Only the person who asked") {
		t.Errorf("someone else's dismiss = %q", d.Content)
	}
	mine, _ := w.srv.SendComponent(discordtest.ComponentUse{MessageID: r.ID, CustomID: dismiss, UserID: w.member("carol")})
	if c := w.callback(mine.ID); c.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Errorf("dismiss callback type %d", c.Type)
	}
	eventually(t, func() error {
		if _, ok := w.srv.Message(r.ID); ok {
			return errNotYet
		}
		return nil
	})
}

func TestA429OnAnInteractionCallbackIsRetriedWithinTheDeadline(t *testing.T) {
	w := start(t, newServer(t), nil)
	w.srv.InjectRateLimit(discordtest.RateLimit{Method: "POST", Route: "/interactions/{id}/{token}/callback", Count: 1, RetryAfter: 200 * time.Millisecond})
	c := w.command("carol", "routine")
	if c.Type != discordgo.InteractionResponseChannelMessageWithSource || c.Latency > 3*time.Second {
		t.Errorf("callback type %d after %v", c.Type, c.Latency)
	}
	// The callback's record may land just after the interaction is marked answered.
	if _, err := w.srv.WaitRequest(timeout(t), func(r discordtest.Request) bool {
		return strings.HasSuffix(r.Route, "/callback") && r.Status < 300
	}); err != nil {
		t.Fatal(err)
	}
	tries := 0
	for _, r := range w.srv.Requests() {
		if strings.HasSuffix(r.Route, "/callback") {
			tries++
		}
	}
	if tries != 2 {
		t.Errorf("%d callback requests, want 2 (one 429, one retry)", tries)
	}
}

// A bad save that cuts a file in half still loads (it is valid YAML), but the /reload answer
// names the file, says what changed in each entry, and warns.
func TestAFileCutInHalfReloadsWithAWarningThatNamesIt(t *testing.T) {
	srv := newServer(t)
	dir := copyKnowledge(t)
	w := start(t, srv, func(c *config.Config) {
		c.KnowledgeDir = dir
		c.WatchKnowledge = false
	})
	routine := filepath.Join(dir, "routine.yaml")
	b, err := os.ReadFile(routine)
	if err != nil {
		t.Fatal(err)
	}
	cut := strings.Index(string(b), "      - title: Press the key points")
	half := string(b[:cut]) // three steps, the third ending "Keep the"
	half = half[:strings.LastIndex(half, " ")]
	if err := os.WriteFile(routine, []byte(half+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := data(t, w.command("bob", "reload")).Content
	for _, want := range []string{routine + "\n  changed self-massage-routine: ", "steps 5 → 3",
		"Warnings", routine + ":", "warning: self-massage-routine step 3 ends mid-sentence"} {
		if !strings.Contains(got, want) {
			t.Errorf("/reload said %q; want it to contain %q", got, want)
		}
	}
	if a, _ := w.main.live.Answer(context.Background(), "how do i massage my own feet"); !a.Answered() || len(a.Entry.Steps) != 3 {
		t.Errorf("after the reload the routine has %v, want the cut file's 3 steps in service", a.Entry)
	}
}

// teachMenu finds the /unanswered menu of the declined question q.
func teachMenu(t *testing.T, r response, q string) *discordgo.SelectMenu {
	t.Helper()
	lines := strings.Split(r.Embeds[0].Description, "\n")
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "**") {
			n++
			if strings.Contains(l, q) {
				return r.Components[n-1].(*discordgo.ActionsRow).Components[0].(*discordgo.SelectMenu)
			}
		}
	}
	t.Fatalf("/unanswered does not list %q:\n%s", q, r.text())
	return nil
}

func TestAQuestionTaughtFromUnansweredIsAnsweredNextTime(t *testing.T) {
	teachFromUnanswered(t, nil)
}

// A moderator's change rebuilds the index, which can take longer than Discord's 3 s on a busy
// machine: then every response is acknowledged first and arrives as an edit or a followup.
// This runs the same flow with every interaction taking that path.
func TestTheModeratorsFlowWorksWhenEveryResponseIsLate(t *testing.T) {
	w := teachFromUnanswered(t, func(m *Main) { m.DeferAfter = -1 })
	late := map[discordgo.InteractionResponseType]int{}
	for _, in := range w.srv.Interactions() {
		if in.Callback != nil {
			late[in.Callback.Type]++
		}
	}
	if late[discordgo.InteractionResponseDeferredChannelMessageWithSource] == 0 || late[discordgo.InteractionResponseDeferredMessageUpdate] == 0 {
		t.Errorf("callbacks by type %v: want commands and buttons acknowledged first", late)
	}
	if logs := w.logs.String(); strings.Contains(logs, "deliver a deferred response") || strings.Contains(logs, "respond to interaction") {
		t.Errorf("a late response or its acknowledgement failed:\n%s", logs)
	}
}

// A late response cannot change whether it is seen by everyone: the acknowledgement says so,
// from the command and its options.
func TestALateResponseKeepsItsPrivacy(t *testing.T) {
	srv := newServer(t)
	w := startMain(t, srv, srv.Config().Guilds[0], nil, func(m *Main) { m.DeferAfter = -1 })
	for _, private := range []bool{true, false} {
		in, err := srv.SendCommand(discordtest.CommandInvocation{Name: "routine", UserID: w.member("carol"), ChannelID: w.channel("general"),
			Options: []discordtest.CommandOption{{Name: "private", Value: private}}})
		if err != nil {
			t.Fatal(err)
		}
		d := data(t, w.callback(in.ID))
		if got := d.Flags&discordgo.MessageFlagsEphemeral != 0; got != private || len(d.Embeds) == 0 {
			t.Errorf("/routine private:%v: ephemeral %v, %d embeds", private, got, len(d.Embeds))
		}
		if rec, _ := srv.Interaction(in.ID); rec.Callback.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Errorf("/routine private:%v: callback %d, want an acknowledgement first", private, rec.Callback.Type)
		}
	}
}

func teachFromUnanswered(t *testing.T, adjust func(*Main)) *world {
	srv := newServer(t)
	dataDir := t.TempDir()
	w := startMain(t, srv, srv.Config().Guilds[0], func(c *config.Config) { c.DataDir = dataDir }, adjust) // the built-in knowledge
	general := w.channel("general")
	const missed, offTopic = "what is the zorbian foot wiggle", "how do i get my dog to sit"
	for _, q := range []string{missed, offTopic} {
		if r := w.replyTo(w.say("carol", general, discordtest.Mention(w.botID())+" "+q)); r.Embeds[0].Title != "I don't know that one" {
			t.Fatalf("%q got %q, want a decline", q, r.Embeds[0].Title)
		}
	}
	page, err := srv.SendCommand(discordtest.CommandInvocation{Name: "unanswered", UserID: w.member("bob"), ChannelID: general})
	if err != nil {
		t.Fatal(err)
	}
	got := w.callback(page.ID)
	list := data(t, got)
	pageMsg := ""
	for _, in := range srv.Interactions() { // the response message carries the menus
		if in.ID == page.ID {
			pageMsg = in.OriginalMessageID
		}
	}
	menu := teachMenu(t, list, missed)
	var values []string
	for _, o := range menu.Options {
		values = append(values, o.Value)
	}
	if !slices.Contains(values, "how-often") || values[len(values)-1] != "out-of-scope" || len(values) > 25 {
		t.Fatalf("menu offers %v", values)
	}
	// A plain member cannot teach, even with the menu in hand; nothing changes.
	refused, err := srv.SendComponent(discordtest.ComponentUse{MessageID: pageMsg, CustomID: menu.CustomID, Values: []string{"how-often"}, UserID: w.member("carol")})
	if err != nil {
		t.Fatal(err)
	}
	if d := data(t, w.callback(refused.ID)); d.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(d.Content, "Only moderators") {
		t.Errorf("carol's teach = %+v, want an ephemeral refusal", d)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "knowledge")); err == nil {
		t.Fatal("a refused teach copied the knowledge")
	}

	before := w.main.live.Base().Version
	start := time.Now()
	taught, err := srv.SendComponent(discordtest.ComponentUse{MessageID: pageMsg, CustomID: menu.CustomID, Values: []string{"how-often"}, UserID: w.member("bob")})
	if err != nil {
		t.Fatal(err)
	}
	after := data(t, w.callback(taught.ID))
	t.Logf("teach: click to updated list in %v", time.Since(start))
	copied := filepath.Join(dataDir, "knowledge")
	if !strings.Contains(after.Content, "Taught: “"+missed+"”") || !strings.Contains(after.Content, filepath.Join(copied, "guidance.yaml")+":") ||
		!strings.Contains(after.Content, "copied it to") {
		t.Errorf("after teaching, the list says %q", after.Content)
	}
	if strings.Contains(after.text(), "**1.** "+missed) || strings.Contains(after.Embeds[0].Description, missed) {
		t.Errorf("the taught question is still listed:\n%s", after.text())
	}
	// Another member asks the same: the taught entry answers.
	if r := w.replyTo(w.say("dave", general, discordtest.Mention(w.botID())+" "+missed)); r.Embeds[0].Title != "How often to massage your feet" {
		t.Errorf("after teaching, %q gets %q", missed, r.Embeds[0].Title)
	}
	// The copy is what the bot and the terminal answer from now, and it is valid.
	if code, out, _ := runCLI(t, "", "validate", copied); code != 0 {
		t.Errorf("footbot validate %s: exit %d:\n%s", copied, code, out)
	}

	// Out of scope: kept and counted, no longer listed.
	list = data(t, w.command("bob", "unanswered"))
	menu = teachMenu(t, list, offTopic)
	filed, err := srv.SendComponent(discordtest.ComponentUse{MessageID: pageMsg, CustomID: menu.CustomID, Values: []string{"out-of-scope"}, UserID: w.member("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if d := data(t, w.callback(filed.ID)); !strings.Contains(d.Content, "out of scope") || strings.Contains(d.Embeds[0].Description, offTopic) ||
		!strings.Contains(d.Embeds[0].Description, "2 more were taught or marked out of scope") {
		t.Errorf("after filing as out of scope:\n%s", d.text())
	}

	// The change log, an export, and a rollback that restores the previous answers.
	sub := func(name string, opts ...discordtest.CommandOption) discordtest.CommandOption {
		return discordtest.CommandOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
	}
	if refused := data(t, w.command("carol", "kb", sub("rollback", discordtest.CommandOption{Name: "version", Value: before}))); !strings.Contains(refused.Content, "Only moderators") {
		t.Errorf("carol's /kb rollback = %q", refused.Content)
	}
	history := data(t, w.command("bob", "kb", sub("history"))).Content
	if !strings.Contains(history, before+" → ") || !strings.Contains(history, "teach how-often") || !strings.Contains(history, w.member("bob")) {
		t.Errorf("/kb history:\n%s", history)
	}
	exported, err := srv.SendCommand(discordtest.CommandInvocation{Name: "kb", Options: []discordtest.CommandOption{sub("export")}, UserID: w.member("bob"), ChannelID: general})
	if err != nil {
		t.Fatal(err)
	}
	w.callback(exported.ID)
	rec, _ := srv.Interaction(exported.ID)
	var names []string
	if m, ok := srv.Message(rec.OriginalMessageID); ok {
		for _, a := range m.Attachments {
			names = append(names, a.Filename)
		}
	}
	if !slices.Contains(names, "guidance.yaml") || !slices.Contains(names, "notices.yaml") {
		t.Errorf("/kb export attached %v", names)
	}
	rolled := data(t, w.command("bob", "kb", sub("rollback", discordtest.CommandOption{Name: "version", Value: before}))).Content
	if !strings.Contains(rolled, "Rolled back to version "+before) || !strings.Contains(rolled, "questions +0/−1") {
		t.Errorf("/kb rollback said %q", rolled)
	}
	if r := w.replyTo(w.say("ada", general, discordtest.Mention(w.botID())+" "+missed)); r.Embeds[0].Title != "I don't know that one" {
		t.Errorf("after the rollback, %q gets %q, want the decline again", missed, r.Embeds[0].Title)
	}
	if bad := data(t, w.command("bob", "kb", sub("rollback", discordtest.CommandOption{Name: "version", Value: "../../etc"}))).Content; !strings.Contains(bad, "no version") {
		t.Errorf("a rollback to a made-up version said %q", bad)
	}
	return w
}

func TestKnowledgeImportIsCheckedShownAndAppliedOnConfirm(t *testing.T) {
	srv := newServer(t)
	dir := copyKnowledge(t)
	w := start(t, srv, func(c *config.Config) { c.KnowledgeDir = dir; c.WatchKnowledge = false })
	general := w.channel("general")
	importFile := func(user string, content []byte) (discordtest.Interaction, response) {
		t.Helper()
		in, err := srv.SendCommand(discordtest.CommandInvocation{Name: "kb", UserID: w.member(user), ChannelID: general,
			Options: []discordtest.CommandOption{{Name: "import", Type: discordgo.ApplicationCommandOptionSubCommand,
				Options: []discordtest.CommandOption{{Name: "file", Value: discordtest.Upload{Name: "faq.yaml", Data: content, ContentType: "text/yaml"}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		r := data(t, w.callback(in.ID))
		rec, _ := srv.Interaction(in.ID)
		return rec, r
	}
	howLong := func() string {
		t.Helper()
		a, err := w.main.live.Answer(context.Background(), "how long should a foot massage last")
		if err != nil || !a.Answered() {
			t.Fatalf("how long: %v %v", a.Outcome, err)
		}
		return a.Entry.Answer
	}
	before := howLong()
	original, err := os.ReadFile(filepath.Join(dir, "faq.yaml"))
	if err != nil {
		t.Fatal(err)
	}

	if _, r := importFile("carol", original); !strings.Contains(r.Content, "Only moderators") {
		t.Errorf("carol's /kb import = %q", r.Content)
	}
	broken := strings.Replace(string(original), "  - id: how-long\n", "  - id: how-long\n    titel: typo\n", 1)
	if _, r := importFile("bob", []byte(broken)); !strings.Contains(r.Content, "Import refused") || !strings.Contains(r.Content, filepath.Join(dir, "faq.yaml")+":") ||
		!strings.Contains(r.Content, `unknown field "titel"`) {
		t.Errorf("a broken import said %q", r.Content)
	}
	if howLong() != before {
		t.Fatal("a refused import changed the answers")
	}

	edited := strings.Replace(string(original), "      For most people, yes:", "      ZEBRA. For most people, yes:", 1) // every-day's answer
	rec, shown := importFile("bob", []byte(edited))
	if !strings.Contains(shown.Content, "would change") || !strings.Contains(shown.Content, "faq.yaml\n  changed ") || !strings.Contains(shown.Content, ": answer") {
		t.Fatalf("a good import showed %q", shown.Content)
	}
	if a, _ := os.ReadFile(filepath.Join(dir, "faq.yaml")); string(a) != string(original) {
		t.Fatal("the import was written before Confirm")
	}
	confirm := shown.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.Button)
	pressed, err := srv.SendComponent(discordtest.ComponentUse{MessageID: rec.OriginalMessageID, CustomID: confirm.CustomID, UserID: w.member("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if d := data(t, w.callback(pressed.ID)); !strings.Contains(d.Content, "Imported.") {
		t.Errorf("Confirm said %q", d.Content)
	}
	if a, _ := os.ReadFile(filepath.Join(dir, "faq.yaml")); string(a) != edited {
		t.Error("the confirmed import is not in faq.yaml")
	}
	if r := w.replyTo(w.say("carol", general, discordtest.Mention(w.botID())+" is it ok to massage my feet every day")); !strings.Contains(r.Embeds[0].Description, "ZEBRA") {
		t.Errorf("after the import the answer is %q", r.Embeds[0].Description)
	}
}

func TestAnAnswerMarkedNotHelpfulIsListedWithItsQuestionAndFixed(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, func(c *config.Config) { c.DataDir = t.TempDir() })
	general := w.channel("general")
	const q = "is a foot rub every evening too much"
	answer := w.replyTo(w.say("carol", general, discordtest.Mention(w.botID())+" "+q))
	given := answer.Embeds[0].Title
	var down string
	for _, c := range answer.Components {
		for _, b := range c.(*discordgo.ActionsRow).Components {
			if btn, ok := b.(*discordgo.Button); ok && strings.HasSuffix(btn.CustomID, "/down") {
				down = btn.CustomID
			}
		}
	}
	vote, err := srv.SendComponent(discordtest.ComponentUse{MessageID: answer.ID, CustomID: down, UserID: w.member("carol")})
	if err != nil {
		t.Fatal(err)
	}
	w.callback(vote.ID)

	// The moderator opens /unanswered, then its list of unhelpful answers.
	page, err := srv.SendCommand(discordtest.CommandInvocation{Name: "unanswered", UserID: w.member("bob"), ChannelID: general})
	if err != nil {
		t.Fatal(err)
	}
	var button string
	deadline := time.Now().Add(5 * time.Second)
	for button == "" && time.Now().Before(deadline) { // the vote's question is recorded off the interaction's path
		list := data(t, w.callback(page.ID))
		for _, row := range list.Components {
			for _, c := range row.(*discordgo.ActionsRow).Components {
				if btn, ok := c.(*discordgo.Button); ok && btn.CustomID == "unhelpful/0" {
					button = btn.CustomID
				}
			}
		}
		if button == "" {
			time.Sleep(20 * time.Millisecond)
			if page, err = srv.SendCommand(discordtest.CommandInvocation{Name: "unanswered", UserID: w.member("bob"), ChannelID: general}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if button == "" {
		t.Fatal("/unanswered offers no list of unhelpful answers")
	}
	msg := ""
	for _, in := range srv.Interactions() {
		if in.ID == page.ID {
			msg = in.OriginalMessageID
		}
	}
	open, err := srv.SendComponent(discordtest.ComponentUse{MessageID: msg, CustomID: button, UserID: w.member("bob")})
	if err != nil {
		t.Fatal(err)
	}
	view := data(t, w.callback(open.ID))
	if !strings.Contains(view.Embeds[0].Description, q) || !strings.Contains(view.Embeds[0].Description, "answered with **"+given+"**") {
		t.Fatalf("the unhelpful list:\n%s", view.text())
	}
	menu := view.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.SelectMenu)
	if menu.Options[0].Value != "right" {
		t.Fatalf("the menu starts with %q", menu.Options[0].Value)
	}
	// A plain member cannot fix it.
	refused, _ := srv.SendComponent(discordtest.ComponentUse{MessageID: msg, CustomID: menu.CustomID, Values: []string{"how-long"}, UserID: w.member("carol")})
	if d := data(t, w.callback(refused.ID)); !strings.Contains(d.Content, "Only moderators") {
		t.Errorf("carol's fix = %q", d.Content)
	}
	fixed, err := srv.SendComponent(discordtest.ComponentUse{MessageID: msg, CustomID: menu.CustomID, Values: []string{"how-long"}, UserID: w.member("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if d := data(t, w.callback(fixed.ID)); !strings.Contains(d.Content, "Taught: “"+q+"”") || strings.Contains(d.Embeds[0].Description, q) {
		t.Errorf("after the fix:\n%s", d.text())
	}
	// In another channel: in this one, the earlier answer would get a pointer instead.
	if r := w.replyTo(w.say("ada", w.channel("help"), discordtest.Mention(w.botID())+" "+q)); len(r.Embeds) == 0 || r.Embeds[0].Title != "How long a foot massage should last" {
		t.Errorf("after the fix, %q gets %q %v", q, r.Content, r.Embeds)
	}
}

// /kb teach reaches any entry, whatever the menus of /unanswered offer: both of its options
// autocomplete, the question from the declined ones.
func TestKbTeachAutocompletesDeclinedQuestionsAndEntries(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, func(c *config.Config) { c.DataDir = t.TempDir() })
	general := w.channel("general")
	const missed = "how do i do the quibbly wibble"
	w.replyTo(w.say("carol", general, discordtest.Mention(w.botID())+" "+missed))
	teach := func(question, entry discordtest.CommandOption) []discordtest.CommandOption {
		return []discordtest.CommandOption{{Name: "teach", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []discordtest.CommandOption{question, entry}}}
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	for deadline := time.Now().Add(5 * time.Second); (len(choices) == 0 || choices[0].Name != missed) && time.Now().Before(deadline); { // declines are recorded off the reply's path
		in, err := srv.SendAutocomplete(discordtest.CommandInvocation{Name: "kb", UserID: w.member("bob"), ChannelID: general,
			Options: teach(discordtest.CommandOption{Name: "question", Value: "quibbly", Focused: true}, discordtest.CommandOption{Name: "entry", Value: ""})})
		if err != nil {
			t.Fatal(err)
		}
		choices = data(t, w.callback(in.ID)).Choices
	}
	if len(choices) != 1 || choices[0].Name != missed {
		t.Fatalf("question choices = %+v", choices)
	}
	id := choices[0].Value.(string)
	in, err := srv.SendAutocomplete(discordtest.CommandInvocation{Name: "kb", UserID: w.member("bob"), ChannelID: general,
		Options: teach(discordtest.CommandOption{Name: "question", Value: id}, discordtest.CommandOption{Name: "entry", Value: "pressure poi", Focused: true})})
	if err != nil {
		t.Fatal(err)
	}
	if entries := data(t, w.callback(in.ID)).Choices; len(entries) == 0 || entries[0].Value != "pressure-points" {
		t.Fatalf("entry choices = %+v", entries)
	}
	done := data(t, w.command("bob", "kb", teach(discordtest.CommandOption{Name: "question", Value: id}, discordtest.CommandOption{Name: "entry", Value: "pressure-points"})...))
	if !strings.Contains(done.Content, "Taught: “"+missed+"”") {
		t.Errorf("/kb teach said %q", done.Content)
	}
	if r := w.replyTo(w.say("ada", w.channel("help"), discordtest.Mention(w.botID())+" "+missed)); r.Embeds[0].Title != "Pressure points on the feet and what they link to" {
		t.Errorf("after /kb teach, %q gets %q", missed, r.Embeds[0].Title)
	}
	if list := data(t, w.command("bob", "unanswered")); strings.Contains(list.text(), missed) {
		t.Errorf("a taught question is still listed:\n%s", list.text())
	}
}
