package organisation_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/mail/mailtest"
	"github.com/teixit/teixit/server/testkit"
)

// TestMembershipByInvitation: nobody joins an organisation without saying yes. An admin invites two
// addresses, one with an account and one without: both answers look the same (nothing tells whether an
// account exists); the account gets a notice and finds the invitation on its page, the other address an
// email in the chosen language. Accepting makes a member with the invitation's role; declining, withdrawing
// and expiring leave no membership; someone else's invitation is not found. Every bad path is a 4xx that
// changes nothing.
func TestMembershipByInvitation(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	a := testkit.NewApp(t, func(c *config.Config) {
		c.SMTP = config.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", From: "Teixit <noreply@teixit.test>"}
		c.BaseURL = "http://teixit.test"
	})
	ana := a.Register("ana@example.org", "Ana")
	bea := a.Register("bea@example.org", "Bea")
	cai := a.Register("cai@example.org", "Cai")
	var org struct{ ID string }
	a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal del Raval", "kind": "association"}).JSON(t, &org)
	base := "/api/v1/organisations/" + org.ID

	invite := func(email, role string) (int, string, string) {
		r := a.Do(ana, "POST", base+"/invitations", map[string]string{"email": email, "role": role, "language": "es"})
		var v struct{ ID, State string }
		if r.Status == 201 {
			r.JSON(t, &v)
		}
		return r.Status, v.ID, string(r.Body)
	}
	st, beaInv, withAccount := invite(" Bea@Example.org ", "professional")
	st2, _, withoutAccount := invite("dani@example.org", "member")
	if st != 201 || st2 != 201 {
		t.Fatalf("invitations: %d %s / %d %s", st, withAccount, st2, withoutAccount)
	}
	// The same answer either way: only the address and the ids differ.
	strip := func(s, email string) string {
		s = strings.ReplaceAll(s, email, "EMAIL")
		i := strings.Index(s, `"id":"`)
		j := strings.Index(s[i+6:], `"`)
		s = s[:i] + s[i+6+j:]
		k := strings.Index(s, `"createdAt"`)
		return s[:k]
	}
	if a, b := strings.ReplaceAll(strip(withAccount, "bea@example.org"), "professional", "ROLE"),
		strings.ReplaceAll(strip(withoutAccount, "dani@example.org"), "member", "ROLE"); a != b {
		t.Fatalf("the answers differ:\n%s\n%s", a, b)
	}
	// The address without an account got an email in Spanish; the account a notice.
	m := srv.Wait(t, 1, 10*time.Second)[0]
	if !strings.Contains(strings.Join(m.To, ","), "dani@example.org") || !strings.Contains(m.Subject, "Casal del Raval") ||
		!strings.Contains(m.Text, "como miembro") || !strings.Contains(m.Text, "http://teixit.test/register") {
		t.Fatalf("email: %+v", m)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "the invited person is told", As: bea, Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Contains: []string{`"kind":"org_invitation"`, `"title":"Casal del Raval"`}},
		{Name: "and finds it on their page", As: bea, Method: "GET", Path: "/api/v1/me/invitations", Status: 200,
			Contains: []string{beaInv, `"organisationName":"Casal del Raval"`, `"role":"professional"`, `"state":"pending"`, `"invitedByName":"Ana"`}},
		{Name: "nobody else sees it", As: cai, Method: "GET", Path: "/api/v1/me/invitations", Status: 200, NotContains: []string{beaInv}},
		{Name: "not yet a member", As: bea, Method: "GET", Path: base + "/members", Status: 403},
		{Name: "the admin lists them", As: ana, Method: "GET", Path: base + "/invitations", Status: 200,
			Contains: []string{"bea@example.org", "dani@example.org", `"state":"pending"`}},
		{Name: "a plain person may not", As: cai, Method: "GET", Path: base + "/invitations", Status: 403},
		{Name: "anonymous may not", Method: "GET", Path: base + "/invitations", Status: 401},
		{Name: "inviting twice", As: ana, Method: "POST", Path: base + "/invitations", Body: map[string]string{"email": "bea@example.org", "role": "member"},
			Status: 409, Contains: []string{`"code":"already_invited"`}},
		{Name: "someone else's invitation", As: cai, Method: "POST", Path: "/api/v1/me/invitations/" + beaInv + "/accept", Status: 404},
		{Name: "a made-up invitation", As: bea, Method: "POST", Path: "/api/v1/me/invitations/" + org.ID + ":000000000000000000000000/accept", Status: 404},
		{Name: "a non-admin cannot invite", As: cai, Method: "POST", Path: base + "/invitations", Body: map[string]string{"email": "eva@example.org", "role": "member"},
			Status: 403},
		{Name: "bad address", As: ana, Method: "POST", Path: base + "/invitations", Body: map[string]string{"email": "bea at example", "role": "member"},
			Status: 400, Contains: []string{`"email":{"code":"email_format"`}},
		{Name: "bad role", As: ana, Method: "POST", Path: base + "/invitations", Body: map[string]string{"email": "eva@example.org", "role": "boss"},
			Status: 400, Contains: []string{`"role":{"code":"one_of"`}},
		{Name: "bad language", As: ana, Method: "POST", Path: base + "/invitations", Body: map[string]string{"email": "eva@example.org", "role": "member", "language": "xx"},
			Status: 400, Contains: []string{`"language":{"code":"one_of"`}},
		{Name: "bea accepts", As: bea, Method: "POST", Path: "/api/v1/me/invitations/" + beaInv + "/accept", Status: 200,
			Contains: []string{`"role":"professional"`, `"name":"Bea"`}},
		{Name: "accepting again is harmless", As: bea, Method: "POST", Path: "/api/v1/me/invitations/" + beaInv + "/accept", Status: 200},
		{Name: "declining after accepting", As: bea, Method: "POST", Path: "/api/v1/me/invitations/" + beaInv + "/decline", Status: 409,
			Contains: []string{`"code":"invitation_answered"`}},
		{Name: "now a member", As: bea, Method: "GET", Path: base, Status: 200, Contains: []string{`"myRole":"professional"`, `"memberCount":2`}},
		{Name: "inviting a member", As: ana, Method: "POST", Path: base + "/invitations", Body: map[string]string{"email": "bea@example.org", "role": "admin"},
			Status: 409, Contains: []string{`"code":"already_member"`}},
		{Name: "the inviter is told", As: ana, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{`"kind":"org_invitation_accepted"`}},
		{Name: "members do not see each other's emails", As: bea, Method: "GET", Path: base + "/members", Status: 200,
			Contains: []string{`"name":"Ana"`, "bea@example.org"}, NotContains: []string{"ana@example.org"}},
		{Name: "unless the admins choose so", As: ana, Method: "PATCH", Path: base, Body: map[string]bool{"membersSeeEmails": true}, Status: 200,
			Contains: []string{`"membersSeeEmails":true`}},
		{Name: "then they do", As: bea, Method: "GET", Path: base + "/members", Status: 200, Contains: []string{"ana@example.org"}},
	})

	// Declined, withdrawn and expired invitations make no member; a withdrawn one cannot be accepted.
	_, caiInv, _ := invite("cai@example.org", "member")
	a.Run(t, []testkit.Scenario{
		{Name: "cai declines", As: cai, Method: "POST", Path: "/api/v1/me/invitations/" + caiInv + "/decline", Status: 204},
		{Name: "and is not a member", As: cai, Method: "GET", Path: base + "/members", Status: 403},
		{Name: "the admin sees it declined", As: ana, Method: "GET", Path: base + "/invitations", Status: 200, Contains: []string{`"state":"declined"`}},
	})
	_, caiInv, _ = invite("cai@example.org", "member") // a new invitation after an answer
	a.Run(t, []testkit.Scenario{
		{Name: "withdrawn by someone else", As: cai, Method: "DELETE", Path: base + "/invitations/" + caiInv, Status: 403},
		{Name: "withdrawn", As: ana, Method: "DELETE", Path: base + "/invitations/" + caiInv, Status: 204},
		{Name: "a withdrawn invitation cannot be accepted", As: cai, Method: "POST", Path: "/api/v1/me/invitations/" + caiInv + "/accept", Status: 409,
			Contains: []string{`"code":"invitation_withdrawn"`}},
		{Name: "nor withdrawn twice", As: ana, Method: "DELETE", Path: base + "/invitations/" + caiInv, Status: 409},
		{Name: "nor withdrawn through another organisation", As: cai, Method: "DELETE", Path: "/api/v1/organisations/nope/invitations/" + caiInv, Status: 404},
	})
	_, caiInv, _ = invite("cai@example.org", "member")
	a.Organisations.SetClock(func() time.Time { return time.Now().Add(31 * 24 * time.Hour) })
	a.Run(t, []testkit.Scenario{
		{Name: "an expired invitation is not listed", As: cai, Method: "GET", Path: "/api/v1/me/invitations", Status: 200, NotContains: []string{caiInv}},
		{Name: "nor accepted", As: cai, Method: "POST", Path: "/api/v1/me/invitations/" + caiInv + "/accept", Status: 409,
			Contains: []string{`"code":"invitation_expired"`}},
		{Name: "the admin sees it expired", As: ana, Method: "GET", Path: base + "/invitations", Status: 200, Contains: []string{`"state":"expired"`}},
	})
	a.Organisations.SetClock(time.Now)

	// An account made later with an invited address finds its invitation.
	dani := a.Register("dani@example.org", "Dani")
	var mine struct{ Items []struct{ ID, Role string } }
	a.Do(dani, "GET", "/api/v1/me/invitations", nil).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Role != "member" {
		t.Fatalf("dani's invitations: %+v", mine)
	}

	// Accept and decline at the same moment: one answer wins, and the membership follows it.
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			verb := "accept"
			if i%2 == 1 {
				verb = "decline"
			}
			statuses[i] = a.Do(dani, "POST", "/api/v1/me/invitations/"+mine.Items[0].ID+"/"+verb, nil).Status
		}()
	}
	wg.Wait()
	var info struct{ MyRole string }
	a.Do(dani, "GET", base, nil).JSON(t, &info)
	// Accepting wins: every accept is 200 (accepting again is harmless), every decline 409. Declining wins:
	// one decline is 204, everything else 409.
	accepted := statuses[0] == 200
	declines := 0
	for i, s := range statuses {
		switch {
		case i%2 == 0 && s != statuses[0], s != 200 && s != 204 && s != 409:
			t.Fatalf("mixed answers: %v", statuses)
		case s == 204:
			declines++
		}
	}
	if (accepted && declines != 0) || (!accepted && declines != 1) {
		t.Fatalf("mixed answers: %v", statuses)
	}
	if (info.MyRole == "member") != accepted {
		t.Fatalf("answers %v, role %q", statuses, info.MyRole)
	}
}
