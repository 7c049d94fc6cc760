package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// Change is one outbox record: "the record Kind/ID changed". The server
// appends it before the write it announces; the indexer indexes the record's
// current state, read by id.
type Change struct {
	Seq  uint64 // from a counter; commit order may differ from Seq order
	Kind string // collection kind, e.g. "practice"; selects the Loader
	ID   string // record id within the kind
	Node string // node that made the write (informational)
}

// ChangeLog is the outbox as the indexer needs it. The server implements it.
type ChangeLog interface {
	// Since returns up to limit changes with Seq > afterSeq in Seq order.
	Since(ctx context.Context, afterSeq uint64, limit int) ([]Change, error)
}

// Loader reads the current state of records of one kind by id and converts
// them to Documents. An id absent from found (deleted, or no longer indexed)
// is removed from the index. A Document's ID and Kind are set by the indexer
// to DocID(kind, id) and kind when left empty.
type Loader func(ctx context.Context, ids []string) (found map[string]Document, err error)

// DocID is the index id of record id of kind: "kind:id".
func DocID(kind, id string) string { return kind + ":" + id }

// IndexerOptions tune the feed. The zero value is usable.
type IndexerOptions struct {
	Interval   time.Duration // polling interval; default 200 ms
	BatchSize  int           // changes read and applied per step; default 500
	Window     uint64        // seqs behind the checkpoint replayed at start; default 1000
	Settle     time.Duration // each change is loaded again this long after first seen; default 1 s
	GapTimeout time.Duration // a missing seq is given up after this; default 30 s
	Logger     *slog.Logger  // default slog.Default()
}

func (o *IndexerOptions) defaults() {
	if o.Interval <= 0 {
		o.Interval = 200 * time.Millisecond
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.Window == 0 {
		o.Window = 1000
	}
	if o.Settle <= 0 {
		o.Settle = time.Second
	}
	if o.GapTimeout <= 0 {
		o.GapTimeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Indexer feeds the Index from the ChangeLog in sequence order.
//
// Commit order can differ from sequence order, and a change record is
// written before the data it announces, so the indexer:
//   - replays Window seqs behind the stored checkpoint when it starts (or
//     when the index was rebuilt underneath it);
//   - remembers seqs skipped over (gaps) and reads from the oldest open gap
//     until it shows up or GapTimeout passes;
//   - loads every change again once, Settle after first seeing it, so a
//     write that landed after the first load is indexed too.
//
// Indexing is idempotent, so replays are harmless. The checkpoint (highest
// seq applied) is stored inside the index in the same batch as the documents.
type Indexer struct {
	idx     *Index
	log     ChangeLog
	loaders map[string]Loader
	opts    IndexerOptions
	wake    chan struct{}

	mu       sync.Mutex
	ready    bool                 // state below matches the index
	replay   bool                 // re-reading the window behind the checkpoint
	replayAt uint64               // last seq read while replaying
	base     uint64               // checkpoint last read from / written to the index
	highest  uint64               // highest seq processed
	gaps     map[uint64]time.Time // seqs skipped over, with when first noticed
	rechecks map[string]recheck   // by DocID
	progress chan struct{}        // closed and replaced after each applied step
	lastErr  error
}

type recheck struct {
	kind, id string
	due      time.Time
}

// NewIndexer returns an indexer; call Run to start it.
func NewIndexer(idx *Index, log ChangeLog, loaders map[string]Loader, opts IndexerOptions) *Indexer {
	opts.defaults()
	return &Indexer{idx: idx, log: log, loaders: loaders, opts: opts, wake: make(chan struct{}, 1),
		gaps: map[uint64]time.Time{}, rechecks: map[string]recheck{}, progress: make(chan struct{})}
}

// Notify wakes the indexer at once (call it after a local write, for
// read-your-writes). It never blocks.
func (x *Indexer) Notify() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// Run polls and indexes until ctx is done; it returns ctx's error. Step
// errors are logged and retried at the next interval.
func (x *Indexer) Run(ctx context.Context) error {
	for {
		more, err := x.Step(ctx)
		if err != nil && ctx.Err() == nil {
			x.opts.Logger.Warn("search indexer step failed", "err", err)
		}
		if more && err == nil {
			continue
		}
		t := time.NewTimer(x.opts.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-x.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Step reads one batch of changes plus due rechecks and applies them. more
// reports that a full batch was read (call again at once to catch up).
func (x *Indexer) Step(ctx context.Context) (more bool, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	defer func() {
		x.lastErr = err
		close(x.progress)
		x.progress = make(chan struct{})
	}()
	cp, err := x.idx.Checkpoint()
	if err != nil {
		return false, err
	}
	if !x.ready || cp != x.base {
		// first step, or the index was swapped: start over from its
		// checkpoint, re-reading the window behind it (over several steps
		// if it holds more than a batch)
		x.ready, x.base, x.highest = true, cp, cp
		x.replay, x.replayAt = true, cp-min(cp, x.opts.Window)
		x.gaps = map[uint64]time.Time{}
	}
	replay := x.replay
	after := x.highest
	if replay {
		after = x.replayAt
	} else if g, ok := x.oldestGap(); ok {
		after = g - 1
	}
	changes, err := x.log.Since(ctx, after, x.opts.BatchSize)
	if err != nil {
		return false, fmt.Errorf("search: indexer: read changes after %d: %w", after, err)
	}
	now := time.Now()
	todo := map[string]recheck{}
	newHighest := x.highest
	filled := []uint64{}
	for _, c := range changes {
		switch _, gap := x.gaps[c.Seq]; {
		case gap:
			filled = append(filled, c.Seq)
		case c.Seq <= newHighest && !replay:
			continue // already processed
		}
		if c.Seq > newHighest {
			for s := max(newHighest+1, c.Seq-min(c.Seq, x.opts.Window)); s < c.Seq; s++ {
				x.gaps[s] = now
			}
			newHighest = c.Seq
		}
		todo[DocID(c.Kind, c.ID)] = recheck{kind: c.Kind, id: c.ID}
	}
	// due rechecks ride along in the same batch
	for key, r := range x.rechecks {
		if len(todo) >= 2*x.opts.BatchSize {
			break
		}
		if !r.due.After(now) {
			if _, ok := todo[key]; !ok {
				todo[key] = recheck{kind: r.kind, id: r.id, due: r.due}
			}
		}
	}
	upserts, deletes, err := x.load(ctx, todo)
	if err != nil {
		return false, err
	}
	err = x.idx.Apply(ctx, Batch{Upserts: upserts, Deletes: deletes, Base: cp, Checkpoint: newHighest})
	if errors.Is(err, ErrCheckpointMoved) {
		x.ready = false
		return true, nil
	}
	if err != nil {
		return false, err
	}
	// commit the step's bookkeeping
	if replay {
		if n := len(changes); n == 0 || n < x.opts.BatchSize || changes[n-1].Seq >= cp {
			x.replay = false
		} else {
			x.replayAt = changes[n-1].Seq
		}
	}
	x.highest = max(newHighest, x.highest)
	x.base = max(cp, x.highest)
	for _, s := range filled {
		delete(x.gaps, s)
	}
	for s, seen := range x.gaps {
		if now.Sub(seen) > x.opts.GapTimeout {
			delete(x.gaps, s)
		}
	}
	for key, r := range todo {
		if r.due.IsZero() { // first sight: load again after Settle
			x.rechecks[key] = recheck{kind: r.kind, id: r.id, due: now.Add(x.opts.Settle)}
		} else if cur, ok := x.rechecks[key]; ok && cur.due == r.due {
			delete(x.rechecks, key)
		}
	}
	return len(changes) == x.opts.BatchSize, nil
}

func (x *Indexer) oldestGap() (uint64, bool) {
	first, ok := uint64(0), false
	for s := range x.gaps {
		if !ok || s < first {
			first, ok = s, true
		}
	}
	return first, ok
}

// load reads the current state of the given records, grouped by kind.
func (x *Indexer) load(ctx context.Context, todo map[string]recheck) (upserts []Document, deletes []string, err error) {
	byKind := map[string][]string{}
	for _, r := range todo {
		byKind[r.kind] = append(byKind[r.kind], r.id)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		load, ok := x.loaders[kind]
		if !ok {
			x.opts.Logger.Warn("search indexer: no loader for kind; changes skipped", "kind", kind)
			continue
		}
		ids := byKind[kind]
		found, err := load(ctx, ids)
		if err != nil {
			return nil, nil, fmt.Errorf("search: indexer: load %s: %w", kind, err)
		}
		for _, id := range ids {
			d, ok := found[id]
			if !ok {
				deletes = append(deletes, DocID(kind, id))
				continue
			}
			if d.ID == "" {
				d.ID = DocID(kind, id)
			}
			if d.Kind == "" {
				d.Kind = kind
			}
			nd, err := x.idx.normalise(d)
			if err != nil {
				// one bad record must not stall the feed; drop it from the
				// index rather than leave a stale version visible
				x.opts.Logger.Warn("search indexer: invalid document removed from the index", "id", d.ID, "err", err)
				deletes = append(deletes, d.ID)
				continue
			}
			upserts = append(upserts, nd)
		}
	}
	return upserts, deletes, nil
}

// Recheck has the next step load kind/id again, and returns a channel closed when that step is done. For
// read-your-writes after a local write: the change record is appended before the write, so a step running
// meanwhile may have indexed the document as it was before; the step this asks for starts after the call
// (a step holds the lock throughout) and reads the document as written.
func (x *Indexer) Recheck(kind, id string) <-chan struct{} {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.rechecks[DocID(kind, id)] = recheck{kind: kind, id: id, due: time.Now()}
	return x.progress
}

// Indexed reports, without waiting, whether the change numbered seq is in the index.
func (x *Indexer) Indexed(seq uint64) bool {
	done, _ := x.indexed(seq)
	return done
}

// indexed reports whether seq is in, and the channel closed at the next progress.
func (x *Indexer) indexed(seq uint64) (bool, chan struct{}) {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, gap := x.gaps[seq]
	return x.ready && seq <= x.highest && !gap, x.progress
}

// WaitFor blocks until the change with sequence seq has been indexed (or
// given up as a gap that never appeared), or ctx is done. Use it for
// read-your-writes: write, Notify, WaitFor.
func (x *Indexer) WaitFor(ctx context.Context, seq uint64) error {
	for {
		done, ch := x.indexed(seq)
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// CatchUp runs steps until the last one read less than a full batch: the
// index then reflects every change committed before the call (rechecks that
// are due ride along with each step). For tools and tests.
func (x *Indexer) CatchUp(ctx context.Context) error {
	for {
		more, err := x.Step(ctx)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}
