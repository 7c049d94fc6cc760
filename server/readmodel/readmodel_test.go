package readmodel_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/testkit"
)

func TestSearchOrganisationsThroughTheFeed(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	for _, o := range []map[string]string{
		{"name": "Associació pel dret a l'habitatge", "kind": "association", "description": "Acompanyem veïns amb problemes d'habitatges i desnonaments."},
		{"name": "Rete per la partecipazione", "kind": "network", "description": "Partecipazione dei cittadini alla vita del quartiere."},
		{"name": "Casal <script>alert(1)</script>", "kind": "other", "description": "Espai de trobada per a la gent gran."},
	} {
		if r := a.Do(ana, "POST", "/api/v1/organisations", o); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	// Read-your-writes: no waiting needed, the write returned after the local index had it.
	a.Run(t, []testkit.Scenario{
		{Name: "Catalan plural finds singular", Method: "GET", Path: "/api/v1/search?q=habitatges", Status: 200,
			Contains: []string{`"total":1`, "dret a l", `"url":"/organisations/`, `\u003cmark\u003e`}},
		{Name: "accents do not matter", Method: "GET", Path: "/api/v1/search?q=associacio", Status: 200, Contains: []string{`"total":1`}},
		{Name: "Italian", Method: "GET", Path: "/api/v1/search?q=partecipazione&lang=it", Status: 200, Contains: []string{"Rete per la partecipazione"}},
		{Name: "facets by kind", Method: "GET", Path: "/api/v1/search?kind=organisation", Status: 200,
			Contains: []string{`"total":3`, `"kind":[{"value":"organisation","count":3}]`}},
		{Name: "highlights are escaped", Method: "GET", Path: "/api/v1/search?q=casal", Status: 200,
			Contains: []string{`"highlights":["\u003cmark\u003eCasal\u003c/mark\u003e \u0026lt;script\u0026gt;`}},
		{Name: "suggest by prefix", Method: "GET", Path: "/api/v1/search/suggest?q=Ret", Status: 200, Contains: []string{"Rete per la partecipazione"}},
		{Name: "typo tolerance", Method: "GET", Path: "/api/v1/search?q=desnonamnets", Status: 200, Contains: []string{`"total":1`}},
	})
	// An update is searchable under its new words and no longer under its old ones.
	var list struct{ Items []struct{ ID, Name string } }
	a.Do(nil, "GET", "/api/v1/organisations?sort=name", nil).JSON(t, &list)
	if len(list.Items) != 3 || !strings.HasPrefix(list.Items[0].Name, "Associació") {
		t.Fatalf("list from the read model: %+v", list)
	}
	id := list.Items[0].ID
	if r := a.Do(ana, "PATCH", "/api/v1/organisations/"+id, map[string]string{"description": "Ara treballem en salut comunitària."}); r.Status != 200 {
		t.Fatal(r.Status)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "new words found", Method: "GET", Path: "/api/v1/search?q=salut", Status: 200, Contains: []string{id}},
		{Name: "old words gone", Method: "GET", Path: "/api/v1/search?q=desnonaments", Status: 200, Contains: []string{`"total":0`}},
	})
}

// TestAccessInsideTheQuery puts a members-only document in the real index and tries to reach it as
// anonymous, as a resident, as a member of another organisation and as a member, through results, totals,
// facets, suggestions and crafted queries.
func TestAccessInsideTheQuery(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	owner := a.Register("owner@example.org", "Owner")
	other := a.Register("other@example.org", "Other")
	resident := a.Register("resident@example.org", "Resident")
	member := a.Register("member@example.org", "Member")
	var orgA, orgB struct{ ID string }
	a.Do(owner, "POST", "/api/v1/organisations", map[string]string{"name": "Servei A", "kind": "services_centre"}).JSON(t, &orgA)
	a.Do(other, "POST", "/api/v1/organisations", map[string]string{"name": "Servei B", "kind": "services_centre"}).JSON(t, &orgB)
	a.Join(owner, orgA.ID, "member@example.org", "member")
	now := time.Now()
	err := a.ReadModel.Index.Apply(context.Background(), search.Batch{Upserts: []search.Document{{
		ID: "note:secret1", Kind: "note", Title: "Zxqwerty confidential case notes", Body: "Zxqwerty family situation",
		Language: "en", Themes: []string{"housing"}, Visibility: []string{search.OrgPrefix + orgA.ID}, Created: now, Updated: now,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	hidden := []string{"secret1", "Zxqwerty", "confidential", `"note"`, `"housing"`}
	for _, who := range []struct {
		name string
		c    *testkit.Client
	}{{"anonymous", nil}, {"resident", resident}, {"other organisation", other}} {
		for _, path := range []string{
			"/api/v1/search?q=zxqwerty", "/api/v1/search?kind=note", "/api/v1/search?theme=housing",
			"/api/v1/search?q=" + url.QueryEscape("visibility:org:"+orgA.ID), "/api/v1/search?q=" + url.QueryEscape("+kind:note"),
			"/api/v1/search?q=*", "/api/v1/search?org=" + orgA.ID + "&kind=organisation,note",
			"/api/v1/search/suggest?q=zxq", "/api/v1/search?q=" + url.QueryEscape(`"case notes"`),
		} {
			r := a.Do(who.c, "GET", path, nil)
			if r.Status >= 500 {
				t.Fatalf("%s %s: %d", who.name, path, r.Status)
			}
			for _, h := range hidden {
				if strings.Contains(string(r.Body), h) {
					t.Errorf("%s reached members-only content via %s: %s", who.name, path, r.Body)
				}
			}
		}
	}
	a.Run(t, []testkit.Scenario{
		{Name: "a member finds it", As: member, Method: "GET", Path: "/api/v1/search?q=zxqwerty", Status: 200,
			Contains: []string{`"total":1`, "note:secret1"}},
		{Name: "with facets", As: member, Method: "GET", Path: "/api/v1/search?theme=housing", Status: 200,
			Contains: []string{`"theme":[{"value":"housing","count":1}]`}},
		{Name: "and suggestions", As: member, Method: "GET", Path: "/api/v1/search/suggest?q=zxq", Status: 200, Contains: []string{"secret1"}},
	})
}

func TestSearchBadInput(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	a.Run(t, []testkit.Scenario{
		{Name: "over-long query", Method: "GET", Path: "/api/v1/search?q=" + strings.Repeat("a", 600), Status: 400, Contains: []string{`"q"`}},
		{Name: "invalid UTF-8", Method: "GET", Path: "/api/v1/search?q=%FF%FE", Status: 400},
		{Name: "too many words", Method: "GET", Path: "/api/v1/search?q=" + distinctWords(search.MaxWords+1), Status: 400,
			Contains: []string{`"q":{"code":"max_words"`, "too many words (at most 32)"}},
		{Name: "one word many times", Method: "GET", Path: "/api/v1/search?q=" + strings.Repeat("habitatges+", 40), Status: 200, Contains: []string{`"hits"`}},
		{Name: "malformed date", Method: "GET", Path: "/api/v1/search?q=casa&from=31/12/2026", Status: 400, Contains: []string{`"from":{"code":"date"`}},
		{Name: "bad page", Method: "GET", Path: "/api/v1/search?q=casa&page=-1", Status: 400, Contains: []string{`"page"`}},
		{Name: "page far past the end", Method: "GET", Path: "/api/v1/search?q=casa&page=100", Status: 200, Contains: []string{`"hits":[]`}},
		{Name: "bad sort", Method: "GET", Path: "/api/v1/search?q=casa&sort=random", Status: 400},
		{Name: "only syntax characters is an empty query", Method: "GET", Path: "/api/v1/search?q=" + url.QueryEscape(`+ - : ^ ~ * ? " ( )`),
			Status: 400, Contains: []string{"type some words"}},
		{Name: "syntax characters around words are plain text", Method: "GET", Path: "/api/v1/search?q=" + url.QueryEscape(`+casa -(kind:x) ^2~ "barri*`),
			Status: 200, Contains: []string{`"total":0`}},
		{Name: "unknown filter value is an empty result", Method: "GET", Path: "/api/v1/search?kind=nonsense", Status: 200, Contains: []string{`"total":0`}},
		{Name: "bad organisations sort", Method: "GET", Path: "/api/v1/organisations?sort=size", Status: 400},
		{Name: "bad organisations kind", Method: "GET", Path: "/api/v1/organisations?kind=company", Status: 400},
		{Name: "forged cursor", Method: "GET", Path: "/api/v1/organisations?cursor=%7B%24gt%7D", Status: 400},
	})
}

func TestRebuildKeepsServing(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	for i := 0; i < 30; i++ {
		a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Entitat " + strings.Repeat("x", i%5) + " num", "kind": "other"})
	}
	done := make(chan error, 1)
	var last [2]int
	go func() {
		done <- a.ReadModel.Rebuild(context.Background(), func(d, total int) { last = [2]int{d, total} })
	}()
	for i := 0; i < 20; i++ { // queries keep being answered during the rebuild
		if r := a.Do(nil, "GET", "/api/v1/search?kind=organisation", nil); r.Status != 200 {
			t.Fatalf("search during rebuild: %d", r.Status)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if last[0] != 30 {
		t.Fatalf("rebuild indexed %d documents, want 30", last[0])
	}
	a.Run(t, []testkit.Scenario{{Name: "after the swap", Method: "GET", Path: "/api/v1/search?kind=organisation", Status: 200, Contains: []string{`"total":30`}}})
}

func TestAdminReindex(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	root := a.Register("root@example.org", "Root")
	if _, err := a.Accounts.GrantAdmin(context.Background(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	root = a.Login("root@example.org", "a long enough passphrase") // the principal now carries the admin flag
	a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal", "kind": "other"})
	a.Run(t, []testkit.Scenario{
		{Name: "not for everyone", As: ana, Method: "POST", Path: "/api/v1/admin/reindex", Status: 403},
		{Name: "not for anonymous", Method: "GET", Path: "/api/v1/admin/reindex", Status: 401},
		{Name: "admin starts it", As: root, Method: "POST", Path: "/api/v1/admin/reindex", Status: 202, Contains: []string{`"running":true`}},
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := a.Do(root, "GET", "/api/v1/admin/reindex", nil)
		if strings.Contains(string(r.Body), `"running":false`) {
			if !strings.Contains(string(r.Body), `"done":1,"total":1`) || strings.Contains(string(r.Body), `"error"`) ||
				!strings.Contains(string(r.Body), `"etaSeconds":0`) || !strings.Contains(string(r.Body), `"rate":`) {
				t.Fatalf("reindex status: %s", r.Body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reindex did not finish: %s", r.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNewNodeRebuildsInTheBackground: a node that starts with an empty index over a store that has records
// answers at once, says it is not ready while it rebuilds, and then finds everything.
func TestNewNodeRebuildsInTheBackground(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	for i := 0; i < 40; i++ {
		a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": fmt.Sprintf("Entitat del barri %02d", i), "kind": "association"})
	}
	b := testkit.NewAppOn(t, a.Store)
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := b.Do(nil, "GET", "/readyz", nil)
		if r.Status == 200 {
			break
		}
		if r.Status != 503 || time.Now().After(deadline) {
			t.Fatalf("readyz during the rebuild: %d %s", r.Status, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Run(t, []testkit.Scenario{{Name: "everything is found on the new node", Method: "GET", Path: "/api/v1/search?kind=organisation",
		Status: 200, Contains: []string{`"total":40`}}})
}

// distinctWords is a search of n different words ("paraula0+paraula1+…").
func distinctWords(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("paraula%d", i)
	}
	return strings.Join(w, "+")
}

// TestAnonymousSearchFollowsEveryChange: anonymous readers' answers (the public part of every reader's answer)
// are kept per node until its index takes a change (any kind). A change is found at once on the
// node that took it and within seconds on another; what only some signed-in readers find never reaches the
// kept answers.
func TestAnonymousSearchFollowsEveryChange(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 2)
	a, b := nodes[0], nodes[1]
	ana := a.Register("ana@example.org", "Ana")
	id := a.Create(ana, "/api/v1/organisations", map[string]string{"name": "Biblioteca del barri", "kind": "association",
		"description": "Préstec de llibres i club de lectura."})
	total := func(n *testkit.App, c *testkit.Client, q string) int {
		t.Helper()
		var res struct{ Total int }
		r := n.Do(c, "GET", "/api/v1/search?q="+url.QueryEscape(q), nil)
		if r.Status != 200 {
			t.Fatalf("search %q: %d %s", q, r.Status, r.Body)
		}
		r.JSON(t, &res)
		return res.Total
	}
	eventually := func(n *testkit.App, q string, want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for got := total(n, nil, q); got != want; got = total(n, nil, q) {
			if time.Now().After(deadline) {
				t.Fatalf("anonymous search %q still finds %d after 5 s, want %d", q, got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	eventually(b, "llibres", 1)
	for _, n := range nodes {
		if got := total(n, nil, "hort"); got != 0 { // kept from here on
			t.Fatalf("hort before the change: %d", got)
		}
		total(n, nil, "llibres")
	}
	if r := a.Do(ana, "PATCH", "/api/v1/organisations/"+id, map[string]string{"description": "Hort comunitari al terrat."}); r.Status != 200 {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	if got, old := total(a, nil, "hort"), total(a, nil, "llibres"); got != 1 || old != 0 {
		t.Fatalf("on the writer's node: hort %d, llibres %d; want 1 and 0 at once", got, old)
	}
	eventually(b, "hort", 1)
	eventually(b, "llibres", 0)

	// A draft practice: its author finds it, anonymous readers never do, before or after.
	if got := total(a, nil, "compostatge"); got != 0 {
		t.Fatalf("compostatge before the draft: %d", got)
	}
	if r := a.Do(ana, "POST", "/api/v1/practices", map[string]any{"title": "Compostatge al pati de l'escola",
		"language": "ca", "context": map[string]string{"organisationId": id}}); r.Status != 201 {
		t.Fatalf("draft: %d %s", r.Status, r.Body)
	}
	// A resident who may read nothing beyond what is public finds what anonymous readers find (the kept answer).
	bet := a.Register("bet@example.org", "Bet")
	if mine, res, anon := total(a, ana, "compostatge"), total(a, bet, "compostatge"), total(a, nil, "compostatge"); mine != 1 || res != 0 || anon != 0 {
		t.Fatalf("a draft: its author finds %d, a resident %d, anonymous %d; want 1, 0 and 0", mine, res, anon)
	}
	if res := total(a, bet, "hort"); res != 1 {
		t.Fatalf("a resident finds %d for hort, want 1", res)
	}
	// A public record with the draft's word, written on the other node: the author's answer (the kept public
	// part and their draft) follows it too, and nobody else finds the draft.
	cesc := b.Register("cesc@example.org", "Cesc")
	b.Create(cesc, "/api/v1/organisations", map[string]string{"name": "Compostatge veïnal", "kind": "association"})
	deadline := time.Now().Add(5 * time.Second)
	for {
		mine, res, anon := total(a, ana, "compostatge"), total(a, bet, "compostatge"), total(a, nil, "compostatge")
		if mine == 2 && res == 1 && anon == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a public record: the author finds %d, a resident %d, anonymous %d; want 2, 1 and 1", mine, res, anon)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
