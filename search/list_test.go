package search

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func listIDs(items []Document) []string {
	out := make([]string, len(items))
	for i, d := range items {
		out[i] = d.ID
	}
	return out
}

func TestListFiltersSortFacets(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	ctx := context.Background()
	res, err := ix.List(ctx, Reader{}, ListRequest{Kind: "contribution",
		Filters: map[string][]string{"parent": {"diagnosis:1"}}, Sort: "-supports",
		Facets: []string{"contribution_kind", "theme"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := listIDs(res.Items); fmt.Sprint(got) != "[contribution:1 contribution:2]" || res.Total != 2 {
		t.Fatalf("got %v total %d", got, res.Total)
	}
	if res.Items[0].Numbers["supports"] != 12 || res.Items[0].Keywords["contribution_kind"] != "need" || res.Items[0].Title == "" {
		t.Fatalf("stored fields missing: %+v", res.Items[0])
	}
	if fc := res.Facets["contribution_kind"]; len(fc) != 2 {
		t.Fatalf("facet: %+v", fc)
	}
	res, err = ix.List(ctx, Reader{}, ListRequest{Kind: "contribution", Sort: "supports"})
	if err != nil || fmt.Sprint(listIDs(res.Items)) != "[contribution:2 contribution:1]" {
		t.Fatalf("ascending: %v %v", listIDs(res.Items), err)
	}
	res, err = ix.List(ctx, Reader{}, ListRequest{Filters: map[string][]string{"contribution_kind": {"need", "proposal"}, "theme": {"youth"}}})
	if err != nil || fmt.Sprint(listIDs(res.Items)) != "[contribution:1]" {
		t.Fatalf("OR within, AND across: %v %v", listIDs(res.Items), err)
	}
	min := 5.0
	res, err = ix.List(ctx, Reader{}, ListRequest{Ranges: []Range{{Field: "supports", Min: &min}}})
	if err != nil || fmt.Sprint(listIDs(res.Items)) != "[contribution:1]" {
		t.Fatalf("numeric range: %v %v", listIDs(res.Items), err)
	}
	res, err = ix.List(ctx, Reader{}, ListRequest{Filters: map[string][]string{"theme": {"no-such-theme"}}})
	if err != nil || res.Total != 0 || len(res.Items) != 0 {
		t.Fatalf("unknown value: %+v %v", res, err)
	}
	res, err = ix.List(ctx, Reader{}, ListRequest{Kind: "practice", Filters: map[string][]string{"status": {"draft"}}})
	if err != nil || fmt.Sprint(listIDs(res.Items)) != "[practice:draft]" {
		t.Fatalf("status filter: %v %v", listIDs(res.Items), err)
	}
}

func TestListCursorWalksEverything(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	var docs []Document
	for i := 0; i < 53; i++ {
		docs = append(docs, Document{ID: fmt.Sprintf("c:%02d", i), Kind: "contribution", Language: "ca",
			Title: "Proposta", Body: "text", Visibility: []string{Public}, Created: t0.AddDate(0, 0, i%7),
			Numbers: map[string]float64{"supports": float64(i % 5)}})
	}
	apply(t, ix, docs...)
	for _, sort := range []string{"-created", "supports", "title", "-updated"} {
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			res, err := ix.List(context.Background(), Reader{}, ListRequest{Kind: "contribution", Sort: sort, PerPage: 10, Cursor: cursor, IDsOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, d := range res.Items {
				if seen[d.ID] {
					t.Fatalf("%s: %s twice", sort, d.ID)
				}
				seen[d.ID] = true
			}
			if res.NextCursor == "" {
				break
			}
			cursor = res.NextCursor
		}
		if len(seen) != 53 || pages != 6 {
			t.Fatalf("%s: %d docs in %d pages, want 53 in 6", sort, len(seen), pages)
		}
	}
}

func TestListInputErrors(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	cases := map[string]ListRequest{
		"bad field":    {Filters: map[string][]string{"Bad Field": {"x"}}},
		"no values":    {Filters: map[string][]string{"theme": {}}},
		"bad sort":     {Sort: "-no such"},
		"bad cursor":   {Cursor: "!!!"},
		"cursor+page":  {Cursor: encodeCursor([]string{"a", "b"}), Page: 2},
		"page too far": {Page: 101},
		"bad range":    {Ranges: []Range{{Field: "supports"}}},
		"title range":  {Ranges: []Range{{Field: "title"}}},
		"bad facet":    {Facets: []string{"no such"}},
		"bad utf8":     {Filters: map[string][]string{"theme": {"\xff"}}},
	}
	for name, req := range cases {
		_, err := ix.List(context.Background(), Reader{}, req)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: got %v, want *InputError", name, err)
		}
	}
}

func TestCounts(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	c, err := ix.Counts(context.Background(), Reader{}, "practice", nil, []string{"theme", "territory"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 2 {
		t.Fatalf("total %d, want 2 visible published practices", c.Total)
	}
	got := map[string]int{}
	for _, f := range c.Facets["theme"] {
		got[f.Value] = f.Count
	}
	if got["housing"] != 2 || got["participation"] != 1 || len(got) != 2 {
		t.Fatalf("theme counts %v", got)
	}
}
