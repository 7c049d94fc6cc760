package diagnosis_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

func TestContributions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, nil)
	contribs := w.diagPath + "/contributions"
	inside := map[string]float64{"lat": 41.38, "lon": 2.17}
	need := map[string]any{"kind": "need", "theme": "housing", "text": "Els lloguers del barri pugen cada any i moltes famílies han de marxar.",
		"point": inside}
	a.Run(t, []testkit.Scenario{
		{Name: "anonymous without nickname must log in", Method: "POST", Path: contribs, Body: need, Status: 401},
		{Name: "nickname when not allowed", Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "Hola", "nickname": "Rosa"}, Status: 403,
			Contains: []string{`"code":"nicknames_not_allowed"`}},
		{Name: "point outside the territory", As: w.cai, Method: "POST", Path: contribs,
			Body:   map[string]any{"kind": "need", "theme": "housing", "text": "Lluny", "point": map[string]float64{"lat": 41.5, "lon": 2.17}},
			Status: 400, Contains: []string{`"code":"point_outside"`}},
		{Name: "point off the globe", As: w.cai, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "x", "point": map[string]float64{"lat": 141, "lon": 2}}, Status: 400},
		{Name: "bad kind, theme and empty text", As: w.cai, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "wish", "theme": "weather", "text": "  "}, Status: 400,
			Contains: []string{`"kind":"must be one of: need, asset, proposal"`, `"theme":{"code":"one_of"`, `"text":{"code":"length"`}},
		{Name: "text too long", As: w.cai, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": strings.Repeat("a", 2001)}, Status: 400},
		{Name: "bad language", As: w.cai, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "Hola", "language": "de"}, Status: 400},
		{Name: "wrong type", As: w.cai, Method: "POST", Path: contribs, Body: `{"kind":"need","theme":"housing","text":["a"]}`, Status: 400},
		{Name: "unknown field", As: w.cai, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "Hola", "author": "me"}, Status: 400},
		{Name: "media without a media store upload", As: w.cai, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "Hola", "mediaIds": []string{"nothere"}}, Status: 400,
			Contains: []string{`"mediaIds":{"code":"not_your_file"`}},
		{Name: "assisted without consent", As: w.bea, Method: "POST", Path: contribs,
			Body:   map[string]any{"kind": "need", "theme": "ageing_loneliness", "text": "Estic sola", "assisted": map[string]any{"consent": false}},
			Status: 400, Contains: []string{`"assisted.consent"`}},
		{Name: "assisted by a non-organiser", As: w.cai, Method: "POST", Path: contribs,
			Body:   map[string]any{"kind": "need", "theme": "ageing_loneliness", "text": "Estic sola", "assisted": map[string]any{"consent": true}},
			Status: 403},
		{Name: "unknown diagnosis", As: w.cai, Method: "POST", Path: "/api/v1/diagnoses/nothere/contributions", Body: need, Status: 404},
	})
	mine := w.contribute(t, w.cai, need)
	assisted := w.contribute(t, w.bea, map[string]any{"kind": "need", "theme": "ageing_loneliness",
		"text": "Visc sola al quart pis sense ascensor i fa mesos que no baixo al carrer.", "assisted": map[string]any{"consent": true, "note": "entrevista al casal"}})
	asset := w.contribute(t, w.ana, map[string]any{"kind": "asset", "theme": "digital_divide", "text": "La biblioteca fa tallers de mòbil els dijous."})
	cp := "/api/v1/contributions/"
	a.Run(t, []testkit.Scenario{
		{Name: "published at once, language detected, author not shown", Method: "GET", Path: cp + mine, Status: 200,
			Contains:    []string{`"status":"published"`, `"language":"ca"`, `"authorKind":"account"`, `"mine":false`, `"lat":41.38`},
			NotContains: []string{w.cai.UserID, "Cai"}},
		{Name: "the author sees it is theirs", As: w.cai, Method: "GET", Path: cp + mine, Status: 200, Contains: []string{`"mine":true`}},
		{Name: "assisted is recorded as such, without the facilitator", Method: "GET", Path: cp + assisted, Status: 200,
			Contains: []string{`"authorKind":"assisted"`}, NotContains: []string{w.bea.UserID, "entrevista"}},
		{Name: "the organisation's audit log says who entered it, on whose behalf", As: w.ana, Method: "GET",
			Path: "/api/v1/organisations/" + w.assoc + "/audit", Status: 200,
			Contains: []string{`"action":"contribution.assisted"`, `"actor":"` + w.bea.UserID, `"onBehalfOf":"assisted_person"`,
				`"target":"contribution:` + assisted, `"detail":"entrevista al casal"`}},
		{Name: "which a plain member does not read", As: w.cai, Method: "GET", Path: "/api/v1/organisations/" + w.assoc + "/audit", Status: 403},
		{Name: "listed", Method: "GET", Path: contribs, Status: 200, Contains: []string{mine, assisted, asset}},
		{Name: "filtered by kind", Method: "GET", Path: contribs + "?kind=asset", Status: 200, Contains: []string{asset}, NotContains: []string{mine}},
		{Name: "filtered by theme", Method: "GET", Path: contribs + "?theme=housing", Status: 200, Contains: []string{mine}, NotContains: []string{asset}},
		{Name: "bad sort", Method: "GET", Path: contribs + "?sort=random", Status: 400},
		{Name: "editing someone else's", As: w.dani, Method: "PATCH", Path: cp + mine, Body: map[string]string{"text": "hacked"}, Status: 403},
		{Name: "an organiser cannot rewrite it either", As: w.ana, Method: "PATCH", Path: cp + mine, Body: map[string]string{"text": "x"}, Status: 403},
		{Name: "anonymous cannot edit", Method: "PATCH", Path: cp + mine, Body: map[string]string{"text": "x"}, Status: 401},
		{Name: "the author edits", As: w.cai, Method: "PATCH", Path: cp + mine,
			Body: map[string]any{"text": "Els lloguers pugen i moltes famílies marxen del barri.", "theme": "housing"}, Status: 200,
			Contains: []string{"moltes famílies marxen"}},
		{Name: "the list shows the edit at once (the in-memory copy follows the index)", Method: "GET", Path: contribs, Status: 200,
			Contains: []string{"moltes famílies marxen"}, NotContains: []string{"cada any"}},
		{Name: "edit with a point outside", As: w.cai, Method: "PATCH", Path: cp + mine,
			Body: map[string]any{"point": map[string]float64{"lat": 0, "lon": 0}}, Status: 400, Contains: []string{"point_outside"}},
		{Name: "the facilitator may correct what they typed", As: w.bea, Method: "PATCH", Path: cp + assisted,
			Body: map[string]any{"text": "Visc sola en un quart pis sense ascensor."}, Status: 200},
		{Name: "unknown contribution", Method: "GET", Path: cp + "nothere", Status: 404},
		// supports
		{Name: "support needs an account", Method: "POST", Path: cp + mine + "/support", Status: 401},
		{Name: "no support of one's own contribution", As: w.cai, Method: "POST", Path: cp + mine + "/support", Status: 409,
			Contains: []string{`"code":"own_contribution"`}},
		{Name: "support", As: w.dani, Method: "POST", Path: cp + mine + "/support", Status: 201,
			Contains: []string{`"supports":1`, `"supportedByMe":true`}},
		{Name: "double support", As: w.dani, Method: "POST", Path: cp + mine + "/support", Status: 409, Contains: []string{`"code":"already_supported"`}},
		{Name: "another person supports", As: w.eva, Method: "POST", Path: cp + mine + "/support", Status: 201, Contains: []string{`"supports":2`}},
		{Name: "the list counts both supports at once", As: w.eva, Method: "GET", Path: contribs, Status: 200,
			Contains: []string{`"supports":2`, `"supportedByMe":true`}},
		{Name: "most supported first", Method: "GET", Path: contribs + "?sort=-supports", Status: 200, Contains: []string{`"items":[{"id":"` + mine}},
		{Name: "withdraw support", As: w.eva, Method: "DELETE", Path: cp + mine + "/support", Status: 200, Contains: []string{`"supports":1`, `"supportedByMe":false`}},
		{Name: "withdraw again", As: w.eva, Method: "DELETE", Path: cp + mine + "/support", Status: 404, Contains: []string{`"code":"not_supported"`}},
		{Name: "support an unknown contribution", As: w.eva, Method: "POST", Path: cp + "nothere/support", Status: 404},
		// reports and moderation
		{Name: "report without reason", As: w.dani, Method: "POST", Path: cp + asset + "/report", Body: map[string]string{"reason": ""}, Status: 400},
		{Name: "report", As: w.dani, Method: "POST", Path: cp + asset + "/report", Body: map[string]string{"reason": "Publicitat d'una empresa"}, Status: 204},
		{Name: "report twice", As: w.dani, Method: "POST", Path: cp + asset + "/report", Body: map[string]string{"reason": "Again please"}, Status: 409,
			Contains: []string{`"code":"already_reported"`}},
		{Name: "the queue is for organisers", As: w.cai, Method: "GET", Path: w.diagPath + "/moderation", Status: 403},
		{Name: "the queue shows the reported one", As: w.bea, Method: "GET", Path: w.diagPath + "/moderation", Status: 200,
			Contains: []string{asset, `"reports":1`, `"reportReasons":["Publicitat d'una empresa"]`}, NotContains: []string{mine, w.dani.UserID}},
		{Name: "hide without reason", As: w.bea, Method: "POST", Path: cp + asset + "/moderation", Body: map[string]string{"action": "hide"}, Status: 400,
			Contains: []string{`"reason"`}},
		{Name: "unknown action", As: w.bea, Method: "POST", Path: cp + asset + "/moderation", Body: map[string]string{"action": "burn"}, Status: 400},
		{Name: "a member cannot moderate", As: w.cai, Method: "POST", Path: cp + asset + "/moderation",
			Body: map[string]string{"action": "hide", "reason": "spam"}, Status: 403},
		{Name: "hide", As: w.bea, Method: "POST", Path: cp + asset + "/moderation", Body: map[string]string{"action": "hide", "reason": "Publicitat"},
			Status: 200, Contains: []string{`"status":"hidden"`, `"hideReason":"Publicitat"`}},
		{Name: "the person who reported it is told it was reviewed", As: w.dani, Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Contains: []string{`"kind":"contribution_report_reviewed"`, `"link":"/diagnoses/` + w.diag + `"`}},
		{Name: "hidden is gone for the public", Method: "GET", Path: cp + asset, Status: 404},
		{Name: "hidden is gone for a non-organiser", As: w.dani, Method: "GET", Path: cp + asset, Status: 404},
		{Name: "hidden is gone for the member of the association", As: w.cai, Method: "GET", Path: cp + asset, Status: 404},
		{Name: "organisers still see it", As: w.bea, Method: "GET", Path: cp + asset, Status: 200},
		{Name: "not listed publicly", Method: "GET", Path: contribs, Status: 200, NotContains: []string{asset}},
		{Name: "the queue is empty again", As: w.bea, Method: "GET", Path: w.diagPath + "/moderation", Status: 200, NotContains: []string{asset}},
		{Name: "hidden ones listed for organisers on request", As: w.bea, Method: "GET", Path: contribs + "?status=hidden", Status: 200,
			Contains: []string{asset, `"status":"hidden"`}},
		{Name: "nobody else gets them with the status filter", As: w.dani, Method: "GET", Path: contribs + "?status=hidden", Status: 200, NotContains: []string{asset}},
		{Name: "a hidden one cannot be supported", As: w.bea, Method: "POST", Path: cp + asset + "/support", Status: 409},
		// withdraw
		{Name: "someone else cannot withdraw it", As: w.dani, Method: "DELETE", Path: cp + mine, Status: 403},
	})

	// Nicknames, pre-moderated.
	if r := a.Do(w.ana, "PATCH", w.diagPath, map[string]any{"settings": map[string]any{"allowNicknames": true}}); r.Status != 200 {
		t.Fatalf("allow nicknames: %d %s", r.Status, r.Body)
	}
	anon := &testkit.Client{IP: "10.1.1.1"}
	r := a.Do(anon, "POST", contribs, map[string]any{"kind": "proposal", "theme": "public_space", "nickname": "Rosa del 3r",
		"text": "Posar bancs a la plaça perquè la gent gran pugui seure."})
	if r.Status != 201 || !strings.Contains(string(r.Body), `"status":"pending"`) {
		t.Fatalf("nickname contribution: %d %s", r.Status, r.Body)
	}
	nick := w.id(t, r)
	a.Run(t, []testkit.Scenario{
		{Name: "pending is not public", Method: "GET", Path: cp + nick, Status: 404},
		{Name: "pending is not for outsiders", As: w.dani, Method: "GET", Path: cp + nick, Status: 404},
		{Name: "pending is not listed", Method: "GET", Path: contribs, Status: 200, NotContains: []string{nick}},
		{Name: "the queue has it", As: w.ana, Method: "GET", Path: w.diagPath + "/moderation", Status: 200, Contains: []string{nick, "Rosa del 3r"}},
		{Name: "signed-in people do not use nicknames", As: w.dani, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "x", "nickname": "D"}, Status: 400},
		{Name: "short nickname", Method: "POST", Path: contribs, Body: map[string]any{"kind": "need", "theme": "housing", "text": "x", "nickname": "R"}, Status: 400},
		{Name: "publish", As: w.ana, Method: "POST", Path: cp + nick + "/moderation", Body: map[string]string{"action": "publish"}, Status: 200,
			Contains: []string{`"status":"published"`}},
		{Name: "now public with its nickname", Method: "GET", Path: cp + nick, Status: 200, Contains: []string{`"nickname":"Rosa del 3r"`, `"authorKind":"nickname"`}},
	})

	// Pre-moderation for everyone: the author sees their pending contribution, others do not.
	if r := a.Do(w.ana, "PATCH", w.diagPath, map[string]any{"settings": map[string]any{"preModeration": true}}); r.Status != 200 {
		t.Fatalf("pre-moderation: %d %s", r.Status, r.Body)
	}
	pend := w.contribute(t, w.dani, map[string]any{"kind": "proposal", "theme": "digital_divide", "text": "Un punt d'ajuda digital al mercat."})
	a.Run(t, []testkit.Scenario{
		{Name: "the author sees it pending", As: w.dani, Method: "GET", Path: cp + pend, Status: 200, Contains: []string{`"status":"pending"`, `"mine":true`}},
		{Name: "the author lists it", As: w.dani, Method: "GET", Path: contribs + "?status=pending", Status: 200, Contains: []string{pend}},
		{Name: "another person does not", As: w.eva, Method: "GET", Path: cp + pend, Status: 404},
		{Name: "the author withdraws it", As: w.dani, Method: "DELETE", Path: cp + pend, Status: 204},
		{Name: "gone", As: w.dani, Method: "GET", Path: cp + pend, Status: 404},
	})

	// Outside the gathering phase.
	w.phase(t, "synthesis")
	a.Run(t, []testkit.Scenario{
		{Name: "no contributions after gathering", As: w.cai, Method: "POST", Path: contribs, Body: need, Status: 409,
			Contains: []string{`"code":"wrong_phase"`, "synthesis phase"}},
		{Name: "no edits after gathering", As: w.cai, Method: "PATCH", Path: cp + mine, Body: map[string]string{"text": "x"}, Status: 409,
			Contains: []string{`"code":"wrong_phase"`}},
		{Name: "no withdrawal after gathering", As: w.cai, Method: "DELETE", Path: cp + mine, Status: 409},
	})
}

func TestNicknameRateLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"allowNicknames": true}})
	body := map[string]any{"kind": "need", "theme": "housing", "text": "Hi ha humitats a l'escala.", "nickname": "Veí"}
	for i := 0; i < 5; i++ {
		if r := w.a.Do(&testkit.Client{IP: "10.9.9.9"}, "POST", w.diagPath+"/contributions", body); r.Status != 201 {
			t.Fatalf("contribution %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := w.a.Do(&testkit.Client{IP: "10.9.9.9"}, "POST", w.diagPath+"/contributions", body); r.Status != 429 {
		t.Fatalf("sixth from one address: %d %s", r.Status, r.Body)
	}
	// Signed-in people are not limited by it. (Other addresses are not tried: the in-process test client
	// does not carry its remote address through Fiber's Test.)
	delete(body, "nickname")
	if r := w.a.Do(w.dani, "POST", w.diagPath+"/contributions", body); r.Status != 201 {
		t.Fatalf("signed in: %d %s", r.Status, r.Body)
	}
}
