package cluster

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync"
	"testing"
	"time"
)

// TestMeasure prints the capacity figures deploy/README.md reports (TEIXIT_CLUSTER_MEASURE=1 with
// `make test-cluster`): throughput and latency of a signed-in read and of a write through one node and
// through the nginx front over three, and how long a write takes to show in every node's search.
func TestMeasure(t *testing.T) {
	c := need(t)
	if os.Getenv("TEIXIT_CLUSTER_MEASURE") == "" {
		t.Skip("TEIXIT_CLUSTER_MEASURE=1 prints the capacity figures")
	}
	run := tag()
	const clients = 16
	const dur = 6 * time.Second
	users := make([]*client, clients)
	orgs := make([]string, clients)
	for i := range users {
		users[i] = register(t, c.nodes[i%3], fmt.Sprintf("load%d-%s@example.org", i, run))
		id, r, err := createOrg(users[i], fmt.Sprintf("Load %s %d", run, i))
		if id == "" {
			t.Fatalf("setup: %v %d %s", err, r.Status, r.Body)
		}
		orgs[i] = id
	}
	load := func(name, base string, op func(u *client, i, n int) (int, error)) {
		var mu sync.Mutex
		var lat []time.Duration
		errs := 0
		stop := time.Now().Add(dur)
		var wg sync.WaitGroup
		for i := 0; i < clients; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				u := users[i].on(base)
				for n := 0; time.Now().Before(stop); n++ {
					t0 := time.Now()
					st, err := op(u, i, n)
					d := time.Since(t0)
					mu.Lock()
					if err != nil || st >= 300 {
						errs++
					} else {
						lat = append(lat, d)
					}
					mu.Unlock()
				}
			}(i)
		}
		wg.Wait()
		sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
		p := func(q float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[int(q*float64(len(lat)-1))].Round(100 * time.Microsecond)
		}
		t.Logf("| %s | %.0f/s | %v | %v | %d |", name, float64(len(lat))/dur.Seconds(), p(0.5), p(0.99), errs)
	}
	read := func(u *client, i, n int) (int, error) {
		r, err := u.do("GET", "/api/v1/organisations/"+orgs[i], nil)
		return r.Status, err
	}
	write := func(u *client, i, n int) (int, error) {
		r, err := u.do("PATCH", "/api/v1/organisations/"+orgs[i], map[string]string{"description": fmt.Sprintf("edit %d", n)})
		return r.Status, err
	}
	create := func(u *client, i, n int) (int, error) {
		_, r, err := createOrg(u, fmt.Sprintf("Load %s c%d n%d", run, i, n))
		return r.Status, err
	}
	t.Logf("| operation (%d clients, %v) | throughput | p50 | p99 | errors |", clients, dur)
	load("signed-in read, 1 node", c.nodes[0], read)
	load("signed-in read, 3 nodes (nginx)", c.front, read)
	load("write (edit organisation), 1 node", c.nodes[0], write)
	load("write (edit organisation), 3 nodes (nginx)", c.front, write)
	load("write (create organisation), 1 node", c.nodes[0], create)
	load("write (create organisation), 3 nodes (nginx)", c.front, create)

	// Time for a write through node 1 to show in every node's search.
	anon := &client{http: newHTTP()}
	var spans []time.Duration
	for k := 0; k < 20; k++ {
		word := tag()
		t0 := time.Now()
		if id, r, err := createOrg(users[0].on(c.nodes[0]), "Visible "+word); id == "" {
			t.Fatalf("write: %v %d %s", err, r.Status, r.Body)
		}
		for _, base := range c.nodes {
			for {
				r, err := anon.on(base).do("GET", "/api/v1/search?q="+word, nil)
				if err == nil && r.Status == http.StatusOK && len(r.Body) > 0 && bytes.Contains(r.Body, []byte(word)) {
					break
				}
				if time.Since(t0) > 10*time.Second {
					t.Fatalf("write not visible on %s after 10 s", base)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		spans = append(spans, time.Since(t0))
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a] < spans[b] })
	t.Logf("write → visible in all 3 nodes' search (20 writes, from the request): median %v, max %v",
		spans[len(spans)/2].Round(time.Millisecond), spans[len(spans)-1].Round(time.Millisecond))
}
