package readmodel

import (
	"sync"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache keeps records of one kind in memory so that a list page (ids from the index) does not read every
// record one by one from the store (~0.75 ms each on the embedded store: most of a list request). It is as
// fresh as the index, on every node: the kind's loader, which the indexer calls after each change (all
// writes go through Changed, and the writer waits for its local index), hands it what it just read
// (Loaded) or says the record is gone (Gone). A miss reads the store and keeps the record only if the loader
// touched no record meanwhile, so a read that raced with a write (or a deletion) never replaces the loader's
// newer copy nor brings a deleted record back. With Consistent in front of the API, a person's own writes
// are in every node's cache before their next read, so a kind whose every write goes through Changed may
// serve reads of one record from here too (organisations do); checks before a write keep reading the store.
//
// Limit: a full rebuild that loads a record at the same moment as the live indexer can leave the older of
// the two reads in memory until the record's next change (the index has the same window); rebuilds are rare.
type Cache[T any] struct {
	c       *lru.Cache[string, T]
	size    int
	changes atomic.Uint64 // Loaded and Gone calls so far: a miss that saw another number raced one
	mu      sync.Mutex    // orders the loader's calls against Fill's
	touched map[string]bool
	filling sync.Mutex // one Fill at a time
}

// NewCache holds up to size records (least recently used go first).
func NewCache[T any](size int) *Cache[T] {
	size = max(size, 1)
	c, err := lru.New[string, T](size)
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	return &Cache[T]{c: c, size: size}
}

// Loaded records what the kind's loader just read from the store.
func (k *Cache[T]) Loaded(id string, v T) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.changes.Add(1)
	k.touch(id)
	k.c.Add(id, v)
}

// Gone forgets a record the loader found deleted.
func (k *Cache[T]) Gone(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.changes.Add(1)
	k.touch(id)
	k.c.Remove(id)
}

// Len is how many records are kept.
func (k *Cache[T]) Len() int { return k.c.Len() }

func (k *Cache[T]) touch(id string) {
	if k.touched != nil {
		k.touched[id] = true
	}
}

// Fill keeps records read in bulk from the store ahead of their first reads (a node warming its memory
// after start): scan reads them, in one pass that starts after Fill was called, and hands each to keep,
// which says whether to go on (false once the cache is full). A record the loader touched since Fill was
// called is not kept (memory has the loader's newer copy, or the record is gone); nor is one already in
// memory. The scan may read a snapshot older than the loader's later calls: those calls overwrite or drop
// what it kept, as they would any copy. Fills run one at a time.
func (k *Cache[T]) Fill(scan func(keep func(id string, v T) bool) error) error {
	k.filling.Lock()
	defer k.filling.Unlock()
	k.mu.Lock()
	k.touched = map[string]bool{}
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.touched = nil
		k.mu.Unlock()
	}()
	return scan(func(id string, v T) bool {
		k.mu.Lock()
		defer k.mu.Unlock()
		if !k.touched[id] {
			k.c.ContainsOrAdd(id, v)
		}
		return k.c.Len() < k.size
	})
}

// GetMany returns the records in ids' order, from memory where possible and through fetch (which returns
// nil for records that no longer exist, in the order asked) otherwise.
func (k *Cache[T]) GetMany(ids []string, fetch func(ids []string) ([]*T, error)) ([]*T, error) {
	out := make([]*T, len(ids))
	var miss []string
	var at []int
	for i, id := range ids {
		if v, ok := k.c.Get(id); ok {
			out[i] = &v
			continue
		}
		miss, at = append(miss, id), append(at, i)
	}
	if len(miss) == 0 {
		return out, nil
	}
	seen := k.changes.Load()
	docs, err := fetch(miss)
	if err != nil {
		return nil, err
	}
	k.mu.Lock() // no loader call between the check and the keeping
	defer k.mu.Unlock()
	keep := k.changes.Load() == seen
	for j, d := range docs {
		out[at[j]] = d
		if d != nil && keep {
			k.c.ContainsOrAdd(miss[j], *d)
		}
	}
	return out, nil
}

// Marks keeps, per record, whether given people have marked it (supported a contribution, followed a
// practice): the "supported by me" of a list page without one store read per item and person. It is as
// fresh as the index on every node: every mark and unmark is written through Changed under the record, so
// the record's loader runs after it and calls Forget, on the writer's node before the write returns and on
// the others as their indexers follow the outbox. A read that raced with a Forget is not kept.
type Marks struct {
	mu      sync.Mutex
	records *lru.Cache[string, map[string]bool] // record id → person → marked
	forgets uint64                              // Forget calls so far: a read that saw another number raced one
}

// maxMarkers bounds the people remembered per record; past it, the record's other readers read the store.
const maxMarkers = 1000

// NewMarks remembers the marks of up to size records (least recently used go first).
func NewMarks(size int) *Marks {
	c, err := lru.New[string, map[string]bool](max(size, 1))
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	return &Marks{records: c}
}

// Forget drops what is remembered of a record's marks (its loader calls it after each change).
func (m *Marks) Forget(record string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forgets++
	m.records.Remove(record)
}

// Get tells for each record whether person marked it, from memory where possible and through fetch
// (whether person marked each of the given records, in order) otherwise.
func (m *Marks) Get(person string, records []string, fetch func(records []string) ([]bool, error)) ([]bool, error) {
	out := make([]bool, len(records))
	var miss []string
	var at []int
	m.mu.Lock()
	for i, r := range records {
		if who, ok := m.records.Get(r); ok {
			if marked, ok := who[person]; ok {
				out[i] = marked
				continue
			}
		}
		miss, at = append(miss, r), append(at, i)
	}
	seen := m.forgets
	m.mu.Unlock()
	if len(miss) == 0 {
		return out, nil
	}
	marked, err := fetch(miss)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := m.forgets == seen
	for j, r := range miss {
		out[at[j]] = marked[j]
		if !keep {
			continue
		}
		who, ok := m.records.Get(r)
		if !ok {
			who = map[string]bool{}
			m.records.Add(r, who)
		}
		if len(who) < maxMarkers {
			who[person] = marked[j]
		}
	}
	return out, nil
}
