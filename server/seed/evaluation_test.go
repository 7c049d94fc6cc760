package seed_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/testkit"
)

// demoEvaluation: `make run` offers an evaluation day that went the whole way — groups at the anonymity
// threshold, merged points with votes, a measure with a measurement, a public report — and its next edition
// waiting to review the measure.
func demoEvaluation(t *testing.T, a *testkit.App) {
	r := a.Do(nil, "GET", "/api/v1/evaluations", nil)
	if n := strings.Count(string(r.Body), `"title":"Jornada d'avaluació`); n != 1 {
		t.Fatalf("%d demo evaluations visible to anyone: %s", n, r.Body)
	}
	var list struct{ Items []evaluation.Evaluation }
	r.JSON(t, &list)
	ev := list.Items[0]
	var ov struct{ Editions []evaluation.Edition }
	jordi := a.Login("jordi@example.org", "servei-social-prop-2026")
	ok := func(r *testkit.Response) *testkit.Response {
		t.Helper()
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		return r
	}
	ok(a.Do(jordi, "GET", "/api/v1/evaluations/"+ev.ID, nil)).JSON(t, &ov)
	if len(ov.Editions) != 2 || ov.Editions[0].Phase != "preparation" || ov.Editions[1].Phase != "follow_up" {
		t.Fatalf("editions: %+v", ov.Editions)
	}
	first := "/api/v1/evaluation-editions/" + ov.Editions[1].ID
	report := string(ok(a.Do(nil, "GET", first+"/report", nil)).Body)
	for _, want := range []string{"Massa paperassa", "Un sol formulari", `"groups":3`, `"votes":8`} {
		if !strings.Contains(report, want) {
			t.Fatalf("public report lacks %s: %s", want, report)
		}
	}
	var groups struct{ Items []evaluation.Group }
	ok(a.Do(jordi, "GET", first+"/groups", nil)).JSON(t, &groups)
	for _, g := range groups.Items {
		if g.Size == nil || *g.Size < 3 {
			t.Fatalf("group %s below the threshold: %+v", g.Name, g)
		}
	}
	ok(a.Do(jordi, "GET", "/api/v1/evaluation-editions/"+ov.Editions[0].ID+"/reviews", nil))
}
