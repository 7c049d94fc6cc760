package exchange

import (
	"context"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/organisation"
)

// LiveGrace is how long after its planned end a live session still admits people (sessions overrun).
const LiveGrace = 2 * time.Hour

// Admission is who may enter a day's live session, and as what.
type Admission struct {
	DayID     string
	Role      string // host, moderator or listener (the room turns a listener given the floor into a speaker)
	Questions int
	Capacity  int
	Video     bool      // the day allows cameras: the room is opened with sfu.RoomConfig.Video
	StartsAt  time.Time // the live room opens a configurable time before (server/live)
}

// Admit decides, before any WebSocket upgrade, whether the person may join the live session: registered
// participants and members of the host organisation. The host organisation's admins (and platform admins)
// host, its professionals moderate, everyone else listens until given the floor.
func (s *Service) Admit(ctx context.Context, p *auth.Principal, dayID string) (*Admission, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	d, err := s.load(ctx, dayID)
	if err != nil {
		return nil, err
	}
	if d.Status == StatusCancelled {
		return nil, apperr.New(apperr.Conflict, "cancelled", "This exchange day was cancelled.")
	}
	if s.now().After(d.EndsAt.Add(LiveGrace)) {
		return nil, apperr.New(apperr.Conflict, "ended", "This exchange day has ended. Its summary and recording are on its page.")
	}
	a := &Admission{DayID: d.ID, Questions: len(d.Agenda), Capacity: d.Capacity, Video: d.Video, StartsAt: d.StartsAt}
	if a.Capacity > 0 {
		a.Capacity += 20 // hosts, moderators and members of the host organisation come on top of the places
	}
	role, err := s.orgs.Role(ctx, d.HostOrgID, p.UserID)
	if err != nil {
		return nil, err
	}
	switch {
	case p.PlatformAdmin || role == organisation.RoleAdmin:
		a.Role = "host"
	case role == organisation.RoleProfessional:
		a.Role = "moderator"
	case role == organisation.RoleMember:
		a.Role = "listener"
	default:
		ok, err := s.IsRegistered(ctx, d.ID, p.UserID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Forbid("Register for this exchange day to join its live session.")
		}
		a.Role = "listener"
	}
	return a, nil
}
