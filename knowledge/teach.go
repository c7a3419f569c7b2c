package knowledge

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Taught says where TeachFiles added a question.
type Taught struct {
	File string // the knowledge file
	Line int    // the line it added
	Base *Base  // the knowledge base as it loads now, with the question
	// Files are all the knowledge files with the question, by name.
	Files map[string][]byte
}

// ErrAlreadyTaught is returned when the entry already has the question as a phrasing.
var ErrAlreadyTaught = errors.New("the entry already has this question")

// TeachFiles adds question to the alternate questions of entry id in knowledge files (by name,
// as ReadFiles returns them, named in messages as if they were in dir): a missed question that a
// moderator says this entry answers. It edits the file's syntax tree only to find where the
// entry's questions end and adds one line there, so the file keeps its comments, order and
// layout and its diff only adds a line. (A questions list written inline, [a, b], is the
// exception: that one line is rewritten.)
//
// The result is validated before it is returned, and the files given are not changed: the
// store (kbedit) writes the result, or nothing when TeachFiles fails.
func TeachFiles(files map[string][]byte, dir, id, question string) (Taught, error) {
	question = CleanQuestion(question)
	if question == "" {
		return Taught{}, errors.New("the question is empty")
	}
	base, err := LoadFiles(files, dir)
	if err != nil {
		return Taught{}, err
	}
	e := base.Entry(id)
	if e == nil {
		return Taught{}, fmt.Errorf("no entry %q in %s", id, dir)
	}
	if slices.ContainsFunc(e.Questions, func(q string) bool { return strings.EqualFold(q, question) }) {
		return Taught{}, fmt.Errorf("%s: %w: %q", id, ErrAlreadyTaught, question)
	}
	name := filepath.Base(e.File)
	path := filepath.Join(dir, name)
	src, ok := files[name]
	if !ok {
		return Taught{}, fmt.Errorf("teach: no file %s", path)
	}
	edited, line, err := addQuestion(src, id, question)
	if err != nil {
		return Taught{}, fmt.Errorf("teach %s: %w", path, err)
	}
	after := maps.Clone(files)
	after[name] = edited
	base, err = LoadFiles(after, dir)
	if err != nil {
		return Taught{}, fmt.Errorf("teach %s: the edited file would not load: %w", path, err)
	}
	if got := base.Entry(id); got == nil || !slices.Equal(got.Questions, append(slices.Clone(e.Questions), question)) {
		return Taught{}, fmt.Errorf("teach %s: could not add the question safely; add it to %s by hand", path, id)
	}
	return Taught{File: path, Line: line, Base: base, Files: after}, nil
}

// addQuestion returns src with question added to the questions of entry id, and the line it is on.
func addQuestion(src []byte, id, question string) ([]byte, int, error) {
	file, err := parser.ParseBytes(src, parser.ParseComments)
	if err != nil {
		return nil, 0, err
	}
	seq := questionsOf(file, id)
	if seq == nil || len(seq.Values) == 0 {
		return nil, 0, fmt.Errorf("entry %s has no questions list to add to", id)
	}
	quoted, err := yaml.Marshal(question)
	if err != nil {
		return nil, 0, err
	}
	item := strings.TrimSpace(string(quoted))
	lines := strings.SplitAfter(string(src), "\n")
	last := lineOf(seq.Values[len(seq.Values)-1]) // 1-based
	if last < 1 || last > len(lines) {
		return nil, 0, errors.New("cannot find the end of the questions list")
	}
	if seq.IsFlowStyle {
		at := last - 1
		end := strings.LastIndex(lines[at], "]")
		if end < 0 {
			return nil, 0, errors.New("the questions list is written across lines; add the question by hand")
		}
		lines[at] = lines[at][:end] + ", " + item + lines[at][end:]
		return []byte(strings.Join(lines, "")), last, nil
	}
	text := lines[last-1]
	dash := strings.Index(text, "- ")
	if dash < 0 || strings.TrimSpace(text[:dash]) != "" {
		return nil, 0, errors.New("the last question does not start its own line")
	}
	if !strings.HasSuffix(text, "\n") {
		lines[last-1] += "\n"
	}
	added := text[:dash] + "- " + item + "\n"
	lines = slices.Insert(lines, last, added)
	return []byte(strings.Join(lines, "")), last + 1, nil
}

// questionsOf finds the questions list of entry id in a parsed knowledge file.
func questionsOf(file *ast.File, id string) *ast.SequenceNode {
	for _, doc := range file.Docs {
		top, _ := mappingValues(doc.Body)
		for _, kv := range top {
			entries, ok := kv.Value.(*ast.SequenceNode)
			if kv.Key.String() != "entries" || !ok {
				continue
			}
			for _, item := range entries.Values {
				fields, _ := mappingValues(item)
				var qs *ast.SequenceNode
				match := false
				for _, f := range fields {
					switch f.Key.String() {
					case "id":
						match = strings.Trim(strings.TrimSpace(f.Value.String()), `"'`) == id
					case "questions":
						qs, _ = f.Value.(*ast.SequenceNode)
					}
				}
				if match {
					return qs
				}
			}
		}
	}
	return nil
}

// ReadFiles reads the knowledge files (*.yaml, *.yml) of dir, by name.
func ReadFiles(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read knowledge: %w", err)
	}
	out := map[string][]byte{}
	for _, de := range entries {
		name := de.Name()
		if de.IsDir() || !isKnowledgeFile(name) {
			continue
		}
		if out[name], err = os.ReadFile(filepath.Join(dir, name)); err != nil {
			return nil, fmt.Errorf("read knowledge: %w", err)
		}
	}
	return out, nil
}

// LoadFiles loads and validates knowledge files given by name, as if they were the files of
// dir: what a folder would be after a change, checked before the change is written.
func LoadFiles(files map[string][]byte, dir string) (*Base, error) {
	fsys := fstest.MapFS{} // an in-memory folder: the standard library's, though its package is for tests
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return Load(fsys, dir)
}

// WriteFileAtomic replaces path with data (or creates it): readers, and the folder watcher, see
// the old file or the new one, never half of one.
func WriteFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o640)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
