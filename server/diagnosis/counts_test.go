package diagnosis_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/testkit"
)

// TestCountsRecountFromRecords: a contribution's support count can always be recounted from its records —
// also after a supporter deleted their account (the record stays, anonymous, and their support still counts)
// — so a process that died between writing a record and moving its counter is found and, with repair, fixed
// (what `teixit doctor -repair` runs).
func TestCountsRecountFromRecords(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.newDiagnosis(t, nil)
	c := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "text": "L'escala no té ascensor."})
	for _, who := range []*testkit.Client{w.dani, w.eva} {
		if r := w.a.Do(who, "POST", "/api/v1/contributions/"+c+"/support", nil); r.Status != 201 {
			t.Fatalf("support: %d %s", r.Status, r.Body)
		}
	}
	if r := w.a.Do(w.eva, "POST", "/api/v1/contributions/"+c+"/report", map[string]string{"reason": "Dades personals"}); r.Status != 204 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	check := func(repair bool) ([]diagnosis.CountProblem, int) {
		t.Helper()
		problems, fixed, err := diagnosis.CheckCounts(t.Context(), w.a.Store, w.a.ReadModel.Changed, repair)
		if err != nil {
			t.Fatal(err)
		}
		return problems, fixed
	}
	if p, _ := check(false); len(p) != 0 {
		t.Fatalf("fresh counts reported wrong: %+v", p)
	}
	// Eva deletes her account: her support and report still count, and can still be recounted.
	if r := w.a.Do(w.eva, "DELETE", "/api/v1/me", nil); r.Status != 204 {
		t.Fatalf("delete account: %d %s", r.Status, r.Body)
	}
	if p, _ := check(false); len(p) != 0 {
		t.Fatalf("after an account deletion the counts no longer match their records: %+v", p)
	}
	// A process dies after writing a support record and before moving the count.
	if _, err := w.a.Store.C("diagnosis_supports").InsertOne(t.Context(), bson.M{"_id": c + ":crashed", "contributionId": c,
		"userId": "crashed", "createdAt": time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	p, _ := check(false)
	if len(p) != 2 || p[0].What != "supports" || p[0].Counted != 2 || p[0].Records != 3 || p[1].What != "diagnosis supports" {
		t.Fatalf("the crash is not found: %+v", p)
	}
	if _, fixed := check(true); fixed != 2 {
		t.Fatalf("repair fixed %d counts, want 2", fixed)
	}
	var got struct{ Supports, Reports int }
	w.a.Do(w.ana, "GET", "/api/v1/contributions/"+c, nil).JSON(t, &got)
	if got.Supports != 3 || got.Reports != 1 {
		t.Fatalf("after repair: %+v, want 3 supports and 1 report", got)
	}
	if p, _ := check(false); len(p) != 0 {
		t.Fatalf("still wrong after repair: %+v", p)
	}
}
