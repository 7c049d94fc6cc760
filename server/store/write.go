package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Insert adds doc to the collection: ErrDuplicate when a document with its `_id` exists (claims rely on
// this: it is the one write atomic across connections, README.md).
func (s *Store) Insert(ctx context.Context, col string, doc any) error {
	_, err := s.C(col).InsertOne(ctx, doc)
	return Wrap(col+": insert", err)
}

// Delete deletes the document with the id: ErrNotFound when there was none.
func (s *Store) Delete(ctx context.Context, col, id string) error {
	return Wrap(col+": delete", Deleted(s.C(col).DeleteOne(ctx, bson.M{"_id": id})))
}

// Matched turns the result of a driver UpdateOne or ReplaceOne into ErrNotFound when its filter matched no
// document (gone, or not at the revision the filter names), so that every store says "not found" one way:
// `return store.Wrap(op, store.Matched(coll.UpdateOne(ctx, filter, upd)))`.
func Matched(res *mongo.UpdateResult, err error) error {
	if err == nil && res.MatchedCount == 0 {
		return ErrNotFound
	}
	return err
}

// Deleted is Matched for a driver DeleteOne: ErrNotFound when nothing was deleted.
func Deleted(res *mongo.DeleteResult, err error) error {
	if err == nil && res.DeletedCount == 0 {
		return ErrNotFound
	}
	return err
}

// IsNotFound reports whether err says a document is absent (ErrNotFound, from Get, Matched, Deleted, Wrap).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
