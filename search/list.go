package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ListRequest is a read-model query for domain pages: filters, ranges, sort
// and facets, no text. Field names are the public ones: kind, theme,
// territory, language, org, parent, status, year, or an extra keyword name
// (e.g. "contribution_kind"); sorts and ranges take created, updated, title
// or an extra number name (e.g. "supports").
type ListRequest struct {
	Kind string
	// Filters: OR within a field, AND across fields. Without a "status"
	// filter only published documents are listed.
	Filters map[string][]string
	Ranges  []Range
	// Sort is a field name, "-" first for descending: "-created" (the
	// default), "supports", "-supports", "title". Ties break on id, so
	// cursors walk every document exactly once.
	Sort string
	// Cursor continues from the previous page's NextCursor (same request
	// otherwise). Use either Cursor or Page.
	Cursor  string
	Page    int // 1-based, default 1
	PerPage int // default 20
	// Facets names fields to count over all matches (not just this page).
	Facets []string
	// IDsOnly skips loading stored fields: Items then hold only IDs.
	IDsOnly bool
}

// Range bounds a date field (From/To) or a number field (Min/Max),
// inclusive; nil means open.
type Range struct {
	Field    string
	From, To *time.Time
	Min, Max *float64
}

// ListResult is one page of a list.
type ListResult struct {
	// Items are in order; Body is left empty (load it with Get if needed).
	Items      []Document
	Total      uint64
	Facets     map[string][]FacetCount
	NextCursor string // empty on the last page
}

// CountResult holds dashboard counts.
type CountResult struct {
	Total  uint64
	Facets map[string][]FacetCount
}

// listFacetSize bounds the values returned per facet.
const listFacetSize = 100

// keywordFields maps public filter names to index fields.
var keywordFields = map[string]string{
	"kind": fKind, "theme": fTheme, "territory": fTerritory, "language": fLang, "lang": fLang,
	"org": fOrg, "parent": fParent, "status": fStatus, "year": fYear,
}

// keywordField resolves a public keyword field name.
func keywordField(name string) (string, error) {
	if f, ok := keywordFields[name]; ok {
		return f, nil
	}
	if fieldNameRE.MatchString(name) {
		return fKeywordPfx + name, nil
	}
	return "", inputErr("filters", "unknown field %q", name)
}

// sortField resolves a public sort/range field name; date reports a date field.
func sortField(name string) (field string, date bool, err error) {
	switch name {
	case "created":
		return fCreated, true, nil
	case "updated":
		return fUpdated, true, nil
	case "title":
		return fTitleKey, false, nil
	}
	if fieldNameRE.MatchString(name) {
		return fNumberPfx + name, false, nil
	}
	return "", false, inputErr("sort", "unknown field %q", name)
}

// List runs a read-model query as r; counts and facets cover only the
// documents r may see.
func (ix *Index) List(ctx context.Context, r Reader, req ListRequest) (*ListResult, error) {
	q, err := listQuery(r, req.Kind, req.Filters, req.Ranges)
	if err != nil {
		return nil, err
	}
	if req.Cursor != "" && req.Page > 1 {
		return nil, inputErr("cursor", "use either cursor or page")
	}
	if err := ix.validatePage(&req.Page, &req.PerPage); err != nil {
		return nil, err
	}
	sortBy, err := listSort(req.Sort)
	if err != nil {
		return nil, err
	}
	var after []string
	if req.Cursor != "" {
		if after, err = decodeCursor(req.Cursor, len(sortBy)); err != nil {
			return nil, err
		}
	}
	// one extra hit tells whether there is a next page
	sr := bleve.NewSearchRequestOptions(q, req.PerPage+1, (req.Page-1)*req.PerPage, false)
	sr.SortBy(sortBy)
	if after != nil {
		sr.From = 0
		sr.SearchAfter = after
	}
	if !req.IDsOnly {
		sr.Fields = []string{fMeta}
	}
	if err := addFacets(sr, req.Facets); err != nil {
		return nil, err
	}
	var out *ListResult
	err = ix.with(func(bi bleve.Index) error {
		res, err := bi.SearchInContext(ctx, sr)
		if err != nil {
			return fmt.Errorf("search: list: %w", err)
		}
		hits := res.Hits
		if len(hits) > req.PerPage {
			hits = hits[:req.PerPage]
			out = &ListResult{NextCursor: encodeCursor(hits[len(hits)-1].Sort)}
		} else {
			out = &ListResult{}
		}
		out.Total, out.Facets, out.Items = res.Total, facetCounts(res.Facets), make([]Document, 0, len(hits))
		for _, h := range hits {
			d := Document{ID: h.ID}
			if !req.IDsOnly {
				m := storedMeta(h)
				d = Document{ID: h.ID, Kind: m.Kind, Title: m.Title, Language: m.Language, Themes: m.Themes,
					Territory: m.Territory, Organisation: m.Organisation, Parent: m.Parent, Status: m.Status,
					Visibility: m.Visibility, Created: m.Created, Updated: m.Updated, Geo: m.Geo,
					Keywords: m.Keywords, Numbers: m.Numbers}
			}
			out.Items = append(out.Items, d)
		}
		return nil
	})
	return out, err
}

// Counts returns the total and per-value counts of fields over the documents
// of kind (any kind if empty) matching filters that r may see: dashboards.
func (ix *Index) Counts(ctx context.Context, r Reader, kind string, filters map[string][]string, fields []string) (*CountResult, error) {
	q, err := listQuery(r, kind, filters, nil)
	if err != nil {
		return nil, err
	}
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	if err := addFacets(sr, fields); err != nil {
		return nil, err
	}
	var out *CountResult
	err = ix.with(func(bi bleve.Index) error {
		res, err := bi.SearchInContext(ctx, sr)
		if err != nil {
			return fmt.Errorf("search: counts: %w", err)
		}
		out = &CountResult{Total: res.Total, Facets: facetCounts(res.Facets)}
		return nil
	})
	return out, err
}

func listQuery(r Reader, kind string, filters map[string][]string, ranges []Range) (query.Query, error) {
	parts := []query.Query{accessFilter(r)}
	if kind != "" {
		parts = append(parts, termQ(fKind, kind))
	}
	if _, ok := filters["status"]; !ok {
		parts = append(parts, termQ(fStatus, statusPublished))
	}
	for name, vals := range filters {
		field, err := keywordField(name)
		if err != nil {
			return nil, err
		}
		if err := validValues(name, vals); err != nil {
			return nil, err
		}
		if len(vals) == 0 {
			return nil, inputErr("filters", "field %q without values", name)
		}
		parts = append(parts, anyOf(field, vals))
	}
	for _, rg := range ranges {
		field, date, err := sortField(rg.Field)
		if err != nil || field == fTitleKey {
			return nil, inputErr("ranges", "unknown range field %q", rg.Field)
		}
		if date {
			if rg.From == nil && rg.To == nil {
				return nil, inputErr("ranges", "range on %q without bounds", rg.Field)
			}
			parts = append(parts, dateRange(field, rg.From, rg.To))
			continue
		}
		if rg.Min == nil && rg.Max == nil {
			return nil, inputErr("ranges", "range on %q without bounds", rg.Field)
		}
		incl := true
		nq := query.NewNumericRangeInclusiveQuery(rg.Min, rg.Max, &incl, &incl)
		nq.SetField(field)
		parts = append(parts, nq)
	}
	return allOf(parts...), nil
}

func listSort(s string) ([]string, error) {
	if s == "" {
		s = "-created"
	}
	desc := strings.HasPrefix(s, "-")
	field, _, err := sortField(strings.TrimPrefix(s, "-"))
	if err != nil {
		return nil, err
	}
	if desc {
		field = "-" + field
	}
	return []string{field, fUID}, nil
}

func addFacets(sr *bleve.SearchRequest, names []string) error {
	for _, name := range names {
		field, err := keywordField(name)
		if err != nil {
			return inputErr("facets", "unknown field %q", name)
		}
		sr.AddFacet(name, bleve.NewFacetRequest(field, listFacetSize))
	}
	return nil
}

// A cursor is the sort key of the last item, opaque to clients.
func encodeCursor(sort []string) string {
	raw, _ := json.Marshal(sort)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeCursor(c string, n int) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	var after []string
	if err == nil {
		err = json.Unmarshal(raw, &after)
	}
	if err != nil || len(after) != n {
		return nil, inputErr("cursor", "invalid cursor")
	}
	return after, nil
}
