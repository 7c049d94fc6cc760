package search_test

import (
	"context"
	"math/rand"
	"strings"
	"testing"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/search/corpus"
)

// TestSimilarRanksTheRelevantPracticeFirst builds an index of 3,000 documents of the project's corpus
// (Zipf-distributed words of the Debian word lists, every document a public practice), then, in Catalan,
// Spanish and Italian, asks for practices like a "need" made of a dozen words taken from one practice's
// body. That practice must come first, and above an unrelated practice given the same themes (so the
// theme alone cannot decide), which must still show up lower as sharing the theme.
func TestSimilarRanksTheRelevantPracticeFirst(t *testing.T) {
	t.Parallel()
	g, err := corpus.New(7)
	if err != nil {
		t.Skipf("word lists missing (install wcatalan wspanish witalian wfrench wamerican): %v", err)
	}
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := make([]search.Document, 3000)
	for i := range docs {
		d := g.Doc(i)
		d.Kind, d.Status, d.Visibility = "practice", "", []string{search.Public}
		docs[i] = d
	}
	ctx := context.Background()
	for i := 0; i < len(docs); i += 500 {
		if err := ix.Apply(ctx, search.Batch{Upserts: docs[i : i+500]}); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewSource(3))
	for _, lang := range []string{search.Catalan, search.Spanish, search.Italian} {
		t.Run(lang, func(t *testing.T) {
			var relevant, unrelated *search.Document
			for i := range docs {
				if docs[i].Language != lang {
					continue
				}
				if relevant == nil {
					relevant = &docs[i]
				} else if unrelated == nil {
					unrelated = &docs[i]
					break
				}
			}
			// the unrelated practice shares the relevant one's themes
			unrelated.Themes = relevant.Themes
			if err := ix.Apply(ctx, search.Batch{Upserts: []search.Document{*unrelated}}); err != nil {
				t.Fatal(err)
			}
			body := strings.Fields(relevant.Body)
			var need []string
			for len(need) < 12 {
				if w := body[r.Intn(len(body))]; len([]rune(w)) >= 5 {
					need = append(need, w)
				}
			}
			hits, err := ix.Similar(ctx, search.Reader{}, search.SimilarRequest{Text: strings.Join(need, " "), Themes: relevant.Themes,
				Kinds: []string{"practice"}, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			rank := map[string]int{}
			for i, h := range hits {
				rank[h.ID] = i + 1
			}
			if rank[relevant.ID] != 1 {
				t.Fatalf("the relevant practice ranks %d (0 = absent) for %q", rank[relevant.ID], need)
			}
			if u, ok := rank[unrelated.ID]; ok && u <= rank[relevant.ID] {
				t.Fatalf("the unrelated practice ranks %d, above the relevant one", u)
			}
			if len(hits[0].Words) == 0 || len(hits[0].SharedThemes) == 0 {
				t.Errorf("no explanation: words %v, themes %v", hits[0].Words, hits[0].SharedThemes)
			}
			// the theme alone still finds the unrelated one, lower down
			if _, ok := rank[unrelated.ID]; !ok {
				t.Errorf("a practice sharing the theme is not among the 50 similar ones")
			}
		})
	}
}

func TestSimilarBadInputAndAccess(t *testing.T) {
	t.Parallel()
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Apply(ctx, search.Batch{Upserts: []search.Document{
		{ID: "practice:pub", Kind: "practice", Language: "ca", Title: "Acompanyament a gent gran", Body: "Voluntaris truquen a gent gran que viu sola.", Visibility: []string{search.Public}},
		{ID: "practice:org", Kind: "practice", Language: "ca", Title: "Acompanyament intern", Body: "Voluntaris truquen a gent gran.", Visibility: []string{search.OrgPrefix + "o1"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Similar(ctx, search.Reader{}, search.SimilarRequest{Text: "a la de"}); err == nil {
		t.Fatal("no words and no themes: want an input error")
	}
	hits, err := ix.Similar(ctx, search.Reader{}, search.SimilarRequest{Text: "voluntaris truquen gent gran sola"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].ID != "practice:pub" {
		t.Fatalf("anonymous sees %v", hits)
	}
	hits, _ = ix.Similar(ctx, search.Reader{Orgs: []string{"o1"}}, search.SimilarRequest{Text: "voluntaris truquen", Exclude: []string{"practice:pub"}})
	if len(hits) != 1 || hits[0].ID != "practice:org" {
		t.Fatalf("member sees %v", hits)
	}
}
