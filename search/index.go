package search

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// Options tune an Index. The zero value is usable.
type Options struct {
	// DefaultLanguage is used when a document has no language and detection
	// finds no clue. Default Catalan.
	DefaultLanguage string
	// MaxPage bounds Page in searches and lists (deep paging is costly;
	// lists should use cursors). Default 100.
	MaxPage int
	// MaxPerPage bounds PerPage. Default 100.
	MaxPerPage int
	// FuzzyBelow: a search whose exact words find fewer documents than this
	// is run again with typo tolerance (edit distance 1 on words of 5+
	// letters, ranked below exact matches). Default 3.
	FuzzyBelow int
	// PersisterNap is how long scorch's persister waits to gather segments
	// before writing them (fewer, larger segments). Default 100 ms. Documents
	// are searchable as soon as Apply returns, whatever this value.
	PersisterNap time.Duration
}

func (o *Options) defaults() {
	if o.DefaultLanguage == "" || !validLang(o.DefaultLanguage) {
		o.DefaultLanguage = Catalan
	}
	if o.MaxPage <= 0 {
		o.MaxPage = 100
	}
	if o.MaxPerPage <= 0 {
		o.MaxPerPage = 100
	}
	if o.FuzzyBelow <= 0 {
		o.FuzzyBelow = 3
	}
	if o.PersisterNap <= 0 {
		o.PersisterNap = 100 * time.Millisecond
	}
}

// Index is the search index and read model. It is safe for concurrent use.
// It holds one on-disk scorch index (a "generation" under its folder) that
// Rebuild can replace atomically while queries are being served.
type Index struct {
	opts     Options
	root     string
	detector *Detector

	mu     sync.RWMutex // queries hold it shared; a swap holds it exclusively
	cur    *generation
	closed bool

	applyMu sync.Mutex // serialises Apply: checkpoint check and write are one step

	versions versions // bumped after each applied batch, per kind, and at each swap
}

// versions counts the changes the live index has taken, per kind, plus the swaps of the whole index.
type versions struct {
	mu     sync.RWMutex
	byKind map[string]uint64
	swaps  uint64
}

func (v *versions) bump(kinds map[string]bool, swap bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.byKind == nil {
		v.byKind = map[string]uint64{}
	}
	for k := range kinds {
		v.byKind[k]++
	}
	if swap {
		v.swaps++
	}
}

// Version stamps what the index holds for the given kinds: it changes after every applied batch that
// upserts or deletes a document of one of them and after every rebuild's swap, and at no other time. A value
// computed from the index (or from store records announced under those kinds, which are written before their
// batch is applied) is still right while the stamp is the one read before computing it. The stamp is this
// process's own: each node's index follows the outbox and moves its stamp when it takes a change.
func (ix *Index) Version(kinds ...string) uint64 {
	v := &ix.versions
	v.mu.RLock()
	defer v.mu.RUnlock()
	sum := v.swaps // a sum of counters that only grow changes whenever one of them does
	for _, k := range kinds {
		sum += v.byKind[k]
	}
	return sum
}

// MappingVersion changes whenever the mapping or the analyzers change in a
// way that needs existing documents re-indexed. It is stored in each index.
const MappingVersion = "7" // 5: staff:<org> grants (pending contributions); 6: skind; 7: bodies as plain text, no elided articles in suggestions

// mappingVersionKey is the Bleve internal key holding MappingVersion.
var mappingVersionKey = []byte("teixit.mapping_version")

// Stale reports whether the live index was built with another
// MappingVersion: queries still work, but results may be incomplete until
// Rebuild (teixit reindex) runs.
func (ix *Index) Stale() bool {
	stale := true
	ix.with(func(bi bleve.Index) error {
		v, err := bi.GetInternal(mappingVersionKey)
		stale = err != nil || string(v) != MappingVersion
		return nil
	})
	return stale
}

type generation struct {
	bi   bleve.Index
	name string // folder name under root
}

// currentFile names the live generation's folder; replaced atomically.
const currentFile = "CURRENT"

// checkpointKey is the Bleve internal key holding the feed checkpoint.
var checkpointKey = []byte("teixit.checkpoint")

// Open opens the index in dir, creating dir and an empty index if needed.
func Open(dir string, opts Options) (*Index, error) {
	opts.defaults()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("search: open: %w", err)
	}
	ix := &Index{opts: opts, root: dir, detector: NewDetector()}
	name, err := os.ReadFile(filepath.Join(dir, currentFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		g, err := ix.create(fmt.Sprintf("gen-%d", time.Now().UnixNano()))
		if err != nil {
			return nil, err
		}
		if err := ix.writeCurrent(g.name); err != nil {
			g.bi.Close()
			return nil, err
		}
		ix.cur = g
	case err != nil:
		return nil, fmt.Errorf("search: open: %w", err)
	default:
		g, err := ix.open(strings.TrimSpace(string(name)))
		if err != nil {
			return nil, err
		}
		ix.cur = g
	}
	ix.removeStale()
	return ix, nil
}

// scorchConfig: unsafe_batch makes a batch visible to searches as soon as it
// is in memory instead of waiting for the disk. That is safe here because the
// feed checkpoint is written in the same batch: after a crash the index
// reopens at a consistent (documents, checkpoint) snapshot and the feed
// replays from it.
func (ix *Index) scorchConfig() map[string]interface{} {
	return map[string]interface{}{
		"unsafe_batch": true,
		"scorchPersisterOptions": map[string]interface{}{
			"PersisterNapTimeMSec": int(ix.opts.PersisterNap / time.Millisecond),
			"NumPersisterWorkers":  1,
		},
	}
}

func (ix *Index) create(name string) (*generation, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	bi, err := bleve.NewUsing(filepath.Join(ix.root, name), m, scorch.Name, scorch.Name, ix.scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("search: create %s: %w", name, err)
	}
	// the mapping is stored by an (unsafe) batch: make it durable now,
	// together with its version
	if err := bi.SetInternal(mappingVersionKey, []byte(MappingVersion)); err != nil {
		bi.Close()
		return nil, fmt.Errorf("search: create %s: %w", name, err)
	}
	if err := flush(bi); err != nil {
		bi.Close()
		return nil, fmt.Errorf("search: create %s: %w", name, err)
	}
	return &generation{bi: bi, name: name}, nil
}

func (ix *Index) open(name string) (*generation, error) {
	bi, err := bleve.OpenUsing(filepath.Join(ix.root, name), ix.scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", name, err)
	}
	return &generation{bi: bi, name: name}, nil
}

// writeCurrent points CURRENT at name atomically (write, sync, rename).
func (ix *Index) writeCurrent(name string) error {
	tmp := filepath.Join(ix.root, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("search: write current: %w", err)
	}
	if _, err := f.WriteString(name + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("search: write current: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("search: write current: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("search: write current: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ix.root, currentFile)); err != nil {
		return fmt.Errorf("search: write current: %w", err)
	}
	return nil
}

// removeStale deletes generation folders other than the live one (left by an
// interrupted rebuild or a crash after a swap).
func (ix *Index) removeStale() {
	entries, _ := os.ReadDir(ix.root)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && e.Name() != ix.cur.name {
			os.RemoveAll(filepath.Join(ix.root, e.Name()))
		}
	}
}

// Close closes the index. Queries after Close fail.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ferr := flush(ix.cur.bi)
	if err := ix.cur.bi.Close(); err != nil {
		return fmt.Errorf("search: close: %w", err)
	}
	return ferr
}

// flushTimeout bounds how long flush waits for the disk.
const flushTimeout = time.Minute

// flushKey is an internal key written only to get a persistence callback.
var flushKey = []byte("teixit.flush")

// flush waits until every batch applied so far is on disk. With unsafe
// batches scorch persists in the background and Close does not wait, so
// Close and Rebuild call this first: a batch's persisted callback fires once
// it and all earlier batches are persisted.
func flush(bi bleve.Index) error {
	done := make(chan error, 1)
	b := bi.NewBatch()
	b.SetInternal(flushKey, encodeSeq(uint64(time.Now().UnixNano())))
	b.SetPersistedCallback(func(err error) {
		select {
		case done <- err:
		default: // called again after a retried persist: already reported
		}
	})
	if err := bi.Batch(b); err != nil {
		return fmt.Errorf("search: flush: %w", err)
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("search: flush: %w", err)
		}
		return nil
	case <-time.After(flushTimeout):
		return errors.New("search: flush: timed out waiting for the disk")
	}
}

var errClosed = errors.New("search: index closed")

// with runs f on the live Bleve index, holding off swaps and Close meanwhile.
func (ix *Index) with(f func(bi bleve.Index) error) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return errClosed
	}
	return f(ix.cur.bi)
}

// Batch is one atomic change to the index: documents to upsert, ids to
// delete, and the feed checkpoint the batch brings the index to.
type Batch struct {
	Upserts []Document
	Deletes []string
	// Base is the checkpoint the caller read before building the batch.
	// Apply fails with ErrCheckpointMoved if the index's checkpoint is now
	// lower (the index was rebuilt meanwhile), so no change is skipped.
	Base uint64
	// Checkpoint is stored in the same Bleve batch as the documents. It never
	// moves backwards: the stored value becomes max(current, Checkpoint).
	// 0 leaves it unchanged.
	Checkpoint uint64
}

// Apply writes a batch atomically: after it returns, the documents are
// searchable (well under the 1 s latency goal) and Checkpoint reports the
// new value. Invalid documents fail the whole batch with an *InputError.
func (ix *Index) Apply(ctx context.Context, b Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	docs := make([]Document, len(b.Upserts))
	for i := range b.Upserts {
		d, err := ix.normalise(b.Upserts[i])
		if err != nil {
			return err
		}
		docs[i] = d
	}
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	return ix.with(func(bi bleve.Index) error {
		cur, err := readCheckpoint(bi)
		if err != nil {
			return err
		}
		if cur < b.Base {
			return fmt.Errorf("search: apply: index at %d, batch based on %d: %w", cur, b.Base, ErrCheckpointMoved)
		}
		batch := bi.NewBatch()
		m := bi.Mapping()
		for i := range docs {
			doc, err := mapDoc(m, &docs[i])
			if err != nil {
				return fmt.Errorf("search: apply %s: %w", docs[i].ID, err)
			}
			if err := batch.IndexAdvanced(doc); err != nil {
				return fmt.Errorf("search: apply %s: %w", docs[i].ID, err)
			}
		}
		for _, id := range b.Deletes {
			batch.Delete(id)
		}
		if b.Checkpoint > cur {
			batch.SetInternal(checkpointKey, encodeSeq(b.Checkpoint))
		}
		if batch.Size() == 0 {
			return nil
		}
		if err := bi.Batch(batch); err != nil {
			return fmt.Errorf("search: apply: %w", err)
		}
		touched := map[string]bool{}
		for i := range docs {
			touched[docs[i].Kind] = true
		}
		for _, id := range b.Deletes {
			if kind, _, ok := strings.Cut(id, ":"); ok {
				touched[kind] = true
			}
		}
		ix.versions.bump(touched, false) // after the batch is visible: a reader never keeps older data under the new stamp
		return nil
	})
}

var fieldNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// normalise validates d and fills defaults: language (detected), status.
func (ix *Index) normalise(d Document) (Document, error) {
	if d.ID == "" {
		return d, inputErr("id", "document without id")
	}
	if d.Kind == "" {
		return d, inputErr("kind", "document %s without kind", d.ID)
	}
	if d.Language == "" {
		d.Language = ix.detector.Detect(d.Title+" "+d.Body, ix.opts.DefaultLanguage)
	} else if !validLang(d.Language) {
		return d, inputErr("language", "document %s: unsupported language %q", d.ID, d.Language)
	}
	if d.Status == "" {
		d.Status = statusPublished
	}
	for k := range d.Keywords {
		if !fieldNameRE.MatchString(k) {
			return d, inputErr("keywords", "document %s: bad field name %q", d.ID, k)
		}
	}
	for k := range d.Numbers {
		if !fieldNameRE.MatchString(k) {
			return d, inputErr("numbers", "document %s: bad field name %q", d.ID, k)
		}
	}
	return d, nil
}

// Get returns the indexed document with that id, whoever may see it (the
// caller applies access rules), or ErrNotFound.
func (ix *Index) Get(id string) (Document, error) {
	var doc Document
	err := ix.with(func(bi bleve.Index) error {
		d, err := bi.Document(id)
		if err != nil {
			return fmt.Errorf("search: get %s: %w", id, err)
		}
		if d == nil {
			return fmt.Errorf("search: get %s: %w", id, ErrNotFound)
		}
		fields := map[string]interface{}{}
		d.VisitFields(func(f index.Field) {
			if f.Name() == fMeta || strings.HasPrefix(f.Name(), "body_") {
				fields[f.Name()] = string(f.Value())
			}
		})
		doc, err = fromStored(id, fields)
		return err
	})
	return doc, err
}

// Count returns the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	var n uint64
	err := ix.with(func(bi bleve.Index) (err error) {
		n, err = bi.DocCount()
		return err
	})
	return n, err
}

// Checkpoint returns the feed checkpoint stored in the index (0 when none).
func (ix *Index) Checkpoint() (uint64, error) {
	var cp uint64
	err := ix.with(func(bi bleve.Index) (err error) {
		cp, err = readCheckpoint(bi)
		return err
	})
	return cp, err
}

func readCheckpoint(bi bleve.Index) (uint64, error) {
	v, err := bi.GetInternal(checkpointKey)
	if err != nil {
		return 0, fmt.Errorf("search: checkpoint: %w", err)
	}
	if len(v) != 8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(v), nil
}

func encodeSeq(s uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, s)
	return b
}
