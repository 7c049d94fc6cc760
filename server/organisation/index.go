package organisation

import (
	"context"
	"errors"

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
			s.cache.Gone(id)
			continue
		}
		if err != nil {
			return nil, err
		}
		s.cache.Loaded(id, *o)
		out[id] = o.document()
	}
	return out, nil
}

// Stream yields every organisation's indexed form in one scan (index rebuilds).
func (s *Service) Stream(ctx context.Context, yield func(string, search.Document) error) error {
	return store.Each(ctx, s.st.s, colOrgs, func(o *orgDoc) error { return yield(o.ID, o.document()) })
}

func (o *orgDoc) document() search.Document {
	return search.Document{Title: o.Name, Body: o.Description, Organisation: o.ID,
		Visibility: []string{search.Public}, Created: o.CreatedAt, Updated: o.UpdatedAt,
		Keywords: map[string]string{"org_kind": o.Kind}}
}

// All streams every organisation id (for index rebuilds).
func (s *Service) All(ctx context.Context, yield func(string) error) error {
	return s.st.s.EachID(ctx, colOrgs, nil, yield)
}

// Link is an organisation's page in the app.
func Link(id string) string { return "/organisations/" + id }

// Count estimates how many organisations exist (for the rebuild's progress bar).
func (s *Service) Count(ctx context.Context) (int, error) { return s.st.s.Estimate(ctx, colOrgs) }
