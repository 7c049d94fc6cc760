package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

// nodes opens n extra clients on the test's database, each with its own pool of several connections: as far
// as atomicity goes, n app nodes sharing the store.
func nodes(t *testing.T, s *store.Store, n int) []*store.Store {
	t.Helper()
	out := make([]*store.Store, n)
	for i := range out {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		o, err := s.Reopen(ctx, 4)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = o.Close(context.Background()) })
		out[i] = o
	}
	return out
}

func TestClaimOnceAcrossConnections(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	if err := s.CreateCollections(ctx, "claims"); err != nil {
		t.Fatal(err)
	}
	ns := nodes(t, s, 3)
	const ids, contenders = 6, 12
	wins := make([]int, ids)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range contenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := ns[g%len(ns)]
			for i := range ids {
				ok, err := st.Claim(ctx, "claims", fmt.Sprintf("thing:%d", i), bson.M{"by": g, "_id": "ignored"})
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					wins[i]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for i, w := range wins {
		if w != 1 {
			t.Errorf("thing:%d claimed %d times; want exactly once", i, w)
		}
	}
	// The stored claim carries the winner's document under the claimed id.
	var got struct {
		ID string `bson:"_id"`
		By *int   `bson:"by"`
	}
	if err := s.C("claims").FindOne(ctx, bson.M{"_id": "thing:0"}).Decode(&got); err != nil || got.By == nil {
		t.Fatalf("claim document: %+v %v", got, err)
	}
	// Released, it can be claimed again; releasing twice is fine.
	if err := s.Release(ctx, "claims", "thing:0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, "claims", "thing:0"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Claim(ctx, "claims", "thing:0", nil); !ok || err != nil {
		t.Fatalf("claim after release: %v %v", ok, err)
	}
}

// TestClaimFirstSeats: 40 people over three connection pools for 10 seats: exactly 10 seats taken, each once.
func TestClaimFirstSeats(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	if err := s.CreateCollections(ctx, "seats"); err != nil {
		t.Fatal(err)
	}
	ns := nodes(t, s, 3)
	seat := func(n uint64) string { return fmt.Sprintf("day:seat:%d", n) }
	var mu sync.Mutex
	got := map[uint64]int{}
	full := 0
	var wg sync.WaitGroup
	for g := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := ns[g%len(ns)].ClaimFirst(ctx, "seats", 1, 10, seat, func(uint64) any { return bson.M{"user": g} })
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, store.ErrNoneFree):
				full++
			case err != nil:
				t.Error(err)
			default:
				got[n]++
			}
		}()
	}
	wg.Wait()
	if len(got) != 10 || full != 30 {
		t.Fatalf("%d seats taken, %d refused; want 10 and 30", len(got), full)
	}
	for n, c := range got {
		if c != 1 || n < 1 || n > 10 {
			t.Errorf("seat %d handed out %d times", n, c)
		}
	}
}

// TestClaimFirstSequence: writers on three pools each take numbers from a stale hint; every number is taken
// once and the taken numbers have no gaps.
func TestClaimFirstSequence(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	if err := s.CreateCollections(ctx, "seq"); err != nil {
		t.Fatal(err)
	}
	ns := nodes(t, s, 3)
	id := func(n uint64) string { return fmt.Sprintf("%020d", n) }
	const writers, each = 9, 15
	var mu sync.Mutex
	var all []uint64
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hint := uint64(0)
			for range each {
				n, err := ns[g%len(ns)].ClaimFirst(ctx, "seq", hint+1, ^uint64(0), id, nil)
				if err != nil {
					t.Error(err)
					return
				}
				hint = n
				mu.Lock()
				all = append(all, n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	for i, n := range all {
		if n != uint64(i+1) {
			t.Fatalf("sequence %v: position %d holds %d", all, i, n)
		}
	}
	if len(all) != writers*each {
		t.Fatalf("%d numbers; want %d", len(all), writers*each)
	}
}

func TestClaimBadInput(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	if _, err := s.Claim(ctx, "claims", "x", 42); err == nil {
		t.Fatal("a document that is not a document must be refused")
	}
	if _, err := s.ClaimFirst(ctx, "claims", 5, 4, func(n uint64) string { return fmt.Sprint(n) }, nil); !errors.Is(err, store.ErrNoneFree) {
		t.Fatalf("empty range: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Claim(cctx, "claims", "y", nil); err == nil {
		t.Fatal("a cancelled context must fail the claim")
	}
}

// TestClaimRevision: one writer per revision; a claim abandoned by a crashed writer is skipped once stale,
// but only while the document is still at the revision the caller read.
func TestClaimRevision(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	at := 1
	current := func(context.Context) (int, error) { return at, nil }
	next, err := s.ClaimRevision(ctx, "thing", "a", 1, current)
	if err != nil || next != 2 {
		t.Fatalf("first claim: %d %v", next, err)
	}
	if _, err := s.ClaimRevision(ctx, "thing", "a", 1, current); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second writer of revision 2: %v", err)
	}
	// The writer of revision 2 crashed a while ago: the document is still at 1, revision 3 is claimed.
	if _, err := s.C("revisions").UpdateOne(ctx, bson.M{"_id": "thing:a:rev:2"},
		bson.M{"$set": bson.M{"at": time.Now().Add(-2 * store.StaleRevision)}}); err != nil {
		t.Fatal(err)
	}
	if next, err := s.ClaimRevision(ctx, "thing", "a", 1, current); err != nil || next != 3 {
		t.Fatalf("after an abandoned claim: %d %v; want 3", next, err)
	}
	// An old claim whose write did happen: the caller's copy is stale, no skipping.
	at = 3
	if _, err := s.C("revisions").UpdateOne(ctx, bson.M{"_id": "thing:a:rev:3"},
		bson.M{"$set": bson.M{"at": time.Now().Add(-2 * store.StaleRevision)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimRevision(ctx, "thing", "a", 2, current); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale reader: %v", err)
	}
	// Many writers over several pools race for one revision: exactly one wins.
	ns := nodes(t, s, 3)
	var mu sync.Mutex
	wins := 0
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := ns[g%3].ClaimRevision(ctx, "thing", "b", 7, func(context.Context) (int, error) { return 7, nil })
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if !errors.Is(err, store.ErrConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d writers won revision 8", wins)
	}
}

// BenchmarkClaim measures a claim that wins (one insert) and one that loses (one insert refused with a
// duplicate key) on the test store, and a revision claim; see README.md for the figures.
func BenchmarkClaim(b *testing.B) {
	s := testkit.Store(b)
	ctx := context.Background()
	if err := s.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Run("win", func(b *testing.B) {
		run := store.NewID()
		for i := 0; i < b.N; i++ {
			if ok, err := s.Claim(ctx, "claims", fmt.Sprintf("%s:%d", run, i), bson.M{"at": time.Now()}); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("lose", func(b *testing.B) {
		if _, err := s.Claim(ctx, "claims", "taken", nil); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			if ok, err := s.Claim(ctx, "claims", "taken", nil); ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("revision", func(b *testing.B) {
		run := store.NewID()
		for i := 0; i < b.N; i++ {
			if _, err := s.ClaimRevision(ctx, "thing", run, i, func(context.Context) (int, error) { return i, nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
