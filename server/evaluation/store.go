package evaluation

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/store"
)

// Collections. Hot reads are `_id` lookups (an edition, my participant record "<edition>:<user>", a group,
// a ballot); lists and counts come from the read model. The secondary indexes serve cold paths only: a
// person's data export and deletion, forming groups, telling participants.
const (
	colEvaluations  = "evaluations"
	colEditions     = "evaluation_editions"
	colParticipants = "evaluation_participants"
	colGroups       = "evaluation_groups"
	colItems        = "evaluation_items"
	colPoints       = "evaluation_points"
	colBallots      = "evaluation_ballots"
	colVotes        = "evaluation_votes"
	colMeasures     = "evaluation_measures"
	colReviews      = "evaluation_reviews"
)

// Migrations returns this package's collections and indexes (numbers 0060–0069 are this package's).
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0060_evaluation_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colEvaluations, colEditions, colParticipants, colGroups, colItems,
				colPoints, colBallots, colVotes, colMeasures, colReviews); err != nil {
				return err
			}
			return s.CreateIndexes(ctx,
				store.Index{Collection: colParticipants, Name: "participants_edition", Keys: []string{"editionId"}},
				store.Index{Collection: colParticipants, Name: "participants_user", Keys: []string{"userId"}},
				store.Index{Collection: colItems, Name: "items_author", Keys: []string{"authorId"}},
				store.Index{Collection: colBallots, Name: "ballots_user", Keys: []string{"userId"}},
			)
		},
	}}
}

// Store reads and writes this package's collections.
type Store struct{ s *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s: s} }

// get decodes the document with the id into dst; store.ErrNotFound when absent.
func (st *Store) get(ctx context.Context, col, id string, dst any) error {
	return st.s.Get(ctx, col, id, dst)
}

// insert adds a document; store.ErrDuplicate when its id exists (claims rely on this).
func (st *Store) insert(ctx context.Context, col string, doc any) error {
	_, err := st.s.C(col).InsertOne(ctx, doc)
	return store.Wrap(col+": insert", err)
}

// update applies an update document to one id; store.ErrNotFound when there is no such document.
func (st *Store) update(ctx context.Context, col, id string, upd bson.M) error {
	res, err := st.s.C(col).UpdateOne(ctx, bson.M{"_id": id}, upd)
	if err == nil && res.MatchedCount == 0 {
		err = store.ErrNotFound
	}
	return store.Wrap(col+": update", err)
}

// updateIf applies upd when the document still has revision rev; store.ErrNotFound when it changed.
func (st *Store) updateIf(ctx context.Context, col, id string, rev int, upd bson.M) error {
	res, err := st.s.C(col).UpdateOne(ctx, bson.M{"_id": id, "rev": rev}, upd)
	if err == nil && res.MatchedCount == 0 {
		err = store.ErrNotFound
	}
	return store.Wrap(col+": update", err)
}

// replace writes doc under its id, creating it when absent (reviews: the latest judgement wins).
func (st *Store) replace(ctx context.Context, col, id string, doc any) error {
	_, err := st.s.C(col).ReplaceOne(ctx, bson.M{"_id": id}, doc, options.Replace().SetUpsert(true))
	return store.Wrap(col+": replace", err)
}

// remove deletes one id; store.ErrNotFound when absent.
func (st *Store) remove(ctx context.Context, col, id string) error {
	res, err := st.s.C(col).DeleteOne(ctx, bson.M{"_id": id})
	if err == nil && res.DeletedCount == 0 {
		err = store.ErrNotFound
	}
	return store.Wrap(col+": delete", err)
}

// find decodes every document matching filter (cold paths only: the filter is not on `_id`).
func (st *Store) find(ctx context.Context, col string, filter bson.M, into any) error {
	cur, err := st.s.C(col).Find(ctx, filter)
	if err != nil {
		return store.Wrap(col+": find", err)
	}
	return store.Wrap(col+": find", cur.All(ctx, into))
}

// getMany reads documents by id, one `_id` lookup each; missing ids are left nil.
func getMany[T any](ctx context.Context, st *Store, col string, ids []string) ([]*T, error) {
	out := make([]*T, len(ids))
	for i, id := range ids {
		var d T
		err := st.get(ctx, col, id, &d)
		switch {
		case err == nil:
			out[i] = &d
		case !notFound(err):
			return nil, err
		}
	}
	return out, nil
}

// docIDs turns read-model document ids ("kind:id") into record ids.
func docIDs(items []search.Document) []string {
	out := make([]string, len(items))
	for i, it := range items {
		_, out[i], _ = strings.Cut(it.ID, ":")
	}
	return out
}
