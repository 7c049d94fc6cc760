package account

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// SessionInfo is one of my signed-in browsers, as the account page lists it.
type SessionInfo struct {
	// ID is a public name for the session (a hash of its stored id: never the cookie or its hash).
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Current is true for the session making the request.
	Current bool `json:"current"`
}

// Sessions lists the person's live sessions, newest first; current is the caller's session id (or "").
func (s *Service) Sessions(ctx context.Context, userID, current string) ([]SessionInfo, error) {
	docs, err := s.st.sessionsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []SessionInfo{}
	for _, d := range docs {
		if !now.Before(d.ExpiresAt) {
			continue
		}
		out = append(out, SessionInfo{ID: hashSecret(d.ID)[:16], CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt, Current: d.ID == current})
	}
	return out, nil
}

// SignOutEverywhere ends every session and revokes every token of the person (a lost phone, a shared
// computer). The caller clears its own cookie.
func (s *Service) SignOutEverywhere(ctx context.Context, userID string) error {
	ctx = context.WithoutCancel(ctx)
	if err := s.st.deleteUserSessions(ctx, userID, ""); err != nil {
		return err
	}
	return s.st.deleteUserTokens(ctx, userID)
}

// ChangePasswordInput asks for the current password and the new one.
type ChangePasswordInput struct {
	Current string `json:"currentPassword" clean:"-"`
	New     string `json:"newPassword" api:"required" clean:"-"`
}

// ErrWrongPassword answers a password change whose current password is not right.
var ErrWrongPassword = &apperr.Error{Kind: apperr.Forbidden, Code: "wrong_password",
	Message: "Your current password is not right.", Fields: apperr.Fields{"currentPassword": apperr.Because("wrong_password")}}

// ChangePassword sets a new password after checking the current one, then ends every other session and
// revokes every token: whoever learnt the old password is out. The caller's own session (p.SessionID) stays.
func (s *Service) ChangePassword(ctx context.Context, p *auth.Principal, in ChangePasswordInput) error {
	u, err := s.st.user(ctx, p.UserID)
	if err != nil {
		return err
	}
	if why := checkPassword(in.New, u.Email, u.Name); why.Code != "" {
		return apperr.Validation(apperr.Fields{"newPassword": why})
	}
	ok, err := verifyPassword(in.Current, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok || len(in.Current) > 4*MaxPasswordLen {
		return ErrWrongPassword
	}
	hash, err := hashPassword(in.New, s.cost)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	if err := s.st.setUserFields(ctx, u.ID, bson.M{"passwordHash": hash}); err != nil {
		return err
	}
	if err := s.st.deleteUserTokens(ctx, u.ID); err != nil {
		return err
	}
	return store.Wrap("account: end other sessions", s.st.deleteUserSessions(ctx, u.ID, p.SessionID))
}
