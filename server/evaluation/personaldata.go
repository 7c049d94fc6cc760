package evaluation

import (
	"context"
	"errors"

	"github.com/teixit/teixit/server/store"
)

// MyData is what the evaluation domain holds about a person (their data export).
type MyData struct {
	Participations []Person  `json:"participations"`
	Items          []Item    `json:"items"`
	Ballots        []MyVotes `json:"ballots"`
}

// MyVotes is one ballot a person cast.
type MyVotes struct {
	EditionID string   `json:"editionId"`
	PointIDs  []string `json:"pointIds"`
}

// ExportFor implements account.Hook: the editions the person took part in, the items they wrote (theirs
// alone to see) and their ballots. Queries on non-`_id` fields: a cold path with its own indexes.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	out := MyData{Participations: []Person{}, Items: []Item{}, Ballots: []MyVotes{}}
	ps, err := s.st.participationsOf(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for i := range ps {
		out.Participations = append(out.Participations, ps[i].person())
	}
	its, err := s.st.itemsBy(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for i := range its {
		out.Items = append(out.Items, its[i].api("", userID))
	}
	bs, err := s.st.ballotsOf(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for _, b := range bs {
		out.Ballots = append(out.Ballots, MyVotes{EditionID: b.EditionID, PointIDs: nonNil(b.PointIDs)})
	}
	return "evaluations", out, nil
}

// BeforeDelete implements account.Hook: items stay with their group, their writer forgotten; the
// person's participations and ballots go (the votes they cast stay counted: vote records hold no person).
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	if err := s.st.forgetItemAuthor(ctx, userID); err != nil {
		return err
	}
	ps, err := s.st.participationsOf(ctx, userID)
	if err != nil {
		return err
	}
	for _, pd := range ps {
		id, uid := pd.ID, pd.UserID
		if pd.GroupID != "" { // the seat (and the facilitator's role) go; the group may fall below the threshold
			if _, err := s.changeGroup(ctx, pd.GroupID, func(g *groupDoc) error {
				if g.ID == "" {
					return errGroupNotFound
				}
				return g.leave(0, uid)
			}); err != nil && !errors.Is(err, errGroupNotFound) {
				return err
			}
		}
		if err := s.rm.Changed(ctx, KindParticipant, id, func() error { return s.st.Delete(ctx, colParticipants, id) }); err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	return s.st.forgetBallotsAndCreator(ctx, userID)
}
