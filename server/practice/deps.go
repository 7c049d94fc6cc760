package practice

import (
	"context"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/territory"
)

// Territories resolves a territory id to itself plus its ancestors (NotFound when unknown).
type Territories interface {
	Lineage(ctx context.Context, id string) ([]string, error)
}

// Searcher runs free-text searches (for related practices).
type Searcher interface {
	Search(ctx context.Context, r search.Reader, req search.SearchRequest) (*search.SearchResult, error)
}

// Notifier finds followers and delivers notifications.
type Notifier interface {
	Followers(ctx context.Context, kind string, targets ...string) ([]string, error)
	Deliver(ctx context.Context, recipients []string, e notify.Event) error
}

// TerritoriesFrom adapts the territory service.
func TerritoriesFrom(s *territory.Service) Territories { return territories{s} }

type territories struct{ s *territory.Service }

func (t territories) Lineage(ctx context.Context, id string) ([]string, error) {
	ter, err := t.s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return append(append([]string{}, ter.Ancestors...), ter.ID), nil
}
