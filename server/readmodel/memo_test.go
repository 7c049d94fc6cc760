package readmodel_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/readmodel"
)

func TestMemoKeepsValuesUntilItsKindsChange(t *testing.T) {
	t.Parallel()
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	put := func(kind, id string) {
		t.Helper()
		d := search.Document{ID: search.DocID(kind, id), Kind: kind, Language: "ca", Title: "Text " + id,
			Visibility: []string{search.Public}}
		if err := ix.Apply(ctx, search.Batch{Upserts: []search.Document{d}}); err != nil {
			t.Fatal(err)
		}
	}
	m := readmodel.NewMemo[int](ix, 10, "contribution", "finding")
	var computed atomic.Int32
	count := func() (*int, error) {
		n := int(computed.Add(1))
		return &n, nil
	}
	get := func(compute func() (*int, error)) int {
		t.Helper()
		v, err := m.Get("d1", compute)
		if err != nil {
			t.Fatal(err)
		}
		return *v
	}
	if get(count) != 1 || get(count) != 1 {
		t.Fatalf("computed %d times for an unchanged index (want once)", computed.Load())
	}
	put("practice", "p1") // another kind
	if get(count) != 1 {
		t.Fatal("a change of a kind the value does not depend on computed it again")
	}
	put("finding", "f1")
	if get(count) != 2 {
		t.Fatal("a change of one of its kinds did not compute the value again")
	}
	// a change that lands while the value is being computed: the caller gets it, later readers do not
	put("contribution", "c0")
	raced := get(func() (*int, error) {
		put("contribution", "c1")
		return count()
	})
	if raced != 3 || get(count) != 4 {
		t.Fatalf("a value computed across a change was served after it (got %d, then %d)", raced, computed.Load())
	}
	if _, err := m.Get("d1", func() (*int, error) { return nil, errors.New("store down") }); err != nil {
		t.Fatalf("a kept value must be served without computing: %v", err)
	}
	put("contribution", "c2")
	if _, err := m.Get("d1", func() (*int, error) { return nil, errors.New("store down") }); err == nil {
		t.Fatal("an error must be returned")
	}
	if get(count) != 5 {
		t.Fatal("an error was kept")
	}
}

func TestMemoSharesOneComputationAmongConcurrentMisses(t *testing.T) {
	t.Parallel()
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	m := readmodel.NewMemo[string](ix, 10, "contribution")
	release := make(chan struct{})
	var computed atomic.Int32
	var wg sync.WaitGroup
	var entered sync.WaitGroup
	for range 8 {
		wg.Add(1)
		entered.Add(1)
		go func() {
			defer wg.Done()
			entered.Done()
			v, err := m.Get("dashboard", func() (*string, error) {
				computed.Add(1)
				<-release
				s := "counts"
				return &s, nil
			})
			if err != nil || *v != "counts" {
				t.Errorf("got %v, %v", v, err)
			}
		}()
	}
	entered.Wait()
	// Let the other seven reach Get while the first computation is held (this wait can only make the
	// check stricter: without the shared computation each would start its own).
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Fatalf("%d computations for 8 concurrent requests of one value (want 1)", n)
	}
}
