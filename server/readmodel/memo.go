package readmodel

import (
	"strconv"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// Memo keeps values computed from the read model — a dashboard's counts, an anonymous list page — on this
// node until the local index takes a change of one of the kinds they depend on: the same answer as
// computing them again, without the work. A value is stamped with the index's Version for its kinds read
// before computing it and served only while the index still has that stamp (a value computed across a
// change may hold some of it, never less than the stamp says). Concurrent misses for one key share one
// computation.
//
// What a memoised value reads from the store must be written through Changed under one of its kinds (the
// write lands before the index takes the change), or it can be served stale until the next such change.
// Each node's memo follows its own index, which follows the shared outbox, so a node is never staler than
// its index; a person's own write is seen at once on the node that took it (Changed waits for its index).
type Memo[T any] struct {
	idx    Versioned
	kinds  []string
	values *lru.Cache[string, memoEntry[T]]
	flight singleflight.Group
}

type memoEntry[T any] struct {
	stamp uint64
	v     *T
}

// Versioned stamps the local index's state per kind (ReadModel.Version).
type Versioned interface {
	Version(kinds ...string) uint64
}

// NewMemo keeps up to size values (least recently used go first) that depend on records of kinds.
func NewMemo[T any](rm Versioned, size int, kinds ...string) *Memo[T] {
	c, err := lru.New[string, memoEntry[T]](max(size, 1))
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	return &Memo[T]{idx: rm, kinds: kinds, values: c}
}

// Get returns key's value, computing it when the index has changed since it was kept. The value is shared
// by every caller: it must not be modified. Errors are returned, never kept.
func (m *Memo[T]) Get(key string, compute func() (*T, error)) (*T, error) {
	stamp := m.idx.Version(m.kinds...)
	if e, ok := m.values.Get(key); ok && e.stamp == stamp {
		return e.v, nil
	}
	v, err, _ := m.flight.Do(strconv.FormatUint(stamp, 10)+"\x00"+key, func() (any, error) {
		v, err := compute()
		if err == nil { // under the stamp read before: if a change landed meanwhile, it is not served again
			m.values.Add(key, memoEntry[T]{stamp: stamp, v: v})
		}
		return v, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*T), nil
}
