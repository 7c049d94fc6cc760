package search

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// SearchRequest is a full-text search from the search box.
type SearchRequest struct {
	Q           string   // user words and "quoted phrases"; never query syntax
	Kinds       []string // OR within each list, AND across lists
	Themes      []string
	Territories []string // a territory id also finds documents of its descendants
	Orgs        []string
	Langs       []string
	From, To    *time.Time // creation time range, inclusive
	Sort        string     // "relevance" (default) or "date" (newest first)
	Page        int        // 1-based; default 1
	PerPage     int        // default 20
	// AnyWord matches documents holding any of the words, ranked by how many and how well (similar-text
	// suggestions); by default every word is required.
	AnyWord bool
	// Drafts also matches documents in draft that r may see (an organisation's unpublished practices for its
	// members); by default only published documents are matched.
	Drafts bool
	// Typos says when words also match at edit distance 1; by default (TyposAuto) when the exact words
	// find fewer than Options.FuzzyBelow documents.
	Typos Typos
}

// Typos says whether a search's words also match with one letter wrong.
type Typos int

const (
	TyposAuto Typos = iota // when the exact words find (almost) nothing: see Index.wantsFuzzy
	TyposOff               // exact words only
	TyposOn                // exact words and words one edit away
)

// Key identifies the request: two requests with one key, asked by one reader of one index, get one answer
// (callers keep answers under it).
func (req SearchRequest) Key() string {
	b, _ := json.Marshal(req) // plain strings, numbers and times: cannot fail
	return string(b)
}

// SearchHit is one result.
type SearchHit struct {
	ID     string
	Kind   string
	Status string // "published", or "draft" when SearchRequest.Drafts found one
	// SearchKind is the kind the hit counts as (Document.SearchKind): differs from Kind for a translation.
	SearchKind string
	Title      string
	Language   string
	Created    time.Time
	Score      float64
	// Highlights are HTML fragments: the text is escaped and matches are
	// wrapped in <mark>…</mark>, safe to insert into a page.
	Highlights []string
}

// FacetCount is one value of a facet with the number of visible matches.
type FacetCount struct {
	Value string
	Count int
}

// SearchResult is a page of hits with totals and facets computed over the
// documents the reader may see.
type SearchResult struct {
	Total   uint64
	Hits    []SearchHit
	Facets  map[string][]FacetCount // keys: kind, theme, territory, language, year
	Page    int
	PerPage int
	Took    time.Duration

	order      sortOrder
	counted    map[string][]FacetCount // per facet, up to facetCounted values (Facets has the first facetSize)
	allCounted map[string]bool         // per facet: counted lists every value
}

// sortOrder is how a search ordered its hits.
type sortOrder int

const (
	byScore         sortOrder = iota // relevance
	byDateThenScore                  // newest first, then relevance (sort=date)
	byDateThenID                     // newest first, then id (a search without words: nothing to score)
)

// Limits on search input.
const (
	MaxQueryLen = 500 // bytes of Q
	// MaxWords bounds the words (distinct, phrases' words included) one search matches: each word is a
	// query on every language's title and body, so 500 bytes of one-letter words would be ~2,500 term
	// queries. Nobody types more than a long sentence into a search box.
	MaxWords       = 32
	defaultPerPage = 20
	fuzzyMinRunes  = 5   // words this long also match at edit distance 1
	facetSize      = 20  // values shown per facet
	facetCounted   = 200 // values kept per facet (a city's neighbourhoods), to add up parts' counts
	maxFilterVals  = 50
)

// Boosts: a title match weighs more than a body match; typo matches weigh
// well below exact ones.
const (
	boostTitle      = 2.0
	boostBody       = 1.0
	boostFuzzyTitle = 0.3
	boostFuzzyBody  = 0.15
	boostPhrase     = 1.5
)

// searchFacets maps facet names to fields.
var searchFacets = [][2]string{{"kind", fSearchKind}, {"theme", fTheme}, {"territory", fTerritory}, {"language", fLang}, {"year", fYear}}

// Search runs a full-text search as r. Only published documents r may see
// are matched, counted, faceted or highlighted. Invalid input returns an
// *InputError.
func (ix *Index) Search(ctx context.Context, r Reader, req SearchRequest) (*SearchResult, error) {
	u, err := ix.prepare(&req)
	if err != nil {
		return nil, err
	}
	var out *SearchResult
	err = ix.with(func(bi bleve.Index) error {
		var err error
		out, err = ix.search(ctx, bi, req, u, req.Typos == TyposOn, readable(r))
		if err != nil || req.Typos != TyposAuto || !ix.wantsFuzzy(u, out.Total) {
			return err
		}
		// exact words found (almost) nothing: add typo-tolerant matches
		// (boosted below exact ones, which keep the top places)
		out, err = ix.search(ctx, bi, req, u, true, readable(r))
		return err
	})
	return out, err
}

// prepare validates req, fills its defaults and parses its words.
func (ix *Index) prepare(req *SearchRequest) (userQuery, error) {
	if err := ix.validateSearch(req); err != nil {
		return userQuery{}, err
	}
	u := parseUserQuery(req.Q)
	if n := u.count(); n > MaxWords {
		return userQuery{}, &InputError{Field: "q", Message: fmt.Sprintf("query has %d words, more than %d", n, MaxWords), Max: MaxWords}
	}
	hasFilter := len(req.Kinds)+len(req.Themes)+len(req.Territories)+len(req.Orgs)+len(req.Langs) > 0 || req.From != nil || req.To != nil
	if len(u.Words) == 0 && len(u.Phrases) == 0 && !hasFilter {
		return userQuery{}, inputErr("q", "empty query: type some words or choose a filter")
	}
	return u, nil
}

// wantsFuzzy reports whether a search should be run again with typo
// tolerance: exact matching found fewer than Options.FuzzyBelow documents
// and some word is long enough for edit distance 1. Fuzzy terms cost a
// Levenshtein automaton per language field, so running them only when the
// exact words found (almost) nothing keeps common searches fast; measured
// on 100k documents, running them whenever a page was not full made
// filtered and two-word searches 5–12× slower than exact ones.
func (ix *Index) wantsFuzzy(u userQuery, total uint64) bool {
	if total >= uint64(ix.opts.FuzzyBelow) {
		return false
	}
	for _, w := range u.Words {
		if utf8.RuneCountInString(w) >= fuzzyMinRunes {
			return true
		}
	}
	return false
}

// search runs req's query over the documents in reach.
func (ix *Index) search(ctx context.Context, bi bleve.Index, req SearchRequest, u userQuery, fuzzy bool, reach scope) (*SearchResult, error) {
	text := textQuery(bi.Mapping(), u, fuzzy)
	if req.AnyWord {
		if bq, ok := text.(*query.BooleanQuery); ok && bq.Must != nil {
			text = anyWord(bq)
		} else if cq, ok := text.(*query.ConjunctionQuery); ok {
			text = query.NewDisjunctionQuery(cq.Conjuncts)
		}
	}
	filters := []query.Query{
		anyOf(fSearchKind, req.Kinds), anyOf(fTheme, req.Themes), anyOf(fTerritory, req.Territories),
		anyOf(fOrg, req.Orgs), anyOf(fLang, req.Langs), dateRange(fCreated, req.From, req.To),
		statusQ(req.Drafts)}
	filters = append(filters, reach.all...)
	order := byScore
	switch {
	case text == nil:
		order = byDateThenID
	case req.Sort == "date":
		order = byDateThenScore
	}
	if text != nil {
		// A document's score comes from the words alone: the same whoever reads and whatever is filtered,
		// so answers computed in parts (SearchOnPublic) rank as one search would.
		for _, f := range filters {
			unscored(f)
		}
	}
	q := scope{all: append([]query.Query{text}, filters...), not: reach.not}.query()
	sr := bleve.NewSearchRequestOptions(q, req.PerPage, (req.Page-1)*req.PerPage, false)
	// no id tiebreak after a score: sorting on _id loads every match's id (slow); page-based search needs no
	// total order. Without words there is nothing to score: newest first, then by id (a doc-valued keyword).
	switch order {
	case byDateThenScore:
		sr.SortBy([]string{"-" + fCreated, "-_score"})
	case byDateThenID:
		sr.SortBy([]string{"-" + fCreated, fUID})
		sr.Score = "none"
	}
	sr.Fields = []string{fMeta}
	for _, f := range searchFacets {
		// Bleve counts every value whatever the size asked; a longer list lets answers computed in parts
		// add up their counts (SearchOnPublic)
		sr.AddFacet(f[0], bleve.NewFacetRequest(f[1], facetCounted))
	}
	if text != nil {
		sr.Highlight = textHighlight()
	}
	res, err := bi.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &SearchResult{Total: res.Total, Page: req.Page, PerPage: req.PerPage, Took: res.Took,
		Hits: make([]SearchHit, 0, len(res.Hits)), order: order, counted: facetCounts(res.Facets), allCounted: map[string]bool{}}
	out.Facets = shortFacets(out.counted)
	for name, f := range res.Facets {
		out.allCounted[name] = f.Other == 0
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, toHit(h))
	}
	return out, nil
}

// unscored makes a filter weigh nothing in a scored search: its leaves get boost 0 (a composite query's
// own boost is not applied by Bleve). Must-not clauses never score.
func unscored(q query.Query) {
	switch q := q.(type) {
	case *query.TermQuery:
		q.SetBoost(0)
	case *query.DateRangeQuery:
		q.SetBoost(0)
	case *query.DisjunctionQuery:
		for _, d := range q.Disjuncts {
			unscored(d)
		}
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			unscored(c)
		}
	case *query.BooleanQuery:
		unscored(q.Must)
		unscored(q.Should)
	}
}

func (ix *Index) validateSearch(req *SearchRequest) error {
	if len(req.Q) > MaxQueryLen {
		return inputErr("q", "query longer than %d characters", MaxQueryLen)
	}
	if !utf8.ValidString(req.Q) {
		return inputErr("q", "query is not valid UTF-8")
	}
	for name, vals := range map[string][]string{"kinds": req.Kinds, "themes": req.Themes, "territories": req.Territories, "orgs": req.Orgs, "langs": req.Langs} {
		if err := validValues(name, vals); err != nil {
			return err
		}
	}
	switch req.Sort {
	case "", "relevance", "date":
	default:
		return inputErr("sort", "sort must be relevance or date")
	}
	if req.Typos < TyposAuto || req.Typos > TyposOn {
		return inputErr("typos", "unknown typo mode")
	}
	return ix.validatePage(&req.Page, &req.PerPage)
}

func validValues(name string, vals []string) error {
	if len(vals) > maxFilterVals {
		return inputErr(name, "more than %d values", maxFilterVals)
	}
	for _, v := range vals {
		if !utf8.ValidString(v) || len(v) > 200 {
			return inputErr(name, "invalid value")
		}
	}
	return nil
}

func (ix *Index) validatePage(page, perPage *int) error {
	if *page == 0 {
		*page = 1
	}
	if *perPage == 0 {
		*perPage = defaultPerPage
	}
	if *page < 1 || *page > ix.opts.MaxPage {
		return inputErr("page", "page must be between 1 and %d", ix.opts.MaxPage)
	}
	if *perPage < 1 || *perPage > ix.opts.MaxPerPage {
		return inputErr("per_page", "per_page must be between 1 and %d", ix.opts.MaxPerPage)
	}
	return nil
}

// textQuery builds the text part of a search, or nil when there is none.
// Every word must match (in a title or body, in any language, each field
// with its own analyzer); a word that one language drops as a stop word
// cannot be required of documents in that language, so it only adds to the
// score. Phrases must match as phrases.
func textQuery(m mapping.IndexMapping, u userQuery, fuzzy bool) query.Query {
	var must, should []query.Query
	for _, w := range u.Words {
		q, required := wordQuery(m, w, fuzzy)
		if q == nil {
			continue
		}
		if required {
			must = append(must, q)
		} else {
			should = append(should, q)
		}
	}
	for _, p := range u.Phrases {
		var alts []query.Query
		for _, l := range Languages {
			alts = append(alts, phraseQ(titleField(l), l, p, boostPhrase*boostTitle), phraseQ(bodyField(l), l, p, boostPhrase))
		}
		must = append(must, query.NewDisjunctionQuery(alts))
	}
	switch {
	case len(must) == 0 && len(should) == 0:
		return nil
	case len(must) == 0:
		return query.NewDisjunctionQuery(should)
	case len(should) == 0:
		return allOf(must...)
	}
	return query.NewBooleanQuery(must, should, nil)
}

// anyWord turns a boolean query's required words into optional ones.
func anyWord(bq *query.BooleanQuery) query.Query {
	var qs []query.Query
	if c, ok := bq.Must.(*query.ConjunctionQuery); ok {
		qs = append(qs, c.Conjuncts...)
	}
	if d, ok := bq.Should.(*query.DisjunctionQuery); ok {
		qs = append(qs, d.Disjuncts...)
	}
	return query.NewDisjunctionQuery(qs)
}

// wordQuery matches one word in every language field, with typo tolerance
// if fuzzy; required is false when some language analyzes the word away (a
// stop word there).
func wordQuery(m mapping.IndexMapping, w string, fuzzy bool) (q query.Query, required bool) {
	required = true
	fuzzy = fuzzy && utf8.RuneCountInString(w) >= fuzzyMinRunes
	var alts []query.Query
	for _, l := range Languages {
		if a := m.AnalyzerNamed(analyzerFor(l)); a != nil && len(a.Analyze([]byte(w))) == 0 {
			required = false
			continue
		}
		alts = append(alts, matchQ(titleField(l), l, w, boostTitle, 0), matchQ(bodyField(l), l, w, boostBody, 0))
		for _, v := range unaccentedEnding(m, l, w) {
			alts = append(alts, matchQ(titleField(l), l, v, boostTitle, 0), matchQ(bodyField(l), l, v, boostBody, 0))
		}
		if fuzzy {
			alts = append(alts, matchQ(titleField(l), l, w, boostFuzzyTitle, 1), matchQ(bodyField(l), l, w, boostFuzzyBody, 1))
		}
	}
	if len(alts) == 0 {
		return nil, false
	}
	return query.NewDisjunctionQuery(alts), required
}

// stressedEndings are the accented forms of a word's last vowel that change how Catalan stems it: a word
// ending in a stressed vowel makes its plural in -ns (veí → veïns, camí → camins), so its stem keeps the n.
var stressedEndings = map[rune][]string{'a': {"à"}, 'e': {"è", "é"}, 'i': {"í"}, 'o': {"ò", "ó"}, 'u': {"ú"}}

// unaccentedEnding returns the forms of w with an accented last vowel that analyse differently from w in
// lang, for Catalan: someone typing without accents ("vei", "cami") then finds veïns, veïnes and camins.
// Folding makes every other accent irrelevant; only the stemmer's -n rule depends on the final accent.
func unaccentedEnding(m mapping.IndexMapping, lang, w string) []string {
	if lang != Catalan || w == "" {
		return nil
	}
	last, size := utf8.DecodeLastRuneInString(w)
	forms := stressedEndings[last]
	if len(forms) == 0 {
		return nil
	}
	a := m.AnalyzerNamed(analyzerFor(lang))
	if a == nil {
		return nil
	}
	plain := a.Analyze([]byte(w))
	var out []string
	for _, f := range forms {
		v := w[:len(w)-size] + f
		if got := a.Analyze([]byte(v)); len(got) == 1 && (len(plain) != 1 || string(got[0].Term) != string(plain[0].Term)) {
			out = append(out, v)
		}
	}
	return out
}

// matchQ is a match query with its analyzer set explicitly (Bleve would
// otherwise pick one from the mapping, possibly another language's).
func matchQ(field, lang, text string, boost float64, fuzziness int) query.Query {
	q := query.NewMatchQuery(text)
	q.SetField(field)
	q.Analyzer = analyzerFor(lang)
	q.SetBoost(boost)
	if fuzziness > 0 {
		q.SetFuzziness(fuzziness)
	}
	return q
}

func phraseQ(field, lang, text string, boost float64) query.Query {
	q := query.NewMatchPhraseQuery(text)
	q.SetField(field)
	q.Analyzer = analyzerFor(lang)
	q.SetBoost(boost)
	return q
}

// dateRange is an inclusive range on a date field, or nil when open.
func dateRange(field string, from, to *time.Time) query.Query {
	if from == nil && to == nil {
		return nil
	}
	var start, end time.Time
	if from != nil {
		start = *from
	}
	if to != nil {
		end = *to
	}
	incl := true
	q := query.NewDateRangeInclusiveQuery(start, end, &incl, &incl)
	q.SetField(field)
	return q
}

// shortFacets is the first facetSize values of each facet, as answers show them.
func shortFacets(counted map[string][]FacetCount) map[string][]FacetCount {
	out := make(map[string][]FacetCount, len(counted))
	for name, fc := range counted {
		out[name] = fc[:min(len(fc), facetSize):min(len(fc), facetSize)]
	}
	return out
}

func facetCounts(fr bsearch.FacetResults) map[string][]FacetCount {
	out := make(map[string][]FacetCount, len(fr))
	for name, f := range fr {
		terms := f.Terms.Terms()
		counts := make([]FacetCount, 0, len(terms))
		for _, t := range terms {
			counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
		}
		out[name] = counts
	}
	return out
}

// storedMeta decodes the meta field loaded with a hit.
func storedMeta(h *bsearch.DocumentMatch) meta {
	var m meta
	if raw, ok := h.Fields[fMeta].(string); ok {
		_ = json.Unmarshal([]byte(raw), &m) // written by project; a bad value leaves m empty
	}
	return m
}

func toHit(h *bsearch.DocumentMatch) SearchHit {
	m := storedMeta(h)
	hit := SearchHit{ID: h.ID, Kind: m.Kind, SearchKind: cmp.Or(m.SearchKind, m.Kind), Status: m.Status, Title: m.Title, Language: m.Language, Created: m.Created, Score: h.Score}
	// title fragment first, then body fragments
	for _, prefix := range []string{"title_", "body_"} {
		for field, frags := range h.Fragments {
			if strings.HasPrefix(field, prefix) {
				hit.Highlights = append(hit.Highlights, frags...)
			}
		}
	}
	return hit
}

// statusDraft is the status of a document its authors have not published yet.
const statusDraft = "draft"

// statusQ matches published documents, and drafts too when asked (the access filter still decides who).
func statusQ(drafts bool) query.Query {
	if drafts {
		return anyOf(fStatus, []string{statusPublished, statusDraft})
	}
	return termQ(fStatus, statusPublished)
}
