package practice_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

func TestTransfers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, base := f.a, "/api/v1/practices/"+f.pr
	a.Run(t, []testkit.Scenario{
		{Name: "a draft cannot be adopted (hidden)", As: f.bea, Method: "POST", Path: base + "/transfers",
			Body: map[string]string{"organisationId": f.orgB}, Status: 404},
		{Name: "publish", As: f.ana, Method: "POST", Path: base + "/publish", Status: 200},
	})
	tr := "/api/v1/transfers/" + f.pr + "-" + f.orgB
	a.Run(t, []testkit.Scenario{
		{Name: "a non-member cannot declare for an organisation", As: f.cai, Method: "POST", Path: base + "/transfers",
			Body: map[string]string{"organisationId": f.orgB}, Status: 403},
		{Name: "anonymous", Method: "POST", Path: base + "/transfers", Body: map[string]string{"organisationId": f.orgB}, Status: 401},
		{Name: "the origin cannot adopt its own", As: f.ana, Method: "POST", Path: base + "/transfers",
			Body: map[string]string{"organisationId": f.orgA}, Status: 400},
		{Name: "unknown field", As: f.bea, Method: "POST", Path: base + "/transfers",
			Body: map[string]string{"organisationId": f.orgB, "status": "evaluated"}, Status: 400},
		{Name: "declare", As: f.bea, Method: "POST", Path: base + "/transfers",
			Body: map[string]string{"organisationId": f.orgB, "note": "Ho adaptem a un barri amb *molta* gent gran."}, Status: 201,
			Contains: []string{`"status":"interested"`, `"allowedNext":["planning","abandoned"]`, `\u003cem\u003emolta\u003c/em\u003e`}},
		{Name: "declare twice", As: f.bea, Method: "POST", Path: base + "/transfers", Body: map[string]string{"organisationId": f.orgB}, Status: 409,
			Contains: []string{`"already_transferred"`}},
		{Name: "origin is notified", As: f.ana, Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Contains: []string{`"kind":"new_transfer"`, `"unread":1`}},
		{Name: "skip a stage", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "implementing"}, Status: 409,
			Contains: []string{`"invalid_transition"`, `it can go to: planning, abandoned`}},
		{Name: "unknown stage", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "done"}, Status: 400},
		{Name: "only the adopter moves it", As: f.ana, Method: "PATCH", Path: tr, Body: map[string]string{"status": "planning"}, Status: 403},
		{Name: "planning", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "planning"}, Status: 200,
			Contains: []string{`"status":"planning"`}},
		{Name: "reverse", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "interested"}, Status: 409,
			Contains: []string{`"invalid_transition"`, `cannot go from planning to interested`}},
		{Name: "implementing", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "implementing"}, Status: 200},
		{Name: "evaluated needs an outcome", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "evaluated"}, Status: 400,
			Contains: []string{`"outcome"`}},
		{Name: "rating out of range", As: f.bea, Method: "PATCH", Path: tr,
			Body: map[string]any{"status": "evaluated", "outcome": map[string]any{"rating": 6, "lessons": "x"}}, Status: 400, Contains: []string{`"outcome.rating"`}},
		{Name: "rating of the wrong type", As: f.bea, Method: "PATCH", Path: tr,
			Body: `{"status": "evaluated", "outcome": {"rating": "four", "lessons": "x"}}`, Status: 400},
		{Name: "nothing half-written", Method: "GET", Path: tr, Status: 200, Contains: []string{`"status":"implementing"`, `"outcome":null`, `"canReadUpdates":false`}},
		{Name: "the adopter reads the updates", As: f.bea, Method: "GET", Path: tr, Status: 200, Contains: []string{`"canReadUpdates":true`}},
		{Name: "the origin reads the updates", As: f.ana, Method: "GET", Path: tr, Status: 200, Contains: []string{`"canReadUpdates":true`}},
		{Name: "an outsider does not", As: f.cai, Method: "GET", Path: tr, Status: 200, Contains: []string{`"canReadUpdates":false`}},
		{Name: "evaluated", As: f.bea, Method: "PATCH", Path: tr,
			Body:   map[string]any{"status": "evaluated", "outcome": map[string]any{"rating": 4, "lessons": "Cal un espai amb cadires còmodes i wifi."}},
			Status: 200, Contains: []string{`"status":"evaluated"`, `"rating":4`, `"allowedNext":[]`}},
		{Name: "final stage", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "abandoned"}, Status: 409,
			Contains: []string{`Evaluated is a final stage`}},
		{Name: "adopter update", As: f.bea, Method: "POST", Path: tr + "/updates", Body: map[string]string{"text": "Primer mes fet."}, Status: 201,
			Contains: []string{`"fromOrigin":false`}},
		{Name: "origin replies", As: f.ana, Method: "POST", Path: tr + "/updates", Body: map[string]string{"text": "Gràcies! Us enviem el guió."}, Status: 201,
			Contains: []string{`"fromOrigin":true`, `"authorOrganisationId":"` + f.orgA + `"`}},
		{Name: "outsider cannot post", As: f.cai, Method: "POST", Path: tr + "/updates", Body: map[string]string{"text": "hola"}, Status: 403},
		{Name: "empty update", As: f.bea, Method: "POST", Path: tr + "/updates", Body: map[string]string{"text": " "}, Status: 400},
		{Name: "updates newest first", As: f.bea, Method: "GET", Path: tr + "/updates", Status: 200, Contains: []string{`{"items":[{"id":`, `Gràcies`}},
		{Name: "updates are for the two organisations", As: f.cai, Method: "GET", Path: tr + "/updates", Status: 403},
		{Name: "anonymous cannot read updates", Method: "GET", Path: tr + "/updates", Status: 403},
		{Name: "the practice shows where it went", Method: "GET", Path: base, Status: 200,
			Contains: []string{`"transfers":{"count":1,"evaluated":1,"averageRating":4,"items":[{"id":"` + f.pr + "-" + f.orgB + `","organisationId":"` + f.orgB + `","organisationName":"Fundació B","status":"evaluated","rating":4}]}`}},
		{Name: "list of transfers", Method: "GET", Path: base + "/transfers", Status: 200, Contains: []string{`"adopterName":"Fundació B"`}},
		{Name: "sorted by rating", Method: "GET", Path: "/api/v1/practices?sort=rated", Status: 200, Contains: []string{f.pr}},
		{Name: "outcome is searchable", Method: "GET", Path: "/api/v1/search?q=cadires&kind=transfer", Status: 200, Contains: []string{`"kind":"transfer"`}},
		{Name: "unknown transfer", Method: "GET", Path: "/api/v1/transfers/nope", Status: 404},
		{Name: "origin told of the stages", As: f.ana, Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Contains: []string{`"kind":"transfer_evaluated","title":"Sessió grupal d'acollida"`, `"kind":"transfer_update"`}},
		{Name: "export lists the declared transfer", As: f.bea, Method: "GET", Path: "/api/v1/me/export", Status: 200,
			Contains: []string{`"transfersDeclared":[{"id":"` + f.pr + "-" + f.orgB + `"`}},
		{Name: "export lists the practices written", As: f.ana, Method: "GET", Path: "/api/v1/me/export", Status: 200,
			Contains: []string{`"written":[{"id":"` + f.pr + `","title":"Sessió grupal d'acollida"`}},
		{Name: "unknown practice", As: f.bea, Method: "POST", Path: "/api/v1/practices/nope/transfers", Body: map[string]string{"organisationId": f.orgB}, Status: 404},
	})
}

func TestAbandonAndFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, base := f.a, "/api/v1/practices/"+f.pr
	a.Do(f.ana, "POST", base+"/publish", nil)
	a.Do(f.bea, "POST", base+"/transfers", map[string]string{"organisationId": f.orgB})
	tr := "/api/v1/transfers/" + f.pr + "-" + f.orgB
	a.Run(t, []testkit.Scenario{
		{Name: "abandon from interested", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "abandoned"}, Status: 200,
			Contains: []string{`"allowedNext":[]`}},
		{Name: "no way back", As: f.bea, Method: "PATCH", Path: tr, Body: map[string]string{"status": "planning"}, Status: 409,
			Contains: []string{`Abandoned is a final stage`}},
		{Name: "abandoned transfers do not count", Method: "GET", Path: base, Status: 200, Contains: []string{`"transfers":{"count":0,`, `"status":"abandoned"`}},
		{Name: "filter by organisation", Method: "GET", Path: "/api/v1/practices?org=" + f.orgA, Status: 200, Contains: []string{f.pr}},
		{Name: "filter by another organisation", Method: "GET", Path: "/api/v1/practices?org=" + f.orgB, Status: 200, Contains: []string{`"items":[]`}},
		{Name: "filter by theme", Method: "GET", Path: "/api/v1/practices?theme=coexistence", Status: 200, Contains: []string{f.pr}},
		{Name: "filter by an unused theme", Method: "GET", Path: "/api/v1/practices?theme=housing", Status: 200, Contains: []string{`"items":[]`}},
		{Name: "filter by original language", Method: "GET", Path: "/api/v1/practices?lang=ca", Status: 200, Contains: []string{f.pr}},
	})
}

func TestSortByTransfers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.a
	a.Do(f.ana, "POST", "/api/v1/practices/"+f.pr+"/publish", nil)
	var second struct{ ID string }
	p := completePractice(f.orgA)
	p["title"] = "Una altra pràctica"
	a.Do(f.ana, "POST", "/api/v1/practices", p).JSON(t, &second)
	a.Do(f.ana, "POST", "/api/v1/practices/"+second.ID+"/publish", nil)
	if r := a.Do(f.bea, "POST", "/api/v1/practices/"+f.pr+"/transfers", map[string]string{"organisationId": f.orgB}); r.Status != 201 {
		t.Fatal(r.Status, string(r.Body))
	}
	var l struct{ Items []struct{ ID string } }
	a.Do(nil, "GET", "/api/v1/practices?sort=transferred", nil).JSON(t, &l)
	if len(l.Items) != 2 || l.Items[0].ID != f.pr {
		t.Fatalf("most transferred first: %+v", l.Items)
	}
	a.Do(nil, "GET", "/api/v1/practices?sort=newest", nil).JSON(t, &l)
	if len(l.Items) != 2 || l.Items[0].ID != second.ID {
		t.Fatalf("newest first: %+v", l.Items)
	}
	// cursor pagination walks both once
	var page struct {
		Items      []struct{ ID string }
		NextCursor string
	}
	a.Do(nil, "GET", "/api/v1/practices?limit=1", nil).JSON(t, &page)
	first := page.Items[0].ID
	a.Do(nil, "GET", "/api/v1/practices?limit=1&cursor="+page.NextCursor, nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID == first || !strings.Contains(first+page.Items[0].ID, f.pr) {
		t.Fatalf("cursor: %s then %+v", first, page)
	}
}

func TestTerritoryFilter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.a
	if _, err := a.Accounts.GrantAdmin(t.Context(), "cai@example.org"); err != nil {
		t.Fatal(err)
	}
	mk := func(name, level, parent string) string {
		body := map[string]any{"name": name, "level": level}
		if parent != "" {
			body["parentId"] = parent
		}
		var ter struct{ ID string }
		r := a.Do(f.cai, "POST", "/api/v1/territories", body)
		if r.Status != 201 {
			t.Fatalf("territory: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &ter)
		return ter.ID
	}
	district := mk("Ciutat Vella", "district", "")
	raval := mk("el Raval", "neighbourhood", district)
	other := mk("Gràcia", "district", "")
	base := "/api/v1/practices/" + f.pr
	a.Run(t, []testkit.Scenario{
		{Name: "set the neighbourhood", As: f.ana, Method: "PATCH", Path: base, Body: map[string]any{"context": map[string]string{"territory": raval}},
			Status: 200, Contains: []string{`"territory":"` + raval + `"`}},
		{Name: "publish", As: f.ana, Method: "POST", Path: base + "/publish", Status: 200},
		{Name: "found from its district", Method: "GET", Path: "/api/v1/practices?territory=" + district, Status: 200, Contains: []string{f.pr}},
		{Name: "found from itself", Method: "GET", Path: "/api/v1/practices?territory=" + raval, Status: 200, Contains: []string{f.pr}},
		{Name: "not from another district", Method: "GET", Path: "/api/v1/practices?territory=" + other, Status: 200, Contains: []string{`"items":[]`}},
	})
}
