package network_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/mail/mailtest"
	"github.com/teixit/teixit/server/testkit"
)

var linkRe = regexp.MustCompile(`http://teixit\.test/actor-invitations/([A-Za-z0-9]+)#([A-Za-z0-9_-]+)`)

// link splits an invitation link into its id and key.
func link(t *testing.T, s string) (string, string) {
	t.Helper()
	m := linkRe.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no invitation link in %q", s)
	}
	return m[1], m[2]
}

func invite(t *testing.T, w *world, c *testkit.Client, actor string, body map[string]any) (string, string) {
	t.Helper()
	r := w.a.Do(c, "POST", "/api/v1/actors/"+actor+"/invitations", body)
	if r.Status != 201 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	var v struct{ Link string }
	r.JSON(t, &v)
	return link(t, v.Link)
}

// TestInvitingActors: an organiser invites a school's contact to join Teixit; the email goes out in the
// chosen language with the link; opening it is followed; the school's new organisation accepts and becomes
// the actor; a parish is invited to a diagnosis and declines without an account, a new invitation is
// withdrawn, and the services centre accepts one and organises the diagnosis. Every bad path is a 4xx that
// changes nothing.
func TestInvitingActors(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	w := newWorld(t, func(c *config.Config) {
		c.SMTP = config.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", From: "Teixit <noreply@teixit.test>"}
		c.BaseURL = "http://teixit.test"
	})
	a := w.a
	school := w.actor(t, w.bea, w.assoc, "Escola Drassanes", map[string]any{"contact": map[string]any{"email": "escola@example.org"}})
	parish := w.actor(t, w.bea, w.assoc, "Parròquia del Carme", map[string]any{"kind": "parish"})
	centre := w.actor(t, w.ona, w.centre, "Centre de Serveis Socials", map[string]any{"self": true, "kind": "social_services"})
	joan := a.Register("joan@example.org", "Joan")
	escola := w.id(t, a.Do(joan, "POST", "/api/v1/organisations", map[string]string{"name": "Escola Drassanes", "kind": "association"}))
	diag := w.id(t, a.Do(w.ana, "POST", "/api/v1/diagnoses", map[string]any{"title": "Diagnosi del Raval", "territoryId": w.barri,
		"organisationIds": []string{w.assoc}, "themes": []string{"housing"}}))
	inv := "/api/v1/actors/" + school + "/invitations"
	teixit := map[string]any{"purpose": "teixit", "language": "es", "name": "Marta", "message": "Us esperem!"}

	a.Run(t, []testkit.Scenario{
		{Name: "anonymous", Method: "POST", Path: inv, Body: teixit, Status: 401},
		{Name: "a member who is not staff", As: w.cai, Method: "POST", Path: inv, Body: teixit, Status: 403},
		{Name: "another organisation", As: w.ona, Method: "POST", Path: inv, Body: teixit, Status: 403},
		{Name: "bad fields", As: w.bea, Method: "POST", Path: inv, Body: map[string]any{"purpose": "party", "email": "not an email",
			"language": "fr", "message": strings.Repeat("x", 1001)}, Status: 400,
			Contains: []string{`"purpose":{"code":"one_of"`, `"email":{"code":"email_format"`, `"language":{"code":"one_of"`, `"message":{"code":"max_length"`}},
		{Name: "no contact email and none given", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + parish + "/invitations",
			Body: map[string]any{"purpose": "teixit"}, Status: 400, Contains: []string{`"email":{"code":"required"`}},
		{Name: "a diagnosis with a Teixit invitation", As: w.bea, Method: "POST", Path: inv, Body: map[string]any{"purpose": "teixit", "diagnosisId": diag}, Status: 400,
			Contains: []string{`"diagnosisId":{"code":"not_allowed"`}},
		{Name: "an unknown diagnosis", As: w.bea, Method: "POST", Path: inv, Body: map[string]any{"purpose": "diagnosis", "diagnosisId": "nosuchdiagnosis"}, Status: 400,
			Contains: []string{`"diagnosisId":{"code":"unknown_ref"`}},
		{Name: "an actor already on Teixit", As: w.ona, Method: "POST", Path: "/api/v1/actors/" + centre + "/invitations",
			Body: map[string]any{"purpose": "teixit", "email": "x@example.org"}, Status: 409, Contains: []string{`"already_on_teixit"`}},
		{Name: "an unknown actor", As: w.bea, Method: "POST", Path: "/api/v1/actors/nosuchactor/invitations", Body: teixit, Status: 404},
	})
	id, key := invite(t, w, w.bea, school, teixit)
	a.Run(t, []testkit.Scenario{
		{Name: "one open invitation at a time", As: w.ana, Method: "POST", Path: inv, Body: teixit, Status: 409, Contains: []string{`"invitation_pending"`}},
		{Name: "the inviters follow it", As: w.ana, Method: "GET", Path: inv, Status: 200, Contains: []string{`"state":"sent"`, `"email":"escola@example.org"`, `"mailed":true`}, NotContains: []string{`"link"`, key}},
		{Name: "others see none", As: w.ona, Method: "GET", Path: inv, Status: 200, Contains: []string{`"items":[]`}},
	})

	if _, err := a.Mail.SendDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	m := srv.Wait(t, 1, 10*time.Second)[0]
	if m.To[0] != "escola@example.org" || m.Subject != "Associació Veïnal invita a Escola Drassanes a Teixit" ||
		!strings.Contains(m.Text, "Hola Marta:") || !strings.Contains(m.Text, "Us esperem!") {
		t.Fatalf("email: to %v subject %q text %q", m.To, m.Subject, m.Text)
	}
	if mid, mkey := link(t, m.Text); mid != id || mkey != key {
		t.Fatalf("the email's link %s#%s is not the invitation's %s#%s", mid, mkey, id, key)
	}

	base := "/api/v1/actor-invitations/" + id
	a.Run(t, []testkit.Scenario{
		{Name: "a wrong key is not found", Method: "POST", Path: base + "/open", Body: map[string]string{"key": "wrong"}, Status: 404},
		{Name: "no key", Method: "POST", Path: base + "/open", Body: map[string]string{}, Status: 404},
		{Name: "the invitee opens it", Method: "POST", Path: base + "/open", Body: map[string]string{"key": key}, Status: 200,
			Contains: []string{`"state":"opened"`, `"inviterName":"Associació Veïnal"`, `"actorName":"Escola Drassanes"`, `"purpose":"teixit"`}, NotContains: []string{"escola@example.org"}},
		{Name: "the inviters see it opened", As: w.bea, Method: "GET", Path: inv, Status: 200, Contains: []string{`"state":"opened"`}},
		{Name: "accepting needs an account", Method: "POST", Path: base + "/accept", Body: map[string]string{"key": key, "organisationId": escola}, Status: 401},
		{Name: "accepting with a wrong key", As: joan, Method: "POST", Path: base + "/accept", Body: map[string]string{"key": "wrong", "organisationId": escola}, Status: 404},
		{Name: "accepting without an organisation", As: joan, Method: "POST", Path: base + "/accept", Body: map[string]string{"key": key}, Status: 400,
			Contains: []string{`"organisationId":{"code":"required"`}},
		{Name: "accepting for an organisation one does not run", As: joan, Method: "POST", Path: base + "/accept", Body: map[string]string{"key": key, "organisationId": w.assoc}, Status: 403},
		{Name: "accepting for an organisation that is another actor", As: w.ona, Method: "POST", Path: base + "/accept", Body: map[string]string{"key": key, "organisationId": w.centre}, Status: 409,
			Contains: []string{`"organisation_already_actor"`}},
		{Name: "nothing changed", Method: "GET", Path: "/api/v1/actors/" + school, Status: 200, Contains: []string{`"onTeixit":false`}},
		{Name: "the school accepts", As: joan, Method: "POST", Path: base + "/accept", Body: map[string]string{"key": key, "organisationId": escola}, Status: 200,
			Contains: []string{`"state":"accepted"`}},
		{Name: "the actor is the school's organisation", Method: "GET", Path: "/api/v1/actors/" + school, Status: 200,
			Contains: []string{`"onTeixit":true`, `"organisationId":"` + escola + `"`}},
		{Name: "its staff now edit it", As: joan, Method: "GET", Path: "/api/v1/actors/" + school, Status: 200, Contains: []string{`"canEdit":true`}},
		{Name: "the inviters were told", As: w.bea, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"invitation_accepted"}},
		{Name: "answered once", As: joan, Method: "POST", Path: base + "/accept", Body: map[string]string{"key": key, "organisationId": escola}, Status: 409,
			Contains: []string{`"invitation_answered"`}},
		{Name: "no declining after", Method: "POST", Path: base + "/decline", Body: map[string]string{"key": key}, Status: 409},
		{Name: "no withdrawing after", As: w.bea, Method: "POST", Path: base + "/withdraw", Status: 409},
		{Name: "state followed", As: w.bea, Method: "GET", Path: inv, Status: 200, Contains: []string{`"state":"accepted"`, `"answeredOrganisationId":"` + escola + `"`, `"canWithdraw":false`}},
		{Name: "no new Teixit invitation once on it", As: w.bea, Method: "POST", Path: inv, Body: teixit, Status: 409, Contains: []string{`"already_on_teixit"`}},
	})

	// A diagnosis: the parish (not on Teixit) declines without an account.
	pinv := "/api/v1/actors/" + parish + "/invitations"
	toDiag := map[string]any{"purpose": "diagnosis", "diagnosisId": diag, "email": "rector@example.org", "language": "ca"}
	a.Run(t, []testkit.Scenario{
		{Name: "only the diagnosis's organisers invite to it", As: w.ona, Method: "POST", Path: pinv, Body: toDiag, Status: 403},
	})
	pid, pkey := invite(t, w, w.bea, parish, toDiag)
	pbase := "/api/v1/actor-invitations/" + pid
	a.Run(t, []testkit.Scenario{
		{Name: "a reason too long", Method: "POST", Path: pbase + "/decline", Body: map[string]string{"key": pkey, "reason": strings.Repeat("x", 501)}, Status: 400},
		{Name: "the parish declines", Method: "POST", Path: pbase + "/decline", Body: map[string]string{"key": pkey, "reason": "Ara no tenim temps."}, Status: 200,
			Contains: []string{`"state":"declined"`, `"diagnosisTitle":"Diagnosi del Raval"`}},
		{Name: "the inviters read why", As: w.ana, Method: "GET", Path: pinv, Status: 200, Contains: []string{`"state":"declined"`, `"declineReason":"Ara no tenim temps."`}},
		{Name: "and were told", As: w.ana, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"invitation_declined"}},
	})
	wid, wkey := invite(t, w, w.ana, parish, toDiag) // a declined invitation frees the next one
	a.Run(t, []testkit.Scenario{
		{Name: "withdrawing is for the inviters", As: w.ona, Method: "POST", Path: "/api/v1/actor-invitations/" + wid + "/withdraw", Status: 404},
		{Name: "withdrawn", As: w.bea, Method: "POST", Path: "/api/v1/actor-invitations/" + wid + "/withdraw", Status: 200, Contains: []string{`"state":"withdrawn"`}},
		{Name: "the link says so", Method: "POST", Path: "/api/v1/actor-invitations/" + wid + "/open", Body: map[string]string{"key": wkey}, Status: 200, Contains: []string{`"state":"withdrawn"`}},
		{Name: "and cannot be accepted", As: w.ana, Method: "POST", Path: "/api/v1/actor-invitations/" + wid + "/accept", Body: map[string]string{"key": wkey, "organisationId": w.assoc}, Status: 409,
			Contains: []string{`"invitation_withdrawn"`}},
	})

	// The services centre (on Teixit) accepts and organises the diagnosis.
	cid, ckey := invite(t, w, w.bea, centre, map[string]any{"purpose": "diagnosis", "diagnosisId": diag, "email": "centre@example.org"})
	cbase := "/api/v1/actor-invitations/" + cid
	a.Run(t, []testkit.Scenario{
		{Name: "for another organisation than the actor's", As: joan, Method: "POST", Path: cbase + "/accept", Body: map[string]string{"key": ckey, "organisationId": escola}, Status: 400,
			Contains: []string{`"organisationId":{"code":"not_actor_organisation"`}},
		{Name: "the centre accepts", As: w.ona, Method: "POST", Path: cbase + "/accept", Body: map[string]string{"key": ckey, "organisationId": w.centre}, Status: 200},
		{Name: "it organises the diagnosis", Method: "GET", Path: "/api/v1/diagnoses/" + diag, Status: 200, Contains: []string{`"organisationIds":["` + w.assoc + `","` + w.centre + `"]`}},
		{Name: "its staff are organisers", As: w.ona, Method: "GET", Path: "/api/v1/diagnoses/" + diag, Status: 200, Contains: []string{`"isOrganiser":true`}},
		{Name: "no second invitation to what it organises", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + centre + "/invitations",
			Body: map[string]any{"purpose": "diagnosis", "diagnosisId": diag, "email": "centre@example.org"}, Status: 409, Contains: []string{`"already_organiser"`}},
	})
}

// TestInvitationsOnTwoNodes: two nodes on one store. Six organisers' requests to invite the same actor at
// once, on both nodes, make one invitation; six answers to it at once make one answer.
func TestInvitationsOnTwoNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 2)
	n0, n1 := nodes[0], nodes[1]
	root := n0.Register("root@example.org", "Root")
	if _, err := n0.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	ana := n0.Register("ana@example.org", "Ana")
	ana1 := n1.Login("ana@example.org", "a long enough passphrase")
	id := func(r *testkit.Response) string {
		t.Helper()
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var v struct{ ID string }
		r.JSON(t, &v)
		return v.ID
	}
	barri := id(n0.Do(root, "POST", "/api/v1/territories", map[string]any{"name": "el Raval", "level": "neighbourhood"}))
	org := id(n0.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Associació Veïnal", "kind": "association"}))
	actor := id(n0.Do(ana, "POST", "/api/v1/actors", map[string]any{"organisationId": org, "name": "Escola Drassanes", "kind": "school",
		"themes": []string{"childhood_youth"}, "territories": []string{barri}, "contact": map[string]any{"email": "escola@example.org"}}))

	var mu sync.Mutex
	statuses := map[int]int{}
	var links []string
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			node, c := n0, ana
			if i%2 == 1 {
				node, c = n1, ana1
			}
			r := node.Do(c, "POST", "/api/v1/actors/"+actor+"/invitations", map[string]any{"purpose": "teixit"})
			mu.Lock()
			defer mu.Unlock()
			statuses[r.Status]++
			if r.Status == 201 {
				var v struct{ Link string }
				r.JSON(t, &v)
				links = append(links, v.Link)
			}
		}(i)
	}
	wg.Wait()
	if statuses[201] != 1 || statuses[409] != 5 {
		t.Fatalf("six concurrent invitations: %v", statuses)
	}
	_, rest, _ := strings.Cut(links[0], "/actor-invitations/")
	invID, key, _ := strings.Cut(rest, "#")

	pepa := n0.Register("pepa@example.org", "Pepa")
	pepa1 := n1.Login("pepa@example.org", "a long enough passphrase")
	escola := id(n0.Do(pepa, "POST", "/api/v1/organisations", map[string]string{"name": "Escola Drassanes", "kind": "association"}))
	statuses = map[int]int{}
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var r *testkit.Response
			switch i % 3 {
			case 0:
				r = n0.Do(pepa, "POST", "/api/v1/actor-invitations/"+invID+"/accept", map[string]string{"key": key, "organisationId": escola})
			case 1:
				r = n1.Do(pepa1, "POST", "/api/v1/actor-invitations/"+invID+"/accept", map[string]string{"key": key, "organisationId": escola})
			default:
				r = n1.Do(nil, "POST", "/api/v1/actor-invitations/"+invID+"/decline", map[string]string{"key": key})
			}
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if statuses[200] != 1 || statuses[409] != 5 {
		t.Fatalf("six concurrent answers: %v", statuses)
	}
	r := n1.Do(ana1, "GET", "/api/v1/actors/"+actor+"/invitations", nil)
	if r.Status != http.StatusOK || strings.Count(string(r.Body), `"id"`) != 1 {
		t.Fatalf("one invitation: %d %s", r.Status, r.Body)
	}
	accepted := strings.Contains(string(r.Body), `"state":"accepted"`)
	r = n0.Do(nil, "GET", "/api/v1/actors/"+actor, nil)
	if onTeixit := strings.Contains(string(r.Body), `"onTeixit":true`); onTeixit != accepted {
		t.Fatalf("the answer and the actor disagree: accepted %v, actor %s", accepted, r.Body)
	}
}
