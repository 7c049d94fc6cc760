package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// SessionTTL is how long a browser session lives after login.
const SessionTTL = 14 * 24 * time.Hour

// tokenPrefix marks Teixit personal access tokens so that secret scanners can recognise them.
const tokenPrefix = "txt_"

// Hook lets other domains take part in a person's data rights: their export and the deletion of their account.
type Hook interface {
	// ExportFor returns this domain's data about the user, under a key of the export document.
	ExportFor(ctx context.Context, userID string) (key string, data any, err error)
	// BeforeDelete runs before the account is removed: refuse (e.g. last admin) or detach the user's data.
	BeforeDelete(ctx context.Context, userID string) error
}

// Service implements registration, login, sessions, tokens and personal data rights.
type Service struct {
	st          *Store
	hooks       func() []Hook
	memberships MembershipLister
	resetMail   ResetMail
	now         func() time.Time
	principals  *principals // the sessions this node served lately (principals.go)
	cost        PasswordCost
	dummyHash   func() string
}

// Deps are what accounts need from the rest of the app; any may be left out (tests).
type Deps struct {
	// Hooks are the other domains' export and deletion hooks (the data-rights endpoints run them all),
	// asked for when used: those domains are built after accounts.
	Hooks func() []Hook
	// Memberships lets every principal carry the organisations whose staff the person is
	// (auth.Principal.StaffOrgIDs).
	Memberships MembershipLister
	// ResetMail enables reset links by email (without it, only platform admins issue links).
	ResetMail ResetMail
	// PasswordCost of new password hashes; zero is DefaultPasswordCost.
	PasswordCost PasswordCost
}

// NewService builds the account service.
func NewService(st *Store, d Deps) *Service {
	if d.Hooks == nil {
		d.Hooks = func() []Hook { return nil }
	}
	if d.PasswordCost == (PasswordCost{}) {
		d.PasswordCost = DefaultPasswordCost
	}
	return &Service{st: st, hooks: d.Hooks, memberships: d.Memberships, resetMail: d.ResetMail, now: time.Now,
		principals: newPrincipals(), cost: d.PasswordCost, dummyHash: dummyHash(d.PasswordCost)}
}

// Store returns the account store (other domains use AddOrg, RemoveOrg, Profiles).
func (s *Service) Store() *Store { return s.st }

// NormaliseEmail lower-cases and trims an address; it is the key under which emails are claimed.
func NormaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// RegisterInput is what a person gives to create an account.
type RegisterInput struct {
	Email    string `json:"email" api:"required"`
	Password string `json:"password" api:"required" clean:"-"`
	Name     string `json:"name" api:"required"`
	Language string `json:"language"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (RegisterInput) Enums() map[string][]string {
	return map[string][]string{"language": Languages}
}

func validEmail(e string) bool {
	if len(e) > 254 || strings.ContainsAny(e, " <>") {
		return false
	}
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && strings.Contains(e[strings.LastIndex(e, "@"):], ".")
}

func validName(n string) apperr.Reason {
	if l := utf8.RuneCountInString(n); l == 0 || l > 100 {
		return apperr.Length(1, 100)
	}
	return apperr.Reason{}
}

// Register creates an account. Duplicate email → Conflict "email_taken".
func (s *Service) Register(ctx context.Context, in RegisterInput) (*User, error) {
	in.Email = NormaliseEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	fields := apperr.Fields{}
	if !validEmail(in.Email) {
		fields["email"] = apperr.Because("email_format")
	}
	if why := checkPassword(in.Password, in.Email, in.Name); why.Code != "" {
		fields["password"] = why
	}
	if why := validName(in.Name); why.Code != "" {
		fields["name"] = why
	}
	if in.Language == "" {
		in.Language = "ca"
	}
	if !validLanguage(in.Language) {
		fields["language"] = apperr.OneOf(Languages...)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password, s.cost)
	if err != nil {
		return nil, err
	}
	u := &userDoc{ID: store.NewID(), Email: in.Email, Name: in.Name, Language: in.Language,
		PasswordHash: hash, OrgIDs: []string{}, CreatedAt: s.now().UTC()}
	// Claim the email first: its `_id` is the uniqueness check. If the user insert then fails, release it.
	if err := s.st.claimEmail(ctx, u.Email, u.ID); err != nil {
		if store.IsDuplicate(err) {
			return nil, &apperr.Error{Kind: apperr.Conflict, Code: "email_taken",
				Message: "An account with this email already exists. Log in, or use another email.",
				Fields:  apperr.Fields{"email": apperr.Because("email_taken")}}
		}
		return nil, err
	}
	if err := s.st.insertUser(ctx, u); err != nil {
		_ = s.st.releaseEmail(context.WithoutCancel(ctx), u.Email)
		return nil, err
	}
	api := u.api()
	return &api, nil
}

// ErrInvalidCredentials is the one answer for an unknown email and a wrong password.
var ErrInvalidCredentials = &apperr.Error{Kind: apperr.Unauthenticated, Code: "invalid_credentials",
	Message: "The email or the password is not right. Check them and try again."}

// Authenticate checks an email and password. It takes the same time whether or not the email exists.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	email = NormaliseEmail(email)
	if email == "" || password == "" || len(password) > 4*MaxPasswordLen {
		return nil, ErrInvalidCredentials
	}
	id, err := s.st.userIDByEmail(ctx, email)
	var u *userDoc
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		u, err = s.st.user(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	hash := s.dummyHash()
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := verifyPassword(password, hash)
	if err != nil {
		return nil, fmt.Errorf("account: authenticate: %w", err)
	}
	if u == nil || !ok {
		return nil, ErrInvalidCredentials
	}
	api := u.api()
	return &api, nil
}

// Session is a newly opened browser session: the cookie value to set and its CSRF token.
type Session struct {
	Cookie    string
	CSRF      string
	ExpiresAt time.Time
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

// OpenSession starts a new session for userID; the caller ends the previous one (rotation at login).
func (s *Service) OpenSession(ctx context.Context, userID string) (*Session, error) {
	now := s.now().UTC()
	sess := &Session{Cookie: randomToken(32), CSRF: randomToken(24), ExpiresAt: now.Add(SessionTTL)}
	err := s.st.insertSession(ctx, &sessionDoc{ID: hashSecret(sess.Cookie), UserID: userID, CSRF: sess.CSRF,
		CreatedAt: now, ExpiresAt: sess.ExpiresAt})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// CloseSession ends the session with this cookie value (no error if it is already gone).
func (s *Service) CloseSession(ctx context.Context, cookie string) error {
	return s.st.deleteSession(ctx, hashSecret(cookie))
}

// principal builds the request's principal: one membership read by id per organisation the person is in
// tells which of them the person is staff of.
func (s *Service) principal(ctx context.Context, u *userDoc) (*auth.Principal, error) {
	p := &auth.Principal{UserID: u.ID, Name: u.Name, Email: u.Email, Language: u.Language,
		PlatformAdmin: u.PlatformAdmin, OrgIDs: u.OrgIDs}
	if s.memberships == nil || len(u.OrgIDs) == 0 {
		return p, nil
	}
	ms, err := s.memberships.MembershipsOf(ctx, u.ID, u.OrgIDs)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Role == "admin" || m.Role == "professional" {
			p.StaffOrgIDs = append(p.StaffOrgIDs, m.OrganisationID)
		}
	}
	return p, nil
}

// PrincipalOf builds a user's principal as their own requests carry it (organisations, staff roles), for
// code that acts for a person outside a request: the demo data of `teixit seed`. store.ErrNotFound (wrapped)
// when there is no such user.
func (s *Service) PrincipalOf(ctx context.Context, userID string) (*auth.Principal, error) {
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.principal(ctx, u)
}

// SessionPrincipal implements auth.Resolver.
func (s *Service) SessionPrincipal(ctx context.Context, cookie string) (*auth.Principal, error) {
	if len(cookie) > 100 {
		return nil, auth.ErrUnknownCredential
	}
	p, _, err := s.sessionPrincipal(ctx, hashSecret(cookie))
	return p, err
}

// sessionPrincipal reads a session (by hashed id), its person and their memberships from the store, and
// tells when the session expires.
func (s *Service) sessionPrincipal(ctx context.Context, hash string) (*auth.Principal, time.Time, error) {
	d, err := s.st.session(ctx, hash, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, time.Time{}, auth.ErrUnknownCredential
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	u, err := s.st.user(ctx, d.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, time.Time{}, auth.ErrUnknownCredential
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, time.Time{}, err
	}
	p.SessionID, p.CSRF = d.ID, d.CSRF
	return p, d.ExpiresAt, nil
}

// TokenPrincipal implements auth.Resolver.
func (s *Service) TokenPrincipal(ctx context.Context, token string) (*auth.Principal, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, auth.ErrUnknownCredential
	}
	hash := hashSecret(token)
	d, err := s.st.token(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, auth.ErrUnknownCredential
	}
	if err != nil {
		return nil, err
	}
	if d.ExpiresAt != nil && !s.now().Before(*d.ExpiresAt) {
		return nil, auth.ErrUnknownCredential
	}
	u, err := s.st.user(ctx, d.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, auth.ErrUnknownCredential
	}
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if d.LastUsedAt == nil || now.Sub(*d.LastUsedAt) > time.Minute { // bound the writes a busy integration causes
		if err := s.st.touchToken(ctx, hash, now); err != nil {
			return nil, err
		}
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, err
	}
	p.ViaToken = true
	p.Scopes = d.scopes()
	return p, nil
}

// Get returns the API view of an account, or a NotFound error.
func (s *Service) Get(ctx context.Context, id string) (*User, error) {
	u, err := s.st.user(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFoundf("The account")
	}
	if err != nil {
		return nil, err
	}
	api := u.api()
	return &api, nil
}

// UpdateInput changes a person's own profile; nil fields are left alone.
type UpdateInput struct {
	Name     *string `json:"name"`
	Language *string `json:"language"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (UpdateInput) Enums() map[string][]string {
	return map[string][]string{"language": Languages}
}

// Update changes the caller's name or language.
func (s *Service) Update(ctx context.Context, userID string, in UpdateInput) (*User, error) {
	fields, set := apperr.Fields{}, bson.M{}
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		if why := validName(n); why.Code != "" {
			fields["name"] = why
		}
		set["name"] = n
	}
	if in.Language != nil {
		if !validLanguage(*in.Language) {
			fields["language"] = apperr.OneOf(Languages...)
		}
		set["language"] = *in.Language
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	if len(set) > 0 {
		if err := s.st.setUserFields(ctx, userID, set); err != nil {
			return nil, err
		}
	}
	return s.Get(ctx, userID)
}

// GrantAdmin makes the account with this email a platform admin.
func (s *Service) GrantAdmin(ctx context.Context, email string) (*User, error) {
	id, err := s.st.userIDByEmail(ctx, NormaliseEmail(email))
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.New(apperr.NotFound, "user_not_found", "There is no account with the email "+email+".")
	}
	if err != nil {
		return nil, err
	}
	if err := s.st.setUserFields(ctx, id, bson.M{"platformAdmin": true}); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// UserIDByEmail returns the account id for an email, or a NotFound "user_not_found" error.
func (s *Service) UserIDByEmail(ctx context.Context, email string) (string, error) {
	id, err := s.st.userIDByEmail(ctx, NormaliseEmail(email))
	if errors.Is(err, store.ErrNotFound) {
		return "", apperr.New(apperr.NotFound, "user_not_found",
			"There is no account with this email. Ask the person to register first.")
	}
	return id, err
}
