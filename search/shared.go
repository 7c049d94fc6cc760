package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// maxSharedTop bounds how deep a search answered in parts may page (Page × PerPage): the public part holds
// every hit up to the page asked for. Deeper pages are computed for the reader alone.
const maxSharedTop = 60

// SearchOnPublic answers r's search (an anonymous reader's too) with what Search would answer — the same
// hits in the same order, the same total and facets — from two parts: the public documents it matches,
// asked of public as an anonymous reader's search (which the caller may keep: it depends only on the index
// and the request), and what only r finds beyond them (r's documents that are not public), computed here. A member of an organisation with members-only
// records then pays for those few, not again for every public match of a common word. A document's score
// does not depend on who reads (search filters weigh nothing), so the two parts' hits interleave as one
// search ranks them. Platform admins, pages deeper than maxSharedTop hits and facets the parts cannot count
// exactly (a value cut from one part's list) are computed by Search.
func (ix *Index) SearchOnPublic(ctx context.Context, r Reader, req SearchRequest, public func(SearchRequest) (*SearchResult, error)) (*SearchResult, error) {
	u, err := ix.prepare(&req)
	if err != nil {
		return nil, err
	}
	if r.Admin || req.Page*req.PerPage > maxSharedTop {
		return ix.Search(ctx, r, req)
	}
	// both parts from their first hit down to the end of the page asked for
	top := req
	top.Page, top.PerPage = 1, req.Page*req.PerPage
	pub, beyond, err := ix.parts(ctx, r, top, u, req.Typos == TyposOn, public)
	if err == nil && req.Typos == TyposAuto && ix.wantsFuzzy(u, pub.Total+beyond.Total) {
		pub, beyond, err = ix.parts(ctx, r, top, u, true, public)
	}
	if err != nil {
		return nil, err
	}
	if out, ok := mergeParts(pub, beyond, req); ok {
		return out, nil
	}
	return ix.Search(ctx, r, req)
}

// parts runs the two parts of top for r, with or without typos.
func (ix *Index) parts(ctx context.Context, r Reader, top SearchRequest, u userQuery, fuzzy bool, public func(SearchRequest) (*SearchResult, error)) (pub, beyond *SearchResult, err error) {
	beyond = &SearchResult{} // what an anonymous reader finds, or a reader with nothing else in reach
	if reach, ok := beyondPublic(r); ok {
		err = ix.with(func(bi bleve.Index) error {
			// most readers have nothing beyond: a count over the few postings of their own grants spares
			// them the words' query
			n, err := bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(reach.query(), 0, 0, false))
			if err != nil || n.Total == 0 {
				return err
			}
			beyond, err = ix.search(ctx, bi, top, u, fuzzy, reach)
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("search: %w", err)
		}
	}
	anonymous := top // drafts too if asked: a public draft is in every signed-in reader's reach
	anonymous.Typos = TyposOff
	if fuzzy {
		anonymous.Typos = TyposOn
	}
	pub, err = public(anonymous)
	return pub, beyond, err
}

// beyondPublic is what r may find and an anonymous reader asking for the same statuses may not: r's
// documents under its own grants that are not public; ok is false when r holds no grant of its own (an
// anonymous reader). With the public documents it makes exactly what the access filter lets r find. Its
// terms are the postings of r's own grants, few beside the public ones, and Bleve walks the rarest part of
// a conjunction first.
func beyondPublic(r Reader) (s scope, ok bool) {
	var own []string
	for _, g := range r.Grants() {
		if g != Public {
			own = append(own, g)
		}
	}
	if len(own) == 0 {
		return scope{}, false
	}
	return scope{all: []query.Query{anyOf(fVisibility, own)}, not: termQ(fVisibility, Public)}, true
}

// mergeParts makes req's page out of the public and beyond parts (each from its first hit to the end of
// the page), or reports false when a facet cannot be counted exactly from the two.
func mergeParts(pub, beyond *SearchResult, req SearchRequest) (*SearchResult, bool) {
	from, to := min((req.Page-1)*req.PerPage, len(pub.Hits)), min(req.Page*req.PerPage, len(pub.Hits))
	if beyond.Total == 0 { // the public answer, read only
		return &SearchResult{Total: pub.Total, Hits: pub.Hits[from:to:to], Facets: pub.Facets,
			Page: req.Page, PerPage: req.PerPage, Took: pub.Took, order: pub.order}, true
	}
	counted := make(map[string][]FacetCount, len(searchFacets))
	for _, f := range searchFacets {
		merged, ok := mergeFacet(pub.counted[f[0]], beyond.counted[f[0]], pub.allCounted[f[0]], beyond.allCounted[f[0]])
		if !ok {
			return nil, false
		}
		counted[f[0]] = merged
	}
	// before reports whether a ranks above b, as the search sorted them
	before := func(a, b SearchHit) bool {
		if pub.order != byScore && !a.Created.Equal(b.Created) {
			return a.Created.After(b.Created)
		}
		if pub.order == byDateThenID {
			return a.ID < b.ID
		}
		return a.Score > b.Score
	}
	seen := make(map[string]bool, len(pub.Hits))
	for _, h := range pub.Hits {
		seen[h.ID] = true
	}
	hits := make([]SearchHit, 0, len(pub.Hits)+len(beyond.Hits))
	i, j := 0, 0
	for i < len(pub.Hits) || j < len(beyond.Hits) {
		switch {
		case j < len(beyond.Hits) && seen[beyond.Hits[j].ID]:
			j++ // made public or restricted between the two parts: shown once
		case j < len(beyond.Hits) && (i == len(pub.Hits) || before(beyond.Hits[j], pub.Hits[i])):
			hits = append(hits, beyond.Hits[j])
			j++
		default:
			hits = append(hits, pub.Hits[i])
			i++
		}
	}
	from, to = min((req.Page-1)*req.PerPage, len(hits)), min(req.Page*req.PerPage, len(hits))
	return &SearchResult{Total: pub.Total + beyond.Total, Hits: hits[from:to:to], Facets: shortFacets(counted),
		Page: req.Page, PerPage: req.PerPage, Took: pub.Took + beyond.Took, order: pub.order}, true
}

// mergeFacet adds one facet's counts from the two parts, ordered as Bleve orders them (count, then value)
// and cut at facetCounted. It is exact when the beyond part listed every value and each of them is either in
// the public list or the public list is whole; otherwise it reports false.
func mergeFacet(pub, beyond []FacetCount, pubWhole, beyondWhole bool) ([]FacetCount, bool) {
	if !beyondWhole {
		return nil, false
	}
	counts := make(map[string]int, len(pub)+len(beyond))
	for _, c := range pub {
		counts[c.Value] = c.Count
	}
	for _, c := range beyond {
		if _, listed := counts[c.Value]; !listed && !pubWhole {
			return nil, false // its public count is unknown (cut from the list)
		}
		counts[c.Value] += c.Count
	}
	out := make([]FacetCount, 0, len(counts))
	for v, n := range counts {
		out = append(out, FacetCount{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return out[:min(len(out), facetCounted)], true
}
