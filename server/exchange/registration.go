package exchange

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// RegisterInput carries the invite code for invite-only days.
type RegisterInput struct {
	InviteCode string `json:"inviteCode"`
}

func (s *Service) open(d *dayDoc) error {
	if d.Status == StatusCancelled {
		return apperr.New(apperr.Conflict, "cancelled", "This exchange day was cancelled.")
	}
	if !s.now().Before(d.EndsAt) {
		return apperr.New(apperr.Conflict, "ended", "This exchange day has already ended.")
	}
	return nil
}

// Register signs the caller up: registered while places remain, else on the waiting list, in order of
// registration (nobody jumps the queue: a new registration is seated only after everyone waiting before it).
// Registering twice returns the existing registration. See seats.go for how places are claimed.
func (s *Service) Register(ctx context.Context, p *auth.Principal, id string, in RegisterInput) (*Day, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.open(d); err != nil {
		return nil, err
	}
	switch d.Mode {
	case ModeMembers:
		role, err := s.orgs.Role(ctx, d.HostOrgID, p.UserID)
		if err != nil {
			return nil, err
		}
		if role == "" {
			return nil, apperr.Forbid("This exchange day is for members of the host organisation only.")
		}
	case ModeInvite:
		if err := s.checkInviteCode(ctx, p, d, in.InviteCode); err != nil {
			return nil, err
		}
	}
	// The registration (the wish to attend, and its place in the queue) first; a seat is claimed for it by
	// the same seating pass that promotes the waiting list. A crash in between leaves a waiting registration,
	// seated by the next pass.
	reg := registrationDoc{DayID: d.ID, UserID: p.UserID, Status: Waitlisted, CreatedAt: s.now().UTC()}
	if _, err := s.st.claimRegistration(ctx, reg); err != nil {
		return nil, fmt.Errorf("exchange: register: %w", err)
	}
	if err := s.seatAfter(context.WithoutCancel(ctx), d, p.UserID); err != nil {
		return nil, err
	}
	if _, err := s.settledStatus(ctx, d.ID, p.UserID); err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Unregister removes the caller's registration; a freed place goes to the first person waiting, who is told.
func (s *Service) Unregister(ctx context.Context, p *auth.Principal, id string) error {
	d, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.st.registration(ctx, d.ID, p.UserID)
	if store.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "not_registered", "You are not registered for this exchange day.")
	}
	if err != nil {
		return store.Wrap("exchange: registration", err)
	}
	ctx = context.WithoutCancel(ctx) // the seat must follow the deletion
	// The registration first, then the holder claim, then the seat: a crash in between leaves claims whose
	// registration is gone, released by the next seating pass once stale.
	if err := s.st.deleteRegistration(ctx, d.ID, p.UserID); err != nil {
		return err
	}
	h, err := s.st.seatHolder(ctx, d.ID, p.UserID)
	if err == nil {
		if err := s.st.releaseClaim(ctx, h.ID); err != nil {
			return err
		}
		if err := s.st.releaseSeatOf(ctx, d.ID, h.Seat, p.UserID); err != nil {
			return err
		}
	} else if !store.IsNotFound(err) {
		return store.Wrap("exchange: unregister", err)
	}
	return s.seatAfter(ctx, d, "")
}

// IsRegistered reports whether the person holds a place (not waitlisted): the live session admits them.
func (s *Service) IsRegistered(ctx context.Context, dayID, userID string) (bool, error) {
	st, _, err := s.status(ctx, dayID, userID)
	return st == Registered, err
}

// RegisteredUsers lists the ids of the people holding a place on the day (not waitlisted), first registered
// first, at most limit. A cold path (the host choosing the day's rapporteur, server/recording): it reads the
// day's registrations and seat claims.
func (s *Service) RegisteredUsers(ctx context.Context, dayID string, limit int) ([]string, error) {
	st, err := s.readSeating(ctx, dayID)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, r := range st.regs {
		if _, ok := st.seated[r.UserID]; ok && len(out) < limit {
			out = append(out, r.UserID)
		}
	}
	return out, nil
}

// ExportFor implements account.Hook: a person's registrations.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	regs, err := s.st.personRegistrations(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	type row struct {
		ExchangeDayID string `json:"exchangeDayId"`
		Title         string `json:"title"`
		Status        string `json:"status"`
		RegisteredAt  any    `json:"registeredAt"`
	}
	out := []row{}
	for _, r := range regs {
		title := ""
		if d, err := s.load(ctx, r.DayID); err == nil {
			title = d.Title
		}
		st, _, err := s.status(ctx, r.DayID, userID)
		if err != nil {
			return "", nil, err
		}
		out = append(out, row{ExchangeDayID: r.DayID, Title: title, Status: st, RegisteredAt: r.CreatedAt})
	}
	return "exchangeDayRegistrations", out, nil
}

// BeforeDelete implements account.Hook: the person's registrations go (freeing their places).
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	regs, err := s.st.personRegistrations(ctx, userID)
	if err != nil {
		return err
	}
	for _, r := range regs {
		if err := s.Unregister(ctx, &auth.Principal{UserID: userID}, r.DayID); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return nil
}

// inviteLimit bounds wrong invitation codes per person; a right code gives its attempt back.
var inviteLimit = auth.Limit{Name: "invite-user", Max: 10, Window: time.Hour,
	Message: "Too many wrong invitation codes. Wait a while, and check the code with whoever invited you."}

// checkInviteCode compares the code in constant time, counting wrong ones against the person's limit.
func (s *Service) checkInviteCode(ctx context.Context, p *auth.Principal, d *dayDoc, code string) error {
	attempt, err := s.limits.Take(ctx, inviteLimit, p.UserID)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(d.InviteCode)) != 1 {
		return &apperr.Error{Kind: apperr.Forbidden, Code: "invalid_invite_code",
			Message: "The invitation code is not right. Check it with whoever invited you.",
			Fields:  apperr.Fields{"inviteCode": apperr.Because("invite_code")}}
	}
	_ = attempt.Undo(ctx) // best effort: a slot left behind only makes the limit stricter
	return nil
}
