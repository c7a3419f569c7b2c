package knowledge

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestDebugFeatures(t *testing.T) {
	qs := os.Getenv("DEBUGQ")
	if qs == "" {
		t.Skip()
	}
	ix := testIndex(t)
	for _, q := range strings.Split(qs, "|") {
		words := wordsOf(CleanQuestion(q))
		aq := ix.analyzeQuestion(ix.vocab.correct(slices.Clone(words)))
		terms := ix.vocab.meaningful(aq.english)
		var tv []string
		for _, tm := range terms {
			v := ix.vocab.variants(tm)
			tv = append(tv, fmt.Sprintf("%s(w%.2f,u%v,t%v)", tm, ix.vocab.weight(v), ix.vocab.unknown(v), ix.vocab.topic(v)))
		}
		d, hits, _ := ix.consider(context.Background(), words, ix.signals.safety(words), ix.signals.emergency(words))
		fmt.Printf("%q\n  terms %v\n  rule %s\n", q, tv, d.rule)
		for _, h := range hits[:min(3, len(hits))] {
			fmt.Printf("  %-24s cov %.2f score %.2f\n", h.entry.ID, h.coverage, h.score)
		}
	}
}
