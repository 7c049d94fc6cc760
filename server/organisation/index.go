package organisation

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/store"
)

// IndexKind is the read-model kind of organisations.
const IndexKind = "organisation"

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

// Warm keeps organisations in this node's memory ahead of their first reads, in one scan of the store in the
// background after start, until the cache is full (readmodel.Cache.Fill): a page read for the first time
// then costs what a kept one does instead of a store read (docs/foundation-benchmarks.md).
func (s *Service) Warm(ctx context.Context) error {
	errFull := errors.New("cache full")
	err := s.cache.Fill(func(keep func(string, orgDoc) bool) error {
		return store.Each(ctx, s.st.s, colOrgs, func(o *orgDoc) error {
			if !keep(o.ID, *o) {
				return errFull
			}
			return nil
		})
	})
	if errors.Is(err, errFull) {
		return nil
	}
	return err
}

// Collectors are the domain's metrics: how many organisations this node keeps in memory (Warm fills it after
// start; a load tool waits for it).
func (s *Service) Collectors() []prometheus.Collector {
	return []prometheus.Collector{prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "teixit_organisations_kept",
		Help: "Organisations this node keeps in memory for their pages and lists."},
		func() float64 { return float64(s.cache.Len()) })}
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
