package evaluation

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"

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
	ps, err := store.Find[participantDoc](ctx, s.st.Store, colParticipants, bson.M{"userId": userID})
	if err != nil {
		return "", nil, err
	}
	for i := range ps {
		out.Participations = append(out.Participations, ps[i].person())
	}
	its, err := store.Find[itemDoc](ctx, s.st.Store, colItems, bson.M{"authorId": userID})
	if err != nil {
		return "", nil, err
	}
	for i := range its {
		out.Items = append(out.Items, its[i].api("", userID))
	}
	bs, err := store.Find[ballotDoc](ctx, s.st.Store, colBallots, bson.M{"userId": userID})
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
	if _, err := s.st.Store.C(colItems).UpdateMany(ctx, bson.M{"authorId": userID}, bson.M{"$unset": bson.M{"authorId": ""}}); err != nil {
		return store.Wrap("evaluation items: forget user", err)
	}
	ps, err := store.Find[participantDoc](ctx, s.st.Store, colParticipants, bson.M{"userId": userID})
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
	if _, err := s.st.Store.C(colBallots).DeleteMany(ctx, bson.M{"userId": userID}); err != nil {
		return store.Wrap("evaluation ballots: forget user", err)
	}
	_, err = s.st.Store.C(colEvaluations).UpdateMany(ctx, bson.M{"createdBy": userID}, bson.M{"$unset": bson.M{"createdBy": ""}})
	return store.Wrap("evaluations: forget user", err)
}
