package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
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
	batch := g.bi.NewBatch()
	done := 0
	flushBatch := func() error {
		if batch.Size() == 0 {
			return nil
		}
		if err := g.bi.Batch(batch); err != nil {
			return fmt.Errorf("search: rebuild: %w", err)
		}
		batch.Reset()
		if progress != nil {
			progress(done, max(total, done)) // the total is an estimate: when it falls short, it grows with done
		}
		return nil
	}
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
			return flushBatch()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	batch.SetInternal(checkpointKey, encodeSeq(checkpoint))
	if err := flushBatch(); err != nil {
		return err
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
