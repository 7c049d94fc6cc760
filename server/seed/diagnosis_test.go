package seed_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/testkit"
)

// demoDiagnosis: one demo diagnosis about housing, with its contributions, findings and supports.
func demoDiagnosis(t *testing.T, a *testkit.App) {
	ds, _, err := a.Diagnoses.List(t.Context(), nil, diagnosis.ListInput{Theme: "housing"})
	if err != nil || len(ds) != 1 {
		t.Fatalf("diagnoses after seeding twice: %v %+v", err, ds)
	}
	r := a.Do(nil, "GET", "/api/v1/diagnoses/"+ds[0].ID+"/dashboard", nil)
	for _, want := range []string{`"contributions":7`, `"findings":3`, `"value":"ca"`, `"value":"es"`, `"value":"it"`, `"supports":7`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("dashboard lacks %s: %s", want, r.Body)
		}
	}
}
