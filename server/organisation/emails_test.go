package organisation_test

import (
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// TestMemberEmailsOnlyForAdmins: members see each other's names and roles; email addresses only the
// organisation's admins (and each person their own).
func TestMemberEmailsOnlyForAdmins(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	bea := a.Register("bea@example.org", "Bea")
	a.Register("cai@example.org", "Cai")
	r := a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal", "kind": "association"})
	var org struct{ ID string }
	r.JSON(t, &org)
	base := "/api/v1/organisations/" + org.ID + "/members"
	for _, e := range []string{"bea@example.org", "cai@example.org"} {
		a.Join(ana, org.ID, e, "member")
	}
	a.Run(t, []testkit.Scenario{
		{Name: "a member sees names and her own email", As: bea, Method: "GET", Path: base, Status: 200,
			Contains: []string{`"name":"Ana"`, `"name":"Cai"`, "bea@example.org"}, NotContains: []string{"ana@example.org", "cai@example.org"}},
		{Name: "the admin sees every email", As: ana, Method: "GET", Path: base, Status: 200,
			Contains: []string{"ana@example.org", "bea@example.org", "cai@example.org"}},
	})
}
