package knowledge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Field boosts: what people ask (titles and alternate questions) says most about an entry,
// keywords somewhat less, and the answer text only a little, since answers mention many topics
// in passing.
//
// Titles and questions keep their small words ("who should not", "how long"): in a question they
// carry the meaning, and they are matched against phrasings of the same kind.
var fieldBoosts = []struct {
	field    string
	boost    float64
	analyzer string
}{
	{"title", 3, phrasingAnalyzer},
	{"questions", 3, phrasingAnalyzer},
	{"keywords", 2, en.AnalyzerName},
	{"answer", 1, en.AnalyzerName},
}

// phrasingAnalyzer is bleve's English analyzer without its stop-word filter.
const phrasingAnalyzer = "en_phrasing"

// fuzzyWeight scales the typo-tolerant clauses, so that a word spelled right outranks its
// near misses.
const fuzzyWeight = 0.4

// synonymCollection holds the synonym groups of the knowledge base; each analyzer gets a synonym
// source over it, since bleve requires a field's synonym source to use the field's analyzer.
const synonymCollection = "footbot-synonyms"

// ErrClosed is returned by searches on an index that has been closed, for example after a
// reload replaced it.
var ErrClosed = errors.New("knowledge index closed")

// Index is a knowledge base made searchable. It is safe for concurrent use.
type Index struct {
	base     *Base
	bleve    bleve.Index
	analyzer analysis.Analyzer
	vocab    *vocabulary

	mu     sync.RWMutex // held for reading by searches, for writing by Close
	closed bool
}

// indexedEntry is the document bleve indexes for an entry.
type indexedEntry struct {
	Title     string `json:"title"`
	Questions string `json:"questions"`
	Keywords  string `json:"keywords"`
	Answer    string `json:"answer"`
}

// NewIndex builds the in-memory search index of a knowledge base.
func NewIndex(b *Base) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	// scorch with an empty path keeps everything in memory; it is the index type that supports
	// synonym sources.
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	batch := idx.NewBatch()
	for i, group := range b.Synonyms {
		// One way only: "rub" finds entries saying "massage", but "massage" does not pull in
		// every entry that happens to say "rub", which would let rare synonyms outweigh the word
		// the person typed.
		def := &bleve.SynonymDefinition{Input: group[1:], Synonyms: group[:1]}
		if err := batch.IndexSynonym(fmt.Sprintf("syn-%d", i), synonymCollection, def); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index synonyms %v: %w", group, err)
		}
	}
	for _, e := range b.Entries {
		doc := indexedEntry{
			Title:     e.Title,
			Questions: strings.Join(e.Questions, "\n"),
			Keywords:  strings.Join(e.Keywords, " "),
			Answer:    entryText(e),
		}
		if err := batch.Index(e.ID, doc); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index entry %s: %w", e.ID, err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("index entries: %w", err)
	}
	ix := &Index{base: b, bleve: idx, analyzer: m.AnalyzerNamed(en.AnalyzerName)}
	ix.vocab = newVocabulary(b, ix.analyze)
	return ix, nil
}

// entryText is the searchable body of an entry: its answer and, for the routine, its steps.
func entryText(e *Entry) string {
	var sb strings.Builder
	sb.WriteString(e.Answer)
	for _, s := range e.Steps {
		sb.WriteString("\n" + s.Title + "\n" + s.Text)
	}
	for _, t := range e.Tips {
		sb.WriteString("\n" + t)
	}
	return sb.String()
}

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = en.AnalyzerName
	// BM25 saturates repeated words, so an entry does not win by saying "foot" twenty times.
	m.ScoringModel = "bm25"
	if err := m.AddCustomAnalyzer(phrasingAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, porter.Name},
	}); err != nil {
		return nil, fmt.Errorf("add analyzer: %w", err)
	}
	for _, analyzer := range []string{en.AnalyzerName, phrasingAnalyzer} {
		if err := m.AddSynonymSource(analyzer, map[string]interface{}{
			"collection": synonymCollection,
			"analyzer":   analyzer,
		}); err != nil {
			return nil, fmt.Errorf("add synonym source: %w", err)
		}
	}
	doc := bleve.NewDocumentMapping()
	for _, f := range fieldBoosts {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = f.analyzer
		fm.SynonymSource = f.analyzer
		fm.Store = false
		fm.IncludeInAll = false
		doc.AddFieldMappingsAt(f.field, fm)
	}
	m.DefaultMapping = doc
	return m, nil
}

// Base returns the knowledge base the index was built from.
func (ix *Index) Base() *Base { return ix.base }

// Close releases the index. Searches still running finish first; later ones fail with ErrClosed.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	return ix.bleve.Close()
}

// hit is one search result.
type hit struct {
	entry    *Entry
	score    float64 // bleve's
	coverage float64 // see vocabulary.coverage
	rank     float64 // what Answer orders hits by
}

// search runs the question's words against every field. Answer corrects typos against the
// base's own words before it searches (see vocabulary.correct), so the search needs no fuzzy
// clauses: they cost milliseconds per question, a hundred times the rest of the search. The text
// is only ever analysed as words: no query syntax.
func (ix *Index) search(ctx context.Context, text string, size int) ([]hit, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	res, err := ix.bleve.SearchInContext(ctx, ix.request(text, size, false))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		if e := ix.base.Entry(h.ID); e != nil {
			hits = append(hits, hit{entry: e, score: h.Score})
		}
	}
	return hits, nil
}

// request builds the search for text: exact words at each field's boost and, with fuzzy, near
// misses (typos) at a fraction of it.
func (ix *Index) request(text string, size int, fuzzy bool) *bleve.SearchRequest {
	clauses := make([]query.Query, 0, 2*len(fieldBoosts))
	for _, f := range fieldBoosts {
		exact := bleve.NewMatchQuery(text)
		exact.SetField(f.field)
		exact.SetBoost(f.boost)
		clauses = append(clauses, exact)
		if !fuzzy || f.field == "answer" {
			continue // typos matched against long answers mostly find noise
		}
		near := bleve.NewMatchQuery(text)
		near.SetField(f.field)
		near.SetAutoFuzziness(true)
		near.SetPrefix(1)
		near.SetBoost(f.boost * fuzzyWeight)
		clauses = append(clauses, near)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(clauses...), size, 0, false)
	return req
}

// analyze returns the terms bleve's English analyzer makes of text.
func (ix *Index) analyze(text string) []string {
	tokens := ix.analyzer.Analyze([]byte(text))
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		out = append(out, string(t.Term))
	}
	return out
}

// Suggest returns up to n entries for a partly typed topic, best first, for autocomplete. An
// empty text lists the first n entries in file order.
func (ix *Index) Suggest(ctx context.Context, text string, n int) ([]*Entry, error) {
	text = CleanQuestion(text)
	if text == "" || n <= 0 {
		return ix.base.Entries[:min(n, len(ix.base.Entries))], nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	// Partly typed words are not typos to correct, so autocomplete keeps bleve's fuzzy clauses;
	// it runs once per keystroke batch, not per answer.
	req := ix.request(text, n, true)
	// The last word is usually still being typed: match it as the start of a title word too.
	if words := wordsOf(text); len(words) > 0 {
		for _, field := range []string{"title", "questions"} {
			p := bleve.NewPrefixQuery(words[len(words)-1])
			p.SetField(field)
			p.SetBoost(2)
			req.Query.(*query.DisjunctionQuery).AddQuery(p)
		}
	}
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	out := make([]*Entry, 0, len(res.Hits))
	for _, h := range res.Hits {
		if e := ix.base.Entry(h.ID); e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}
