package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

// TestClusterNodesShareTheSecret: a node of a cluster (TEIXIT_INTERNAL_URL set) configured with another
// TEIXIT_SECRET than the store's other nodes stops at start with a clear error instead of running half-working
// (its sessions, links and relay tokens refused everywhere else); a node with the same secret starts, and a
// single node (no internal URL) is not held to it.
func TestClusterNodesShareTheSecret(t *testing.T) {
	t.Parallel()
	st := testkit.Store(t)
	const secret = "the-secret-every-node-of-this-cluster-shares-0123456789"
	testkit.NewAppOn(t, st, func(c *config.Config) { c.InternalURL, c.Secret = "http://127.0.0.1:1", secret })
	testkit.NewAppOn(t, testkit.Pooled(t, st, 2), func(c *config.Config) { c.InternalURL, c.Secret = "http://127.0.0.1:2", secret })

	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.RTCUDPAddr, cfg.RTCUDPPort, cfg.TURNPort = t.TempDir(), "127.0.0.1", 0, -1
	cfg.InternalURL, cfg.Secret = "http://127.0.0.1:3", "another-secret-that-no-other-node-of-this-cluster-uses-98765"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, err := app.New(ctx, cfg, app.Deps{Log: testkit.Quiet(), Store: testkit.Pooled(t, st, 2)})
	if err == nil {
		_ = a.Shutdown(ctx)
		t.Fatal("a node with another secret started")
	}
	if !strings.Contains(err.Error(), "TEIXIT_SECRET differs") {
		t.Fatalf("start-up error: %v", err)
	}
	// A lone node (no internal URL) with its own secret is not a cluster node.
	testkit.NewAppOn(t, testkit.Pooled(t, st, 2), func(c *config.Config) { c.Secret = "a-single-node-secret-of-its-own-0123456789abcdef" })
}
