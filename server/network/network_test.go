package network_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/testkit"
)

// world: a city with one neighbourhood (el Raval); an association (ana admin, bea professional, cai
// member), a services centre (ona admin), and residents (dani, eva).
type world struct {
	a                   *testkit.App
	root, ana, bea, cai *testkit.Client
	dani, eva, ona      *testkit.Client
	city, barri, other  string
	assoc, centre       string
}

func newWorld(t testing.TB, mutate ...func(*config.Config)) *world {
	t.Helper()
	a := testkit.NewApp(t, mutate...)
	w := &world{a: a, root: a.Register("root@example.org", "Root")}
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	w.ana, w.bea, w.cai = a.Register("ana@example.org", "Ana"), a.Register("bea@example.org", "Bea"), a.Register("cai@example.org", "Cai")
	w.dani, w.eva, w.ona = a.Register("dani@example.org", "Dani"), a.Register("eva@example.org", "Eva"), a.Register("ona@example.org", "Ona")
	w.city = w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "Barcelona", "level": "city"}))
	w.barri = w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "el Raval", "level": "neighbourhood", "parentId": w.city}))
	w.other = w.id(t, a.Do(w.root, "POST", "/api/v1/territories", map[string]any{"name": "Gràcia", "level": "neighbourhood", "parentId": w.city}))
	w.assoc = w.id(t, a.Do(w.ana, "POST", "/api/v1/organisations", map[string]string{"name": "Associació Veïnal", "kind": "association"}))
	w.centre = w.id(t, a.Do(w.ona, "POST", "/api/v1/organisations", map[string]string{"name": "Centre de Serveis Socials", "kind": "services_centre"}))
	for email, role := range map[string]string{"bea@example.org": "professional", "cai@example.org": "member"} {
		a.Join(w.ana, w.assoc, email, role)
	}
	return w
}

func (w *world) id(t testing.TB, r *testkit.Response) string {
	t.Helper()
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var v struct{ ID string }
	r.JSON(t, &v)
	return v.ID
}

// actor adds an actor as c for org ("" = a suggestion) and returns its id.
func (w *world) actor(t testing.TB, c *testkit.Client, org, name string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"name": name, "kind": "school", "themes": []string{"childhood_youth"}, "territories": []string{w.barri}}
	if org != "" {
		body["organisationId"] = org
	}
	for k, v := range extra {
		body[k] = v
	}
	return w.id(t, w.a.Do(c, "POST", "/api/v1/actors", body))
}

func relation(from, to, typ string) map[string]any {
	return map[string]any{"fromActorId": from, "toActorId": to, "type": typ, "since": "2024-09", "source": "Conveni signat el 2024"}
}

func TestActorsAndRelations(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	school := w.actor(t, w.bea, w.assoc, "Escola Collaso i Gil", map[string]any{"contact": map[string]any{"email": "escola@example.org", "public": false}})
	assocSelf := w.actor(t, w.ana, w.assoc, "", map[string]any{"self": true, "name": nil, "kind": "association", "themes": []string{"housing", "coexistence"}})
	centreSelf := w.actor(t, w.ona, w.centre, "", map[string]any{"self": true, "name": nil, "kind": "social_services", "themes": []string{"health"}})

	var rel struct {
		ID, Status string
	}
	a.Run(t, []testkit.Scenario{
		{Name: "self actor takes the organisation's name", As: testkit.Anonymous, Method: "GET", Path: "/api/v1/actors/" + assocSelf,
			Status: 200, Contains: []string{`"name":"Associació Veïnal"`, `"onTeixit":true`}},
		{Name: "private contact hidden from the public", As: testkit.Anonymous, Method: "GET", Path: "/api/v1/actors/" + school,
			Status: 200, Contains: []string{`"contact":null`}, NotContains: []string{"escola@example.org"}},
		{Name: "private contact shown to its editors", As: w.bea, Method: "GET", Path: "/api/v1/actors/" + school,
			Status: 200, Contains: []string{"escola@example.org", `"canEdit":true`}},
		{Name: "an organisation is one actor only", As: w.ana, Method: "POST", Path: "/api/v1/actors",
			Body:   map[string]any{"organisationId": w.assoc, "self": true, "kind": "association", "themes": []string{"housing"}, "territories": []string{w.barri}},
			Status: 409, Contains: []string{`"code":"organisation_already_actor"`}},
		{Name: "a member is not staff", As: w.cai, Method: "POST", Path: "/api/v1/actors",
			Body:   map[string]any{"organisationId": w.assoc, "name": "Parròquia", "kind": "parish", "themes": []string{"housing"}, "territories": []string{w.barri}},
			Status: 403, Contains: []string{`"code":"forbidden"`}},
		{Name: "bad fields", As: w.bea, Method: "POST", Path: "/api/v1/actors",
			Body: map[string]any{"organisationId": w.assoc, "name": "x", "kind": "castle", "themes": []string{"dragons"}, "territories": []string{"nowhere"},
				"point": map[string]any{"lat": 91, "lon": 0}, "contact": map[string]any{"email": "not an email", "web": "javascript:alert(1)"}},
			Status: 400, Contains: []string{`"name"`, `"kind"`, `"themes"`, `"territories"`, `"point"`, `"contact.email"`, `"contact.web"`}},
		{Name: "the other organisation cannot edit", As: w.ona, Method: "PATCH", Path: "/api/v1/actors/" + school,
			Body: map[string]any{"name": "Escola nova"}, Status: 403},
		{Name: "the steward edits", As: w.bea, Method: "PATCH", Path: "/api/v1/actors/" + school,
			Body: map[string]any{"population": "Infants de 3 a 12 anys"}, Status: 200, Contains: []string{"Infants de 3 a 12 anys"}},

		{Name: "relation to oneself", As: w.bea, Method: "POST", Path: "/api/v1/relations",
			Body: relation(school, school, "collaborates"), Status: 400, Contains: []string{`"toActorId"`}},
		{Name: "relation without a source or date", As: w.bea, Method: "POST", Path: "/api/v1/relations",
			Body: map[string]any{"fromActorId": school, "toActorId": centreSelf, "type": "refers"}, Status: 400,
			Contains: []string{`"since"`, `"source"`}},
		{Name: "relation between actors one cannot edit", As: w.dani, Method: "POST", Path: "/api/v1/relations",
			Body: relation(school, centreSelf, "collaborates"), Status: 403},
		{Name: "relation to an unknown actor", As: w.bea, Method: "POST", Path: "/api/v1/relations",
			Body: relation(school, "nope", "collaborates"), Status: 404},
		{Name: "stated when the other side is not on Teixit", As: w.ana, Method: "POST", Path: "/api/v1/relations",
			Body: relation(assocSelf, school, "shares_space"), Status: 201, Contains: []string{`"status":"confirmed"`}},
	})

	// the association proposes to the centre: it waits for the centre's confirmation
	r := a.Do(w.bea, "POST", "/api/v1/relations", relation(school, centreSelf, "refers"))
	if r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &rel)
	if rel.Status != "proposed" {
		t.Fatalf("status %s", rel.Status)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "duplicate relation", As: w.ana, Method: "POST", Path: "/api/v1/relations",
			Body: relation(school, centreSelf, "refers"), Status: 409, Contains: []string{`"code":"relation_exists"`}},
		{Name: "symmetric duplicate from the other end", As: w.ana, Method: "POST", Path: "/api/v1/relations",
			Body: relation(school, assocSelf, "shares_space"), Status: 409, Contains: []string{`"code":"relation_exists"`}},
		{Name: "a proposed relation is not public", As: testkit.Anonymous, Method: "GET", Path: "/api/v1/relations/" + rel.ID, Status: 404},
		{Name: "the proposer cannot confirm", As: w.bea, Method: "POST", Path: "/api/v1/relations/" + rel.ID + "/confirm", Status: 403},
		{Name: "a resident cannot confirm", As: w.dani, Method: "POST", Path: "/api/v1/relations/" + rel.ID + "/confirm", Status: 404},
		{Name: "the centre was told", As: w.ona, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"relation_proposed"}},
		{Name: "the other side confirms", As: w.ona, Method: "POST", Path: "/api/v1/relations/" + rel.ID + "/confirm", Status: 200,
			Contains: []string{`"status":"confirmed"`, `"fromName":"Escola Collaso i Gil"`}},
		{Name: "confirming twice", As: w.ona, Method: "POST", Path: "/api/v1/relations/" + rel.ID + "/confirm", Status: 409,
			Contains: []string{`"code":"not_awaiting_confirmation"`}},
		{Name: "the proposer was told", As: w.bea, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"relation_confirmed"}},
		{Name: "now public", As: testkit.Anonymous, Method: "GET", Path: "/api/v1/relations/" + rel.ID, Status: 200},
		{Name: "listed on the actor", As: testkit.Anonymous, Method: "GET", Path: "/api/v1/actors/" + centreSelf + "/relations", Status: 200,
			Contains: []string{rel.ID}},
		{Name: "a stranger cannot remove it", As: w.dani, Method: "DELETE", Path: "/api/v1/relations/" + rel.ID, Status: 403},
	})

	// the network page: three actors, two relations; the diagnosis raises housing and digital divide
	d := w.id(t, a.Do(w.ana, "POST", "/api/v1/diagnoses", map[string]any{"title": "Diagnosi del Raval", "territoryId": w.barri,
		"organisationIds": []string{w.assoc}, "themes": []string{"housing", "digital_divide"}}))
	w.id(t, a.Do(w.dani, "POST", "/api/v1/diagnoses/"+d+"/contributions", map[string]any{"kind": "need", "theme": "digital_divide",
		"text": "La gent gran no sap demanar cita per internet"}))
	lonely := w.actor(t, w.bea, w.assoc, "Grup de costura", map[string]any{"kind": "informal_group", "themes": []string{"culture"}})
	var g struct {
		Actors []struct {
			ID        string
			Relations int
		}
		Relations       []struct{ ID, Status string }
		UncoveredThemes []struct {
			Theme string
			Needs int
		}
		Isolated []string
	}
	r = a.Do(testkit.Anonymous, "GET", "/api/v1/territories/"+w.barri+"/network", nil)
	if r.Status != 200 {
		t.Fatalf("network: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &g)
	if len(g.Actors) != 4 || len(g.Relations) != 2 {
		t.Fatalf("network: %d actors, %d relations: %s", len(g.Actors), len(g.Relations), r.Body)
	}
	if len(g.UncoveredThemes) != 1 || g.UncoveredThemes[0].Theme != "digital_divide" || g.UncoveredThemes[0].Needs != 1 {
		t.Errorf("uncovered: %+v (housing is covered by the association)", g.UncoveredThemes)
	}
	if len(g.Isolated) != 1 || g.Isolated[0] != lonely {
		t.Errorf("isolated: %v, want [%s]", g.Isolated, lonely)
	}
	// the city's network holds its neighbourhoods' actors; a filter narrows it
	r = a.Do(testkit.Anonymous, "GET", "/api/v1/territories/"+w.city+"/network?theme=health", nil)
	r.JSON(t, &g)
	if len(g.Actors) != 1 || g.Actors[0].ID != centreSelf || g.Actors[0].Relations != 1 {
		t.Errorf("city filtered by health: %s", r.Body)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "bad filter", Method: "GET", Path: "/api/v1/territories/" + w.barri + "/network?theme=dragons", Status: 400},
		{Name: "unknown territory", Method: "GET", Path: "/api/v1/territories/nowhere/network", Status: 404},
		{Name: "search finds actors", Method: "GET", Path: "/api/v1/search?q=costura", Status: 200, Contains: []string{lonely, "/actors/" + lonely}},
		{Name: "the centre declines nothing left: withdraws", As: w.ona, Method: "DELETE", Path: "/api/v1/relations/" + rel.ID, Status: 204},
		{Name: "gone", Method: "GET", Path: "/api/v1/relations/" + rel.ID, Status: 404},
	})
}

func TestSuggestionsAreModerated(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	// the association maps el Raval, so it moderates suggestions there
	escola := w.actor(t, w.bea, w.assoc, "Escola", nil)
	sug := w.actor(t, w.dani, "", "Parròquia de Sant Agustí", map[string]any{"kind": "parish", "themes": []string{"ageing_loneliness"}})
	// in Gràcia nobody maps: only platform admins moderate
	lone := w.actor(t, w.dani, "", "Casal de joves", map[string]any{"territories": []string{w.other}})
	a.Run(t, []testkit.Scenario{
		{Name: "pending for its author", As: w.dani, Method: "GET", Path: "/api/v1/actors/" + sug, Status: 200,
			Contains: []string{`"status":"pending"`, `"suggestedByMe":true`}},
		{Name: "hidden from the public", Method: "GET", Path: "/api/v1/actors/" + sug, Status: 404},
		{Name: "hidden from other residents", As: w.eva, Method: "GET", Path: "/api/v1/actors/" + sug, Status: 404},
		{Name: "not in the public list", Method: "GET", Path: "/api/v1/actors?territory=" + w.barri, Status: 200, NotContains: []string{sug}},
		{Name: "in the moderators' queue", As: w.bea, Method: "GET", Path: "/api/v1/actors?status=pending&territory=" + w.barri, Status: 200,
			Contains: []string{sug, `"canModerate":true`}},
		{Name: "not in another organisation's queue", As: w.ona, Method: "GET", Path: "/api/v1/actors?status=pending", Status: 200,
			NotContains: []string{sug}},
		{Name: "moderators were told", As: w.bea, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"actor_suggested"}},
		{Name: "no relations with a suggestion", As: w.bea, Method: "POST", Path: "/api/v1/relations",
			Body: relation(escola, sug, "funds"), Status: 409, Contains: []string{`"code":"not_published"`}},
		{Name: "others cannot moderate", As: w.ona, Method: "POST", Path: "/api/v1/actors/" + sug + "/moderation",
			Body: map[string]any{"decision": "publish"}, Status: 404},
		{Name: "the author cannot publish their own", As: w.dani, Method: "POST", Path: "/api/v1/actors/" + sug + "/moderation",
			Body: map[string]any{"decision": "publish"}, Status: 403},
		{Name: "hiding needs a reason", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + sug + "/moderation",
			Body: map[string]any{"decision": "hide"}, Status: 400, Contains: []string{`"reason"`}},
		{Name: "publish", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + sug + "/moderation",
			Body: map[string]any{"decision": "publish"}, Status: 200, Contains: []string{`"status":"published"`, `"stewardOrganisationId":"` + w.assoc}},
		{Name: "now public", Method: "GET", Path: "/api/v1/actors?territory=" + w.barri, Status: 200, Contains: []string{sug}},
		{Name: "publishing twice", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + sug + "/moderation",
			Body: map[string]any{"decision": "publish"}, Status: 409},
		{Name: "the author was told", As: w.dani, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{"actor_published"}},
		{Name: "unmapped territory: not for the association", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + lone + "/moderation",
			Body: map[string]any{"decision": "publish"}, Status: 404},
		{Name: "platform admin hides it", As: w.root, Method: "POST", Path: "/api/v1/actors/" + lone + "/moderation",
			Body: map[string]any{"decision": "hide", "reason": "Ja existeix amb un altre nom"}, Status: 200, Contains: []string{`"status":"hidden"`}},
		{Name: "the author reads why", As: w.dani, Method: "GET", Path: "/api/v1/actors/" + lone, Status: 200, Contains: []string{"Ja existeix"}},
	})
}

func TestClaimWhenTheOrganisationJoins(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	school := w.actor(t, w.bea, w.assoc, "Escola Collaso i Gil", nil)
	other := w.actor(t, w.bea, w.assoc, "Institut Milà i Fontanals", nil)
	// the school joins Teixit as an organisation (eva is its admin)
	schoolOrg := w.id(t, a.Do(w.eva, "POST", "/api/v1/organisations", map[string]string{"name": "Escola Collaso i Gil", "kind": "association"}))
	a.Run(t, []testkit.Scenario{
		{Name: "only its admins claim", As: w.dani, Method: "POST", Path: "/api/v1/actors/" + school + "/claim",
			Body: map[string]string{"organisationId": schoolOrg}, Status: 403},
		{Name: "claim waits for the steward", As: w.eva, Method: "POST", Path: "/api/v1/actors/" + school + "/claim",
			Body: map[string]string{"organisationId": schoolOrg}, Status: 200, Contains: []string{`"claim":{"organisationId":"` + schoolOrg}},
		{Name: "the claimant cannot accept", As: w.eva, Method: "POST", Path: "/api/v1/actors/" + school + "/claim/decision",
			Body: map[string]bool{"accept": true}, Status: 403},
		{Name: "the steward accepts", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + school + "/claim/decision",
			Body: map[string]bool{"accept": true}, Status: 200, Contains: []string{`"onTeixit":true`, `"organisationId":"` + schoolOrg}},
		{Name: "the school now edits itself", As: w.eva, Method: "PATCH", Path: "/api/v1/actors/" + school,
			Body: map[string]any{"description": "Escola pública"}, Status: 200},
		{Name: "the steward no longer speaks for it", As: w.bea, Method: "PATCH", Path: "/api/v1/actors/" + school,
			Body: map[string]any{"description": "x"}, Status: 403},
		{Name: "one actor per organisation", As: w.eva, Method: "POST", Path: "/api/v1/actors/" + other + "/claim",
			Body: map[string]string{"organisationId": schoolOrg}, Status: 200},
		{Name: "accepting a second actor fails whole", As: w.bea, Method: "POST", Path: "/api/v1/actors/" + other + "/claim/decision",
			Body: map[string]bool{"accept": true}, Status: 409, Contains: []string{"organisation_already_actor"}},
		{Name: "the second stays not on Teixit", Method: "GET", Path: "/api/v1/actors/" + other, Status: 200, Contains: []string{`"onTeixit":false`}},
	})
	// a relation with the school now waits for the school
	var rel struct{ ID, Status string }
	r := a.Do(w.bea, "POST", "/api/v1/relations", relation(other, school, "collaborates"))
	r.JSON(t, &rel)
	if r.Status != 201 || rel.Status != "proposed" {
		t.Fatalf("propose to the claimed school: %d %s", r.Status, r.Body)
	}
	if r := a.Do(w.eva, "POST", "/api/v1/relations/"+rel.ID+"/confirm", nil); r.Status != 200 {
		t.Fatalf("school confirms: %d %s", r.Status, r.Body)
	}
}

// TestConcurrentDuplicateRelations: two organisers record the same relation at once; the deterministic id
// makes exactly one insert succeed.
func TestConcurrentDuplicateRelations(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	x := w.actor(t, w.bea, w.assoc, "Escola", nil)
	y := w.actor(t, w.bea, w.assoc, "Biblioteca", nil)
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			from, to := x, y
			if i%2 == 1 {
				from, to = y, x
			}
			c := w.bea
			if i%3 == 0 {
				c = w.ana
			}
			codes[i] = a.Do(c, "POST", "/api/v1/relations", relation(from, to, "collaborates")).Status
		}(i)
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Fatalf("statuses %v", codes)
		}
	}
	if created != 1 {
		t.Fatalf("statuses %v: want exactly one 201", codes)
	}
	r := a.Do(nil, "GET", "/api/v1/actors/"+x+"/relations", nil)
	if n := strings.Count(string(r.Body), `"type":"collaborates"`); n != 1 {
		t.Fatalf("%d relations stored: %s", n, r.Body)
	}
}

// TestOpenData: the GeoJSON is an RFC 7946 FeatureCollection (no "properties" on the collection, points
// as [lon, lat], null geometry without a point) with relations as properties; the CSV starts with a BOM
// and neutralises formula cells; proposed relations and private contacts stay out.
func TestOpenData(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	x := w.actor(t, w.bea, w.assoc, "=cmd|' /C calc'!A0", map[string]any{"point": map[string]float64{"lat": 41.38, "lon": 2.17},
		"contact": map[string]any{"email": "secret@example.org"}})
	y := w.actor(t, w.bea, w.assoc, "Biblioteca Sant Pau", nil)
	centre := w.actor(t, w.ona, w.centre, "", map[string]any{"self": true, "name": nil, "kind": "social_services"})
	w.id(t, a.Do(w.bea, "POST", "/api/v1/relations", relation(x, y, "funds")))
	w.id(t, a.Do(w.bea, "POST", "/api/v1/relations", relation(y, centre, "refers"))) // proposed: not public
	r := a.Do(nil, "GET", "/api/v1/territories/"+w.barri+"/network.geojson", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("geojson: %d %s", r.Status, r.Header)
	}
	var fc map[string]any
	r.JSON(t, &fc)
	if fc["type"] != "FeatureCollection" {
		t.Fatalf("type %v", fc["type"])
	}
	if _, ok := fc["properties"]; ok {
		t.Fatal("a FeatureCollection must not have properties (RFC 7946 §7.1)")
	}
	feats := fc["features"].([]any)
	if len(feats) != 3 {
		t.Fatalf("%d features", len(feats))
	}
	for _, f := range feats {
		f := f.(map[string]any)
		props := f["properties"].(map[string]any)
		switch f["id"] {
		case x:
			geom := f["geometry"].(map[string]any)
			c := geom["coordinates"].([]any)
			if geom["type"] != "Point" || c[0] != 2.17 || c[1] != 41.38 {
				t.Errorf("point: %v", geom)
			}
			rels := props["relations"].([]any)
			if len(rels) != 1 || rels[0].(map[string]any)["withName"] != "Biblioteca Sant Pau" || rels[0].(map[string]any)["direction"] != "to" {
				t.Errorf("relations: %v", rels)
			}
		case y:
			if f["geometry"] != nil {
				t.Errorf("no point: geometry must be null, got %v", f["geometry"])
			}
			if n := len(props["relations"].([]any)); n != 1 {
				t.Errorf("the proposed relation is public: %v", props["relations"])
			}
		}
	}
	if strings.Contains(string(r.Body), "secret@example.org") {
		t.Error("a private contact leaked")
	}
	r = a.Do(nil, "GET", "/api/v1/territories/"+w.barri+"/network.csv", nil)
	body := string(r.Body)
	if r.Status != 200 || !strings.HasPrefix(body, "\ufeffid,name,kind") || !strings.Contains(body, `'=cmd`) || !strings.Contains(body, "funds → Biblioteca Sant Pau") {
		t.Fatalf("csv: %d %q", r.Status, body)
	}
	a.Run(t, []testkit.Scenario{{Name: "unknown territory", Method: "GET", Path: "/api/v1/territories/nope/network.csv", Status: 404}})
}

// TestLargeNetwork: a territory of 2,000 actors and 6,000 relations (the "graph of 2,000 actors" of the
// issue's bad input). The page's data stays whole for the actors, is cut at MaxGraph relations with the
// cut said (truncated) and no actor wrongly called isolated (178 were, before), stays small enough for a
// phone to parse, and filters still narrow it; a bad filter is a 400 naming the field. The page itself (list first, drawing clustered by kind above 300 actors) is
// held by frontend/tests/network.test.mjs and lib/network.test.ts.
func TestLargeNetwork(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	start := time.Now()
	seedNetwork(t, w, 2000, 3)
	t.Logf("written in %v", time.Since(start))
	start = time.Now()
	if err := w.a.ReadModel.Rebuild(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("indexed in %v", time.Since(start))
	start = time.Now()
	path := "/api/v1/territories/" + w.barri + "/network"
	r := w.a.Do(nil, "GET", path, nil)
	t.Logf("answered in %v", time.Since(start))
	if r.Status != 200 {
		t.Fatalf("network of 2,000 actors: %d %.300s", r.Status, r.Body)
	}
	var g struct {
		Actors []struct {
			ID        string
			Kind      string
			Relations int
		}
		Relations []struct{ From, To string }
		Isolated  []string
		Truncated bool
	}
	r.JSON(t, &g)
	if len(g.Actors) != 2000 || len(g.Relations) != network.MaxGraph || !g.Truncated {
		t.Fatalf("%d actors, %d relations, truncated %v; want 2000, %d, true", len(g.Actors), len(g.Relations), g.Truncated, network.MaxGraph)
	}
	listed := map[string]bool{}
	for _, a := range g.Actors {
		listed[a.ID] = true
	}
	for _, rel := range g.Relations {
		if !listed[rel.From] || !listed[rel.To] {
			t.Fatalf("relation %s → %s points outside the listed actors", rel.From, rel.To)
		}
	}
	if len(g.Isolated) != 0 { // with the relations cut, an actor whose relations were cut is not "isolated"
		t.Errorf("%d actors called isolated: every one has relations", len(g.Isolated))
	}
	if len(r.Body) > 1<<20 {
		t.Errorf("the page's data is %d KB of JSON for 2,000 actors: too much for a phone", len(r.Body)>>10)
	}
	r = w.a.Do(nil, "GET", path+"?kind=school", nil)
	var schools struct {
		Actors    []struct{ Kind string }
		Truncated bool
	}
	r.JSON(t, &schools)
	if r.Status != 200 || len(schools.Actors) != 400 || !schools.Truncated { // the territory's relations are still cut
		t.Fatalf("kind=school: %d, %d actors, truncated %v", r.Status, len(schools.Actors), schools.Truncated)
	}
	for _, a := range schools.Actors {
		if a.Kind != "school" {
			t.Fatalf("kind=school listed a %s", a.Kind)
		}
	}
	for q, field := range map[string]string{"?kind=castle": `"kind"`, "?theme=weather": `"theme"`} {
		if r := w.a.Do(nil, "GET", path+q, nil); r.Status != 400 || !strings.Contains(string(r.Body), field) {
			t.Errorf("%s: %d %.200s", q, r.Status, r.Body)
		}
	}
}
