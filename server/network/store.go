package network

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// Collections. Every hot read is by `_id`; lists, filters and the network page come from the read model.
const (
	colActors    = "network_actors"
	colOrgActors = "network_org_actors"
	colRelations = "network_relations"
	colInvites   = "network_invitations"
)

// Migrations returns this package's collections and indexes.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0060_network_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colActors, colOrgActors, colRelations, colInvites); err != nil {
				return err
			}
			// An actor's relations are re-read when the actor changes (names and territories follow) and
			// when it is shown on its own page: a short list, a write path or one page.
			return s.CreateIndexes(ctx,
				store.Index{Collection: colRelations, Name: "relations_from", Keys: []string{"from"}},
				store.Index{Collection: colRelations, Name: "relations_to", Keys: []string{"to"}},
				store.Index{Collection: colInvites, Name: "invitations_actor", Keys: []string{"actorId"}},
			)
		},
	}, {
		Name: "0061_network_invitation_claims",
		Up: func(ctx context.Context, s *store.Store) error {
			return s.CreateCollections(ctx, colInviteClaims)
		},
	}}
}

// Store reads and writes actors, relations and invitations. It reads by id and inserts through the shared
// store's own methods (Get, Insert); its own methods are the writes with this package's rules.
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// replaceIf replaces the document when it still has revision rev; store.ErrNotFound when it changed or
// vanished meanwhile.
func (st *Store) replaceIf(ctx context.Context, col, id string, rev int, doc any) error {
	return store.Wrap(col+": replace", store.Matched(st.C(col).ReplaceOne(ctx, bson.M{"_id": id, "rev": rev}, doc)))
}

// remove deletes one document; deleting a missing one is not an error.
func (st *Store) remove(ctx context.Context, col, id string) error {
	_, err := st.C(col).DeleteOne(ctx, bson.M{"_id": id})
	return store.Wrap(col+": delete", err)
}

// relationsOf returns every relation with the actor on either side (an actor's relations are tens,
// not thousands; this is an indexed query on a page or write path).
func (st *Store) relationsOf(ctx context.Context, actorID string) ([]relationDoc, error) {
	var out []relationDoc
	for _, f := range []string{"from", "to"} {
		rs, err := store.Find[relationDoc](ctx, st.Store, colRelations, bson.M{f: actorID})
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// invitationsOf returns every invitation sent to the actor, in the store's order (an actor has a handful:
// an indexed query on a page path).
func (st *Store) invitationsOf(ctx context.Context, actorID string) ([]inviteDoc, error) {
	return store.Find[inviteDoc](ctx, st.Store, colInvites, bson.M{"actorId": actorID})
}

// markOpened records when an invitation was opened; a missing invitation is not an error.
func (st *Store) markOpened(ctx context.Context, id string, at time.Time) error {
	_, err := st.C(colInvites).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"openedAt": at}})
	return store.Wrap("invitation: opened", err)
}

// recordAnswer sets an answered invitation's fields; a missing invitation is not an error.
func (st *Store) recordAnswer(ctx context.Context, id string, set bson.M) error {
	_, err := st.C(colInvites).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set})
	return store.Wrap("invitation: answer", err)
}
