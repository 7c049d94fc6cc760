package evaluation_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// TestPlenaryToSecondEdition walks the whole path: items in two groups, merge with suggestions, votes,
// a measure with an indicator, the report, a second edition that reviews the measure and compares.
func TestPlenaryToSecondEdition(t *testing.T) {
	t.Parallel()
	w, gs := formed(t)
	a := w.a
	w.phase(t, "groups")
	add := func(g group, who int, area, kind, text string) string {
		return w.id(t, a.Do(w.clientOf(g.Members[who].UserID), "POST", "/api/v1/evaluation-groups/"+g.ID+"/items",
			map[string]string{"areaId": area, "kind": kind, "text": text}))
	}
	i1 := add(gs[0], 1, w.areaPap, "weakness", "Massa paperassa per tramitar els ajuts d'urgència")
	i2 := add(gs[1], 2, w.areaPap, "weakness", "La paperassa dels ajuts d'urgència ens treu temps")
	i3 := add(gs[0], 3, w.areaCare, "strength", "Bona coordinació amb les escoles del barri")
	// Another evaluation's item, to try merging across evaluations.
	other := newWorldLike(t, w)
	w.phase(t, "synthesis")
	var sim struct{ Items []struct{ ID, Kind string } }
	ok(t, a.Do(w.olga, "GET", "/api/v1/evaluation-items/"+i1+"/similar", nil), 200).JSON(t, &sim)
	if len(sim.Items) == 0 || sim.Items[0].ID != i2 {
		t.Fatalf("suggestions for %s: %+v, want %s first", i1, sim.Items, i2)
	}
	merge := map[string]any{"kind": "weakness", "areaId": w.areaPap, "text": "Massa paperassa als ajuts d'urgència", "itemIds": []string{i1, i2}}
	a.Run(t, []testkit.Scenario{
		{Name: "merging items of different evaluations", As: w.olga, Method: "POST", Path: w.edPath + "/points",
			Body:   map[string]any{"kind": "weakness", "areaId": w.areaPap, "text": "Barreja", "itemIds": []string{i1, other}},
			Status: 400, Contains: []string{`"code":"not_same_edition"`}},
		{Name: "a participant cannot merge", As: w.clientOf(gs[0].Members[1].UserID), Method: "POST", Path: w.edPath + "/points", Body: merge, Status: 403},
	})
	var pt struct {
		ID     string
		Groups int
	}
	ok(t, a.Do(w.olga, "POST", w.edPath+"/points", merge), 201).JSON(t, &pt)
	if pt.Groups != 2 {
		t.Fatalf("merged point raised by %d groups, want 2", pt.Groups)
	}
	st := w.id(t, a.Do(w.olga, "POST", w.edPath+"/points", map[string]any{"kind": "strength", "areaId": w.areaCare, "text": "Coordinació amb les escoles", "itemIds": []string{i3}}))
	a.Run(t, []testkit.Scenario{
		{Name: "merging twice", As: w.olga, Method: "POST", Path: w.edPath + "/points", Body: merge, Status: 409, Contains: []string{`"code":"already_merged"`}},
		{Name: "nothing half-written: the other evaluation's item is still free", As: other2(w), Method: "GET", Path: "/api/v1/evaluation-editions/" + strings.Split(otherEd(w), "|")[0] + "/items?merged=no",
			Status: 200, Contains: []string{other}},
		{Name: "votes only in prioritisation", As: w.pros[0], Method: "POST", Path: w.edPath + "/ballot", Body: map[string]any{"pointIds": []string{pt.ID}}, Status: 409},
	})
	w.phase(t, "prioritisation")
	for i, c := range w.pros[:5] {
		ok(t, a.Do(c, "POST", w.edPath+"/ballot", map[string]any{"pointIds": []string{pt.ID, st}[:1+i%2]}), 201)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "a ballot is final", As: w.pros[0], Method: "POST", Path: w.edPath + "/ballot", Body: map[string]any{"pointIds": []string{st}}, Status: 409,
			Contains: []string{`"code":"ballot_final"`}},
		{Name: "too many votes", As: w.pros[6], Method: "POST", Path: w.edPath + "/ballot", Body: map[string]any{"pointIds": []string{pt.ID, st, "x", "y"}}, Status: 400},
		{Name: "the synthesis counts groups and votes", As: w.olga, Method: "GET", Path: w.edPath + "/synthesis", Status: 200,
			Contains: []string{`"groups":2,"votes":5`, `"votes":7`}},
	})
	w.phase(t, "follow_up")
	m := w.id(t, a.Do(w.olga, "POST", w.edPath+"/measures", map[string]any{"title": "Un sol formulari per als ajuts", "responsibleTeam": "Equip d'administració",
		"due": "2026-12-31", "pointIds": []string{pt.ID}, "indicators": []map[string]any{{"name": "Minuts per tràmit", "unit": "min", "baseline": 40, "target": 15}}}))
	var meas struct{ Indicators []struct{ ID string } }
	ok(t, a.Do(w.olga, "GET", "/api/v1/evaluation-measures/"+m, nil), 200).JSON(t, &meas)
	a.Run(t, []testkit.Scenario{
		{Name: "a strength is not a measure's weakness", As: w.olga, Method: "POST", Path: w.edPath + "/measures",
			Body: map[string]any{"title": "Res", "responsibleTeam": "Equip", "pointIds": []string{st}}, Status: 400},
		{Name: "measured like an action", As: w.olga, Method: "POST", Path: "/api/v1/evaluation-measures/" + m + "/indicators/" + meas.Indicators[0].ID + "/measurements",
			Body: map[string]any{"date": "2026-06-01", "value": 30}, Status: 201, Contains: []string{`"value":30`}},
		{Name: "the dashboard shows progress", As: w.marc, Method: "GET", Path: w.edPath + "/dashboard", Status: 200, Contains: []string{`"progress":0.4`}},
		{Name: "no report before it is published", As: w.marc, Method: "GET", Path: w.edPath + "/report", Status: 404},
		{Name: "not public yet", Method: "GET", Path: w.edPath + "/export.csv", Status: 404},
		{Name: "a participant cannot publish", As: w.pros[0], Method: "POST", Path: w.edPath + "/report", Body: map[string]string{"visibility": "public"}, Status: 403},
		{Name: "published to everyone", As: w.olga, Method: "POST", Path: w.edPath + "/report", Body: map[string]string{"visibility": "public", "summary": "Gràcies"}, Status: 200},
		{Name: "anyone reads it", Method: "GET", Path: w.edPath + "/report", Status: 200, Contains: []string{"Massa paperassa als ajuts", "Un sol formulari"},
			NotContains: []string{i1, w.pros[1].UserID, "inviteCode"}},
		{Name: "CSV open data", Method: "GET", Path: w.edPath + "/export.csv", Status: 200, Contains: []string{"weakness,", ",2,5,new"}},
		{Name: "public points are searchable", Method: "GET", Path: "/api/v1/search?q=paperassa", Status: 200, Contains: []string{"evaluation_point"},
			NotContains: []string{"evaluation_item"}},
		{Name: "members find items, attributed to nobody", As: w.marc, Method: "GET", Path: "/api/v1/search?q=paperassa", Status: 200, Contains: []string{"evaluation_item"}},
		{Name: "participants were told", As: w.pros[3], Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"/evaluation-editions/" + w.ed + "/report"}},
	})
	// The second edition starts from the first.
	a.Run(t, []testkit.Scenario{
		{Name: "an edition by a non-manager", As: w.pros[0], Method: "POST", Path: "/api/v1/evaluations/" + w.eval + "/editions", Body: map[string]string{"title": "2027"}, Status: 403},
	})
	var ed2 struct {
		ID, PreviousID string
		Areas          []struct{ ID string }
	}
	ok(t, a.Do(w.olga, "POST", "/api/v1/evaluations/"+w.eval+"/editions", map[string]string{"title": "2027"}), 201).JSON(t, &ed2)
	if ed2.PreviousID != w.ed || len(ed2.Areas) != 2 {
		t.Fatalf("second edition %+v does not start from the first", ed2)
	}
	p2 := "/api/v1/evaluation-editions/" + ed2.ID
	a.Run(t, []testkit.Scenario{
		{Name: "the earlier measure awaits its review", As: w.olga, Method: "GET", Path: p2 + "/reviews", Status: 200, Contains: []string{"Un sol formulari"}},
		{Name: "reviewed as in progress", As: w.olga, Method: "PUT", Path: p2 + "/reviews/" + m, Body: map[string]string{"status": "in_progress", "note": "Formulari en prova"},
			Status: 200, Contains: []string{`"status":"in_progress"`}},
		{Name: "a bad review status", As: w.olga, Method: "PUT", Path: p2 + "/reviews/" + m, Body: map[string]string{"status": "forgotten"}, Status: 400},
	})
	// Second edition's groups: the paperwork weakness is raised again, the schools strength is not.
	ok(t, a.Do(w.olga, "POST", p2+"/participants/members", nil), 200)
	ok(t, a.Do(w.olga, "POST", p2+"/groups/formation", nil), 200)
	ok(t, a.Do(w.olga, "PATCH", p2, map[string]string{"phase": "groups"}), 200)
	var g2 struct {
		Me struct{ GroupID string }
	}
	ok(t, a.Do(w.pros[0], "GET", p2, nil), 200).JSON(t, &g2)
	again := w.id(t, a.Do(w.pros[0], "POST", "/api/v1/evaluation-groups/"+g2.Me.GroupID+"/items",
		map[string]string{"areaId": ed2.Areas[1].ID, "kind": "weakness", "text": "Encara massa paperassa"}))
	ok(t, a.Do(w.olga, "PATCH", p2, map[string]string{"phase": "synthesis"}), 200)
	a.Run(t, []testkit.Scenario{
		{Name: "linking to a point that is not of the previous edition", As: w.olga, Method: "POST", Path: p2 + "/points",
			Body: map[string]any{"kind": "weakness", "areaId": ed2.Areas[1].ID, "text": "Paperassa", "itemIds": []string{again}, "previousId": "nothere"}, Status: 400},
		{Name: "raised again", As: w.olga, Method: "POST", Path: p2 + "/points",
			Body: map[string]any{"kind": "weakness", "areaId": ed2.Areas[1].ID, "text": "Paperassa", "itemIds": []string{again}, "previousId": pt.ID}, Status: 201},
		{Name: "the comparison in words", As: w.marc, Method: "GET", Path: p2 + "/comparison", Status: 200,
			Contains: []string{`"raisedAgain":[{`, `"new":[]`, `"noLongerRaised":[{`, "Coordinació amb les escoles",
				`{"kind":"weakness","status":"raised_again","count":1}`, `{"kind":"strength","status":"no_longer_raised","count":1}`}},
	})
}

// newWorldLike makes a second evaluation by the same organiser with one item, returning its item id.
func newWorldLike(t *testing.T, w *world) string {
	t.Helper()
	r := ok(t, w.a.Do(w.olga, "POST", "/api/v1/evaluations", map[string]any{"title": "Una altra avaluació", "organisationIds": []string{w.dept},
		"edition": map[string]any{"groupSize": 8, "roles": []string{"professional"}, "areas": []map[string]string{{"name": "Tot"}}}}), 201)
	var v struct {
		Edition struct {
			ID    string
			Areas []struct{ ID string }
		}
	}
	r.JSON(t, &v)
	p := "/api/v1/evaluation-editions/" + v.Edition.ID
	ok(t, w.a.Do(w.olga, "POST", p+"/participants/members", nil), 200)
	ok(t, w.a.Do(w.olga, "POST", p+"/groups/formation", nil), 200)
	ok(t, w.a.Do(w.olga, "PATCH", p, map[string]string{"phase": "groups"}), 200)
	var ed struct{ Me struct{ GroupID string } }
	ok(t, w.a.Do(w.pros[0], "GET", p, nil), 200).JSON(t, &ed)
	id := w.id(t, w.a.Do(w.pros[0], "POST", "/api/v1/evaluation-groups/"+ed.Me.GroupID+"/items",
		map[string]string{"areaId": v.Edition.Areas[0].ID, "kind": "weakness", "text": "Massa paperassa"}))
	w.otherEd = v.Edition.ID
	return id
}

func other2(w *world) *testkit.Client { return w.olga }
func otherEd(w *world) string         { return w.otherEd }
