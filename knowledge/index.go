package knowledge

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
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
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Field boosts: what people ask (titles and alternate questions) says most about an entry,
// keywords somewhat less, and the answer text only a little, since answers mention many topics
// in passing.
//
// Titles and questions stay two fields, though they share boost and analyzer: merged, an entry
// with many alternate questions has a long field that BM25 scores down, and a title that says
// exactly what was asked ("Who should avoid foot massage?") no longer stands out; that cost more
// answers than the fourth field's term searches cost time.
//
// Titles and questions keep their small words ("who should not", "how long"): in a question they
// carry the meaning, and they are matched against phrasings of the same kind.
var fieldBoosts = []struct {
	field    string
	boost    float64
	analyzer string
}{
	{titleField, 3, phrasingAnalyzer},
	{questionsField, 3, phrasingAnalyzer},
	{keywordsField, 2, en.AnalyzerName},
	{answerField, 1, en.AnalyzerName},
}

const (
	titleField     = "title"
	questionsField = "questions"
	keywordsField  = "keywords"
	answerField    = "answer"
)

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
	analyzer *analysis.DefaultAnalyzer // bleve's English analyzer, whose steps analyzeQuestion runs
	vocab    *vocabulary

	signals    *signals               // risks, emergencies, off-topic words, compiled once
	thresholds thresholds             // the policy's; fitted, except in TestFitThresholds
	safetyKind []*Entry               // the entries of kind safety, looked up once
	routine    *Entry                 // the first entry of kind routine, nil if none
	overview   *Entry                 // the first entry of kind overview, nil if none
	phrasings  map[string]*Entry      // each entry's questions and title by phrasingKey (see exact-phrasing)
	presearch  map[string]interface{} // read-only; see readIndex
	leanings   *leanModel             // the base's Leanings, for ranking
	scope      *scopeModel            // the base's Leanings, in scope or not

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
	analyzer, ok := m.AnalyzerNamed(en.AnalyzerName).(*analysis.DefaultAnalyzer)
	if !ok || len(analyzer.TokenFilters) != 4 {
		return nil, fmt.Errorf("bleve's %q analyzer is not tokenizer, possessive, lowercase, stop, stemmer", en.AnalyzerName)
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
			Title:     devices(e.Title),
			Questions: devices(strings.Join(e.Questions, "\n")),
			Keywords:  devices(strings.Join(e.Keywords, " ")),
			Answer:    devices(entryText(e)),
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
	ix := &Index{base: b, bleve: idx, analyzer: analyzer, signals: newSignals(b), thresholds: fitted,
		safetyKind: b.OfKind(KindSafety), phrasings: map[string]*Entry{}}
	if o := b.OfKind(KindOverview); len(o) > 0 {
		ix.overview = o[0]
	}
	if r := b.OfKind(KindRoutine); len(r) > 0 {
		ix.routine = r[0]
	}
	for _, e := range b.Entries {
		for _, q := range append([]string{e.Title}, e.Questions...) {
			if k := phrasingKey(wordsOf(q)); k != "" && ix.phrasings[k] == nil {
				ix.phrasings[k] = e
			}
		}
	}
	postings, err := ix.readIndex()
	if err != nil {
		idx.Close()
		return nil, err
	}
	// The vocabulary reads which entry has which term from the index bleve just built, rather
	// than analysing every text a second time: analysis was half the cost of building.
	ix.vocab = newVocabulary(b, postings, ix.analyze)
	ix.leanings = compileLeanings(b.Leanings, ix.vocab.entryAt, leanSmoothing)
	ix.scope = compileScope(b.Leanings, leanSmoothing)
	return ix, nil
}

// readIndex reads what the index knows once and for all, since it never changes: which entries
// contain each term of each field (returned, for the vocabulary), and what bleve would otherwise
// look up afresh for every question (kept in ix.presearch): the synonyms of every word from the
// fields' synonym sources, and the document and field sizes BM25 scores with. Bleve's own
// pre-search hand-off takes both, and its searchers then expand synonyms and score exactly as
// they would have; looking the synonyms up per question was a fifth of the search's cost.
func (ix *Index) readIndex() (map[string]map[string][]string, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	defer r.Close()
	postings, err := readPostings(r)
	if err != nil {
		return nil, err
	}
	thesaurus, ok1 := r.(index.ThesaurusReader)
	sizes, ok2 := r.(index.BM25Reader)
	if !ok1 || !ok2 {
		return nil, errors.New("read index: scorch no longer reads synonyms or BM25 statistics")
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	stats := &search.BM25Stats{DocCount: float64(docs), FieldCardinality: map[string]int{}}
	synonyms := search.FieldTermSynonymMap{}
	for _, f := range fieldBoosts {
		if stats.FieldCardinality[f.field], err = sizes.FieldCardinality(f.field); err != nil {
			return nil, fmt.Errorf("read index field %s: %w", f.field, err)
		}
		if synonyms[f.field], err = readSynonyms(thesaurus, f.analyzer); err != nil {
			return nil, err
		}
	}
	ix.presearch = map[string]interface{}{
		search.SynonymPreSearchDataKey: synonyms,
		search.BM25PreSearchDataKey:    stats,
	}
	return postings, nil
}

// readSynonyms returns every term of a synonym source with the terms it stands for.
func readSynonyms(r index.ThesaurusReader, source string) (map[string][]string, error) {
	keys, err := r.ThesaurusKeys(source)
	if err != nil {
		return nil, fmt.Errorf("read synonyms %s: %w", source, err)
	}
	defer keys.Close()
	out := map[string][]string{}
	ctx := context.Background()
	for k, err := keys.Next(); k != nil && err == nil; k, err = keys.Next() {
		tr, err := r.ThesaurusTermReader(ctx, source, []byte(k.Term))
		if err != nil {
			return nil, fmt.Errorf("read synonyms of %s: %w", k.Term, err)
		}
		for syn, err := tr.Next(); syn != "" && err == nil; syn, err = tr.Next() {
			// Words of a group often share the canonical word's stem ("massages", "massage"):
			// the term is then its own synonym, and bleve would search it twice.
			if syn != k.Term && !slices.Contains(out[k.Term], syn) {
				out[k.Term] = append(out[k.Term], syn)
			}
		}
		tr.Close()
	}
	return out, nil
}

// readPostings returns, for each field, which entries contain each term. It walks the fields'
// doc values, one visit per entry, since a postings reader per term costs several times more.
func readPostings(r index.IndexReader) (map[string]map[string][]string, error) {
	fields := make([]string, len(fieldBoosts))
	out := map[string]map[string][]string{}
	for i, f := range fieldBoosts {
		fields[i] = f.field
		out[f.field] = map[string][]string{}
	}
	dv, err := r.DocValueReader(fields)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	defer all.Close()
	for id, err := all.Next(); id != nil && err == nil; id, err = all.Next() {
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, fmt.Errorf("read index: %w", err)
		}
		err = dv.VisitDocValues(id, func(field string, term []byte) {
			if terms := out[field]; terms != nil {
				terms[string(term)] = append(terms[string(term)], ext)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("read index entry %s: %w", ext, err)
		}
	}
	return out, nil
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
		fm.IncludeTermVectors = false // no phrase queries or highlighting: positions are never read
		// Doc values are kept, although nothing sorts or facets on text: they are the cheap way
		// to read each entry's terms back for the vocabulary (see readPostings).
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
	// closeness is how near the question comes to one of the entry's phrasings (see
	// vocabulary.closeness).
	closeness float64
	// lean is the entry's posterior from the leanings, 0-1 (0 without leanings or when the hit
	// covers none of the question).
	lean float64
	rank float64 // what Answer orders hits by
}

// search runs the question's terms against every field: all of them (small words included)
// against the phrasings, the English analyzer's against keywords and answers. Answer corrects
// typos against the base's own words before it analyses the question (see vocabulary.correct),
// so the search needs no fuzzy clauses: they cost milliseconds per question, a hundred times the
// rest of the search.
func (ix *Index) search(ctx context.Context, q analysedQuestion, size int) ([]hit, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	res, err := ix.bleve.SearchInContext(ctx, ix.request(q, size))
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

// request builds the search for an analysed question out of term queries: the question is
// analysed once, where a match query per field would analyse it again for every field, and
// again to look up its synonyms. A term is searched in a field only if the field has it or one
// of its synonyms: a term query on a missing term finds nothing, but still costs a dictionary
// and a thesaurus look-up.
func (ix *Index) request(q analysedQuestion, size int) *bleve.SearchRequest {
	fields := make([]query.Query, 0, len(fieldBoosts))
	for _, f := range fieldBoosts {
		terms := q.english
		if f.analyzer == phrasingAnalyzer {
			terms = q.all
		}
		clauses := make([]query.Query, 0, len(terms))
		for i, t := range terms {
			if slices.Contains(terms[:i], t) || !ix.vocab.inField(f.field, t) {
				continue
			}
			tq := bleve.NewTermQuery(t)
			tq.SetField(f.field)
			tq.SetBoost(f.boost)
			clauses = append(clauses, tq)
		}
		if len(clauses) > 0 {
			fields = append(fields, bleve.NewDisjunctionQuery(clauses...))
		}
	}
	var top query.Query = bleve.NewMatchNoneQuery()
	if len(fields) > 0 {
		top = bleve.NewDisjunctionQuery(fields...)
	}
	req := bleve.NewSearchRequestOptions(top, size, 0, false)
	req.PreSearchData = ix.presearch
	return req
}

// analysedQuestion is a question as bleve's analyzers see it.
type analysedQuestion struct {
	all     []string // every word, stemmed: the phrasing analyzer's terms
	english []string // without stop words: the English analyzer's terms
}

// analyzeQuestion runs the steps of bleve's English analyzer once and keeps the terms both
// before and after its stop-word filter, which are what the phrasing and the English analyzer
// would make of the text.
func (ix *Index) analyzeQuestion(text string) analysedQuestion {
	text = devices(text)
	filters := ix.analyzer.TokenFilters // possessive, lowercase, stop, stemmer; see NewIndex
	tokens := ix.analyzer.Tokenizer.Tokenize([]byte(text))
	tokens = filters[1].Filter(filters[0].Filter(tokens))
	for _, t := range tokens {
		// A stop word that a synonym group gives a meaning ("yourself" for "self") would be
		// dropped below; the group's own word is kept instead.
		if c, ok := ix.vocab.stopSynonyms[string(t.Term)]; ok {
			t.Term = []byte(c)
		}
	}
	kept := filters[2].Filter(slices.Clone(tokens)) // stop filtering compacts its input in place
	filters[3].Filter(tokens)                       // stems the tokens in place, kept ones too
	q := analysedQuestion{all: make([]string, len(tokens)), english: make([]string, len(kept))}
	for i, t := range tokens {
		q.all[i] = string(t.Term)
	}
	for i, t := range kept {
		q.english[i] = string(t.Term)
	}
	return q
}

// massagerWord is "massager" and "massagers". The English stemmer makes "massag" of them, the
// stem of "massage", so a question about a foot massager found every entry about massage.
// devices calls them what they are, in the indexed text and in questions alike; the synonyms
// make rollers and machines devices too.
var massagerWord = regexp.MustCompile(`(?i)\bmassager(s?)\b`)

func devices(s string) string {
	if !strings.Contains(strings.ToLower(s), "massager") {
		return s
	}
	return massagerWord.ReplaceAllString(s, "device$1")
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

// suggestRequest builds the autocomplete search for text: exact words at each field's boost
// and near misses (typos, partly typed words) at a fraction of it.
func suggestRequest(text string, size int) *bleve.SearchRequest {
	clauses := make([]query.Query, 0, 2*len(fieldBoosts))
	for _, f := range fieldBoosts {
		exact := bleve.NewMatchQuery(text)
		exact.SetField(f.field)
		exact.SetBoost(f.boost)
		clauses = append(clauses, exact)
		if f.field == answerField {
			continue // typos matched against long answers mostly find noise
		}
		near := bleve.NewMatchQuery(text)
		near.SetField(f.field)
		near.SetAutoFuzziness(true)
		near.SetPrefix(1)
		near.SetBoost(f.boost * fuzzyWeight)
		clauses = append(clauses, near)
	}
	return bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(clauses...), size, 0, false)
}

// Suggest returns up to n entries for a partly typed topic, best first, for autocomplete. An
// empty text lists the first n entries in file order; n <= 0 returns none.
func (ix *Index) Suggest(ctx context.Context, text string, n int) ([]*Entry, error) {
	text = CleanQuestion(text)
	if n <= 0 {
		return nil, nil
	}
	if text == "" {
		return ix.base.Entries[:min(n, len(ix.base.Entries))], nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	// Partly typed words are not typos to correct, so autocomplete keeps bleve's fuzzy clauses;
	// it runs once per keystroke batch, not per answer.
	req := suggestRequest(text, n)
	// The last word is usually still being typed: match it as the start of a title word too.
	if words := wordsOf(text); len(words) > 0 {
		for _, field := range []string{titleField, questionsField} {
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
