package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// EachID streams the ids of a collection's documents matching filter (nil: all) to yield, stopping at
// yield's first error, which it returns. It scans: use it on cold paths only (index rebuilds, data rights).
func (s *Store) EachID(ctx context.Context, collection string, filter bson.M, yield func(id string) error) error {
	if filter == nil {
		filter = bson.M{}
	}
	cur, err := s.C(collection).Find(ctx, filter, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return Wrap(collection+": ids", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d struct {
			ID string `bson:"_id"`
		}
		if err := cur.Decode(&d); err != nil {
			return Wrap(collection+": ids", err)
		}
		if err := yield(d.ID); err != nil {
			return err
		}
	}
	return Wrap(collection+": ids", cur.Err())
}

// Estimate is the collection's approximate size from its metadata, without scanning (progress bars).
func (s *Store) Estimate(ctx context.Context, collection string) (int, error) {
	n, err := s.C(collection).EstimatedDocumentCount(ctx)
	return int(n), Wrap(collection+": estimate", err)
}

// Each decodes every document of a collection into a fresh T and passes it to yield, stopping at yield's
// first error. It scans: cold paths only (index rebuilds).
func Each[T any](ctx context.Context, s *Store, collection string, yield func(*T) error) error {
	cur, err := s.C(collection).Find(ctx, bson.M{})
	if err != nil {
		return Wrap(collection+": scan", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		v := new(T)
		if err := cur.Decode(v); err != nil {
			return Wrap(collection+": scan", err)
		}
		if err := yield(v); err != nil {
			return err
		}
	}
	return Wrap(collection+": scan", cur.Err())
}
