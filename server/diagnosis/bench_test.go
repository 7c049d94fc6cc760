package diagnosis_test

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/testkit"
	"github.com/teixit/teixit/server/theme"
)

// BenchmarkContributionsList measures a diagnosis's contributions list with filters and a sort at
// TEIXIT_BENCH_CONTRIBUTIONS contributions (default 50,000), all served by the read model: the whole API
// request (index query + 30 `_id` reads), the index query alone, and the dashboard's facet counts.
func BenchmarkContributionsList(b *testing.B) {
	n := 50000
	if v, err := strconv.Atoi(os.Getenv("TEIXIT_BENCH_CONTRIBUTIONS")); err == nil && v > 0 {
		n = v
	}
	w := newWorld(b)
	w.newDiagnosis(b, nil)
	ctx := b.Context()
	start := time.Now()
	kinds, themes := diagnosis.ContributionKinds, theme.All
	base := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	for done := 0; done < n; {
		batch := make([]any, 0, 1000)
		for ; done < n && len(batch) < cap(batch); done++ {
			at := base.Add(time.Duration(done) * time.Minute)
			batch = append(batch, bson.M{"_id": fmt.Sprintf("bench%011d", done), "diagnosisId": w.diag,
				"kind": kinds[done%len(kinds)], "theme": themes[done%len(themes)], "language": "ca",
				"text":   fmt.Sprintf("Contribució %d sobre el barri: habitatge, places, gent gran i accés digital.", done),
				"status": "published", "supports": done % 97, "reports": 0, "reportsSeen": 0, "findingIds": bson.A{},
				"authorId": w.cai.UserID, "createdAt": at, "updatedAt": at})
		}
		if _, err := w.a.Store.C("diagnosis_contributions").InsertMany(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	inserted := time.Since(start)
	start = time.Now()
	if err := w.a.ReadModel.Rebuild(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d contributions: insertMany %v, index rebuild %v", n, inserted.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	path := w.diagPath + "/contributions?kind=need&theme=housing&sort=-supports&limit=30"
	if r := w.a.Do(nil, "GET", path, nil); r.Status != 200 {
		b.Fatalf("list: %d %s", r.Status, r.Body)
	}
	b.Run("api", func(b *testing.B) {
		testkit.TimeEach(b, func() {
			if r := w.a.Do(nil, "GET", path, nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		})
	})
	b.Run("api_signed_in", func(b *testing.B) { // adds one support lookup per item
		testkit.TimeEach(b, func() {
			if r := w.a.Do(w.dani, "GET", path, nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		})
	})
	b.Run("index_only", func(b *testing.B) {
		req := search.ListRequest{Kind: diagnosis.KindContribution, Sort: "-supports", PerPage: 30, IDsOnly: true,
			Filters: map[string][]string{"parent": {w.diag}, "contribution_kind": {"need"}, "theme": {"housing"}}}
		for b.Loop() {
			if _, err := w.a.ReadModel.List(ctx, search.Reader{}, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	ids := make([]string, 30)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench%011d", i*(n/30))
	}
	b.Run("30_reads_one_by_one", func(b *testing.B) {
		for b.Loop() {
			if err := diagnosis.ReadSequential(ctx, w.a.Diagnoses, ids); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("30_reads_8_at_a_time", func(b *testing.B) {
		for b.Loop() {
			if err := diagnosis.ReadConcurrent(ctx, w.a.Diagnoses, ids); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dashboard", func(b *testing.B) {
		testkit.TimeEach(b, func() {
			if r := w.a.Do(nil, "GET", w.diagPath+"/dashboard", nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		})
	})
	// The search page's API: a word every contribution holds, with facets and highlights, then one theme
	// (anonymous answers are kept until the index changes; signed-in readers' are not).
	for _, sub := range []struct {
		name string
		as   *testkit.Client
	}{{"search_api", nil}, {"search_api_signed_in", w.dani}} {
		b.Run(sub.name, func(b *testing.B) {
			i := 0
			testkit.TimeEach(b, func() {
				path := "/api/v1/search?q=habitatge"
				if i++; i%2 == 0 {
					path += "&theme=housing"
				}
				if r := w.a.Do(sub.as, "GET", path, nil); r.Status != 200 {
					b.Fatal(r.Status)
				}
			})
		})
	}
}

// BenchmarkContributeConcurrent measures contributions accepted per second through the API while the same
// residents toggle supports ("me too") on each other's contributions: every iteration posts one
// contribution, supports an earlier one and takes the support back (three writes, each through the read
// model's outbox). Run with -cpu to set the number of concurrent residents per core (RunParallel).
func BenchmarkContributeConcurrent(b *testing.B) {
	w := newWorld(b)
	w.newDiagnosis(b, nil)
	residents := []*testkit.Client{w.bea, w.cai, w.dani, w.eva, w.ona}
	for i := range 11 { // 16 residents in all, registered before the clock starts (argon2 is slow on purpose)
		residents = append(residents, w.a.Register(fmt.Sprintf("resident%02d@example.org", i), fmt.Sprintf("Resident %d", i)))
	}
	// Seed contributions so that supports always have a target written by someone else.
	var seeds []string
	for i, c := range residents {
		seeds = append(seeds, w.id(b, w.a.Do(c, "POST", w.diagPath+"/contributions", map[string]any{
			"kind": "need", "theme": "housing", "text": fmt.Sprintf("Necessitat inicial número %d del barri.", i)})))
	}
	var next atomic.Int64
	var contribs testkit.Latencies // the contribution writes only; supports are the mixed-in load
	b.SetParallelism(1)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		me := int(next.Add(1)-1) % len(residents)
		c := residents[me]
		target := seeds[(me+1)%len(seeds)]
		i := 0
		for pb.Next() {
			i++
			contribs.Time(func() {
				if r := w.a.Do(c, "POST", w.diagPath+"/contributions", map[string]any{"kind": diagnosis.ContributionKinds[i%3],
					"theme": "housing", "text": fmt.Sprintf("Aportació %d de la persona %d sobre l'habitatge.", i, me)}); r.Status != 201 {
					b.Errorf("contribute: %d %s", r.Status, r.Body)
				}
			})
			if r := w.a.Do(c, "POST", "/api/v1/contributions/"+target+"/support", nil); r.Status != 201 {
				b.Errorf("support: %d %s", r.Status, r.Body)
			}
			if r := w.a.Do(c, "DELETE", "/api/v1/contributions/"+target+"/support", nil); r.Status != 200 {
				b.Errorf("unsupport: %d %s", r.Status, r.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "contributions/s")
	contribs.Report(b)
}
