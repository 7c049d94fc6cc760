package evaluation

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/readmodel"
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

// Store reads and writes this package's collections. It reads by id, inserts and deletes through the shared
// store's own methods (Get, Insert, Delete); its own methods are the writes with this package's rules.
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// update applies an update document to one id; store.ErrNotFound when there is no such document.
func (st *Store) update(ctx context.Context, col, id string, upd bson.M) error {
	return store.Wrap(col+": update", store.Matched(st.C(col).UpdateOne(ctx, bson.M{"_id": id}, upd)))
}

// updateIf applies upd when the document still has revision rev; store.ErrNotFound when it changed.
func (st *Store) updateIf(ctx context.Context, col, id string, rev int, upd bson.M) error {
	return store.Wrap(col+": update", store.Matched(st.C(col).UpdateOne(ctx, bson.M{"_id": id, "rev": rev}, upd)))
}

// replace writes doc under its id, creating it when absent (reviews: the latest judgement wins).
func (st *Store) replace(ctx context.Context, col, id string, doc any) error {
	_, err := st.C(col).ReplaceOne(ctx, bson.M{"_id": id}, doc, options.Replace().SetUpsert(true))
	return store.Wrap(col+": replace", err)
}

// pointAt sets the participant records' `groupId` in one round trip (not indexed: nothing waits for the
// read model).
func (st *Store) pointAt(ctx context.Context, participantIDs []string, groupID string) error {
	if len(participantIDs) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, 0, len(participantIDs))
	for _, id := range participantIDs {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": id}).
			SetUpdate(bson.M{"$set": bson.M{"groupId": groupID}}))
	}
	_, err := st.C(colParticipants).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	return store.Wrap(colParticipants+": point at group", err)
}

// participantsOf reads every participant record of an edition from the store in one query (a cold path:
// forming groups must see everyone who joined, whatever the read model's lag; telling participants).
func (st *Store) participantsOf(ctx context.Context, edID string) ([]*participantDoc, error) {
	return store.Find[*participantDoc](ctx, st.Store, colParticipants, bson.M{"editionId": edID})
}

// participationsOf returns the person's participant records, in every edition (data export and deletion:
// a cold path on its own index).
func (st *Store) participationsOf(ctx context.Context, userID string) ([]participantDoc, error) {
	return store.Find[participantDoc](ctx, st.Store, colParticipants, bson.M{"userId": userID})
}

// itemsBy returns the items the person wrote (data export).
func (st *Store) itemsBy(ctx context.Context, userID string) ([]itemDoc, error) {
	return store.Find[itemDoc](ctx, st.Store, colItems, bson.M{"authorId": userID})
}

// ballotsOf returns the ballots the person cast (data export).
func (st *Store) ballotsOf(ctx context.Context, userID string) ([]ballotDoc, error) {
	return store.Find[ballotDoc](ctx, st.Store, colBallots, bson.M{"userId": userID})
}

// forgetItemAuthor removes the person's id from the items they wrote; the items stay (account deletion).
func (st *Store) forgetItemAuthor(ctx context.Context, userID string) error {
	_, err := st.C(colItems).UpdateMany(ctx, bson.M{"authorId": userID}, bson.M{"$unset": bson.M{"authorId": ""}})
	return store.Wrap("evaluation items: forget user", err)
}

// forgetBallotsAndCreator deletes the person's ballots and removes their id from the evaluations they
// created (account deletion; the votes they cast stay counted).
func (st *Store) forgetBallotsAndCreator(ctx context.Context, userID string) error {
	if _, err := st.C(colBallots).DeleteMany(ctx, bson.M{"userId": userID}); err != nil {
		return store.Wrap("evaluation ballots: forget user", err)
	}
	_, err := st.C(colEvaluations).UpdateMany(ctx, bson.M{"createdBy": userID}, bson.M{"$unset": bson.M{"createdBy": ""}})
	return store.Wrap("evaluations: forget user", err)
}

// everyListed loads the records a read-model list of kind names (filters, oldest first, 100 a page)
// fresh from the store by id, page after page until at least most are loaded; records deleted since they
// were indexed are skipped. For an edition's bounded lists: measures, participants, points.
func everyListed[T any](ctx context.Context, s *Service, kind, col string, filters map[string][]string, most int) ([]*T, error) {
	var out []*T
	cursor := ""
	for len(out) < most {
		res, err := s.rm.List(ctx, everyone, search.ListRequest{Kind: kind, Filters: filters, Sort: "created",
			Cursor: cursor, PerPage: 100, IDsOnly: true})
		if err != nil {
			return nil, err
		}
		docs, err := store.GetMany[T](ctx, s.st.Store, col, readmodel.RecordIDs(res.Items))
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d != nil {
				out = append(out, d)
			}
		}
		if res.NextCursor == "" {
			return out, nil
		}
		cursor = res.NextCursor
	}
	return out, nil
}
