package search

import (
	"context"
	"slices"
	"testing"
)

// TestAccessMembersOnlyUnreachable checks that the organisation-only document
// practice:secret (org x) and the user-only note:u1 never show through any
// query path to readers without the grant.
func TestAccessMembersOnlyUnreachable(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	ctx := context.Background()
	outsiders := map[string]Reader{
		"anonymous":     {},
		"resident":      {UserID: "u2"},
		"other org":     {UserID: "u3", Orgs: []string{"y", "o1"}},
		"empty org":     {UserID: "u4", Orgs: []string{""}},
		"lookalike org": {UserID: "x", Orgs: []string{"org:x", "X"}},
	}
	queries := []string{"confidencial", "habitatges", "pla intern", `visibility:org:x`, "org:x", `+kind:practice`, `*`,
		"secret-theme", "membres", `"Pla intern"`, "housing note", "private"}
	for name, r := range outsiders {
		for _, q := range queries {
			res, err := ix.Search(ctx, r, SearchRequest{Q: q})
			if err != nil {
				continue // validation errors reveal nothing
			}
			for _, h := range res.Hits {
				if h.ID == "practice:secret" || (h.ID == "note:u1" && r.UserID != "u1") {
					t.Errorf("%s, %q: leaked %s", name, q, h.ID)
				}
			}
			for facet, counts := range res.Facets {
				for _, c := range counts {
					if c.Value == "secret-theme" || c.Value == "bcn-secret" || c.Value == "note" {
						t.Errorf("%s, %q: facet %s reveals %s", name, q, facet, c.Value)
					}
				}
			}
		}
		// totals: the secret document shares "habitatges" with practice:1
		res, err := ix.Search(ctx, r, SearchRequest{Q: "habitatges"})
		if err != nil || res.Total != 1 {
			t.Errorf("%s: total %v (%v), want 1", name, res, err)
		}
		// filters naming the hidden values
		for _, req := range []SearchRequest{{Themes: []string{"secret-theme"}}, {Territories: []string{"bcn-secret"}}, {Orgs: []string{"x"}}, {Kinds: []string{"note"}}} {
			res, err := ix.Search(ctx, r, req)
			if err != nil || res.Total != 0 {
				t.Errorf("%s, %+v: %v %v", name, req, res, err)
			}
		}
		sug, err := ix.Suggest(ctx, r, "pla", 10)
		if err != nil || len(sug) != 0 {
			t.Errorf("%s: suggest leaked %v %v", name, sug, err)
		}
		sug, err = ix.Suggest(ctx, r, "my private", 10)
		if err != nil || len(sug) != 0 {
			t.Errorf("%s: suggest leaked %v %v", name, sug, err)
		}
		lr, err := ix.List(ctx, r, ListRequest{Kind: "practice", Filters: map[string][]string{"org": {"x"}}, Facets: []string{"theme"}})
		if err != nil || lr.Total != 0 || len(lr.Facets["theme"]) != 0 {
			t.Errorf("%s: list leaked %+v %v", name, lr, err)
		}
		lr, err = ix.List(ctx, r, ListRequest{Filters: map[string][]string{"visibility": {"org:x"}}})
		if err == nil && lr.Total != 0 {
			t.Errorf("%s: list by visibility leaked %+v", name, lr)
		}
		c, err := ix.Counts(ctx, r, "", map[string][]string{"territory": {"bcn"}}, []string{"territory", "theme", "kind"})
		if err != nil {
			t.Fatal(err)
		}
		for field, counts := range c.Facets {
			for _, fc := range counts {
				if fc.Value == "bcn-secret" || fc.Value == "secret-theme" {
					t.Errorf("%s: counts %s reveal %s", name, field, fc.Value)
				}
				if field == "territory" && fc.Value == "bcn" && fc.Count != 4 {
					t.Errorf("%s: territory bcn counted %d, want 4 visible", name, fc.Count)
				}
			}
		}
	}
}

func TestAccessGrantedReaders(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	ctx := context.Background()
	for name, r := range map[string]Reader{"member": {UserID: "m", Orgs: []string{"y", "x"}}, "admin": {Admin: true}} {
		res, err := ix.Search(ctx, r, SearchRequest{Q: "confidencial"})
		if err != nil || res.Total != 1 || res.Hits[0].ID != "practice:secret" {
			t.Errorf("%s: %+v %v", name, res, err)
		}
		sug, err := ix.Suggest(ctx, r, "pla in", 10)
		if err != nil || len(sug) != 1 || sug[0].Title != "Pla intern de l'entitat" {
			t.Errorf("%s: suggest %v %v", name, sug, err)
		}
	}
	res, err := ix.Search(ctx, Reader{UserID: "u1"}, SearchRequest{Q: "housing"})
	if err != nil || !contains(ids(res.Hits), "note:u1") {
		t.Fatalf("owner cannot see own note: %+v %v", res, err)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	ctx := context.Background()
	for prefix, want := range map[string]string{"habit": "practice:1", "Hàbit": "practice:1", "habitatge coop": "practice:1", "jardin part": "contribution:2"} {
		sug, err := ix.Suggest(ctx, Reader{}, prefix, 5)
		if err != nil || len(sug) == 0 || sug[0].ID != want {
			t.Errorf("%q: %v %v", prefix, sug, err)
		}
	}
	// A word after an elided article completes with or without the article, either apostrophe.
	apply(t, ix, Document{ID: "finding:el", Kind: "finding", Language: "ca", Title: "L’accés a l'habitatge digne", Visibility: []string{Public}, Created: t0})
	for _, prefix := range []string{"acces", "l'acc", "l’accés", "habitatge dig", "dell'acc"} {
		sug, err := ix.Suggest(ctx, Reader{}, prefix, 5)
		if err != nil || !slices.ContainsFunc(sug, func(s Suggestion) bool { return s.ID == "finding:el" }) {
			t.Errorf("%q: %v %v", prefix, sug, err)
		}
	}
	for _, bad := range []string{"", "h", "*", "\xff"} {
		if _, err := ix.Suggest(ctx, Reader{}, bad, 5); err == nil {
			t.Errorf("%q: want an input error", bad)
		}
	}
}

// TestAccessIndexAndSeesAgree drives every kind of reader against documents carrying every kind of
// visibility value: what the index returns and what Reader.Sees answers in Go must be the same set.
func TestAccessIndexAndSeesAgree(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	vis := map[string][]string{
		"public": {Public}, "member-x": {OrgPrefix + "x"}, "staff-x": {StaffPrefix + "x"},
		"user-u": {UserPrefix + "u"}, "pending": {StaffPrefix + "x", StaffPrefix + "y", UserPrefix + "u"},
		"nobody": {}, "lookalike": {"staff:" + "x "},
	}
	var docs []Document
	for id, v := range vis {
		docs = append(docs, Document{ID: "c:" + id, Kind: "contribution", Title: "agree " + id, Visibility: v, Created: t0})
	}
	apply(t, ix, docs...)
	readers := map[string]Reader{
		"anonymous": {}, "resident u": {UserID: "u"}, "member of x": {UserID: "m", Orgs: []string{"x"}},
		"staff of x": {UserID: "s", Orgs: []string{"x"}, Staff: []string{"x"}}, "staff of y": {UserID: "t", Orgs: []string{"y"}, Staff: []string{"y"}},
		"member of z": {UserID: "z", Orgs: []string{"z"}}, "platform admin": {UserID: "a", Admin: true},
	}
	for name, r := range readers {
		res, err := ix.List(context.Background(), r, ListRequest{Kind: "contribution", PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, h := range res.Items {
			got[h.ID] = true
		}
		for id, v := range vis {
			if want := r.Sees(v); got["c:"+id] != want {
				t.Errorf("%s, %s: index says %v, Sees says %v", name, id, got["c:"+id], want)
			}
		}
	}
	if (Reader{UserID: "m", Orgs: []string{"x"}}).Sees([]string{StaffPrefix + "x"}) {
		t.Error("a plain member carries the staff grant")
	}
}
