package cluster

import (
	"net/http"
	"strings"
	"testing"
)

// TestInternalRoutesOffTheFront (issue 11, point 6): the node-to-node routes (/internal/, the live relay) answer
// on the nodes' own addresses — a token-less request is refused by the node itself — but the public front never
// passes them on, whatever the spelling: case, doubled slashes, percent-encoding, dot segments.
func TestInternalRoutesOffTheFront(t *testing.T) {
	c := need(t)
	anon := &client{http: newHTTP()}
	// Straight to a node: the route exists and refuses an unsigned relay.
	r, err := anon.on(c.nodes[0]).do("POST", "/internal/live/day1", map[string]string{"token": "forged"})
	if err != nil || r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "relay_refused") {
		t.Fatalf("node's own /internal/: %v %d %s", err, r.Status, r.Body)
	}
	for _, p := range []string{"/internal/live/day1", "/INTERNAL/live/day1", "/Internal/live/day1/ws",
		"//internal/live/day1", "/%69nternal/live/day1", "/api/../internal/live/day1", "/./internal/live/day1",
		"/internal", "/internal/"} {
		for _, m := range []string{"GET", "POST"} {
			r, err := anon.on(c.front).do(m, p, map[string]string{"token": "forged"})
			if err != nil {
				t.Fatalf("%s %s through the front: %v", m, p, err)
			}
			// nginx's own 404 page, not a node's JSON error: the request never reached a node.
			if r.Status != http.StatusNotFound || strings.Contains(string(r.Body), `"error"`) {
				t.Errorf("%s %s through the front: %d %s", m, p, r.Status, r.Body)
			}
		}
	}
	// The front still serves the rest.
	if r, err := anon.on(c.front).do("GET", "/readyz", nil); err != nil || r.Status != http.StatusOK {
		t.Fatalf("front /readyz: %v %d", err, r.Status)
	}
}
