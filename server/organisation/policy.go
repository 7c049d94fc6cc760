package organisation

import (
	"context"

	"github.com/teixit/teixit/server/auth"
)

// IsStaff is the permission "staff of organisation": a platform admin, or an admin or professional of
// orgID. Plain members are not staff: they do not see what is pending or hidden in the organisation's
// records. Other domains ask this by name instead of comparing roles themselves.
func (s *Service) IsStaff(ctx context.Context, p *auth.Principal, orgID string) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.PlatformAdmin {
		return true, nil
	}
	role, err := s.Role(ctx, orgID, p.UserID)
	return role == RoleAdmin || role == RoleProfessional, err
}

// StaffIDs lists the accounts that are staff of orgID (admins and professionals), for domains that notify
// them. It reads on nobody's behalf, so nobody needs to pretend to be a platform admin to call it.
func (s *Service) StaffIDs(ctx context.Context, orgID string) ([]string, error) {
	docs, err := s.st.members(ctx, orgID, MaxMembersListed)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range docs {
		if d.Role == RoleAdmin || d.Role == RoleProfessional {
			out = append(out, d.UserID)
		}
	}
	return out, nil
}
