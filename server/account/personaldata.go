package account

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// MaxTokensPerUser bounds how many personal access tokens one person can hold.
const MaxTokensPerUser = 20

// Token lifetimes in days: a default an integrator can shorten or lengthen up to a year.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
)

// TokenInput names a new token, what it may do and for how long.
type TokenInput struct {
	Name string `json:"name" api:"required"`
	// Scopes: "read" (GET requests) and/or "write" (every other method); default read only.
	Scopes []string `json:"scopes"`
	// ExpiresInDays is 1–365; default 90.
	ExpiresInDays *int `json:"expiresInDays"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (TokenInput) Enums() map[string][]string {
	return map[string][]string{"scopes": {auth.ScopeRead, auth.ScopeWrite}}
}

// CreateToken issues a personal access token; the secret is in the returned Token only this once.
func (s *Service) CreateToken(ctx context.Context, userID string, in TokenInput) (*Token, error) {
	name := strings.TrimSpace(in.Name)
	fields := apperr.Fields{}
	fields.Length("name", name, 1, 80)
	scopes := []string{}
	for _, sc := range in.Scopes {
		if sc != auth.ScopeRead && sc != auth.ScopeWrite {
			fields["scopes"] = apperr.OneOf(auth.ScopeRead, auth.ScopeWrite)
		} else if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) == 0 {
		scopes = []string{auth.ScopeRead}
	}
	days := DefaultTokenDays
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
		fields.Range("expiresInDays", days, 1, MaxTokenDays)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	existing, err := s.st.userTokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(existing) >= MaxTokensPerUser {
		return nil, apperr.New(apperr.Conflict, "too_many_tokens", "You have too many tokens. Revoke one you no longer use first.")
	}
	secret := tokenPrefix + randomToken(30)
	now := s.now().UTC()
	exp := now.AddDate(0, 0, days)
	d := &tokenDoc{ID: hashSecret(secret), PublicID: store.NewID(), UserID: userID, Name: name, Scopes: scopes,
		CreatedAt: now, ExpiresAt: &exp}
	if err := s.st.insertToken(ctx, d); err != nil {
		return nil, err
	}
	t := d.api()
	t.Secret = secret
	return &t, nil
}

// Tokens lists a person's tokens, newest first, without secrets.
func (s *Service) Tokens(ctx context.Context, userID string) ([]Token, error) {
	docs, err := s.st.userTokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]Token, len(docs))
	for i := range docs {
		out[i] = docs[i].api()
	}
	return out, nil
}

// RevokeToken deletes one of the person's tokens; NotFound if they have no token with that id.
func (s *Service) RevokeToken(ctx context.Context, userID, id string) error {
	if !store.ValidID(id) {
		return apperr.NotFoundf("The token")
	}
	err := s.st.deleteToken(ctx, userID, id)
	if errors.Is(err, store.ErrNotFound) {
		return apperr.NotFoundf("The token")
	}
	return err
}

// Export gathers everything Teixit holds about a person, including what other domains add through hooks.
func (s *Service) Export(ctx context.Context, userID string) (map[string]any, error) {
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return nil, err
	}
	tokens, err := s.Tokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"exportedAt": s.now().UTC().Format(time.RFC3339),
		"account": map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "language": u.Language,
			"platformAdmin": u.PlatformAdmin, "createdAt": u.CreatedAt},
		"tokens": tokens,
	}
	for _, h := range s.hooks() {
		key, data, err := h.ExportFor(ctx, userID)
		if err != nil {
			return nil, err
		}
		out[key] = data
	}
	return out, nil
}

// Delete removes a person's account: other domains first detach or refuse (e.g. the last admin of an
// organisation must name another admin), then tokens and sessions go, the email is released and the
// account becomes an anonymous tombstone so that what the person contributed stays, unattributed.
func (s *Service) Delete(ctx context.Context, userID string) error {
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return err
	}
	for _, h := range s.hooks() {
		if err := h.BeforeDelete(ctx, userID); err != nil {
			return err
		}
	}
	// From here on, finish even if the client goes away: a half-deleted account is worse than either state.
	ctx = context.WithoutCancel(ctx)
	if err := s.st.deleteUserTokens(ctx, userID); err != nil {
		return err
	}
	if err := s.st.deleteUserSessions(ctx, userID, ""); err != nil {
		return err
	}
	if err := s.st.anonymise(ctx, userID); err != nil {
		return err
	}
	return s.st.releaseEmail(ctx, u.Email)
}
