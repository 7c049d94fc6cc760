package network

import (
	"context"
	"math"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

func trimmed(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// apply validates in onto a, collecting every problem (create: the required fields must be there).
func (s *Service) apply(ctx context.Context, a *actorDoc, in ActorInput, create bool) error {
	f := apperr.Fields{}
	if in.Name != nil || create {
		a.Name = trimmed(in.Name)
		if l := runes(a.Name); l < 2 || l > MaxName {
			f["name"] = apperr.Length(2, 200)
		}
	}
	if in.Kind != nil || create {
		a.Kind = trimmed(in.Kind)
		if !slices.Contains(ActorKinds, a.Kind) {
			f["kind"] = apperr.OneOf(ActorKinds...)
		}
	}
	if in.Description != nil {
		a.Description = trimmed(in.Description)
		if runes(a.Description) > MaxText {
			f["description"] = apperr.MaxLength(2000)
		}
	}
	if in.Population != nil {
		a.Population = trimmed(in.Population)
		if runes(a.Population) > 500 {
			f["population"] = apperr.MaxLength(500)
		}
	}
	if in.Themes != nil || create {
		var ts []string
		if in.Themes != nil {
			ts = clean.Unique(*in.Themes)
		}
		a.Themes = ts
		switch {
		case len(ts) == 0 || len(ts) > MaxThemes:
			f["themes"] = apperr.ItemsBetween(1, 10)
		default:
			for _, t := range ts {
				if !slices.Contains(s.Themes, t) {
					f["themes"] = apperr.OneOf(s.Themes...)
				}
			}
		}
	}
	if in.Territories != nil || create {
		var ts []string
		if in.Territories != nil {
			ts = clean.Unique(*in.Territories)
		}
		if len(ts) == 0 || len(ts) > MaxTerritories {
			f["territories"] = apperr.ItemsBetween(1, 20)
		} else if lin, ok, err := s.lineage(ctx, ts); err != nil {
			return err
		} else if !ok {
			f["territories"] = apperr.UnknownRef()
		} else {
			a.Territories, a.Lineage = ts, lin
		}
	}
	if in.Point != nil {
		a.Point = nil
		if pt := *in.Point; pt != nil {
			if !finite(pt.Lat) || !finite(pt.Lon) || pt.Lat < -90 || pt.Lat > 90 || pt.Lon < -180 || pt.Lon > 180 {
				f["point"] = apperr.Because("coordinates")
			} else {
				a.Point = &pointDoc{Lat: pt.Lat, Lon: pt.Lon}
			}
		}
	}
	if c := in.Contact; c != nil {
		a.Contact = contactDoc{Email: strings.TrimSpace(c.Email), Phone: strings.TrimSpace(c.Phone),
			Web: strings.TrimSpace(c.Web), Address: strings.TrimSpace(c.Address), Public: c.Public}
		if e := a.Contact.Email; e != "" {
			if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e || runes(e) > 200 {
				f["contact.email"] = apperr.Because("email_format")
			}
		}
		if runes(a.Contact.Phone) > 50 {
			f["contact.phone"] = apperr.MaxLength(50)
		}
		if w := a.Contact.Web; w != "" && (!(strings.HasPrefix(w, "https://") || strings.HasPrefix(w, "http://")) || runes(w) > 300) {
			f["contact.web"] = apperr.Because("https_url")
		}
		if runes(a.Contact.Address) > 300 {
			f["contact.address"] = apperr.MaxLength(300)
		}
	}
	return apperr.Validation(f)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// CreateActor adds an actor. With an organisation (the caller is one of its professionals or admins) it
// is published at once with that organisation as its steward; with Self it is that organisation itself
// (one actor per organisation). Without an organisation it is a resident's suggestion, pending until the
// organisations mapping or diagnosing its territory (or platform admins) publish or hide it.
func (s *Service) CreateActor(ctx context.Context, p *auth.Principal, in ActorInput) (*Actor, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	now := s.now().UTC()
	a := &actorDoc{ID: store.NewID(), Rev: 1, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Themes: []string{}}
	orgID := trimmed(in.OrganisationID)
	if orgID != "" {
		if !store.ValidID(orgID) {
			return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.UnknownRef()})
		}
		name, err := s.Orgs.Name(ctx, orgID)
		if apperr.IsKind(err, apperr.NotFound) {
			return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.UnknownRef()})
		} else if err != nil {
			return nil, err
		}
		if ok, err := s.isStaff(ctx, p, orgID); err != nil {
			return nil, err
		} else if !ok {
			return nil, apperr.Forbid("Only professionals and administrators of the organisation can add actors in its name.")
		}
		a.StewardOrgID, a.Status = orgID, StatusPublished
		if in.Self {
			a.OrgID = orgID
			if in.Name == nil {
				in.Name = &name
			}
		}
	} else {
		if in.Self {
			return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.Required()})
		}
		a.Status, a.SuggestedBy = StatusPending, p.UserID
	}
	if err := s.apply(ctx, a, in, true); err != nil {
		return nil, err
	}
	if a.Status == StatusPending {
		mods, err := s.moderatorsFor(ctx, a.Territories)
		if err != nil {
			return nil, err
		}
		a.ModeratorOrgIDs = mods
	}
	if a.OrgID != "" {
		if err := s.claimOrg(ctx, a.OrgID, a.ID); err != nil {
			return nil, err
		}
	}
	if err := s.ReadModel.Changed(ctx, KindActor, a.ID, func() error { return s.Store.Insert(ctx, colActors, a) }); err != nil {
		return nil, err
	}
	if a.Status == StatusPending {
		var staff []string
		for _, o := range a.ModeratorOrgIDs {
			st, _ := s.Orgs.Staff(ctx, o)
			staff = append(staff, st...)
		}
		_ = s.Notify.Deliver(ctx, staff, notify.Event{Kind: "actor_suggested", Title: a.Name, Link: ActorLink(a.ID), Actor: p.UserID})
	}
	return s.view(ctx, p, a)
}

// claimOrg records that the organisation is this actor, by inserting its claim (`_id` = organisation):
// 409 organisation_already_actor when another actor holds it. A claim left by a crash before its actor
// was written (its actor does not exist) is taken over.
func (s *Service) claimOrg(ctx context.Context, orgID, actorID string) error {
	err := s.Store.Insert(ctx, colOrgActors, &orgActorDoc{ID: orgID, ActorID: actorID, At: s.now().UTC()})
	if !store.IsDuplicate(err) {
		return err
	}
	var held orgActorDoc
	if err := s.Store.Get(ctx, colOrgActors, orgID, &held); err != nil {
		return err
	}
	if held.ActorID == actorID {
		return nil
	}
	var other actorDoc
	if err := s.Store.Get(ctx, colActors, held.ActorID, &other); store.IsNotFound(err) {
		if err := s.Store.remove(ctx, colOrgActors, orgID); err != nil {
			return err
		}
		return s.claimOrg(ctx, orgID, actorID)
	} else if err != nil {
		return err
	}
	return apperr.New(apperr.Conflict, "organisation_already_actor",
		"This organisation is already an actor of the network: edit that actor instead.")
}

// moderatorsFor are the organisations that steward published actors or lead diagnoses in the territories.
func (s *Service) moderatorsFor(ctx context.Context, territories []string) ([]string, error) {
	var out []string
	for _, kind := range []string{KindActor, "diagnosis"} {
		res, err := s.ReadModel.Counts(ctx, search.Reader{Admin: true}, kind, map[string][]string{"territory": territories}, []string{"org"})
		if err != nil {
			return nil, err
		}
		for _, fc := range res.Facets["org"] {
			if fc.Value != "" && !slices.Contains(out, fc.Value) && len(out) < 20 {
				out = append(out, fc.Value)
			}
		}
	}
	return out, nil
}

// view is the API form of an actor as p sees it (contact details only when public or p edits it).
func (s *Service) view(ctx context.Context, p *auth.Principal, a *actorDoc) (*Actor, error) {
	canEdit, err := s.canEditActor(ctx, p, a)
	if err != nil {
		return nil, err
	}
	v := &Actor{ID: a.ID, Name: a.Name, Kind: a.Kind, Description: a.Description, Themes: a.Themes, Population: a.Population,
		Territories: a.Territories, OrganisationID: a.OrgID, OnTeixit: a.OrgID != "", StewardOrgID: a.StewardOrgID,
		Status: a.Status, CanEdit: canEdit, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		SuggestedByMe: p != nil && a.SuggestedBy != "" && a.SuggestedBy == p.UserID}
	if v.Themes == nil {
		v.Themes = []string{}
	}
	if a.Point != nil {
		pt := *a.Point
		v.Point = &pt
	}
	if a.Contact.Public || canEdit {
		c := a.Contact
		v.Contact = &Contact{Email: c.Email, Phone: c.Phone, Web: c.Web, Address: c.Address, Public: c.Public}
	}
	if a.Status != StatusPublished {
		_, v.CanModerate, err = s.canModerate(ctx, p, a)
		if err != nil {
			return nil, err
		}
		if v.CanModerate || v.SuggestedByMe {
			v.HiddenReason = a.HiddenReason
		}
	}
	if a.Claim != nil && (canEdit || s.claimantOf(ctx, p, a)) {
		v.Claim = &Claim{OrganisationID: a.Claim.OrgID, At: a.Claim.At}
	}
	return v, nil
}

func (s *Service) claimantOf(ctx context.Context, p *auth.Principal, a *actorDoc) bool {
	ok, _ := s.isOrgAdmin(ctx, p, a.Claim.OrgID)
	return ok
}

// GetActor returns an actor the reader may see.
func (s *Service) GetActor(ctx context.Context, p *auth.Principal, id string) (*Actor, error) {
	a, err := s.readableActor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, a)
}

// modifyActor is a read-modify-write of an actor guarded by its revision, retried a few times on a
// concurrent change, then 409. change may refuse with an error.
func (s *Service) modifyActor(ctx context.Context, p *auth.Principal, id string, change func(a *actorDoc) error) (*actorDoc, error) {
	for attempt := 0; attempt < 5; attempt++ {
		a, err := s.readableActor(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if err := change(a); err != nil {
			return nil, err
		}
		rev := a.Rev
		a.Rev, a.UpdatedAt = rev+1, s.now().UTC()
		err = s.ReadModel.Changed(ctx, KindActor, a.ID, func() error { return s.Store.replaceIf(ctx, colActors, a.ID, rev, a) })
		if store.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, apperr.New(apperr.Conflict, "concurrent_change", "The actor changed meanwhile: try again.")
}

// UpdateActor changes an actor (the staff of the organisation that speaks for it). Its relations are
// re-announced so their names and territories follow.
func (s *Service) UpdateActor(ctx context.Context, p *auth.Principal, id string, in ActorInput) (*Actor, error) {
	if in.OrganisationID != nil || in.Self {
		return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.Immutable()})
	}
	a, err := s.modifyActor(ctx, p, id, func(a *actorDoc) error {
		if ok, err := s.canEditActor(ctx, p, a); err != nil {
			return err
		} else if !ok {
			return apperr.Forbid("Only professionals and administrators of the organisation that keeps this actor can change it.")
		}
		return s.apply(ctx, a, in, false)
	})
	if err != nil {
		return nil, err
	}
	if err := s.reannounceRelations(ctx, a.ID); err != nil {
		return nil, err
	}
	return s.view(ctx, p, a)
}

func (s *Service) reannounceRelations(ctx context.Context, actorID string) error {
	rs, err := s.Store.relationsOf(ctx, actorID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := s.ReadModel.Changed(ctx, KindRelation, r.ID, func() error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

// Moderate publishes or hides a suggested actor (its moderators). Publishing makes the moderator's
// organisation its steward; hiding needs a reason, which the person who suggested it reads.
func (s *Service) Moderate(ctx context.Context, p *auth.Principal, id string, in ModerationInput) (*Actor, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	f := apperr.Fields{}
	if !slices.Contains(Decisions, in.Decision) {
		f["decision"] = apperr.OneOf(Decisions...)
	}
	if in.Decision == "hide" && (in.Reason == "" || runes(in.Reason) > 500) {
		f["reason"] = apperr.Length(1, 500)
	}
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	var suggester string
	a, err := s.modifyActor(ctx, p, id, func(a *actorDoc) error {
		org, ok, err := s.canModerate(ctx, p, a)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Forbid("Only the organisations that map or diagnose this territory can moderate suggestions.")
		}
		if a.SuggestedBy == "" {
			return apperr.New(apperr.Conflict, "not_a_suggestion", "This actor was not suggested: there is nothing to moderate.")
		}
		if a.Status == StatusPublished {
			return apperr.New(apperr.Conflict, "already_published", "This suggestion is already published.")
		}
		suggester = a.SuggestedBy
		if in.Decision == "publish" {
			a.Status, a.HiddenReason = StatusPublished, ""
			if a.StewardOrgID == "" {
				a.StewardOrgID = org
			}
		} else {
			a.Status, a.HiddenReason = StatusHidden, in.Reason
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	_ = s.Notify.Deliver(ctx, []string{suggester}, notify.Event{Kind: "actor_" + map[string]string{"publish": "published", "hide": "hidden"}[in.Decision],
		Title: a.Name, Link: ActorLink(a.ID), Actor: p.UserID})
	return s.view(ctx, p, a)
}

// RequestClaim asks for an actor to become an organisation on Teixit (that organisation's admins). The
// staff of the actor's steward accept it; when the claimant is the steward (or its staff), it is accepted
// at once.
func (s *Service) RequestClaim(ctx context.Context, p *auth.Principal, id string, in ClaimInput) (*Actor, error) {
	if !store.ValidID(in.OrganisationID) {
		return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.Required()})
	}
	if _, err := s.Orgs.Name(ctx, in.OrganisationID); apperr.IsKind(err, apperr.NotFound) {
		return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.UnknownRef()})
	} else if err != nil {
		return nil, err
	}
	if ok, err := s.isOrgAdmin(ctx, p, in.OrganisationID); err != nil {
		return nil, err
	} else if !ok {
		return nil, apperr.Forbid("Only administrators of the organisation can claim an actor for it.")
	}
	a, err := s.readableActor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if a.Status != StatusPublished {
		return nil, apperr.New(apperr.Conflict, "not_published", "Only a published actor can be claimed.")
	}
	if a.OrgID != "" {
		return nil, apperr.New(apperr.Conflict, "already_on_teixit", "This actor is already an organisation on Teixit.")
	}
	if ok, err := s.isStaff(ctx, p, a.StewardOrgID); err != nil {
		return nil, err
	} else if ok || a.StewardOrgID == in.OrganisationID {
		return s.acceptClaim(ctx, p, a.ID, in.OrganisationID)
	}
	a, err = s.modifyActor(ctx, p, id, func(a *actorDoc) error {
		if a.Claim != nil && a.Claim.OrgID != in.OrganisationID {
			return apperr.New(apperr.Conflict, "claim_pending", "Another organisation's claim on this actor is waiting for an answer.")
		}
		a.Claim = &claimDoc{OrgID: in.OrganisationID, By: p.UserID, At: s.now().UTC()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	staff, _ := s.Orgs.Staff(ctx, a.StewardOrgID)
	_ = s.Notify.Deliver(ctx, staff, notify.Event{Kind: "actor_claimed", Title: a.Name, Link: ActorLink(a.ID), Actor: p.UserID})
	return s.view(ctx, p, a)
}

// DecideClaim accepts or turns down the pending claim (the steward's staff).
func (s *Service) DecideClaim(ctx context.Context, p *auth.Principal, id string, in ClaimDecision) (*Actor, error) {
	a, err := s.readableActor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if a.Claim == nil {
		return nil, apperr.New(apperr.Conflict, "no_claim", "No organisation is claiming this actor.")
	}
	if ok, err := s.isStaff(ctx, p, a.StewardOrgID); err != nil {
		return nil, err
	} else if !ok {
		return nil, apperr.Forbid("Only professionals and administrators of the organisation that keeps this actor can answer a claim.")
	}
	claimant, by := a.Claim.OrgID, a.Claim.By
	if in.Accept {
		out, err := s.acceptClaim(ctx, p, a.ID, claimant)
		if err == nil {
			_ = s.Notify.Deliver(ctx, []string{by}, notify.Event{Kind: "actor_claim_accepted", Title: a.Name, Link: ActorLink(a.ID), Actor: p.UserID})
		}
		return out, err
	}
	a, err = s.modifyActor(ctx, p, id, func(a *actorDoc) error { a.Claim = nil; return nil })
	if err != nil {
		return nil, err
	}
	_ = s.Notify.Deliver(ctx, []string{by}, notify.Event{Kind: "actor_claim_declined", Title: a.Name, Link: ActorLink(a.ID), Actor: p.UserID})
	return s.view(ctx, p, a)
}

// acceptClaim makes the organisation the actor: its claim document first (one actor per organisation),
// then the actor. Relations waiting on nobody become confirmable by the organisation from then on.
func (s *Service) acceptClaim(ctx context.Context, p *auth.Principal, id, orgID string) (*Actor, error) {
	if err := s.claimOrg(ctx, orgID, id); err != nil {
		return nil, err
	}
	a, err := s.modifyActor(ctx, p, id, func(a *actorDoc) error {
		if a.OrgID != "" && a.OrgID != orgID {
			return apperr.New(apperr.Conflict, "already_on_teixit", "This actor is already an organisation on Teixit.")
		}
		a.OrgID, a.Claim = orgID, nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.reannounceRelations(ctx, a.ID); err != nil {
		return nil, err
	}
	return s.view(ctx, p, a)
}

// ActorList filters the actors list.
type ActorList struct {
	Territory, Theme, Kind, Status, Cursor string
	Limit                                  int
}

// ListActors lists actors from the read model (published by default; ?status=pending shows the
// suggestions the reader moderates or made).
func (s *Service) ListActors(ctx context.Context, p *auth.Principal, in ActorList) ([]Actor, string, error) {
	filters := map[string][]string{}
	f := apperr.Fields{}
	if in.Territory != "" {
		filters["territory"] = []string{in.Territory}
	}
	readmodel.Choose(filters, f, "theme", "theme", in.Theme, s.Themes)
	readmodel.Choose(filters, f, "kind", "actor_kind", in.Kind, ActorKinds)
	readmodel.Choose(filters, f, "status", "status", in.Status, []string{StatusPublished, StatusPending, StatusHidden})
	if err := apperr.Validation(f); err != nil {
		return nil, "", err
	}
	limit := paging.Lists.Of(in.Limit)
	res, err := s.ReadModel.List(ctx, readmodel.ReaderFor(p), search.ListRequest{Kind: KindActor, Filters: filters,
		Sort: "title", Cursor: in.Cursor, PerPage: limit, IDsOnly: true})
	if err != nil {
		return nil, "", err
	}
	out := make([]Actor, 0, len(res.Items))
	for _, it := range res.Items {
		a, err := s.readableActor(ctx, p, rawID(it.ID))
		if apperr.IsKind(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		v, err := s.view(ctx, p, a)
		if err != nil {
			return nil, "", err
		}
		out = append(out, *v)
	}
	return out, res.NextCursor, nil
}

// rawID strips the index's "kind:" prefix from a document id.
func rawID(docID string) string {
	if _, id, ok := strings.Cut(docID, ":"); ok {
		return id
	}
	return docID
}
