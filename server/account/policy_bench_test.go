package account_test

import (
	"fmt"
	"testing"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/testkit"
)

// BenchmarkSessionPrincipal measures what the one visibility rule costs on every signed-in request: before,
// a principal was the session and the user read by id; now it also reads the person's membership in each
// of their organisations by id, to know which they are staff of (auth.Principal.StaffOrgIDs).
func BenchmarkSessionPrincipal(b *testing.B) {
	a, ana := inThreeOrganisations(b)
	for _, c := range []struct {
		name  string
		roles account.MembershipLister
	}{{"before (no staff lookup)", nil}, {"after (3 organisations)", a.Organisations}} {
		b.Run(c.name, func(b *testing.B) {
			accounts := account.NewService(a.Accounts.Store(), account.Deps{Memberships: c.roles})
			for b.Loop() {
				p, err := accounts.SessionPrincipal(b.Context(), ana.Cookie)
				if err != nil {
					b.Fatal(err)
				}
				if c.roles != nil && len(p.StaffOrgIDs) != 3 {
					b.Fatalf("staff of %v", p.StaffOrgIDs)
				}
			}
		})
	}
}

// BenchmarkCachedSessionPrincipal: the same principal (3 organisations) as a page read resolves it on a node
// that served the session lately (principals.go), against reading it from the store.
func BenchmarkCachedSessionPrincipal(b *testing.B) {
	a, ana := inThreeOrganisations(b)
	for name, resolve := range map[string]func() (*auth.Principal, error){
		"store":  func() (*auth.Principal, error) { return a.Accounts.SessionPrincipal(b.Context(), ana.Cookie) },
		"memory": func() (*auth.Principal, error) { return a.Accounts.CachedSessionPrincipal(b.Context(), ana.Cookie) },
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if p, err := resolve(); err != nil || len(p.StaffOrgIDs) != 3 {
					b.Fatalf("%v %v", p, err)
				}
			}
		})
	}
}

// inThreeOrganisations is an app with Ana signed in, admin of three organisations.
func inThreeOrganisations(b *testing.B) (*testkit.App, *testkit.Client) {
	a := testkit.NewApp(b)
	ana := a.Register("ana@example.org", "Ana")
	for i := range 3 {
		a.Create(ana, "/api/v1/organisations", map[string]string{"name": fmt.Sprintf("Org %d", i), "kind": "association"})
	}
	return a, ana
}
