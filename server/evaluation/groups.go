package evaluation

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

func itoa(n int) string { return strconv.Itoa(n) }

// FormGroups splits the participants into groups of about the edition's group size, mixing roles and
// teams (formGroups), each with a facilitator (the first person dealt to it; organisers may change it).
// Organisers only, while preparing; forming again reshuffles. Too few people for one group at the
// anonymity threshold is a 409 group_below_threshold.
func (s *Service) FormGroups(ctx context.Context, p *auth.Principal, edID string) ([]Group, error) {
	ed, _, r, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	if err := requireOrganiser(p, r, "Only the organisers form groups."); err != nil {
		return nil, err
	}
	if ed.Phase != PhasePreparation {
		return nil, wrongPhase(ed.Phase, "groups are formed while preparing")
	}
	ps, err := s.participants(ctx, ed.ID, "")
	if err != nil {
		return nil, err
	}
	g := groupCount(len(ps), ed.GroupSize, ed.Threshold)
	if g == 0 {
		return nil, belowThreshold(ed.Threshold)
	}
	seats := make([]seat, len(ps))
	for i, pd := range ps {
		team := pd.Team
		if team == "" {
			team = pd.OrgID
		}
		seats[i] = seat{UserID: pd.UserID, Role: pd.Role, Team: team}
	}
	dealt := formGroups(seats, g)
	now := s.now().UTC()
	// Groups first, then each person's seat, then the edition's count: a crash leaves groups nobody sits
	// in yet, which forming again overwrites.
	for i, members := range dealt {
		gd := groupDoc{ID: groupID(ed.ID, i+1), EditionID: ed.ID, Number: i + 1, Name: "Grup " + itoa(i+1),
			FacilitatorID: members[0].UserID, CreatedAt: now}
		if err := s.st.replace(ctx, colGroups, gd.ID, &gd); err != nil {
			return nil, err
		}
		for _, m := range members {
			id := participantID(ed.ID, m.UserID)
			if err := s.rm.Changed(ctx, KindParticipant, id, func() error {
				return s.st.update(ctx, colParticipants, id, bson.M{"$set": bson.M{"groupId": gd.ID}})
			}); err != nil && !notFound(err) {
				return nil, err
			}
		}
	}
	for n := g + 1; n <= ed.Groups; n++ { // fewer groups than the last time
		if err := s.st.remove(ctx, colGroups, groupID(ed.ID, n)); err != nil && !notFound(err) {
			return nil, err
		}
	}
	ed.GroupsFormed, ed.Groups = true, g
	if err := s.st.update(ctx, colEditions, ed.ID, bson.M{"$set": bson.M{"groupsFormed": true, "groups": g, "updatedAt": now}}); err != nil {
		return nil, err
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
	sizes, err := s.groupSizes(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	items, err := s.itemCounts(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	var members map[string][]Person
	if r.organiser {
		ps, err := s.participants(ctx, ed.ID, "")
		if err != nil {
			return nil, err
		}
		members = map[string][]Person{}
		for _, pd := range ps {
			members[pd.GroupID] = append(members[pd.GroupID], pd.person())
		}
	}
	out := []Group{}
	for n := 1; n <= ed.Groups; n++ {
		var gd groupDoc
		if err := s.st.get(ctx, colGroups, groupID(ed.ID, n), &gd); notFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		g := gd.api(ed, sizes[gd.ID], items[gd.ID])
		if members != nil {
			g.Members = members[gd.ID]
		} else if r.participant != nil && r.participant.GroupID == gd.ID {
			if g.Members, err = s.groupMembers(ctx, ed.ID, gd.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, g)
	}
	return out, nil
}

func (gd *groupDoc) api(ed *editionDoc, size, items int) Group {
	g := Group{ID: gd.ID, EditionID: gd.EditionID, Number: gd.Number, Name: gd.Name, FacilitatorID: gd.FacilitatorID, Items: items}
	if size >= ed.Threshold {
		g.Size = &size
	} else {
		g.SizeHidden = true
	}
	return g
}

func (s *Service) groupMembers(ctx context.Context, edID, gID string) ([]Person, error) {
	ps, err := s.participants(ctx, edID, gID)
	if err != nil {
		return nil, err
	}
	out := make([]Person, 0, len(ps))
	for _, pd := range ps {
		out = append(out, pd.person())
	}
	return out, nil
}

// group loads a group with its edition, evaluation and the caller's rights: organisers and the group's own
// members may open it; any other participant gets 403 not_in_group, strangers 404.
func (s *Service) group(ctx context.Context, p *auth.Principal, id string) (*groupDoc, *editionDoc, *evalDoc, rights, error) {
	if !store.ValidID(id) {
		return nil, nil, nil, rights{}, errGroupNotFound
	}
	var gd groupDoc
	if err := s.st.get(ctx, colGroups, id, &gd); notFound(err) {
		return nil, nil, nil, rights{}, errGroupNotFound
	} else if err != nil {
		return nil, nil, nil, rights{}, err
	}
	ed, ev, r, err := s.editionFor(ctx, p, gd.EditionID)
	if err != nil {
		return nil, nil, nil, r, err
	}
	if !r.organiser && (r.participant == nil || r.participant.GroupID != gd.ID) {
		return nil, nil, nil, r, notInGroup()
	}
	return &gd, ed, ev, r, nil
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
	sizes, err := s.groupSizes(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	items, err := s.groupItems(ctx, ed, gd, r)
	if err != nil {
		return nil, err
	}
	out := &GroupView{Group: gd.api(ed, sizes[gd.ID], len(items)), Edition: s.editionView(ed, r), Items: items}
	if out.Members, err = s.groupMembers(ctx, ed.ID, gd.ID); err != nil {
		return nil, err
	}
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
	if in.Name != nil {
		textField(fields, "name", in.Name, 1, 80, &gd.Name)
	}
	if in.FacilitatorID != nil {
		var pd participantDoc
		err := store.ErrNotFound
		if store.ValidID(*in.FacilitatorID) {
			err = s.st.get(ctx, colParticipants, participantID(ed.ID, *in.FacilitatorID), &pd)
		}
		if notFound(err) || (err == nil && pd.GroupID != gd.ID) {
			fields["facilitatorId"] = apperr.UnknownRef()
		} else if err != nil {
			return nil, err
		}
		gd.FacilitatorID = strings.TrimSpace(*in.FacilitatorID)
	}
	if gd.Name != "" && utf8.RuneCountInString(gd.Name) > 80 {
		fields["name"] = apperr.MaxLength(80)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	if err := s.st.update(ctx, colGroups, gd.ID, bson.M{"$set": bson.M{"name": gd.Name, "facilitatorId": gd.FacilitatorID}}); err != nil {
		return nil, err
	}
	sizes, err := s.groupSizes(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	out := gd.api(ed, sizes[gd.ID], 0)
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
// (409 group_below_threshold either way). The group number is claimed by inserting its id.
func (s *Service) CreateGroup(ctx context.Context, p *auth.Principal, edID string, in NewGroupInput) (*Group, error) {
	ed, _, r, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	if err := requireOrganiser(p, r, "Only the organisers form groups."); err != nil {
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
	ids := dedupe(in.MemberIDs)
	if !oneOf(in.FacilitatorID, ids) {
		fields["facilitatorId"] = apperr.UnknownRef()
	}
	members := make([]*participantDoc, 0, len(ids))
	for _, uid := range ids {
		var pd participantDoc
		err := store.ErrNotFound
		if store.ValidID(uid) {
			err = s.st.get(ctx, colParticipants, participantID(ed.ID, uid), &pd)
		}
		if notFound(err) {
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
	sizes, err := s.groupSizes(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		sizes[m.GroupID]--
	}
	for _, m := range members {
		if m.GroupID != "" && sizes[m.GroupID] > 0 && sizes[m.GroupID] < ed.Threshold {
			return nil, belowThreshold(ed.Threshold)
		}
	}
	gd := groupDoc{ID: groupID(ed.ID, ed.Groups+1), EditionID: ed.ID, Number: ed.Groups + 1, Name: name,
		FacilitatorID: in.FacilitatorID, CreatedAt: s.now().UTC()}
	if err := s.st.insert(ctx, colGroups, &gd); store.IsDuplicate(err) {
		return nil, apperr.New(apperr.Conflict, "concurrent_change", "Another organiser has just added a group: try again.")
	} else if err != nil {
		return nil, err
	}
	if err := s.st.update(ctx, colEditions, ed.ID, bson.M{"$set": bson.M{"groups": gd.Number}}); err != nil {
		return nil, err
	}
	for _, m := range members {
		id := m.ID
		if err := s.rm.Changed(ctx, KindParticipant, id, func() error {
			return s.st.update(ctx, colParticipants, id, bson.M{"$set": bson.M{"groupId": gd.ID}})
		}); err != nil {
			return nil, err
		}
	}
	ed.Groups = gd.Number
	out := gd.api(ed, len(members), 0)
	return &out, nil
}
