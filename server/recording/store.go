package recording

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// Collections. One outputs document per exchange day (`_id` = the day's id): its segments, redactions,
// key points and summary, read by `_id`; a rebuild, retention and a person's data scan it (cold paths).
const colDays = "recording_days"

// Migrations returns this package's collections (number range 0045–0049).
func Migrations() []store.Migration {
	return []store.Migration{{Name: "0045_recording_days", Up: func(ctx context.Context, s *store.Store) error {
		return s.CreateCollections(ctx, colDays)
	}}}
}

// Store reads and writes days' outputs documents. A document is written whole at the version it was read
// at (saveDay): its first version is a claim by insert, the next ones a replace filtered by the version.
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// day returns the day's outputs document; a day without one gets an empty document (not stored).
func (st *Store) day(ctx context.Context, dayID string) (*dayDoc, error) {
	var d dayDoc
	err := st.Get(ctx, colDays, dayID, &d)
	if store.IsNotFound(err) {
		return &dayDoc{ID: dayID}, nil
	}
	return &d, err
}

// saveDay writes d, read at version was and now at a later one, if nobody wrote the day since: false (no
// error) when someone did. Version 0 is "not stored yet", so the first write is an insert of the day's id
// (only one succeeds); later ones replace the document only while it is still at was.
func (st *Store) saveDay(ctx context.Context, d *dayDoc, was int) (bool, error) {
	if was == 0 {
		err := st.Insert(ctx, colDays, d)
		if store.IsDuplicate(err) {
			return false, nil
		}
		return err == nil, err
	}
	err := store.Matched(st.C(colDays).ReplaceOne(ctx, bson.M{"_id": d.ID, "version": was}, d))
	if store.IsNotFound(err) {
		return false, nil
	}
	return err == nil, store.Wrap("recording: save", err)
}

// eachDay passes every day's outputs document to yield, stopping at its first error (a scan: cold paths).
func (st *Store) eachDay(ctx context.Context, yield func(*dayDoc) error) error {
	return store.Each(ctx, st.Store, colDays, yield)
}
