package network

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	teixitmail "github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/store"
)

// Invitations: an organiser invites an actor's contact to join Teixit (accepting makes the actor their
// organisation) or to take part in a diagnosis (accepting makes the actor's organisation one of its
// organisers). The invitee answers through a link carrying a secret key; the inviters follow its state.

// Invitation purposes.
const (
	InviteTeixit    = "teixit"
	InviteDiagnosis = "diagnosis"
)

// Invitation states. Opened and expired are derived when read (openedAt, expiresAt); the others are stored.
const (
	InviteSent      = "sent"
	InviteOpened    = "opened"
	InviteAccepted  = "accepted"
	InviteDeclined  = "declined"
	InviteWithdrawn = "withdrawn"
	InviteExpired   = "expired"
)

// InviteTTL is how long an invitation can be answered.
const InviteTTL = 30 * 24 * time.Hour

// InviteLanguages are the languages an invitation email is written in.
var InviteLanguages = []string{"ca", "es", "it", "en"}

// colInviteClaims holds the claims that keep invitations consistent across nodes: "slot:<actor>:<target>:<n>"
// (the n-th invitation of an actor for one purpose; only one open at a time) and "answer:<invitation>" (the
// one answer an invitation gets: accepted, declined or withdrawn).
const colInviteClaims = "network_invitation_claims"

// DiagnosisBrief is what invitations need to know of a diagnosis.
type DiagnosisBrief struct {
	Title       string
	TerritoryID string
	OrgIDs      []string
}

// Diagnoses is what invitations need from diagnoses.
type Diagnoses interface {
	// Brief returns a diagnosis's title, territory and organisers; a NotFound error when it does not exist.
	Brief(ctx context.Context, id string) (*DiagnosisBrief, error)
	// AddOrganiser makes the organisation one of the diagnosis's organisers (nothing when it already is).
	AddOrganiser(ctx context.Context, diagnosisID, orgID string) error
}

type inviteDoc struct {
	ID             string     `bson:"_id"`
	ActorID        string     `bson:"actorId"`
	Purpose        string     `bson:"purpose"`
	DiagnosisID    string     `bson:"diagnosisId,omitempty"`
	Slot           string     `bson:"slot"`
	Email          string     `bson:"email"`
	Name           string     `bson:"name,omitempty"`
	Message        string     `bson:"message,omitempty"`
	Language       string     `bson:"language"`
	InviterOrg     string     `bson:"inviterOrg"`
	InvitedBy      string     `bson:"invitedBy"`
	KeyHash        string     `bson:"keyHash"`
	Status         string     `bson:"status"` // sent | accepted | declined | withdrawn
	Mailed         bool       `bson:"mailed"`
	OpenedAt       *time.Time `bson:"openedAt,omitempty"`
	AnsweredAt     *time.Time `bson:"answeredAt,omitempty"`
	AnsweredBy     string     `bson:"answeredBy,omitempty"`
	AnsweredOrg    string     `bson:"answeredOrg,omitempty"`
	DeclineReason  string     `bson:"declineReason,omitempty"`
	ExpiresAt      time.Time  `bson:"expiresAt"`
	CreatedAt      time.Time  `bson:"createdAt"`
	UpdatedAt      time.Time  `bson:"updatedAt"`
	ActorName      string     `bson:"actorName"`
	DiagnosisTitle string     `bson:"diagnosisTitle,omitempty"`
	InviterName    string     `bson:"inviterName"`
}

// state is the invitation's state at now.
func (d *inviteDoc) state(now time.Time) string {
	switch {
	case d.Status != InviteSent:
		return d.Status
	case !now.Before(d.ExpiresAt):
		return InviteExpired
	case d.OpenedAt != nil:
		return InviteOpened
	}
	return InviteSent
}

func (d *inviteDoc) open(now time.Time) bool {
	s := d.state(now)
	return s == InviteSent || s == InviteOpened
}

// InvitationInput invites an actor's contact.
type InvitationInput struct {
	Purpose     string `json:"purpose" api:"required"` // teixit | diagnosis
	DiagnosisID string `json:"diagnosisId"`
	// Email defaults to the actor's contact email.
	Email    string `json:"email" api:"required"`
	Name     string `json:"name"`
	Message  string `json:"message"`
	Language string `json:"language"` // ca | es | it | en: the email's language
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (InvitationInput) Enums() map[string][]string {
	return map[string][]string{"purpose": {InviteTeixit, InviteDiagnosis}, "language": InviteLanguages}
}

// Invitation is an invitation as its inviters (or, with the key, its invitee) see it.
type Invitation struct {
	ID              string     `json:"id"`
	ActorID         string     `json:"actorId"`
	ActorName       string     `json:"actorName"`
	Purpose         string     `json:"purpose"`
	DiagnosisID     string     `json:"diagnosisId"`
	DiagnosisTitle  string     `json:"diagnosisTitle"`
	InviterOrgID    string     `json:"inviterOrganisationId"`
	InviterName     string     `json:"inviterName"`
	Email           string     `json:"email,omitempty"`
	Name            string     `json:"name"`
	Message         string     `json:"message"`
	Language        string     `json:"language"`
	State           string     `json:"state"`
	Mailed          bool       `json:"mailed"`
	OpenedAt        *time.Time `json:"openedAt"`
	AnsweredAt      *time.Time `json:"answeredAt"`
	AnsweredOrgID   string     `json:"answeredOrganisationId,omitempty"`
	DeclineReason   string     `json:"declineReason,omitempty"`
	ExpiresAt       time.Time  `json:"expiresAt"`
	CreatedAt       time.Time  `json:"createdAt"`
	CanWithdraw     bool       `json:"canWithdraw"`
	AlreadyOnTeixit bool       `json:"actorOnTeixit"`
	ActorOrgID      string     `json:"actorOrganisationId,omitempty"`
	Link            string     `json:"link,omitempty"` // only in the answer to the inviter who created it
}

// InvitationKey carries the secret key of an invitation link.
type InvitationKey struct {
	Key string `json:"key"`
}

// InvitationAnswer accepts an invitation as an organisation, or declines it.
type InvitationAnswer struct {
	Key            string `json:"key"`
	OrganisationID string `json:"organisationId"`
	Reason         string `json:"reason"`
}

var errInvitationNotFound = apperr.NotFoundf("The invitation")

func newKey() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("network: invitation key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

func (s *Service) inviteLink(id, key string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/actor-invitations/" + id + "#" + key
}

// Invite sends an invitation to an actor's contact. Joining Teixit: staff of the organisation that speaks
// for the actor, while the actor is not on Teixit. A diagnosis: staff of one of its organising
// organisations, while the actor is not one of them. One open invitation per actor and purpose (diagnosis).
func (s *Service) Invite(ctx context.Context, p *auth.Principal, actorID string, in InvitationInput) (*Invitation, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	a, err := s.readableActor(ctx, p, actorID)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	in.Email, in.Name, in.Message = strings.TrimSpace(in.Email), strings.TrimSpace(in.Name), strings.TrimSpace(in.Message)
	if in.Email == "" {
		in.Email = a.Contact.Email
	}
	if in.Language == "" {
		in.Language = "ca"
	}
	if !slices.Contains([]string{InviteTeixit, InviteDiagnosis}, in.Purpose) {
		f["purpose"] = apperr.OneOf(InviteTeixit, InviteDiagnosis)
	}
	if in.Email == "" {
		f["email"] = apperr.Required()
	} else if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email || runes(in.Email) > 200 {
		f["email"] = apperr.Because("email_format")
	}
	if runes(in.Name) > MaxName {
		f["name"] = apperr.MaxLength(MaxName)
	}
	if runes(in.Message) > 1000 {
		f["message"] = apperr.MaxLength(1000)
	}
	if !slices.Contains(InviteLanguages, in.Language) {
		f["language"] = apperr.OneOf(InviteLanguages...)
	}
	var dx *DiagnosisBrief
	if in.Purpose == InviteDiagnosis {
		if !store.ValidID(in.DiagnosisID) {
			f["diagnosisId"] = apperr.Required()
		} else if dx, err = s.Diagnoses.Brief(ctx, in.DiagnosisID); apperr.IsKind(err, apperr.NotFound) {
			f["diagnosisId"] = apperr.UnknownRef()
		} else if err != nil {
			return nil, err
		}
	} else if in.DiagnosisID != "" {
		f["diagnosisId"] = apperr.Because("not_allowed")
	}
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	if a.Status != StatusPublished {
		return nil, apperr.New(apperr.Conflict, "not_published", "Only a published actor can be invited.")
	}
	var inviterOrg, target string
	if in.Purpose == InviteTeixit {
		if a.OrgID != "" { // public knowledge (the actor's page says it), so it comes first
			return nil, apperr.New(apperr.Conflict, "already_on_teixit", "This actor is already an organisation on Teixit.")
		}
		if ok, err := s.canEditActor(ctx, p, a); err != nil {
			return nil, err
		} else if !ok {
			return nil, apperr.Forbid("Only professionals and administrators of the organisation that keeps this actor can invite it.")
		}
		inviterOrg, target = a.speaker(), InviteTeixit
	} else {
		for _, o := range dx.OrgIDs {
			if ok, err := s.isStaff(ctx, p, o); err != nil {
				return nil, err
			} else if ok {
				inviterOrg = o
				break
			}
		}
		if inviterOrg == "" {
			return nil, apperr.Forbid("Only the organisers of the diagnosis can invite actors to it.")
		}
		if a.OrgID != "" && slices.Contains(dx.OrgIDs, a.OrgID) {
			return nil, apperr.New(apperr.Conflict, "already_organiser", "This actor already organises the diagnosis.")
		}
		target = InviteDiagnosis + ":" + in.DiagnosisID
	}
	inviterName, err := s.Orgs.Name(ctx, inviterOrg)
	if err != nil {
		return nil, err
	}
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	d := &inviteDoc{ID: store.NewID(), ActorID: a.ID, Purpose: in.Purpose, DiagnosisID: in.DiagnosisID, Email: in.Email,
		Name: in.Name, Message: in.Message, Language: in.Language, InviterOrg: inviterOrg, InvitedBy: p.UserID,
		KeyHash: hashKey(key), Status: InviteSent, ExpiresAt: now.Add(InviteTTL), CreatedAt: now, UpdatedAt: now,
		ActorName: a.Name, InviterName: inviterName}
	if dx != nil {
		d.DiagnosisTitle = dx.Title
	}
	if d.Slot, err = s.claimInviteSlot(ctx, a.ID+":"+target, d.ID); err != nil {
		return nil, err
	}
	d.Mailed = s.Mail != nil && s.Mail.Enabled()
	if err := s.Store.Insert(ctx, colInvites, d); err != nil {
		return nil, err
	}
	if d.Mailed {
		subject, body := invitationEmail(d, s.inviteLink(d.ID, key))
		if err := s.Mail.Enqueue(ctx, teixitmail.Message{To: d.Email, Subject: subject, Text: body, Key: "invitation:" + d.ID}); err != nil {
			return nil, err
		}
	}
	v := s.inviteView(d, now, true)
	v.Link = s.inviteLink(d.ID, key)
	return v, nil
}

// slotGrace is how long a slot may wait for its invitation to be written before it counts as abandoned
// (a crash between the two inserts).
const slotGrace = 2 * time.Minute

// claimInviteSlot takes the next invitation slot of an actor and purpose, refusing while the last one is
// still open. The slots are claimed in order ("slot:<target>:<n>"), so two organisers inviting at once get
// one invitation and one 409: only one of them can insert slot n+1. A slot whose invitation is not written yet holds for
// slotGrace (the request that claimed it is writing it), then counts as closed (a crash between the inserts).
func (s *Service) claimInviteSlot(ctx context.Context, target, inviteID string) (string, error) {
	now := s.now()
	for n := 1; n < 10000; n++ {
		id := fmt.Sprintf("slot:%s:%d", target, n)
		var slot struct {
			InvitationID string    `bson:"invitationId"`
			At           time.Time `bson:"at"`
		}
		err := s.Store.Get(ctx, colInviteClaims, id, &slot)
		if store.IsNotFound(err) {
			ok, err := s.Store.Claim(ctx, colInviteClaims, id, bson.M{"invitationId": inviteID, "at": now.UTC()})
			if err != nil {
				return "", err
			}
			if !ok {
				break
			}
			return id, nil
		}
		if err != nil {
			return "", err
		}
		var prev inviteDoc
		err = s.Store.Get(ctx, colInvites, slot.InvitationID, &prev)
		if err != nil && !store.IsNotFound(err) {
			return "", err
		}
		// Held: its invitation is open, or not written yet by the request that claimed it moments ago.
		if (err == nil && prev.open(now)) || (err != nil && now.Sub(slot.At) < slotGrace) {
			break
		}
	}
	return "", apperr.New(apperr.Conflict, "invitation_pending", "This actor already has an open invitation for this: withdraw it before sending another.")
}

func (s *Service) inviteView(d *inviteDoc, now time.Time, inviter bool) *Invitation {
	v := &Invitation{ID: d.ID, ActorID: d.ActorID, ActorName: d.ActorName, Purpose: d.Purpose, DiagnosisID: d.DiagnosisID,
		DiagnosisTitle: d.DiagnosisTitle, InviterOrgID: d.InviterOrg, InviterName: d.InviterName, Name: d.Name,
		Message: d.Message, Language: d.Language, State: d.state(now), Mailed: d.Mailed, OpenedAt: d.OpenedAt,
		AnsweredAt: d.AnsweredAt, AnsweredOrgID: d.AnsweredOrg, ExpiresAt: d.ExpiresAt, CreatedAt: d.CreatedAt}
	if inviter {
		v.Email, v.DeclineReason, v.CanWithdraw = d.Email, d.DeclineReason, d.open(now)
	}
	return v
}

func (s *Service) invitation(ctx context.Context, id string) (*inviteDoc, error) {
	return store.GetByID[inviteDoc](ctx, s.Store.Store, colInvites, id, errInvitationNotFound)
}

// keyed loads an invitation by its link: a wrong key is the same NotFound as a missing invitation.
func (s *Service) keyed(ctx context.Context, id, key string) (*inviteDoc, error) {
	d, err := s.invitation(ctx, id)
	if err != nil {
		return nil, err
	}
	if key == "" || subtle.ConstantTimeCompare([]byte(hashKey(key)), []byte(d.KeyHash)) != 1 {
		return nil, errInvitationNotFound
	}
	return d, nil
}

// OpenInvitation shows an invitation to whoever holds its link, and records when it was first opened.
func (s *Service) OpenInvitation(ctx context.Context, p *auth.Principal, id string, in InvitationKey) (*Invitation, error) {
	d, err := s.keyed(ctx, id, in.Key)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if d.OpenedAt == nil && d.open(now) {
		d.OpenedAt = &now
		// Harmless if two nodes record it at once: both write a first-opened time a moment apart.
		if err := s.Store.markOpened(ctx, d.ID, now); err != nil {
			return nil, err
		}
	}
	v := s.inviteView(d, now, false)
	if a, err := s.actor(ctx, d.ActorID); err == nil {
		v.AlreadyOnTeixit, v.ActorOrgID = a.OrgID != "", a.OrgID
	}
	return v, nil
}

// answer claims the invitation's one answer ("answer:<id>"), runs effect, then records the new state. A
// second answer (another node, a double click) finds the claim taken: 409. When effect fails the claim is
// released, so the invitation can still be answered.
func (s *Service) answer(ctx context.Context, d *inviteDoc, set bson.M, effect func() error) error {
	now := s.now().UTC()
	if !d.open(now) {
		return closedInvitation(d.state(now))
	}
	claim := "answer:" + d.ID
	ok, err := s.Store.Claim(ctx, colInviteClaims, claim, bson.M{"at": now, "status": set["status"]})
	if err != nil {
		return err
	}
	if !ok {
		return closedInvitation("answered")
	}
	if effect != nil {
		if err := effect(); err != nil {
			_ = s.Store.Release(ctx, colInviteClaims, claim)
			return err
		}
	}
	set["answeredAt"], set["updatedAt"] = now, now
	return s.Store.recordAnswer(ctx, d.ID, set)
}

func closedInvitation(state string) error {
	switch state {
	case InviteExpired:
		return apperr.New(apperr.Conflict, "invitation_expired", "This invitation has expired: ask whoever invited you for a new one.")
	case InviteWithdrawn:
		return apperr.New(apperr.Conflict, "invitation_withdrawn", "This invitation was withdrawn.")
	}
	return apperr.New(apperr.Conflict, "invitation_answered", "This invitation has already been answered.")
}

// AcceptInvitation answers yes as an organisation. Joining Teixit: an admin of the organisation, which
// becomes the actor (the inviter is its steward, so no further approval). A diagnosis: staff of the
// actor's organisation (or, when the actor is not on Teixit, an admin of the organisation that becomes
// it), which then organises the diagnosis. The inviters are told.
func (s *Service) AcceptInvitation(ctx context.Context, p *auth.Principal, id string, in InvitationAnswer) (*Invitation, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	d, err := s.keyed(ctx, id, in.Key)
	if err != nil {
		return nil, err
	}
	if !store.ValidID(in.OrganisationID) {
		return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.Required()})
	}
	if _, err := s.Orgs.Name(ctx, in.OrganisationID); apperr.IsKind(err, apperr.NotFound) {
		return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.UnknownRef()})
	} else if err != nil {
		return nil, err
	}
	if !d.open(s.now()) {
		return nil, closedInvitation(d.state(s.now()))
	}
	a, err := s.actor(ctx, d.ActorID)
	if err != nil {
		return nil, err
	}
	claimActor := a.OrgID == ""
	switch {
	case d.Purpose == InviteTeixit && !claimActor:
		return nil, apperr.New(apperr.Conflict, "already_on_teixit", "This actor is already an organisation on Teixit.")
	case !claimActor && a.OrgID != in.OrganisationID:
		return nil, apperr.Validation(apperr.Fields{"organisationId": apperr.Because("not_actor_organisation")})
	}
	if claimActor {
		if ok, err := s.isOrgAdmin(ctx, p, in.OrganisationID); err != nil {
			return nil, err
		} else if !ok {
			return nil, apperr.Forbid("Only administrators of the organisation can accept an invitation in its name.")
		}
		if err := s.orgFree(ctx, in.OrganisationID, a.ID); err != nil {
			return nil, err
		}
	} else if ok, err := s.isStaff(ctx, p, in.OrganisationID); err != nil {
		return nil, err
	} else if !ok {
		return nil, apperr.Forbid("Only professionals and administrators of the organisation can accept an invitation in its name.")
	}
	err = s.answer(ctx, d, bson.M{"status": InviteAccepted, "answeredBy": p.UserID, "answeredOrg": in.OrganisationID}, func() error {
		if claimActor {
			if _, err := s.acceptClaim(ctx, p, a.ID, in.OrganisationID); err != nil {
				return err
			}
		}
		if d.Purpose == InviteDiagnosis {
			return s.Diagnoses.AddOrganiser(ctx, d.DiagnosisID, in.OrganisationID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.tellInviters(ctx, d, "invitation_accepted", p.UserID)
	d, err = s.invitation(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.inviteView(d, s.now(), false), nil
}

// orgFree refuses an organisation that is already another actor (checked before the answer is claimed).
func (s *Service) orgFree(ctx context.Context, orgID, actorID string) error {
	var held orgActorDoc
	err := s.Store.Get(ctx, colOrgActors, orgID, &held)
	if store.IsNotFound(err) || (err == nil && held.ActorID == actorID) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := s.actor(ctx, held.ActorID); apperr.IsKind(err, apperr.NotFound) {
		return nil
	}
	return apperr.New(apperr.Conflict, "organisation_already_actor",
		"This organisation is already an actor of the network: edit that actor instead.")
}

// DeclineInvitation answers no (anyone holding the link; no account needed), with an optional reason the
// inviters read.
func (s *Service) DeclineInvitation(ctx context.Context, p *auth.Principal, id string, in InvitationAnswer) (*Invitation, error) {
	d, err := s.keyed(ctx, id, in.Key)
	if err != nil {
		return nil, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if runes(in.Reason) > 500 {
		return nil, apperr.Validation(apperr.Fields{"reason": apperr.MaxLength(500)})
	}
	set := bson.M{"status": InviteDeclined, "declineReason": in.Reason}
	actorUser := ""
	if p != nil {
		set["answeredBy"], actorUser = p.UserID, p.UserID
	}
	if err := s.answer(ctx, d, set, nil); err != nil {
		return nil, err
	}
	s.tellInviters(ctx, d, "invitation_declined", actorUser)
	if d, err = s.invitation(ctx, id); err != nil {
		return nil, err
	}
	return s.inviteView(d, s.now(), false), nil
}

// WithdrawInvitation closes an open invitation (staff of the inviting organisation): its link stops working.
func (s *Service) WithdrawInvitation(ctx context.Context, p *auth.Principal, id string) (*Invitation, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	d, err := s.invitation(ctx, id)
	if err != nil {
		return nil, err
	}
	if ok, err := s.isStaff(ctx, p, d.InviterOrg); err != nil {
		return nil, err
	} else if !ok {
		return nil, errInvitationNotFound
	}
	if err := s.answer(ctx, d, bson.M{"status": InviteWithdrawn, "answeredBy": p.UserID}, nil); err != nil {
		return nil, err
	}
	if d, err = s.invitation(ctx, id); err != nil {
		return nil, err
	}
	return s.inviteView(d, s.now(), true), nil
}

// ActorInvitations lists an actor's invitations that the reader's organisations sent, newest first (an
// actor has a handful: an indexed query on a page path).
func (s *Service) ActorInvitations(ctx context.Context, p *auth.Principal, actorID string) ([]Invitation, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	if _, err := s.readableActor(ctx, p, actorID); err != nil {
		return nil, err
	}
	ds, err := s.Store.invitationsOf(ctx, actorID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []Invitation{}
	staff := map[string]bool{}
	for i := len(ds) - 1; i >= 0; i-- {
		d := &ds[i]
		ok, seen := staff[d.InviterOrg]
		if !seen {
			if ok, err = s.isStaff(ctx, p, d.InviterOrg); err != nil {
				return nil, err
			}
			staff[d.InviterOrg] = ok
		}
		if ok {
			out = append(out, *s.inviteView(d, now, true))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

// tellInviters notifies the person who invited and the inviting organisation's staff.
func (s *Service) tellInviters(ctx context.Context, d *inviteDoc, kind, by string) {
	staff, _ := s.Orgs.Staff(ctx, d.InviterOrg)
	_ = s.Notify.Deliver(ctx, clean.Unique(append([]string{d.InvitedBy}, staff...)), notify.Event{Kind: kind, Title: d.ActorName,
		Link: ActorLink(d.ActorID), Actor: by})
}
