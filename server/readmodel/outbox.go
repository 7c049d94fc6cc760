package readmodel

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/store"
)

const (
	colOutbox = "outbox"
	colNodes  = "index_nodes"
	seqName   = "outbox"
)

// Migrations returns the read model's collections.
func Migrations() []store.Migration {
	return []store.Migration{{Name: "0004_readmodel_outbox", Up: func(ctx context.Context, s *store.Store) error {
		return s.CreateCollections(ctx, colOutbox, colNodes)
	}}}
}

// Outbox is the small collection of change records every indexed write appends to. Record ids are the
// zero-padded sequence, so id order is sequence order; pruning keeps it small enough to scan cheaply.
//
// A sequence number is claimed by inserting its record (store.ClaimFirst): a duplicate key means another
// writer — this node or another — took it, and the next one is tried. A writer only tries n after seeing n-1
// taken, so records are written in sequence order without gaps; the head is the newest record.
type Outbox struct {
	s    *store.Store
	node string
	now  func() time.Time

	// claiming lets one Append of this process claim at a time. Concurrent appenders starting from the same
	// hint would each try every number the others take first, one failed insert (a write transaction) per
	// try: 8 writers cost ~4 inserts per record. In turn, each claims on its first try unless another node
	// took the number.
	claiming chan struct{}

	mu     sync.Mutex
	hint   uint64    // highest sequence this process knows is taken (0: not read yet)
	hintAt time.Time // when hint was last confirmed as the head (or taken by this process)
}

// NewOutbox is node's view of the store's outbox (ReadModel makes its own; tools and tests use this).
func NewOutbox(s *store.Store, node string) *Outbox {
	return &Outbox{s: s, node: node, now: time.Now, claiming: make(chan struct{}, 1)}
}

// hintTTL bounds how long a hint is trusted without being confirmed. Pruning deletes only records older
// than its retention (1 h) that every node has indexed, and never the newest; a hint confirmed within the
// last hintTTL is therefore above every pruned record, so a walk from it can never claim a pruned (and
// already indexed) number again.
const hintTTL = 10 * time.Minute

type changeDoc struct {
	ID   string    `bson:"_id"`
	Seq  int64     `bson:"seq"`
	Kind string    `bson:"kind"`
	Rec  string    `bson:"rec"`
	Node string    `bson:"node"`
	At   time.Time `bson:"at"`
}

type nodeDoc struct {
	ID  string    `bson:"_id"`
	Seq int64     `bson:"seq"`
	At  time.Time `bson:"at"`
}

func seqID(seq uint64) string { return fmt.Sprintf("%020d", seq) }

// Append records that kind/id is about to change and returns the record's sequence. Call it BEFORE the
// write it announces: without transactions, a crash between the two then loses nothing (the indexer reads
// the record's current state, whatever it is).
func (o *Outbox) Append(ctx context.Context, kind, id string) (uint64, error) {
	select {
	case o.claiming <- struct{}{}:
		defer func() { <-o.claiming }()
	case <-ctx.Done():
		return 0, fmt.Errorf("readmodel: append change: %w", ctx.Err())
	}
	from, err := o.start(ctx)
	if err != nil {
		return 0, err
	}
	at := o.now().UTC()
	seq, err := o.s.ClaimFirst(ctx, colOutbox, from+1, math.MaxInt64, seqID, func(n uint64) any {
		return changeDoc{Seq: int64(n), Kind: kind, Rec: id, Node: o.node, At: at}
	})
	if err != nil {
		return 0, fmt.Errorf("readmodel: append change: %w", err)
	}
	o.saw(seq, true)
	return seq, nil
}

// start returns the sequence to claim after: the hint, read again from the store when this process has none
// or it is older than hintTTL.
func (o *Outbox) start(ctx context.Context) (uint64, error) {
	o.mu.Lock()
	hint, fresh := o.hint, o.hint > 0 && o.now().Sub(o.hintAt) < hintTTL
	o.mu.Unlock()
	if fresh {
		return hint, nil
	}
	seed, err := o.seed(ctx)
	if err != nil {
		return 0, err
	}
	o.saw(seed, true)
	return max(hint, seed), nil
}

// seed is the highest sequence the store says was ever used: the newest record (pruning keeps it), the
// counter older versions incremented with $inc, and every node's checkpoint (never hand out a number a node
// may already be past). A cold path: once per process, or after hintTTL without writes.
func (o *Outbox) seed(ctx context.Context) (uint64, error) {
	var top uint64
	var d changeDoc
	err := o.s.C(colOutbox).FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.M{"_id": -1})).Decode(&d)
	if err != nil && err != mongo.ErrNoDocuments {
		return 0, store.Wrap("readmodel: newest change", err)
	}
	top = max(top, uint64(max(d.Seq, 0)))
	var legacy struct {
		Seq int64 `bson:"seq"`
	}
	err = o.s.C("counters").FindOne(ctx, bson.M{"_id": seqName}).Decode(&legacy)
	if err != nil && err != mongo.ErrNoDocuments {
		return 0, store.Wrap("readmodel: legacy head", err)
	}
	top = max(top, uint64(max(legacy.Seq, 0)))
	nodes, err := store.Find[nodeDoc](ctx, o.s, colNodes, bson.M{})
	if err != nil {
		return 0, err
	}
	for _, n := range nodes {
		top = max(top, uint64(max(n.Seq, 0)))
	}
	return top, nil
}

// saw raises the hint to seq; confirmed says seq is known to be taken (or the head) right now.
func (o *Outbox) saw(seq uint64, confirmed bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if seq >= o.hint {
		o.hint = seq
		if confirmed {
			o.hintAt = o.now()
		}
	}
}

// Since implements search.ChangeLog. An indexer that is nearly caught up (the usual case: a few writes
// since its last step) gets the records by exact `_id` — the only lookup the embedded store does without
// scanning the table (DESIGN.md); a range query with a sort scanned the whole outbox at every step and was
// the main cost of each write under load. The walk reads each record once and stops at the first number
// nobody has taken (records are claimed in order, without gaps, so that is the head plus one); a number
// missing below what this process knows is taken was pruned, and is stepped over. Further behind (catching
// up, replaying), one range query.
func (o *Outbox) Since(ctx context.Context, after uint64, limit int) ([]search.Change, error) {
	known, err := o.start(ctx)
	if err != nil {
		return nil, err
	}
	if known > after && known-after > uint64(limit) {
		docs, err := store.Find[changeDoc](ctx, o.s, colOutbox, bson.M{"_id": bson.M{"$gt": seqID(after)}},
			options.Find().SetSort(bson.M{"_id": 1}).SetLimit(int64(limit)))
		if err != nil {
			return nil, err
		}
		out := make([]search.Change, len(docs))
		for i, d := range docs {
			out[i] = search.Change{Seq: uint64(d.Seq), Kind: d.Kind, ID: d.Rec, Node: d.Node}
		}
		return out, nil
	}
	var out []search.Change
	for seq := after + 1; len(out) < limit; seq++ {
		var d changeDoc
		err := o.s.C(colOutbox).FindOne(ctx, bson.M{"_id": seqID(seq)}).Decode(&d)
		if err == mongo.ErrNoDocuments {
			if seq <= known {
				continue
			}
			break
		}
		if err != nil {
			return nil, store.Wrap("readmodel: read changes", err)
		}
		out = append(out, search.Change{Seq: uint64(d.Seq), Kind: d.Kind, ID: d.Rec, Node: d.Node})
	}
	if len(out) > 0 {
		o.saw(out[len(out)-1].Seq, true)
	}
	return out, nil
}

// Head is the last sequence handed out (0 when none): the newest change record, found by looking up the
// records after the hint by `_id` until one is missing (records are claimed in order, without gaps). A
// rebuild stamps its index with the head read before it starts, so that writes made during the rebuild are
// replayed by the feed.
func (o *Outbox) Head(ctx context.Context) (uint64, error) {
	head, err := o.start(ctx)
	if err != nil {
		return 0, err
	}
	for {
		err := o.s.C(colOutbox).FindOne(ctx, bson.M{"_id": seqID(head + 1)},
			options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
		if err == mongo.ErrNoDocuments {
			break
		}
		if err != nil {
			return 0, store.Wrap("readmodel: head", err)
		}
		head++
	}
	o.saw(head, true)
	return head, nil
}

// Oldest returns the lowest sequence still in the outbox (ok false when it is empty).
func (o *Outbox) Oldest(ctx context.Context) (uint64, bool, error) {
	var d changeDoc
	err := o.s.C(colOutbox).FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.M{"_id": 1})).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, store.Wrap("readmodel: oldest", err)
	}
	return uint64(d.Seq), true, nil
}

// Report records this node's checkpoint so that pruning waits for it.
func (o *Outbox) Report(ctx context.Context, checkpoint uint64) error {
	_, err := o.s.C(colNodes).ReplaceOne(ctx, bson.M{"_id": o.node},
		nodeDoc{ID: o.node, Seq: int64(checkpoint), At: o.now().UTC()}, options.Replace().SetUpsert(true))
	return store.Wrap("readmodel: report checkpoint", err)
}

// Prune deletes change records that every live node has indexed and that are older than retention. A node
// silent for longer than retention no longer holds pruning back: when it returns, its checkpoint is behind
// the oldest record and it rebuilds its index.
func (o *Outbox) Prune(ctx context.Context, retention time.Duration) (int64, error) {
	now := o.now().UTC()
	nodes, err := store.Find[nodeDoc](ctx, o.s, colNodes, bson.M{})
	if err != nil {
		return 0, err
	}
	var low int64 = -1
	for _, n := range nodes {
		if now.Sub(n.At) > retention {
			continue
		}
		if low < 0 || n.Seq < low {
			low = n.Seq
		}
	}
	if low <= 0 {
		return 0, nil
	}
	res, err := o.s.C(colOutbox).DeleteMany(ctx, bson.M{"_id": bson.M{"$lt": seqID(uint64(low))}, "at": bson.M{"$lt": now.Add(-retention)}})
	if err != nil {
		return 0, store.Wrap("readmodel: prune", err)
	}
	return res.DeletedCount, nil
}

// Checkpoint is how far one node's index has read the outbox, and when it last said so.
type Checkpoint struct {
	Node string
	Seq  uint64
	At   time.Time
}

// Checkpoints lists every node's reported checkpoint (`teixit doctor` compares them with the head).
func Checkpoints(ctx context.Context, s *store.Store) ([]Checkpoint, error) {
	docs, err := store.Find[nodeDoc](ctx, s, colNodes, bson.M{})
	if err != nil {
		return nil, err
	}
	out := make([]Checkpoint, len(docs))
	for i, d := range docs {
		out[i] = Checkpoint{Node: d.ID, Seq: uint64(d.Seq), At: d.At}
	}
	return out, nil
}
