package readmodel

import (
	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache keeps records of one kind in memory so that a list page (ids from the index) does not read every
// record one by one from the store (~0.75 ms each on the embedded store: most of a list request). It is as
// fresh as the index, on every node: the kind's loader, which the indexer calls after each change (all
// writes go through Changed, and the writer waits for its local index), hands it what it just read
// (Loaded) or says the record is gone (Gone). A list's miss reads the store and adds the record only if no
// entry appeared meanwhile, so a read that raced with a write never replaces the loader's newer copy.
// Direct reads of one record (GET by id, checks before a write) keep reading the store.
//
// Limit: a full rebuild that loads a record at the same moment as the live indexer can leave the older of
// the two reads in memory until the record's next change (the index has the same window); rebuilds are rare.
type Cache[T any] struct{ c *lru.Cache[string, T] }

// NewCache holds up to size records (least recently used go first).
func NewCache[T any](size int) *Cache[T] {
	c, err := lru.New[string, T](max(size, 1))
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	return &Cache[T]{c: c}
}

// Loaded records what the kind's loader just read from the store.
func (k *Cache[T]) Loaded(id string, v T) { k.c.Add(id, v) }

// Gone forgets a record the loader found deleted.
func (k *Cache[T]) Gone(id string) { k.c.Remove(id) }

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
	docs, err := fetch(miss)
	if err != nil {
		return nil, err
	}
	for j, d := range docs {
		out[at[j]] = d
		if d != nil {
			k.c.ContainsOrAdd(miss[j], *d)
		}
	}
	return out, nil
}
