package comment

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// Collections. A comment is read by `_id`; lists come from the read model. The one secondary index serves
// only a person's data export and deletion.
const colComments = "comments"

// Migrations returns this package's collection and indexes.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0022_comment_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colComments); err != nil {
				return err
			}
			// A person's comments are read only for their data export and deletion (cold paths).
			return s.CreateIndexes(ctx, store.Index{Collection: colComments, Name: "comments_author", Keys: []string{"authorId"}})
		},
	}}
}

// Store reads and writes comments. A comment is written once by insert and afterwards only replaced whole at
// the revision it was read at, after claiming the next one (claimRevision, replaceComment): reports, edits
// and moderations of one comment on several nodes never overwrite each other.
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// comment returns the comment with the id; errNotFound (404) when there is none or id cannot be an id.
func (st *Store) comment(ctx context.Context, id string) (*commentDoc, error) {
	return store.GetByID[commentDoc](ctx, st.Store, colComments, id, errNotFound)
}

// comments returns the comments with the ids, in order, one `_id` lookup each; a missing one is nil.
func (st *Store) comments(ctx context.Context, ids []string) ([]*commentDoc, error) {
	return store.GetMany[commentDoc](ctx, st.Store, colComments, ids)
}

// insertComment adds a new comment: store.ErrDuplicate when its id exists.
func (st *Store) insertComment(ctx context.Context, d *commentDoc) error {
	return st.Insert(ctx, colComments, d)
}

// claimRevision claims revision rev+1 of the comment (store.ClaimRevision) and returns it: store.ErrConflict
// when another writer holds it, errNotFound when the comment is gone.
func (st *Store) claimRevision(ctx context.Context, id string, rev int) (int, error) {
	return st.ClaimRevision(ctx, colComments, id, rev, func(ctx context.Context) (int, error) {
		cur, err := st.comment(ctx, id)
		if err != nil {
			return 0, err
		}
		return cur.Rev, nil
	})
}

// releaseRevision drops the claim of revision rev of the comment once it is past it (or never wrote it).
func (st *Store) releaseRevision(ctx context.Context, id string, rev int) error {
	return st.ReleaseRevision(ctx, colComments, id, rev)
}

// replaceComment writes d over the comment if it is still at revision rev: store.ErrNotFound when it
// changed or vanished meanwhile.
func (st *Store) replaceComment(ctx context.Context, d *commentDoc, rev int) error {
	return store.Wrap("comment: save", store.Matched(st.C(colComments).ReplaceOne(ctx, bson.M{"_id": d.ID, "rev": rev}, d)))
}

// byAuthor returns every comment the person wrote (indexed: their data export and deletion).
func (st *Store) byAuthor(ctx context.Context, userID string) ([]commentDoc, error) {
	return store.Find[commentDoc](ctx, st.Store, colComments, bson.M{"authorId": userID})
}

// commentIDs streams every comment id (a rebuild's scan).
func (st *Store) commentIDs(ctx context.Context, yield func(string) error) error {
	return st.EachID(ctx, colComments, nil, yield)
}

// estimate is about how many comments there are, from the collection's metadata.
func (st *Store) estimate(ctx context.Context) (int, error) { return st.Estimate(ctx, colComments) }
