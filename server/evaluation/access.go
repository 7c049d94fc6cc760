package evaluation

import (
	"context"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// rights is what one person may do in an evaluation edition. rightsOn is the package's one access rule:
// every service method asks it, and the read model's visibility (index.go) is derived from the same
// organisation lists, so the index and the Go checks cannot disagree.
//
//   - organiser: platform admin, or admin of an organising organisation. Organisers are the managers:
//     they see items attributed to groups, never to people.
//   - member: any role in an organising organisation or a partner organisation of the edition; may read
//     the evaluation, its editions, merged points, measures and a members-only report.
//   - participant: has taken part in the edition (a participant record); sits in one group.
//   - anyone: a published public report only.
type rights struct {
	userID      string
	organiser   bool
	member      bool
	participant *participantDoc
}

func (r rights) reader() bool { return r.organiser || r.member || r.participant != nil }

// rightsOn computes p's rights on an evaluation and, when ed is given, one of its editions. The role
// lookups are `_id` reads of memberships.
func (s *Service) rightsOn(ctx context.Context, p *auth.Principal, ev *evalDoc, ed *editionDoc) (rights, error) {
	var r rights
	if p == nil {
		return r, nil
	}
	r.userID = p.UserID
	r.organiser = p.PlatformAdmin
	for _, o := range ev.OrgIDs {
		role, err := s.orgs.Role(ctx, o, p.UserID)
		if err != nil {
			return r, err
		}
		r.organiser = r.organiser || role == "admin"
		r.member = r.member || role != ""
	}
	r.member = r.member || r.organiser
	if ed == nil {
		return r, nil
	}
	for _, o := range ed.PartnerOrgIDs {
		if r.member {
			break
		}
		role, err := s.orgs.Role(ctx, o, p.UserID)
		if err != nil {
			return r, err
		}
		r.member = role != ""
	}
	var pd participantDoc
	switch err := s.st.Get(ctx, colParticipants, participantID(ed.ID, p.UserID), &pd); {
	case err == nil:
		r.participant = &pd
	case !store.IsNotFound(err):
		return r, err
	}
	return r, nil
}

// requireOrganiser answers 401 for anonymous callers and 403 with msg for non-organisers.
func requireOrganiser(p *auth.Principal, r rights, msg string) error {
	if p == nil {
		return apperr.LoginRequired()
	}
	if !r.organiser {
		return apperr.Forbid(msg)
	}
	return nil
}

// evaluationWithRights loads an evaluation and p's rights on it (rightsOn).
func (s *Service) evaluationWithRights(ctx context.Context, p *auth.Principal, id string) (*evalDoc, rights, error) {
	ev, err := s.evaluation(ctx, id)
	if err != nil {
		return nil, rights{}, err
	}
	r, err := s.rightsOn(ctx, p, ev, nil)
	return ev, r, err
}

// evaluationForOrganisers loads an evaluation for what only its organisers may do: 401/404 to those who may
// not read it (requireReader), 403 with msg to the other readers.
func (s *Service) evaluationForOrganisers(ctx context.Context, p *auth.Principal, id, msg string) (*evalDoc, error) {
	ev, r, err := s.evaluationWithRights(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := requireReader(p, r); err != nil {
		return nil, err
	}
	if err := requireOrganiser(p, r, msg); err != nil {
		return nil, err
	}
	return ev, nil
}

// editionForOrganisers is editionFor for what only the organisers may do: 403 with msg to the other readers.
func (s *Service) editionForOrganisers(ctx context.Context, p *auth.Principal, id, msg string) (*editionDoc, *evalDoc, rights, error) {
	ed, ev, r, err := s.editionFor(ctx, p, id)
	if err != nil {
		return nil, nil, r, err
	}
	if err := requireOrganiser(p, r, msg); err != nil {
		return nil, nil, r, err
	}
	return ed, ev, r, nil
}

// requireReader answers 401/404: an evaluation one may not read is reported as not found to strangers
// (its title may already say too much), and as "sign in" to anonymous callers.
func requireReader(p *auth.Principal, r rights) error {
	if r.reader() {
		return nil
	}
	if p == nil {
		return apperr.LoginRequired()
	}
	return errEvaluationNotFound
}
