package knowledge

import (
	"slices"
	"testing"
)

func TestExpandGroupsWritesEveryCombination(t *testing.T) {
	groups := map[string][]string{"leg": {"leg", "calf"}, "swollen": {"swollen", "puff*"}}
	for _, c := range []struct {
		name  string
		specs []string
		want  []string
	}{
		{"no groups named", []string{"dvt", "calf + pain*"}, []string{"dvt", "calf + pain*"}},
		{"one group", []string{"{leg} + hot"}, []string{"leg + hot", "calf + hot"}},
		{"two groups, in order", []string{"{leg} + {swollen}"},
			[]string{"leg + swollen", "leg + puff*", "calf + swollen", "calf + puff*"}},
		{"inside a phrase", []string{"my {leg} went"}, []string{"my leg went", "my calf went"}},
		{"the same group twice", []string{"{leg} {leg}"}, []string{"leg leg", "leg calf", "calf leg", "calf calf"}},
		{"a group no file defines is left out", []string{"{arm} + numb", "dvt"}, []string{"dvt"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := expandGroups(c.specs, groups); !slices.Equal(got, c.want) {
				t.Errorf("expandGroups(%q) = %q, want %q", c.specs, got, c.want)
			}
		})
	}
	if n := expansionCount("{leg} + {swollen} + {leg}", groups); n != 8 {
		t.Errorf("expansionCount = %d, want 8", n)
	}
}

func TestGroupUsesTellWhereAPrefixMayStand(t *testing.T) {
	for _, c := range []struct {
		spec      string
		atPartEnd []bool
		ok        bool
	}{
		{"{leg} + {swollen}", []bool{true, true}, true},
		{"my {leg} went", []bool{false}, true},
		{"{leg}+hot", []bool{true}, true},
		{"{leg + hot", nil, false},
		{"leg} + hot", nil, false},
	} {
		uses, ok := groupUses("f.yaml", 3, c.spec)
		var ends []bool
		for _, u := range uses {
			ends = append(ends, u.atPartEnd)
		}
		if ok != c.ok || !slices.Equal(ends, c.atPartEnd) {
			t.Errorf("groupUses(%q) = ends %v ok %v, want %v %v", c.spec, ends, ok, c.atPartEnd, c.ok)
		}
	}
}

// TestGroupsReachEveryPairing checks a grouped trigger on the signals the index builds: a body
// part and a sign that no trigger lists together still count.
func TestGroupsReachEveryPairing(t *testing.T) {
	b := &Base{
		Emergency: Notice{Triggers: []string{"{leg} + {swollen} + {hot}"}, Past: []string{"{ago}"}},
		Groups:    map[string][]string{"leg": {"leg", "calf", "thigh"}, "swollen": {"swollen", "puff*"}, "hot": {"hot", "red"}, "ago": {"years ago"}},
	}
	checkSignal(t, "emergency", newSignals(b).emergency, map[string]bool{
		"my thigh is all puffy and red":         true,
		"calf swollen, hot to touch":            true,
		"my thigh is puffy":                     false,
		"thigh puffy red years ago":             false,
		"my arm is swollen and hot":             false,
		"calf puffed up, hot and red right now": true,
	})
}

func TestAPhraseWithAnApostropheAlsoStandsWithout(t *testing.T) {
	s := newSignals(&Base{Emergency: Notice{Triggers: []string{"toes + can't feel", "hasn't moved"}}})
	checkSignal(t, "emergency", s.emergency, map[string]bool{
		"can't feel my toes":       true,
		"cant feel my toes":        true,
		"the baby hasnt moved":     true,
		"the baby hasn't moved":    true,
		"i can feel my toes again": false,
	})
}

// checkSignal reports each message whose signal (safety, emergency) is not as wanted.
func checkSignal(t *testing.T, name string, signal func([]string) bool, want map[string]bool) {
	t.Helper()
	for q, w := range want {
		if got := signal(wordsOf(q)); got != w {
			t.Errorf("%s(%q) = %v, want %v", name, q, got, w)
		}
	}
}
