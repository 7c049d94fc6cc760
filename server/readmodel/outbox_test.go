package readmodel_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

func outboxStore(t *testing.T) *store.Store {
	t.Helper()
	s := testkit.Store(t)
	if err := s.Migrate(context.Background(), readmodel.Migrations()); err != nil {
		t.Fatal(err)
	}
	return s
}

// appendAtOnce runs writers goroutines, each appending each change records through boxes[writer % len], and
// returns the sequences they were given.
func appendAtOnce(t *testing.T, boxes []*readmodel.Outbox, writers, each int) []uint64 {
	t.Helper()
	var mu sync.Mutex
	var seqs []uint64
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				seq, err := boxes[g%len(boxes)].Append(context.Background(), "thing", fmt.Sprintf("w%d-%d", g, i))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seqs = append(seqs, seq)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return seqs
}

// TestOutboxSequencesAcrossNodes: three nodes, each its own driver pool of several connections, append at
// once. Every sequence is handed out once, with no gaps, and every node reads the same head. (With the old
// $inc counter two connections got the same number: E11000 on the outbox, a 500 for the writer.)
func TestOutboxSequencesAcrossNodes(t *testing.T) {
	t.Parallel()
	s := outboxStore(t)
	ctx := context.Background()
	var boxes []*readmodel.Outbox
	for i := range 3 {
		o, err := s.Reopen(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = o.Close(context.Background()) })
		boxes = append(boxes, readmodel.NewOutbox(o, fmt.Sprintf("node%d", i)))
	}
	const writers, each = 12, 15
	seqs := appendAtOnce(t, boxes, writers, each)
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for i, seq := range seqs {
		if seq != uint64(i+1) {
			t.Fatalf("position %d holds sequence %d (duplicate or gap)", i, seq)
		}
	}
	for _, b := range boxes {
		if head, err := b.Head(ctx); err != nil || head != writers*each {
			t.Fatalf("head %d %v; want %d", head, err, writers*each)
		}
	}
	changes, err := boxes[0].Since(ctx, 0, 1000)
	if err != nil || len(changes) != writers*each {
		t.Fatalf("%d changes, %v", len(changes), err)
	}
}

// TestOutboxNeverReusesASequence: a new process starts above the newest record, the counter older versions
// kept, and every node's checkpoint — even once pruning has removed the records below.
func TestOutboxNeverReusesASequence(t *testing.T) {
	t.Parallel()
	s := outboxStore(t)
	ctx := context.Background()
	if seq, err := readmodel.NewOutbox(s, "a").Append(ctx, "thing", "x"); err != nil || seq != 1 {
		t.Fatalf("first append: %d %v", seq, err)
	}
	// Older versions: a $inc counter at 40.
	if _, err := s.C("counters").InsertOne(ctx, bson.M{"_id": "outbox", "seq": int64(40)}); err != nil {
		t.Fatal(err)
	}
	if seq, err := readmodel.NewOutbox(s, "b").Append(ctx, "thing", "y"); err != nil || seq != 41 {
		t.Fatalf("after the legacy counter: %d %v; want 41", seq, err)
	}
	// A node checkpoint at 70 (its records already pruned).
	if err := readmodel.NewOutbox(s, "c").Report(ctx, 70); err != nil {
		t.Fatal(err)
	}
	if seq, err := readmodel.NewOutbox(s, "d").Append(ctx, "thing", "z"); err != nil || seq != 71 {
		t.Fatalf("after a node checkpoint: %d %v; want 71", seq, err)
	}
	// Prune everything but the newest record: a fresh process still starts above it.
	o := readmodel.NewOutbox(s, "e")
	if err := o.Report(ctx, 71); err != nil {
		t.Fatal(err)
	}
	if _, err := s.C("outbox").DeleteMany(ctx, bson.M{"_id": bson.M{"$lt": fmt.Sprintf("%020d", 71)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.C("index_nodes").DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.C("counters").DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if seq, err := readmodel.NewOutbox(s, "f").Append(ctx, "thing", "w"); err != nil || seq != 72 {
		t.Fatalf("after pruning: %d %v; want 72", seq, err)
	}
	if head, err := o.Head(ctx); err != nil || head != 72 {
		t.Fatalf("head %d %v", head, err)
	}
}

// TestOutboxAppendsOfOneNodeClaimOnce: eight writers of one node appending at once each claim their number on
// the first try. (Starting from the same hint, each tried the numbers the others took first: about four
// failed inserts, each a write transaction, per record with eight writers.)
func TestOutboxAppendsOfOneNodeClaimOnce(t *testing.T) {
	t.Parallel()
	s, commands := testkit.CountedStore(t, outboxStore(t))
	box := readmodel.NewOutbox(s, "node")
	ctx := context.Background()
	if _, err := box.Append(ctx, "thing", "first"); err != nil { // the hint is read once per process
		t.Fatal(err)
	}
	commands.Reset()
	const writers, each = 8, 10
	appendAtOnce(t, []*readmodel.Outbox{box}, writers, each)
	if n := commands.Count("insert", "outbox"); n != writers*each {
		t.Fatalf("%d inserts for %d records: appenders of one node tried numbers another had taken", n, writers*each)
	}
	if head, err := box.Head(ctx); err != nil || head != writers*each+1 {
		t.Fatalf("head %d %v; want %d", head, err, writers*each+1)
	}
}

// TestOutboxSinceReadsEachRecordOnce: an indexer nearly caught up with other nodes' writes reads each new
// record with one lookup, plus one for the number after the head (it used to walk to the head first and
// then read every record again); it steps over a record pruned below the head and stops at limit.
func TestOutboxSinceReadsEachRecordOnce(t *testing.T) {
	t.Parallel()
	s, commands := testkit.CountedStore(t, outboxStore(t))
	box, other := readmodel.NewOutbox(s, "node"), readmodel.NewOutbox(s, "other")
	ctx := context.Background()
	if _, err := box.Append(ctx, "thing", "r0"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 6; i++ {
		if _, err := other.Append(ctx, "thing", fmt.Sprintf("r%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	seqs := func(cs []search.Change) (out []uint64) {
		for _, c := range cs {
			out = append(out, c.Seq)
		}
		return out
	}
	commands.Reset()
	got, err := box.Since(ctx, 1, 100)
	if err != nil || fmt.Sprint(seqs(got)) != "[2 3 4 5 6]" || got[0].ID != "r1" || got[0].Kind != "thing" || got[0].Node != "other" {
		t.Fatalf("since 1: %v %v", got, err)
	}
	if n := commands.Count("find", "outbox"); n != 6 {
		t.Fatalf("%d lookups for five records written by another node", n)
	}
	if _, err := s.C("outbox").DeleteOne(ctx, bson.M{"_id": fmt.Sprintf("%020d", 4)}); err != nil {
		t.Fatal(err)
	}
	if got, err := box.Since(ctx, 2, 100); err != nil || fmt.Sprint(seqs(got)) != "[3 5 6]" {
		t.Fatalf("a pruned record below the head: %v %v", got, err)
	}
	if got, err := box.Since(ctx, 0, 2); err != nil || fmt.Sprint(seqs(got)) != "[1 2]" {
		t.Fatalf("since 0, limit 2: %v %v", got, err)
	}
	if got, err := box.Since(ctx, 6, 100); err != nil || len(got) != 0 {
		t.Fatalf("since the head: %v %v", got, err)
	}
}
