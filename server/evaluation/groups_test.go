package evaluation_test

import (
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

// formed is a world with 16 professionals in two groups of 8, in the group phase.
func formed(t *testing.T) (*world, []group) {
	t.Helper()
	w := newWorld(t, 16)
	w.newEvaluation(t)
	for i, c := range w.pros { // two teams
		ok(t, w.a.Do(c, "POST", w.edPath+"/participants/me", map[string]string{"team": []string{"nord", "sud"}[i%2]}), 201)
	}
	ok(t, w.a.Do(w.olga, "POST", w.edPath+"/groups/formation", nil), 200)
	gs := w.groups(t)
	if len(gs) != 2 {
		t.Fatalf("%d groups, want 2", len(gs))
	}
	for _, g := range gs {
		teams := map[string]int{}
		for _, m := range g.Members {
			teams[m.Team]++
		}
		if g.Size == nil || *g.Size != 8 || teams["nord"] != 4 || teams["sud"] != 4 {
			t.Fatalf("group %s: size %v, teams %v", g.Name, g.Size, teams)
		}
	}
	return w, gs
}

func TestGroupsAndItems(t *testing.T) {
	t.Parallel()
	w, gs := formed(t)
	a := w.a
	g1, g2 := gs[0], gs[1]
	fac1 := w.clientOf(g1.FacilitatorID)
	in1, in2 := w.clientOf(notFacilitator(g1)), w.clientOf(notFacilitator(g2))
	item := func(area, kind, text string) map[string]string {
		return map[string]string{"areaId": area, "kind": kind, "text": text}
	}
	var movable []string // members of group 1 other than in1 and its facilitator
	for _, m := range g1.Members {
		if m.UserID != in1.UserID && m.UserID != fac1.UserID {
			movable = append(movable, m.UserID)
		}
	}
	g1Items, g2Items := "/api/v1/evaluation-groups/"+g1.ID+"/items", "/api/v1/evaluation-groups/"+g2.ID+"/items"
	a.Run(t, []testkit.Scenario{
		{Name: "no items while preparing", As: in1, Method: "POST", Path: g1Items, Body: item(w.areaCare, "strength", "Bon equip"),
			Status: 409, Contains: []string{`"code":"wrong_phase"`}},
	})
	w.phase(t, "groups")
	a.Run(t, []testkit.Scenario{
		{Name: "a member adds a strength from the phone", As: in1, Method: "POST", Path: g1Items,
			Body: item(w.areaCare, "strength", "L'equip es coordina bé amb l'escola"), Status: 201,
			Contains: []string{`"mine":true`, `"groupName":"` + g1.Name}, NotContains: []string{in1.UserID}},
		{Name: "the facilitator types for the table", As: fac1, Method: "POST", Path: g1Items,
			Body: item(w.areaPap, "weakness", "Massa paperassa per a cada ajut"), Status: 201},
		{Name: "adding at another group's table", As: in1, Method: "POST", Path: g2Items, Body: item(w.areaCare, "strength", "Entro aquí"),
			Status: 403, Contains: []string{`"code":"not_in_group"`}},
		{Name: "opening another group's table", As: in1, Method: "GET", Path: "/api/v1/evaluation-groups/" + g2.ID, Status: 403,
			Contains: []string{`"code":"not_in_group"`}},
		{Name: "the organiser cannot add for a group", As: w.olga, Method: "POST", Path: g2Items, Body: item(w.areaCare, "strength", "Ho dic jo"),
			Status: 403, Contains: []string{`"code":"not_in_group"`}},
		{Name: "a stranger", As: w.xavi, Method: "POST", Path: g1Items, Body: item(w.areaCare, "strength", "Hola"), Status: 404},
		{Name: "bad item", As: in2, Method: "POST", Path: g2Items, Body: item("nope", "opinion", ""), Status: 400,
			Contains: []string{`"areaId"`, `"kind"`, `"text"`}},
		{Name: "the group sees its table", As: in1, Method: "GET", Path: "/api/v1/evaluation-groups/" + g1.ID, Status: 200,
			Contains: []string{"coordina bé", "Massa paperassa", `"mine":true`, `"mine":false`}},
		{Name: "the organiser sees items attributed to groups", As: w.olga, Method: "GET", Path: w.edPath + "/items", Status: 200,
			Contains: []string{"coordina bé", `"groupId":"` + g1.ID}, NotContains: []string{in1.UserID, fac1.UserID, `"mine":true`}},
		{Name: "filtered by kind", As: w.olga, Method: "GET", Path: w.edPath + "/items?kind=weakness", Status: 200,
			Contains: []string{"Massa paperassa"}, NotContains: []string{"coordina bé"}},
		{Name: "bad filter", As: w.olga, Method: "GET", Path: w.edPath + "/items?group=zzz", Status: 400},
		{Name: "a participant cannot list every item", As: in1, Method: "GET", Path: w.edPath + "/items", Status: 403},
		{Name: "moving someone out would leave 7: fine", As: w.olga, Method: "PATCH", Path: w.edPath + "/participants/" + movable[0],
			Body: map[string]string{"groupId": g2.ID}, Status: 200},
		{Name: "a hand-made group needs the threshold", As: w.olga, Method: "POST", Path: w.edPath + "/groups",
			Body:   map[string]any{"name": "Taula petita", "memberIds": []string{g2.Members[0].UserID, g2.Members[1].UserID}, "facilitatorId": g2.Members[0].UserID},
			Status: 409, Contains: []string{`"code":"group_below_threshold"`}},
	})
	// Move people out of group 1 until it holds the threshold (5): the next move is refused.
	for i := 1; i <= 2; i++ {
		ok(t, a.Do(w.olga, "PATCH", w.edPath+"/participants/"+movable[i], map[string]string{"groupId": g2.ID}), 200)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "a group below the anonymity threshold", As: w.olga, Method: "PATCH", Path: w.edPath + "/participants/" + movable[3],
			Body: map[string]string{"groupId": g2.ID}, Status: 409, Contains: []string{`"code":"group_below_threshold"`}},
		{Name: "sizes are shown at the threshold", As: in1, Method: "GET", Path: w.edPath + "/groups", Status: 200,
			Contains: []string{`"size":5`, `"size":11`}},
	})
	w.phase(t, "synthesis")
	a.Run(t, []testkit.Scenario{
		{Name: "no items after the group phase", As: in1, Method: "POST", Path: g1Items, Body: item(w.areaCare, "weakness", "Tard"),
			Status: 409, Contains: []string{`"code":"wrong_phase"`}},
	})
}

// notFacilitator is a member of the group who does not facilitate it.
func notFacilitator(g group) string {
	for _, m := range g.Members {
		if m.UserID != g.FacilitatorID {
			return m.UserID
		}
	}
	return ""
}

func TestLateArrivals(t *testing.T) {
	t.Parallel()
	w, gs := formed(t)
	// A professional who joins once groups are formed goes to a group at once: the smaller one after a move.
	ok(t, w.a.Do(w.olga, "PATCH", w.edPath+"/participants/"+gs[0].Members[7].UserID, map[string]string{"groupId": gs[1].ID}), 200)
	late := w.a.Register("late@example.org", "Late")
	w.member(t, w.dept, "late@example.org", "professional")
	var ed struct{ Me struct{ GroupID string } }
	ok(t, w.a.Do(late, "POST", w.edPath+"/participants/me", map[string]string{"team": "nord"}), 201).JSON(t, &ed)
	if ed.Me.GroupID != gs[0].ID {
		t.Fatalf("late arrival placed in %q, want the smaller group %s", ed.Me.GroupID, gs[0].ID)
	}
	// Then one more goes to the group with fewest of their team when sizes tie.
	w.phase(t, "groups")
	for i := 0; i < 2; i++ {
		c := w.a.Register(fmt.Sprintf("late%d@example.org", i), "Late")
		w.member(t, w.dept, fmt.Sprintf("late%d@example.org", i), "professional")
		ok(t, w.a.Do(c, "POST", w.edPath+"/participants/me", map[string]any{}), 201)
	}
	sizes := map[int]int{}
	for _, g := range w.groups(t) {
		sizes[*g.Size]++
	}
	if sizes[9] != 1 || sizes[10] != 1 {
		t.Fatalf("after three late arrivals sizes are %v, want one 9 and one 10", sizes)
	}
}

// TestGroupsWhileTheIndexLags forms groups and writes at the tables while the read model lags behind
// (writes do not wait for it at all, as under heavy load once the 2 s wait runs out, and half of the
// participants are not in it yet): everyone is seated, and who sits where, each group's size and its
// facilitator are read from the groups themselves, so every read agrees.
func TestGroupsWhileTheIndexLags(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t, func(c *config.Config) { c.IndexWriteWait = time.Nanosecond })
	w := populate(t, a, 16)
	w.newEvaluation(t)
	for i, c := range w.pros {
		if i%2 == 0 {
			ok(t, a.Do(c, "POST", w.edPath+"/participants/me", map[string]any{}), 201)
			continue
		}
		// Half of them joined a moment ago and the read model has not caught up with them yet (their
		// records are written without announcing them: it never will).
		if _, err := a.Store.C("evaluation_participants").InsertOne(t.Context(), bson.M{"_id": w.ed + ":" + c.UserID,
			"editionId": w.ed, "userId": c.UserID, "name": "P", "role": "professional", "orgId": w.dept, "joinedAt": time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	ok(t, a.Do(w.olga, "POST", w.edPath+"/groups/formation", nil), 200)
	w.phase(t, "groups")
	seen := 0
	for _, g := range w.groups(t) {
		if g.Size == nil || *g.Size != len(g.Members) || *g.Size != 8 {
			t.Fatalf("group %s: size %v with %d members", g.Name, g.Size, len(g.Members))
		}
		fac := false
		for _, m := range g.Members {
			fac = fac || m.UserID == g.FacilitatorID
			seen++
			ok(t, a.Do(w.clientOf(m.UserID), "POST", "/api/v1/evaluation-groups/"+g.ID+"/items",
				map[string]string{"areaId": w.areaCare, "kind": "strength", "text": "Ens escoltem"}), 201)
		}
		if !fac {
			t.Fatalf("group %s: facilitator %s is not one of its members", g.Name, g.FacilitatorID)
		}
		var view struct {
			FacilitatorID string
			Members       []struct{ UserID string }
		}
		ok(t, a.Do(w.clientOf(g.FacilitatorID), "GET", "/api/v1/evaluation-groups/"+g.ID, nil), 200).JSON(t, &view)
		if view.FacilitatorID != g.FacilitatorID || len(view.Members) != len(g.Members) {
			t.Fatalf("group %s read twice: facilitator %s/%s, %d/%d members", g.Name, view.FacilitatorID, g.FacilitatorID,
				len(view.Members), len(g.Members))
		}
	}
	if seen != 16 {
		t.Fatalf("%d people seated, want 16", seen)
	}
}
