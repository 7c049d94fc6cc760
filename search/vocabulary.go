package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// vocabulary tells which analysed terms one snapshot of the index holds in which field, so that a word is
// searched only in the language fields where it occurs. Every word used to become a term query on all ten
// title and body fields; a field without the term matches nothing but still costs a term reader on every
// segment (half the CPU of a one-word search went to building them). Dropping those fields leaves the
// matches the same; scores move only by Bleve's coordination factor (how many of a disjunction's clauses
// matched), measured in search/README.md ("Which fields a word is searched in").
//
// It also records the fields a query kept, so highlighting looks only at those.
type vocabulary struct {
	m     mapping.IndexMapping
	r     index.IndexReader // nil: every field is kept (Options.EveryLanguageField, or no snapshot)
	dicts map[string]index.FieldDictContains
	used  map[string]bool
}

// vocabularyOf opens a snapshot of bi for one query; done releases it.
func (ix *Index) vocabularyOf(bi bleve.Index) (v *vocabulary, done func()) {
	v = &vocabulary{m: bi.Mapping(), dicts: map[string]index.FieldDictContains{}, used: map[string]bool{}}
	if ix.opts.EveryLanguageField {
		return v, func() {}
	}
	adv, err := bi.Advanced()
	if err != nil {
		return v, func() {}
	}
	r, err := adv.Reader()
	if err != nil {
		return v, func() {}
	}
	if _, ok := r.(index.IndexReaderContains); !ok {
		_ = r.Close()
		return v, func() {}
	}
	v.r = r
	return v, func() { _ = r.Close() }
}

// analyse returns the terms lang's analyzer makes of text.
func (v *vocabulary) analyse(lang, text string) []string {
	a := v.m.AnalyzerNamed(analyzerFor(lang))
	if a == nil {
		return nil
	}
	ts := a.Analyze([]byte(text))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

// holds reports whether field holds some of terms (all of them when all is set, as a phrase needs), and
// marks the field used when it does. Without a snapshot, or when terms is empty (the analyzer left nothing
// to look up), it says yes.
func (v *vocabulary) holds(field string, terms []string, all bool) bool {
	if v.r == nil || len(terms) == 0 {
		v.used[field] = true
		return true
	}
	d, ok := v.dicts[field]
	if !ok {
		var err error
		if d, err = v.r.(index.IndexReaderContains).FieldDictContains(field); err != nil {
			d = nil
		}
		v.dicts[field] = d
	}
	if d == nil {
		v.used[field] = true
		return true
	}
	found := 0
	for _, t := range terms {
		if in, err := d.Contains([]byte(t)); err != nil || in {
			found++
		}
	}
	if found == 0 || (all && found < len(terms)) {
		return false
	}
	v.used[field] = true
	return true
}

// keep marks field used without looking it up (typo-tolerant terms cannot be looked up exactly).
func (v *vocabulary) keep(field string) { v.used[field] = true }

// highlightFields adds the fields the query kept to a highlight request.
func (v *vocabulary) highlightFields(h *bleve.HighlightRequest) {
	for _, l := range Languages {
		for _, f := range []string{titleField(l), bodyField(l)} {
			if v.used[f] {
				h.AddField(f)
			}
		}
	}
}
