// Package knowledge is footbot's domain: the FAQ entries a moderator edits, their loading and
// validation, the bleve index that matches questions to entries, and the Answer a question gets.
//
// It knows nothing about Discord: the terminal and the bot are two renderings of the same Answer.
//
//	base, err := knowledge.Default()
//	if err != nil { ... }
//	ix, err := knowledge.NewIndex(base)
//	if err != nil { ... }
//	fmt.Println(ix.Answer("Can foot massage help me sleep?").Text())
package knowledge
