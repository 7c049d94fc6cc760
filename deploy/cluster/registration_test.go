package cluster

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestRegistrationSeatsAcrossNodes (cluster test 2): 40 people register at the same moment, spread over
// the three nodes, for a day with 10 places: exactly 10 are told "registered" and 30 "waitlisted", and
// every node shows those counts.
func TestRegistrationSeatsAcrossNodes(t *testing.T) {
	c := need(t)
	run := tag()
	host := register(t, c.nodes[0], "host-"+run+"@example.org")
	org, r, err := createOrg(host, "Host "+run)
	if org == "" {
		t.Fatalf("organisation: %v %d %s", err, r.Status, r.Body)
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	r, err = host.do("POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": org, "title": "Jornada " + run,
		"description": "Micròfon obert.", "startsAt": start, "endsAt": start.Add(2 * time.Hour), "timeZone": "Europe/Madrid",
		"agenda": []map[string]any{{"text": "Com ho feu?"}}, "capacity": 10})
	if err != nil || r.Status != http.StatusCreated {
		t.Fatalf("day: %v %d %s", err, r.Status, r.Body)
	}
	var day struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(r.Body, &day)

	people := make([]*client, 40)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for i := range people {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			people[i] = register(t, c.nodes[i%3], fmt.Sprintf("p%d-%s@example.org", i, run))
		}(i)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	statuses := make(chan string, len(people))
	gate := make(chan struct{})
	for i, p := range people {
		wg.Add(1)
		go func(i int, p *client) {
			defer wg.Done()
			<-gate
			r, err := p.on(c.nodes[i%3]).do("POST", "/api/v1/exchange-days/"+day.ID+"/registration", map[string]any{})
			if err != nil || r.Status >= 300 {
				t.Errorf("registration %d on node %d: %v %d %s", i, i%3+1, err, r.Status, r.Body)
				statuses <- "error"
				return
			}
			var d struct {
				MyRegistration *string `json:"myRegistration"`
			}
			_ = json.Unmarshal(r.Body, &d)
			if d.MyRegistration == nil {
				statuses <- "none"
				return
			}
			statuses <- *d.MyRegistration
		}(i, p)
	}
	close(gate)
	wg.Wait()
	close(statuses)
	count := map[string]int{}
	for s := range statuses {
		count[s]++
	}
	if count["registered"] != 10 || count["waitlisted"] != 30 {
		t.Errorf("told: %v; want 10 registered and 30 waitlisted", count)
	}
	for i, base := range c.nodes {
		r, err := host.on(base).do("GET", "/api/v1/exchange-days/"+day.ID, nil)
		var d struct {
			RegisteredCount int `json:"registeredCount"`
			WaitlistCount   int `json:"waitlistCount"`
		}
		if err != nil || r.Status != http.StatusOK || json.Unmarshal(r.Body, &d) != nil || d.RegisteredCount != 10 || d.WaitlistCount != 30 {
			t.Errorf("node %d shows %+v (%v %d)", i+1, d, err, r.Status)
		}
	}
}
