package knowledge

import (
	"regexp"
	"strings"
)

// Word groups let one trigger say what would otherwise take dozens: "{leg} + {swollen} + {hot}"
// stands for every leg word with every swelling word and every heat word. An emergency told in
// new words is most often a known body part with a known sign in a pairing nobody listed; with
// groups, a word added to "leg" counts in every rule that names a leg.

// groupRef matches a {name} in a trigger.
var groupRef = regexp.MustCompile(`\{([^{}]*)\}`)

// groupName is what a group may be called: lowercase words joined by hyphens.
var groupName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// maxExpansion bounds the phrases one part of a trigger may stand for, so that a slip such as a
// group used five times in one phrase cannot make the bot slow to start and to answer.
const maxExpansion = 500

// expandGroups returns specs with every {name} replaced by each phrase of its group, one spec
// for each combination, in order (triggerParser expands a trigger's parts with it). A spec
// naming a group that does not exist is left out: the loader has reported it.
func expandGroups(specs []string, groups map[string][]string) []string {
	if len(groups) == 0 {
		return specs
	}
	var out []string
	for _, spec := range specs {
		out = appendExpanded(out, spec, groups)
	}
	return out
}

func appendExpanded(out []string, spec string, groups map[string][]string) []string {
	if !strings.Contains(spec, "{") {
		return append(out, spec) // most triggers: no need for the regular expression
	}
	loc := groupRef.FindStringSubmatchIndex(spec)
	if loc == nil {
		return append(out, spec)
	}
	for _, phrase := range groups[spec[loc[2]:loc[3]]] {
		out = appendExpanded(out, spec[:loc[0]]+phrase+spec[loc[1]:], groups)
	}
	return out
}

// expansionCount is how many specs spec stands for (see expandGroups).
func expansionCount(spec string, groups map[string][]string) int {
	n := 1
	for _, m := range groupRef.FindAllStringSubmatch(spec, -1) {
		n *= len(groups[m[1]])
	}
	return n
}

// groupUse is a {name} in a trigger, kept by the loader until every file has been read: a group
// may be defined in a later file than the triggers that use it.
type groupUse struct {
	file, spec, name string
	line             int
	// atPartEnd: the group stands at the end of a part of the trigger, the one place a phrase
	// ending in * may go ("{leg} + swol*", not "{swol*} calf").
	atPartEnd bool
}

// groupUses returns the {name}s in spec, or ok=false when its braces do not pair up.
func groupUses(file string, line int, spec string) (uses []groupUse, ok bool) {
	if !strings.ContainsAny(spec, "{}") {
		return nil, true // most triggers: no need for the regular expressions
	}
	for _, loc := range groupRef.FindAllStringSubmatchIndex(spec, -1) {
		rest := strings.TrimLeft(spec[loc[1]:], " ")
		uses = append(uses, groupUse{file: file, spec: spec, name: spec[loc[2]:loc[3]], line: line,
			atPartEnd: rest == "" || strings.HasPrefix(rest, "+")})
	}
	stripped := groupRef.ReplaceAllString(spec, "")
	return uses, !strings.ContainsAny(stripped, "{}")
}
