package diagnosis_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/testkit"
)

// TestCountersAcrossNodes: through three nodes, each with a pool of four connections to one store, 8
// people support and report one contribution at once while the organisers cite it from three findings and
// its author edits it. Nothing is lost: every support, report and citation is counted, the last edit
// stands, the diagnosis's support total agrees; withdrawals and ballots at once likewise. With `$inc`,
// `$addToSet` and plain `$set` (read then whole-document write on FerretDB) some of each went missing.
func TestCountersAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 3)
	w := newWorldOn(t, nodes[0])
	w.newDiagnosis(t, nil)
	rent := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing",
		"text": "Els lloguers del barri pugen cada any i moltes famílies han de marxar."})
	cp := "/api/v1/contributions/" + rent
	const people, findings, edits = 8, 3, 2
	crowd := make([]*testkit.Client, people)
	for i := range crowd {
		crowd[i] = nodes[i%3].Register(fmt.Sprintf("veina%d@example.org", i), fmt.Sprintf("Veïna %d", i))
	}
	call := func(n int, c *testkit.Client, method, path string, body any, want int) *testkit.Response {
		r := nodes[n%3].Do(c, method, path, body)
		if r.Status != want {
			t.Errorf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		return r
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var cited []string
	for i, c := range crowd {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call(i, c, "POST", cp+"/support", nil, 201)
			call(i+1, c, "POST", cp+"/report", map[string]string{"reason": "Cal revisar-ho, si us plau"}, 204)
		}()
	}
	for i := range findings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := call(i, w.bea, "POST", w.diagPath+"/findings", map[string]any{"swot": "weakness",
				"title": fmt.Sprintf("Lloguers %d", i), "contributionIds": []string{rent}}, 201)
			var f struct{ ID string }
			r.JSON(t, &f)
			mu.Lock()
			cited = append(cited, f.ID)
			mu.Unlock()
		}()
	}
	last := ""
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range edits {
			last = fmt.Sprintf("Els lloguers pugen cada any: versió %d.", i)
			call(i, w.cai, "PATCH", cp, map[string]any{"text": last}, 200)
		}
	}()
	wg.Wait()
	var c struct {
		Text     string
		Supports int
		Reports  int
		CitedBy  []string
	}
	call(1, w.bea, "GET", cp, nil, 200).JSON(t, &c)
	slices.Sort(c.CitedBy)
	slices.Sort(cited)
	if c.Supports != people || c.Reports != people || !slices.Equal(c.CitedBy, cited) || c.Text != last {
		t.Fatalf("after the rush: %d supports, %d reports, cited by %v, text %q; want %d, %d, %v, %q",
			c.Supports, c.Reports, c.CitedBy, c.Text, people, people, cited, last)
	}
	var dash struct{ Supports int }
	call(2, nil, "GET", w.diagPath+"/dashboard", nil, 200).JSON(t, &dash)
	if dash.Supports != people {
		t.Fatalf("dashboard: %d supports; want %d", dash.Supports, people)
	}

	// Half withdraw at once while the findings are deleted at once.
	for i, c := range crowd[:people/2] {
		wg.Add(1)
		go func() { defer wg.Done(); call(i, c, "DELETE", cp+"/support", nil, 200) }()
	}
	for i, f := range cited {
		wg.Add(1)
		go func() { defer wg.Done(); call(i, w.bea, "DELETE", "/api/v1/findings/"+f, nil, 204) }()
	}
	wg.Wait()
	call(0, w.bea, "GET", cp, nil, 200).JSON(t, &c)
	call(1, nil, "GET", w.diagPath+"/dashboard", nil, 200).JSON(t, &dash)
	if c.Supports != people-people/2 || dash.Supports != people-people/2 || len(c.CitedBy) != 0 {
		t.Fatalf("after withdrawals: %d supports (dashboard %d), cited by %v; want %d and none", c.Supports, dash.Supports,
			c.CitedBy, people-people/2)
	}

	// Everyone votes at once.
	w.phase(t, "synthesis")
	w.phase(t, "prioritisation")
	for i, c := range crowd {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call(i, c, "POST", w.diagPath+"/ballot", map[string]any{"votes": map[string]int{rent: 2}}, 201)
		}()
	}
	wg.Wait()
	var pr struct {
		Ballots int
		Items   []struct{ Votes int }
	}
	call(2, nil, "GET", w.diagPath+"/priorities", nil, 200).JSON(t, &pr)
	if pr.Ballots != people || len(pr.Items) != 1 || pr.Items[0].Votes != 2*people {
		t.Fatalf("priorities: %+v; want %d ballots and %d votes", pr, people, 2*people)
	}
}

// TestOrganisersAcceptedAtOnceAcrossNodes: six organisations accept invitations to co-organise one diagnosis
// at the same moment, through three nodes, while its lead organiser edits the title twice. Every organiser
// is kept (each acceptance extends the list as the store holds it) and the last title stands; a full
// diagnosis refuses the next one with a 409. Before, each acceptance wrote the list it had read, and an
// organiser told "accepted" could vanish from it.
func TestOrganisersAcceptedAtOnceAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 3)
	w := newWorldOn(t, nodes[0])
	w.newDiagnosis(t, nil)
	const orgs = 6
	ids := make([]string, orgs)
	for i := range ids {
		c := nodes[0].Register(fmt.Sprintf("entitat%d@example.org", i), fmt.Sprintf("Entitat %d", i))
		ids[i] = w.id(t, nodes[0].Do(c, "POST", "/api/v1/organisations", map[string]string{"name": fmt.Sprintf("Entitat %d", i), "kind": "association"}))
	}
	var wg sync.WaitGroup
	for i, org := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := nodes[i%3].Diagnoses.AddOrganiser(t.Context(), w.diag, org); err != nil {
				t.Errorf("organiser %d: %v", i, err)
			}
		}()
	}
	last := ""
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 2 {
			last = fmt.Sprintf("Diagnosi del Raval, versió %d", i)
			if r := nodes[(i+1)%3].Do(w.ana, "PATCH", w.diagPath, map[string]any{"title": last}); r.Status != 200 {
				t.Errorf("edit: %d %s", r.Status, r.Body)
			}
		}
	}()
	wg.Wait()
	var d struct {
		Title           string
		OrganisationIDs []string
	}
	if r := nodes[2].Do(w.ana, "GET", w.diagPath, nil); r.Status != 200 {
		t.Fatalf("read: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &d)
	}
	want := append([]string{w.assoc}, ids...)
	got := slices.Clone(d.OrganisationIDs)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || d.Title != last {
		t.Fatalf("after the rush: organisers %v, title %q; want %v, %q", d.OrganisationIDs, d.Title, want, last)
	}
	for i := orgs + 1; i < diagnosis.MaxOrganisers; i++ {
		if err := nodes[i%3].Diagnoses.AddOrganiser(t.Context(), w.diag, fmt.Sprintf("org%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := nodes[0].Diagnoses.AddOrganiser(t.Context(), w.diag, "one-too-many"); !apperr.IsKind(err, apperr.Conflict) {
		t.Fatalf("an eleventh organiser: %v; want a conflict", err)
	}
}
