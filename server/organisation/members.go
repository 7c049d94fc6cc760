package organisation

import (
	"context"
	"errors"
	"slices"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// Members lists an organisation's members for one of them (or a platform admin): everyone's name and role;
// email addresses for the organisation's admins (who invite and reach people), each person's own, and every
// member's where the admins chose so (MembersSeeEmails).
func (s *Service) Members(ctx context.Context, p *auth.Principal, orgID string) ([]Member, error) {
	o, err := s.load(ctx, orgID)
	if err != nil {
		return nil, err
	}
	seesEmails := p.PlatformAdmin
	if !p.PlatformAdmin {
		role, err := s.Role(ctx, orgID, p.UserID)
		if err != nil {
			return nil, err
		}
		if role == "" {
			return nil, apperr.Forbid("Only members of this organisation can see who belongs to it.")
		}
		seesEmails = role == RoleAdmin || o.MembersSeeEmails
	}
	docs, err := s.st.members(ctx, orgID, MaxMembersListed)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.UserID
	}
	profiles, err := s.people.Profiles(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Member, 0, len(docs))
	for _, d := range docs {
		pr, ok := profiles[d.UserID]
		if !ok {
			continue // a deleted account whose membership is being cleaned up
		}
		m := Member{UserID: d.UserID, Name: pr.Name, Role: d.Role, JoinedAt: d.JoinedAt}
		if seesEmails || d.UserID == p.UserID { // members see each other's names; emails only the admins
			m.Email = pr.Email
		}
		out = append(out, m)
	}
	return out, nil
}

var errLastAdmin = apperr.New(apperr.Conflict, "last_admin",
	"This is the organisation's last administrator. Make another member an administrator first.")

// RemoveMember removes a membership: admins remove anyone, anyone can leave. The last admin cannot go.
func (s *Service) RemoveMember(ctx context.Context, p *auth.Principal, orgID, userID string) error {
	if _, err := s.load(ctx, orgID); err != nil {
		return err
	}
	if userID != p.UserID {
		if err := s.requireAdmin(ctx, p, orgID); err != nil {
			return err
		}
	}
	return s.removeMembership(ctx, orgID, userID)
}

func (s *Service) removeMembership(ctx context.Context, orgID, userID string) error {
	_, err := s.st.get(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) { // left by an interrupted create: nothing to administer
		return s.leave(ctx, orgID, userID, false)
	}
	if err != nil {
		return err
	}
	// The check and the removal hold the organisation (store.Exclusive): two admins leaving at the same moment
	// on two nodes cannot both pass "another admin remains".
	return s.changed(ctx, orgID, func() error {
		return s.st.exclusive(ctx, orgID, func(ctx context.Context) error { return s.leave(ctx, orgID, userID, true) })
	})
}

// leave removes a membership, refusing the organisation's last admin when lastAdmin is asked.
func (s *Service) leave(ctx context.Context, orgID, userID string, lastAdmin bool) error {
	m, err := s.st.membership(ctx, orgID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return apperr.NotFoundf("The membership")
	}
	if err != nil {
		return err
	}
	if lastAdmin && m.Role == RoleAdmin {
		if _, admins, err := s.st.count(ctx, orgID); err != nil {
			return err
		} else if admins <= 1 {
			return errLastAdmin
		}
	}
	// The person's list goes first: it must never claim a membership that no longer exists.
	if err := s.people.RemoveOrg(ctx, userID, orgID); err != nil {
		return err
	}
	if err := s.st.deleteMembership(ctx, orgID, userID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// RoleInput changes a member's role.
type RoleInput struct {
	Role string `json:"role" api:"required"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (RoleInput) Enums() map[string][]string {
	return map[string][]string{"role": Roles}
}

// SetRole changes a member's role (admins only); demoting the last admin is refused.
func (s *Service) SetRole(ctx context.Context, p *auth.Principal, orgID, userID string, in RoleInput) (*Member, error) {
	if _, err := s.load(ctx, orgID); err != nil {
		return nil, err
	}
	if err := s.requireAdmin(ctx, p, orgID); err != nil {
		return nil, err
	}
	if !slices.Contains(Roles, in.Role) {
		return nil, apperr.Validation(apperr.Fields{"role": apperr.OneOf(Roles...)})
	}
	// Checked and changed holding the organisation (store.Exclusive): two admins demoting each other at the
	// same moment cannot leave it with none.
	var m *membershipDoc
	err := s.changed(ctx, orgID, func() error {
		return s.st.exclusive(ctx, orgID, func(ctx context.Context) error {
			var err error
			m, err = s.st.membership(ctx, orgID, userID)
			if errors.Is(err, store.ErrNotFound) {
				return apperr.NotFoundf("The membership")
			}
			if err != nil {
				return err
			}
			if m.Role == RoleAdmin && in.Role != RoleAdmin {
				if _, admins, err := s.st.count(ctx, orgID); err != nil {
					return err
				} else if admins <= 1 {
					return errLastAdmin
				}
			}
			return s.people.RoleChanging(ctx, userID, func() error { return s.st.setRole(ctx, orgID, userID, in.Role) })
		})
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, err
	}
	profiles, err := s.people.Profiles(ctx, []string{userID})
	if err != nil {
		return nil, err
	}
	pr := profiles[userID]
	return &Member{UserID: userID, Name: pr.Name, Email: pr.Email, Role: in.Role, JoinedAt: m.JoinedAt}, nil
}

// MembershipsOf returns a person's memberships with roles, looked up by `_id` from their organisation list.
func (s *Service) MembershipsOf(ctx context.Context, userID string, orgIDs []string) ([]account.MembershipRef, error) {
	out := make([]account.MembershipRef, 0, len(orgIDs))
	for _, id := range orgIDs {
		role, err := s.Role(ctx, id, userID)
		if err != nil {
			return nil, err
		}
		if role != "" {
			out = append(out, account.MembershipRef{OrganisationID: id, Role: role})
		}
	}
	return out, nil
}

// ExportFor implements account.Hook: a person's memberships.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	docs, err := s.st.userMemberships(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	type row struct {
		OrganisationID string `json:"organisationId"`
		Organisation   string `json:"organisation"`
		Role           string `json:"role"`
		JoinedAt       any    `json:"joinedAt"`
	}
	out := []row{}
	for _, d := range docs {
		name := ""
		if o, err := s.st.get(ctx, d.OrgID); err == nil {
			name = o.Name
		}
		out = append(out, row{OrganisationID: d.OrgID, Organisation: name, Role: d.Role, JoinedAt: d.JoinedAt})
	}
	return "memberships", out, nil
}

// BeforeDelete implements account.Hook: refuse while the person is some organisation's last admin, else
// leave every organisation.
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	docs, err := s.st.userMemberships(ctx, userID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Role != RoleAdmin {
			continue
		}
		if _, err := s.st.get(ctx, d.OrgID); errors.Is(err, store.ErrNotFound) {
			continue // a membership an interrupted create left behind: nothing to administer
		}
		var admins int
		if err := s.changed(ctx, d.OrgID, func() (err error) {
			_, admins, err = s.st.refreshCounts(ctx, d.OrgID)
			return err
		}); err != nil {
			return err
		} else if admins <= 1 {
			name := d.OrgID
			if o, err := s.st.get(ctx, d.OrgID); err == nil {
				name = o.Name
			}
			return apperr.New(apperr.Conflict, "last_admin",
				"You are the last administrator of "+name+". Make another member an administrator before deleting your account.")
		}
	}
	for _, d := range docs {
		if err := s.removeMembership(ctx, d.OrgID, userID); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return nil
}

// IsMunicipalityAdmin reports whether the person administers an organisation of kind municipality (they
// manage territories). One `_id` lookup per organisation the person belongs to.
func (s *Service) IsMunicipalityAdmin(ctx context.Context, p *auth.Principal) (bool, error) {
	for _, id := range p.OrgIDs {
		o, err := s.st.get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if o.Kind != "municipality" {
			continue
		}
		role, err := s.Role(ctx, id, p.UserID)
		if err != nil {
			return false, err
		}
		if role == RoleAdmin {
			return true, nil
		}
	}
	return false, nil
}
