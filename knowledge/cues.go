package knowledge

import (
	"fmt"
	"math"
	"strings"
)

// Cues are the words that, together, tell an emergency in words no trigger foresaw. The
// triggers (notices.yaml) name the signs a person would look for; a message told in words of
// its own ("he's gone a funny colour and isn't making sense") still uses many words that
// emergencies use and other messages seldom do ("pale", "suddenly", "lips", "hour ago"). Each
// cue's weight is how much more often emergencies have it than other messages (a log-odds
// ratio); a message whose weights, with the bias, add up to more than the threshold gets the
// call for help, as one a trigger finds does. A naive Bayes classifier, in the words of the
// spam filters it comes from.
//
// The shipped weights are fitted on the tuning sets' messages (FIT=cues CUES_OUT=kb/cues.yaml
// go test -run FitEmergencyCues); a moderator may add or change a word, and a fit writes them
// all anew.
type Cues struct {
	Threshold float64            `yaml:"threshold"`
	Bias      float64            `yaml:"bias"`
	Weights   map[string]float64 `yaml:"weights"`
}

// score is the message's summed evidence: the bias and the weight of each distinct word.
func (c Cues) score(words []string) float64 {
	s := c.Bias
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		if w != "" && !seen[w] {
			seen[w] = true
			s += c.Weights[w]
		}
	}
	return s
}

// tell reports whether the words add up to an emergency; a base without cues tells none.
func (c Cues) tell(words []string) bool {
	return len(c.Weights) > 0 && c.score(words) > c.Threshold
}

// cueProblem says what is wrong with one cue, "" if nothing: a cue is one lowercase word as
// wordsOf splits a message, and its weight a finite number.
func cueProblem(word string, weight float64) string {
	switch {
	case math.IsNaN(weight) || math.IsInf(weight, 0):
		return fmt.Sprintf("the weight of cue %q is not a number", word)
	case strings.ToLower(word) != word:
		return fmt.Sprintf("cue %q must be lowercase", word)
	}
	if w := wordsOf(word); len(w) != 1 || w[0] != word {
		return fmt.Sprintf("cue %q must be one word, as a message splits into words (no spaces or punctuation)", word)
	}
	return ""
}
