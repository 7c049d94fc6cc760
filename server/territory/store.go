package territory

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

// Collections. Territories are few (hundreds): a territory is read by `_id`, lists and a map's
// surroundings read the collection with a filter and no index.
const colTerritories = "territories"

// Migrations returns this package's collections.
func Migrations() []store.Migration {
	return []store.Migration{{Name: "0003_territory_collections", Up: func(ctx context.Context, s *store.Store) error {
		return s.CreateCollections(ctx, colTerritories)
	}}}
}

// Store reads and writes territories. A territory is inserted once and replaced whole on an edit (only
// platform and municipality admins edit them, and seldom).
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// territory returns the territory with the id; errNotFound (404) when there is none or id cannot be an id.
func (st *Store) territory(ctx context.Context, id string) (*doc, error) {
	return store.GetByID[doc](ctx, st.Store, colTerritories, id, errNotFound)
}

// territories returns up to MaxTerritories territories, by name, without their boundaries: those under
// parentID and at level when they are not empty.
func (st *Store) territories(ctx context.Context, parentID, level string) ([]doc, error) {
	filter := bson.M{}
	if parentID != "" {
		filter["parentId"] = parentID
	}
	if level != "" {
		filter["level"] = level
	}
	return store.Find[doc](ctx, st.Store, colTerritories, filter, options.Find().
		SetProjection(bson.M{"boundary": 0}).SetSort(bson.M{"name": 1}).SetLimit(MaxTerritories))
}

// parts returns up to limit territories directly under the one with the id that have a boundary, by name.
func (st *Store) parts(ctx context.Context, id string, limit int) ([]doc, error) {
	return st.outlined(ctx, bson.M{"parentId": id}, limit)
}

// neighbours returns up to limit other territories under d's parent that have a boundary, by name.
func (st *Store) neighbours(ctx context.Context, d *doc, limit int) ([]doc, error) {
	return st.outlined(ctx, bson.M{"parentId": d.ParentID, "_id": bson.M{"$ne": d.ID}}, limit)
}

// outlined returns up to limit territories matching filter that have a boundary, by name.
func (st *Store) outlined(ctx context.Context, filter bson.M, limit int) ([]doc, error) {
	filter["boundary"] = bson.M{"$exists": true, "$ne": ""}
	return store.Find[doc](ctx, st.Store, colTerritories, filter, options.Find().SetSort(bson.M{"name": 1}).SetLimit(int64(limit)))
}

// insertTerritory adds a new territory: store.ErrDuplicate when its id exists.
func (st *Store) insertTerritory(ctx context.Context, d *doc) error {
	return st.Insert(ctx, colTerritories, d)
}

// replaceTerritory writes d over the territory with its id. A territory that is gone is not an error
// (territories are never deleted).
func (st *Store) replaceTerritory(ctx context.Context, d *doc) error {
	_, err := st.C(colTerritories).ReplaceOne(ctx, bson.M{"_id": d.ID}, d)
	return store.Wrap("territory: update", err)
}
