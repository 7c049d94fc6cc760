package evaluation

import (
	"context"
	"regexp"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
)

// A group meeting online has its own small live room on the project's SFU (server/live: the same
// signalling, owner/lease and relay between nodes as an exchange day's session), keyed by the group's
// id. Everyone in the group may speak at any time — there is no floor queue — and nobody else enters:
// not even the organisers, since hearing who said what would undo the anonymity of the items. The
// group's table (its notes) stays beside the room on the group's page.

var groupIDPattern = regexp.MustCompile(`^[a-z0-9]+-[0-9]+-g[0-9]+$`)

// IsGroupID tells a group's id (the key of its online room) from an exchange day's.
func IsGroupID(id string) bool { return groupIDPattern.MatchString(id) }

// RoomAdmission is what the live room of a group needs to open.
type RoomAdmission struct {
	GroupID string
	Areas   int // the guide's areas: the room's questions
	Size    int // the group's members: the room's capacity
}

// AdmitRoom decides, before any WebSocket upgrade, whether p may enter group id's online room: only its
// own members (403 not_in_group; strangers 404, anonymous 401), while the edition is in its group phase
// (409 wrong_phase) and meets online or both (409 not_online).
func (s *Service) AdmitRoom(ctx context.Context, p *auth.Principal, id string) (*RoomAdmission, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	gd, ed, _, _, err := s.group(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !gd.has(p.UserID) {
		return nil, notInGroup()
	}
	if ed.Mode == "in_person" {
		return nil, apperr.New(apperr.Conflict, "not_online", "This edition meets in person: its groups have no online room.")
	}
	if ed.Phase != PhaseGroups {
		return nil, wrongPhase(ed.Phase, "the groups' online rooms are open during the group phase")
	}
	return &RoomAdmission{GroupID: gd.ID, Areas: len(ed.Areas), Size: len(gd.Members)}, nil
}
