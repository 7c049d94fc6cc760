package readmodel

import (
	"context"

	"github.com/teixit/teixit/search"
)

// Lister is what a domain needs of the read model to keep its records listed: every write announced
// first (Changed: the outbox record goes before the document, so every node's index follows), every list
// read from the index with the reader's rights in the query. *ReadModel implements it.
type Lister interface {
	Changed(ctx context.Context, kind, id string, write func() error) error
	List(ctx context.Context, r search.Reader, req search.ListRequest) (*search.ListResult, error)
}

// Counter is a Lister that also counts records by field values (facets and dashboards).
type Counter interface {
	Lister
	Counts(ctx context.Context, r search.Reader, kind string, filters map[string][]string, fields []string) (*search.CountResult, error)
}
