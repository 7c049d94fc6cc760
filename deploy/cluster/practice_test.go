package cluster

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentPracticeEditsAcrossNodes (cluster test 2): 8 clients spread over the three nodes edit one
// published practice at once. Every edit answered 200 made exactly one new version (none lost, none doubled),
// the others were told to reload (409 edit_conflict), never a 5xx; every node lists the same versions and each
// version's diff reads.
func TestConcurrentPracticeEditsAcrossNodes(t *testing.T) {
	c := need(t)
	run := tag()
	ana := register(t, c.nodes[0], "editor-"+run+"@example.org")
	org, r, err := createOrg(ana, "Centre "+run)
	if org == "" {
		t.Fatalf("organisation: %v %d %s", err, r.Status, r.Body)
	}
	r, err = ana.do("POST", "/api/v1/practices", map[string]any{
		"title":     "Acollida en grup " + run,
		"summary":   "Una primera acollida en grup per a persones que arriben al centre.",
		"problem":   "Les llistes d'espera per a la primera entrevista eren llargues.",
		"context":   map[string]any{"organisationId": org, "targetPopulation": "Persones que demanen cita per primer cop"},
		"themes":    []string{"digital_divide"},
		"steps":     []map[string]string{{"title": "Convocatòria setmanal", "detail": "Cada dilluns"}},
		"resources": map[string]string{"people": "Dues professionals", "time": "3 hores setmanals", "budget": "Cap"},
		"results":   "La primera atenció passa de 6 a 2 setmanes.", "evidence": "Registre de cites.",
		"evaluation": map[string]any{"summary": "Avaluació semestral", "indicators": []map[string]string{{"name": "Dies d'espera", "value": "14"}}},
		"contact":    "acollida@example.org", "language": "ca"})
	var p struct {
		ID string `json:"id"`
	}
	if err != nil || r.Status != http.StatusCreated || json.Unmarshal(r.Body, &p) != nil {
		t.Fatalf("practice: %v %d %s", err, r.Status, r.Body)
	}
	base := "/api/v1/practices/" + p.ID
	if r, err := ana.do("POST", base+"/publish", nil); err != nil || r.Status != http.StatusOK {
		t.Fatalf("publish: %v %d %s", err, r.Status, r.Body)
	}
	const editors, each = 8, 4
	var (
		mu            sync.Mutex
		ok, conflicts int
		wg            sync.WaitGroup
		gate          = make(chan struct{})
	)
	for e := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ed := ana.on(c.nodes[e%3])
			ed.http = newHTTP()
			<-gate
			for i := range each {
				r, err := ed.do("PATCH", base, map[string]string{"title": fmt.Sprintf("Acollida en grup %s, edició %d.%d", run, e, i)})
				mu.Lock()
				switch {
				case err != nil:
					t.Errorf("edit through node %d: %v", e%3+1, err)
				case r.Status == http.StatusOK:
					ok++
				case r.Status == http.StatusConflict:
					conflicts++
				default:
					t.Errorf("edit through node %d: %d %s", e%3+1, r.Status, r.Body)
				}
				mu.Unlock()
			}
		}()
	}
	close(gate)
	wg.Wait()
	t.Logf("%d edits succeeded, %d were told to reload", ok, conflicts)
	if ok == 0 {
		t.Fatal("no edit succeeded")
	}
	for i, node := range c.nodes {
		r, err := ana.on(node).do("GET", base+"/versions", nil)
		var vs struct {
			Items []struct {
				N int `json:"n"`
			} `json:"items"`
		}
		if err != nil || r.Status != http.StatusOK || json.Unmarshal(r.Body, &vs) != nil || len(vs.Items) == 0 {
			t.Fatalf("versions on node %d: %v %d %s", i+1, err, r.Status, r.Body)
		}
		if len(vs.Items) != 1+ok || vs.Items[0].N != 1+ok {
			t.Errorf("node %d: %d successful edits but %d versions, newest %d", i+1, ok, len(vs.Items), vs.Items[0].N)
		}
		if i == 0 {
			for _, v := range vs.Items[:len(vs.Items)-1] {
				if r, err := ana.on(node).do("GET", fmt.Sprintf("%s/versions/%d/diff", base, v.N), nil); err != nil || r.Status != http.StatusOK {
					t.Errorf("diff of version %d: %v %d", v.N, err, r.Status)
				}
			}
		}
	}
}
