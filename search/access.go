package search

import "github.com/blevesearch/bleve/v2/search/query"

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

// scope is the documents a query may match: those matching every query of all (none: every document) and
// not not (nil: none excluded). The queries of all become parts of the query's conjunction, so that Bleve
// walks the rarest first.
type scope struct {
	all []query.Query
	not query.Query
}

// query matches the scope's documents.
func (s scope) query() query.Query {
	q := allOf(s.all...)
	if s.not != nil {
		q = query.NewBooleanQuery([]query.Query{q}, nil, []query.Query{s.not})
	}
	return q
}

// readable is what r may read (the access filter).
func readable(r Reader) scope {
	if f := accessFilter(r); f != nil {
		return scope{all: []query.Query{f}}
	}
	return scope{}
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
