package knowledge

import (
	"cmp"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Changes tells what a reload changed, file by file and entry by entry, and which of the changes
// look accidental.
type Changes struct {
	Added, Changed, Removed []string // entry ids
	// Entries says what changed in each added, changed or removed entry, in file order.
	Entries []EntryChange
	// Settings are the changed texts and lists outside entries: "safety triggers +2/−0".
	Settings []SettingChange
	// Warnings are edits that look accidental: an answer cut off mid-sentence, an entry that
	// lost most of its steps, a file that lost most of its entries. The change applies anyway;
	// a rollback is one edit away.
	Warnings []Problem
}

// EntryChange is what changed in one entry.
type EntryChange struct {
	ID, File string
	Change   string   // "added", "changed" or "removed"
	What     []string // for a changed entry: "title", "answer", "questions +2/−1", "steps 5 → 2", ...
}

// SettingChange is a change to a setting of the knowledge base.
type SettingChange struct {
	File, What string
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool { return len(c.Entries)+len(c.Settings) == 0 }

// Text is the summary moderators read after a reload: each changed file with what changed in
// it, then the warnings.
func (c Changes) Text() string {
	if c.Empty() {
		return "Nothing changed."
	}
	byFile := map[string][]string{}
	var files []string
	add := func(file, line string) {
		if _, ok := byFile[file]; !ok {
			files = append(files, file)
		}
		byFile[file] = append(byFile[file], line)
	}
	for _, e := range c.Entries {
		line := e.Change + " " + e.ID
		if len(e.What) > 0 {
			line += ": " + strings.Join(e.What, ", ")
		}
		add(e.File, line)
	}
	for _, s := range c.Settings {
		add(s.File, s.What)
	}
	var sb strings.Builder
	for _, f := range files {
		fmt.Fprintf(&sb, "%s\n", f)
		for _, line := range byFile[f] {
			fmt.Fprintf(&sb, "  %s\n", line)
		}
	}
	if len(c.Warnings) > 0 {
		sb.WriteString("Warnings (the change applied; check these):\n")
		for _, w := range c.Warnings {
			fmt.Fprintf(&sb, "  %s\n", w)
		}
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

// Thresholds of the accidental-edit warnings: a list that had at least lossFrom items and kept
// at most half of them.
const lossFrom = 3

func lostMost(before, after int) bool { return before >= lossFrom && after*2 <= before }

// Diff tells what changed from old to b. A nil old counts as empty.
func (b *Base) Diff(old *Base) Changes {
	if old == nil {
		old = &Base{}
	}
	var c Changes
	for _, e := range b.Entries {
		prev := old.byID[e.ID]
		if prev == nil {
			c.Added = append(c.Added, e.ID)
			c.Entries = append(c.Entries, EntryChange{ID: e.ID, File: e.File, Change: "added"})
			c.Warnings = append(c.Warnings, b.warningsOf(e)...)
			continue
		}
		what := entryDiff(prev, e)
		if len(what) == 0 {
			continue
		}
		c.Changed = append(c.Changed, e.ID)
		c.Entries = append(c.Entries, EntryChange{ID: e.ID, File: e.File, Change: "changed", What: what})
		c.Warnings = append(c.Warnings, b.warningsOf(e)...)
		if lostMost(len(prev.Steps), len(e.Steps)) {
			c.Warnings = append(c.Warnings, warning(e.File, e.Line, "%s lost most of its steps (%d → %d)", e.ID, len(prev.Steps), len(e.Steps)))
		}
		if lostMost(len(prev.Questions), len(e.Questions)) {
			c.Warnings = append(c.Warnings, warning(e.File, e.Line, "%s lost most of its questions (%d → %d)", e.ID, len(prev.Questions), len(e.Questions)))
		}
	}
	for _, e := range old.Entries {
		if b.byID[e.ID] == nil {
			c.Removed = append(c.Removed, e.ID)
			c.Entries = append(c.Entries, EntryChange{ID: e.ID, File: e.File, Change: "removed"})
		}
	}
	// Files are compared by name: the first change to the built-in knowledge moves every file
	// into DATA_DIR without changing it.
	before, after := entriesPerFile(old), entriesPerFile(b)
	for _, name := range slices.Sorted(maps.Keys(before)) {
		if lostMost(before[name].n, after[name].n) {
			path := cmp.Or(after[name].path, before[name].path)
			c.Warnings = append(c.Warnings, warning(path, 1, "the file lost most of its entries (%d → %d)", before[name].n, after[name].n))
		}
	}
	c.Settings = settingsDiff(old, b)
	return c
}

// entryDiff names what differs between two versions of an entry.
func entryDiff(a, b *Entry) []string {
	var what []string
	same := func(name string, equal bool) {
		if !equal {
			what = append(what, name)
		}
	}
	same("kind", a.Kind == b.Kind)
	same("title", a.Title == b.Title)
	same("answer", a.Answer == b.Answer)
	for _, l := range []struct {
		name     string
		old, new []string
	}{{"questions", a.Questions, b.Questions}, {"keywords", a.Keywords, b.Keywords}, {"related", a.Related, b.Related}, {"tips", a.Tips, b.Tips}} {
		if !slices.Equal(l.old, l.new) {
			what = append(what, listDiff(l.name, l.old, l.new))
		}
	}
	switch {
	case len(a.Steps) != len(b.Steps):
		what = append(what, fmt.Sprintf("steps %d → %d", len(a.Steps), len(b.Steps)))
	case !slices.Equal(a.Steps, b.Steps):
		what = append(what, "steps")
	}
	return what
}

// listDiff says how a list changed: "questions +2/−1", counting items as a multiset.
func listDiff(name string, old, new []string) string {
	count := map[string]int{}
	for _, s := range old {
		count[s]++
	}
	added := 0
	for _, s := range new {
		if count[s] > 0 {
			count[s]--
		} else {
			added++
		}
	}
	removed := 0
	for _, n := range count {
		removed += n
	}
	if added == 0 && removed == 0 {
		return name + " reordered"
	}
	return fmt.Sprintf("%s +%d/−%d", name, added, removed)
}

// settingsDiff names the changed settings, each with the file that defines it now (or did).
func settingsDiff(old, b *Base) []SettingChange {
	var out []SettingChange
	file := func(name string) string {
		if f := b.settingsIn[name]; f != "" {
			return f
		}
		return old.settingsIn[name]
	}
	text := func(name, before, after string) {
		if before != after {
			out = append(out, SettingChange{file(name), name + " text"})
		}
	}
	list := func(setting, name string, before, after []string) {
		if !slices.Equal(before, after) {
			out = append(out, SettingChange{file(setting), listDiff(name, before, after)})
		}
	}
	text("disclaimer", old.Disclaimer, b.Disclaimer)
	text("safety", old.Safety.Text, b.Safety.Text)
	list("safety", "safety triggers", old.Safety.Triggers, b.Safety.Triggers)
	list("safety", "safety not-phrases", old.Safety.Not, b.Safety.Not)
	text("emergency", old.Emergency.Text, b.Emergency.Text)
	list("emergency", "emergency triggers", old.Emergency.Triggers, b.Emergency.Triggers)
	list("emergency", "emergency not-phrases", old.Emergency.Not, b.Emergency.Not)
	list("synonyms", "synonym groups", joinAll(old.Synonyms), joinAll(b.Synonyms))
	list("domain", "domain words", old.Domain, b.Domain)
	list("groups", "word groups", groupLines(old.Groups), groupLines(b.Groups))
	list("out_of_scope", "out-of-scope topics", offTopicLines(old.OutOfScope), offTopicLines(b.OutOfScope))
	list("cues", "emergency cues", cueLines(old.Cues), cueLines(b.Cues))
	list("leanings", "leanings", leaningLines(old.Leanings), leaningLines(b.Leanings))
	return out
}

// leaningLines writes each entry's question count and each term's counts as comparable lines,
// in order.
func leaningLines(l Leanings) []string {
	out := make([]string, 0, len(l.Questions)+len(l.Words))
	for _, id := range slices.Sorted(maps.Keys(l.Questions)) {
		out = append(out, fmt.Sprintf("%s %d questions", id, l.Questions[id]))
	}
	for _, w := range slices.Sorted(maps.Keys(l.Words)) {
		row := l.Words[w]
		line := w + ":"
		for _, id := range slices.Sorted(maps.Keys(row)) {
			line += fmt.Sprintf(" %s %d", id, row[id])
		}
		out = append(out, line)
	}
	return out
}

// cueLines writes the threshold, the bias and each cue as comparable lines, in word order.
func cueLines(c Cues) []string {
	out := []string{fmt.Sprintf("threshold %g", c.Threshold), fmt.Sprintf("bias %g", c.Bias)}
	for _, w := range slices.Sorted(maps.Keys(c.Weights)) {
		out = append(out, fmt.Sprintf("%s %g", w, c.Weights[w]))
	}
	return out
}

// offTopicLines writes each out-of-scope topic as one comparable line.
func offTopicLines(topics []OffTopic) []string {
	out := make([]string, len(topics))
	for i, t := range topics {
		out[i] = t.Topic + ": " + strings.Join(t.Triggers, ",") + " unless " + strings.Join(t.Unless, ",")
		if t.BeforeRisks {
			out[i] += " before risks"
		}
	}
	return out
}

// groupLines writes each word group as one comparable line, in name order.
func groupLines(groups map[string][]string) []string {
	out := make([]string, 0, len(groups))
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		out = append(out, name+": "+strings.Join(groups[name], ","))
	}
	return out
}

func joinAll(groups [][]string) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = strings.Join(g, ",")
	}
	return out
}

type fileCount struct {
	path string
	n    int
}

// entriesPerFile counts the entries of each file, by file name.
func entriesPerFile(b *Base) map[string]fileCount {
	out := map[string]fileCount{}
	for _, e := range b.Entries {
		name := filepath.Base(e.File)
		out[name] = fileCount{e.File, out[name].n + 1}
	}
	return out
}

func warning(file string, line int, format string, args ...any) Problem {
	return Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), Warning: true}
}

// warningsOf returns the base's load-time warnings about entry e.
func (b *Base) warningsOf(e *Entry) []Problem {
	var out []Problem
	for _, w := range b.Warnings {
		if w.entry == e.ID {
			out = append(out, w)
		}
	}
	return out
}

// endsMidSentence reports whether a text looks cut off: its last character is a letter, a
// digit or a comma, not the end of a sentence, a list or a quote. A bad save that truncates a
// file leaves answers like "Press the ball of the fo".
func endsMidSentence(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(text))
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == ','
}
