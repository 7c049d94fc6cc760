package search_test

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/search/corpus"
)

// TestOnlyTheFieldsHoldingAWordRankTheSame indexes 3,000 documents of the project's corpus twice, once
// searched in the fields that hold each word and once in all ten language fields (the reference), and asks
// both the same 240 searches (one word, two words, a phrase, a typo; with and without any-word). Both must
// find the same number of documents and give every one of the reference's first 20 the same score up to
// one factor per query (Bleve's query norm), so the ranking is the same.
func TestOnlyTheFieldsHoldingAWordRankTheSame(t *testing.T) {
	g, err := corpus.New(11)
	if err != nil {
		t.Skipf("word lists missing (install wcatalan wspanish witalian wfrench wamerican): %v", err)
	}
	ctx := context.Background()
	open := func(every bool) *search.Index {
		ix, err := search.Open(t.TempDir(), search.Options{EveryLanguageField: every})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		for i := 0; i < 3000; i += 500 {
			batch := make([]search.Document, 0, 500)
			for k := i; k < i+500; k++ {
				batch = append(batch, g.Doc(k))
			}
			if err := ix.Apply(ctx, search.Batch{Upserts: batch}); err != nil {
				t.Fatal(err)
			}
		}
		return ix
	}
	pruned, every := open(false), open(true)
	reader := search.Reader{UserID: "u1", Orgs: []string{"o1", "o2"}}
	r := rand.New(rand.NewSource(5))
	lang := func() string { return search.Languages[r.Intn(len(search.Languages))] }
	var queries []search.SearchRequest
	for i := 0; i < 60; i++ {
		l := lang()
		queries = append(queries,
			search.SearchRequest{Q: g.Word(r, l)},
			search.SearchRequest{Q: g.Word(r, l) + " " + g.Word(r, l), AnyWord: i%2 == 0},
			search.SearchRequest{Q: fmt.Sprintf("%q", g.Phrase(r, r.Intn(3000)))},
			search.SearchRequest{Q: g.Typo(r, lang())})
	}
	found := 0
	for _, q := range queries {
		q.PerPage = 60
		want, err := every.Search(ctx, reader, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pruned.Search(ctx, reader, q)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total {
			t.Fatalf("%q: %d found, %d searching every field", q.Q, got.Total, want.Total)
		}
		score := map[string]float64{}
		for _, h := range got.Hits {
			score[h.ID] = h.Score
		}
		ratio := 0.0
		for i, h := range want.Hits[:min(20, len(want.Hits))] {
			s, ok := score[h.ID]
			if !ok {
				t.Fatalf("%q: %s, number %d searching every field, is not among the first 60", q.Q, h.ID, i+1)
			}
			if i == 0 {
				ratio = s / h.Score
			} else if math.Abs(s/h.Score-ratio) > 1e-9*ratio {
				t.Fatalf("%q: %s scores %g, %g searching every field: not the same factor %g as the first", q.Q, h.ID, s, h.Score, ratio)
			}
		}
		if want.Total > 0 {
			found++
		}
	}
	if found < len(queries)/2 {
		t.Fatalf("only %d of %d searches found anything: the comparison says little", found, len(queries))
	}
}
