package organisation

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/store"
)

// IndexKind is the read-model kind of organisations.
const IndexKind = "organisation"

// ReadModel is what this domain needs from the read model: announce writes, list from the index.
type ReadModel interface {
	Changed(ctx context.Context, kind, id string, write func() error) error
	List(ctx context.Context, r search.Reader, req search.ListRequest) (*search.ListResult, error)
}

// Load implements the read model's loader: organisations are public, found by name and description.
func (s *Service) Load(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := make(map[string]search.Document, len(ids))
	for _, id := range ids {
		o, err := s.st.get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = search.Document{Title: o.Name, Body: o.Description, Organisation: o.ID,
			Visibility: []string{search.Public}, Created: o.CreatedAt, Updated: o.UpdatedAt,
			Keywords: map[string]string{"org_kind": o.Kind}}
	}
	return out, nil
}

// All streams every organisation id (for index rebuilds).
func (s *Service) All(ctx context.Context, yield func(string) error) error {
	cur, err := s.st.s.C(colOrgs).Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return store.Wrap("organisation: all", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d struct {
			ID string `bson:"_id"`
		}
		if err := cur.Decode(&d); err != nil {
			return store.Wrap("organisation: all", err)
		}
		if err := yield(d.ID); err != nil {
			return err
		}
	}
	return store.Wrap("organisation: all", cur.Err())
}

// Link is an organisation's page in the app.
func Link(id string) string { return "/organisations/" + id }

// Count is how many organisations exist (for the rebuild's progress bar).
func (s *Service) Count(ctx context.Context) (int, error) {
	n, err := s.st.s.C(colOrgs).EstimatedDocumentCount(ctx)
	return int(n), store.Wrap("organisation: count", err)
}
