package diagnosis_test

import (
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

func TestDiagnoses(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	base := "/api/v1/diagnoses"
	good := func(extra map[string]any) map[string]any {
		b := map[string]any{"title": "Diagnosi del Raval", "territoryId": w.barri, "organisationIds": []string{w.assoc}}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	a.Run(t, []testkit.Scenario{
		{Name: "anonymous cannot create", Method: "POST", Path: base, Body: good(nil), Status: 401},
		{Name: "a plain member cannot organise", As: w.cai, Method: "POST", Path: base, Body: good(nil), Status: 403},
		{Name: "an outsider cannot name someone else's organisation", As: w.dani, Method: "POST", Path: base, Body: good(nil), Status: 403},
		{Name: "the creator must organise every organisation", As: w.ana, Method: "POST", Path: base,
			Body: good(map[string]any{"organisationIds": []string{w.assoc, w.centre}}), Status: 403},
		{Name: "unknown territory", As: w.ana, Method: "POST", Path: base, Body: good(map[string]any{"territoryId": "nowhere"}),
			Status: 400, Contains: []string{`"territoryId":{"code":"unknown_ref"}`}},
		{Name: "theme outside the vocabulary", As: w.ana, Method: "POST", Path: base, Body: good(map[string]any{"themes": []string{"weather"}}),
			Status: 400, Contains: []string{`"themes":"must be one of: housing`}},
		{Name: "unknown field", As: w.ana, Method: "POST", Path: base, Body: good(map[string]any{"colour": "red"}),
			Status: 400, Contains: []string{`"colour":{"code":"unknown_field"}`}},
		{Name: "wrong type", As: w.ana, Method: "POST", Path: base, Body: `{"title": 12}`, Status: 400, Contains: []string{`"title":{"code":"wrong_type"`}},
		{Name: "no organisers", As: w.ana, Method: "POST", Path: base, Body: good(map[string]any{"organisationIds": []string{}}), Status: 400},
		{Name: "bad schedule", As: w.ana, Method: "POST", Path: base,
			Body:   good(map[string]any{"schedule": []map[string]string{{"name": "gathering", "start": "2026-02-01", "end": "2026-01-01"}}}),
			Status: 400, Contains: []string{"cannot end before it starts"}},
		{Name: "too many votes per person", As: w.ana, Method: "POST", Path: base,
			Body: good(map[string]any{"settings": map[string]any{"votesPerPerson": 99}}), Status: 400},
		{Name: "unknown diagnosis", Method: "GET", Path: base + "/nothere", Status: 404},
		{Name: "junk id", Method: "GET", Path: base + "/NOT%20AN%20ID", Status: 404},
	})
	w.newDiagnosis(t, map[string]any{"schedule": []map[string]string{{"name": "gathering", "start": "2026-01-01", "end": "2026-03-01"}}})
	a.Run(t, []testkit.Scenario{
		{Name: "read by anyone, defaults", Method: "GET", Path: w.diagPath, Status: 200,
			Contains: []string{`"phase":"gathering"`, `"votesPerPerson":5`, `"allowNicknames":false`, `"isOrganiser":false`, `"start":"2026-01-01"`}},
		{Name: "organisers are told so", As: w.bea, Method: "GET", Path: w.diagPath, Status: 200, Contains: []string{`"isOrganiser":true`}},
		{Name: "the plan as a calendar, in the reader's language", Method: "GET", Path: w.diagPath + "/calendar.ics", Headers: []string{"Accept-Language", "ca"},
			Status: 200, Contains: []string{"BEGIN:VCALENDAR\r\n", "DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:20260302",
				"SUMMARY:Diagnosi comunitària del Raval: Recollim idees", "/diagnoses/" + w.diag}},
		{Name: "a calendar of nothing", Method: "GET", Path: base + "/nosuchdiagnosis/calendar.ics", Status: 404},
		{Name: "listed", Method: "GET", Path: base, Status: 200, Contains: []string{w.diag}},
		{Name: "listed under the city (ancestor)", Method: "GET", Path: base + "?territory=" + w.city, Status: 200, Contains: []string{w.diag}},
		{Name: "by theme", Method: "GET", Path: base + "?theme=housing", Status: 200, Contains: []string{w.diag}},
		{Name: "other theme", Method: "GET", Path: base + "?theme=culture", Status: 200, NotContains: []string{w.diag}},
		{Name: "by phase", Method: "GET", Path: base + "?phase=gathering&org=" + w.assoc, Status: 200, Contains: []string{w.diag}},
		{Name: "other phase", Method: "GET", Path: base + "?phase=synthesis", Status: 200, NotContains: []string{w.diag}},
		{Name: "bad filter", Method: "GET", Path: base + "?phase=winter", Status: 400, Contains: []string{`"phase":{"code":"one_of"`}},
		{Name: "bad cursor", Method: "GET", Path: base + "?cursor=zzz", Status: 400},
		{Name: "a member cannot change it", As: w.cai, Method: "PATCH", Path: w.diagPath, Body: map[string]string{"title": "Nou"}, Status: 403},
		{Name: "territory is fixed", As: w.ana, Method: "PATCH", Path: w.diagPath, Body: map[string]string{"territoryId": w.city}, Status: 400},
		{Name: "unknown phase", As: w.bea, Method: "PATCH", Path: w.diagPath, Body: map[string]string{"phase": "party"}, Status: 400},
		{Name: "ana cannot add an organisation she does not organise", As: w.ana, Method: "PATCH", Path: w.diagPath,
			Body: map[string]any{"organisationIds": []string{w.assoc, w.centre}}, Status: 403},
		{Name: "a professional moves the phase", As: w.bea, Method: "PATCH", Path: w.diagPath,
			Body: map[string]any{"phase": "synthesis", "settings": map[string]any{"allowNicknames": true}}, Status: 200,
			Contains: []string{`"phase":"synthesis"`, `"allowNicknames":true`, `"votesPerPerson":5`}},
		{Name: "the list follows", Method: "GET", Path: base + "?phase=synthesis", Status: 200, Contains: []string{w.diag}},
	})
}
