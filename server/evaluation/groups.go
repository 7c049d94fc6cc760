package evaluation

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/store"
)

func itoa(n int) string { return strconv.Itoa(n) }

// FormGroups splits the participants into groups of about the edition's group size, mixing roles and
// teams (formGroups), each with a facilitator (the first person dealt to it; organisers may change it).
// Organisers only, while preparing; forming again reshuffles. Too few people for one group at the
// anonymity threshold is a 409 group_below_threshold.
func (s *Service) FormGroups(ctx context.Context, p *auth.Principal, edID string) ([]Group, error) {
	ed, _, r, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers form groups.")
	if err != nil {
		return nil, err
	}
	if ed.Phase != PhasePreparation {
		return nil, wrongPhase(ed.Phase, "groups are formed while preparing")
	}
	ps, err := s.st.participantsOf(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	g := groupCount(len(ps), ed.GroupSize, ed.Threshold)
	if g == 0 {
		return nil, belowThreshold(ed.Threshold)
	}
	seats := make([]seat, len(ps))
	byUser := make(map[string]*participantDoc, len(ps))
	for i, pd := range ps {
		seats[i] = seat{UserID: pd.UserID, Role: pd.Role, Team: pd.seat().mixTeam()}
		byUser[pd.UserID] = pd
	}
	dealt := formGroups(seats, g)
	now := s.now().UTC()
	// Groups first (each the truth for its members), then the records' pointers, then the edition's
	// count: a crash leaves groups that forming again overwrites.
	for i, members := range dealt {
		sat := make([]seatDoc, 0, len(members))
		ids := make([]string, 0, len(members))
		for _, m := range members {
			sat = append(sat, byUser[m.UserID].seat())
			ids = append(ids, participantID(ed.ID, m.UserID))
		}
		id := groupID(ed.ID, i+1)
		if _, err := s.changeGroup(ctx, id, func(gd *groupDoc) error {
			if gd.ID == "" {
				*gd = groupDoc{ID: id, EditionID: ed.ID, Number: i + 1, Name: "Grup " + itoa(i+1), CreatedAt: now}
			}
			gd.Members, gd.FacilitatorID = sat, members[0].UserID
			return nil
		}); err != nil {
			return nil, err
		}
		if err := s.st.pointAt(ctx, ids, id); err != nil {
			return nil, err
		}
	}
	for n := g + 1; n <= ed.Groups; n++ { // fewer groups than the last time
		if err := s.st.Delete(ctx, colGroups, groupID(ed.ID, n)); err != nil && !store.IsNotFound(err) {
			return nil, err
		}
	}
	ed.GroupsFormed, ed.Groups = true, g
	if err := s.st.update(ctx, colEditions, ed.ID, bson.M{"$set": bson.M{"groupsFormed": true, "groups": g, "updatedAt": now}}); err != nil {
		return nil, err
	}
	// Someone who joined while the groups were being dealt (after the read above, before the edition said
	// "formed") is seated now as a late arrival; Join checks the same from its side.
	again, err := s.st.participantsOf(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	for _, pd := range again {
		if byUser[pd.UserID] == nil {
			if err := s.seatLate(ctx, ed, pd); err != nil {
				return nil, err
			}
		}
	}
	return s.groupList(ctx, ed, r)
}

// Groups lists an edition's groups: organisers see every group with its members; a participant sees
// the groups with sizes and the members of their own.
func (s *Service) Groups(ctx context.Context, p *auth.Principal, edID string) ([]Group, error) {
	ed, _, r, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	return s.groupList(ctx, ed, r)
}

func (s *Service) groupList(ctx context.Context, ed *editionDoc, r rights) ([]Group, error) {
	gs, err := s.editionGroups(ctx, ed)
	if err != nil {
		return nil, err
	}
	items, err := s.itemCounts(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	out := []Group{}
	for _, gd := range gs {
		g := gd.api(ed, items[gd.ID])
		if r.organiser || gd.has(r.userID) {
			g.Members = gd.people()
		}
		out = append(out, g)
	}
	return out, nil
}

func (gd *groupDoc) api(ed *editionDoc, items int) Group {
	size := len(gd.Members)
	g := Group{ID: gd.ID, EditionID: gd.EditionID, Number: gd.Number, Name: gd.Name, FacilitatorID: gd.FacilitatorID, Items: items}
	if size >= ed.Threshold {
		g.Size = &size
	} else {
		g.SizeHidden = true
	}
	return g
}

func (gd *groupDoc) people() []Person {
	out := make([]Person, 0, len(gd.Members))
	for _, m := range gd.Members {
		out = append(out, m.person(gd.ID))
	}
	return out
}

// group loads a group with its edition, evaluation and the caller's rights: organisers and the group's own
// members may open it; any other participant gets 403 not_in_group, strangers 404.
func (s *Service) group(ctx context.Context, p *auth.Principal, id string) (*groupDoc, *editionDoc, *evalDoc, rights, error) {
	gd, err := store.GetByID[groupDoc](ctx, s.st.Store, colGroups, id, errGroupNotFound)
	if err != nil {
		return nil, nil, nil, rights{}, err
	}
	ed, ev, r, err := s.editionFor(ctx, p, gd.EditionID)
	if err != nil {
		return nil, nil, nil, r, err
	}
	if !r.organiser && !gd.has(r.userID) {
		return nil, nil, nil, r, notInGroup()
	}
	return gd, ed, ev, r, nil
}

func notInGroup() error {
	return apperr.New(apperr.Forbidden, "not_in_group", "You do not sit in this group: open your own group's table.")
}

// GroupView is a group's table: the group, the edition's guide and the group's items.
type GroupView struct {
	Group
	Edition Edition `json:"edition"`
	Items   []Item  `json:"items"`
}

// GetGroup opens a group's table (its members and the organisers).
func (s *Service) GetGroup(ctx context.Context, p *auth.Principal, id string) (*GroupView, error) {
	gd, ed, _, r, err := s.group(ctx, p, id)
	if err != nil {
		return nil, err
	}
	items, err := s.groupItems(ctx, ed, gd, r)
	if err != nil {
		return nil, err
	}
	out := &GroupView{Group: gd.api(ed, len(items)), Edition: s.editionView(ed, r), Items: items}
	out.Members = gd.people()
	if out.Edition.Me != nil {
		out.Edition.Me.Facilitator = gd.FacilitatorID == r.userID
	}
	return out, nil
}

// GroupInput renames a group or names its facilitator (one of its members).
type GroupInput struct {
	Name          *string `json:"name"`
	FacilitatorID *string `json:"facilitatorId"`
}

// UpdateGroup renames a group or changes its facilitator (organisers).
func (s *Service) UpdateGroup(ctx context.Context, p *auth.Principal, id string, in GroupInput) (*Group, error) {
	gd, ed, _, r, err := s.group(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := requireOrganiser(p, r, "Only the organisers change groups."); err != nil {
		return nil, err
	}
	fields := apperr.Fields{}
	name := gd.Name
	if in.Name != nil {
		textField(fields, "name", in.Name, 1, 80, &name)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	gd, err = s.changeGroup(ctx, gd.ID, func(g *groupDoc) error {
		if g.ID == "" {
			return errGroupNotFound
		}
		if in.FacilitatorID != nil {
			f := strings.TrimSpace(*in.FacilitatorID)
			if !g.has(f) {
				return apperr.Validation(apperr.Fields{"facilitatorId": apperr.UnknownRef()})
			}
			g.FacilitatorID = f
		}
		g.Name = name
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := gd.api(ed, 0)
	return &out, nil
}

// NewGroupInput forms one more group by hand from people of other groups.
type NewGroupInput struct {
	Name          string   `json:"name"`
	MemberIDs     []string `json:"memberIds"`
	FacilitatorID string   `json:"facilitatorId"`
}

// CreateGroup forms a group by hand (organisers, once groups are formed, while preparing or in groups):
// it needs at least the anonymity threshold of members, and no group they leave may fall below it
// (409 group_below_threshold either way). The group number is claimed by inserting its id; the people
// leave their groups first (each group refusing to fall below the threshold), then sit in the new one.
func (s *Service) CreateGroup(ctx context.Context, p *auth.Principal, edID string, in NewGroupInput) (*Group, error) {
	ed, _, _, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers form groups.")
	if err != nil {
		return nil, err
	}
	if ed.Phase != PhasePreparation && ed.Phase != PhaseGroups {
		return nil, wrongPhase(ed.Phase, "groups change while preparing or in groups")
	}
	if !ed.GroupsFormed {
		return nil, apperr.New(apperr.Conflict, "groups_not_formed", "Form the groups first, then add one by hand.")
	}
	fields := apperr.Fields{}
	name := in.Name
	textField(fields, "name", &name, 1, 80, &name)
	ids := clean.Unique(in.MemberIDs)
	if !slices.Contains(ids, in.FacilitatorID) {
		fields["facilitatorId"] = apperr.UnknownRef()
	}
	members := make([]*participantDoc, 0, len(ids))
	for _, uid := range ids {
		var pd participantDoc
		err := s.st.GetRef(ctx, colParticipants, participantID(ed.ID, uid), &pd)
		if store.IsNotFound(err) {
			fields["memberIds"] = apperr.UnknownRef()
			continue
		} else if err != nil {
			return nil, err
		}
		members = append(members, &pd)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	if len(members) < ed.Threshold {
		return nil, belowThreshold(ed.Threshold)
	}
	// Check every group they leave before changing any.
	gs, err := s.editionGroups(ctx, ed)
	if err != nil {
		return nil, err
	}
	leaving := map[string][]string{}
	for _, g := range gs {
		for _, m := range members {
			if g.has(m.UserID) {
				leaving[g.ID] = append(leaving[g.ID], m.UserID)
			}
		}
		if trial := *g; len(leaving[g.ID]) > 0 {
			trial.Members = append([]seatDoc(nil), g.Members...)
			if err := trial.leave(ed.Threshold, leaving[g.ID]...); err != nil {
				return nil, err
			}
		}
	}
	gd := groupDoc{ID: groupID(ed.ID, ed.Groups+1), EditionID: ed.ID, Number: ed.Groups + 1, Name: name,
		FacilitatorID: in.FacilitatorID, Rev: 1, CreatedAt: s.now().UTC()}
	if err := s.st.Insert(ctx, colGroups, &gd); store.IsDuplicate(err) {
		return nil, apperr.New(apperr.Conflict, "concurrent_change", "Another organiser has just added a group: try again.")
	} else if err != nil {
		return nil, err
	}
	if err := s.st.update(ctx, colEditions, ed.ID, bson.M{"$set": bson.M{"groups": gd.Number}}); err != nil {
		return nil, err
	}
	for gID, who := range leaving {
		if _, err := s.changeGroup(ctx, gID, func(g *groupDoc) error { return g.leave(ed.Threshold, who...) }); err != nil {
			return nil, err
		}
	}
	pids := make([]string, 0, len(members))
	created, err := s.changeGroup(ctx, gd.ID, func(g *groupDoc) error {
		for _, m := range members {
			g.sit(m.seat())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		pids = append(pids, m.ID)
	}
	if err := s.st.pointAt(ctx, pids, gd.ID); err != nil {
		return nil, err
	}
	ed.Groups = gd.Number
	out := created.api(ed, 0)
	return &out, nil
}
