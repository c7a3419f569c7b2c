package knowledge_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/footbot/footbot/knowledge"
)

// TestAnswersDuringReloadsSeeOneWholeBase hammers answers while the base is swapped back and
// forth between two versions; run with -race. Every answer must come from one version whole:
// the entry it names exists in that version with that title.
func TestAnswersDuringReloadsSeeOneWholeBase(t *testing.T) {
	dir := copyShipped(t)
	old, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "benefits.yaml")
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(data), "Benefit: better sleep", "Benefit: sleeping better")), 0o644); err != nil {
		t.Fatal(err)
	}
	updated, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := knowledge.NewIndex(old)
	if err != nil {
		t.Fatal(err)
	}
	live := knowledge.NewLive(ix)
	defer live.Close()

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				a, err := live.Answer(context.Background(), "can foot massage help me sleep?")
				if err != nil {
					t.Error(err)
					return
				}
				if !a.Answered() || (a.Entry.Title != "Benefit: better sleep" && a.Entry.Title != "Benefit: sleeping better") {
					t.Errorf("answer %v %v mixes bases", a.Outcome, a.Entry)
					return
				}
			}
		})
	}
	for i := range 40 {
		next := updated
		if i%2 == 1 {
			next = old
		}
		if _, err := live.Reload(func() (*knowledge.Base, error) { return next, nil }); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestReloadKeepsTheOldBaseWhenAFileIsBroken(t *testing.T) {
	dir := copyShipped(t)
	base, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := knowledge.NewIndex(base)
	live := knowledge.NewLive(ix)
	defer live.Close()
	if err := os.WriteFile(filepath.Join(dir, "faq.yaml"), []byte("entries:\n  - id: [broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Reload(func() (*knowledge.Base, error) { return knowledge.LoadDir(dir) }); err == nil {
		t.Fatal("a broken file reloaded")
	}
	if live.Base() != base {
		t.Error("a failed reload replaced the base")
	}
	if a, err := live.Answer(context.Background(), "how often should I massage my feet"); err != nil || !a.Answered() {
		t.Errorf("after a failed reload: %v %v", a.Outcome, err)
	}
}

func TestAnswerAfterCloseFailsInsteadOfSpinning(t *testing.T) {
	base, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := knowledge.NewIndex(base)
	live := knowledge.NewLive(ix)
	live.Close()
	if _, err := live.Answer(context.Background(), "how often should I massage my feet"); !errors.Is(err, knowledge.ErrClosed) {
		t.Errorf("Answer after Close = %v, want ErrClosed", err)
	}
}
