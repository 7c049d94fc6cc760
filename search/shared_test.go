package search

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// sharedCorpus is n documents in three languages over a small vocabulary (so that words match many
// documents with varied scores), with every visibility and status, themes drawn from themes values and
// creation times that may repeat.
func sharedCorpus(n, themes int) []Document {
	rng := rand.New(rand.NewSource(7))
	words := map[string][]string{
		"ca": {"habitatge", "veïns", "hort", "barri", "escola", "gent", "gran", "salut", "plaça", "jove"},
		"es": {"vivienda", "vecinos", "huerto", "barrio", "escuela", "mayores", "salud", "plaza", "joven", "hort"},
		"en": {"housing", "neighbours", "garden", "school", "elderly", "health", "square", "youth", "hort", "barri"},
	}
	vis := [][]string{{Public}, {Public}, {Public}, {OrgPrefix + "x"}, {OrgPrefix + "y"}, {UserPrefix + "u1"},
		{StaffPrefix + "x"}, {Public, OrgPrefix + "x"}}
	statuses := []string{"published", "published", "published", "draft", "pending"}
	docs := make([]Document, n)
	for i := range docs {
		lang := []string{"ca", "es", "en"}[rng.Intn(3)]
		pick := func(k int) string {
			ws := make([]string, k)
			for j := range ws {
				ws[j] = words[lang][rng.Intn(len(words[lang]))]
			}
			return strings.Join(ws, " ")
		}
		docs[i] = Document{ID: fmt.Sprintf("practice:%03d", i), Kind: []string{"practice", "contribution"}[rng.Intn(2)],
			Language: lang, Title: pick(1 + rng.Intn(3)), Body: pick(3 + rng.Intn(20)),
			Themes:     []string{fmt.Sprintf("t%02d", rng.Intn(themes)), fmt.Sprintf("t%02d", rng.Intn(themes))},
			Territory:  []string{"bcn", fmt.Sprintf("bcn-%d", rng.Intn(4))},
			Visibility: vis[rng.Intn(len(vis))], Status: statuses[rng.Intn(len(statuses))],
			Created: t0.AddDate(0, 0, rng.Intn(40))}
	}
	return docs
}

// ranked is a page's hits as "score id", with the ids of equal scores in id order: Bleve orders ties by
// where documents sit in the index, which two ways of searching need not share.
func ranked(hits []SearchHit, order sortOrder) []string {
	byDate := order != byScore
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = fmt.Sprintf("%.12g %s", h.Score, h.ID)
		if byDate {
			out[i] = h.Created.Format("2006-01-02") + " " + out[i]
		}
	}
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && strings.SplitN(out[j], " ", 3)[0] == strings.SplitN(out[i], " ", 3)[0] && (!byDate || strings.SplitN(out[j], " ", 3)[1] == strings.SplitN(out[i], " ", 3)[1]) {
			j++
		}
		slices.Sort(out[i:j])
		i = j
	}
	return out
}

// TestSearchOnPublicAnswersAsSearch: for readers with members-only records, drafts, a note of their own,
// staff grants or nothing beyond what is public, a search answered from the public part and the reader's
// own part gives what Search gives — hits and scores in order, totals, facets — for words, phrases, typos,
// filters, both sorts and pages up to the parts' depth, with themes both under and over the facet
// size (then the parts cannot always count them and Search answers).
func TestSearchOnPublicAnswersAsSearch(t *testing.T) {
	t.Parallel()
	for _, themes := range []int{8, 30} {
		t.Run(fmt.Sprintf("%d themes", themes), func(t *testing.T) {
			t.Parallel()
			ix := openTest(t)
			apply(t, ix, sharedCorpus(400, themes)...)
			ctx := context.Background()
			calls := 0
			public := func(req SearchRequest) (*SearchResult, error) {
				calls++
				if req.Typos == TyposAuto {
					t.Errorf("public part asked without a typo mode: %+v", req)
				}
				return ix.Search(ctx, Reader{}, req)
			}
			readers := map[string]Reader{
				"anonymous": {}, "resident": {UserID: "u9"}, "note owner": {UserID: "u1"},
				"member": {UserID: "u2", Orgs: []string{"x"}}, "member of two": {UserID: "u3", Orgs: []string{"x", "y"}},
				"staff": {UserID: "u4", Staff: []string{"x"}},
			}
			reqs := []SearchRequest{
				{Q: "hort"}, {Q: "barri hort"}, {Q: "habitatge veïns", Sort: "date"}, {Q: `"gent gran"`},
				{Q: "hortt"}, {Q: "habitatgee escola"}, {Q: "hort", Typos: TyposOn}, {Q: "hort", Typos: TyposOff},
				{Q: "hort", Themes: []string{"t01", "t02"}}, {Q: "vivienda", Territories: []string{"bcn-1"}},
				{Kinds: []string{"practice"}}, {Themes: []string{"t03"}, Sort: "date"},
				{Q: "barri", AnyWord: true}, {Q: "hort", PerPage: 7},
			}
			for name, r := range readers {
				for _, base := range reqs {
					for _, drafts := range []bool{false, true} {
						for _, page := range []int{1, 3} {
							req := base
							req.Drafts, req.Page = drafts, page
							want, err1 := ix.Search(ctx, r, req)
							got, err2 := ix.SearchOnPublic(ctx, r, req, public)
							if err1 != nil || err2 != nil {
								t.Fatalf("%s %+v: %v / %v", name, req, err1, err2)
							}
							at := fmt.Sprintf("%s, %+v", name, req)
							if got.Total != want.Total {
								t.Errorf("%s: total %d, Search %d", at, got.Total, want.Total)
							}
							if g, w := ranked(got.Hits, want.order), ranked(want.Hits, want.order); !slices.Equal(g, w) && !tieAtEdge(g, w) {
								t.Errorf("%s: hits\n %v\nSearch\n %v", at, g, w)
							}
							if fmt.Sprint(got.Facets) != fmt.Sprint(want.Facets) {
								t.Errorf("%s: facets\n %v\nSearch\n %v", at, got.Facets, want.Facets)
							}
							if themes <= facetSize && !r.Admin && req.Typos != TyposAuto {
								// every facet's values fit in its list: answered from the parts, not by Search
								full := req
								u, _ := ix.prepare(&full)
								top := full
								top.Page, top.PerPage = 1, full.Page*full.PerPage
								pub, beyond, err := ix.parts(ctx, r, top, u, req.Typos == TyposOn, public)
								if _, ok := mergeParts(pub, beyond, full); err != nil || !ok {
									t.Errorf("%s: not answered from its parts (%v)", at, err)
								}
							}
						}
					}
				}
			}
			if calls == 0 {
				t.Error("the public part was never asked for")
			}
		})
	}
}

// tieAtEdge accepts two pages that differ only in which of several equally ranked documents the page's
// first or last places hold (each way of searching cuts a tie at a page's edge in its own index order).
func tieAtEdge(got, want []string) bool {
	if len(got) != len(want) || len(got) == 0 {
		return false
	}
	key := func(s string) string { return s[:strings.LastIndex(s, " ")] }
	first, last := key(got[0]), key(got[len(got)-1])
	for i := range got {
		if k := key(got[i]); k != key(want[i]) || got[i] != want[i] && k != first && k != last {
			return false
		}
	}
	return true
}

// TestMergeFacetCountsOnlyWhatItKnows: a value the reader's own part found but the public list cut off has
// an unknown public count, so the parts cannot be merged; with whole lists they add up in Bleve's order.
func TestMergeFacetCountsOnlyWhatItKnows(t *testing.T) {
	t.Parallel()
	pub := []FacetCount{{"a", 5}, {"b", 3}}
	if got, ok := mergeFacet(pub, []FacetCount{{"c", 4}, {"b", 1}}, true, true); !ok ||
		fmt.Sprint(got) != "[{a 5} {b 4} {c 4}]" {
		t.Errorf("whole lists: %v %v", got, ok)
	}
	if _, ok := mergeFacet(pub, []FacetCount{{"c", 1}}, false, true); ok {
		t.Error("merged a value whose public count was cut off")
	}
	if got, ok := mergeFacet(pub, []FacetCount{{"b", 3}}, false, true); !ok || fmt.Sprint(got) != "[{b 6} {a 5}]" {
		t.Errorf("cut public list, listed value: %v %v", got, ok)
	}
	if _, ok := mergeFacet(pub, []FacetCount{{"a", 1}}, true, false); ok {
		t.Error("merged a cut list of the reader's own part")
	}
}
