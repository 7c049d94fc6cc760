package evaluation

import (
	"context"
	"errors"
	"slices"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/store"
)

// Seats: who sits in which group is kept in the group's own document (`members`, about ten people), read
// by `_id`. That one document is the truth for a group's size (the anonymity threshold), its member list
// and who may write at its table, so two reads can never disagree, whatever the read model's lag. Every
// change to it goes through changeGroup, which claims the group's next revision first (store.ClaimRevision:
// FerretDB applies `$push`/`$pull` as read-then-write, so concurrent late arrivals on two nodes would lose
// each other). A participant record's `groupId` only points at the person's group ("my group"), written
// after the group's document.

// revKind names group revisions in the shared revisions collection.
const revKind = "evaluation_group"

// errSeatsBusy is what changeGroup answers when other writers kept winning the group's revision.
var errSeatsBusy = apperr.New(apperr.Conflict, "concurrent_change", "The groups are changing right now: try again.")

// changeGroup reads group id, lets change edit it (a new group has an empty ID: change fills it in) and
// writes it under a revision claim, reading again and retrying when another writer got the revision
// first. An error from change is returned as is and nothing is written.
func (s *Service) changeGroup(ctx context.Context, id string, change func(*groupDoc) error) (*groupDoc, error) {
	for range 12 {
		var gd groupDoc
		err := s.st.Get(ctx, colGroups, id, &gd)
		if err != nil && !store.IsNotFound(err) {
			return nil, err
		}
		exists := err == nil
		if err := change(&gd); err != nil {
			return nil, err
		}
		if !exists { // creating: the insert of the id is the claim
			gd.Rev = 1
			if err := s.st.Insert(ctx, colGroups, &gd); store.IsDuplicate(err) {
				continue
			} else if err != nil {
				return nil, err
			}
			return &gd, nil
		}
		next, err := s.st.Store.ClaimRevision(ctx, revKind, id, gd.Rev, func(ctx context.Context) (int, error) {
			var now groupDoc
			err := s.st.Get(ctx, colGroups, id, &now)
			return now.Rev, err
		})
		if errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return nil, err
		}
		gd.Rev = next
		if err := s.st.replace(ctx, colGroups, id, &gd); err != nil {
			return nil, err
		}
		return &gd, nil
	}
	return nil, errSeatsBusy
}

func (gd *groupDoc) has(userID string) bool { return gd.seatOf(userID) >= 0 }

func (gd *groupDoc) seatOf(userID string) int {
	for i, m := range gd.Members {
		if m.UserID == userID {
			return i
		}
	}
	return -1
}

// sit adds (or refreshes) a person's seat.
func (gd *groupDoc) sit(m seatDoc) {
	if i := gd.seatOf(m.UserID); i >= 0 {
		gd.Members[i] = m
		return
	}
	gd.Members = append(gd.Members, m)
}

// leave takes people out of the group, refusing (409 group_below_threshold) to leave fewer than
// threshold; a facilitator who leaves leaves the group without one.
func (gd *groupDoc) leave(threshold int, userIDs ...string) error {
	kept := gd.Members[:0:0]
	for _, m := range gd.Members {
		if !slices.Contains(userIDs, m.UserID) {
			kept = append(kept, m)
		}
	}
	if threshold > 0 && len(kept) < threshold && len(kept) < len(gd.Members) {
		return belowThreshold(threshold)
	}
	gd.Members = kept
	if slices.Contains(userIDs, gd.FacilitatorID) {
		gd.FacilitatorID = ""
	}
	return nil
}

func (pd *participantDoc) seat() seatDoc {
	return seatDoc{UserID: pd.UserID, Name: pd.Name, Role: pd.Role, Team: pd.Team, OrgID: pd.OrgID}
}

func (m seatDoc) person(groupID string) Person {
	return Person{UserID: m.UserID, Name: m.Name, Role: m.Role, Team: m.Team, GroupID: groupID}
}

func (m seatDoc) mixTeam() string {
	if m.Team != "" {
		return m.Team
	}
	return m.OrgID
}

// editionGroups reads an edition's groups by `_id`, in number order (absent numbers skipped).
func (s *Service) editionGroups(ctx context.Context, ed *editionDoc) ([]*groupDoc, error) {
	ids := s.groupIDs(ed)
	docs, err := store.GetMany[groupDoc](ctx, s.st.Store, colGroups, ids)
	if err != nil {
		return nil, err
	}
	out := docs[:0]
	for _, d := range docs {
		if d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// seatLate places a participant who arrives once groups are formed (placeLate over the groups'
// documents) and points their record at the group. No-op when they already sit somewhere.
func (s *Service) seatLate(ctx context.Context, ed *editionDoc, pd *participantDoc) error {
	gs, err := s.editionGroups(ctx, ed)
	if err != nil || len(gs) == 0 {
		return err
	}
	me := pd.seat()
	var mix []groupMix
	for _, g := range gs {
		if g.has(pd.UserID) {
			return s.st.pointAt(ctx, []string{pd.ID}, g.ID)
		}
		m := groupMix{ID: g.ID, Number: g.Number, Size: len(g.Members)}
		for _, o := range g.Members {
			if o.Role == me.Role {
				m.SameRole++
			}
			if o.mixTeam() == me.mixTeam() {
				m.SameTm++
			}
		}
		mix = append(mix, m)
	}
	gID := placeLate(mix)
	if _, err := s.changeGroup(ctx, gID, func(gd *groupDoc) error {
		if gd.ID == "" {
			return errGroupNotFound
		}
		gd.sit(me)
		return nil
	}); err != nil {
		return err
	}
	pd.GroupID = gID
	return s.st.pointAt(ctx, []string{pd.ID}, gID)
}
