package organisation_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

func TestOrganisationsAndMembers(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	bea := a.Register("bea@example.org", "Bea")
	cai := a.Register("cai@example.org", "Cai")
	r := a.Do(ana, "POST", "/api/v1/organisations", map[string]string{
		"name": "Associació Veïnal Sant Antoni", "kind": "association", "description": "Veïns i veïnes del barri."})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var org struct{ ID, MyRole string }
	r.JSON(t, &org)
	if org.MyRole != "admin" {
		t.Fatalf("creator role %q, want admin", org.MyRole)
	}
	base := "/api/v1/organisations/" + org.ID
	a.Run(t, []testkit.Scenario{
		{Name: "anyone can read it", Method: "GET", Path: base, Status: 200,
			Contains: []string{`"name":"Associació Veïnal Sant Antoni"`, `"memberCount":1`}, NotContains: []string{"myRole"}},
		{Name: "it is listed", Method: "GET", Path: "/api/v1/organisations", Status: 200, Contains: []string{org.ID, `"nextCursor":""`}},
		{Name: "creating needs login", Method: "POST", Path: "/api/v1/organisations", Body: map[string]string{"name": "X", "kind": "other"}, Status: 401},
	})
	a.Join(ana, org.ID, "BEA@example.org", "professional")
	a.Run(t, []testkit.Scenario{
		{Name: "a non-member cannot see members", As: cai, Method: "GET", Path: base + "/members", Status: 403},
		{Name: "a member can see members", As: bea, Method: "GET", Path: base + "/members", Status: 200,
			Contains: []string{`"name":"Ana"`, "bea@example.org"}, NotContains: []string{"ana@example.org"}},
		{Name: "member's role shows", As: bea, Method: "GET", Path: base, Status: 200, Contains: []string{`"myRole":"professional"`, `"memberCount":2`}},
		{Name: "a non-admin cannot edit", As: bea, Method: "PATCH", Path: base, Body: map[string]string{"name": "Nou nom"}, Status: 403},
		{Name: "admin edits", As: ana, Method: "PATCH", Path: base, Body: map[string]string{"description": "Nova descripció"}, Status: 200,
			Contains: []string{"Nova descripció", "Sant Antoni"}},
		{Name: "invalid kind on edit", As: ana, Method: "PATCH", Path: base, Body: map[string]string{"kind": "company"}, Status: 400,
			Contains: []string{`"kind":{"code":"one_of"`}},
		{Name: "the last admin cannot leave", As: ana, Method: "DELETE", Path: base + "/members/" + ana.UserID, Status: 409,
			Contains: []string{`"code":"last_admin"`}},
		{Name: "the last admin cannot be demoted", As: ana, Method: "PATCH", Path: base + "/members/" + ana.UserID,
			Body: map[string]string{"role": "member"}, Status: 409, Contains: []string{`"code":"last_admin"`}},
		{Name: "a member cannot remove another", As: bea, Method: "DELETE", Path: base + "/members/" + ana.UserID, Status: 403},
		{Name: "promote bea to admin", As: ana, Method: "PATCH", Path: base + "/members/" + bea.UserID,
			Body: map[string]string{"role": "admin"}, Status: 200, Contains: []string{`"role":"admin"`}},
		{Name: "now ana can leave", As: ana, Method: "DELETE", Path: base + "/members/" + ana.UserID, Status: 204},
		{Name: "ana is no longer a member", As: ana, Method: "GET", Path: base + "/members", Status: 403},
		{Name: "removing a non-member", As: bea, Method: "DELETE", Path: base + "/members/" + cai.UserID, Status: 404},
		{Name: "unknown organisation", As: ana, Method: "GET", Path: "/api/v1/organisations/doesnotexist", Status: 404,
			Contains: []string{`"code":"not_found"`}},
		{Name: "junk id", As: ana, Method: "GET", Path: "/api/v1/organisations/%24where", Status: 404},
		{Name: "invitations of an unknown organisation", As: ana, Method: "POST", Path: "/api/v1/organisations/nope/invitations",
			Body: map[string]string{"email": "cai@example.org", "role": "member"}, Status: 404},
	})
	// The session lists memberships with roles.
	r = a.Do(bea, "GET", "/api/v1/auth/session", nil)
	if !strings.Contains(string(r.Body), `{"organisationId":"`+org.ID+`","role":"admin"}`) {
		t.Fatalf("session memberships: %s", r.Body)
	}
}

func TestCreateBadInput(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	a.Run(t, []testkit.Scenario{
		{Name: "missing fields", As: ana, Method: "POST", Path: "/api/v1/organisations", Body: map[string]string{}, Status: 400,
			Contains: []string{`"name":{"code":"length"`, `"kind":{"code":"one_of"`}},
		{Name: "name too long", As: ana, Method: "POST", Path: "/api/v1/organisations",
			Body: map[string]string{"name": strings.Repeat("a", 151), "kind": "other"}, Status: 400, Contains: []string{`"name"`}},
		{Name: "wrong type", As: ana, Method: "POST", Path: "/api/v1/organisations", Body: `{"name": 5, "kind": "other"}`, Status: 400,
			Contains: []string{`"name":{"code":"wrong_type"`}},
		{Name: "unknown field", As: ana, Method: "POST", Path: "/api/v1/organisations", Body: `{"name": "Casal", "kind": "other", "memberCount": 99}`,
			Status: 400, Contains: []string{`"memberCount":{"code":"unknown_field"}`}},
		{Name: "bad cursor", Method: "GET", Path: "/api/v1/organisations?cursor=%7B%24gt%7D", Status: 400, Contains: []string{`"cursor"`}},
		{Name: "nothing was created", Method: "GET", Path: "/api/v1/organisations", Status: 200, Contains: []string{`"items":[]`}},
	})
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	for i := 0; i < 5; i++ {
		if r := a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Entitat " + string(rune('A'+i)), "kind": "other"}); r.Status != 201 {
			t.Fatal(r.Status)
		}
	}
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 5; page++ {
		var l struct {
			Items      []struct{ ID string }
			NextCursor string
		}
		a.Do(nil, "GET", "/api/v1/organisations?limit=2&cursor="+cursor, nil).JSON(t, &l)
		for _, it := range l.Items {
			if seen[it.ID] {
				t.Fatalf("%s seen twice", it.ID)
			}
			seen[it.ID] = true
		}
		if cursor = l.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %d organisations, want 5", len(seen))
	}
}
