package exchange

import (
	"context"
	"crypto/subtle"
	"errors"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

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

// Register signs the caller up: registered while places remain, else on the waiting list. Registering twice
// returns the existing registration.
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
		if subtle.ConstantTimeCompare([]byte(in.InviteCode), []byte(d.InviteCode)) != 1 {
			return nil, &apperr.Error{Kind: apperr.Forbidden, Code: "invalid_invite_code",
				Message: "The invitation code is not right. Check it with whoever invited you.",
				Fields:  apperr.Fields{"inviteCode": apperr.Because("invite_code")}}
		}
	}
	rid := registrationID(d.ID, p.UserID)
	var existing registrationDoc
	err = store.Wrap("exchange: registration", s.s.C(colRegistrations).FindOne(ctx, bson.M{"_id": rid}).Decode(&existing))
	if err == nil {
		return s.view(ctx, p, d)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// Take a place with a guarded increment: only one of two concurrent requests for the last place matches.
	status := Waitlisted
	filter := bson.M{"_id": d.ID}
	if d.Capacity > 0 {
		filter["registeredCount"] = bson.M{"$lt": d.Capacity}
	}
	res, err := s.s.C(colDays).UpdateOne(ctx, filter, bson.M{"$inc": bson.M{"registeredCount": 1}})
	if err != nil {
		return nil, store.Wrap("exchange: take place", err)
	}
	if res.ModifiedCount == 1 {
		status = Registered
	}
	reg := registrationDoc{ID: rid, DayID: d.ID, UserID: p.UserID, Status: status, CreatedAt: s.now().UTC()}
	if _, err := s.s.C(colRegistrations).InsertOne(ctx, reg); err != nil {
		if status == Registered { // give the place back: nothing half-written
			_, _ = s.s.C(colDays).UpdateOne(context.WithoutCancel(ctx), bson.M{"_id": d.ID}, bson.M{"$inc": bson.M{"registeredCount": -1}})
		}
		if store.IsDuplicate(store.Wrap("", err)) {
			return s.Get(ctx, p, id) // a concurrent request registered first
		}
		return nil, store.Wrap("exchange: register", err)
	}
	if status == Waitlisted {
		if _, err := s.s.C(colDays).UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$inc": bson.M{"waitlistCount": 1}}); err != nil {
			return nil, store.Wrap("exchange: waitlist", err)
		}
	}
	return s.Get(ctx, p, id)
}

// Unregister removes the caller's registration; a freed place goes to the first person waiting.
func (s *Service) Unregister(ctx context.Context, p *auth.Principal, id string) error {
	d, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	rid := registrationID(d.ID, p.UserID)
	var reg registrationDoc
	err = store.Wrap("exchange: registration", s.s.C(colRegistrations).FindOneAndDelete(ctx, bson.M{"_id": rid}).Decode(&reg))
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(apperr.NotFound, "not_registered", "You are not registered for this exchange day.")
	}
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx) // the counts must follow the deletion
	if reg.Status == Waitlisted {
		_, err := s.s.C(colDays).UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$inc": bson.M{"waitlistCount": -1}})
		return store.Wrap("exchange: waitlist", err)
	}
	var next registrationDoc
	err = s.s.C(colRegistrations).FindOneAndUpdate(ctx, bson.M{"dayId": d.ID, "status": Waitlisted},
		bson.M{"$set": bson.M{"status": Registered}}, options.FindOneAndUpdate().SetSort(bson.D{{Key: "createdAt", Value: 1}})).Decode(&next)
	if err = store.Wrap("exchange: promote", err); err == nil {
		_, err = s.s.C(colDays).UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$inc": bson.M{"waitlistCount": -1}})
		return store.Wrap("exchange: promote", err)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_, err = s.s.C(colDays).UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$inc": bson.M{"registeredCount": -1}})
	return store.Wrap("exchange: free place", err)
}

// IsRegistered reports whether the person holds a place (not waitlisted): the live session admits them.
func (s *Service) IsRegistered(ctx context.Context, dayID, userID string) (bool, error) {
	var reg registrationDoc
	err := store.Wrap("exchange: registration", s.s.C(colRegistrations).FindOne(ctx, bson.M{"_id": registrationID(dayID, userID)}).Decode(&reg))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && reg.Status == Registered, err
}

// RegisteredUsers lists the ids of the people holding a place on the day (not waitlisted), first registered
// first, at most limit. A cold path (the host choosing the day's rapporteur, server/recording) on the
// registrations_day index.
func (s *Service) RegisteredUsers(ctx context.Context, dayID string, limit int) ([]string, error) {
	cur, err := s.s.C(colRegistrations).Find(ctx, bson.M{"dayId": dayID, "status": Registered},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, store.Wrap("exchange: registered", err)
	}
	var regs []registrationDoc
	if err := cur.All(ctx, &regs); err != nil {
		return nil, store.Wrap("exchange: registered", err)
	}
	out := make([]string, 0, len(regs))
	for _, r := range regs {
		out = append(out, r.UserID)
	}
	return out, nil
}

// ExportFor implements account.Hook: a person's registrations.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	cur, err := s.s.C(colRegistrations).Find(ctx, bson.M{"userId": userID})
	if err != nil {
		return "", nil, store.Wrap("exchange: export", err)
	}
	var regs []registrationDoc
	if err := cur.All(ctx, &regs); err != nil {
		return "", nil, store.Wrap("exchange: export", err)
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
		out = append(out, row{ExchangeDayID: r.DayID, Title: title, Status: r.Status, RegisteredAt: r.CreatedAt})
	}
	return "exchangeDayRegistrations", out, nil
}

// BeforeDelete implements account.Hook: the person's registrations go (freeing their places).
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	cur, err := s.s.C(colRegistrations).Find(ctx, bson.M{"userId": userID})
	if err != nil {
		return store.Wrap("exchange: delete", err)
	}
	var regs []registrationDoc
	if err := cur.All(ctx, &regs); err != nil {
		return store.Wrap("exchange: delete", err)
	}
	for _, r := range regs {
		if err := s.Unregister(ctx, &auth.Principal{UserID: userID}, r.DayID); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return nil
}
