package network

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/store"
)

// validPartialDate accepts YYYY, YYYY-MM or YYYY-MM-DD (people often know only the year a relation began).
func validPartialDate(s string) bool {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
	}
	return false
}

func (in *RelationInput) validate() error {
	in.Source, in.Note = strings.TrimSpace(in.Source), strings.TrimSpace(in.Note)
	f := apperr.Fields{}
	if !slices.Contains(RelationTypes, in.Type) {
		f["type"] = apperr.OneOf(RelationTypes...)
	}
	if !store.ValidID(in.FromActorID) {
		f["fromActorId"] = apperr.Required()
	}
	if !store.ValidID(in.ToActorID) {
		f["toActorId"] = apperr.Required()
	} else if in.ToActorID == in.FromActorID {
		f["toActorId"] = apperr.Because("self_relation")
	}
	if !validPartialDate(in.Since) {
		f["since"] = apperr.Because("partial_date")
	}
	if in.Until != "" && (!validPartialDate(in.Until) || in.Until < in.Since) {
		f["until"] = apperr.Because("partial_date_after")
	}
	if l := runes(in.Source); l < 2 || l > 300 {
		f["source"] = apperr.Length(1, 300)
	}
	if runes(in.Note) > 1000 {
		f["note"] = apperr.MaxLength(1000)
	}
	return apperr.Validation(f)
}

// ProposeRelation records a relation between two published actors, proposed by the side the caller's
// organisation speaks for. When the caller speaks for both sides it is confirmed at once; when the other
// side is an organisation on Teixit it waits for that organisation's confirmation (its staff are told);
// when the other side is not on Teixit it is stated (nobody there can confirm it yet). The same relation
// twice is 409 relation_exists: its id is deterministic, so the insert is the check.
func (s *Service) ProposeRelation(ctx context.Context, p *auth.Principal, in RelationInput) (*Relation, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	from, err := s.readableActor(ctx, p, in.FromActorID)
	if err != nil {
		return nil, err
	}
	to, err := s.readableActor(ctx, p, in.ToActorID)
	if err != nil {
		return nil, err
	}
	if from.Status != StatusPublished || to.Status != StatusPublished {
		return nil, apperr.New(apperr.Conflict, "not_published", "Relations link published actors only: a suggestion must be moderated first.")
	}
	editFrom, err := s.canEditActor(ctx, p, from)
	if err != nil {
		return nil, err
	}
	editTo, err := s.canEditActor(ctx, p, to)
	if err != nil {
		return nil, err
	}
	if !editFrom && !editTo {
		return nil, apperr.Forbid("You can record relations only of an actor your organisation speaks for.")
	}
	mine, other := from, to
	if !editFrom {
		mine, other = to, from
	}
	now := s.now().UTC()
	r := &relationDoc{ID: RelationID(from.ID, in.Type, to.ID), Rev: 1, From: from.ID, To: to.ID, Type: in.Type,
		Since: in.Since, Until: in.Until, Source: in.Source, Note: in.Note, ProposerActor: mine.ID, ProposerOrg: mine.speaker(),
		ProposedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	if symmetric(in.Type) && r.From > r.To {
		r.From, r.To = r.To, r.From
	}
	switch {
	case editFrom && editTo:
		r.Status, r.ConfirmedBy, r.ConfirmedAt = RelConfirmed, p.UserID, now
	case other.OrgID != "":
		r.Status, r.AwaitingOrg = RelProposed, other.OrgID
	default:
		r.Status = RelStated
	}
	err = s.ReadModel.Changed(ctx, KindRelation, r.ID, func() error { return s.Store.Insert(ctx, colRelations, r) })
	if store.IsDuplicate(err) {
		return nil, apperr.New(apperr.Conflict, "relation_exists", "This relation is already recorded between these two actors.")
	}
	if err != nil {
		return nil, err
	}
	if r.Status == RelProposed {
		staff, _ := s.Orgs.Staff(ctx, r.AwaitingOrg)
		_ = s.Notify.Deliver(ctx, staff, notify.Event{Kind: "relation_proposed", Title: from.Name + " · " + to.Name,
			Link: ActorLink(other.ID), Actor: p.UserID})
	}
	return s.relationView(ctx, p, r, map[string]*actorDoc{from.ID: from, to.ID: to})
}

func (s *Service) relation(ctx context.Context, id string) (*relationDoc, error) {
	return store.GetByID[relationDoc](ctx, s.Store.Store, colRelations, id, errRelationNotFound)
}

// relationReadable: confirmed and stated relations are public; a proposed one is seen only by members
// of the two organisations involved (the same rule as its index visibility).
func relationReadable(p *auth.Principal, r *relationDoc) bool {
	if r.Status != RelProposed {
		return true
	}
	if p == nil {
		return false
	}
	if p.PlatformAdmin {
		return true
	}
	for _, o := range p.OrgIDs {
		if o == r.ProposerOrg || o == r.AwaitingOrg {
			return true
		}
	}
	return false
}

func (s *Service) readableRelation(ctx context.Context, p *auth.Principal, id string) (*relationDoc, error) {
	r, err := s.relation(ctx, id)
	if err != nil {
		return nil, err
	}
	if !relationReadable(p, r) {
		return nil, errRelationNotFound
	}
	return r, nil
}

func (s *Service) relationView(ctx context.Context, p *auth.Principal, r *relationDoc, actors map[string]*actorDoc) (*Relation, error) {
	name := func(id string) string {
		if a, ok := actors[id]; ok && a != nil {
			return a.Name
		}
		a, err := s.actor(ctx, id)
		if err != nil {
			return ""
		}
		actors[id] = a
		return a.Name
	}
	v := &Relation{ID: r.ID, FromActorID: r.From, ToActorID: r.To, FromName: name(r.From), ToName: name(r.To), Type: r.Type,
		Since: r.Since, Until: r.Until, Source: r.Source, Note: r.Note, Status: r.Status, ProposedBy: r.ProposerActor,
		CreatedAt: r.CreatedAt}
	if !r.ConfirmedAt.IsZero() {
		t := r.ConfirmedAt
		v.ConfirmedAt = &t
	}
	var err error
	if r.Status == RelProposed {
		if v.CanConfirm, err = s.isStaff(ctx, p, r.AwaitingOrg); err != nil {
			return nil, err
		}
	}
	if v.CanRemove, err = s.canRemove(ctx, p, r, actors); err != nil {
		return nil, err
	}
	return v, nil
}

// canRemove: the staff of either side (withdrawing or declining it).
func (s *Service) canRemove(ctx context.Context, p *auth.Principal, r *relationDoc, actors map[string]*actorDoc) (bool, error) {
	if p == nil {
		return false, nil
	}
	if ok, err := s.isStaff(ctx, p, r.AwaitingOrg); ok || err != nil {
		return ok, err
	}
	for _, id := range []string{r.From, r.To} {
		a := actors[id]
		if a == nil {
			var err error
			if a, err = s.actor(ctx, id); apperr.IsKind(err, apperr.NotFound) {
				continue
			} else if err != nil {
				return false, err
			}
			actors[id] = a
		}
		if ok, err := s.canEditActor(ctx, p, a); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// GetRelation returns a relation the reader may see.
func (s *Service) GetRelation(ctx context.Context, p *auth.Principal, id string) (*Relation, error) {
	r, err := s.readableRelation(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.relationView(ctx, p, r, map[string]*actorDoc{})
}

// ConfirmRelation confirms a proposed relation: only the staff of the organisation it waits for (the
// other side) may; the proposer's side is told.
func (s *Service) ConfirmRelation(ctx context.Context, p *auth.Principal, id string) (*Relation, error) {
	for attempt := 0; attempt < 5; attempt++ {
		r, err := s.readableRelation(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if r.Status != RelProposed {
			return nil, apperr.New(apperr.Conflict, "not_awaiting_confirmation", "This relation is not waiting for a confirmation.")
		}
		if ok, err := s.isStaff(ctx, p, r.AwaitingOrg); err != nil {
			return nil, err
		} else if !ok {
			return nil, apperr.Forbid("Only professionals and administrators of the other side's organisation can confirm this relation.")
		}
		rev, now := r.Rev, s.now().UTC()
		r.Rev, r.Status, r.AwaitingOrg, r.ConfirmedBy, r.ConfirmedAt, r.UpdatedAt = rev+1, RelConfirmed, "", p.UserID, now, now
		err = s.ReadModel.Changed(ctx, KindRelation, r.ID, func() error { return s.Store.replaceIf(ctx, colRelations, r.ID, rev, r) })
		if store.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		staff, _ := s.Orgs.Staff(ctx, r.ProposerOrg)
		actors := map[string]*actorDoc{}
		v, err := s.relationView(ctx, p, r, actors)
		if err != nil {
			return nil, err
		}
		_ = s.Notify.Deliver(ctx, append(staff, r.ProposedBy), notify.Event{Kind: "relation_confirmed",
			Title: v.FromName + " · " + v.ToName, Link: ActorLink(r.ProposerActor), Actor: p.UserID})
		return v, nil
	}
	return nil, apperr.New(apperr.Conflict, "concurrent_change", "The relation changed meanwhile: try again.")
}

// RemoveRelation withdraws a relation (either side's staff), or declines a proposed one (the side it
// waits for: the proposer is told).
func (s *Service) RemoveRelation(ctx context.Context, p *auth.Principal, id string) error {
	r, err := s.readableRelation(ctx, p, id)
	if err != nil {
		return err
	}
	if ok, err := s.canRemove(ctx, p, r, map[string]*actorDoc{}); err != nil {
		return err
	} else if !ok {
		return apperr.Forbid("Only professionals and administrators of either side can remove a relation.")
	}
	declined := false
	if r.Status == RelProposed {
		declined, _ = s.isStaff(ctx, p, r.AwaitingOrg)
	}
	if err := s.ReadModel.Changed(ctx, KindRelation, r.ID, func() error { return s.Store.remove(ctx, colRelations, r.ID) }); err != nil {
		return err
	}
	if declined {
		_ = s.Notify.Deliver(ctx, []string{r.ProposedBy}, notify.Event{Kind: "relation_declined", Title: r.Type,
			Link: ActorLink(r.ProposerActor), Actor: p.UserID})
	}
	return nil
}

// ActorRelations lists an actor's relations the reader may see.
func (s *Service) ActorRelations(ctx context.Context, p *auth.Principal, actorID string) ([]Relation, error) {
	a, err := s.readableActor(ctx, p, actorID)
	if err != nil {
		return nil, err
	}
	rs, err := s.Store.relationsOf(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	actors := map[string]*actorDoc{a.ID: a}
	out := []Relation{}
	for i := range rs {
		if !relationReadable(p, &rs[i]) {
			continue
		}
		v, err := s.relationView(ctx, p, &rs[i], actors)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, nil
}
