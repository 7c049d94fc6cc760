package network

import (
	"context"
	"errors"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	teixitmail "github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/territory"
)

// Deps are the services the network is built from.
type Deps struct {
	Store       *Store
	Orgs        organisation.Directory
	Territories territory.Getter
	ReadModel   readmodel.Counter
	Notify      notify.Deliverer
	// Search finds practices like a need and needs like a practice.
	Search Searcher
	// Sources and Practices, when set, resolve the needs and practices of need → practice links.
	Sources   Sources
	Practices Practices
	// Themes is the project's theme vocabulary.
	Themes []string
	// Mail sends invitations (nothing when no SMTP server is set: the inviter passes the link on).
	Mail teixitmail.Enqueuer
	// Diagnoses resolve the diagnoses actors are invited to.
	Diagnoses Diagnoses
	// BaseURL is the site's public URL for invitation links ("" = relative links).
	BaseURL string
}

// Service implements actors, relations, the network page and need → practice links.
type Service struct {
	Deps
	now func() time.Time
}

// NewService builds the service.
func NewService(d Deps) *Service { return &Service{Deps: d, now: time.Now} }

var (
	errActorNotFound    = apperr.NotFoundf("The actor")
	errRelationNotFound = apperr.NotFoundf("The relation")
)

// isStaff tells whether p is an admin or professional of the organisation (platform admins are).
func (s *Service) isStaff(ctx context.Context, p *auth.Principal, orgID string) (bool, error) {
	if p == nil || orgID == "" {
		return false, nil
	}
	if p.PlatformAdmin {
		return true, nil
	}
	r, err := s.Orgs.Role(ctx, orgID, p.UserID)
	return r == "admin" || r == "professional", err
}

// isOrgAdmin tells whether p is an admin of the organisation (or a platform admin).
func (s *Service) isOrgAdmin(ctx context.Context, p *auth.Principal, orgID string) (bool, error) {
	if p == nil || orgID == "" {
		return false, nil
	}
	if p.PlatformAdmin {
		return true, nil
	}
	r, err := s.Orgs.Role(ctx, orgID, p.UserID)
	return r == "admin", err
}

// canEditActor: the staff of the organisation that speaks for the actor (itself once on Teixit, else its
// steward), and platform admins. Pending and hidden suggestions are edited by nobody but moderators'
// decisions.
func (s *Service) canEditActor(ctx context.Context, p *auth.Principal, a *actorDoc) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.PlatformAdmin {
		return true, nil
	}
	if a.Status != StatusPublished {
		return false, nil
	}
	return s.isStaff(ctx, p, a.speaker())
}

// canModerate: staff of one of the suggestion's moderator organisations, or platform admins.
func (s *Service) canModerate(ctx context.Context, p *auth.Principal, a *actorDoc) (string, bool, error) {
	if p == nil {
		return "", false, nil
	}
	for _, o := range a.ModeratorOrgIDs {
		ok, err := s.isStaff(ctx, p, o)
		if err != nil || ok {
			return o, ok, err
		}
	}
	return "", p.PlatformAdmin, nil
}

// lineage is the territories with all their ancestors; unknown territories are a field error.
func (s *Service) lineage(ctx context.Context, ids []string) ([]string, bool, error) {
	var out []string
	for _, id := range ids {
		if !store.ValidID(id) {
			return nil, false, nil
		}
		t, err := s.Territories.Get(ctx, id)
		if apperr.IsKind(err, apperr.NotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		out = append(out, t.Ancestors...)
		out = append(out, t.ID)
	}
	return clean.Unique(out), true, nil
}

func (s *Service) actor(ctx context.Context, id string) (*actorDoc, error) {
	return store.GetByID[actorDoc](ctx, s.Store.Store, colActors, id, errActorNotFound)
}

// readableActor loads an actor the reader may see: published ones by everyone; a pending or hidden
// suggestion only by its moderators and the person who suggested it (others get NotFound).
func (s *Service) readableActor(ctx context.Context, p *auth.Principal, id string) (*actorDoc, error) {
	a, err := s.actor(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Status == StatusPublished {
		return a, nil
	}
	if p != nil && a.SuggestedBy == p.UserID && a.SuggestedBy != "" {
		return a, nil
	}
	if _, ok, err := s.canModerate(ctx, p, a); err != nil {
		return nil, err
	} else if !ok {
		return nil, errActorNotFound
	}
	return a, nil
}

func asInput(err error, target **search.InputError) bool { return errors.As(err, target) }
