package practice_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

type fixture struct {
	a              *testkit.App
	ana, bea, cai  *testkit.Client // ana: admin of orgA; bea: admin of orgB; cai: no organisation
	orgA, orgB, pr string
}

func createOrg(t testing.TB, a *testkit.App, c *testkit.Client, name string) string {
	t.Helper()
	var o struct{ ID string }
	r := a.Do(c, "POST", "/api/v1/organisations", map[string]string{"name": name, "kind": "services_centre"})
	if r.Status != 201 {
		t.Fatalf("create org: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &o)
	return o.ID
}

func completePractice(org string) map[string]any {
	return map[string]any{
		"title":   "Sessió grupal d'acollida",
		"summary": "Una **primera acollida** en grup per a persones que arriben al centre.",
		"problem": "Les llistes d'espera per a la primera entrevista eren llargues.",
		"context": map[string]any{"organisationId": org, "targetPopulation": "Persones que demanen cita per primer cop"},
		"themes":  []string{"digital_divide", "coexistence"},
		"steps": []map[string]string{{"title": "Convocatòria setmanal", "detail": "Cada dilluns"},
			{"title": "Sessió de 90 minuts", "detail": "Informació i torn de preguntes"}},
		"resources":  map[string]string{"people": "Dues professionals", "time": "3 hores setmanals", "budget": "Cap"},
		"results":    "La primera atenció passa de 6 a 2 setmanes.",
		"evidence":   "Registre de cites del centre.",
		"evaluation": map[string]any{"summary": "Avaluació semestral", "indicators": []map[string]string{{"name": "Dies d'espera", "value": "14"}}},
		"contact":    "acollida@example.org",
		"language":   "ca",
	}
}

func newFixture(t testing.TB) *fixture {
	a := testkit.NewApp(t)
	f := &fixture{a: a, ana: a.Register("ana@example.org", "Ana"), bea: a.Register("bea@example.org", "Bea"),
		cai: a.Register("cai@example.org", "Cai")}
	f.orgA = createOrg(t, a, f.ana, "Centre de Serveis Socials A")
	f.orgB = createOrg(t, a, f.bea, "Fundació B")
	var p struct{ ID string }
	r := a.Do(f.ana, "POST", "/api/v1/practices", completePractice(f.orgA))
	if r.Status != 201 {
		t.Fatalf("create practice: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &p)
	f.pr = p.ID
	return f
}

func TestPracticeLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, base := f.a, "/api/v1/practices/"+f.pr
	// an incomplete draft to check the publish errors
	var inc struct{ ID string }
	a.Do(f.ana, "POST", "/api/v1/practices", map[string]any{"title": "Només un títol", "language": "ca",
		"context": map[string]string{"organisationId": f.orgA}}).JSON(t, &inc)
	a.Run(t, []testkit.Scenario{
		{Name: "draft hidden from outsiders", As: f.cai, Method: "GET", Path: base, Status: 404},
		{Name: "draft hidden from anonymous", Method: "GET", Path: base, Status: 404},
		{Name: "draft visible to its organisation", As: f.ana, Method: "GET", Path: base, Status: 200,
			Contains: []string{`"status":"draft"`, `"canEdit":true`, `\u003cstrong\u003eprimera acollida`, `"markdown":"Una **primera acollida**`}},
		{Name: "draft not listed publicly", Method: "GET", Path: "/api/v1/practices", Status: 200, Contains: []string{`"items":[]`}},
		{Name: "drafts listed to the organisation with status filter", As: f.ana, Method: "GET", Path: "/api/v1/practices?status=draft", Status: 200,
			Contains: []string{f.pr}},
		{Name: "publish incomplete lists what is missing", As: f.ana, Method: "POST", Path: "/api/v1/practices/" + inc.ID + "/publish", Status: 400,
			Contains: []string{`"code":"incomplete"`, `"summary":{"code":"required_to_publish"}`, `"steps":{"code":"required_to_publish"`, `"themes":`, `"contact":`}},
		{Name: "another organisation cannot edit", As: f.bea, Method: "PATCH", Path: base, Body: map[string]string{"title": "x"}, Status: 404},
		{Name: "another organisation cannot publish", As: f.bea, Method: "POST", Path: base + "/publish", Status: 404},
		{Name: "publish", As: f.ana, Method: "POST", Path: base + "/publish", Status: 200, Contains: []string{`"status":"published"`, `"version":1`}},
		{Name: "publish twice", As: f.ana, Method: "POST", Path: base + "/publish", Status: 409, Contains: []string{`"invalid_transition"`}},
		{Name: "published is public", Method: "GET", Path: base, Status: 200, Contains: []string{`"canEdit":false`, `"organisationName":"Centre de Serveis Socials A"`}},
		{Name: "listed publicly", Method: "GET", Path: "/api/v1/practices", Status: 200, Contains: []string{f.pr}},
		{Name: "another organisation cannot edit a published practice", As: f.bea, Method: "PATCH", Path: base,
			Body: map[string]string{"title": "x"}, Status: 403},
		{Name: "an outsider cannot edit", As: f.cai, Method: "PATCH", Path: base, Body: map[string]string{"title": "x"}, Status: 403},
		{Name: "anonymous cannot edit", Method: "PATCH", Path: base, Body: map[string]string{"title": "x"}, Status: 401},
		{Name: "edit makes version 2", As: f.ana, Method: "PATCH", Path: base,
			Body: map[string]any{"results": "La primera atenció passa de 6 a 2 setmanes.\nI les persones tornen menys perdudes."}, Status: 200,
			Contains: []string{`"version":2`}},
		{Name: "emptying a required field of a published practice", As: f.ana, Method: "PATCH", Path: base,
			Body: map[string]any{"summary": ""}, Status: 400, Contains: []string{`"summary":{"code":"required_to_publish"}`}},
		{Name: "versions", Method: "GET", Path: base + "/versions", Status: 200, Contains: []string{`"n":2`, `"n":1`}},
		{Name: "diff 1→2", Method: "GET", Path: base + "/versions/2/diff", Status: 200,
			Contains: []string{`"field":"results"`, `{"op":"=","text":"La primera atenció passa de 6 a 2 setmanes."}`,
				`{"op":"+","text":"I les persones tornen menys perdudes."}`, `+++ results`},
			NotContains: []string{`"field":"title"`}},
		{Name: "diff of version 1 shows everything added", Method: "GET", Path: base + "/versions/1/diff", Status: 200, Contains: []string{`"from":0`, `"field":"title"`}},
		{Name: "unknown version", Method: "GET", Path: base + "/versions/9/diff", Status: 404},
		{Name: "non-numeric version", Method: "GET", Path: base + "/versions/x/diff", Status: 404},
		{Name: "archive", As: f.ana, Method: "POST", Path: base + "/archive", Status: 200, Contains: []string{`"status":"archived"`}},
		{Name: "archived still readable", Method: "GET", Path: base, Status: 200},
		{Name: "archived not listed", Method: "GET", Path: "/api/v1/practices", Status: 200, NotContains: []string{f.pr}},
		{Name: "archived cannot be edited", As: f.ana, Method: "PATCH", Path: base, Body: map[string]string{"title": "x"}, Status: 409},
	})
}

func TestPracticeBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, base := f.a, "/api/v1/practices/"+f.pr
	a.Run(t, []testkit.Scenario{
		{Name: "wrong type", As: f.ana, Method: "PATCH", Path: base, Body: `{"title": 5}`, Status: 400, Contains: []string{`"title":{"code":"wrong_type"`}},
		{Name: "steps must be objects", As: f.ana, Method: "PATCH", Path: base, Body: `{"steps": ["a"]}`, Status: 400},
		{Name: "unknown field", As: f.ana, Method: "PATCH", Path: base, Body: `{"title": "x", "rating": 5}`, Status: 400,
			Contains: []string{`"rating":"is not a known field"`}},
		{Name: "malformed JSON", As: f.ana, Method: "PATCH", Path: base, Body: `{"title": `, Status: 400},
		{Name: "unknown theme", As: f.ana, Method: "PATCH", Path: base, Body: map[string]any{"themes": []string{"weather"}}, Status: 400,
			Contains: []string{`"themes":"must be one of:`}},
		{Name: "unknown territory", As: f.ana, Method: "PATCH", Path: base, Body: map[string]any{"context": map[string]string{"territory": "atlantis"}},
			Status: 400, Contains: []string{`"context.territory"`}},
		{Name: "organisation cannot change", As: f.ana, Method: "PATCH", Path: base, Body: map[string]any{"context": map[string]string{"organisationId": f.orgB}},
			Status: 400},
		{Name: "create without organisation", As: f.ana, Method: "POST", Path: "/api/v1/practices", Body: map[string]any{"title": "x", "language": "ca"},
			Status: 400, Contains: []string{`"context.organisationId":"is required"`}},
		{Name: "create in unsupported language", As: f.ana, Method: "POST", Path: "/api/v1/practices",
			Body: map[string]any{"title": "x", "language": "de", "context": map[string]string{"organisationId": f.orgA}}, Status: 400, Contains: []string{`"language"`}},
		{Name: "create for an organisation I am not in", As: f.cai, Method: "POST", Path: "/api/v1/practices", Body: completePractice(f.orgA), Status: 403},
		{Name: "unknown practice", As: f.ana, Method: "GET", Path: "/api/v1/practices/nope", Status: 404, Contains: []string{`"not_found"`}},
		{Name: "junk id", Method: "GET", Path: "/api/v1/practices/%24where", Status: 404},
		{Name: "bad sort", Method: "GET", Path: "/api/v1/practices?sort=random", Status: 400, Contains: []string{`"sort"`}},
		{Name: "bad theme filter", Method: "GET", Path: "/api/v1/practices?theme=weather", Status: 400},
		{Name: "bad cursor", Method: "GET", Path: "/api/v1/practices?cursor=%7B%24gt%7D", Status: 400},
		{Name: "translation in unsupported language", As: f.ana, Method: "PUT", Path: base + "/translations/de",
			Body: map[string]string{"title": "Begrüßung"}, Status: 400, Contains: []string{`"lang"`}},
		{Name: "translation into the original language", As: f.ana, Method: "PUT", Path: base + "/translations/ca",
			Body: map[string]string{"title": "x"}, Status: 400},
		{Name: "translation without title", As: f.ana, Method: "PUT", Path: base + "/translations/es", Body: map[string]string{"summary": "x"}, Status: 400},
		{Name: "translation by another organisation", As: f.bea, Method: "PUT", Path: base + "/translations/es", Body: map[string]string{"title": "x"}, Status: 404},
	})
}

func TestMarkdownIsSanitised(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	evil := "Hola <script>alert(1)</script> <img src=x onerror=alert(2)> [clic](javascript:alert(3)) " +
		"<a href=\"javascript:alert(4)\" onclick=\"x()\">a</a> [bo](https://example.org)"
	r := f.a.Do(f.ana, "PATCH", "/api/v1/practices/"+f.pr, map[string]any{"summary": evil, "steps": []map[string]string{{"title": "u", "detail": evil}}})
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var p struct {
		Summary struct{ Markdown, HTML string }
		Steps   []struct{ Detail struct{ HTML string } }
	}
	r.JSON(t, &p)
	for _, html := range []string{p.Summary.HTML, p.Steps[0].Detail.HTML} {
		for _, bad := range []string{"<script", "onerror", "onclick", "javascript:"} {
			if strings.Contains(strings.ToLower(html), bad) {
				t.Errorf("unsafe %q left in %s", bad, html)
			}
		}
		if !strings.Contains(html, `href="https://example.org"`) {
			t.Errorf("safe link lost: %s", html)
		}
	}
	if p.Summary.Markdown != evil {
		t.Errorf("source changed: %q", p.Summary.Markdown)
	}
}

func TestTranslations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, base := f.a, "/api/v1/practices/"+f.pr
	a.Do(f.ana, "POST", base+"/publish", nil)
	es := map[string]any{"title": "Sesión grupal de acogida", "summary": "Una primera acogida en grupo para personas recién llegadas.",
		"steps": []map[string]string{{"title": "Convocatoria semanal"}}}
	giulia := a.Register("giulia@example.org", "Giulia")
	a.Do(giulia, "PATCH", "/api/v1/me", map[string]string{"language": "it"})
	a.Run(t, []testkit.Scenario{
		{Name: "put es", As: f.ana, Method: "PUT", Path: base + "/translations/es", Body: es, Status: 200,
			Contains: []string{`"translations":["es"]`, `"version":2`}},
		{Name: "put it", As: f.ana, Method: "PUT", Path: base + "/translations/it", Body: map[string]any{"title": "Sessione di accoglienza di gruppo",
			"summary": "Una prima accoglienza in gruppo per chi arriva ai servizi sociali."}, Status: 200, Contains: []string{`"translations":["es","it"]`}},
		{Name: "read in es", Method: "GET", Path: base + "?lang=es", Status: 200, Contains: []string{`"language":"es"`, `"title":"Sesión grupal de acogida"`, `"originalLanguage":"ca"`}},
		{Name: "missing language falls back to the original", Method: "GET", Path: base + "?lang=fr", Status: 200, Contains: []string{`"language":"ca"`}},
		{Name: "unsupported ?lang=", Method: "GET", Path: base + "?lang=xx", Status: 400},
		{Name: "the reader's account language", As: giulia, Method: "GET", Path: base, Status: 200, Contains: []string{`"language":"it"`, `Sessione di accoglienza`}},
		{Name: "anonymous gets the original", Method: "GET", Path: base, Status: 200, Contains: []string{`"language":"ca"`}},
		{Name: "listed in es", Method: "GET", Path: "/api/v1/practices?lang=es", Status: 200, Contains: []string{`"title":"Sesión grupal de acogida"`}},
		{Name: "not listed in en", Method: "GET", Path: "/api/v1/practices?lang=en", Status: 200, Contains: []string{`"items":[]`}},
		{Name: "translation diff", Method: "GET", Path: base + "/versions/2/diff", Status: 200, Contains: []string{`"field":"es.title"`}},
		{Name: "each translation is searchable in its language", Method: "GET", Path: "/api/v1/search?q=acogida", Status: 200,
			Contains: []string{`"id":"practice:` + f.pr + `:es"`, `"url":"/practices/` + f.pr + `"`}},
		{Name: "Italian search", Method: "GET", Path: "/api/v1/search?q=accoglienza", Status: 200, Contains: []string{`:it"`}},
	})
}

func TestFeedAndRelated(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.a
	a.Do(f.ana, "POST", "/api/v1/practices/"+f.pr+"/publish", nil)
	other := completePractice(f.orgA)
	other["title"] = `Acollida <digital> & "grupal" per a gent gran`
	var o struct{ ID string }
	a.Do(f.ana, "POST", "/api/v1/practices", other).JSON(t, &o)
	a.Do(f.ana, "POST", "/api/v1/practices/"+o.ID+"/publish", nil)
	var draft struct{ ID string }
	a.Do(f.ana, "POST", "/api/v1/practices", completePractice(f.orgA)).JSON(t, &draft)

	r := a.Do(nil, "GET", "/feeds/practices.atom", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", r.Status, r.Header)
	}
	var feed struct {
		XMLName xml.Name
		Entries []struct {
			ID, Title string
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.Body, &feed); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, r.Body)
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || len(feed.Entries) != 2 {
		t.Fatalf("feed: %+v", feed)
	}
	if !strings.Contains(string(r.Body), "&lt;digital&gt; &amp;") || strings.Contains(string(r.Body), draft.ID) {
		t.Fatalf("feed escaping or draft leak: %s", r.Body)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "feed by theme", Method: "GET", Path: "/feeds/practices.atom?theme=housing", Status: 200, NotContains: []string{"<entry>"}},
		{Name: "feed bad theme", Method: "GET", Path: "/feeds/practices.atom?theme=nope", Status: 400},
		{Name: "related excludes itself and drafts", Method: "GET", Path: "/api/v1/practices/" + f.pr + "/related", Status: 200,
			Contains: []string{o.ID}, NotContains: []string{`"id":"` + f.pr + `"`, draft.ID}},
	})
}
