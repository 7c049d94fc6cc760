package organisation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/testkit"
)

// TestOrganisationPageFollowsEveryChange: an organisation's page and the list are served from each node's
// memory (readmodel.Cache). Every change to what they show — its profile, joining, leaving, a role change —
// must reach both nodes: the person who made it sees it on the other node at their very next read (the
// written cookie, readmodel.Consistent), anyone else within seconds. A cookie from elsewhere costs one wait
// and is dropped.
func TestOrganisationPageFollowsEveryChange(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 2)
	a, b := nodes[0], nodes[1]
	ana := a.Register("ana@example.org", "Ana")
	bet := b.Register("bet@example.org", "Bet")
	org := a.Create(ana, "/api/v1/organisations", map[string]string{"name": "Associació Veïnal", "kind": "association"})
	type page struct {
		Name        string
		MemberCount int
	}
	// read gives the organisation's page and its item in the list, as n serves them to c.
	read := func(n *testkit.App, c *testkit.Client) [2]page {
		t.Helper()
		var p page
		r := n.Do(c, "GET", "/api/v1/organisations/"+org, nil)
		if r.Status != 200 {
			t.Fatalf("GET organisation: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &p)
		var l struct{ Items []page }
		if r := n.Do(c, "GET", "/api/v1/organisations", nil); r.Status != 200 {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		} else if r.JSON(t, &l); len(l.Items) > 1 {
			t.Fatalf("the list shows %+v", l.Items)
		}
		if len(l.Items) == 0 {
			return [2]page{p, {}} // not in this node's index yet
		}
		return [2]page{p, l.Items[0]}
	}
	// settled waits until an anonymous reader of each node reads shown (at most 5 s).
	settled := func(what string, shown page) {
		t.Helper()
		want := [2]page{shown, shown}
		for _, n := range nodes {
			deadline := time.Now().Add(5 * time.Second)
			for got := read(n, nil); got != want; got = read(n, nil) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: an anonymous reader still reads %+v after 5 s", what, got)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	// write: the change is made by who on node w (both nodes hold the page as it was); who reads it on the
	// other node at once, with the cookie the write's answer set; anyone else within seconds.
	was := page{"Associació Veïnal", 1}
	write := func(what string, w *testkit.App, who *testkit.Client, do func() *testkit.Response, shown page) {
		t.Helper()
		settled("before "+what, was)
		r := do()
		if r.Status >= 300 {
			t.Fatalf("%s: %d %s", what, r.Status, r.Body)
		}
		if r.Written() == "" {
			t.Fatalf("%s: the answer set no written cookie", what)
		}
		other := a
		if w == a {
			other = b
		}
		who.Written = r.Written()
		if got := read(other, who); got != [2]page{shown, shown} {
			t.Fatalf("%s: its author reads %+v on the other node, want %+v", what, got, shown)
		}
		who.Written = ""
		settled(what, shown)
		was = shown
	}
	write("a new name", a, ana, func() *testkit.Response {
		return a.Do(ana, "PATCH", "/api/v1/organisations/"+org, map[string]string{"name": "Associació Veïnal del Raval"})
	}, page{"Associació Veïnal del Raval", 1})
	var inv struct{ ID string }
	a.Do(ana, "POST", "/api/v1/organisations/"+org+"/invitations", map[string]string{"email": "bet@example.org", "role": "member"}).JSON(t, &inv)
	write("a member joins", b, bet, func() *testkit.Response {
		return b.Do(bet, "POST", "/api/v1/me/invitations/"+inv.ID+"/accept", nil)
	}, page{"Associació Veïnal del Raval", 2})
	write("a member made admin", a, ana, func() *testkit.Response {
		return a.Do(ana, "PATCH", "/api/v1/organisations/"+org+"/members/"+bet.UserID, map[string]string{"role": "admin"})
	}, page{"Associació Veïnal del Raval", 2})
	write("a member leaves", b, bet, func() *testkit.Response {
		return b.Do(bet, "DELETE", "/api/v1/organisations/"+org+"/members/"+bet.UserID, nil)
	}, page{"Associació Veïnal del Raval", 1})

	// A cookie no node will reach (another store's, or forged): one wait, then it is dropped.
	stray := &testkit.Client{Written: "999999999"}
	if r := b.Do(stray, "GET", "/api/v1/organisations/"+org, nil); r.Status != 200 || r.Written() != "deleted" {
		t.Fatalf("a cookie past the outbox: %d, cookie %q, want 200 and the cookie dropped", r.Status, r.Written())
	}
	for _, bad := range []string{"-3", "x", "18446744073709551616"} {
		if r := b.Do(&testkit.Client{Written: bad}, "GET", "/api/v1/organisations/"+org, nil); r.Status != 200 || r.Written() != "" {
			t.Fatalf("cookie %q: %d, cookie %q, want 200 and no cookie", bad, r.Status, r.Written())
		}
	}
}

// TestWarmKeepsOrganisationsBeforeTheirFirstRead: organisations stored before this node started (written here
// straight into the store, as another node or an import would have) are in its memory after Warm, and their
// pages read as the store holds them.
func TestWarmKeepsOrganisationsBeforeTheirFirstRead(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ctx := context.Background()
	now := time.Now().UTC()
	var ids []string
	for i := range 3 {
		id := fmt.Sprintf("warm%012d", i)
		ids = append(ids, id)
		if _, err := a.Store.C("organisations").InsertOne(ctx, bson.M{"_id": id, "name": fmt.Sprintf("Entitat %d", i),
			"kind": "association", "createdAt": now, "updatedAt": now}); err != nil {
			t.Fatal(err)
		}
	}
	// nothing else keeps them (no loader runs for them; InMemory reads no store): only a warm scan can — this
	// one, or the one the app started with if it was still running
	if err := a.Organisations.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if r := a.Do(nil, "GET", "/metrics", nil); !strings.Contains(string(r.Body), "teixit_organisations_kept 3") {
		t.Errorf("metrics do not count 3 organisations kept: %s", r.Body)
	}
	for i, id := range ids {
		if !a.Organisations.InMemory(id) {
			t.Errorf("%s not kept after Warm", id)
		}
		var p struct{ Name string }
		if r := a.Do(nil, "GET", "/api/v1/organisations/"+id, nil); r.Status != 200 {
			t.Fatalf("GET %s: %d %s", id, r.Status, r.Body)
		} else if r.JSON(t, &p); p.Name != fmt.Sprintf("Entitat %d", i) {
			t.Errorf("%s reads %q", id, p.Name)
		}
	}
}
