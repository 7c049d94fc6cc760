package recording

import (
	"cmp"
	"context"
	"slices"

	"github.com/teixit/teixit/server/auth"
)

// maxRegisteredCandidates bounds the registered people offered as rapporteur (host members are bounded by
// organisation.MaxMembersListed).
const maxRegisteredCandidates = 500

// Rapporteur says who takes notes during the day's session, to the day's participants (host members and
// registered people; others 403, anonymous 401). Those who choose (host admins and professionals) also get
// the candidates: host members with their role, then registered people, each group by name.
func (s *Service) Rapporteur(ctx context.Context, p *auth.Principal, dayID string) (*Rapporteur, error) {
	w, d, err := s.takingPart(ctx, p, dayID, "Who takes notes is for the people taking part in this exchange day.")
	if err != nil {
		return nil, err
	}
	out := &Rapporteur{UserID: d.Rapporteur, Name: d.RapporteurName, CanChoose: w.manager()}
	if d.Rapporteur != "" {
		if names, err := s.names(ctx, []string{d.Rapporteur}); err != nil {
			return nil, err
		} else if n := names[d.Rapporteur]; n != "" {
			out.Name = n
		}
	}
	if out.CanChoose {
		if out.Candidates, err = s.candidates(ctx, p, w); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// candidates lists who may be named rapporteur: host members, then registered people not among them.
func (s *Service) candidates(ctx context.Context, p *auth.Principal, w who) ([]RapporteurCandidate, error) {
	members, err := s.orgs.Members(ctx, p, w.day.HostOrgID)
	if err != nil {
		return nil, err
	}
	out := make([]RapporteurCandidate, 0, len(members))
	seen := map[string]bool{}
	for _, m := range members {
		out = append(out, RapporteurCandidate{UserID: m.UserID, Name: m.Name, Role: m.Role})
		seen[m.UserID] = true
	}
	byName := func(a, b RapporteurCandidate) int { return cmp.Compare(a.Name, b.Name) }
	slices.SortStableFunc(out, byName)
	ids, err := s.days.RegisteredUsers(ctx, w.day.ID, maxRegisteredCandidates)
	if err != nil {
		return nil, err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return seen[id] })
	names, err := s.names(ctx, ids)
	if err != nil {
		return nil, err
	}
	var reg []RapporteurCandidate
	for _, id := range ids {
		if n, ok := names[id]; ok { // a deleted account whose registration is being cleaned up is left out
			reg = append(reg, RapporteurCandidate{UserID: id, Name: n, Role: "registered"})
		}
	}
	slices.SortStableFunc(reg, byName)
	return append(out, reg...), nil
}

func (s *Service) names(ctx context.Context, ids []string) (map[string]string, error) {
	if s.people == nil || len(ids) == 0 {
		return map[string]string{}, nil
	}
	return s.people.Names(ctx, ids)
}
