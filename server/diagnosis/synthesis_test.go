package diagnosis_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// TestFromFindingsToIndicators walks a diagnosis through synthesis, prioritisation, the action plan and
// follow-up, then reads its dashboard and open data.
func TestFromFindingsToIndicators(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"allowNicknames": true, "votesPerPerson": 5}})
	inside := map[string]float64{"lat": 41.381, "lon": 2.171}
	rent := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "point": inside,
		"text": "Els lloguers pugen i moltes famílies marxen del barri."})
	lonely := w.contribute(t, w.dani, map[string]any{"kind": "need", "theme": "ageing_loneliness", "language": "es",
		"text": "Muchas personas mayores viven solas y no salen de casa."})
	library := w.contribute(t, w.eva, map[string]any{"kind": "asset", "theme": "digital_divide",
		"text": "La biblioteca fa tallers de mòbil per a gent gran."})
	hidden := w.contribute(t, w.eva, map[string]any{"kind": "need", "theme": "housing", "text": "Text ofensiu per amagar."})
	if r := a.Do(w.bea, "POST", "/api/v1/contributions/"+hidden+"/moderation", map[string]string{"action": "hide", "reason": "Insults"}); r.Status != 200 {
		t.Fatalf("hide: %d %s", r.Status, r.Body)
	}
	nick := w.id(t, a.Do(&testkit.Client{IP: "10.2.2.2"}, "POST", w.diagPath+"/contributions", map[string]any{"kind": "proposal",
		"theme": "public_space", "nickname": "Rosa del 3r", "text": "Bancs a la plaça per seure una estona.", "point": inside}))
	if r := a.Do(w.bea, "POST", "/api/v1/contributions/"+nick+"/moderation", map[string]string{"action": "publish"}); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	a.Do(w.dani, "POST", "/api/v1/contributions/"+rent+"/support", nil)
	a.Do(w.eva, "POST", "/api/v1/contributions/"+rent+"/support", nil)

	findings := w.diagPath + "/findings"
	weakness := map[string]any{"swot": "weakness", "title": "Expulsió per l'augment dels lloguers",
		"text": "Moltes veus parlen de famílies que marxen.", "contributionIds": []string{rent, lonely}}
	a.Run(t, []testkit.Scenario{
		{Name: "a member is not an organiser", As: w.cai, Method: "POST", Path: findings, Body: weakness, Status: 403},
		{Name: "anonymous", Method: "POST", Path: findings, Body: weakness, Status: 401},
		{Name: "citing a hidden contribution", As: w.bea, Method: "POST", Path: findings,
			Body: map[string]any{"swot": "threat", "title": "Amagat", "contributionIds": []string{hidden}}, Status: 400,
			Contains: []string{`"contributionIds":{"code":"not_citable"`}},
		{Name: "citing an unknown id", As: w.bea, Method: "POST", Path: findings,
			Body: map[string]any{"swot": "threat", "title": "Res", "contributionIds": []string{"nothere"}}, Status: 400},
		{Name: "bad swot", As: w.bea, Method: "POST", Path: findings, Body: map[string]any{"swot": "risk", "title": "Res"}, Status: 400},
		{Name: "unknown field", As: w.bea, Method: "POST", Path: findings, Body: map[string]any{"swot": "threat", "title": "Res", "score": 3}, Status: 400},
	})
	weak := w.id(t, a.Do(w.bea, "POST", findings, weakness))
	strength := w.id(t, a.Do(w.ana, "POST", findings, map[string]any{"swot": "strength", "title": "Xarxa de suport digital",
		"contributionIds": []string{library}}))
	a.Run(t, []testkit.Scenario{
		{Name: "the contribution shows who cites it", Method: "GET", Path: "/api/v1/contributions/" + rent, Status: 200,
			Contains: []string{`"citedBy":["` + weak + `"]`}},
		{Name: "findings listed", Method: "GET", Path: findings, Status: 200, Contains: []string{weak, strength}},
		{Name: "by swot", Method: "GET", Path: findings + "?swot=strength", Status: 200, Contains: []string{strength}, NotContains: []string{weak}},
		{Name: "a cited contribution cannot be withdrawn", As: w.cai, Method: "DELETE", Path: "/api/v1/contributions/" + rent, Status: 409,
			Contains: []string{`"code":"cited"`}},
		{Name: "a member cannot change a finding", As: w.cai, Method: "PATCH", Path: "/api/v1/findings/" + weak, Body: map[string]string{"title": "X"}, Status: 403},
		{Name: "move a citation", As: w.bea, Method: "PATCH", Path: "/api/v1/findings/" + weak,
			Body: map[string]any{"contributionIds": []string{rent}}, Status: 200, Contains: []string{`"contributionIds":["` + rent + `"]`}},
		{Name: "the uncited one no longer lists it", Method: "GET", Path: "/api/v1/contributions/" + lonely, Status: 200, Contains: []string{`"citedBy":[]`}},
		{Name: "unknown finding", Method: "GET", Path: "/api/v1/findings/nothere", Status: 404},
	})
	throwaway := w.id(t, a.Do(w.bea, "POST", findings, map[string]any{"swot": "threat", "title": "Esborrany", "contributionIds": []string{lonely}}))
	a.Run(t, []testkit.Scenario{
		{Name: "delete a finding", As: w.bea, Method: "DELETE", Path: "/api/v1/findings/" + throwaway, Status: 204},
		{Name: "its citation is gone", Method: "GET", Path: "/api/v1/contributions/" + lonely, Status: 200, Contains: []string{`"citedBy":[]`}},
		{Name: "delete again", As: w.bea, Method: "DELETE", Path: "/api/v1/findings/" + throwaway, Status: 404},
		{Name: "no ballots while gathering", As: w.dani, Method: "POST", Path: w.diagPath + "/ballot",
			Body: map[string]any{"votes": map[string]int{weak: 1}}, Status: 409, Contains: []string{`"code":"wrong_phase"`, "gathering phase"}},
	})

	w.phase(t, "synthesis")
	// Moving back is a reopening, said explicitly: without it the phase stays.
	a.Run(t, []testkit.Scenario{
		{Name: "back to gathering without saying so", As: w.ana, Method: "PATCH", Path: w.diagPath, Body: map[string]string{"phase": "gathering"},
			Headers: []string{"Accept-Language", "ca"}, Status: 409, Contains: []string{`"code":"phase_backwards"`, "reobre"}},
		{Name: "still in synthesis", Method: "GET", Path: w.diagPath, Status: 200, Contains: []string{`"phase":"synthesis"`}},
		{Name: "reopened", As: w.ana, Method: "PATCH", Path: w.diagPath, Body: map[string]any{"phase": "gathering", "reopen": true}, Status: 200,
			Contains: []string{`"phase":"gathering"`}},
	})
	w.phase(t, "synthesis")
	late := w.id(t, a.Do(w.bea, "POST", findings, map[string]any{"swot": "opportunity", "title": "Pla de barris", "text": "Inversió prevista."}))
	w.phase(t, "prioritisation")
	ballot := w.diagPath + "/ballot"
	a.Run(t, []testkit.Scenario{
		{Name: "no findings while prioritising", As: w.bea, Method: "POST", Path: findings, Body: weakness, Status: 409,
			Contains: []string{`"code":"wrong_phase"`, "prioritisation phase"}},
		{Name: "no finding edits while prioritising", As: w.bea, Method: "PATCH", Path: "/api/v1/findings/" + late, Body: map[string]string{"title": "Nou"}, Status: 409},
		{Name: "ballot needs an account", Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{weak: 1}}, Status: 401},
		{Name: "more votes than allowed", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{weak: 4, rent: 2}},
			Status: 400, Contains: []string{`"code":"too_many_votes"`}},
		{Name: "an asset is not a target", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{library: 1}}, Status: 400},
		{Name: "a hidden need is not a target", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{hidden: 1}}, Status: 400},
		{Name: "unknown target", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{"nothere": 1}}, Status: 400},
		{Name: "zero votes", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{weak: 0}}, Status: 400},
		{Name: "empty ballot", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{}}, Status: 400},
		{Name: "votes of the wrong type", As: w.dani, Method: "POST", Path: ballot, Body: `{"votes":{"x":"three"}}`, Status: 400},
		{Name: "cast", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{weak: 3, rent: 2}}, Status: 201,
			Contains: []string{`"assisted":false`}, NotContains: []string{w.dani.UserID}},
		{Name: "double ballot", As: w.dani, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{late: 1}}, Status: 409,
			Contains: []string{`"code":"already_voted"`}},
		{Name: "another person", As: w.eva, Method: "POST", Path: ballot, Body: map[string]any{"votes": map[string]int{late: 4, rent: 1}}, Status: 201},
		{Name: "assisted without consent", As: w.bea, Method: "POST", Path: ballot,
			Body: map[string]any{"votes": map[string]int{rent: 1}, "assisted": map[string]any{"consent": false}}, Status: 400},
		{Name: "assisted by a non-organiser", As: w.cai, Method: "POST", Path: ballot,
			Body: map[string]any{"votes": map[string]int{rent: 1}, "assisted": map[string]any{"consent": true}}, Status: 403},
		{Name: "a facilitator votes for an assisted person", As: w.bea, Method: "POST", Path: ballot,
			Body: map[string]any{"votes": map[string]int{rent: 2}, "assisted": map[string]any{"consent": true, "note": "casal"}}, Status: 201,
			Contains: []string{`"assisted":true`}},
		{Name: "and for another one", As: w.bea, Method: "POST", Path: ballot,
			Body: map[string]any{"votes": map[string]int{rent: 1}, "assisted": map[string]any{"consent": true}}, Status: 201},
		{Name: "each assisted ballot is in the audit log", As: w.ana, Method: "GET", Path: "/api/v1/organisations/" + w.assoc + "/audit", Status: 200,
			Contains: []string{`"action":"ballot.assisted","target":"diagnosis:` + w.diag, `"onBehalfOf":"assisted_person"`, `"detail":"casal"`}},
		{Name: "priorities ranked", Method: "GET", Path: w.diagPath + "/priorities", Status: 200,
			Contains: []string{`"ballots":4`, `{"rank":1,"targetId":"` + rent + `","type":"need"`, `"votes":6`,
				`{"rank":2,"targetId":"` + late + `","type":"finding","title":"Pla de barris","votes":4}`,
				`{"rank":3,"targetId":"` + weak + `","type":"finding"`}},
		{Name: "no more contributions", As: w.cai, Method: "POST", Path: w.diagPath + "/contributions",
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "Tard"}, Status: 409},
	})

	w.phase(t, "action_plan")
	actions := w.diagPath + "/actions"
	action := map[string]any{"title": "Oficina d'habitatge al barri", "description": "Assessorament sobre contractes.",
		"responsibleOrganisationId": w.assoc, "findingIds": []string{weak},
		"indicators": []map[string]any{{"name": "Famílies ateses", "unit": "famílies", "baseline": 0, "target": 120}}}
	a.Run(t, []testkit.Scenario{
		{Name: "a member cannot plan", As: w.cai, Method: "POST", Path: actions, Body: action, Status: 403},
		{Name: "responsible must be an organiser", As: w.bea, Method: "POST", Path: actions,
			Body: map[string]any{"title": "Acció", "responsibleOrganisationId": w.centre}, Status: 400,
			Contains: []string{`"responsibleOrganisationId":{"code":"not_organising"}`}},
		{Name: "unknown finding", As: w.bea, Method: "POST", Path: actions,
			Body: map[string]any{"title": "Acció", "responsibleOrganisationId": w.assoc, "findingIds": []string{"nothere"}}, Status: 400},
		{Name: "bad status", As: w.bea, Method: "POST", Path: actions,
			Body: map[string]any{"title": "Acció", "responsibleOrganisationId": w.assoc, "status": "maybe"}, Status: 400},
		{Name: "indicator without name", As: w.bea, Method: "POST", Path: actions,
			Body: map[string]any{"title": "Acció", "responsibleOrganisationId": w.assoc, "indicators": []map[string]any{{"unit": "x"}}}, Status: 400},
	})
	r := a.Do(w.bea, "POST", actions, action)
	var act struct {
		ID         string
		Indicators []struct{ ID string }
	}
	if r.Status != 201 {
		t.Fatalf("action: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &act)
	ap := "/api/v1/actions/" + act.ID
	ind := ap + "/indicators/" + act.Indicators[0].ID + "/measurements"
	w.phase(t, "follow_up")
	a.Run(t, []testkit.Scenario{
		{Name: "planned by default", Method: "GET", Path: ap, Status: 200, Contains: []string{`"status":"planned"`, `"name":"Famílies ateses"`}},
		{Name: "a measurement", As: w.bea, Method: "POST", Path: ind, Body: map[string]any{"date": "2026-03-01", "value": 30, "note": "primer trimestre"},
			Status: 201, Contains: []string{`"measurements":[{"date":"2026-03-01","value":30,"note":"primer trimestre"}]`}},
		{Name: "an earlier one goes first", As: w.ana, Method: "POST", Path: ind, Body: map[string]any{"date": "2026-02-01", "value": 12},
			Status: 201, Contains: []string{`"measurements":[{"date":"2026-02-01","value":12},{"date":"2026-03-01"`}},
		{Name: "bad date", As: w.bea, Method: "POST", Path: ind, Body: map[string]any{"date": "1/3/2026", "value": 1}, Status: 400},
		{Name: "no value", As: w.bea, Method: "POST", Path: ind, Body: map[string]any{"date": "2026-03-01"}, Status: 400},
		{Name: "no measurement dated in the future", As: w.bea, Method: "POST", Path: ind,
			Body: map[string]any{"date": time.Now().AddDate(0, 0, 3).Format("2006-01-02"), "value": 1}, Status: 400,
			Contains: []string{`"date":{"code":"future_date"}`}},
		{Name: "unknown indicator", As: w.bea, Method: "POST", Path: ap + "/indicators/nothere/measurements",
			Body: map[string]any{"date": "2026-03-01", "value": 1}, Status: 404},
		{Name: "unknown action", As: w.bea, Method: "POST", Path: "/api/v1/actions/nothere/indicators/x/measurements",
			Body: map[string]any{"date": "2026-03-01", "value": 1}, Status: 404},
		{Name: "a member cannot measure", As: w.cai, Method: "POST", Path: ind, Body: map[string]any{"date": "2026-03-01", "value": 1}, Status: 403},
		{Name: "in progress, keeping the indicator", As: w.bea, Method: "PATCH", Path: ap,
			Body: map[string]any{"status": "in_progress", "indicators": []map[string]any{{"id": act.Indicators[0].ID, "name": "Famílies ateses",
				"unit": "famílies", "baseline": 0, "target": 100}}},
			Status: 200, Contains: []string{`"status":"in_progress"`, `"target":100`, `"value":30`}},
		{Name: "a foreign indicator id", As: w.bea, Method: "PATCH", Path: ap,
			Body: map[string]any{"indicators": []map[string]any{{"id": "other", "name": "X y z"}}}, Status: 400},
		{Name: "listed", Method: "GET", Path: actions, Status: 200, Contains: []string{act.ID}},
		{Name: "by status", Method: "GET", Path: actions + "?status=done", Status: 200, NotContains: []string{act.ID}},
	})

	r = a.Do(nil, "GET", w.diagPath+"/dashboard", nil)
	if r.Status != 200 {
		t.Fatalf("dashboard: %d %s", r.Status, r.Body)
	}
	var dash struct {
		Contributions, Supports, Findings, Ballots, Actions int
		ByKind, ByTheme, PerWeek                            []struct {
			Value string
			Count int
		}
		Priorities []struct{ TargetID string }
		Indicators []struct {
			Latest, Progress *float64
		}
	}
	r.JSON(t, &dash)
	kinds := map[string]int{}
	for _, k := range dash.ByKind {
		kinds[k.Value] = k.Count
	}
	if dash.Contributions != 4 || kinds["need"] != 2 || kinds["asset"] != 1 || kinds["proposal"] != 1 || dash.Supports != 2 ||
		dash.Findings != 3 || dash.Ballots != 4 || dash.Actions != 1 || len(dash.PerWeek) != 1 || dash.PerWeek[0].Count != 4 ||
		len(dash.Priorities) != 3 || len(dash.Indicators) != 1 || *dash.Indicators[0].Latest != 30 || *dash.Indicators[0].Progress != 0.3 {
		t.Fatalf("dashboard: %s", r.Body)
	}

	// Open data: published content only, nothing personal.
	private := []string{w.cai.UserID, w.dani.UserID, w.eva.UserID, w.bea.UserID, "Rosa del 3r", "Text ofensiu", "Insults", "casal"}
	a.Run(t, []testkit.Scenario{
		{Name: "csv", Method: "GET", Path: w.diagPath + "/export.csv", Status: 200,
			Contains:    []string{"\ufeffid,kind,theme,language,text,lat,lon,supports,day,cited_by", rent + ",need,housing,ca,", "41.381,2.171,2,"},
			NotContains: private},
		{Name: "json", Method: "GET", Path: w.diagPath + "/export.json", Status: 200,
			Contains: []string{`"territoryName":"el Raval"`, lonely, `"priorities":[`, `"indicators":[`}, NotContains: private},
		{Name: "geojson", Method: "GET", Path: w.diagPath + "/export.geojson", Status: 200,
			Contains:    []string{`"type":"FeatureCollection"`, `"type":"Polygon"`, `"coordinates":[2.171,41.381]`},
			NotContains: append([]string{`"properties":{"diagnosisId"`}, private...)},
		{Name: "unknown diagnosis", Method: "GET", Path: "/api/v1/diagnoses/nothere/export.csv", Status: 404},
	})
	for ext, ct := range map[string]string{"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"} {
		r := a.Do(nil, "GET", w.diagPath+"/export."+ext, nil)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), ct) ||
			r.Header.Get("Content-Disposition") != `attachment; filename="diagnosis-`+w.diag+`.`+ext+`"` {
			t.Errorf("%s headers: %v", ext, r.Header)
		}
	}
	var geo struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal(a.Do(nil, "GET", w.diagPath+"/export.geojson", nil).Body, &geo); err != nil || len(geo.Features) != 3 {
		t.Fatalf("geojson features: %v %+v", err, geo)
	}
}
