package knowledge_test

import (
	"context"
	"fmt"

	"github.com/footbot/footbot/knowledge"
)

func Example() {
	base, err := knowledge.Default() // the knowledge base built into footbot
	if err != nil {
		panic(err)
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	ctx := context.Background()

	a, _ := ix.Answer(ctx, "can a foot rub help me sleap?") // typos are fine
	fmt.Println(a.Outcome, a.Entry.ID, a.Safety)

	a, _ = ix.Answer(ctx, "I'm pregnant, is reflexology safe?")
	fmt.Println(a.Outcome, a.Entry.ID, a.Safety)

	a, _ = ix.Answer(ctx, "which running shoes should I buy?")
	fmt.Println(a.Outcome, a.Entry == nil)

	a, _ = ix.Answer(ctx, "my chest feels crushed and my left arm is numb")
	fmt.Println(a.Outcome, a.Emergency, len(a.Suggestions))
	// Output:
	// answered benefit-sleep false
	// answered who-should-avoid true
	// declined true
	// emergency true 0
}
