package evaluation_test

import (
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

func TestEvaluationSetUp(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2)
	a := w.a
	base := "/api/v1/evaluations"
	good := func(extra map[string]any) map[string]any {
		b := map[string]any{"title": "Avaluació del servei", "organisationIds": []string{w.dept},
			"edition": map[string]any{"areas": []map[string]string{{"name": "Coordinació"}}}}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	a.Run(t, []testkit.Scenario{
		{Name: "anonymous cannot start one", Method: "POST", Path: base, Body: good(nil), Status: 401},
		{Name: "a professional is not an organiser", As: w.pros[0], Method: "POST", Path: base, Body: good(nil), Status: 403},
		{Name: "someone else's organisation", As: w.pere, Method: "POST", Path: base, Body: good(nil), Status: 403},
		{Name: "a guide is required", As: w.olga, Method: "POST", Path: base, Body: good(map[string]any{"edition": map[string]any{}}),
			Status: 400, Contains: []string{`"edition.areas"`}},
		{Name: "bad mode, dates and threshold", As: w.olga, Method: "POST", Path: base,
			Body: good(map[string]any{"edition": map[string]any{"areas": []map[string]string{{"name": "A1"}}, "mode": "radio",
				"dates": []string{"11/03/2026"}, "threshold": 2}}),
			Status: 400, Contains: []string{`"edition.mode"`, `"edition.dates"`, `"edition.threshold"`}},
		{Name: "a service needs its name", As: w.olga, Method: "POST", Path: base,
			Body: good(map[string]any{"subject": map[string]string{"kind": "service"}}), Status: 400, Contains: []string{`"subject.name"`}},
		{Name: "an unknown action", As: w.olga, Method: "POST", Path: base,
			Body: good(map[string]any{"subject": map[string]string{"kind": "diagnosis_action", "ref": "nothere"}}), Status: 400,
			Contains: []string{`"subject.ref"`}},
		{Name: "unknown field", As: w.olga, Method: "POST", Path: base, Body: good(map[string]any{"colour": "red"}), Status: 400},
	})
	w.newEvaluation(t)
	a.Run(t, []testkit.Scenario{
		{Name: "the organiser sees it with the invitation code", As: w.olga, Method: "GET", Path: w.edPath, Status: 200,
			Contains: []string{`"phase":"preparation"`, `"inviteCode":"`, `"isOrganiser":true`, `"threshold":5`, `"groupSize":8`}},
		{Name: "a member reads it without the code", As: w.marc, Method: "GET", Path: w.edPath, Status: 200,
			NotContains: []string{`"inviteCode"`}},
		{Name: "a stranger does not see it", As: w.xavi, Method: "GET", Path: "/api/v1/evaluations/" + w.eval, Status: 404},
		{Name: "anonymous is asked to sign in", Method: "GET", Path: w.edPath, Status: 401},
		{Name: "listed for a member", As: w.marc, Method: "GET", Path: base, Status: 200, Contains: []string{w.eval}},
		{Name: "not listed for a stranger", As: w.xavi, Method: "GET", Path: base, Status: 200, NotContains: []string{w.eval}},
		{Name: "a member cannot change the edition", As: w.pros[0], Method: "PATCH", Path: w.edPath, Body: map[string]string{"phase": "groups"}, Status: 403},
		{Name: "an edition by a non-manager", As: w.pros[0], Method: "POST", Path: "/api/v1/evaluations/" + w.eval + "/editions", Body: map[string]any{}, Status: 403},
		{Name: "an edition by a stranger", As: w.xavi, Method: "POST", Path: "/api/v1/evaluations/" + w.eval + "/editions", Body: map[string]any{}, Status: 404},
		{Name: "partners added", As: w.olga, Method: "PATCH", Path: w.edPath, Body: map[string]any{"partnerOrganisationIds": []string{w.assoc}, "mode": "both"},
			Status: 200, Contains: []string{w.assoc, `"mode":"both"`}},
		{Name: "the partner's admin now reads it", As: w.pere, Method: "GET", Path: w.edPath, Status: 200},
		{Name: "the stranger joins without a code", As: w.xavi, Method: "POST", Path: w.edPath + "/participants/me", Body: map[string]any{}, Status: 404},
		{Name: "the plain member is not of an invited role", As: w.marc, Method: "POST", Path: w.edPath + "/participants/me", Body: map[string]any{},
			Status: 403, Contains: []string{`"code":"not_invited"`}},
		{Name: "a partner's person joins", As: w.pere, Method: "POST", Path: w.edPath + "/participants/me", Body: map[string]any{}, Status: 201,
			Contains: []string{`"me":{`}},
		{Name: "twice", As: w.pere, Method: "POST", Path: w.edPath + "/participants/me", Body: map[string]any{}, Status: 409,
			Contains: []string{`"code":"already_participating"`}},
	})
	var ed struct{ InviteCode string }
	ok(t, a.Do(w.olga, "GET", w.edPath, nil), 200).JSON(t, &ed)
	a.Run(t, []testkit.Scenario{
		{Name: "a wrong code", As: w.xavi, Method: "POST", Path: w.edPath + "/participants/me", Body: map[string]string{"code": "nope"}, Status: 404},
		{Name: "the link's code", As: w.xavi, Method: "POST", Path: w.edPath + "/participants/me", Body: map[string]string{"code": ed.InviteCode}, Status: 201},
		{Name: "invited by role", As: w.olga, Method: "POST", Path: w.edPath + "/participants/members", Status: 200, Contains: []string{`"added":2`, `"total":4`}},
		{Name: "participants for the organiser", As: w.olga, Method: "GET", Path: w.edPath + "/participants", Status: 200,
			Contains: []string{`"role":"guest"`, `"role":"professional"`}},
		{Name: "not for a participant", As: w.pros[0], Method: "GET", Path: w.edPath + "/participants", Status: 403},
		{Name: "four are too few for a group of five", As: w.olga, Method: "POST", Path: w.edPath + "/groups/formation", Status: 409,
			Contains: []string{`"code":"group_below_threshold"`}},
	})
}

// TestEvaluatingATransfer: the organisation that adopted a practice evaluates its transfer with the same
// machinery, and the transfer's page finds its evaluations through the subject filter.
func TestEvaluatingATransfer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 0)
	a := w.a
	var pr, tr struct{ ID string }
	ok(t, a.Do(w.pere, "POST", "/api/v1/practices", map[string]any{"title": "Sessió grupal d'acollida",
		"summary": "Una primera acollida en grup.", "problem": "Les llistes d'espera eren llargues.",
		"context": map[string]any{"organisationId": w.assoc, "targetPopulation": "Persones que demanen cita"},
		"themes":  []string{"coexistence"}, "steps": []map[string]string{{"title": "Convocatòria", "detail": "Cada dilluns"}},
		"resources": map[string]string{"people": "Dues professionals", "time": "3 hores", "budget": "Cap"},
		"results":   "De 6 a 2 setmanes.", "evidence": "Registre de cites.", "contact": "acollida@example.org", "language": "ca",
		"evaluation": map[string]any{"summary": "Semestral", "indicators": []map[string]string{{"name": "Dies", "value": "14"}}}}), 201).JSON(t, &pr)
	ok(t, a.Do(w.pere, "POST", "/api/v1/practices/"+pr.ID+"/publish", nil), 200)
	ok(t, a.Do(w.olga, "POST", "/api/v1/practices/"+pr.ID+"/transfers", map[string]string{"organisationId": w.dept}), 201).JSON(t, &tr)
	base := "/api/v1/evaluations"
	body := map[string]any{"title": "Com ens ha anat l'acollida en grup", "organisationIds": []string{w.dept},
		"subject": map[string]string{"kind": "transfer", "ref": tr.ID},
		"edition": map[string]any{"areas": []map[string]string{{"name": "Adaptació"}}, "partnerOrganisationIds": []string{w.assoc}}}
	var created struct{ Evaluation struct{ ID string } }
	ok(t, a.Do(w.olga, "POST", base, body), 201).JSON(t, &created)
	a.Run(t, []testkit.Scenario{
		{Name: "the transfer's evaluations", As: w.marc, Method: "GET", Path: base + "?subject=transfer:" + tr.ID, Status: 200,
			Contains: []string{created.Evaluation.ID, `"kind":"transfer"`}},
		{Name: "the practice's owners see it as partners", As: w.pere, Method: "GET", Path: base + "?subject=transfer:" + tr.ID, Status: 200,
			Contains: []string{created.Evaluation.ID}},
		{Name: "not for a stranger", As: w.xavi, Method: "GET", Path: base + "?subject=transfer:" + tr.ID, Status: 200,
			NotContains: []string{created.Evaluation.ID}},
		{Name: "another subject", As: w.marc, Method: "GET", Path: base + "?subject=diagnosis_action:" + tr.ID, Status: 200,
			NotContains: []string{created.Evaluation.ID}},
		{Name: "a bad subject filter", As: w.marc, Method: "GET", Path: base + "?subject=service:x", Status: 400,
			Contains: []string{`"subject"`}},
	})
}
