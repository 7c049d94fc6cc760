package diagnosis

import "context"

// These export internals to the benchmark (package diagnosis_test). ReadSequential and ReadConcurrent let the benchmark compare one-by-one `_id` reads with getMany.
func ReadSequential(ctx context.Context, s *Service, ids []string) error {
	for _, id := range ids {
		var c contribDoc
		if err := s.st.get(ctx, colContributions, id, &c); err != nil {
			return err
		}
	}
	return nil
}

// ReadConcurrent reads with getMany.
func ReadConcurrent(ctx context.Context, s *Service, ids []string) error {
	_, err := getMany[contribDoc](ctx, s.st, colContributions, ids)
	return err
}
