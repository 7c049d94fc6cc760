package evaluation_test

import (
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

func TestEvaluationSetUp(t *testing.T) {
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
