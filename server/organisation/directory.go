package organisation

import "context"

// Directory is what the domains that name organisations and tell their staff need (network, practices):
// a person's role, an organisation's name and its staff. DirectoryOf adapts the service to it.
type Directory interface {
	// Role is the person's role in the organisation, "" when not a member.
	Role(ctx context.Context, orgID, userID string) (string, error)
	// Name returns the organisation's name; a NotFound error when it does not exist.
	Name(ctx context.Context, orgID string) (string, error)
	// Staff are the organisation's admins and professionals (who are told what concerns it).
	Staff(ctx context.Context, orgID string) ([]string, error)
}

// DirectoryOf adapts the organisation service to Directory.
func DirectoryOf(s *Service) Directory { return directory{s} }

type directory struct{ s *Service }

func (d directory) Role(ctx context.Context, orgID, userID string) (string, error) {
	return d.s.Role(ctx, orgID, userID)
}

func (d directory) Name(ctx context.Context, orgID string) (string, error) {
	org, err := d.s.Get(ctx, nil, orgID)
	if err != nil {
		return "", err
	}
	return org.Name, nil
}

func (d directory) Staff(ctx context.Context, orgID string) ([]string, error) {
	return d.s.StaffIDs(ctx, orgID)
}
