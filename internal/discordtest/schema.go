package discordtest

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	xmessage "golang.org/x/text/message"
)

// specURL is the made-up address the description is registered under in the schema compiler.
const specURL = "https://discordtest.invalid/openapi.json"

var printer = xmessage.NewPrinter(language.English)

// embeddedSpec is Discord's official OpenAPI description of its v10 HTTP API, kept in this
// package at openapi/discord-openapi.json beside its MIT licence (openapi/discord-openapi.LICENSE)
// and built into the package, so that the tests of a fresh clone need nothing outside the
// repository. Options.SpecPath replaces it with a file. Only test binaries link discordtest, so
// the 1.2 MB never reach the footbot program.
//
//go:embed openapi/discord-openapi.json
var embeddedSpec []byte

// embeddedSpecName names the embedded description in errors.
const embeddedSpecName = "internal/discordtest/openapi/discord-openapi.json (embedded)"

// spec is Discord's OpenAPI description, ready to validate request bodies. Operations' schemas
// are compiled on first use and kept.
type spec struct {
	ops []specOp

	mu       sync.Mutex // guards compiler and compiled
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema // by JSON pointer
}

// specOp is an operation of the description that takes a JSON body.
type specOp struct {
	method  string // upper case
	segs    []string
	pointer string // JSON pointer to the request body's application/json schema
}

// specs holds each description loaded so far, by absolute path, "" for the embedded one: parsing
// the 1.2 MB description once per process keeps servers cheap to start.
var specs struct {
	sync.Mutex
	byPath map[string]*specEntry
}

type specEntry struct {
	once sync.Once
	spec *spec
	err  error
}

// loadSpec returns the description in the file at path, or the embedded one when path is "",
// parsing it on first use.
func loadSpec(path string) (*spec, error) {
	key := ""
	if path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("discordtest: spec %s: %w", path, err)
		}
		key = abs
	}
	specs.Lock()
	if specs.byPath == nil {
		specs.byPath = map[string]*specEntry{}
	}
	e := specs.byPath[key]
	if e == nil {
		e = &specEntry{}
		specs.byPath[key] = e
	}
	specs.Unlock()
	e.once.Do(func() { e.spec, e.err = readSpec(key) })
	return e.spec, e.err
}

// readSpec parses the description in the file at path, or the embedded one when path is "".
func readSpec(path string) (*spec, error) {
	if path == "" {
		return parseSpec(embeddedSpecName, bytes.NewReader(embeddedSpec))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("discordtest: spec: %w", err)
	}
	defer f.Close()
	return parseSpec(path, f)
}

// parseSpec parses a description read from r; name says where it comes from in errors.
func parseSpec(name string, r io.Reader) (*spec, error) {
	doc, err := jsonschema.UnmarshalJSON(r)
	if err != nil {
		return nil, fmt.Errorf("discordtest: spec %s: %w", name, err)
	}
	root, _ := doc.(map[string]any)
	paths, _ := root["paths"].(map[string]any)
	if paths == nil {
		return nil, fmt.Errorf("discordtest: spec %s has no paths", name)
	}
	sp := &spec{compiler: jsonschema.NewCompiler(), compiled: map[string]*jsonschema.Schema{}}
	sp.compiler.DefaultDraft(jsonschema.Draft2020)
	sp.compiler.AssertFormat()
	if err := sp.compiler.AddResource(specURL, doc); err != nil {
		return nil, fmt.Errorf("discordtest: spec %s: %w", name, err)
	}
	for p, item := range paths {
		for method, op := range object(item) {
			content := object(object(object(op)["requestBody"])["content"])
			if _, ok := content["application/json"]; !ok {
				continue
			}
			sp.ops = append(sp.ops, specOp{
				method:  strings.ToUpper(method),
				segs:    splitPath(p),
				pointer: "/paths/" + escapePointer(p) + "/" + method + "/requestBody/content/application~1json/schema",
			})
		}
	}
	return sp, nil
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// validate checks a JSON body sent to method and path (after /api/vN) against the operation's
// schema. It returns nil when the body is valid or the operation takes no JSON body.
func (sp *spec) validate(method, path string, body []byte) []string {
	segs := splitPath(path)
	var op *specOp
	best := -1
	for i := range sp.ops {
		if sp.ops[i].method != method {
			continue
		}
		if score, ok := matchSegments(sp.ops[i].segs, segs); ok && score > best {
			best, op = score, &sp.ops[i]
		}
	}
	if op == nil {
		return nil
	}
	sch, err := sp.schema(op.pointer)
	if err != nil {
		return []string{"cannot compile the schema: " + err.Error()}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	var verr *jsonschema.ValidationError
	if err := sch.Validate(inst); errors.As(err, &verr) {
		var out []string
		describe(verr, &out)
		return slices.Compact(out)
	} else if err != nil {
		return []string{err.Error()}
	}
	return nil
}

func (sp *spec) schema(pointer string) (*jsonschema.Schema, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sch, ok := sp.compiled[pointer]; ok {
		return sch, nil
	}
	sch, err := sp.compiler.Compile(specURL + "#" + pointer)
	if err != nil {
		return nil, err
	}
	sp.compiled[pointer] = sch
	return sch, nil
}

// describe turns a validation error tree into one line per problem. Discord's unions (anyOf or
// oneOf over objects told apart by their "type") would otherwise report every branch; the
// branches whose discriminator did not match are left out, so a message with a bad embed title
// reports the title and not that the body is also not a modal.
func describe(e *jsonschema.ValidationError, out *[]string) {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		if len(e.Causes) == 0 {
			break // oneOf matched more than one branch: report it as it is
		}
		var keep []*jsonschema.ValidationError
		var at []string
		var wrongType []string
		for _, b := range e.Causes {
			if loc, msg, wrong := discriminatorMismatch(b, e.InstanceLocation); wrong {
				at, wrongType = loc, append(wrongType, msg)
			} else {
				keep = append(keep, b)
			}
		}
		if len(keep) == 0 {
			*out = append(*out, fmt.Sprintf("at %s: matches none of the alternatives: %s",
				location(at), strings.Join(slices.Compact(wrongType), "; or ")))
			return
		}
		for _, b := range keep {
			describe(b, out)
		}
		return
	}
	if len(e.Causes) == 0 {
		*out = append(*out, fmt.Sprintf("at %s: %s", location(e.InstanceLocation), e.ErrorKind.LocalizedString(printer)))
		return
	}
	for _, c := range e.Causes {
		describe(c, out)
	}
}

// discriminatorMismatch reports whether a union branch failed because the value is of another
// kind: its "type" property is not the branch's, or its JSON type is not. It returns where and
// what.
func discriminatorMismatch(b *jsonschema.ValidationError, at []string) (loc []string, msg string, wrong bool) {
	if len(b.InstanceLocation) > len(at)+1 {
		return nil, "", false
	}
	if len(b.Causes) == 0 {
		switch b.ErrorKind.(type) {
		case *kind.Enum, *kind.Const:
			if len(b.InstanceLocation) == len(at)+1 && b.InstanceLocation[len(at)] == "type" {
				return b.InstanceLocation, b.ErrorKind.LocalizedString(printer), true
			}
		case *kind.Type:
			if len(b.InstanceLocation) == len(at) {
				return b.InstanceLocation, b.ErrorKind.LocalizedString(printer), true
			}
		}
		return nil, "", false
	}
	for _, c := range b.Causes {
		if loc, msg, wrong := discriminatorMismatch(c, at); wrong {
			return loc, msg, true
		}
	}
	return nil, "", false
}

func location(parts []string) string {
	return "'/" + strings.Join(parts, "/") + "'"
}
