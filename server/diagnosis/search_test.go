package diagnosis_test

import (
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// TestSearch: contributions, findings, actions and diagnoses are found through the platform's search with
// their visibility (search covers published content only), under the territory and its ancestors.
func TestSearch(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"allowNicknames": true}})
	pub := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "point": map[string]float64{"lat": 41.38, "lon": 2.17},
		"text": "Els desnonaments silenciosos buiden l'escala."})
	pend := w.id(t, a.Do(&testkit.Client{IP: "10.3.3.3"}, "POST", w.diagPath+"/contributions",
		map[string]any{"kind": "proposal", "theme": "public_space", "nickname": "Quimet", "text": "Fonts d'aigua potable a la rambla."}))
	finding := w.id(t, a.Do(w.bea, "POST", w.diagPath+"/findings", map[string]any{"swot": "threat", "title": "Desnonaments encoberts",
		"contributionIds": []string{pub}}))
	action := w.id(t, a.Do(w.bea, "POST", w.diagPath+"/actions", map[string]any{"title": "Acompanyament davant desnonaments",
		"responsibleOrganisationId": w.assoc}))
	a.Run(t, []testkit.Scenario{
		{Name: "a published contribution by its words, under the city", Method: "GET",
			Path: "/api/v1/search?q=desnonaments&territory=" + w.city, Status: 200,
			Contains: []string{"contribution:" + pub, "finding:" + finding, "action:" + action, "/contributions/" + pub}},
		{Name: "the diagnosis itself", Method: "GET", Path: "/api/v1/search?q=diagnosi&kind=diagnosis", Status: 200, Contains: []string{"diagnosis:" + w.diag}},
		{Name: "search never shows a pending one (only published content is searched)", Method: "GET", Path: "/api/v1/search?q=fonts%20aigua", Status: 200, NotContains: []string{pend}},
		{Name: "not even to a signed-in outsider", As: w.dani, Method: "GET", Path: "/api/v1/search?q=fonts%20aigua", Status: 200, NotContains: []string{pend}},
	})
}

// TestRebuildKeepsContributionsAndTheirVisibility: a rebuild (which streams contributions in one scan) gives the
// same read model as the feed did — the moderation queue still holds the pending one, search still hides it.
func TestRebuildKeepsContributionsAndTheirVisibility(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"allowNicknames": true}})
	pub := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "point": map[string]float64{"lat": 41.38, "lon": 2.17},
		"text": "Els desnonaments silenciosos buiden l'escala."})
	pend := w.id(t, a.Do(&testkit.Client{IP: "10.3.3.4"}, "POST", w.diagPath+"/contributions",
		map[string]any{"kind": "proposal", "theme": "public_space", "nickname": "Quimet", "text": "Fonts d'aigua potable a la rambla."}))
	if err := a.ReadModel.Rebuild(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "published contribution found after the rebuild", Method: "GET", Path: "/api/v1/search?q=desnonaments&territory=" + w.city,
			Status: 200, Contains: []string{"contribution:" + pub}},
		{Name: "pending one still hidden from search", Method: "GET", Path: "/api/v1/search?q=fonts%20aigua", Status: 200, NotContains: []string{pend}},
		{Name: "and still in the organisers' queue", As: w.ana, Method: "GET", Path: w.diagPath + "/moderation", Status: 200, Contains: []string{pend}},
		{Name: "and in the list for organisers", As: w.ana, Method: "GET", Path: w.diagPath + "/contributions", Status: 200, Contains: []string{pub}},
	})
}
