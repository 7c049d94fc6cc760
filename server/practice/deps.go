package practice

import (
	"context"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/territory"
)

// Orgs is what practices need from organisations.
type Orgs interface {
	// Role is the person's role in the organisation, "" when not a member.
	Role(ctx context.Context, orgID, userID string) (string, error)
	// Name returns the organisation's name; a NotFound error when it does not exist.
	Name(ctx context.Context, orgID string) (string, error)
	// Staff are the organisation's admins and professionals (who are told about transfers).
	Staff(ctx context.Context, orgID string) ([]string, error)
}

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

// Media is the media store, for attachments.
type Media interface {
	Get(ctx context.Context, id string) (*mediafile.Asset, error)
	SetVisibility(ctx context.Context, id string, visibility []string) error
}

// OrgsFrom adapts the organisation service.
func OrgsFrom(s *organisation.Service) Orgs { return orgs{s} }

type orgs struct{ s *organisation.Service }

func (o orgs) Role(ctx context.Context, orgID, userID string) (string, error) {
	return o.s.Role(ctx, orgID, userID)
}

func (o orgs) Name(ctx context.Context, orgID string) (string, error) {
	org, err := o.s.Get(ctx, nil, orgID)
	if err != nil {
		return "", err
	}
	return org.Name, nil
}

func (o orgs) Staff(ctx context.Context, orgID string) ([]string, error) {
	return o.s.StaffIDs(ctx, orgID)
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
