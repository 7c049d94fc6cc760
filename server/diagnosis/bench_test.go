package diagnosis_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/diagnosis"
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
	kinds, themes := diagnosis.ContributionKinds, diagnosis.Themes
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
		for b.Loop() {
			if r := w.a.Do(nil, "GET", path, nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		}
	})
	b.Run("api_signed_in", func(b *testing.B) { // adds one support lookup per item
		for b.Loop() {
			if r := w.a.Do(w.dani, "GET", path, nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		}
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
		for b.Loop() {
			if r := w.a.Do(nil, "GET", w.diagPath+"/dashboard", nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		}
	})
}
