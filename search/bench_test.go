package search_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/search/corpus"
)

// Benchmarks run only with -bench. The query benchmarks share one index of
// SEARCH_BENCH_DOCS documents (default 10,000) built once per process.

func benchDocs() int {
	if n, err := strconv.Atoi(os.Getenv("SEARCH_BENCH_DOCS")); err == nil && n > 0 {
		return n
	}
	return 10000
}

func generator(b *testing.B) *corpus.Generator {
	g, err := corpus.New(1)
	if err != nil {
		b.Skipf("word lists missing (install wcatalan wspanish witalian wfrench wamerican): %v", err)
	}
	return g
}

// BenchmarkApply measures indexing throughput in batches of 500 documents.
func BenchmarkApply(b *testing.B) {
	g := generator(b)
	ix, err := search.Open(b.TempDir(), search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	docs := make([]search.Document, b.N)
	for i := range docs {
		docs[i] = g.Doc(i)
	}
	b.ResetTimer()
	for i := 0; i < len(docs); i += 500 {
		if err := ix.Apply(context.Background(), search.Batch{Upserts: docs[i:min(i+500, len(docs))]}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

var (
	sharedOnce sync.Once
	shared     *search.Index
	sharedDir  string
	sharedErr  error
)

// TestMain removes the shared benchmark index after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Close()
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

func sharedIndex(b *testing.B) (*search.Index, *corpus.Generator) {
	g := generator(b)
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "searchbench")
		if sharedErr != nil {
			return
		}
		shared, sharedErr = search.Open(sharedDir, search.Options{})
		if sharedErr != nil {
			return
		}
		n := benchDocs()
		for i := 0; i < n && sharedErr == nil; i += 500 {
			batch := make([]search.Document, 0, 500)
			for k := i; k < min(i+500, n); k++ {
				batch = append(batch, g.Doc(k))
			}
			sharedErr = shared.Apply(context.Background(), search.Batch{Upserts: batch})
		}
	})
	if sharedErr != nil {
		b.Fatal(sharedErr)
	}
	return shared, g
}

func benchSearch(b *testing.B, mk func(r *rand.Rand, g *corpus.Generator) search.SearchRequest) {
	ix, g := sharedIndex(b)
	r := rand.New(rand.NewSource(7))
	reqs := make([]search.SearchRequest, 256)
	for i := range reqs {
		reqs[i] = mk(r, g)
	}
	reader := search.Reader{UserID: "u1", Orgs: []string{"o1", "o2"}}
	cpu := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Search(context.Background(), reader, reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// cpuTime is the process's user+system CPU time. On a shared machine CPU
// time per operation is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

func lang(r *rand.Rand) string { return search.Languages[r.Intn(len(search.Languages))] }

func BenchmarkSearchWord(b *testing.B) {
	benchSearch(b, func(r *rand.Rand, g *corpus.Generator) search.SearchRequest {
		return search.SearchRequest{Q: g.Word(r, lang(r))}
	})
}

func BenchmarkSearchTwoWords(b *testing.B) {
	benchSearch(b, func(r *rand.Rand, g *corpus.Generator) search.SearchRequest {
		l := lang(r)
		return search.SearchRequest{Q: g.Word(r, l) + " " + g.Word(r, l)}
	})
}

func BenchmarkSearchPhrase(b *testing.B) {
	benchSearch(b, func(r *rand.Rand, g *corpus.Generator) search.SearchRequest {
		return search.SearchRequest{Q: fmt.Sprintf("%q", g.Phrase(r, r.Intn(benchDocs())))}
	})
}

func BenchmarkSearchFuzzy(b *testing.B) {
	benchSearch(b, func(r *rand.Rand, g *corpus.Generator) search.SearchRequest {
		return search.SearchRequest{Q: g.Typo(r, lang(r))}
	})
}

func BenchmarkSearchFiltered(b *testing.B) {
	benchSearch(b, func(r *rand.Rand, g *corpus.Generator) search.SearchRequest {
		return search.SearchRequest{Q: g.Word(r, lang(r)), Themes: []string{corpus.Themes[r.Intn(len(corpus.Themes))]},
			Territories: []string{fmt.Sprintf("d%d", r.Intn(corpus.NumDistricts))}}
	})
}

func BenchmarkList(b *testing.B) {
	ix, _ := sharedIndex(b)
	for _, v := range []struct {
		name    string
		facets  []string
		idsOnly bool
		sort    string
	}{
		{"district-created-facet", []string{"theme"}, false, "-created"},
		{"district-created", nil, false, "-created"},
		{"district-created-ids", nil, true, "-created"},
		{"district-supports", nil, false, "-supports"},
	} {
		b.Run(v.name, func(b *testing.B) {
			r := rand.New(rand.NewSource(7))
			reader := search.Reader{UserID: "u1", Orgs: []string{"o1"}}
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := search.ListRequest{Kind: corpus.Kinds[r.Intn(len(corpus.Kinds))], Sort: v.sort,
					Filters: map[string][]string{"territory": {fmt.Sprintf("d%d", r.Intn(corpus.NumDistricts))}},
					Facets:  v.facets, IDsOnly: v.idsOnly}
				if _, err := ix.List(context.Background(), reader, req); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

func BenchmarkSuggest(b *testing.B) {
	ix, g := sharedIndex(b)
	r := rand.New(rand.NewSource(7))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := []rune(g.Word(r, lang(r)))
		if _, err := ix.Suggest(context.Background(), search.Reader{}, string(w[:min(3, len(w))]), 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccessGrants measures what the staff grant adds to a list and a search: the same member of two
// organisations before (public, user, two org values) and after (plus two staff values).
func BenchmarkAccessGrants(b *testing.B) {
	ix, _ := sharedIndex(b)
	for _, v := range []struct {
		name   string
		reader search.Reader
	}{
		{"before", search.Reader{UserID: "u1", Orgs: []string{"o1", "o2"}}},
		{"after-staff", search.Reader{UserID: "u1", Orgs: []string{"o1", "o2"}, Staff: []string{"o1", "o2"}}},
	} {
		b.Run("list/"+v.name, func(b *testing.B) {
			r := rand.New(rand.NewSource(7))
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := search.ListRequest{Kind: corpus.Kinds[r.Intn(len(corpus.Kinds))], Sort: "-created",
					Filters: map[string][]string{"territory": {fmt.Sprintf("d%d", r.Intn(corpus.NumDistricts))}}}
				if _, err := ix.List(context.Background(), v.reader, req); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run("search/"+v.name, func(b *testing.B) {
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := ix.Search(context.Background(), v.reader, search.SearchRequest{Q: "barri"}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run("sees/"+v.name, func(b *testing.B) {
			vis := []string{search.StaffPrefix + "o9", search.UserPrefix + "u9"}
			for i := 0; i < b.N; i++ {
				if v.reader.Sees(vis) {
					b.Fatal("sees")
				}
			}
		})
	}
}

// BenchmarkSearchOnPublic measures a member's search answered from a kept public part and their own part
// (search.SearchOnPublic, what the API does between two changes of the index) against computing it whole.
// The public parts are computed before the timer starts, as the API keeps them.
func BenchmarkSearchOnPublic(b *testing.B) {
	ix, g := sharedIndex(b)
	r := rand.New(rand.NewSource(7))
	reqs := make([]search.SearchRequest, 256)
	for i := range reqs {
		reqs[i] = search.SearchRequest{Q: g.Word(r, lang(r)), Drafts: true}
	}
	reader := search.Reader{UserID: "u1", Orgs: []string{"o1", "o2"}}
	var mu sync.Mutex
	kept := map[string]*search.SearchResult{}
	public := func(req search.SearchRequest) (*search.SearchResult, error) {
		mu.Lock()
		defer mu.Unlock()
		if res, ok := kept[req.Key()]; ok {
			return res, nil
		}
		res, err := ix.Search(context.Background(), search.Reader{}, req)
		kept[req.Key()] = res
		return res, err
	}
	for _, req := range reqs {
		if _, err := ix.SearchOnPublic(context.Background(), reader, req, public); err != nil {
			b.Fatal(err)
		}
	}
	for _, whole := range []bool{false, true} {
		b.Run(map[bool]string{false: "parts", true: "whole"}[whole], func(b *testing.B) {
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var err error
				if whole {
					_, err = ix.Search(context.Background(), reader, reqs[i%len(reqs)])
				} else {
					_, err = ix.SearchOnPublic(context.Background(), reader, reqs[i%len(reqs)], public)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}
