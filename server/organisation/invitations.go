package organisation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	teixitmail "github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/store"
)

// Membership by invitation (README.md, "Joining an organisation"): an admin invites an email address with a
// role; whoever holds an account with that address sees the invitation among their notices and on their
// account page, and accepts or declines it. Nobody joins an organisation without saying yes, and the admin's
// answer is the same whether or not the address has an account (the invitation waits for an account made
// with it). Where mail is configured, an address with no account gets the invitation by email; an account
// gets a notice, emailed as its owner chose (notify).

const colInvitations = "org_invitations"

// InvitationTTL is how long an invitation can be answered.
const InvitationTTL = 30 * 24 * time.Hour

// Invitation states; "expired" is a pending one past its time (computed when read).
const (
	InvitePending   = "pending"
	InviteAccepted  = "accepted"
	InviteDeclined  = "declined"
	InviteWithdrawn = "withdrawn"
	InviteExpired   = "expired"
)

// NoticeInvitation is the notice kind a person gets when invited.
const NoticeInvitation = "org_invitation"

// invitationDoc is one organisation's invitation of one address: its id is derived from both, so there is
// at most one (a new invitation after an answer reopens it) and two admins inviting at once make one.
type invitationDoc struct {
	ID         string     `bson:"_id"`
	OrgID      string     `bson:"orgId"`
	Email      string     `bson:"email"` // normalised (account.NormaliseEmail)
	Role       string     `bson:"role"`
	State      string     `bson:"state"`
	InvitedBy  string     `bson:"invitedBy"`
	Language   string     `bson:"language"` // of the email to an address with no account
	CreatedAt  time.Time  `bson:"createdAt"`
	ExpiresAt  time.Time  `bson:"expiresAt"`
	AnsweredAt *time.Time `bson:"answeredAt,omitempty"`
	Rev        int        `bson:"rev"`
}

func invitationID(orgID, email string) string {
	h := sha256.Sum256([]byte(email))
	return orgID + ":" + hex.EncodeToString(h[:12])
}

// Invitation is the API shape, for the organisation's admins and for the invited person.
type Invitation struct {
	ID               string    `json:"id"`
	OrganisationID   string    `json:"organisationId"`
	OrganisationName string    `json:"organisationName"`
	Email            string    `json:"email"`
	Role             string    `json:"role"`
	State            string    `json:"state"`
	InvitedByName    string    `json:"invitedByName,omitempty"`
	CreatedAt        time.Time `json:"createdAt"`
	ExpiresAt        time.Time `json:"expiresAt"`
}

// InvitationInput invites an address with a role; Language (ca, es, it, en) is the email's, for an address
// with no account (an account's own language is used otherwise).
type InvitationInput struct {
	Email    string `json:"email" api:"required"`
	Role     string `json:"role" api:"required"`
	Language string `json:"language"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (InvitationInput) Enums() map[string][]string {
	return map[string][]string{"role": Roles, "language": inviteLanguages}
}

// Invite invites an address to the organisation (its admins and platform admins). The answer never says
// whether the address has an account. An address that is already a member → 409 already_member; one with an
// invitation still open → 409 already_invited.
func (s *Service) Invite(ctx context.Context, p *auth.Principal, orgID string, in InvitationInput) (*Invitation, error) {
	o, err := s.load(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := s.requireAdmin(ctx, p, orgID); err != nil {
		return nil, err
	}
	email := account.NormaliseEmail(in.Email)
	fields := apperr.Fields{}
	if email == "" {
		fields["email"] = apperr.Required()
	} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		fields["email"] = apperr.Because("email_format")
	}
	if !slices.Contains(Roles, in.Role) {
		fields["role"] = apperr.OneOf(Roles...)
	}
	lang := in.Language
	if lang == "" {
		lang = "ca"
	}
	if !slices.Contains(inviteLanguages, lang) {
		fields["language"] = apperr.OneOf(inviteLanguages...)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	// A member already: said only to the organisation's admins, who see the members list anyway.
	if uid, err := s.people.UserIDByEmail(ctx, email); err == nil {
		if role, err := s.Role(ctx, orgID, uid); err != nil {
			return nil, err
		} else if role != "" {
			return nil, apperr.New(apperr.Conflict, "already_member", "This person is already a member of the organisation.")
		}
	} else if !apperr.IsKind(err, apperr.NotFound) {
		return nil, err
	}
	now := s.now().UTC()
	d := invitationDoc{ID: invitationID(orgID, email), OrgID: orgID, Email: email, Role: in.Role, State: InvitePending,
		InvitedBy: p.UserID, Language: lang, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	_, err = s.st.s.Update(ctx, colInvitations, d.ID, func(cur bson.Raw) (bson.M, error) {
		if cur != nil {
			var old invitationDoc
			if err := bson.Unmarshal(cur, &old); err != nil {
				return nil, err
			}
			if old.state(now) == InvitePending {
				return nil, apperr.New(apperr.Conflict, "already_invited",
					"This address already has an invitation waiting for an answer. Withdraw it first to change it.")
			}
		}
		return bson.M{"$set": bson.M{"orgId": d.OrgID, "email": d.Email, "role": d.Role, "state": d.State,
			"invitedBy": d.InvitedBy, "language": d.Language, "createdAt": d.CreatedAt, "expiresAt": d.ExpiresAt},
			"$unset": bson.M{"answeredAt": ""}}, nil
	})
	if err != nil {
		return nil, err
	}
	s.tellInvited(ctx, o, &d)
	v := s.invitationView(ctx, &d, o.Name, now)
	return &v, nil
}

var inviteLanguages = []string{"ca", "es", "it", "en"}

// tellInvited lets the invited person know: a notice to the account with the address, or an email to an
// address with none (where mail is configured). A failure is logged by the senders, never undoes the
// invitation: it stays on the person's account page.
func (s *Service) tellInvited(ctx context.Context, o *orgDoc, d *invitationDoc) {
	uid, err := s.people.UserIDByEmail(ctx, d.Email)
	if err == nil {
		if s.d.Notify != nil {
			_ = s.d.Notify.Deliver(ctx, []string{uid}, notify.Event{Kind: NoticeInvitation, Title: o.Name, Link: "/account#invitations",
				Actor: d.InvitedBy})
		}
		return
	}
	if s.d.Mail == nil || !s.d.Mail.Enabled() {
		return
	}
	subject, body := invitationEmail(d.Language, o.Name, d.Role, s.d.BaseURL+"/register", int(InvitationTTL.Hours()/24))
	_ = s.d.Mail.Enqueue(ctx, teixitmail.Message{To: d.Email, Subject: subject, Text: body,
		Key: "org-invitation:" + d.ID + ":" + d.CreatedAt.Format(time.RFC3339)})
}

func (d *invitationDoc) state(now time.Time) string {
	if d.State == InvitePending && !now.Before(d.ExpiresAt) {
		return InviteExpired
	}
	return d.State
}

func (s *Service) invitationView(ctx context.Context, d *invitationDoc, orgName string, now time.Time) Invitation {
	v := Invitation{ID: d.ID, OrganisationID: d.OrgID, OrganisationName: orgName, Email: d.Email, Role: d.Role,
		State: d.state(now), CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}
	if pr, err := s.people.Profiles(ctx, []string{d.InvitedBy}); err == nil {
		v.InvitedByName = pr[d.InvitedBy].Name
	}
	return v
}

// Invitations lists an organisation's invitations, newest first (its admins and platform admins): those
// waiting and those answered in the last InvitationTTL.
func (s *Service) Invitations(ctx context.Context, p *auth.Principal, orgID string) ([]Invitation, error) {
	o, err := s.load(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := s.requireAdmin(ctx, p, orgID); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	docs, err := s.st.invitationsSince(ctx, orgID, now.Add(-2*InvitationTTL))
	if err != nil {
		return nil, err
	}
	out := make([]Invitation, 0, len(docs))
	for i := range docs {
		out = append(out, s.invitationView(ctx, &docs[i], o.Name, now))
	}
	return out, nil
}

// Withdraw takes back an invitation still waiting (the organisation's admins).
func (s *Service) Withdraw(ctx context.Context, p *auth.Principal, orgID, invID string) error {
	if _, err := s.load(ctx, orgID); err != nil {
		return err
	}
	if err := s.requireAdmin(ctx, p, orgID); err != nil {
		return err
	}
	if !strings.HasPrefix(invID, orgID+":") {
		return errInvitationNotFound
	}
	_, err := s.answer(ctx, invID, "", InviteWithdrawn)
	return err
}

var errInvitationNotFound = apperr.NotFoundf("The invitation")

// MyInvitations lists the invitations waiting for the signed-in person (sent to their account's address).
func (s *Service) MyInvitations(ctx context.Context, p *auth.Principal) ([]Invitation, error) {
	email, err := s.emailOf(ctx, p)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	docs, err := s.st.pendingInvitations(ctx, email, now)
	if err != nil {
		return nil, err
	}
	out := make([]Invitation, 0, len(docs))
	for i := range docs {
		name := ""
		if o, err := s.st.get(ctx, docs[i].OrgID); err == nil {
			name = o.Name
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		out = append(out, s.invitationView(ctx, &docs[i], name, now))
	}
	return out, nil
}

func (s *Service) emailOf(ctx context.Context, p *auth.Principal) (string, error) {
	pr, err := s.people.Profiles(ctx, []string{p.UserID})
	if err != nil {
		return "", err
	}
	return account.NormaliseEmail(pr[p.UserID].Email), nil
}

// Accept answers yes to an invitation sent to the signed-in person's address: they become a member with the
// invitation's role. Accepting again is harmless (it finishes an acceptance a crash interrupted).
func (s *Service) Accept(ctx context.Context, p *auth.Principal, invID string) (*Member, error) {
	email, err := s.emailOf(ctx, p)
	if err != nil {
		return nil, err
	}
	d, err := s.answer(ctx, invID, email, InviteAccepted)
	if err != nil {
		return nil, err
	}
	// The answer is written first, then the membership: a crash between them leaves an accepted invitation
	// that the next Accept completes (the membership insert is a claim by `_id`).
	m := &membershipDoc{ID: membershipID(d.OrgID, p.UserID), OrgID: d.OrgID, UserID: p.UserID, Role: d.Role, JoinedAt: s.now().UTC()}
	if err := s.st.insertMembership(ctx, m); err != nil && !store.IsDuplicate(err) {
		return nil, err
	}
	if err := s.people.AddOrg(ctx, p.UserID, d.OrgID); err != nil {
		return nil, err
	}
	if err := s.changed(ctx, d.OrgID, func() error { _, _, err := s.st.refreshCounts(ctx, d.OrgID); return err }); err != nil {
		return nil, err
	}
	if s.d.Notify != nil {
		_ = s.d.Notify.Deliver(ctx, []string{d.InvitedBy}, notify.Event{Kind: "org_invitation_accepted", Title: email,
			Link: "/organisations/" + d.OrgID, Actor: p.UserID})
	}
	pr, err := s.people.Profiles(ctx, []string{p.UserID})
	if err != nil {
		return nil, err
	}
	return &Member{UserID: p.UserID, Name: pr[p.UserID].Name, Role: d.Role, JoinedAt: m.JoinedAt}, nil
}

// Decline answers no; the organisation's admins see it declined.
func (s *Service) Decline(ctx context.Context, p *auth.Principal, invID string) error {
	email, err := s.emailOf(ctx, p)
	if err != nil {
		return err
	}
	_, err = s.answer(ctx, invID, email, InviteDeclined)
	return err
}

// answer moves a waiting invitation to state (through store.Update, so two answers at once give one). email,
// when set, must be the invitation's: an invitation for someone else is "not found" (it is not theirs to
// see). Accepting an invitation already accepted succeeds again.
func (s *Service) answer(ctx context.Context, invID, email, state string) (*invitationDoc, error) {
	var d invitationDoc
	now := s.now().UTC()
	_, err := s.st.s.Update(ctx, colInvitations, invID, func(cur bson.Raw) (bson.M, error) {
		if cur == nil {
			return nil, errInvitationNotFound
		}
		d = invitationDoc{}
		if err := bson.Unmarshal(cur, &d); err != nil {
			return nil, err
		}
		if email != "" && d.Email != email {
			return nil, errInvitationNotFound
		}
		switch st := d.state(now); {
		case st == InvitePending:
		case st == InviteAccepted && state == InviteAccepted:
			return nil, nil
		case st == InviteExpired:
			return nil, apperr.New(apperr.Conflict, "invitation_expired", "This invitation has expired: ask whoever invited you for a new one.")
		case st == InviteWithdrawn:
			return nil, apperr.New(apperr.Conflict, "invitation_withdrawn", "This invitation was withdrawn.")
		default:
			return nil, apperr.New(apperr.Conflict, "invitation_answered", "This invitation has already been answered.")
		}
		return bson.M{"$set": bson.M{"state": state, "answeredAt": now}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}
