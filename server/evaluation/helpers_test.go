package evaluation_test

import (
	"fmt"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// world is a social-services department: olga is its admin (the organiser, a manager), 16 professionals
// work in two teams, marc is a plain member; a partner association has its own admin (pere); xavi is a
// stranger.
type world struct {
	a                 *testkit.App
	olga, marc, pere  *testkit.Client
	xavi              *testkit.Client
	pros              []*testkit.Client
	dept, assoc       string
	eval, ed, edPath  string
	areaCare, areaPap string
	otherEd           string
}

func newWorld(t testing.TB, professionals int) *world {
	t.Helper()
	return populate(t, testkit.NewApp(t), professionals)
}

// populate creates the world's people and organisations on an app.
func populate(t testing.TB, a *testkit.App, professionals int) *world {
	t.Helper()
	w := &world{a: a, olga: a.Register("olga@example.org", "Olga"), marc: a.Register("marc@example.org", "Marc"),
		pere: a.Register("pere@example.org", "Pere"), xavi: a.Register("xavi@example.org", "Xavi")}
	w.dept = w.id(t, a.Do(w.olga, "POST", "/api/v1/organisations", map[string]string{"name": "Benestar Social", "kind": "municipality"}))
	w.assoc = w.id(t, a.Do(w.pere, "POST", "/api/v1/organisations", map[string]string{"name": "Associació Veïnal", "kind": "association"}))
	w.member(t, w.dept, "marc@example.org", "member")
	for i := 0; i < professionals; i++ {
		email := fmt.Sprintf("pro%02d@example.org", i)
		w.pros = append(w.pros, a.Register(email, fmt.Sprintf("Professional %02d", i)))
		w.member(t, w.dept, email, "professional")
	}
	return w
}

func (w *world) member(t testing.TB, org, email, role string) {
	t.Helper()
	w.a.Join(w.olgaOrPere(org), org, email, role)
}

func (w *world) olgaOrPere(org string) *testkit.Client {
	if org == w.assoc {
		return w.pere
	}
	return w.olga
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

// ok fails the test unless r has the status.
func ok(t testing.TB, r *testkit.Response, status int) *testkit.Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want %d, got %d %s", status, r.Status, r.Body)
	}
	return r
}

// newEvaluation creates the department's evaluation with a guide of two areas (groups of 8, threshold 5).
func (w *world) newEvaluation(t testing.TB) {
	t.Helper()
	r := ok(t, w.a.Do(w.olga, "POST", "/api/v1/evaluations", map[string]any{"title": "Jornada d'avaluació de Benestar Social",
		"organisationIds": []string{w.dept}, "edition": map[string]any{"title": "2026", "dates": []string{"2026-03-11"},
			"mode": "in_person", "groupSize": 8, "roles": []string{"professional"},
			"areas": []map[string]string{{"name": "Atenció a les persones", "question": "Com atenem?"}, {"name": "Tràmits"}}}}), 201)
	var v struct {
		Evaluation struct{ ID string }
		Edition    struct {
			ID    string
			Areas []struct{ ID string }
		}
	}
	r.JSON(t, &v)
	w.eval, w.ed = v.Evaluation.ID, v.Edition.ID
	w.edPath = "/api/v1/evaluation-editions/" + w.ed
	w.areaCare, w.areaPap = v.Edition.Areas[0].ID, v.Edition.Areas[1].ID
}

func (w *world) phase(t testing.TB, phase string) {
	t.Helper()
	ok(t, w.a.Do(w.olga, "PATCH", w.edPath, map[string]string{"phase": phase}), 200)
}

// groups returns the groups as the organiser sees them, with their members.
func (w *world) groups(t testing.TB) []group {
	t.Helper()
	var v struct{ Items []group }
	ok(t, w.a.Do(w.olga, "GET", w.edPath+"/groups", nil), 200).JSON(t, &v)
	return v.Items
}

type group struct {
	ID, Name      string
	FacilitatorID string
	Size          *int
	SizeHidden    bool
	Members       []struct{ UserID, Role, Team string }
}

// clientOf finds the client of a user id.
func (w *world) clientOf(id string) *testkit.Client {
	for _, c := range append([]*testkit.Client{w.olga, w.marc, w.pere, w.xavi}, w.pros...) {
		if c.UserID == id {
			return c
		}
	}
	return nil
}
