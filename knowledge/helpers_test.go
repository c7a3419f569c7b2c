package knowledge_test

import (
	"testing"

	"github.com/footbot/footbot/knowledge"
)

func shippedIndex(tb testing.TB) *knowledge.Index {
	tb.Helper()
	base, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}
