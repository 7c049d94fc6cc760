package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Find returns every document of the collection matching filter (nil: all), decoded into T, with opts
// (sort, limit, projection) as the driver takes them; none is a nil slice. Errors are wrapped as
// "<collection>: find". It holds the whole answer in memory, so the filter or a limit must bound it: a
// scan of a large collection streams through Each or EachID instead.
func Find[T any](ctx context.Context, s *Store, collection string, filter any, opts ...*options.FindOptions) ([]T, error) {
	if filter == nil {
		filter = bson.M{}
	}
	cur, err := s.C(collection).Find(ctx, filter, opts...)
	if err != nil {
		return nil, Wrap(collection+": find", err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, Wrap(collection+": find", err)
	}
	return out, nil
}
