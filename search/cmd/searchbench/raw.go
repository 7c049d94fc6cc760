package main

import (
	"context"
	"fmt"
	"math/rand"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/search/corpus"
)

// rawDoc is the corpus as plain Bleve would index it: one title and one body
// field with the standard analyzer, keyword fields, no access filter.
type rawDoc struct {
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Lang       string    `json:"lang"`
	Theme      []string  `json:"theme"`
	Territory  []string  `json:"territory"`
	Visibility []string  `json:"visibility"`
	Created    time.Time `json:"created"`
}

// BleveType selects the raw mapping's document type.
func (rawDoc) BleveType() string { return "doc" }

// rawMapping is a lean mapping (no _all, keyword fields with doc values,
// text stored with term vectors for highlighting): the baseline measured
// before this package existed.
func rawMapping() *mapping.IndexMappingImpl {
	im := mapping.NewIndexMapping()
	dm := mapping.NewDocumentStaticMapping()
	for _, f := range []string{"title", "body"} {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer, fm.Store, fm.IncludeInAll, fm.IncludeTermVectors, fm.DocValues = standard.Name, true, false, true, false
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{"kind", "lang", "theme", "territory", "visibility"} {
		fm := mapping.NewKeywordFieldMapping()
		fm.Store, fm.IncludeInAll, fm.DocValues = false, false, true
		dm.AddFieldMappingsAt(f, fm)
	}
	dt := mapping.NewDateTimeFieldMapping()
	dt.Store, dt.IncludeInAll = false, false
	dm.AddFieldMappingsAt("created", dt)
	dm.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	im.AddDocumentMapping("doc", dm)
	im.DefaultAnalyzer = standard.Name
	return im
}

func benchRaw(g *corpus.Generator, n, queries int, dir string) error {
	bi, err := bleve.New(dir, rawMapping())
	if err != nil {
		return err
	}
	defer bi.Close()
	var indexing time.Duration
	cpu0 := cpuTime()
	err = batches(g, n, func(docs []search.Document) error {
		b := bi.NewBatch()
		for _, d := range docs {
			if err := b.Index(d.ID, rawDoc{Kind: d.Kind, Title: d.Title, Body: d.Body, Lang: d.Language, Theme: d.Themes,
				Territory: d.Territory, Visibility: d.Visibility, Created: d.Created}); err != nil {
				return err
			}
		}
		t := time.Now()
		err := bi.Batch(b)
		indexing += time.Since(t)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("raw:  indexed %d docs in %s: %.0f docs/s (default safe batches), %.0f docs per CPU-second (incl. generation); index size %s\n",
		n, indexing.Round(time.Millisecond), float64(n)/indexing.Seconds(), float64(n)/(cpuTime()-cpu0).Seconds(), human(dirSize(dir)))

	r := rand.New(rand.NewSource(7))
	lang := func() string { return search.Languages[r.Intn(len(search.Languages))] }
	match := func(text string, fuzzy int) query.Query {
		var alts []query.Query
		for f, boost := range map[string]float64{"title": 2, "body": 1} {
			q := query.NewMatchQuery(text)
			q.SetField(f)
			q.Analyzer = standard.Name
			q.SetBoost(boost)
			q.SetFuzziness(fuzzy)
			alts = append(alts, q)
		}
		return query.NewDisjunctionQuery(alts)
	}
	full := func(q query.Query) *bleve.SearchRequest {
		sr := bleve.NewSearchRequestOptions(q, 20, 0, false)
		for _, f := range []string{"kind", "theme", "territory", "lang"} {
			sr.AddFacet(f, bleve.NewFacetRequest(f, 20))
		}
		sr.Highlight = bleve.NewHighlightWithStyle("html")
		sr.Highlight.AddField("title")
		sr.Highlight.AddField("body")
		return sr
	}
	kinds := []struct {
		name string
		mk   func() *bleve.SearchRequest
	}{
		{"word (facets+highlights)", func() *bleve.SearchRequest { return full(match(g.Word(r, lang()), 0)) }},
		{"two words", func() *bleve.SearchRequest {
			l := lang()
			return full(query.NewConjunctionQuery([]query.Query{match(g.Word(r, l), 0), match(g.Word(r, l), 0)}))
		}},
		{"phrase", func() *bleve.SearchRequest {
			q := query.NewMatchPhraseQuery(g.Phrase(r, r.Intn(n)))
			q.SetField("body")
			q.Analyzer = standard.Name
			return full(q)
		}},
		{"fuzzy (typo)", func() *bleve.SearchRequest { return full(match(g.Typo(r, lang()), 1)) }},
		{"word + theme + district", func() *bleve.SearchRequest {
			return full(query.NewConjunctionQuery([]query.Query{match(g.Word(r, lang()), 0),
				term("theme", corpus.Themes[r.Intn(len(corpus.Themes))]), term("territory", fmt.Sprintf("d%d", r.Intn(corpus.NumDistricts)))}))
		}},
		{"list kind+district, -created, facet theme", func() *bleve.SearchRequest {
			q := query.NewConjunctionQuery([]query.Query{term("kind", corpus.Kinds[r.Intn(len(corpus.Kinds))]),
				term("territory", fmt.Sprintf("d%d", r.Intn(corpus.NumDistricts)))})
			sr := bleve.NewSearchRequestOptions(q, 21, 0, false)
			sr.SortBy([]string{"-created", "_id"})
			sr.AddFacet("theme", bleve.NewFacetRequest("theme", 100))
			return sr
		}},
	}
	startCPU()
	for _, k := range kinds {
		lat := make([]time.Duration, 0, queries)
		var hits uint64
		for i := 0; i < queries; i++ {
			sr := k.mk()
			t := time.Now()
			res, err := bi.SearchInContext(context.Background(), sr)
			lat = append(lat, time.Since(t))
			if err != nil {
				return fmt.Errorf("raw %s: %w", k.name, err)
			}
			hits += res.Total
		}
		report("raw ", k.name, lat, hits, queries)
	}
	return nil
}

func term(field, v string) query.Query {
	q := query.NewTermQuery(v)
	q.SetField(field)
	return q
}
