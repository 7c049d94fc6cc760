package network_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// practice writes and publishes a practice of org in a territory, and returns its id.
func (w *world) practice(t *testing.T, c *testkit.Client, org, territory, lang, title, summary, problem string, themes []string) string {
	t.Helper()
	id := w.id(t, w.a.Do(c, "POST", "/api/v1/practices", map[string]any{
		"title": title, "summary": summary, "problem": problem, "language": lang, "themes": themes,
		"context": map[string]any{"organisationId": org, "territory": territory, "targetPopulation": "—"},
		"steps":   []map[string]string{{"title": "1", "detail": "—"}}, "resources": map[string]string{"people": "—"},
		"results": "—", "evidence": "—", "evaluation": map[string]any{"summary": "—"}, "contact": "x@example.org"}))
	if r := w.a.Do(c, "POST", "/api/v1/practices/"+id+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	return id
}

type match struct {
	PracticeID, Title, TerritoryName, OrganisationName string
	Elsewhere                                          bool
	Why                                                struct{ SharedThemes, Words []string }
}

func practicesFor(t *testing.T, a *testkit.App, c *testkit.Client, path string) []match {
	t.Helper()
	var out struct{ Items []match }
	r := a.Do(c, "GET", path, nil)
	if r.Status != 200 {
		t.Fatalf("%s: %d %s", path, r.Status, r.Body)
	}
	r.JSON(t, &out)
	return out.Items
}

func rankOf(ms []match, id string) int {
	for i, m := range ms {
		if m.PracticeID == id {
			return i + 1
		}
	}
	return 0
}

// TestNeedToPractice: needs raised in el Raval in Catalan, Spanish and Italian find the practice that
// addressed them in another city first, above a practice of the same theme about something else; a
// practice finds where its need is raised now; an action adopts a practice, which starts the responsible
// organisation's transfer, and the action shows its stage as it moves.
func TestNeedToPractice(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	girona := w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "Girona", "level": "city"}))
	madrid := w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "Madrid", "level": "city"}))
	milano := w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "Milano", "level": "city"}))
	dd := []string{"digital_divide"}
	type pair struct{ relevant, unrelated string }
	prs := map[string]pair{
		"ca": {w.practice(t, w.ona, w.centre, girona, "ca", "Acompanyament digital a la gent gran",
			"Voluntaris ensenyen a la gent gran a demanar cita prèvia per internet amb el mòbil.", "La gent gran no podia demanar cita al metge per internet.", dd),
			w.practice(t, w.ona, w.centre, girona, "ca", "Horts urbans comunitaris", "Els veïns cultiven horts a les terrasses del barri.", "Faltaven espais verds compartits.", dd)},
		"es": {w.practice(t, w.ona, w.centre, madrid, "es", "Acompañamiento digital a personas mayores",
			"Voluntarios enseñan a las personas mayores a pedir cita previa por internet con el móvil.", "Las personas mayores no podían pedir cita médica por internet.", dd),
			w.practice(t, w.ona, w.centre, madrid, "es", "Huertos urbanos comunitarios", "Los vecinos cultivan huertos en las azoteas del barrio.", "Faltaban espacios verdes compartidos.", dd)},
		"it": {w.practice(t, w.ona, w.centre, milano, "it", "Accompagnamento digitale per anziani",
			"Volontari insegnano agli anziani a prenotare le visite mediche online con lo smartphone.", "Gli anziani non riuscivano a prenotare le visite online.", dd),
			w.practice(t, w.ona, w.centre, milano, "it", "Orti urbani condivisi", "I vicini coltivano orti sulle terrazze del quartiere.", "Mancavano spazi verdi condivisi.", dd)},
	}
	// a draft never shows
	draft := w.id(t, a.Do(w.ona, "POST", "/api/v1/practices", map[string]any{"title": "Esborrany sobre cita prèvia per internet gent gran",
		"language": "ca", "themes": dd, "context": map[string]any{"organisationId": w.centre}}))

	diag := w.id(t, a.Do(w.ana, "POST", "/api/v1/diagnoses", map[string]any{"title": "Diagnosi del Raval", "territoryId": w.barri,
		"organisationIds": []string{w.assoc}, "themes": []string{"digital_divide", "housing"}}))
	needs := map[string]string{
		"ca": "La gent gran del barri no sap demanar cita prèvia per internet amb el mòbil",
		"es": "Las personas mayores del barrio no saben pedir cita previa por internet con el móvil",
		"it": "Gli anziani del quartiere non sanno prenotare le visite online con lo smartphone",
	}
	contrib := map[string]string{}
	for lang, text := range needs {
		contrib[lang] = w.id(t, a.Do(w.dani, "POST", "/api/v1/diagnoses/"+diag+"/contributions", map[string]any{"kind": "need", "theme": "digital_divide", "text": text}))
	}
	for _, lang := range []string{"ca", "es", "it"} {
		t.Run("contribution in "+lang, func(t *testing.T) {
			ms := practicesFor(t, a, nil, "/api/v1/contributions/"+contrib[lang]+"/practices")
			rel, unrel := rankOf(ms, prs[lang].relevant), rankOf(ms, prs[lang].unrelated)
			if rel != 1 {
				t.Fatalf("the relevant %s practice ranks %d: %+v", lang, rel, ms)
			}
			if unrel != 0 && unrel < rel {
				t.Fatalf("unrelated %d above relevant %d", unrel, rel)
			}
			m := ms[0]
			if !m.Elsewhere || m.TerritoryName == "" || m.OrganisationName != "Centre de Serveis Socials" {
				t.Errorf("where and who: %+v", m)
			}
			if len(m.Why.SharedThemes) != 1 || len(m.Why.Words) < 2 {
				t.Errorf("explanation: %+v", m.Why)
			}
			if rankOf(ms, draft) != 0 {
				t.Errorf("a draft practice is listed")
			}
		})
	}
	// a finding citing the Catalan need
	finding := w.id(t, a.Do(w.ana, "POST", "/api/v1/diagnoses/"+diag+"/findings", map[string]any{"swot": "weakness",
		"title": "Bretxa digital de la gent gran", "text": "Molta gent gran no pot demanar cita per internet.", "contributionIds": []string{contrib["ca"]}}))
	if ms := practicesFor(t, a, w.eva, "/api/v1/findings/"+finding+"/practices"); rankOf(ms, prs["ca"].relevant) != 1 {
		t.Fatalf("finding: %+v", ms)
	}
	// from the practice: where this need is raised now
	var needsNow struct {
		Items []struct{ Kind, ID, TerritoryName string }
	}
	a.Do(nil, "GET", "/api/v1/practices/"+prs["ca"].relevant+"/needs", nil).JSON(t, &needsNow)
	found := false
	for _, n := range needsNow.Items {
		if n.ID == contrib["ca"] && n.Kind == "contribution" && n.TerritoryName == "el Raval" {
			found = true
		}
	}
	if !found {
		t.Fatalf("needs raised now: %+v", needsNow.Items)
	}

	// "adopt this practice": an action of the plan starts the association's transfer
	action := func(c *testkit.Client, practice string) *testkit.Response {
		return a.Do(c, "POST", "/api/v1/diagnoses/"+diag+"/actions", map[string]any{"title": "Adoptem l'acompanyament digital",
			"responsibleOrganisationId": w.assoc, "findingIds": []string{finding}, "adoptPracticeId": practice})
	}
	a.Run(t, []testkit.Scenario{
		{Name: "adopting a draft", As: w.ana, Method: "POST", Path: "/api/v1/diagnoses/" + diag + "/actions", Body: map[string]any{
			"title": "Adoptem", "responsibleOrganisationId": w.assoc, "adoptPracticeId": draft}, Status: 404},
		{Name: "adopting an unknown practice", As: w.ana, Method: "POST", Path: "/api/v1/diagnoses/" + diag + "/actions", Body: map[string]any{
			"title": "Adoptem", "responsibleOrganisationId": w.assoc, "adoptPracticeId": "nope"}, Status: 404},
		{Name: "adopting with junk", As: w.ana, Method: "POST", Path: "/api/v1/diagnoses/" + diag + "/actions", Body: map[string]any{
			"title": "Adoptem", "responsibleOrganisationId": w.assoc, "adoptPracticeId": "NOT AN ID"}, Status: 400},
		{Name: "a member cannot", As: w.cai, Method: "POST", Path: "/api/v1/diagnoses/" + diag + "/actions", Body: map[string]any{
			"title": "Adoptem", "responsibleOrganisationId": w.assoc, "adoptPracticeId": prs["ca"].relevant}, Status: 403},
		{Name: "no half-written action", Method: "GET", Path: "/api/v1/diagnoses/" + diag + "/actions", Status: 200, Contains: []string{`"items":[]`}},
	})
	r := action(w.bea, prs["ca"].relevant)
	if r.Status != 201 || !strings.Contains(string(r.Body), `"stage":"interested"`) {
		t.Fatalf("adopt: %d %s", r.Status, r.Body)
	}
	var act struct {
		ID       string
		Practice struct{ TransferID, Title, Stage string }
	}
	r.JSON(t, &act)
	transfer := act.Practice.TransferID
	a.Run(t, []testkit.Scenario{
		{Name: "the transfer knows its neighbourhood", Method: "GET", Path: "/api/v1/transfers/" + transfer, Status: 200,
			Contains: []string{`"via":{"diagnosisId":"` + diag, `"territoryId":"` + w.barri, `"adopterOrganisationId":"` + w.assoc}},
		{Name: "the origin was told", As: w.ona, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"new_transfer"}},
		{Name: "the adopter moves it on", As: w.bea, Method: "PATCH", Path: "/api/v1/transfers/" + transfer, Body: map[string]string{"status": "planning"}, Status: 200},
		{Name: "the action shows the stage", Method: "GET", Path: "/api/v1/actions/" + act.ID, Status: 200,
			Contains: []string{`"stage":"planning"`, `"title":"Acompanyament digital a la gent gran"`}},
		{Name: "and in the plan", Method: "GET", Path: "/api/v1/diagnoses/" + diag + "/actions", Status: 200, Contains: []string{`"stage":"planning"`}},
		{Name: "adopting again links the same transfer", As: w.ana, Method: "POST", Path: "/api/v1/diagnoses/" + diag + "/actions", Body: map[string]any{
			"title": "Segona acció", "responsibleOrganisationId": w.assoc, "adoptPracticeId": prs["ca"].relevant}, Status: 201,
			Contains: []string{`"transferId":"` + transfer}},
		{Name: "unknown need", Method: "GET", Path: "/api/v1/contributions/nope/practices", Status: 404},
		{Name: "unknown practice", Method: "GET", Path: "/api/v1/practices/nope/needs", Status: 404},
		{Name: "a draft's needs are not for outsiders", Method: "GET", Path: "/api/v1/practices/" + draft + "/needs", Status: 404},
	})
}
