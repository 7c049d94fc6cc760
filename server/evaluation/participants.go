package evaluation

import (
	"context"
	"crypto/subtle"
	"slices"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// everyone reads this package's internal documents (participants, votes); callers check rightsOn first.
var everyone = search.Reader{Admin: true}

// Added says how many people an invitation by role added.
type Added struct {
	Added int `json:"added"`
	Total int `json:"total"`
}

// InviteMembers makes every member of the organising organisations whose role the edition invites a
// participant (organisers; before the prioritisation). Someone already taking part is left as is; once
// groups are formed, newcomers are placed as late arrivals.
func (s *Service) InviteMembers(ctx context.Context, p *auth.Principal, edID string) (*Added, error) {
	ed, ev, _, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers invite people.")
	if err != nil {
		return nil, err
	}
	if ed.Phase != PhasePreparation && ed.Phase != PhaseGroups {
		return nil, wrongPhase(ed.Phase, "people join while preparing or in groups")
	}
	out := &Added{}
	for _, org := range ev.OrgIDs {
		ms, err := s.orgs.Members(ctx, p, org)
		if apperr.IsKind(err, apperr.Forbidden) {
			continue // a platform admin organising without being a member sees no list
		} else if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !slices.Contains(ed.Roles, m.Role) {
				continue
			}
			added, err := s.addParticipant(ctx, ed, participantDoc{UserID: m.UserID, Name: m.Name, OrgID: org, Role: m.Role})
			if err != nil {
				return nil, err
			}
			if added {
				out.Added++
			}
		}
	}
	total, err := s.participantCount(ctx, ed.ID)
	out.Total = total
	return out, err
}

// JoinInput is a person's own request to take part: with the invitation code of the link, or as a member
// of an invited role or a partner organisation.
type JoinInput struct {
	Code string `json:"code"`
	Team string `json:"team"`
}

// Join makes the caller a participant. 403 when they are neither invited by role, nor of a partner
// organisation, nor holding the link's code; 409 already_participating.
func (s *Service) Join(ctx context.Context, p *auth.Principal, edID string, in JoinInput) (*Edition, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	ed, ev, err := s.edition(ctx, edID)
	if err != nil {
		return nil, err
	}
	r, err := s.rightsOn(ctx, p, ev, ed)
	if err != nil {
		return nil, err
	}
	codeOK := in.Code != "" && subtle.ConstantTimeCompare([]byte(in.Code), []byte(ed.InviteCode)) == 1
	if !r.reader() && !codeOK {
		return nil, errEditionNotFound
	}
	if r.participant != nil {
		return nil, apperr.New(apperr.Conflict, "already_participating", "You already take part in this edition.")
	}
	if ed.Phase != PhasePreparation && ed.Phase != PhaseGroups {
		return nil, wrongPhase(ed.Phase, "people join while preparing or in groups")
	}
	pd := participantDoc{UserID: p.UserID, Name: p.Name, Role: "guest"}
	for _, o := range ev.OrgIDs {
		role, err := s.orgs.Role(ctx, o, p.UserID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(ed.Roles, role) {
			pd.OrgID, pd.Role = o, role
			break
		}
	}
	if pd.Role == "guest" {
		for _, o := range ed.PartnerOrgIDs {
			role, err := s.orgs.Role(ctx, o, p.UserID)
			if err != nil {
				return nil, err
			}
			if role != "" {
				pd.OrgID, pd.Role = o, role
				break
			}
		}
	}
	if pd.Role == "guest" && !codeOK {
		return nil, apperr.New(apperr.Forbidden, "not_invited", "This edition has not invited you: ask its organisers for the invitation link.")
	}
	if t := strings.TrimSpace(in.Team); t != "" {
		if utf8.RuneCountInString(t) > 80 {
			return nil, apperr.Validation(apperr.Fields{"team": apperr.MaxLength(80)})
		}
		pd.Team = t
	}
	added, err := s.addParticipant(ctx, ed, pd)
	if err != nil {
		return nil, err
	}
	if !added {
		return nil, apperr.New(apperr.Conflict, "already_participating", "You already take part in this edition.")
	}
	return s.GetEdition(ctx, p, edID)
}

// addParticipant claims "<edition>:<user>" (false when it was already taken) and, once groups are formed,
// seats the newcomer as a late arrival. The edition is read again after the claim: a person who joins
// while the groups are being formed is seated either here or by FormGroups' second look.
func (s *Service) addParticipant(ctx context.Context, ed *editionDoc, pd participantDoc) (bool, error) {
	pd.ID, pd.EditionID, pd.JoinedAt = participantID(ed.ID, pd.UserID), ed.ID, s.now().UTC()
	err := s.rm.Changed(ctx, KindParticipant, pd.ID, func() error { return s.st.Insert(ctx, colParticipants, &pd) })
	if store.IsDuplicate(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	now := ed
	if !ed.GroupsFormed {
		if now, _, err = s.edition(ctx, ed.ID); err != nil {
			return true, err
		}
	}
	if now.GroupsFormed {
		return true, s.seatLate(ctx, now, &pd)
	}
	return true, nil
}

func (s *Service) participantCount(ctx context.Context, edID string) (int, error) {
	res, err := s.rm.Counts(ctx, everyone, KindParticipant, map[string][]string{"parent": {edID}, "status": {statusInternal}}, nil)
	if err != nil {
		return 0, err
	}
	return int(res.Total), nil
}

// participants reads every participant of an edition through the read model (bounded at 2000).
func (s *Service) participants(ctx context.Context, edID string) ([]*participantDoc, error) {
	f := map[string][]string{"parent": {edID}, "status": {statusInternal}}
	return everyListed[participantDoc](ctx, s, KindParticipant, colParticipants, f, 2000)
}

func (pd *participantDoc) person() Person {
	return Person{UserID: pd.UserID, Name: pd.Name, Role: pd.Role, Team: pd.Team, GroupID: pd.GroupID}
}

// Participants lists an edition's participants with their groups (organisers).
func (s *Service) Participants(ctx context.Context, p *auth.Principal, edID string) ([]Person, error) {
	ed, _, _, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers see who takes part.")
	if err != nil {
		return nil, err
	}
	ps, err := s.participants(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Person, 0, len(ps))
	for _, pd := range ps {
		out = append(out, pd.person())
	}
	return out, nil
}

// PlaceInput moves a participant by hand: another group and/or a team label.
type PlaceInput struct {
	GroupID *string `json:"groupId"`
	Team    *string `json:"team"`
}

// Place moves a participant to another group or names their team (organisers). A move that would leave
// the group they leave below the anonymity threshold is refused (409 group_below_threshold).
func (s *Service) Place(ctx context.Context, p *auth.Principal, edID, userID string, in PlaceInput) (*Person, error) {
	ed, _, _, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers place people in groups.")
	if err != nil {
		return nil, err
	}
	var pd participantDoc
	if !store.ValidID(userID) {
		return nil, apperr.NotFoundf("The participant")
	}
	if err := s.st.Get(ctx, colParticipants, participantID(ed.ID, userID), &pd); store.IsNotFound(err) {
		return nil, apperr.NotFoundf("The participant")
	} else if err != nil {
		return nil, err
	}
	set := bson.M{}
	if in.Team != nil {
		t := strings.TrimSpace(*in.Team)
		if utf8.RuneCountInString(t) > 80 {
			return nil, apperr.Validation(apperr.Fields{"team": apperr.MaxLength(80)})
		}
		pd.Team, set["team"] = t, t
	}
	moving := in.GroupID != nil && *in.GroupID != pd.GroupID
	if moving {
		if ed.Phase != PhasePreparation && ed.Phase != PhaseGroups {
			return nil, wrongPhase(ed.Phase, "groups change while preparing or in groups")
		}
		if !ed.GroupsFormed || !slices.Contains(s.groupIDs(ed), *in.GroupID) {
			return nil, apperr.Validation(apperr.Fields{"groupId": apperr.UnknownRef()})
		}
	}
	if len(set) > 0 {
		if err := s.rm.Changed(ctx, KindParticipant, pd.ID, func() error {
			return s.st.update(ctx, colParticipants, pd.ID, bson.M{"$set": set})
		}); err != nil {
			return nil, err
		}
	}
	// Leave first (the group refuses to fall below the threshold), then sit, then point the record.
	if moving && pd.GroupID != "" {
		if _, err := s.changeGroup(ctx, pd.GroupID, func(g *groupDoc) error {
			if g.ID == "" {
				return nil
			}
			return g.leave(ed.Threshold, pd.UserID)
		}); err != nil {
			return nil, err
		}
	}
	target := pd.GroupID
	if moving {
		target = *in.GroupID
	}
	if target != "" && (moving || in.Team != nil) {
		if _, err := s.changeGroup(ctx, target, func(g *groupDoc) error {
			if g.ID == "" {
				return apperr.Validation(apperr.Fields{"groupId": apperr.UnknownRef()})
			}
			g.sit(pd.seat())
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if moving {
		if err := s.st.pointAt(ctx, []string{pd.ID}, target); err != nil {
			return nil, err
		}
		pd.GroupID = target
	}
	out := pd.person()
	return &out, nil
}

func belowThreshold(threshold int) error {
	return apperr.New(apperr.Conflict, "group_below_threshold",
		"A group needs at least "+itoa(threshold)+" people so that nobody can be told apart by what it says.")
}

func (s *Service) groupIDs(ed *editionDoc) []string {
	out := make([]string, 0, ed.Groups)
	for n := 1; n <= ed.Groups; n++ {
		out = append(out, groupID(ed.ID, n))
	}
	return out
}
