package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAnswerInOrderKeepsTheOrder: replies that finish out of order are written in the order the
// questions came.
func TestAnswerInOrderKeepsTheOrder(t *testing.T) {
	var qs []string
	for i := range 200 {
		qs = append(qs, fmt.Sprint(i))
	}
	reply := func(q string) ([]byte, error) {
		time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
		return []byte("re " + q), nil
	}
	var out bytes.Buffer
	if err := answerInOrder(context.Background(), slices.Values(qs), 4, reply, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(qs) {
		t.Fatalf("%d lines out for %d questions", len(lines), len(qs))
	}
	for i, l := range lines {
		if l != "re "+qs[i] {
			t.Fatalf("line %d is %q, want %q", i, l, "re "+qs[i])
		}
	}
}

// TestAnswerInOrderStopsAtAnError: the first failed reply ends the run with its error, after
// the replies before it, and nothing hangs.
func TestAnswerInOrderStopsAtAnError(t *testing.T) {
	boom := errors.New("index closed")
	reply := func(q string) ([]byte, error) {
		if q == "3" {
			return nil, boom
		}
		return []byte(q), nil
	}
	endless := func(yield func(string) bool) {
		for i := 0; ; i++ {
			if !yield(fmt.Sprint(i)) {
				return
			}
		}
	}
	var out bytes.Buffer
	if err := answerInOrder(context.Background(), endless, 2, reply, &out); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if out.String() != "0\n1\n2\n" {
		t.Errorf("wrote %q before the error, want the three replies before it", out.String())
	}
}
