package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// accessFilter returns the query a document must match for r to see it (a
// visibility value among r.Grants()), or nil for platform admins. It is ANDed
// into every query this package runs (searches, lists, counts, facets, suggestions), so totals, facet counts and
// highlights are computed over visible documents only: nothing is filtered
// after pagination.
func accessFilter(r Reader) query.Query {
	if r.Admin {
		return nil
	}
	return anyOf(fVisibility, r.Grants())
}

// termQ is an exact match on a keyword field.
func termQ(field, value string) query.Query {
	q := query.NewTermQuery(value)
	q.SetField(field)
	return q
}

// anyOf matches documents whose field holds any of values, or nil when
// values is empty (no filter).
func anyOf(field string, values []string) query.Query {
	switch len(values) {
	case 0:
		return nil
	case 1:
		return termQ(field, values[0])
	}
	qs := make([]query.Query, len(values))
	for i, v := range values {
		qs[i] = termQ(field, v)
	}
	return query.NewDisjunctionQuery(qs)
}

// allOf ANDs the non-nil queries; with none it matches everything.
func allOf(qs ...query.Query) query.Query {
	var kept []query.Query
	for _, q := range qs {
		if q != nil {
			kept = append(kept, q)
		}
	}
	switch len(kept) {
	case 0:
		return query.NewMatchAllQuery()
	case 1:
		return kept[0]
	}
	return query.NewConjunctionQuery(kept)
}

// FindsOnlyPublic reports whether r's searches find exactly what an anonymous reader's find: no document
// that r may read (published or a draft) is other than public and published. Then a signed-in reader can be
// given an anonymous reader's answer. It walks only the postings of r's own grants and of drafts, not of
// public documents, so it costs a fraction of a search; a published document that is public and also under
// one of r's own grants makes it answer no (safe, if not needed). Platform admins read everything: never.
func (ix *Index) FindsOnlyPublic(ctx context.Context, r Reader) (bool, error) {
	if r.Admin {
		return false, nil
	}
	var own []string
	for _, g := range r.Grants() {
		if g != Public {
			own = append(own, g)
		}
	}
	// what r may find beyond public and published: a draft it may read, or a published document under one of
	// its own grants (one that is public too is counted as well: a safe "no", and no walk over every public
	// document to exclude it)
	beyond := []query.Query{termQ(fStatus, statusDraft)}
	if len(own) > 0 {
		beyond = append(beyond, allOf(anyOf(fVisibility, own), termQ(fStatus, statusPublished)))
	}
	q := allOf(anyOf(fVisibility, r.Grants()), query.NewDisjunctionQuery(beyond))
	var n uint64
	err := ix.with(func(bi bleve.Index) error {
		res, err := bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 0, 0, false))
		if err != nil {
			return fmt.Errorf("search: finds only public: %w", err)
		}
		n = res.Total
		return nil
	})
	return n == 0, err
}
