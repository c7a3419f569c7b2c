// Package knowledge is footbot's domain: the FAQ entries a moderator edits, their loading and
// validation, the bleve index that matches questions to entries, and the Answer a question gets.
//
// It knows nothing about Discord: the terminal and the bot are two renderings of the same Answer.
//
// Answering is retrieval, then policy. The index searches the entries with bleve and measures
// each hit (its score, and how much of the question's known words it covers); signals read the
// question for risks, emergencies, permission and avoidance questions and off-topic subjects,
// with words from the knowledge files; and one pure function, decide, applies a table of named
// rules (policy.go) to those features and hits. Example (in example_test.go) shows the API:
//
//	base, err := knowledge.Default()
//	ix, err := knowledge.NewIndex(base)
//	a, err := ix.Answer(ctx, "Can foot massage help me sleep?")
//	fmt.Println(a.Text())
package knowledge
