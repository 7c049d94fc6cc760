package comment_test

import (
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/testkit"
)

// TestReportsAndEditsAcrossNodes: eight people report one comment at the same moment through three nodes
// (pools of four connections each) while its author edits it three times. Every report is kept and the
// last edit stands, none answered 409: with a `{_id, rev}` replace alone (a read then a write on FerretDB)
// two changes on two connections both "succeeded" and one silently overwrote the other.
func TestReportsAndEditsAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 3)
	a := nodes[0]
	f := &fixture{a: a, ana: a.Register("ana@example.org", "Ana"), bea: a.Register("bea@example.org", "Bea")}
	f.orgA = post(t, a, f.ana, "/api/v1/organisations", map[string]string{"name": "Centre A", "kind": "services_centre"})["id"].(string)
	f.practice = post(t, a, f.ana, "/api/v1/practices", map[string]any{
		"title": "Acollida grupal", "summary": "Resum", "problem": "Problema", "results": "Resultats", "contact": "a@example.org",
		"context": map[string]any{"organisationId": f.orgA, "targetPopulation": "Persones nouvingudes"}, "themes": []string{"coexistence"},
		"steps": []map[string]string{{"title": "Pas 1"}}, "evaluation": map[string]any{"summary": "Avaluació"}, "language": "ca"})["id"].(string)
	post(t, a, f.ana, "/api/v1/practices/"+f.practice+"/publish", nil)
	id := post(t, a, f.bea, "/api/v1/practices/"+f.practice+"/comments", map[string]string{"text": "Molt útil per al nostre casal."})["id"].(string)
	const people, edits = 8, 3
	crowd := make([]*testkit.Client, people)
	for i := range crowd {
		crowd[i] = nodes[i%3].Register(fmt.Sprintf("veina%d@example.org", i), fmt.Sprintf("Veïna %d", i))
	}
	var wg sync.WaitGroup
	for i, c := range crowd {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := nodes[i%3].Do(c, "POST", "/api/v1/comments/"+id+"/report", map[string]string{"reason": "spam"}); r.Status != 200 {
				t.Errorf("report: %d %s", r.Status, r.Body)
			}
		}()
	}
	last := ""
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range edits {
			last = fmt.Sprintf("Molt útil per al nostre casal (%d).", i)
			if r := nodes[(i+1)%3].Do(f.bea, "PATCH", "/api/v1/comments/"+id, map[string]string{"text": last}); r.Status != 200 {
				t.Errorf("edit: %d %s", r.Status, r.Body)
			}
		}
	}()
	wg.Wait()
	var c struct {
		Reports []any  `bson:"reports"`
		Text    string `bson:"text"`
	}
	if err := a.Store.C("comments").FindOne(t.Context(), bson.M{"_id": id}).Decode(&c); err != nil {
		t.Fatal(err)
	}
	if len(c.Reports) != people || c.Text != last {
		t.Fatalf("%d reports, text %q; want %d and %q", len(c.Reports), c.Text, people, last)
	}
}
