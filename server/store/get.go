package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"
)

// Get decodes the document with the id from the collection into dst: ErrNotFound when there is none. Every
// domain's storage reads by id through it (or GetByID).
func (s *Store) Get(ctx context.Context, col, id string, dst any) error {
	return Wrap(col+": get", s.C(col).FindOne(ctx, bson.M{"_id": id}).Decode(dst))
}

// GetByID returns the document of type T with the id. When there is none — or id cannot be an id at all
// (ValidID) — it returns absent, the caller's own not-found error (an apperr not-found such as "The
// evaluation was not found"), so a handler answers 404 in the reader's language with one line of code.
func GetByID[T any](ctx context.Context, s *Store, col, id string, absent error) (*T, error) {
	if !ValidID(id) {
		return nil, absent
	}
	var doc T
	if err := s.Get(ctx, col, id, &doc); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, absent
		}
		return nil, err
	}
	return &doc, nil
}
