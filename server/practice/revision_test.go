package practice_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// TestConcurrentEditsAcrossNodes: eight people edit one published practice at once through two nodes, each
// with several connections to the store. Every edit that answered 200 made exactly one new version (no edit
// lost, none doubled) and the others were told to reload (409 edit_conflict), never a 500.
func TestConcurrentEditsAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 2)
	a := nodes[0]
	ana := a.Register("ana@example.org", "Ana")
	org := createOrg(t, a, ana, "Centre de Serveis Socials A")
	var p struct{ ID string }
	a.Do(ana, "POST", "/api/v1/practices", completePractice(org)).JSON(t, &p)
	base := "/api/v1/practices/" + p.ID
	if r := a.Do(ana, "POST", base+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	const editors, each = 8, 4
	var mu sync.Mutex
	ok, conflicts := 0, 0
	var wg sync.WaitGroup
	for e := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r := nodes[e%2].Do(ana, "PATCH", base, map[string]string{"title": fmt.Sprintf("Acollida en grup, edició %d.%d", e, i)})
				mu.Lock()
				switch r.Status {
				case 200:
					ok++
				case 409:
					conflicts++
				default:
					t.Errorf("edit: %d %s", r.Status, r.Body)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var versions struct{ Items []struct{ N int } }
	nodes[1].Do(nil, "GET", base+"/versions", nil).JSON(t, &versions)
	if len(versions.Items) != 1+ok || versions.Items[0].N != 1+ok {
		t.Fatalf("%d successful edits (%d conflicts) but %d versions, newest %d", ok, conflicts, len(versions.Items), versions.Items[0].N)
	}
	if ok == 0 {
		t.Fatal("no edit succeeded")
	}
	// Every version has its own record (the diff against the one before it reads it).
	for _, v := range versions.Items[:len(versions.Items)-1] {
		if r := nodes[0].Do(nil, "GET", fmt.Sprintf("%s/versions/%d/diff", base, v.N), nil); r.Status != 200 {
			t.Fatalf("diff of version %d: %d %s", v.N, r.Status, r.Body)
		}
	}
}
