package diagnosis

import (
	"context"

	lru "github.com/hashicorp/golang-lru/v2"
)

// contribCacheSize bounds the contributions kept in memory for lists (~1–2 KB each).
const contribCacheSize = 20000

// contribCache keeps contributions in memory so that a list page (ids from the read model) does not read 30
// records one by one from the store (~0.75 ms each on the embedded store: two thirds of a list request).
// It is as fresh as the index: LoadContributions, which the indexer of every node calls after each change
// to a contribution (all writes go through ReadModel.Changed, and the writer waits for its local index),
// overwrites the entry with what it just read, or drops it when the record is gone. A list's miss reads the
// store and adds the record only if no entry appeared meanwhile (ContainsOrAdd), so a read that raced with
// a write can never replace the indexer's newer copy. Rebuild streams do not fill it (a stream's older
// read could overwrite a newer load).
type contribCache struct {
	c *lru.Cache[string, contribDoc]
}

func newContribCache() contribCache {
	c, err := lru.New[string, contribDoc](contribCacheSize)
	if err != nil {
		panic(err) // only for a size <= 0
	}
	return contribCache{c: c}
}

func (k contribCache) loaded(c *contribDoc) { k.c.Add(c.ID, *c) }
func (k contribCache) gone(id string)       { k.c.Remove(id) }

// contributions returns the contributions by id, from memory where the indexer left them and from the
// store otherwise; nil entries are records that no longer exist.
func (s *Service) contributions(ctx context.Context, ids []string) ([]*contribDoc, error) {
	out := make([]*contribDoc, len(ids))
	var miss []string
	var at []int
	for i, id := range ids {
		if c, ok := s.cache.c.Get(id); ok {
			out[i] = &c
			continue
		}
		miss, at = append(miss, id), append(at, i)
	}
	if len(miss) == 0 {
		return out, nil
	}
	docs, err := getMany[contribDoc](ctx, s.st, colContributions, miss)
	if err != nil {
		return nil, err
	}
	for j, d := range docs {
		out[at[j]] = d
		if d != nil {
			s.cache.c.ContainsOrAdd(d.ID, *d)
		}
	}
	return out, nil
}
