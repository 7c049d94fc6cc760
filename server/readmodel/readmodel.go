// Package readmodel keeps the search index in step with the store and serves it: every indexed write goes
// through Changed (outbox record first, then the write, then the local indexer is woken and waited for, so
// a person sees their own write at once), each node's indexer follows the shared outbox, and lists, counts
// and search are answered from the index with the reader's rights inside the query. See README.md here.
package readmodel

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// Options tune the read model.
type Options struct {
	// Dir holds the index (DataDir/index).
	Dir string
	// Node names this process in the outbox; empty uses the id kept in Dir/node-id.
	Node string
	// Retention is how long change records are kept once every live node has indexed them. Default 1 h.
	Retention time.Duration
	// WriteWait bounds how long Changed waits for the local index (read-your-writes). Default 2 s.
	WriteWait time.Duration
	// ReadWait bounds how long a read waits for this node's index to take the reader's last write
	// (Consistent). Default 2 s.
	ReadWait time.Duration
	Logger   *slog.Logger
}

// Kind is how one domain plugs into the read model.
type Kind struct {
	// Load returns the current indexed form of the given records; a record absent from the result is
	// removed from the index (deleted, hidden, not indexable).
	Load search.Loader
	// All streams the ids of every record of the kind (for rebuilds).
	All func(ctx context.Context, yield func(id string) error) error
	// Link is the app page of a record (search results link to it).
	Link func(id string) string
	// Stream, when set, is used by rebuilds instead of All+Load: it scans the collection once and yields
	// each indexable record's document (records that must not be indexed are skipped).
	Stream func(ctx context.Context, yield func(id string, d search.Document) error) error
	// Count, when set, estimates how many records a rebuild will read (for its progress bar).
	Count func(ctx context.Context) (int, error)
}

// ReadModel is the index, its feed and the outbox.
type ReadModel struct {
	Index   *search.Index
	Outbox  *Outbox
	opts    Options
	kinds   map[string]Kind
	indexer *search.Indexer
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	started bool
	re      reindexer
	stateMu sync.Mutex
	state   error // non-nil while the index is not yet usable (first rebuild)
	// searches keeps anonymous readers' search answers until the index takes any change (set by Start)
	searches *Memo[search.SearchResult]
}

// Open opens (or creates) the index and the outbox. Register kinds, then Start.
func Open(s *store.Store, o Options) (*ReadModel, error) {
	if o.Retention <= 0 {
		o.Retention = time.Hour
	}
	if o.WriteWait <= 0 {
		o.WriteWait = 2 * time.Second
	}
	if o.ReadWait <= 0 {
		o.ReadWait = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("readmodel: %w", err)
	}
	if o.Node == "" {
		node, err := nodeID(o.Dir)
		if err != nil {
			return nil, err
		}
		o.Node = node
	}
	idx, err := search.Open(filepath.Join(o.Dir, "bleve"), search.Options{})
	if err != nil {
		return nil, fmt.Errorf("readmodel: open index: %w", err)
	}
	return &ReadModel{Index: idx, Outbox: NewOutbox(s, o.Node), opts: o, kinds: map[string]Kind{}}, nil
}

func nodeID(dir string) (string, error) {
	path := filepath.Join(dir, "node-id")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	host, _ := os.Hostname()
	id := host + "-" + hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("readmodel: node id: %w", err)
	}
	return id, nil
}

// Register plugs a kind in; call before Start.
func (rm *ReadModel) Register(kind string, k Kind) { rm.kinds[kind] = k }

// Kinds lists the registered kinds, sorted.
func (rm *ReadModel) Kinds() []string {
	out := make([]string, 0, len(rm.kinds))
	for k := range rm.kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Registered returns a registered kind (to wrap its loader, as translations do); ok is false when none is.
func (rm *ReadModel) Registered(kind string) (k Kind, ok bool) {
	k, ok = rm.kinds[kind]
	return k, ok
}

// Announce appends a change record for a record whose indexed form changed without a write of its own (a
// translation whose original changed) and wakes the local indexer; it does not wait (safe from a loader).
func (rm *ReadModel) Announce(ctx context.Context, kind, id string) error {
	if _, err := rm.Outbox.Append(ctx, kind, id); err != nil {
		return err
	}
	if rm.indexer != nil && rm.started {
		rm.indexer.Notify()
	}
	return nil
}

// Start brings the index up to date and then follows the outbox in the background until Close. When the index
// is new or fell behind the outbox's retained window it is rebuilt from the store first — in the background:
// the server answers meanwhile and /readyz says "not ready" until the rebuild is done.
func (rm *ReadModel) Start(ctx context.Context) error {
	loaders := map[string]search.Loader{}
	for name, k := range rm.kinds {
		loaders[name] = k.Load
	}
	rm.indexer = search.NewIndexer(rm.Index, rm.Outbox, loaders, search.IndexerOptions{Logger: rm.opts.Logger})
	rm.searches = NewMemo[search.SearchResult](rm, keptSearches, rm.Kinds()...)
	cp, err := rm.Index.Checkpoint()
	if err != nil {
		return err
	}
	oldest, any, err := rm.Outbox.Oldest(ctx)
	if err != nil {
		return err
	}
	// Rebuild when the index was built with an older mapping, or fell behind the outbox's retained window.
	rebuild := rm.Index.Stale() || (any && oldest > cp+1)
	if cp == 0 && !rebuild {
		// A new, empty index over a store that has records: build it. (An index rebuilt while the outbox was
		// still empty has documents but checkpoint 0, and needs nothing.)
		n, err := rm.Index.Count()
		if err != nil {
			return err
		}
		if n == 0 {
			if rebuild, err = rm.storeHasRecords(ctx); err != nil {
				return err
			}
		}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rm.cancel, rm.started = cancel, true
	if !rebuild {
		if err := rm.indexer.CatchUp(ctx); err != nil {
			cancel()
			return err
		}
		rm.follow(runCtx)
		return nil
	}
	rm.setState(fmt.Errorf("the search index is being rebuilt from the store"))
	rm.wg.Add(1)
	go func() {
		defer rm.wg.Done()
		rm.opts.Logger.Info("rebuilding the search index", "checkpoint", cp, "oldest_change", oldest)
		for {
			err := rm.Rebuild(runCtx, func(done, total int) {
				rm.setState(fmt.Errorf("the search index is being rebuilt from the store (%d of about %d records)", done, total))
			})
			if err == nil {
				err = rm.indexer.CatchUp(runCtx)
			}
			if err == nil {
				break
			}
			if runCtx.Err() != nil {
				return
			}
			rm.opts.Logger.Error("search index rebuild failed; retrying in 10 s", "err", err)
			select {
			case <-runCtx.Done():
				return
			case <-time.After(10 * time.Second):
			}
		}
		rm.opts.Logger.Info("search index rebuilt")
		rm.setState(nil)
		rm.follow(runCtx)
	}()
	return nil
}

// follow runs the indexer and the outbox maintenance until ctx ends.
func (rm *ReadModel) follow(ctx context.Context) {
	rm.wg.Add(2)
	go func() { defer rm.wg.Done(); _ = rm.indexer.Run(ctx) }()
	go func() { defer rm.wg.Done(); rm.maintain(ctx) }()
}

var errFoundOne = errors.New("found one")

// storeHasRecords reports whether any registered kind has at least one record (stopping at the first).
func (rm *ReadModel) storeHasRecords(ctx context.Context) (bool, error) {
	for _, k := range rm.kinds {
		err := k.All(ctx, func(string) error { return errFoundOne })
		if errors.Is(err, errFoundOne) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
}

func (rm *ReadModel) setState(err error) {
	rm.stateMu.Lock()
	rm.state = err
	rm.stateMu.Unlock()
}

// maintain reports this node's checkpoint and prunes the outbox once a minute.
func (rm *ReadModel) maintain(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if cp, err := rm.Index.Checkpoint(); err == nil {
			if err := rm.Outbox.Report(ctx, cp); err != nil && ctx.Err() == nil {
				rm.opts.Logger.Warn("read model: report checkpoint", "err", err)
			}
		}
		if _, err := rm.Outbox.Prune(ctx, rm.opts.Retention); err != nil && ctx.Err() == nil {
			rm.opts.Logger.Warn("read model: prune outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Changed runs write, announcing it first in the outbox, then makes the local index reflect it before
// returning (bounded by WriteWait: past that the write still succeeds and is indexed shortly after).
//
// Two change records frame the write. The first, before it, makes sure a write that a crash interrupts is
// still indexed. But a node may index that record in a step that runs before the write lands, and index the
// old state (until its reload a second later); so a second record follows the write, and any node that has
// indexed it has read the record as written. That second sequence is what this node waits for and what the
// request's written cookie carries (Consistent), so the writer sees their write on every node.
func (rm *ReadModel) Changed(ctx context.Context, kind, id string, write func() error) error {
	seq, err := rm.Outbox.Append(ctx, kind, id)
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		return err
	}
	if rm.indexer == nil || !rm.started {
		return nil // a tool writing (seed, migrations): the nodes' reload of every change covers it
	}
	var stepped <-chan struct{}
	done, err := rm.Outbox.Append(ctx, kind, id)
	if err != nil {
		// The write stands. This node, at least, reads the record again in a step that starts now.
		rm.opts.Logger.Warn("read model: append the change's second record", "kind", kind, "id", id, "err", err)
		done, stepped = seq, rm.indexer.Recheck(kind, id)
	}
	if w := writtenFrom(ctx); w != nil {
		w.note(done)
	}
	rm.indexer.Notify()
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rm.opts.WriteWait)
	defer cancel()
	if err := rm.indexer.WaitFor(wctx, done); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if stepped != nil {
		select {
		case <-stepped:
		case <-wctx.Done():
		}
	}
	return nil
}

// Rebuild builds a fresh index from every registered kind in a new folder and swaps it in; queries are
// served by the old index meanwhile. progress, when given, receives (done, total).
func (rm *ReadModel) Rebuild(ctx context.Context, progress search.Progress) error {
	head, err := rm.Outbox.Head(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, k := range rm.kinds {
		if k.Count != nil {
			n, err := k.Count(ctx)
			if err != nil { // only the progress bar needs it
				rm.opts.Logger.Warn("read model: count for the rebuild's progress", "err", err)
			}
			total += n
		}
	}
	source := func(ctx context.Context, yield func(search.Document) error) error {
		for name, k := range rm.kinds {
			if k.Stream != nil { // one scan that converts as it goes: no lookup per record
				err := k.Stream(ctx, func(id string, d search.Document) error {
					if d.ID == "" {
						d.ID = search.DocID(name, id)
					}
					if d.Kind == "" {
						d.Kind = name
					}
					return yield(d)
				})
				if err != nil {
					return err
				}
				continue
			}
			batch := make([]string, 0, 200)
			flush := func() error {
				if len(batch) == 0 {
					return nil
				}
				found, err := k.Load(ctx, batch)
				if err != nil {
					return err
				}
				for _, id := range batch {
					if d, ok := found[id]; ok {
						if d.ID == "" {
							d.ID = search.DocID(name, id)
						}
						if d.Kind == "" {
							d.Kind = name
						}
						if err := yield(d); err != nil {
							return err
						}
					}
				}
				batch = batch[:0]
				return nil
			}
			err := k.All(ctx, func(id string) error {
				batch = append(batch, id)
				if len(batch) == cap(batch) {
					return flush()
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
		return nil
	}
	return rm.Index.Rebuild(ctx, head, total, source, progress)
}

// WaitIndexed blocks until every change written so far is in the local index (for tests and tools).
func (rm *ReadModel) WaitIndexed(ctx context.Context) error {
	head, err := rm.Outbox.Head(ctx)
	if err != nil {
		return err
	}
	rm.indexer.Notify()
	return rm.indexer.WaitFor(ctx, head)
}

// Close stops the feed and closes the index.
func (rm *ReadModel) Close() error {
	if rm.cancel != nil {
		rm.cancel()
	}
	rm.wg.Wait()
	return rm.Index.Close()
}

// ReaderFor turns a request's principal into the search package's reader (nil is anonymous).
func ReaderFor(p *auth.Principal) search.Reader { return p.Reader() }

// List runs a read-model list query (see search.ListRequest).
func (rm *ReadModel) List(ctx context.Context, r search.Reader, req search.ListRequest) (*search.ListResult, error) {
	res, err := rm.Index.List(ctx, r, req)
	return res, mapErr(err)
}

// RecordIDs turns the documents of a list ("kind:id") into the ids of the records they index, in order,
// for loading those records fresh from the store by id.
func RecordIDs(items []search.Document) []string {
	out := make([]string, len(items))
	for i, it := range items {
		_, out[i], _ = strings.Cut(it.ID, ":")
	}
	return out
}

// Counts runs a read-model count query for dashboards.
func (rm *ReadModel) Counts(ctx context.Context, r search.Reader, kind string, filters map[string][]string, fields []string) (*search.CountResult, error) {
	res, err := rm.Index.Counts(ctx, r, kind, filters, fields)
	return res, mapErr(err)
}

// Version stamps the local index's state for the given kinds (search.Index.Version): see Memo.
func (rm *ReadModel) Version(kinds ...string) uint64 { return rm.Index.Version(kinds...) }

// Ready reports whether the index answers.
func (rm *ReadModel) Ready() error {
	rm.stateMu.Lock()
	state := rm.state
	rm.stateMu.Unlock()
	if state != nil {
		return state
	}
	_, err := rm.Index.Count()
	return err
}
