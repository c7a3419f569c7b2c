package postgres

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/footbot/footbot/internal/kbedit"
	kbstoretest "github.com/footbot/footbot/internal/kbedit/storetest"
	"github.com/footbot/footbot/internal/pgtest"
	"github.com/footbot/footbot/knowledge"
)

// seeded opens a new database holding the built-in knowledge as its first version.
func seeded(t *testing.T, srv *pgtest.Server) (*DB, *Knowledge) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, srv.NewDatabase(t), discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	k := db.Knowledge()
	files, err := knowledge.ShippedFiles()
	if err != nil {
		t.Fatal(err)
	}
	if stored, err := k.Seed(ctx, files, knowledge.VersionOf(files), time.Now()); err != nil || !stored {
		t.Fatalf("Seed: %v, %v", stored, err)
	}
	return db, k
}

func TestKnowledgeStore(t *testing.T) {
	srv := pgtest.Start(t)
	kbstoretest.Run(t, func(t *testing.T) kbedit.Store {
		_, k := seeded(t, srv)
		return k
	})
}

func TestOnlyTheFirstSeedIsStored(t *testing.T) {
	srv := pgtest.Start(t)
	_, k := seeded(t, srv)
	ctx := context.Background()
	first, err := k.CurrentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := knowledge.ShippedFiles()
	files["extra.yaml"] = []byte("entries: []\n")
	if stored, err := k.Seed(ctx, files, knowledge.VersionOf(files), time.Now()); err != nil || stored {
		t.Errorf("a second Seed: stored %v, %v", stored, err)
	}
	if v, err := k.Latest(ctx); err != nil || v.ID != first || v.Files["extra.yaml"] != nil {
		t.Errorf("after a second Seed the latest is %s (%v), want the first, %s, unchanged", v.ID, err, first)
	}
	srv.Stop(t) // the store's errors name the database, as the feedback store's do
	if _, err := k.Latest(ctx); err == nil || !strings.Contains(err.Error(), "postgres 127.0.0.1:") || strings.Contains(err.Error(), srv.Password()) {
		t.Errorf("Latest with the database stopped: %v", err)
	}
}

// TestFollowHearsEveryCommit: a shard that follows the database hears a commit made through
// another connection at once, and one made while its connection was down when it is back.
func TestFollowHearsEveryCommit(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	writerDB, err := Open(ctx, url, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer writerDB.Close()
	writer := writerDB.Knowledge()
	files, _ := knowledge.ShippedFiles()
	first := kbedit.Version{ID: knowledge.VersionOf(files), Files: files}
	if _, err := writer.Seed(ctx, files, first.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	readerDB, err := Open(ctx, url, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer readerDB.Close()
	defer cancel() // first: Close waits for the follower's connection
	heard := make(chan string, 100)
	go readerDB.Knowledge().Follow(ctx, time.Hour, discard, func(v string) { heard <- v })
	expect := func(want string, within time.Duration) time.Duration {
		t.Helper()
		start := time.Now()
		deadline := time.After(within)
		for {
			select {
			case v := <-heard:
				if v == want {
					return time.Since(start)
				}
			case <-deadline:
				t.Fatalf("did not hear version %s within %s", want, within)
			}
		}
	}
	expect(first.ID, 5*time.Second) // on connecting

	next := func(from kbedit.Version, name string) kbedit.Version {
		f := maps.Clone(from.Files)
		f[name] = []byte("entries: []\n")
		v := kbedit.Version{ID: knowledge.VersionOf(f), Files: f}
		c := kbedit.Change{Time: time.Now(), User: "1", Action: "import", From: from.ID, Version: v.ID}
		err := writer.Commit(ctx, from, v, c)
		if err != nil { // after a restart, the pool's first use of an old connection fails
			err = writer.Commit(ctx, from, v, c)
		}
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	second := next(first, "a.yaml")
	if took := expect(second.ID, 2*time.Second); took > time.Second {
		t.Errorf("a commit took %s to be heard", took)
	}

	srv.Stop(t)
	srv.Restart(t)
	third := next(second, "b.yaml") // the follower's connection was dropped: it was not listening
	expect(third.ID, 10*time.Second)
}

// BenchmarkChangeReachesAnotherShard is the time from a change's commit on one shard to its
// arrival at another shard that follows the database (before that shard loads and swaps it in,
// which BenchmarkReload in package knowledge measures).
func BenchmarkChangeReachesAnotherShard(b *testing.B) {
	srv := pgtest.Start(b)
	url := srv.NewDatabase(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func() *Knowledge {
		db, err := Open(ctx, url, discard)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(db.Close)
		return db.Knowledge()
	}
	writer, reader := open(), open()
	files, _ := knowledge.ShippedFiles()
	cur := kbedit.Version{ID: knowledge.VersionOf(files), Files: files}
	if _, err := writer.Seed(ctx, files, cur.ID, time.Now()); err != nil {
		b.Fatal(err)
	}
	heard := make(chan string, 16)
	go reader.Follow(ctx, time.Hour, discard, func(v string) { heard <- v })
	<-heard
	var took []time.Duration
	n := 0
	for b.Loop() {
		n++
		f := maps.Clone(cur.Files)
		f["bench.yaml"] = []byte(fmt.Sprintf("entries: [] # %d\n", n))
		next := kbedit.Version{ID: knowledge.VersionOf(f), Files: f}
		start := time.Now()
		if err := writer.Commit(ctx, cur, next, kbedit.Change{Time: start, User: "1", Action: "bench", From: cur.ID, Version: next.ID}); err != nil {
			b.Fatal(err)
		}
		for v := <-heard; v != next.ID; v = <-heard {
		}
		took = append(took, time.Since(start))
		cur = next
	}
	reportPercentiles(b, took)
}
