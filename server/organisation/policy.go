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
