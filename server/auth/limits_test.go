package auth_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/apperr"
	. "github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

func limitsOn(t *testing.T, s *store.Store, now func() time.Time) *Limits {
	t.Helper()
	if err := s.Migrate(context.Background(), Migrations()); err != nil {
		t.Fatal(err)
	}
	l := NewLimits(s)
	l.SetClock(now)
	return l
}

func TestLimitsTakeUndoWindow(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	s := testkit.Store(t)
	l := limitsOn(t, s, func() time.Time { return clock })
	lim := Limit{Name: "t", Max: 3, Window: time.Minute, Message: "slow down"}
	var taken []*Attempt
	for i := range 3 {
		a, err := l.Take(ctx, lim, "ana@example.org")
		if err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
		taken = append(taken, a)
	}
	_, err := l.Take(ctx, lim, "ana@example.org")
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.RateLimited || e.Code != "rate_limited" || e.Message != "slow down" || e.RetryAfter != time.Minute {
		t.Fatalf("fourth attempt: %#v", err)
	}
	if _, err := l.Take(ctx, lim, "bea@example.org"); err != nil {
		t.Fatalf("another key has its own allowance: %v", err)
	}
	if _, err := l.Take(ctx, Limit{Name: "other", Max: 1, Window: time.Minute}, "ana@example.org"); err != nil {
		t.Fatalf("another limit has its own allowance: %v", err)
	}
	// A success gives its slot back: one more attempt fits, then the key is full again.
	if err := taken[1].Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Take(ctx, lim, "ana@example.org"); err != nil {
		t.Fatalf("after undo: %v", err)
	}
	if _, err := l.Take(ctx, lim, "ana@example.org"); !apperr.IsKind(err, apperr.RateLimited) {
		t.Fatalf("full again: %v", err)
	}
	// The next window starts empty; the Retry-After shrinks as the window runs.
	clock = clock.Add(40 * time.Second)
	if _, err := l.Take(ctx, lim, "ana@example.org"); err.(*apperr.Error).RetryAfter != 20*time.Second {
		t.Fatalf("retry after: %v", err)
	}
	clock = clock.Add(20 * time.Second)
	if _, err := l.Take(ctx, lim, "ana@example.org"); err != nil {
		t.Fatalf("new window: %v", err)
	}
	// Keys are stored hashed.
	n, err := s.C(ColLimits).CountDocuments(ctx, map[string]any{})
	if err != nil || n == 0 {
		t.Fatalf("stored slots: %d %v", n, err)
	}
	var raw []map[string]any
	cur, _ := s.C(ColLimits).Find(ctx, map[string]any{})
	_ = cur.All(ctx, &raw)
	for _, d := range raw {
		if id, _ := d["_id"].(string); len(id) == 0 || strings.Contains(id, "example.org") {
			t.Fatalf("key stored in clear: %v", d)
		}
	}
	// Prune removes the ended window's slots and keeps the running one.
	deleted, err := l.Prune(ctx)
	if err != nil || deleted != 5 {
		t.Fatalf("prune: %d %v", deleted, err)
	}
	if _, err := l.Take(ctx, Limit{Name: "bad"}, "x"); err == nil || apperr.IsKind(err, apperr.RateLimited) {
		t.Fatalf("a limit without max/window is a programming error: %v", err)
	}
}

// TestLimitsSharedAcrossNodes: three nodes (each its own driver pool of several connections, its own hint
// cache) take attempts for one key at the same moment: exactly Max get through, and a node started later
// (a restart) sees the key full.
func TestLimitsSharedAcrossNodes(t *testing.T) {
	ctx := context.Background()
	s := testkit.Store(t)
	clock := time.Now()
	now := func() time.Time { return clock }
	limitsOn(t, s, now)
	var nodes []*Limits
	for range 3 {
		o, err := s.Reopen(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = o.Close(context.Background()) })
		l := NewLimits(o)
		l.SetClock(now)
		nodes = append(nodes, l)
	}
	lim := Limit{Name: "login-email", Max: 10, Window: time.Hour}
	var mu sync.Mutex
	ok, refused := 0, 0
	var wg sync.WaitGroup
	for g := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := nodes[g%3].Take(ctx, lim, "ana@example.org")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apperr.IsKind(err, apperr.RateLimited):
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 10 || refused != 30 {
		t.Fatalf("%d let through, %d refused; want 10 and 30", ok, refused)
	}
	restarted := NewLimits(s)
	restarted.SetClock(now)
	if _, err := restarted.Take(ctx, lim, "ana@example.org"); !apperr.IsKind(err, apperr.RateLimited) {
		t.Fatalf("after a restart the key must still be full: %v", err)
	}
}
