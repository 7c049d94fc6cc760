package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

// TestUpdateLosesNothingAcrossConnections: 12 writers over three clients with pools of four (three nodes)
// apply `$inc`, `$push` and `$addToSet`/`$pull` to one document through store.Update. Every change lands:
// plain UpdateOne calls lose some of them on FerretDB (read then whole-document write).
func TestUpdateLosesNothingAcrossConnections(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	ns := nodes(t, s, 3)
	const writers, each = 12, 5
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := ns[w%len(ns)]
			for i := range each {
				item := fmt.Sprintf("w%d-%d", w, i)
				_, err := st.Update(ctx, "things", "t1", func(bson.Raw) (bson.M, error) {
					return bson.M{"$inc": bson.M{"n": 1}, "$push": bson.M{"items": item},
						"$addToSet": bson.M{"writers": fmt.Sprint(w)}}, nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
			// Each writer then takes itself out of the set again: none of the pulls may be lost either.
			if _, err := st.Update(ctx, "things", "t1", func(bson.Raw) (bson.M, error) {
				return bson.M{"$pull": bson.M{"writers": fmt.Sprint(w)}}, nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var got struct {
		N       int      `bson:"n"`
		Rev     int      `bson:"rev"`
		Items   []string `bson:"items"`
		Writers []string `bson:"writers"`
	}
	if err := s.C("things").FindOne(ctx, bson.M{"_id": "t1"}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, it := range got.Items {
		seen[it] = true
	}
	if got.N != writers*each || len(seen) != writers*each || len(got.Items) != writers*each || len(got.Writers) != 0 {
		t.Fatalf("n %d, %d items (%d distinct), writers left %v; want %d, %d, none", got.N, len(got.Items), len(seen), got.Writers,
			writers*each, writers*each)
	}
	if got.Rev != writers*each+writers {
		t.Errorf("revision %d after %d changes", got.Rev, writers*each+writers)
	}
	// Older revision claims were pruned as the document moved on.
	n, err := s.C("revisions").CountDocuments(ctx, bson.M{})
	if err != nil || n > 2 {
		t.Errorf("%d revision claims left (%v); want at most 2", n, err)
	}
}

// TestUpdateCreatesRefusesAndRemoves covers the edges: a change can create the document (upsert), refuse to
// (its error is returned and nothing is written), skip (nil update); Remove lets it be created again.
func TestUpdateCreatesRefusesAndRemoves(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	refuse := func(cur bson.Raw) (bson.M, error) {
		if cur == nil {
			return nil, store.ErrNotFound
		}
		return bson.M{"$set": bson.M{"x": 1}}, nil
	}
	if _, err := s.Update(ctx, "things", "a", refuse); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refused create: %v", err)
	}
	if n, _ := s.C("things").CountDocuments(ctx, bson.M{}); n != 0 {
		t.Fatalf("a refused change wrote %d documents", n)
	}
	inc := func(bson.Raw) (bson.M, error) { return bson.M{"$inc": bson.M{"n": 2}}, nil }
	if rev, err := s.Update(ctx, "things", "a", inc); err != nil || rev != 1 {
		t.Fatalf("create: rev %d, %v", rev, err)
	}
	if rev, err := s.Update(ctx, "things", "a", func(bson.Raw) (bson.M, error) { return nil, nil }); err != nil || rev != 1 {
		t.Fatalf("no change: rev %d, %v", rev, err)
	}
	if rev, err := s.Update(ctx, "things", "a", refuse); err != nil || rev != 2 {
		t.Fatalf("change: rev %d, %v", rev, err)
	}
	// A document written before it had a revision (older versions) is taken over at revision 1.
	if _, err := s.C("things").InsertOne(ctx, bson.M{"_id": "old", "n": 5}); err != nil {
		t.Fatal(err)
	}
	if rev, err := s.Update(ctx, "things", "old", inc); err != nil || rev != 1 {
		t.Fatalf("legacy document: rev %d, %v", rev, err)
	}
	if err := s.Remove(ctx, "things", "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(ctx, "things", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
	if rev, err := s.Update(ctx, "things", "a", inc); err != nil || rev != 1 {
		t.Fatalf("created again: rev %d, %v", rev, err)
	}
	var got struct{ N int }
	if err := s.C("things").FindOne(ctx, bson.M{"_id": "old"}).Decode(&got); err != nil || got.N != 7 {
		t.Fatalf("legacy document n = %d, %v", got.N, err)
	}
}

// TestEmbeddedStoreWithItsOwnPool: a freshly opened embedded store (default options: a pool of
// EmbeddedPoolSize connections, no longer one) stays correct when one process hammers it from many
// goroutines: claims are won once, Update loses no increment, and more than one connection was in use.
func TestEmbeddedStoreWithItsOwnPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), Logger: testkit.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	const goroutines, each = 16, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := s.Update(ctx, "counters", "c", func(bson.Raw) (bson.M, error) {
					return bson.M{"$inc": bson.M{"n": 1}}, nil
				}); err != nil {
					t.Error(err)
				}
				ok, err := s.Claim(ctx, "claims", fmt.Sprint("slot:", i), bson.M{"by": g})
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	var got struct{ N int }
	if err := s.C("counters").FindOne(ctx, bson.M{"_id": "c"}).Decode(&got); err != nil || got.N != goroutines*each {
		t.Fatalf("counter %d (%v); want %d", got.N, err, goroutines*each)
	}
	if wins != each {
		t.Fatalf("%d claims won; want %d (each slot once)", wins, each)
	}
	// Which client address each command came from (whatsmyuri): more than one means a real pool.
	seen := map[string]bool{}
	for range 4 {
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var who struct {
					You string `bson:"you"`
				}
				if err := s.Client.Database("admin").RunCommand(ctx, bson.D{{Key: "whatsmyuri", Value: 1}}).Decode(&who); err != nil {
					t.Error(err)
				}
				mu.Lock()
				seen[who.You] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	if len(seen) < 2 {
		t.Errorf("commands came over %d connection(s) %v; want a pool", len(seen), seen)
	}
}

// BenchmarkUpdate: one `$inc` through Update (read rev, claim, write, release the passed claim) against the
// plain UpdateOne it replaces, uncontended, on the embedded store.
func BenchmarkUpdate(b *testing.B) {
	s := testkit.Store(b)
	ctx := context.Background()
	inc := bson.M{"$inc": bson.M{"n": 1}}
	b.Run("update", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Update(ctx, "things", "u", func(bson.Raw) (bson.M, error) { return inc, nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.C("things").UpdateOne(ctx, bson.M{"_id": "p"}, inc, options.Update().SetUpsert(true)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestExclusiveRunsOneAtATime: 12 writers over three nodes each run a check-then-act on ANOTHER collection
// (read a stock document, take one if any is left, write it back as a plain UpdateOne) inside Exclusive on
// one guard document, while Update bumps the guard too. The stock never goes below zero and exactly the
// stock's size is taken: no two do functions overlapped. A refusal from do writes nothing and frees the
// guard at once; an absent guard is ErrNotFound without running do.
func TestExclusiveRunsOneAtATime(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	ns := nodes(t, s, 3)
	if _, err := s.C("guards").InsertOne(ctx, bson.M{"_id": "g"}); err != nil {
		t.Fatal(err)
	}
	const stock, writers = 5, 12
	if _, err := s.C("stock").InsertOne(ctx, bson.M{"_id": "s", "left": stock}); err != nil {
		t.Fatal(err)
	}
	soldOut := errors.New("sold out")
	var wg sync.WaitGroup
	var mu sync.Mutex
	took, refused := 0, 0
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			st := ns[w%len(ns)]
			_, err := st.Exclusive(ctx, "guards", "g", func(ctx context.Context, _ bson.Raw) (bson.M, error) {
				var d struct {
					Left int `bson:"left"`
				}
				if err := st.C("stock").FindOne(ctx, bson.M{"_id": "s"}).Decode(&d); err != nil {
					return nil, err
				}
				if d.Left == 0 {
					return nil, soldOut
				}
				_, err := st.C("stock").UpdateOne(ctx, bson.M{"_id": "s"}, bson.M{"$set": bson.M{"left": d.Left - 1}})
				return bson.M{"$inc": bson.M{"taken": 1}}, err
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				took++
			case errors.Is(err, soldOut):
				refused++
			default:
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := ns[(w+1)%len(ns)].Update(ctx, "guards", "g", func(bson.Raw) (bson.M, error) {
				return bson.M{"$inc": bson.M{"touched": 1}}, nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var left, guard struct {
		Left    int `bson:"left"`
		Taken   int `bson:"taken"`
		Touched int `bson:"touched"`
	}
	_ = s.C("stock").FindOne(ctx, bson.M{"_id": "s"}).Decode(&left)
	_ = s.C("guards").FindOne(ctx, bson.M{"_id": "g"}).Decode(&guard)
	if took != stock || refused != writers-stock || left.Left != 0 || guard.Taken != stock || guard.Touched != writers {
		t.Fatalf("took %d, refused %d, %d left, guard %+v; want %d, %d, 0, taken %d and touched %d", took, refused, left.Left, guard,
			stock, writers-stock, stock, writers)
	}
	ran := false
	if _, err := s.Exclusive(ctx, "guards", "absent", func(context.Context, bson.Raw) (bson.M, error) {
		ran = true
		return nil, nil
	}); !errors.Is(err, store.ErrNotFound) || ran {
		t.Fatalf("absent guard: %v, do ran %v; want ErrNotFound without running", err, ran)
	}
}
