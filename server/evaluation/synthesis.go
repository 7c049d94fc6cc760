package evaluation

import (
	"context"
	"slices"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// PointInput merges items into one point of the synthesis (or changes a point: text, previous point).
type PointInput struct {
	Kind       string   `json:"kind"`
	AreaID     string   `json:"areaId"`
	Text       string   `json:"text"`
	ItemIDs    []string `json:"itemIds"`
	PreviousID string   `json:"previousId"`
}

// mayMerge is the rule of every change of the synthesis's points: organisers, during the groups or the
// synthesis.
func mayMerge(p *auth.Principal, r rights, ed *editionDoc) error {
	if err := requireOrganiser(p, r, "Only the organisers merge items."); err != nil {
		return err
	}
	if ed.Phase != PhaseGroups && ed.Phase != PhaseSynthesis {
		return wrongPhase(ed.Phase, "items are merged during the groups or the synthesis")
	}
	return nil
}

// mergeable loads the items with the ids for merging into a point of ed, in order: an unknown item is a 400
// (unknown ref), one of another edition a 400 not_same_edition, one merged already a 409 already_merged.
func (s *Service) mergeable(ctx context.Context, ed *editionDoc, ids []string) ([]*itemDoc, error) {
	unknown := apperr.Validation(apperr.Fields{"itemIds": apperr.UnknownRef()})
	items := make([]*itemDoc, 0, len(ids))
	for _, id := range ids {
		it, err := store.GetByID[itemDoc](ctx, s.st.Store, colItems, id, unknown)
		if err != nil {
			return nil, err
		}
		if it.EditionID != ed.ID {
			return nil, &apperr.Error{Kind: apperr.Invalid, Code: "not_same_edition",
				Message: "Only items of this edition can be merged together.", Fields: apperr.Fields{"itemIds": apperr.Because("other_edition")}}
		}
		if it.MergedID != "" {
			return nil, apperr.New(apperr.Conflict, "already_merged", "An item is already part of another merged item.")
		}
		items = append(items, it)
	}
	return items, nil
}

// Merge makes a point of the synthesis from items of the edition not merged yet (organisers, during the
// group phase or the synthesis). Items of another edition or evaluation are a 400 with code
// not_same_edition; an already merged item a 409 already_merged. The point is written first, then each
// item's back-reference: a crash leaves at worst an item shown as not merged yet.
func (s *Service) Merge(ctx context.Context, p *auth.Principal, edID string, in PointInput) (*Point, error) {
	ed, ev, r, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	if err := mayMerge(p, r, ed); err != nil {
		return nil, err
	}
	fields := apperr.Fields{}
	if !slices.Contains(ItemKinds, in.Kind) {
		fields["kind"] = apperr.OneOf(ItemKinds...)
	}
	if !areaOf(ed, in.AreaID) {
		fields["areaId"] = apperr.UnknownRef()
	}
	text := in.Text
	textField(fields, "text", &text, 3, MaxItemText, &text)
	ids := clean.Unique(in.ItemIDs)
	if len(ids) == 0 || len(ids) > MaxMergedItems {
		fields["itemIds"] = apperr.ItemsBetween(1, MaxMergedItems)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	if err := s.checkPrevious(ctx, ed, in.PreviousID); err != nil {
		return nil, err
	}
	items, err := s.mergeable(ctx, ed, ids)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	pt := &pointDoc{ID: store.NewID(), EditionID: ed.ID, EvaluationID: ev.ID, AreaID: in.AreaID, Kind: in.Kind, Text: text,
		ItemIDs: ids, GroupIDs: []string{}, PreviousID: in.PreviousID, CreatedAt: now, UpdatedAt: now}
	for _, it := range items {
		if !slices.Contains(pt.GroupIDs, it.GroupID) {
			pt.GroupIDs = append(pt.GroupIDs, it.GroupID)
		}
	}
	if err := s.rm.Changed(ctx, KindPoint, pt.ID, func() error { return s.st.Insert(ctx, colPoints, pt) }); err != nil {
		return nil, err
	}
	for _, it := range items {
		id := it.ID
		if err := s.rm.Changed(ctx, KindItem, id, func() error {
			return s.st.update(ctx, colItems, id, bson.M{"$set": bson.M{"mergedId": pt.ID}})
		}); err != nil && !store.IsNotFound(err) {
			return nil, err
		}
	}
	out := pt.api(0)
	return &out, nil
}

// checkPrevious accepts an empty previous point or a point of the edition this one follows.
func (s *Service) checkPrevious(ctx context.Context, ed *editionDoc, prevID string) error {
	if prevID == "" {
		return nil
	}
	var prev pointDoc
	err := store.ErrNotFound
	if store.ValidID(prevID) && ed.PreviousID != "" {
		err = s.st.Get(ctx, colPoints, prevID, &prev)
	}
	if store.IsNotFound(err) || (err == nil && prev.EditionID != ed.PreviousID) {
		return apperr.Validation(apperr.Fields{"previousId": apperr.Because("not_previous_edition")})
	}
	return err
}

// Unmerge deletes a point and frees its items (organisers, groups or synthesis phase). Items first, then
// the point.
func (s *Service) Unmerge(ctx context.Context, p *auth.Principal, id string) error {
	pt, ed, r, err := s.point(ctx, p, id)
	if err != nil {
		return err
	}
	if err := mayMerge(p, r, ed); err != nil {
		return err
	}
	for _, iid := range pt.ItemIDs {
		iid := iid
		if err := s.rm.Changed(ctx, KindItem, iid, func() error {
			return s.st.update(ctx, colItems, iid, bson.M{"$unset": bson.M{"mergedId": ""}})
		}); err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	return s.rm.Changed(ctx, KindPoint, pt.ID, func() error { return s.st.Delete(ctx, colPoints, pt.ID) })
}

func (s *Service) point(ctx context.Context, p *auth.Principal, id string) (*pointDoc, *editionDoc, rights, error) {
	pt, err := store.GetByID[pointDoc](ctx, s.st.Store, colPoints, id, errPointNotFound)
	if err != nil {
		return nil, nil, rights{}, err
	}
	ed, _, r, err := s.editionFor(ctx, p, pt.EditionID)
	return pt, ed, r, err
}

// Suggestion is an item or point of the same edition whose words resemble a given item's.
type Suggestion struct {
	Kind  string  `json:"kind"` // item | point
	ID    string  `json:"id"`
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

// Similar suggests what an item could be merged with: unmerged items and points of its edition found by
// full-text search on its words (the read model's analyzers: stems, accents, languages). A person
// confirms by merging. Organisers only.
func (s *Service) Similar(ctx context.Context, p *auth.Principal, itemID string) ([]Suggestion, error) {
	it, err := store.GetByID[itemDoc](ctx, s.st.Store, colItems, itemID, errItemNotFound)
	if err != nil {
		return nil, err
	}
	ed, ev, _, err := s.editionForOrganisers(ctx, p, it.EditionID, "Only the organisers merge items.")
	if err != nil {
		return nil, err
	}
	q := it.Text
	if len(q) > search.MaxQueryLen {
		q = q[:search.MaxQueryLen]
	}
	q = strings.NewReplacer(`"`, " ").Replace(q)
	res, err := s.rm.Find(ctx, everyone, search.SearchRequest{Q: q, Kinds: []string{KindItem, KindPoint}, Orgs: ev.OrgIDs[:1], PerPage: 50, AnyWord: true})
	if err != nil {
		return nil, err
	}
	out := []Suggestion{}
	for _, h := range res.Hits {
		kind, id, _ := strings.Cut(h.ID, ":")
		if id == it.ID {
			continue
		}
		switch kind {
		case KindItem:
			var o itemDoc
			if s.st.Get(ctx, colItems, id, &o) != nil || o.EditionID != ed.ID || o.MergedID != "" || o.Kind != it.Kind {
				continue
			}
			out = append(out, Suggestion{Kind: "item", ID: o.ID, Text: o.Text, Score: h.Score})
		case KindPoint:
			var o pointDoc
			if s.st.Get(ctx, colPoints, id, &o) != nil || o.EditionID != ed.ID || o.Kind != it.Kind {
				continue
			}
			out = append(out, Suggestion{Kind: "point", ID: o.ID, Text: o.Text, Score: h.Score})
		}
		if len(out) == 10 {
			break
		}
	}
	return out, nil
}

// AddToPoint merges more items into an existing point (organisers).
func (s *Service) AddToPoint(ctx context.Context, p *auth.Principal, id string, itemIDs []string) (*Point, error) {
	pt, ed, r, err := s.point(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := mayMerge(p, r, ed); err != nil {
		return nil, err
	}
	ids := clean.Unique(itemIDs)
	if len(ids) == 0 || len(pt.ItemIDs)+len(ids) > MaxMergedItems {
		return nil, apperr.Validation(apperr.Fields{"itemIds": apperr.ItemsBetween(1, MaxMergedItems)})
	}
	items, err := s.mergeable(ctx, ed, ids)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		pt.ItemIDs = append(pt.ItemIDs, it.ID)
		if !slices.Contains(pt.GroupIDs, it.GroupID) {
			pt.GroupIDs = append(pt.GroupIDs, it.GroupID)
		}
	}
	pt.UpdatedAt = s.now().UTC()
	if err := s.rm.Changed(ctx, KindPoint, pt.ID, func() error {
		return s.st.update(ctx, colPoints, pt.ID, bson.M{"$set": bson.M{"itemIds": pt.ItemIDs, "groupIds": pt.GroupIDs, "updatedAt": pt.UpdatedAt}})
	}); err != nil {
		return nil, err
	}
	for _, it := range items {
		iid := it.ID
		if err := s.rm.Changed(ctx, KindItem, iid, func() error {
			return s.st.update(ctx, colItems, iid, bson.M{"$set": bson.M{"mergedId": pt.ID}})
		}); err != nil && !store.IsNotFound(err) {
			return nil, err
		}
	}
	out := pt.api(0)
	return &out, nil
}

// BallotInput is a participant's priority votes: points of the edition, one vote each.
type BallotInput struct {
	PointIDs []string `json:"pointIds"`
}

// Vote casts the caller's ballot (participants, prioritisation phase; final: 409 already_voted). The
// ballot "<edition>:<user>" is claimed first, then one vote record per point; the tally counts votes.
func (s *Service) Vote(ctx context.Context, p *auth.Principal, edID string, in BallotInput) (*Me, error) {
	ed, _, r, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	if r.participant == nil {
		return nil, apperr.Forbid("Only the people taking part vote the priorities.")
	}
	if ed.Phase != PhasePrioritisation {
		return nil, wrongPhase(ed.Phase, "priorities are voted during the prioritisation")
	}
	ids := clean.Unique(in.PointIDs)
	if len(ids) == 0 || len(ids) > ed.VotesPerPerson {
		return nil, apperr.Validation(apperr.Fields{"pointIds": apperr.ItemsBetween(1, ed.VotesPerPerson)})
	}
	for _, id := range ids {
		var pt pointDoc
		err := s.st.GetRef(ctx, colPoints, id, &pt)
		if store.IsNotFound(err) || (err == nil && pt.EditionID != ed.ID) {
			return nil, apperr.Validation(apperr.Fields{"pointIds": apperr.UnknownRef()})
		} else if err != nil {
			return nil, err
		}
	}
	b := &ballotDoc{ID: participantID(ed.ID, p.UserID), EditionID: ed.ID, UserID: p.UserID, PointIDs: ids, CreatedAt: s.now().UTC()}
	if err := s.st.Insert(ctx, colBallots, b); store.IsDuplicate(err) {
		return nil, apperr.New(apperr.Conflict, "ballot_final", "You have already voted in this edition: votes are final.")
	} else if err != nil {
		return nil, err
	}
	for _, id := range ids {
		v := &voteDoc{ID: store.NewID(), EditionID: ed.ID, PointID: id}
		if err := s.rm.Changed(ctx, KindVote, v.ID, func() error { return s.st.Insert(ctx, colVotes, v) }); err != nil {
			return nil, err
		}
	}
	return &Me{GroupID: r.participant.GroupID, Voted: true}, nil
}

// votes counts the votes of each point of an edition (read model facets).
func (s *Service) votes(ctx context.Context, edID string) (map[string]int, int, error) {
	res, err := s.rm.Counts(ctx, everyone, KindVote, map[string][]string{"parent": {edID}, "status": {statusInternal}}, []string{"point"})
	if err != nil {
		return nil, 0, err
	}
	out := map[string]int{}
	for _, c := range res.Facets["point"] {
		out[c.Value] = c.Count
	}
	return out, int(res.Total), nil
}

// points reads every point of an edition through the read model, with votes, ranked by votes then by
// groups raising them (bounded at 1000).
func (s *Service) points(ctx context.Context, edID string) ([]Point, error) {
	votes, _, err := s.votes(ctx, edID)
	if err != nil {
		return nil, err
	}
	docs, err := everyListed[pointDoc](ctx, s, KindPoint, colPoints, map[string][]string{"parent": {edID}}, 1000)
	if err != nil {
		return nil, err
	}
	var out []Point
	for _, d := range docs {
		out = append(out, d.api(votes[d.ID]))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Votes != out[j].Votes {
			return out[i].Votes > out[j].Votes
		}
		return out[i].Groups > out[j].Groups
	})
	if out == nil {
		out = []Point{}
	}
	return out, nil
}

// Count is a value with how many have it (the read model's facet count).
type Count = readmodel.Facet

// Synthesis is the organisers' live view of an edition: counts per group, area and kind, the merged
// points (with groups and votes) and the items not merged yet, each attributed to its group.
type Synthesis struct {
	EditionID    string    `json:"editionId"`
	Phase        string    `json:"phase"`
	Participants int       `json:"participants"`
	Items        int       `json:"items"`
	ByGroup      []Count   `json:"byGroup"`
	ByArea       []Count   `json:"byArea"`
	ByKind       []Count   `json:"byKind"`
	Ballots      int       `json:"votes"`
	Points       []Point   `json:"points"`
	Unmerged     []Item    `json:"unmerged"`
	Measures     []Measure `json:"measures"`
}

// Synthesis builds the synthesis view. Organisers see the unmerged items; members and participants see
// counts, points and measures.
func (s *Service) Synthesis(ctx context.Context, p *auth.Principal, edID string) (*Synthesis, error) {
	ed, _, r, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	out := &Synthesis{EditionID: ed.ID, Phase: ed.Phase, Unmerged: []Item{}}
	if out.Participants, err = s.participantCount(ctx, ed.ID); err != nil {
		return nil, err
	}
	cc, err := s.rm.Counts(ctx, everyone, KindItem, map[string][]string{"parent": {ed.ID}}, []string{"group", "area", "item_kind"})
	if err != nil {
		return nil, err
	}
	out.Items = int(cc.Total)
	out.ByGroup, out.ByArea, out.ByKind = readmodel.FacetsOf(cc.Facets["group"]), readmodel.FacetsOf(cc.Facets["area"]), readmodel.FacetsOf(cc.Facets["item_kind"])
	if _, out.Ballots, err = s.votes(ctx, ed.ID); err != nil {
		return nil, err
	}
	if out.Points, err = s.points(ctx, ed.ID); err != nil {
		return nil, err
	}
	if out.Measures, err = s.measures(ctx, ed.ID); err != nil {
		return nil, err
	}
	if r.organiser {
		docs, _, err := s.itemPage(ctx, map[string][]string{"parent": {ed.ID}, "merged": {"no"}}, "created", "", MaxUnmergedShown)
		if err != nil {
			return nil, err
		}
		names, err := s.groupNames(ctx, ed)
		if err != nil {
			return nil, err
		}
		for _, it := range docs {
			out.Unmerged = append(out.Unmerged, it.api(names[it.GroupID], r.userID))
		}
	}
	return out, nil
}
