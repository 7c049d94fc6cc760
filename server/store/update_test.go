package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

// TestUpdateLosesNothingAcrossConnections: 12 writers over three clients with pools of four (three nodes)
// apply `$inc`, `$push` and `$addToSet`/`$pull` to one document through store.Update. Every change lands:
// plain UpdateOne calls lose some of them on FerretDB (read then whole-document write).
func TestUpdateLosesNothingAcrossConnections(t *testing.T) {
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
