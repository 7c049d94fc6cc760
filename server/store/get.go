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

// GetRef is Get for an id that came with a request (a reference to check): one that cannot be an id at
// all (ValidID) is ErrNotFound without a query.
func (s *Store) GetRef(ctx context.Context, col, id string, dst any) error {
	if !ValidID(id) {
		return ErrNotFound
	}
	return s.Get(ctx, col, id, dst)
}

// GetByID returns the document of type T with the id. When there is none — or id cannot be an id at all
// (ValidID) — it returns absent, the caller's own not-found error (an apperr not-found such as "The
// evaluation was not found"), so a handler answers 404 in the reader's language with one line of code.
func GetByID[T any](ctx context.Context, s *Store, col, id string, absent error) (*T, error) {
	var doc T
	if err := s.GetRef(ctx, col, id, &doc); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, absent
		}
		return nil, err
	}
	return &doc, nil
}

// GetMany reads the documents with the ids, one `_id` lookup each (the embedded store pushes only exact `_id`
// filters down to SQLite, so an `$in` would scan the collection); a missing id leaves nil in its place. The
// reads are sequential: on a 2-core machine 8 concurrent readers were slower (server/diagnosis/README.md).
func GetMany[T any](ctx context.Context, s *Store, col string, ids []string) ([]*T, error) {
	out := make([]*T, len(ids))
	for i, id := range ids {
		var d T
		err := s.Get(ctx, col, id, &d)
		switch {
		case err == nil:
			out[i] = &d
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	return out, nil
}
