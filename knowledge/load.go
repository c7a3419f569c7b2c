package knowledge

import (
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxFileSize bounds what one knowledge file may weigh: the shipped base is about 60 KiB, so
// anything near a megabyte is a mistake (a pasted log, a binary) rather than content.
const maxFileSize = 1 << 20

// Limits that come from Discord, where these texts end up as embed fields (value ≤ 1,024
// characters, name ≤ 256).
const (
	maxNotice    = 1024
	maxStepTitle = 200
	maxStepText  = 1024
	maxTips      = 1024
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

//go:embed kb/*.yaml
var shipped embed.FS

// ShippedDir is how problems in the embedded knowledge base name their files.
const ShippedDir = "knowledge/kb"

// Problem is one thing wrong in a knowledge file, or, as a warning, one that looks wrong.
type Problem struct {
	File    string
	Line    int
	Message string
	// Warning marks an edit that looks accidental but leaves the base valid.
	Warning bool

	entry string // the entry a warning is about, if any
}

func (p Problem) String() string {
	if p.Warning {
		return fmt.Sprintf("%s:%d: warning: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// ValidationError lists every problem found while loading a knowledge base. A base with any
// problem is rejected as a whole.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("invalid knowledge base (%d problems):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// Default loads the knowledge base shipped inside the binary.
func Default() (*Base, error) {
	sub, err := fs.Sub(shipped, "kb")
	if err != nil {
		return nil, fmt.Errorf("open shipped knowledge: %w", err)
	}
	return Load(sub, ShippedDir)
}

// ShippedFiles returns the knowledge files built into footbot, by file name.
func ShippedFiles() (map[string][]byte, error) {
	names, err := fs.Glob(shipped, "kb/*.yaml")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, name := range names {
		if out[path.Base(name)], err = shipped.ReadFile(name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WriteShipped writes the knowledge files built into footbot into dir, which must not hold
// knowledge files yet: the first change a moderator makes to the built-in knowledge starts from
// this copy.
func WriteShipped(dir string) error {
	if existing, _ := filepath.Glob(filepath.Join(dir, "*.yaml")); len(existing) > 0 {
		return fmt.Errorf("write knowledge into %s: it already holds knowledge files", dir)
	}
	files, err := ShippedFiles()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("write knowledge: %w", err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o640); err != nil {
			return fmt.Errorf("write knowledge: %w", err)
		}
	}
	return nil
}

// VersionOf is the version the knowledge files would load as (Base.Version), without loading
// them: a store compares what it holds with what is in service by it. Load computes Version
// with it too.
func VersionOf(files map[string][]byte) string {
	sum := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if isKnowledgeFile(name) {
			fmt.Fprintf(sum, "%s\x00%d\x00", name, len(files[name]))
			sum.Write(files[name])
		}
	}
	return hex.EncodeToString(sum.Sum(nil))[:12]
}

// isKnowledgeFile reports whether a file name is a knowledge file's: *.yaml or *.yml.
func isKnowledgeFile(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// LoadDir loads and validates the knowledge files (*.yaml, *.yml) in dir.
func LoadDir(dir string) (*Base, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("load knowledge: %w", err)
	}
	return Load(os.DirFS(dir), dir)
}

// Load reads and validates the knowledge files at the top of fsys. Problems name files as
// dir joined with their name. The error is a *ValidationError when the content is at fault.
func Load(fsys fs.FS, dir string) (*Base, error) {
	names, err := fs.Glob(fsys, "*.y*ml")
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return !isKnowledgeFile(n) })
	sort.Strings(names)
	l := &loader{dir: dir, byID: map[string]*Entry{}}
	l.base.settingsIn = map[string]string{}
	if len(names) == 0 {
		l.problem(dir, 0, "no knowledge files (*.yaml) found")
	}
	files := make(map[string][]byte, len(names))
	for _, name := range names {
		data, err := readLimited(fsys, name)
		if err != nil {
			l.problem(l.fileName(name), 1, "%v", err) // about the whole file: point at its start
			continue
		}
		files[name] = data
		l.file(l.fileName(name), data)
	}
	l.finish()
	if len(l.problems) > 0 {
		slices.SortStableFunc(l.problems, func(a, b Problem) int {
			return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
		})
		return nil, &ValidationError{Problems: l.problems}
	}
	l.base.Version = VersionOf(files)
	l.base.byID = l.byID
	l.base.Warnings = l.warnings
	return &l.base, nil
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxFileSize {
		return nil, fmt.Errorf("file is %d bytes, more than the %d a knowledge file may have", info.Size(), maxFileSize)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, errors.New("file is not UTF-8 text")
	}
	return data, nil
}

// loader collects entries and problems across the files of one knowledge base.
type loader struct {
	dir      string
	base     Base
	byID     map[string]*Entry
	problems []Problem
	warnings []Problem
	// where each singular setting was defined, to report duplicates and missing ones
	disclaimerAt, safetyAt, emergencyAt, domainAt, groupsAt, cuesAt, leaningsAt string
	groupUses                                                                   []groupUse // see checkGroupUses
	leaningIDs                                                                  []idUse    // the entry ids the leanings name
}

func (l *loader) fileName(name string) string {
	if l.dir == ShippedDir {
		return path.Join(l.dir, name)
	}
	return filepath.Join(l.dir, name)
}

func (l *loader) problem(file string, line int, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// yamlProblem turns a go-yaml error into a problem on the line it points at.
func (l *loader) yamlProblem(file string, fallback int, err error) {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		line := fallback
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		l.problem(file, line, "%s", yerr.GetMessage())
		return
	}
	l.problem(file, fallback, "%v", err)
}

func lineOf(n ast.Node) int {
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// mappingValues returns the key/value pairs of a mapping node, or ok=false if n is not a mapping.
func mappingValues(n ast.Node) (values []*ast.MappingValueNode, ok bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

func (l *loader) file(file string, data []byte) {
	defer func() {
		if r := recover(); r != nil { // see decode
			l.problem(file, 1, "cannot read this file as YAML")
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		l.yamlProblem(file, 1, err)
		return
	}
	for _, doc := range f.Docs {
		if doc.Body == nil {
			continue
		}
		values, ok := mappingValues(doc.Body)
		if !ok {
			l.problem(file, lineOf(doc.Body), "expected keys such as entries:, disclaimer: or synonyms: at the top of the file")
			continue
		}
		for _, kv := range values {
			l.topLevel(file, kv)
		}
	}
}

func (l *loader) topLevel(file string, kv *ast.MappingValueNode) {
	key := kv.Key.String()
	line := lineOf(kv.Key)
	if key != "entries" && l.base.settingsIn[key] == "" {
		l.base.settingsIn[key] = file
	}
	switch key {
	case "entries":
		seq, ok := kv.Value.(*ast.SequenceNode)
		if !ok {
			if _, isNull := kv.Value.(*ast.NullNode); !isNull {
				l.problem(file, line, "entries must be a list of entries, each starting with '- id:'")
			}
			return
		}
		for _, item := range seq.Values {
			l.entry(file, item)
		}
	case "disclaimer":
		var s string
		if l.decode(file, line, kv.Value, &s) {
			l.single(file, line, "disclaimer", &l.disclaimerAt)
			l.base.Disclaimer = strings.TrimSpace(s)
			l.checkText(file, line, "disclaimer", l.base.Disclaimer, maxNotice)
		}
	case "safety", "emergency":
		var n Notice
		if l.decode(file, line, kv.Value, &n) {
			at, dst := &l.safetyAt, &l.base.Safety
			if key == "emergency" {
				at, dst = &l.emergencyAt, &l.base.Emergency
			}
			l.single(file, line, key, at)
			n.Text = strings.TrimSpace(n.Text)
			l.checkText(file, line, key+" text", n.Text, maxNotice)
			if len(n.Triggers) == 0 {
				l.problem(file, line, "%s has no triggers: list the words that make it apply", key)
			}
			l.triggers(file, itemLines(kv.Value, "triggers", line), key, n.Triggers)
			for _, list := range []struct {
				key     string
				phrases []string
			}{{"not", n.Not}, {"aside", n.Aside}, {"past", n.Past}, {"lasting", n.Lasting}, {"recovered", n.Recovered}} {
				l.triggers(file, itemLines(kv.Value, list.key, line), key+" "+list.key, list.phrases)
			}
			*dst = n
		}
	case "cues":
		var c Cues
		if l.decode(file, line, kv.Value, &c) {
			l.single(file, line, "cues", &l.cuesAt)
			l.cues(file, line, kv.Value, c)
			l.base.Cues = c
		}
	case "leanings":
		var f leaningsFile
		if l.decode(file, line, kv.Value, &f) {
			l.single(file, line, "leanings", &l.leaningsAt)
			l.base.Leanings = l.leanings(file, line, kv.Value, f)
		}
	case "out_of_scope":
		var topics []OffTopic
		if l.decode(file, line, kv.Value, &topics) {
			for i := range topics {
				t := &topics[i]
				var item ast.Node
				if seq, ok := kv.Value.(*ast.SequenceNode); ok && i < len(seq.Values) {
					item = seq.Values[i]
				}
				at := max(lineOf(item), line)
				if t.Topic = strings.TrimSpace(t.Topic); t.Topic == "" {
					l.problem(file, at, "out_of_scope topic %d has no topic: name", i+1)
				}
				if len(t.Triggers) == 0 {
					l.problem(file, at, "out_of_scope topic %q has no triggers", t.Topic)
				}
				l.triggers(file, itemLines(item, "triggers", at), "out_of_scope "+t.Topic, t.Triggers)
				l.triggers(file, itemLines(item, "unless", at), "out_of_scope "+t.Topic+" unless", t.Unless)
			}
			l.base.OutOfScope = append(l.base.OutOfScope, topics...)
		}
	case "synonyms":
		var groups [][]string
		if l.decode(file, line, kv.Value, &groups) {
			for i, g := range groups {
				if len(g) < 2 {
					l.problem(file, line, "synonym group %d has %d word(s); a group needs at least two", i+1, len(g))
				}
			}
			l.base.Synonyms = append(l.base.Synonyms, groups...)
		}
	case "groups":
		l.groups(file, line, kv.Value)
	case "domain":
		var words []string
		if l.decode(file, line, kv.Value, &words) {
			l.single(file, line, "domain", &l.domainAt)
			for i, w := range words {
				if words[i] = strings.ToLower(strings.TrimSpace(w)); words[i] == "" {
					l.problem(file, line, "domain word %d is empty", i+1)
				}
			}
			if len(words) == 0 {
				l.problem(file, line, "domain has no words: list the words that name the subject (foot, massage)")
			}
			l.base.Domain = words
		}
	default:
		l.problem(file, line, "unknown key %q (expected entries, disclaimer, safety, emergency, cues, leanings, out_of_scope, synonyms, groups or domain)", key)
	}
}

// cues reports each cue that cannot count, at its own line.
func (l *loader) cues(file string, line int, n ast.Node, c Cues) {
	lines := map[string]int{}
	if values, ok := mappingValues(n); ok {
		for _, kv := range values {
			if kv.Key.String() == "weights" {
				if weights, ok := mappingValues(kv.Value); ok {
					for _, w := range weights {
						lines[strings.Trim(w.Key.String(), `"'`)] = lineOf(w.Key)
					}
				}
			}
		}
	}
	if len(c.Weights) == 0 {
		l.problem(file, line, "cues has no weights: list words with how much each tells an emergency")
	}
	for _, word := range slices.Sorted(maps.Keys(c.Weights)) {
		if p := cueProblem(word, c.Weights[word]); p != "" {
			l.problem(file, max(lines[word], line), "%s", p)
		}
	}
}

// lineWithin is how many lines into text, as written in the file, field first stands (0 if
// it is not there): a folded scalar of terms is read as one line but written as many.
func lineWithin(text, field string) int {
	for i, line := range strings.Split(text, "\n") {
		if slices.Contains(strings.Fields(line), field) {
			return i
		}
	}
	return 0
}

// idUse is an entry id named outside the entries, checked once every file is read.
type idUse struct {
	file string
	line int
	id   string
}

// leanings reads each entry's terms, reports a term that cannot count at its own line, and records
// the entry ids named for finish to check.
func (l *loader) leanings(file string, line int, n ast.Node, f leaningsFile) Leanings {
	lines := map[string]int{}      // where each entry's terms start
	sources := map[string]string{} // and their text as written, a line of the file a line
	values, _ := mappingValues(n)
	for _, kv := range values {
		entries, _ := mappingValues(kv.Value)
		for _, e := range entries {
			id, at := e.Key.String(), lineOf(e.Key)
			l.leaningIDs = append(l.leaningIDs, idUse{file, at, id})
			switch kv.Key.String() {
			case "questions":
				if f.Questions[id] < 0 {
					l.problem(file, at, "leanings: %s has a negative number of questions", id)
				}
			case "terms":
				lines[id] = at
				switch v := e.Value.(type) {
				case *ast.LiteralNode: // a folded block: its text starts on the line after ">-"
					if v.Start != nil && v.Value != nil {
						lines[id], sources[id] = v.Start.Position.Line+1, v.Value.GetToken().Origin
					}
				case *ast.StringNode: // on the key's line, maybe folded onto the next
					sources[id] = v.GetToken().Origin
				}
			}
		}
	}
	lean := Leanings{Questions: f.Questions, Words: map[string]map[string]int{}}
	if len(f.Terms) == 0 {
		l.problem(file, line, "leanings has no terms: list, for each entry, the terms its questions used as term:count")
	}
	for _, id := range slices.Sorted(maps.Keys(f.Terms)) {
		counts, bad, problem := parseLeaningTerms(f.Terms[id])
		if problem != "" {
			l.problem(file, max(lines[id]+lineWithin(sources[id], bad), line), "leanings of %s: %s", id, problem)
		}
		for term, c := range counts {
			if lean.Words[term] == nil {
				lean.Words[term] = map[string]int{}
			}
			lean.Words[term][id] = c
		}
	}
	return lean
}

// triggers lowercases trigger phrases in place and reports the ones that cannot match, each at
// its own line (lines[i]; see itemLines). The groups they name are checked once every file is
// read (see checkGroupUses).
func (l *loader) triggers(file string, lines func(int) int, what string, list []string) {
	for i, t := range list {
		list[i] = strings.ToLower(strings.TrimSpace(t))
		if hasEmptyPart(list[i]) {
			l.problem(file, lines(i), "%s trigger %d (%q) has an empty part: write words, joined by + when all must appear", what, i+1, t)
		}
		uses, ok := groupUses(file, lines(i), list[i])
		if !ok {
			l.problem(file, lines(i), "%s trigger %d (%q) has a { or } that does not pair up: write a group as {name}", what, i+1, t)
		}
		l.groupUses = append(l.groupUses, uses...)
	}
	for i, first := range repeats(list) {
		l.warn(file, lines(i), "", "%s trigger %d (%q) repeats trigger %d: one is enough", what, i+1, list[i], first+1)
	}
}

// repeats maps the place of each phrase of list that an earlier one already says, word for word,
// to the place of that earlier one. A repeat changes nothing, but it is usually a paste that
// went twice, and it hides how long a list really is.
func repeats(list []string) map[int]int {
	first := make(map[string]int, len(list))
	out := map[int]int{}
	for i, p := range list {
		if j, ok := first[p]; ok {
			out[i] = j
		} else {
			first[p] = i
		}
	}
	return out
}

// groups reads the word groups: a mapping of names to lists of words or phrases.
func (l *loader) groups(file string, line int, n ast.Node) {
	var groups map[string][]string
	if !l.decode(file, line, n, &groups) {
		return
	}
	l.single(file, line, "groups", &l.groupsAt)
	values, _ := mappingValues(n)
	lineOfGroup := func(name string) int {
		for _, kv := range values {
			if kv.Key.String() == name {
				return max(lineOf(kv.Key), line)
			}
		}
		return line
	}
	out := make(map[string][]string, len(groups))
	for name, phrases := range groups {
		at := lineOfGroup(name)
		if !groupName.MatchString(name) {
			l.problem(file, at, "group name %q: use lowercase letters, digits and hyphens (swollen, left-arm)", name)
		}
		if len(phrases) == 0 {
			l.problem(file, at, "group %q has no words: list the words or phrases it stands for", name)
		}
		lines := itemLines(n, name, at)
		decimals := decimalItems(n, name)
		for i, p := range phrases {
			p = strings.ToLower(strings.TrimSpace(p))
			switch {
			case decimals[i] != "":
				// YAML reads 2.0 as the number 2, which would then match "type 2 diabetic".
				l.problem(file, lines(i), "group %q phrase %d (%s) is read as the number %s: write it in quotes (\"%s\")", name, i+1, decimals[i], p, decimals[i])
			case strings.ContainsAny(p, "+{}"):
				l.problem(file, lines(i), "group %q phrase %d (%q): a group holds plain words or phrases, without + or another {group}", name, i+1, p)
			case hasEmptyPart(p):
				l.problem(file, lines(i), "group %q phrase %d is empty: write a word or phrase", name, i+1)
			}
			phrases[i] = p
		}
		for i, first := range repeats(phrases) {
			l.warn(file, lines(i), "", "group %q phrase %d (%q) repeats phrase %d: one is enough", name, i+1, phrases[i], first+1)
		}
		out[name] = phrases
	}
	l.base.Groups = out
}

// checkGroupUses reports triggers that name a group no file defines, that put a phrase ending in
// * anywhere but at the end of a part, or that would stand for too many triggers.
func (l *loader) checkGroupUses() {
	counted := map[string]bool{}
	for _, u := range l.groupUses {
		phrases, ok := l.base.Groups[u.name]
		switch {
		case !ok:
			l.problem(u.file, u.line, "trigger %q names the group {%s}, which groups: does not define", u.spec, u.name)
			continue
		case !u.atPartEnd && slices.ContainsFunc(phrases, func(p string) bool { return strings.HasSuffix(p, "*") }):
			l.problem(u.file, u.line, "trigger %q: group {%s} has phrases ending in *, which may only stand at the end of a part (before a + or the end)", u.spec, u.name)
		}
		if counted[u.spec] {
			continue
		}
		counted[u.spec] = true
		for _, part := range strings.Split(u.spec, "+") {
			if n := expansionCount(part, l.base.Groups); n > maxExpansion {
				l.problem(u.file, u.line, "trigger %q: %q stands for %d phrases, more than the %d one part may: split it", u.spec, strings.TrimSpace(part), n, maxExpansion)
			}
		}
	}
}

// itemLines returns the line of each item of the list under key in the mapping n, falling back
// to line where the syntax tree does not say (a flow list on one line says it too).
func itemLines(n ast.Node, key string, line int) func(int) int {
	items := listItems(n, key)
	return func(i int) int {
		if i < len(items) {
			return max(lineOf(items[i]), line)
		}
		return line
	}
}

// listItems returns the items of the list under key in the mapping n, nil if there is none.
func listItems(n ast.Node, key string) []ast.Node {
	var items []ast.Node
	values, _ := mappingValues(n)
	for _, kv := range values {
		if seq, ok := kv.Value.(*ast.SequenceNode); ok && kv.Key.String() == key {
			items = seq.Values
		}
	}
	return items
}

// decimalItems returns, by place, the items of the list under key that YAML reads as decimal
// numbers, as they were written ("2.0"); the others are "".
func decimalItems(n ast.Node, key string) map[int]string {
	out := map[int]string{}
	for i, v := range listItems(n, key) {
		if f, ok := v.(*ast.FloatNode); ok {
			out[i] = f.GetToken().Value
		}
	}
	return out
}

// single records where a setting that may appear once was defined.
func (l *loader) single(file string, line int, what string, at *string) {
	here := fmt.Sprintf("%s:%d", file, line)
	if *at != "" {
		l.problem(file, line, "%s is defined twice (first at %s)", what, *at)
		return
	}
	*at = here
}

func (l *loader) decode(file string, line int, n ast.Node, v any) (ok bool) {
	// go-yaml can panic on some malformed input (found by FuzzLoad: a tag on a sequence item
	// with no value). A moderator's typo must be a problem report, not a crash.
	defer func() {
		if r := recover(); r != nil {
			l.problem(file, line, "cannot read this value (is it written as YAML expects?)")
			ok = false
		}
	}()
	if err := yaml.NodeToValue(n, v, yaml.DisallowUnknownField()); err != nil {
		l.yamlProblem(file, line, err)
		return false
	}
	return true
}

func (l *loader) checkText(file string, line int, what, text string, limit int) {
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		l.problem(file, line, "%s is empty", what)
	case n > limit:
		l.problem(file, line, "%s is %d characters, more than the %d allowed", what, n, limit)
	}
}

// entryFields is an entry as written in a file.
type entryFields struct {
	ID        string   `yaml:"id"`
	Kind      string   `yaml:"kind"`
	Title     string   `yaml:"title"`
	Questions []string `yaml:"questions"`
	Keywords  []string `yaml:"keywords"`
	Answer    string   `yaml:"answer"`
	Related   []string `yaml:"related"`
	Steps     []Step   `yaml:"steps"`
	Tips      []string `yaml:"tips"`
}

func (l *loader) entry(file string, n ast.Node) {
	line := lineOf(n)
	values, ok := mappingValues(n)
	if !ok {
		l.problem(file, line, "each entry must be a set of fields (id:, kind:, title:, ...)")
		return
	}
	fieldLine := map[string]int{}
	for _, kv := range values {
		fieldLine[kv.Key.String()] = lineOf(kv.Key)
	}
	at := func(field string) int {
		if fl, ok := fieldLine[field]; ok {
			return fl
		}
		return line
	}
	var f entryFields
	if !l.decode(file, line, n, &f) {
		return
	}
	e := &Entry{
		ID: strings.TrimSpace(f.ID), Kind: strings.TrimSpace(f.Kind), Title: strings.TrimSpace(f.Title),
		Questions: trimAll(f.Questions), Keywords: trimAll(f.Keywords), Answer: strings.TrimSpace(f.Answer),
		Related: trimAll(f.Related), Steps: f.Steps, Tips: trimAll(f.Tips), File: file, Line: line,
	}
	name := e.ID
	switch {
	case e.ID == "":
		l.problem(file, line, "entry has no id")
		name = "entry"
	case !idPattern.MatchString(e.ID):
		l.problem(file, at("id"), "id %q must be lowercase letters and digits separated by dashes", e.ID)
	case e.ID == declinedClass:
		l.problem(file, at("id"), "id %q is taken: the leanings count the questions the bot declines under it", e.ID)
	case l.byID[e.ID] != nil:
		prev := l.byID[e.ID]
		l.problem(file, at("id"), "duplicate id %q (also at %s:%d)", e.ID, prev.File, prev.Line)
	default:
		l.byID[e.ID] = e
	}
	if e.Kind == "" {
		l.problem(file, line, "%s has no kind (one of %s)", name, strings.Join(Kinds, ", "))
	} else if !slices.Contains(Kinds, e.Kind) {
		l.problem(file, at("kind"), "%s: unknown kind %q (one of %s)", name, e.Kind, strings.Join(Kinds, ", "))
	}
	if e.Title == "" {
		l.problem(file, line, "%s has no title", name)
	} else {
		l.checkText(file, at("title"), name+" title", e.Title, MaxTitle)
	}
	if e.Answer == "" {
		l.problem(file, line, "%s has no answer", name)
	} else {
		l.checkText(file, at("answer"), name+" answer", e.Answer, MaxAnswer)
	}
	if len(e.Questions) == 0 {
		l.problem(file, line, "%s has no questions: list a few ways people ask about it", name)
	}
	for i, q := range e.Questions {
		if q == "" {
			l.problem(file, at("questions"), "%s: question %d is empty", name, i+1)
		}
	}
	if endsMidSentence(e.Answer) {
		l.warn(file, at("answer"), e.ID, "%s: the answer ends mid-sentence (%q): was the file cut short?", name, tail(e.Answer))
	}
	if e.Kind == KindRoutine {
		for i, st := range e.Steps {
			if endsMidSentence(st.Text) {
				l.warn(file, at("steps"), e.ID, "%s step %d ends mid-sentence (%q): was the file cut short?", name, i+1, tail(st.Text))
			}
		}
		if len(e.Steps) == 0 {
			l.problem(file, at("steps"), "%s: the routine has no steps", name)
		}
		for i, s := range e.Steps {
			e.Steps[i] = Step{Title: strings.TrimSpace(s.Title), Text: strings.TrimSpace(s.Text)}
			l.checkText(file, at("steps"), fmt.Sprintf("%s step %d title", name, i+1), e.Steps[i].Title, maxStepTitle)
			l.checkText(file, at("steps"), fmt.Sprintf("%s step %d text", name, i+1), e.Steps[i].Text, maxStepText)
		}
		if n := utf8.RuneCountInString(strings.Join(e.Tips, "\n")); n > maxTips {
			l.problem(file, at("tips"), "%s: tips are %d characters together, more than the %d allowed", name, n, maxTips)
		}
	} else if len(e.Steps) > 0 || len(e.Tips) > 0 {
		l.problem(file, at("steps"), "%s: only the entry of kind routine may have steps or tips", name)
	}
	l.base.Entries = append(l.base.Entries, e)
}

func (l *loader) warn(file string, line int, entry, format string, args ...any) {
	w := warning(file, line, format, args...)
	w.entry = entry
	l.warnings = append(l.warnings, w)
}

// tail is the end of a text, to show where it stops.
func tail(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > 30 {
		return "…" + string(r[len(r)-30:])
	}
	return string(r)
}

func trimAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// finish runs the checks that need every file: related ids, and the texts that must exist once.
func (l *loader) finish() {
	l.checkGroupUses()
	// A stale name in the leanings (an entry renamed or removed) only loses that entry's
	// leaning, so it warns rather than blocking the edit that renamed the entry.
	for _, u := range l.leaningIDs {
		if l.byID[u.id] == nil && u.id != declinedClass {
			l.warn(u.file, u.line, "", "leanings name the entry %q, which does not exist: its counts are not used (rename it there too, or recount)", u.id)
		}
	}
	for _, e := range l.base.Entries {
		for _, r := range e.Related {
			if l.byID[r] == nil {
				l.problem(e.File, e.Line, "%s: related id %q does not exist", e.ID, r)
			} else if r == e.ID {
				l.problem(e.File, e.Line, "%s lists itself as related", e.ID)
			}
		}
	}
	if len(l.problems) > 0 && len(l.base.Entries) == 0 {
		return // the files did not parse; missing pieces would only repeat that
	}
	notices := l.fileName("notices.yaml")
	if l.disclaimerAt == "" {
		l.problem(notices, 1, "no disclaimer: add a top-level disclaimer: text")
	}
	if l.safetyAt == "" {
		l.problem(notices, 1, "no safety notice: add a top-level safety: with text: and triggers:")
	}
	if l.emergencyAt == "" {
		l.problem(notices, 1, "no emergency notice: add a top-level emergency: with text: and triggers:")
	}
	if len(l.base.Entries) > 0 && !slices.ContainsFunc(l.base.Entries, func(e *Entry) bool { return e.Kind == KindRoutine }) {
		l.problem(l.fileName("routine.yaml"), 1, "no routine: add an entry of kind routine with its steps")
	}
}
