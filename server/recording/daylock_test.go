package recording

import (
	"testing"
	"time"
)

// TestDayLocks: one day's lock does not hold up another day; the same day waits; unused locks are dropped.
func TestDayLocks(t *testing.T) {
	t.Parallel()
	var l dayLocks
	unlockA := l.lock("a")
	done := make(chan struct{})
	go func() { l.lock("b")(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("day b waited for day a")
	}
	got := make(chan struct{})
	go func() { l.lock("a")(); close(got) }()
	select {
	case <-got:
		t.Fatal("day a's second lock did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	unlockA()
	<-got
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) != 0 {
		t.Fatalf("locks left behind: %v", l.m)
	}
}
