package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// Source streams every document to index, calling yield for each; it stops
// and returns yield's error if yield fails. The CLI's source reads the store.
type Source func(ctx context.Context, yield func(Document) error) error

// Progress receives (done, total) as a rebuild advances; total is the
// caller's estimate (0 if unknown).
type Progress func(done, total int)

// rebuildBatch is the number of documents per Bleve batch during a rebuild.
const rebuildBatch = 500

// Rebuild builds a fresh index from source in a new folder, stamps it with
// checkpoint (the outbox head read BEFORE the source started, so changes
// made during the rebuild are replayed by the feed), makes it durable, then
// swaps it in atomically: queries keep being served by the old index until
// the swap and by the new one after; the old folder is then removed. On
// error or cancellation the live index is untouched.
func (ix *Index) Rebuild(ctx context.Context, checkpoint uint64, total int, source Source, progress Progress) error {
	name := fmt.Sprintf("gen-%d", time.Now().UnixNano())
	g, err := ix.create(name)
	if err != nil {
		return err
	}
	swapped := false
	defer func() {
		if !swapped {
			g.bi.Close()
			os.RemoveAll(filepath.Join(ix.root, name))
		}
	}()
	// Reading the source (store decoding, conversion) and indexing a batch (analysis, segment building) take
	// turns on two batches: while Bleve indexes one, the source fills the other.
	ixr := newBatchIndexer(g.bi, progress, total)
	batch := g.bi.NewBatch()
	done := 0
	err = source(ctx, func(d Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := ix.normalise(d)
		if err != nil {
			return err
		}
		doc, err := mapDoc(g.bi.Mapping(), &d)
		if err != nil {
			return fmt.Errorf("search: rebuild %s: %w", d.ID, err)
		}
		if err := batch.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("search: rebuild %s: %w", d.ID, err)
		}
		done++
		if batch.Size() >= rebuildBatch {
			if batch, err = ixr.hand(batch, done); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		batch.SetInternal(checkpointKey, encodeSeq(checkpoint))
		_, err = ixr.hand(batch, done)
	}
	if failed := ixr.stop(); failed != nil {
		return failed // the batch's failure, which stopped the source
	}
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	if err := flush(g.bi); err != nil {
		return err
	}
	if progress != nil {
		progress(done, done)
	}
	return ix.swap(g, &swapped)
}

// swap makes g the live generation: CURRENT first (a crash after it opens
// the new index), then the in-memory pointer under the exclusive lock.
func (ix *Index) swap(g *generation, swapped *bool) error {
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		return errClosed
	}
	if err := ix.writeCurrent(g.name); err != nil {
		ix.mu.Unlock()
		return err
	}
	old := ix.cur
	ix.cur = g
	*swapped = true
	ix.versions.bump(nil, true)
	ix.mu.Unlock()
	err := old.bi.Close()
	os.RemoveAll(filepath.Join(ix.root, old.name))
	if err != nil {
		return fmt.Errorf("search: rebuild: close old index: %w", err)
	}
	return nil
}

// batchIndexer indexes a rebuild's batches in its own goroutine, one at a time, in order, while the
// caller fills the next one: two batches take turns.
type batchIndexer struct {
	work     chan pending
	free     chan *bleve.Batch
	finished chan error
	failed   atomic.Bool
}

type pending struct {
	b    *bleve.Batch
	done int
}

func newBatchIndexer(bi bleve.Index, progress Progress, total int) *batchIndexer {
	x := &batchIndexer{work: make(chan pending), free: make(chan *bleve.Batch, 1), finished: make(chan error, 1)}
	x.free <- bi.NewBatch()
	go func() {
		var first error
		for p := range x.work {
			if first == nil {
				if err := bi.Batch(p.b); err != nil {
					first = fmt.Errorf("search: rebuild: %w", err)
					x.failed.Store(true)
				} else if progress != nil {
					progress(p.done, max(total, p.done)) // the total is an estimate: when it falls short, it grows with done
				}
			}
			p.b.Reset()
			x.free <- p.b
		}
		x.finished <- first
	}()
	return x
}

// errBatchFailed stops the source when an earlier batch failed; stop returns that failure.
var errBatchFailed = errors.New("search: rebuild: an earlier batch failed")

// hand gives b (done documents so far) to the indexer and returns the batch to fill next, waiting while
// both are busy.
func (x *batchIndexer) hand(b *bleve.Batch, done int) (*bleve.Batch, error) {
	if x.failed.Load() {
		return b, errBatchFailed
	}
	if b.Size() == 0 {
		return b, nil
	}
	x.work <- pending{b: b, done: done}
	return <-x.free, nil
}

// stop waits for the batches handed so far and returns the first failure.
func (x *batchIndexer) stop() error {
	close(x.work)
	return <-x.finished
}
