package territory_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/teixit/teixit/server/territory"
	"github.com/teixit/teixit/server/testkit"
)

const square = `{"type":"Polygon","coordinates":[[[2.16,41.37],[2.18,41.37],[2.18,41.39],[2.16,41.39],[2.16,41.37]]]}`

func TestGeometry(t *testing.T) {
	t.Parallel()
	g, why := territory.ParseGeometry(json.RawMessage(square), 100)
	if why != "" {
		t.Fatal(why)
	}
	if !g.Contains(2.17, 41.38) || g.Contains(2.19, 41.38) || g.Contains(41.38, 2.17) {
		t.Fatal("point-in-polygon wrong")
	}
	holed := `{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]]}`
	g, why = territory.ParseGeometry(json.RawMessage(holed), 100)
	if why != "" {
		t.Fatal(why)
	}
	if !g.Contains(1, 1) || g.Contains(5, 5) {
		t.Fatal("holes not respected")
	}
	for name, bad := range map[string]string{
		"not closed":       `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`,
		"too few":          `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`,
		"lat out of range": `{"type":"Polygon","coordinates":[[[0,0],[1,95],[1,1],[0,0]]]}`,
		"a point":          `{"type":"Point","coordinates":[2.1,41.3]}`,
		"junk coords":      `{"type":"Polygon","coordinates":"here"}`,
		"not an object":    `[1,2]`,
		"empty multi":      `{"type":"MultiPolygon","coordinates":[]}`,
	} {
		if _, why := territory.ParseGeometry(json.RawMessage(bad), 100); why == "" {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, why := territory.ParseGeometry(json.RawMessage(square), 4); !strings.Contains(why, "simplify") {
		t.Errorf("size limit: %q", why)
	}
}

func TestTerritoriesAPI(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	root := a.Register("root@example.org", "Root")
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	muni := a.Register("muni@example.org", "Muni")
	resident := a.Register("pilar@example.org", "Pilar")
	var org struct{ ID string }
	a.Do(muni, "POST", "/api/v1/organisations", map[string]string{"name": "Ajuntament", "kind": "municipality"}).JSON(t, &org)

	r := a.Do(root, "POST", "/api/v1/territories", map[string]any{"name": "Barcelona", "level": "city"})
	var city struct{ ID string }
	r.JSON(t, &city)
	r = a.Do(muni, "POST", "/api/v1/territories", map[string]any{"name": "Ciutat Vella", "level": "district", "parentId": city.ID,
		"boundary": json.RawMessage(square)})
	if r.Status != 201 {
		t.Fatalf("municipality admin creates: %d %s", r.Status, r.Body)
	}
	var district struct{ ID string }
	r.JSON(t, &district)
	a.Run(t, []testkit.Scenario{
		{Name: "neighbourhood with ancestors", As: root, Method: "POST", Path: "/api/v1/territories",
			Body: map[string]any{"name": "el Raval", "level": "neighbourhood", "parentId": district.ID}, Status: 201,
			Contains: []string{`"ancestors":["` + city.ID + `","` + district.ID + `"]`}},
		{Name: "a resident cannot create", As: resident, Method: "POST", Path: "/api/v1/territories",
			Body: map[string]any{"name": "X", "level": "other"}, Status: 403},
		{Name: "anonymous cannot create", Method: "POST", Path: "/api/v1/territories", Body: map[string]any{"name": "X", "level": "other"}, Status: 401},
		{Name: "invalid GeoJSON", As: root, Method: "POST", Path: "/api/v1/territories",
			Body:   map[string]any{"name": "X", "level": "other", "boundary": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{0, 0}, {1, 1}}}}},
			Status: 400, Contains: []string{`"boundary":{"code":"geometry","params":{"detail":"each ring needs at least 4 positions`}},
		{Name: "unknown parent", As: root, Method: "POST", Path: "/api/v1/territories",
			Body: map[string]any{"name": "X", "level": "other", "parentId": "nope"}, Status: 400, Contains: []string{`"parentId"`}},
		{Name: "bad level", As: root, Method: "POST", Path: "/api/v1/territories", Body: map[string]any{"name": "X", "level": "planet"},
			Status: 400, Contains: []string{`"level":{"code":"one_of"`}},
		{Name: "list children", Method: "GET", Path: "/api/v1/territories?parent=" + district.ID, Status: 200,
			Contains: []string{"el Raval"}, NotContains: []string{"Barcelona"}},
		{Name: "list by level omits boundaries", Method: "GET", Path: "/api/v1/territories?level=district", Status: 200,
			Contains: []string{"Ciutat Vella"}, NotContains: []string{"coordinates"}},
		{Name: "bad level filter", Method: "GET", Path: "/api/v1/territories?level=x", Status: 400},
		{Name: "get has the boundary", Method: "GET", Path: "/api/v1/territories/" + district.ID, Status: 200,
			Contains: []string{`"boundary":{"type":"Polygon","coordinates":[[[2.16,41.37]`}},
		{Name: "rename", As: muni, Method: "PATCH", Path: "/api/v1/territories/" + district.ID, Body: map[string]any{"name": "Ciutat Vella (districte 1)"},
			Status: 200, Contains: []string{"districte 1", `"coordinates"`}},
		{Name: "no moving", As: root, Method: "PATCH", Path: "/api/v1/territories/" + district.ID, Body: map[string]any{"parentId": ""},
			Status: 409, Contains: []string{`"code":"cannot_move"`}},
		{Name: "remove boundary", As: root, Method: "PATCH", Path: "/api/v1/territories/" + district.ID, Body: `{"boundary": null}`,
			Status: 200, NotContains: []string{`"boundary"`}},
		{Name: "unknown territory", Method: "GET", Path: "/api/v1/territories/nope", Status: 404},
	})
}

// circle is a ring of n positions around (lon, lat): a detailed outline, as an imported boundary is.
func circle(lon, lat, r float64, n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i%n) / float64(n)
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%.6f,%.6f]", lon+r*math.Cos(a), lat+r*math.Sin(a))
	}
	b.WriteString(`]]}`)
	return b.String()
}

func TestSurroundings(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	root := a.Register("root@example.org", "Root")
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	create := func(in map[string]any) string { return a.Create(root, "/api/v1/territories", in) }
	district := create(map[string]any{"name": "Ciutat Vella", "level": "district", "boundary": json.RawMessage(square)})
	raval := create(map[string]any{"name": "el Raval", "level": "neighbourhood", "parentId": district,
		"boundary": json.RawMessage(circle(2.168, 41.38, 0.004, 3000))})
	create(map[string]any{"name": "el Gòtic", "level": "neighbourhood", "parentId": district,
		"boundary": json.RawMessage(circle(2.176, 41.382, 0.003, 40))})
	create(map[string]any{"name": "la Barceloneta", "level": "neighbourhood", "parentId": district}) // no outline: nothing to draw

	type view struct {
		Areas []struct {
			ID, Name, Relation string
			Boundary           struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	var got view
	r := a.Do(nil, "GET", "/api/v1/territories/"+district+"/surroundings", nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r.JSON(t, &got)
	if len(got.Areas) != 2 || got.Areas[0].Name != "el Gòtic" || got.Areas[1].Name != "el Raval" || got.Areas[0].Relation != "part" {
		t.Fatalf("the district's parts with an outline, by name: %+v", got.Areas)
	}
	for _, ar := range got.Areas {
		raw, _ := json.Marshal(ar.Boundary)
		g, why := territory.ParseGeometry(raw, 1<<20)
		if why != "" {
			t.Fatalf("%s: the simplified outline is not valid GeoJSON: %s", ar.Name, why)
		}
		if n := strings.Count(string(ar.Boundary.Coordinates), "["); ar.Name == "el Raval" && n > 450 {
			t.Errorf("el Raval's 3,000 positions are still %d brackets: not simplified for the map", n)
		}
		if ar.Name == "el Raval" && (!g.Contains(2.168, 41.38) || !g.Contains(2.1715, 41.38) || g.Contains(2.1725, 41.38)) {
			t.Error("the simplified outline lost el Raval's shape")
		}
	}

	r = a.Do(nil, "GET", "/api/v1/territories/"+raval+"/surroundings", nil)
	got = view{}
	r.JSON(t, &got)
	if len(got.Areas) != 1 || got.Areas[0].Name != "el Gòtic" || got.Areas[0].Relation != "neighbour" {
		t.Fatalf("el Raval's neighbours (itself left out): %+v", got.Areas)
	}
	if r := a.Do(nil, "GET", "/api/v1/territories/nosuchrecord0000/surroundings", nil); r.Status != 404 {
		t.Fatalf("unknown territory: %d", r.Status)
	}
	if r := a.Do(nil, "GET", "/api/v1/territories/not-an-id/surroundings", nil); r.Status != 404 {
		t.Fatalf("malformed id: %d", r.Status)
	}
}
