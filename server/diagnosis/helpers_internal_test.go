package diagnosis

import (
	"context"
	"sync"

	"github.com/teixit/teixit/server/store"
)

// ReadSequential and ReadConcurrent export, for the benchmark (package diagnosis_test), store.GetMany and the
// concurrent alternative it was measured against.
func ReadSequential(ctx context.Context, s *Service, ids []string) error {
	_, err := store.GetMany[contribDoc](ctx, s.st.Store, colContributions, ids)
	return err
}

// ReadConcurrent reads with up to 8 lookups in flight.
func ReadConcurrent(ctx context.Context, s *Service, ids []string) error {
	_, err := getConcurrently[contribDoc](ctx, s.st, colContributions, ids)
	return err
}

// getConcurrently is store.GetMany with up to 8 lookups in flight (measured slower here; see README.md).
func getConcurrently[T any](ctx context.Context, st *Store, col string, ids []string) ([]*T, error) {
	out := make([]*T, len(ids))
	sem := make(chan struct{}, 8)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var d T
			err := st.Get(ctx, col, id, &d)
			switch {
			case err == nil:
				out[i] = &d
			case !store.IsNotFound(err):
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out, first
}
