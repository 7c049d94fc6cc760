package exchange_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// twoNodes is two app nodes on one store, each reaching it through its own driver pool of several
// connections — as far as atomicity goes, the two-node deployment of issue #11.
func twoNodes(t *testing.T) (*testkit.App, *testkit.App) {
	n := testkit.Nodes(t, 2)
	return n[0], n[1]
}

func registrationOf(t *testing.T, r *testkit.Response) string {
	t.Helper()
	if r.Status != 200 {
		t.Errorf("register: %d %s", r.Status, r.Body)
		return ""
	}
	var d day
	r.JSON(t, &d)
	if d.MyRegistration == nil {
		return ""
	}
	return *d.MyRegistration
}

// TestSeatsAcrossNodes: 40 people register at the same moment for 10 places, through two nodes with
// several connections each: exactly 10 are told "registered" and 30 "waitlisted", and the day's counts say
// so. Places freed by leaving and by a raised capacity go to the waiting list in order, and the promoted are
// told in their notifications; the next newcomer does not jump the queue.
func TestSeatsAcrossNodes(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t)
	host := a.Register("host@example.org", "Host")
	var org struct{ ID string }
	a.Do(host, "POST", "/api/v1/organisations", map[string]string{"name": "Xarxa d'habitatge", "kind": "housing_entity"}).JSON(t, &org)
	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	var d day
	a.Do(host, "POST", "/api/v1/exchange-days", newDay(org.ID, start, map[string]any{"capacity": 10})).JSON(t, &d)
	base := "/api/v1/exchange-days/" + d.ID
	people := make([]*testkit.Client, 40)
	for i := range people {
		people[i] = a.Register(fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("P%d", i))
	}
	statuses := make([]string, len(people))
	var wg sync.WaitGroup
	for i, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := []*testkit.App{a, b}[i%2]
			statuses[i] = registrationOf(t, node.Do(p, "POST", base+"/registration", nil))
		}()
	}
	wg.Wait()
	count := func(want string) int {
		n := 0
		for _, s := range statuses {
			if s == want {
				n++
			}
		}
		return n
	}
	if count("registered") != 10 || count("waitlisted") != 30 {
		t.Fatalf("told registered %d, waitlisted %d; want 10 and 30", count("registered"), count("waitlisted"))
	}
	var got day
	b.Do(host, "GET", base, nil).JSON(t, &got)
	if got.RegisteredCount != 10 || got.WaitlistCount != 30 {
		t.Fatalf("counts %d registered, %d waiting; want 10 and 30", got.RegisteredCount, got.WaitlistCount)
	}
	// Each person's own view agrees with what they were told.
	for i, p := range people {
		if s := registrationOf(t, b.Do(p, "GET", base, nil)); s != statuses[i] {
			t.Fatalf("person %d told %q, now reads %q", i, statuses[i], s)
		}
	}
	var registered, waiting []int
	for i, s := range statuses {
		if s == "registered" {
			registered = append(registered, i)
		} else {
			waiting = append(waiting, i)
		}
	}
	// Two people leave, through different nodes: two places go to the waiting list.
	for k, i := range registered[:2] {
		if r := []*testkit.App{a, b}[k].Do(people[i], "DELETE", base+"/registration", nil); r.Status != 204 {
			t.Fatalf("leave: %d %s", r.Status, r.Body)
		}
	}
	// A newcomer now waits behind everyone (no jumping the queue).
	late := b.Register("late@example.org", "Late")
	if s := registrationOf(t, b.Do(late, "POST", base+"/registration", nil)); s != "waitlisted" {
		t.Fatalf("newcomer: %q", s)
	}
	// The capacity raised to 15: five more places.
	if r := a.Do(host, "PATCH", base, map[string]any{"capacity": 15}); r.Status != 200 {
		t.Fatalf("raise capacity: %d %s", r.Status, r.Body)
	}
	b.Do(host, "GET", base, nil).JSON(t, &got)
	if got.RegisteredCount != 15 || got.WaitlistCount != 24 {
		t.Fatalf("after leaving and raising: %d registered, %d waiting; want 15 and 24", got.RegisteredCount, got.WaitlistCount)
	}
	promoted := 0
	for _, i := range waiting {
		s := registrationOf(t, a.Do(people[i], "GET", base, nil))
		r := a.Do(people[i], "GET", "/api/v1/notifications", nil)
		told := strings.Contains(string(r.Body), `"kind":"registration_promoted"`)
		if s == "registered" {
			promoted++
			if !told {
				t.Errorf("person %d promoted but not told: %s", i, r.Body)
			}
		} else if told {
			t.Errorf("person %d told of a place they do not have", i)
		}
	}
	if promoted != 7 {
		t.Fatalf("%d promoted; want 7 (2 freed + 5 added)", promoted)
	}
	if s := registrationOf(t, a.Do(late, "GET", base, nil)); s != "waitlisted" {
		t.Fatalf("newcomer jumped the queue: %q", s)
	}
	// The capacity cannot go below the people holding a place.
	if r := a.Do(host, "PATCH", base, map[string]any{"capacity": 14}); r.Status != 400 || !strings.Contains(string(r.Body), `"capacity"`) {
		t.Fatalf("capacity below registered: %d %s", r.Status, r.Body)
	}
}
