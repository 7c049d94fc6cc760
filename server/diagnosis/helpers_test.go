package diagnosis_test

import (
	"encoding/json"
	"testing"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

// world is a small town: a city with one neighbourhood whose boundary is a square around (2.17, 41.38),
// an association (ana admin, bea professional, cai member), a services centre (ona admin) and outsiders.
type world struct {
	a                       *testkit.App
	root, ana, bea, cai     *testkit.Client
	dani, eva, ona          *testkit.Client
	city, barri             string
	assoc, centre, diagPath string
	diag                    string
}

const square = `{"type":"Polygon","coordinates":[[[2.16,41.37],[2.18,41.37],[2.18,41.39],[2.16,41.39],[2.16,41.37]]]}`

func newWorld(t testing.TB, mutate ...func(*config.Config)) *world {
	t.Helper()
	return newWorldOn(t, testkit.NewApp(t, mutate...))
}

// newWorldOn builds the world through the app a (one of several nodes).
func newWorldOn(t testing.TB, a *testkit.App) *world {
	t.Helper()
	w := &world{a: a, root: a.Register("root@example.org", "Root")}
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	w.ana, w.bea, w.cai = a.Register("ana@example.org", "Ana"), a.Register("bea@example.org", "Bea"), a.Register("cai@example.org", "Cai")
	w.dani, w.eva, w.ona = a.Register("dani@example.org", "Dani"), a.Register("eva@example.org", "Eva"), a.Register("ona@example.org", "Ona")
	w.city = w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "Barcelona", "level": "city"}))
	w.barri = w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "el Raval", "level": "neighbourhood",
		"parentId": w.city, "boundary": json.RawMessage(square)}))
	w.assoc = w.id(t, a.Do(w.ana, "POST", "/api/v1/organisations", map[string]string{"name": "Associació Veïnal", "kind": "association"}))
	w.centre = w.id(t, a.Do(w.ona, "POST", "/api/v1/organisations", map[string]string{"name": "Centre de Serveis Socials", "kind": "services_centre"}))
	for email, role := range map[string]string{"bea@example.org": "professional", "cai@example.org": "member"} {
		a.Join(w.ana, w.assoc, email, role)
	}
	return w
}

// id reads the id of a 201 response.
func (w *world) id(t testing.TB, r *testkit.Response) string {
	t.Helper()
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var v struct{ ID string }
	r.JSON(t, &v)
	return v.ID
}

// newDiagnosis creates a diagnosis organised by the association (and more options merged in).
func (w *world) newDiagnosis(t testing.TB, extra map[string]any) {
	t.Helper()
	body := map[string]any{"title": "Diagnosi comunitària del Raval", "description": "Escoltem el barri.",
		"territoryId": w.barri, "organisationIds": []string{w.assoc}, "themes": []string{"housing", "digital_divide"}}
	for k, v := range extra {
		body[k] = v
	}
	w.diag = w.id(t, w.a.Do(w.ana, "POST", "/api/v1/diagnoses", body))
	w.diagPath = "/api/v1/diagnoses/" + w.diag
}

func (w *world) phase(t *testing.T, phase string) {
	t.Helper()
	if r := w.a.Do(w.ana, "PATCH", w.diagPath, map[string]string{"phase": phase}); r.Status != 200 {
		t.Fatalf("phase %s: %d %s", phase, r.Status, r.Body)
	}
}

// contribute posts a contribution as c and returns its id.
func (w *world) contribute(t *testing.T, c *testkit.Client, body map[string]any) string {
	t.Helper()
	return w.id(t, w.a.Do(c, "POST", w.diagPath+"/contributions", body))
}
