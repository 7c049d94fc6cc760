package diagnosis_test

import (
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// TestCommentsOnContributionsAndFindings: people talk under a published contribution and under a finding; a
// contribution still waiting for moderation takes no comments and shows none to strangers; the lead
// organisation's admins moderate them; search finds a comment and leads to the contribution's page.
func TestCommentsOnContributionsAndFindings(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"allowNicknames": true}})
	rent := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing",
		"text": "Els lloguers del barri pugen cada any i moltes famílies han de marxar."})
	finding := w.id(t, a.Do(w.bea, "POST", w.diagPath+"/findings", map[string]any{"swot": "weakness", "title": "Lloguers",
		"contributionIds": []string{rent}}))
	pending := w.id(t, a.Do(&testkit.Client{IP: "10.9.9.9"}, "POST", w.diagPath+"/contributions", map[string]any{"kind": "proposal",
		"theme": "public_space", "nickname": "Rosa", "text": "Bancs a la plaça per seure una estona."}))
	if r := a.Do(w.ana, "PATCH", w.diagPath, map[string]any{"settings": map[string]any{"preModeration": true}}); r.Status != 200 {
		t.Fatalf("settings: %d %s", r.Status, r.Body)
	}
	held := w.contribute(t, w.dani, map[string]any{"kind": "need", "theme": "housing", "text": "Ningú no arregla l'ascensor del meu edifici."})
	cp, fp := "/api/v1/contributions/"+rent+"/comments", "/api/v1/findings/"+finding+"/comments"
	var c struct{ ID string }
	r := a.Do(w.dani, "POST", cp, map[string]string{"text": "A casa nostra també: ens han apujat el lloguer un vint per cent."})
	if r.Status != 201 {
		t.Fatalf("comment: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &c)
	a.Run(t, []testkit.Scenario{
		{Name: "anyone reads the contribution's comments", Method: "GET", Path: cp, Status: 200, Contains: []string{"vint per cent"}},
		{Name: "a reply", As: w.cai, Method: "POST", Path: cp, Body: map[string]string{"text": "Gràcies, no som els únics.", "parentCommentId": c.ID}, Status: 201},
		{Name: "a comment on the finding", As: w.eva, Method: "POST", Path: fp, Body: map[string]string{"text": "Caldria parlar amb l'ajuntament."}, Status: 201},
		{Name: "read under the finding", Method: "GET", Path: fp, Status: 200, Contains: []string{"ajuntament"}},
		{Name: "anonymous cannot comment", Method: "POST", Path: cp, Body: map[string]string{"text": "Hola"}, Status: 401},
		{Name: "empty comment", As: w.eva, Method: "POST", Path: cp, Body: map[string]string{"text": ""}, Status: 400},
		{Name: "a pending contribution takes no comments, not even its author's", As: w.dani, Method: "POST", Path: "/api/v1/contributions/" + held + "/comments",
			Body: map[string]string{"text": "Afegeixo que fa un mes"}, Status: 409, Contains: []string{`"code":"comments_closed"`}},
		{Name: "and strangers do not even see it", As: w.eva, Method: "POST", Path: "/api/v1/contributions/" + held + "/comments",
			Body: map[string]string{"text": "Jo també"}, Status: 404},
		{Name: "nor shows any to strangers", As: w.eva, Method: "GET", Path: "/api/v1/contributions/" + pending + "/comments", Status: 404},
		{Name: "an unknown contribution", Method: "GET", Path: "/api/v1/contributions/nosuchthing/comments", Status: 404},
		{Name: "a plain member cannot moderate", As: w.cai, Method: "POST", Path: "/api/v1/comments/" + c.ID + "/moderation",
			Body: map[string]string{"action": "hide", "reason": "Dades personals"}, Status: 403},
		{Name: "the lead organisation's admin hides it", As: w.ana, Method: "POST", Path: "/api/v1/comments/" + c.ID + "/moderation",
			Body: map[string]string{"action": "hide", "reason": "Dades personals"}, Status: 200},
		{Name: "gone for readers", Method: "GET", Path: cp, Status: 200, NotContains: []string{"vint per cent"}},
		{Name: "search leads to the contribution", Method: "GET", Path: "/api/v1/search?q=ajuntament", Status: 200,
			Contains: []string{`"url":"/findings/` + finding + `"`}},
	})
}
