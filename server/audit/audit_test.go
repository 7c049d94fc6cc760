package audit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// TestAuditEntriesAndReaders: each sensitive action leaves an entry (who, what, when, on what, in which
// organisation); organisation admins read their organisation's entries only, platform admins read all;
// the log downloads and keeps its retention.
func TestAuditEntriesAndReaders(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	root := a.Register("root@example.org", "Root")
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	ana := a.Register("ana@example.org", "Ana")
	bea := a.Register("bea@example.org", "Bea")
	cai := a.Register("cai@example.org", "Cai")
	r := a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal", "kind": "association"})
	var org struct{ ID string }
	r.JSON(t, &org)
	base := "/api/v1/organisations/" + org.ID
	a.Join(ana, org.ID, "bea@example.org", "member")
	a.Join(ana, org.ID, "cai@example.org", "member")
	steps := []testkit.Scenario{
		{Name: "role", As: ana, Method: "PATCH", Path: base + "/members/" + bea.UserID, Body: map[string]string{"role": "professional"}, Status: 200},
		{Name: "remove", As: ana, Method: "DELETE", Path: base + "/members/" + bea.UserID, Status: 204},
		{Name: "token", As: ana, Method: "POST", Path: "/api/v1/tokens", Body: map[string]string{"name": "Padró"}, Status: 201},
		{Name: "password", As: ana, Method: "POST", Path: "/api/v1/me/password", Body: map[string]string{"currentPassword": "a long enough passphrase", "newPassword": "una frase nova i llarga"}, Status: 204},
		{Name: "reset link", As: root, Method: "POST", Path: "/api/v1/admin/password-reset-links", Body: map[string]string{"email": "cai@example.org"}, Status: 201},
	}
	a.Run(t, steps)
	a.Run(t, []testkit.Scenario{
		{Name: "org admin reads the organisation's entries", As: ana, Method: "GET", Path: base + "/audit", Status: 200,
			Contains: []string{`"action":"organisation.member_invited"`, `"action":"organisation.member_added"`, `"action":"organisation.role_changed"`, `"detail":"professional"`,
				`"action":"organisation.member_removed"`, `"target":"user:` + bea.UserID, `"actor":"` + ana.UserID, `"organisationId":"` + org.ID},
			NotContains: []string{"account.password_changed", "account.token_created"}},
		{Name: "a plain member may not", As: cai, Method: "GET", Path: base + "/audit", Status: 403},
		{Name: "a stranger may not", As: bea, Method: "GET", Path: base + "/audit", Status: 403},
		{Name: "anonymous may not", Method: "GET", Path: base + "/audit", Status: 401},
		{Name: "only platform admins read everything", As: ana, Method: "GET", Path: "/api/v1/admin/audit", Status: 403},
		{Name: "platform admin reads everything", As: root, Method: "GET", Path: "/api/v1/admin/audit", Status: 200,
			Contains: []string{"account.password_changed", "account.token_created", "organisation.role_changed", `"action":"account.reset_link_issued","target":"user:` + cai.UserID}},
		{Name: "platform admin reads an organisation's", As: root, Method: "GET", Path: base + "/audit?limit=2", Status: 200, Contains: []string{`"nextCursor":"2`}},
		{Name: "bad cursor", As: root, Method: "GET", Path: "/api/v1/admin/audit?before=yesterday", Status: 400, Contains: []string{`"before":{"code":"date_time"`}},
	})
	r = a.Do(root, "GET", "/api/v1/admin/audit?download=true", nil)
	if !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("download headers: %v", r.Header)
	}
	// Retention: a year and a month later the entries are gone.
	a.Audit.SetClock(func() time.Time { return time.Now().Add(401 * 24 * time.Hour) })
	n, err := a.Audit.Prune(t.Context())
	if err != nil || n < int64(len(steps)) {
		t.Fatalf("prune: %d %v", n, err)
	}
	a.Audit.SetClock(time.Now)
	a.Run(t, []testkit.Scenario{{Name: "pruned", As: root, Method: "GET", Path: "/api/v1/admin/audit", Status: 200, Contains: []string{`"items":[]`}}})
}
