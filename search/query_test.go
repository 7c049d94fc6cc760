package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSearchLanguagesStemmingAccents(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	ctx := context.Background()
	cases := []struct {
		q    string
		want string
	}{
		{"habitatges", "practice:1"},   // Catalan plural finds singular
		{"participacio", "practice:1"}, // no accent, plural/singular
		{"veins", "practice:1"},        // veïns → veí family, folded
		{"vei", "practice:1"},          // veí typed without its accent finds veïns, veïnes
		{"l’habitatge", "practice:1"},  // typographic apostrophe elision
		{"viviendas", "practice:2"},    // Spanish plural
		{"vecino", "practice:2"},       // Spanish singular of vecinos
		{"partecipazione giovani", "contribution:1"},
		{"jardins partages", "contribution:2"}, // French plural, no accents
		{"habitatje", "practice:1"},            // typo, edit distance 1
		{`"habitatge cooperatiu"`, "practice:1"},
	}
	for _, c := range cases {
		res, err := ix.Search(ctx, Reader{}, SearchRequest{Q: c.q})
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if !contains(ids(res.Hits), c.want) {
			t.Errorf("%q: got %v, want %s among them", c.q, ids(res.Hits), c.want)
		}
	}
}

func TestSearchExactBeatsFuzzy(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	apply(t, ix,
		Document{ID: "a", Kind: "practice", Language: "en", Title: "garden", Body: "a shared garden", Visibility: []string{Public}},
		Document{ID: "b", Kind: "practice", Language: "en", Title: "garten", Body: "a shared garten", Visibility: []string{Public}},
	)
	res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: "garden"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Hits); len(got) != 2 || got[0] != "a" {
		t.Fatalf("got %v, want exact match a first, then fuzzy b", got)
	}
}

func TestSearchPhraseOrder(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: `"cooperatiu habitatge"`})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Fatalf("phrase in the wrong order matched %v", ids(res.Hits))
	}
}

func TestSearchStopWordsDoNotEmptyResults(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: "habitatge de la el"})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(ids(res.Hits), "practice:1") {
		t.Fatalf("got %v", ids(res.Hits))
	}
}

func TestSearchFiltersAndFacets(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	ctx := context.Background()
	res, err := ix.Search(ctx, Reader{}, SearchRequest{Territories: []string{"bcn-sm"}, Sort: "date"})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(res.Hits)
	if len(got) != 3 || got[0] != "contribution:2" {
		t.Fatalf("district filter: got %v, want 3 docs newest first", got)
	}
	if fc := res.Facets["kind"]; len(fc) != 2 || fc[0].Value != "contribution" || fc[0].Count != 2 {
		t.Fatalf("kind facet: %+v", fc)
	}
	if fc := res.Facets["year"]; len(fc) != 1 || fc[0].Value != "2024" || fc[0].Count != 3 {
		t.Fatalf("year facet: %+v", fc)
	}
	res, err = ix.Search(ctx, Reader{}, SearchRequest{Q: "habitatge", Kinds: []string{"no-such-kind"}})
	if err != nil || res.Total != 0 {
		t.Fatalf("unknown kind: %v %v", res, err)
	}
	res, err = ix.Search(ctx, Reader{}, SearchRequest{Langs: []string{"es"}})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "practice:2" {
		t.Fatalf("lang filter: %+v %v", res, err)
	}
	from, to := t0.AddDate(0, 0, 15), t0.AddDate(0, 2, 0)
	res, err = ix.Search(ctx, Reader{}, SearchRequest{From: &from, To: &to})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "contribution:2" {
		t.Fatalf("date range: %+v %v", res, err)
	}
}

func TestSearchDraftsHidden(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	res, err := ix.Search(context.Background(), Reader{Admin: true}, SearchRequest{Q: "esborrany"})
	if err != nil || res.Total != 0 {
		t.Fatalf("draft found: %+v %v", res, err)
	}
}

// Drafts asked for are found by those their visibility grants, and only by them.
func TestSearchDraftsForThoseWhoMayRead(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	apply(t, ix, Document{ID: "practice:d", Kind: "practice", Language: "ca", Title: "Esborrany de menjador social",
		Status: "draft", Visibility: []string{OrgPrefix + "x"}, Created: t0},
		Document{ID: "contribution:h", Kind: "contribution", Language: "ca", Title: "Menjador amagat",
			Status: "hidden", Visibility: []string{OrgPrefix + "x"}, Created: t0})
	for name, tc := range map[string]struct {
		r    Reader
		want int
	}{
		"member of x": {Reader{UserID: "m", Orgs: []string{"x"}}, 1}, "member of y": {Reader{UserID: "n", Orgs: []string{"y"}}, 0},
		"anonymous": {Reader{}, 0},
	} {
		res, err := ix.Search(context.Background(), tc.r, SearchRequest{Q: "menjador", Drafts: true})
		if err != nil || int(res.Total) != tc.want || (tc.want == 1 && (res.Hits[0].ID != "practice:d" || res.Hits[0].Status != "draft")) {
			t.Errorf("%s: %+v %v, want %d draft(s) and never the hidden contribution", name, res, err, tc.want)
		}
	}
}

func TestHighlightEscapesHTML(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	apply(t, ix, Document{ID: "x", Kind: "comment", Language: "en", Title: "Garden <b>bold</b>",
		Body: `Our garden <script>alert("x")</script> grows & thrives`, Visibility: []string{Public}})
	res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: "garden"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	all := strings.Join(res.Hits[0].Highlights, "\n")
	if !strings.Contains(all, "<mark>garden</mark>") && !strings.Contains(all, "<mark>Garden</mark>") {
		t.Fatalf("no mark in %q", all)
	}
	// The title's markup is escaped; the body's raw HTML is not even indexed (bodies are indexed as plain text).
	if strings.Contains(all, "<script>") || strings.Contains(all, "<b>") || !strings.Contains(all, "&lt;b&gt;") || strings.Contains(all, "script") {
		t.Fatalf("not escaped: %q", all)
	}
}

func TestSearchSyntaxCharactersAreWords(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	for _, q := range []string{`+habitatge`, `-habitatge`, `habitatge:`, `habitatge^5`, `habitatge~`, `habit*`, `habitatge?`,
		`(habitatge)`, `"habitatge`, `habitatge"`, `kind:practice`, `\habitatge`, `{habitatge}`, `[a TO z]`, `&&||!`} {
		res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: q})
		var ie *InputError
		if errors.As(err, &ie) && ie.Field == "q" {
			continue // nothing left to search: a clean 400
		}
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		for _, h := range res.Hits {
			if h.ID == "practice:secret" || h.ID == "practice:draft" {
				t.Errorf("%q leaked %s", q, h.ID)
			}
		}
	}
}

func TestSearchInputErrors(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	cases := map[string]SearchRequest{
		"empty":          {},
		"only syntax":    {Q: `+ - : ^ ~ * ? ( ) "`},
		"too long":       {Q: strings.Repeat("a", MaxQueryLen+1)},
		"too many words": {Q: manyWords(MaxWords + 1)},
		"long phrases":   {Q: `"` + strings.Repeat("a b c d e f g h ", 3) + `" "` + strings.Repeat("i j k l ", 3) + `"`},
		"bad utf8":       {Q: "hab\xffitatge"},
		"page too far":   {Q: "habitatge", Page: 1000},
		"negative page":  {Q: "habitatge", Page: -1},
		"per page":       {Q: "habitatge", PerPage: 1000},
		"sort":           {Q: "habitatge", Sort: "random"},
		"bad filter":     {Kinds: []string{"\xff"}},
	}
	for name, req := range cases {
		_, err := ix.Search(context.Background(), Reader{}, req)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: got %v, want *InputError", name, err)
		}
	}
}

func manyWords(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("paraula%d", i)
	}
	return strings.Join(w, " ")
}

// The same word many times is one word; a long sentence is fine, and so are MaxWords words.
func TestSearchWordsCountedOnce(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	for _, q := range []string{manyWords(MaxWords), strings.TrimSpace(strings.Repeat("habitatge ", 45)), "Com podem acompanyar les persones grans que viuen soles al barri i que no surten de casa a l'hivern"} {
		if _, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: q}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
}

func TestSearchPagePastTheEnd(t *testing.T) {
	t.Parallel()
	ix := openFixture(t)
	res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: "habitatge", Page: 50})
	if err != nil || len(res.Hits) != 0 || res.Total == 0 {
		t.Fatalf("got %+v %v; want no hits and the real total", res, err)
	}
}

func TestSearchTypoRanksBelowExact(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	apply(t, ix,
		Document{ID: "a", Kind: "practice", Language: "en", Title: "Community", Body: "a shared garden for the block", Visibility: []string{Public}},
		Document{ID: "b", Kind: "practice", Language: "en", Title: "Community", Body: "a shared garten for the block", Visibility: []string{Public}},
	)
	// "sharde" matches nothing exactly, so the typo-tolerant pass runs; "a"
	// matches "garden" exactly and must come first
	res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: "garden sharde"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Hits); len(got) != 2 || got[0] != "a" {
		t.Fatalf("got %v, want a (exact garden) before b (fuzzy garten)", got)
	}
}
