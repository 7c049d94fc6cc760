package practice_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/testkit"
	"github.com/teixit/teixit/server/theme"
)

// benchSize is how many practices the benchmarks load: TEIXIT_BENCH_PRACTICES (DESIGN.md asks for 100k
// on a quiet machine), 2,000 by default so that it stays cheap on a shared one.
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("TEIXIT_BENCH_PRACTICES")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// loadPractices writes n published practices straight to the store (batches of 1,000) and rebuilds the index.
func loadPractices(b *testing.B, f *fixture, n int) {
	ctx := context.Background()
	themes := theme.All
	at := time.Now().UTC().Add(-time.Duration(n) * time.Minute)
	for start := 0; start < n; start += 1000 {
		var docs []any
		for i := start; i < n && i < start+1000; i++ {
			created := at.Add(time.Duration(i) * time.Minute)
			docs = append(docs, bson.M{"_id": fmt.Sprintf("bench%06d", i), "rev": 1, "orgId": f.orgA, "territory": "",
				"ancestors": bson.A{}, "themes": bson.A{themes[i%len(themes)]}, "language": "ca",
				"text": bson.M{"title": fmt.Sprintf("Pràctica %d de benvinguda al barri", i), "summary": "Resum de la pràctica",
					"problem": "Problema", "targetPopulation": "Veïns", "steps": bson.A{bson.M{"title": "Pas", "detail": ""}},
					"results": "Resultats", "evaluationSummary": "Avaluació"},
				"translations": bson.M{}, "contact": "a@example.org", "status": "published", "version": 1,
				"stats":     bson.M{"transfers": i % 7, "evaluated": i % 3, "rating": float64(i%5) + 1},
				"createdAt": created, "updatedAt": created, "publishedAt": created})
		}
		if _, err := f.a.Store.C("practices").InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.a.ReadModel.Rebuild(ctx, nil); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkPractices(b *testing.B) {
	f := newFixture(b)
	n := benchSize()
	loadPractices(b, f, n)
	get := func(b *testing.B, path string) {
		for i := 0; i < b.N; i++ {
			if r := f.a.Do(nil, "GET", path, nil); r.Status != 200 {
				b.Fatalf("%s: %d %s", path, r.Status, r.Body)
			}
		}
	}
	b.Run(fmt.Sprintf("list_newest_20_of_%d", n), func(b *testing.B) { get(b, "/api/v1/practices") })
	b.Run(fmt.Sprintf("list_theme_rated_20_of_%d", n), func(b *testing.B) { get(b, "/api/v1/practices?theme=housing&sort=rated") })
	b.Run("index_query_only", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := f.a.ReadModel.List(context.Background(), search.Reader{}, search.ListRequest{Kind: practice.IndexKind,
				PerPage: 20, IDsOnly: true, Filters: map[string][]string{"variant": {"original"}}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("get_one", func(b *testing.B) { get(b, "/api/v1/practices/bench000042") })
	b.Run("related", func(b *testing.B) {
		testkit.TimeEach(b, func() { get1(b, f, "/api/v1/practices/bench000042/related") })
	})
	// The practice page of a busy practice among them: a translation, three transfers and 1,000 comments.
	page := busyPractice(b, f)
	b.Run("page_with_translation_transfers_first_comments", func(b *testing.B) {
		testkit.TimeEach(b, func() {
			get1(b, f, page+"?lang=es")
			get1(b, f, page+"/transfers")
			get1(b, f, page+"/comments")
		})
	})
	for _, part := range []string{"?lang=es", "/transfers", "/comments"} {
		b.Run("page_part_"+strings.Trim(part, "?/="), func(b *testing.B) { testkit.TimeEach(b, func() { get1(b, f, page+part) }) })
	}
}

func get1(b *testing.B, f *fixture, path string) {
	if r := f.a.Do(nil, "GET", path, nil); r.Status != 200 {
		b.Fatalf("%s: %d %s", path, r.Status, r.Body)
	}
}

// busyPractice publishes the fixture's practice with a Spanish translation, has three other centres adopt
// it, gives it 1,000 comments (written straight to the store, then indexed) and returns its API path.
func busyPractice(b *testing.B, f *fixture) string {
	ctx := context.Background()
	base := "/api/v1/practices/" + f.pr
	must := func(r *testkit.Response, want int) {
		if r.Status != want {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	must(f.a.Do(f.ana, "POST", base+"/publish", nil), 200)
	must(f.a.Do(f.ana, "PUT", base+"/translations/es", map[string]any{"title": "Sesión grupal de acogida",
		"summary": "Una primera acogida en grupo.", "steps": []map[string]string{{"title": "Convocatoria semanal"}}}), 200)
	must(f.a.Do(f.bea, "POST", base+"/transfers", map[string]string{"organisationId": f.orgB}), 201)
	for _, name := range []string{"Centre C", "Centre D"} {
		org := createOrg(b, f.a, f.cai, name)
		must(f.a.Do(f.cai, "POST", base+"/transfers", map[string]string{"organisationId": org}), 201)
	}
	at := time.Now().UTC().Add(-1000 * time.Minute)
	var docs []any
	for i := range 1000 {
		docs = append(docs, bson.M{"_id": fmt.Sprintf("benchc%05d", i), "rev": 1, "targetKind": "practice", "targetId": f.pr,
			"parentId": "", "authorId": f.cai.UserID, "text": fmt.Sprintf("Pregunta %d: com ho vau fer amb els horaris?", i),
			"status": "published", "orgId": f.orgA, "public": true, "link": "/practices/" + f.pr, "reports": bson.A{},
			"createdAt": at.Add(time.Duration(i) * time.Minute)})
	}
	if _, err := f.a.Store.C("comments").InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	if err := f.a.ReadModel.Rebuild(ctx, nil); err != nil {
		b.Fatal(err)
	}
	var list struct{ Items []any }
	r := f.a.Do(nil, "GET", base+"/comments", nil)
	r.JSON(b, &list)
	if len(list.Items) == 0 {
		b.Fatalf("the busy practice lists no comments: %s", r.Body)
	}
	return base
}
