package account

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/audit"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Handlers are the HTTP endpoints of accounts, sessions and tokens.
type Handlers struct {
	svc          *Service
	limits       *auth.Limits
	loginIP      auth.Limit
	loginEmail   auth.Limit
	register     auth.Limit
	resetIP      auth.Limit
	resetEmail   auth.Limit
	resetUse     auth.Limit
	secureCookie bool
	audit        *audit.Log
}

// MembershipLister gives the session endpoint a person's memberships (the organisation package).
type MembershipLister interface {
	MembershipsOf(ctx context.Context, userID string, orgIDs []string) ([]MembershipRef, error)
}

// MembershipRef is one of a person's memberships, as the session endpoint shows it.
type MembershipRef struct {
	OrganisationID string `json:"organisationId"`
	Role           string `json:"role"`
}

// HandlerOptions configure login protection and cookies.
type HandlerOptions struct {
	// Limits keeps the rate limits in the shared store (required).
	Limits *auth.Limits
	// LoginLimit is the number of failed logins allowed per email in LoginWindow; each client address gets
	// three times as many. Successful logins do not count.
	LoginLimit  int
	LoginWindow time.Duration
	// RegisterLimit is the number of accounts one client address may try to create per hour.
	RegisterLimit int
	// SecureCookie marks the session cookie Secure (behind TLS).
	SecureCookie bool
	// Audit records the sensitive actions on accounts (nil: not recorded).
	Audit *audit.Log
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, o HandlerOptions) *Handlers {
	if o.LoginLimit == 0 {
		o.LoginLimit = 10
	}
	if o.LoginWindow == 0 {
		o.LoginWindow = 15 * time.Minute
	}
	if o.RegisterLimit == 0 {
		o.RegisterLimit = 20
	}
	tooMany := "Too many failed login attempts. Wait a few minutes and try again, or reset your password."
	return &Handlers{svc: svc, secureCookie: o.SecureCookie, limits: o.Limits, audit: o.Audit,
		loginIP:    auth.Limit{Name: "login-ip", Max: o.LoginLimit * 3, Window: o.LoginWindow, Message: tooMany},
		loginEmail: auth.Limit{Name: "login-email", Max: o.LoginLimit, Window: o.LoginWindow, Message: tooMany},
		register: auth.Limit{Name: "register-ip", Max: o.RegisterLimit, Window: time.Hour,
			Message: "Too many accounts were created from this connection. Try again later."},
		resetIP: auth.Limit{Name: "reset-ip", Max: 10, Window: time.Hour,
			Message: "Too many reset requests from this connection. Try again later."},
		resetEmail: auth.Limit{Name: "reset-email", Max: 3, Window: time.Hour,
			Message: "A reset link was sent several times already. Check your mailbox (and the spam folder), or try again later."},
		resetUse: auth.Limit{Name: "reset-use-ip", Max: 20, Window: time.Hour,
			Message: "Too many wrong reset links from this connection. Try again later."}}
}

type sessionResponse struct {
	User        *User           `json:"user"`
	CSRFToken   string          `json:"csrfToken"`
	Memberships []MembershipRef `json:"memberships"`
}

func (h *Handlers) sessionBody(c *fiber.Ctx, u *User, csrf string) (sessionResponse, error) {
	resp := sessionResponse{User: u, CSRFToken: csrf, Memberships: []MembershipRef{}}
	if u != nil && h.svc.memberships != nil {
		doc, err := h.svc.st.user(c.UserContext(), u.ID)
		if err != nil {
			return resp, err
		}
		ms, err := h.svc.memberships.MembershipsOf(c.UserContext(), u.ID, doc.OrgIDs)
		if err != nil {
			return resp, err
		}
		resp.Memberships = ms
	}
	return resp, nil
}

func (h *Handlers) startSession(c *fiber.Ctx, u *User) error {
	if old := c.Cookies(auth.SessionCookie); old != "" {
		_ = h.svc.CloseSession(c.UserContext(), old) // rotate: a fixed session id must not survive login
	}
	sess, err := h.svc.OpenSession(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: auth.SessionCookie, Value: sess.Cookie, Path: "/", Expires: sess.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: h.secureCookie || c.Protocol() == "https"})
	body, err := h.sessionBody(c, u, sess.CSRF)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusOK).JSON(body)
}

// Register: POST /auth/register — creates the account and signs the person in.
func (h *Handlers) Register(c *fiber.Ctx) error {
	var in RegisterInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	// Every attempt counts (a taken email answered to a stranger is information too).
	if _, err := h.limits.Take(c.UserContext(), h.register, httpx.IP(c)); err != nil {
		return err
	}
	u, err := h.svc.Register(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	if err := h.startSession(c, u); err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return nil
}

type loginInput struct {
	Email    string `json:"email"`
	Password string `json:"password" clean:"-"`
}

// Login: POST /auth/login — one answer for every wrong credential. Failed attempts are limited per client
// address and per email, in the shared store; a successful one gives its slots back, so a centre whose
// residents all sign in from one address is never locked out by its own successes. An account locked by
// someone else's guesses is escaped with a password reset link, which does not go through this limit.
func (h *Handlers) Login(c *fiber.Ctx) error {
	var in loginInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	email := NormaliseEmail(in.Email)
	byIP, err := h.limits.Take(ctx, h.loginIP, httpx.IP(c))
	if err != nil {
		return err
	}
	byEmail, err := h.limits.Take(ctx, h.loginEmail, email)
	if err != nil {
		_ = byIP.Undo(ctx) // a refused attempt on a locked account does not use up the address's allowance
		return err
	}
	u, err := h.svc.Authenticate(ctx, email, in.Password)
	if err != nil {
		return err
	}
	// Best effort: a slot left behind by a store hiccup only makes the limit a little stricter.
	_, _ = byIP.Undo(ctx), byEmail.Undo(ctx)
	return h.startSession(c, u)
}

// Logout: POST /auth/logout.
func (h *Handlers) Logout(c *fiber.Ctx) error {
	if cookie := c.Cookies(auth.SessionCookie); cookie != "" {
		if err := h.svc.CloseSession(c.UserContext(), cookie); err != nil {
			return err
		}
	}
	c.ClearCookie(auth.SessionCookie)
	return httpx.NoContent(c)
}

// Session: GET /auth/session — who am I (user null when anonymous).
func (h *Handlers) Session(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	p := auth.From(c)
	if p == nil {
		return httpx.OK(c, sessionResponse{Memberships: []MembershipRef{}})
	}
	u, err := h.svc.Get(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	body, err := h.sessionBody(c, u, p.CSRF)
	if err != nil {
		return err
	}
	return httpx.OK(c, body)
}

// UpdateMe: PATCH /me.
func (h *Handlers) UpdateMe(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusOK, auth.From(c).UserID, h.svc.Update)
}

// Export: GET /me/export — a downloadable JSON of everything about me.
func (h *Handlers) Export(c *fiber.Ctx) error {
	data, err := h.svc.Export(c.UserContext(), auth.From(c).UserID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="teixit-my-data.json"`)
	return httpx.OK(c, data)
}

// DeleteMe: DELETE /me (not with a token).
func (h *Handlers) DeleteMe(c *fiber.Ctx) error {
	if auth.From(c).ViaToken {
		return errNotWithToken
	}
	if err := h.svc.Delete(c.UserContext(), auth.From(c).UserID); err != nil {
		return err
	}
	if err := h.record(c, auth.From(c).UserID, "account.deleted", "user:"+auth.From(c).UserID); err != nil {
		return err
	}
	c.ClearCookie(auth.SessionCookie)
	return httpx.NoContent(c)
}

// CreateToken: POST /tokens (not with a token: a token cannot mint tokens that outlive its revocation).
func (h *Handlers) CreateToken(c *fiber.Ctx) error {
	if auth.From(c).ViaToken {
		return errNotWithToken
	}
	var in TokenInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	t, err := h.svc.CreateToken(c.UserContext(), auth.From(c).UserID, in)
	if err != nil {
		return err
	}
	if err := h.record(c, auth.From(c).UserID, "account.token_created", "token:"+t.ID); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return httpx.Created(c, t)
}

// ListTokens: GET /tokens.
func (h *Handlers) ListTokens(c *fiber.Ctx) error {
	ts, err := h.svc.Tokens(c.UserContext(), auth.From(c).UserID)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.List[Token]{Items: ts})
}

// RevokeToken: DELETE /tokens/:id.
func (h *Handlers) RevokeToken(c *fiber.Ctx) error {
	id := strings.ToLower(c.Params("id"))
	if err := h.svc.RevokeToken(c.UserContext(), auth.From(c).UserID, id); err != nil {
		return err
	}
	if err := h.record(c, auth.From(c).UserID, "account.token_revoked", "token:"+id); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// record writes an audit entry for the caller's action on their own account.
func (h *Handlers) record(c *fiber.Ctx, actor, action, target string) error {
	return h.audit.Record(c.UserContext(), audit.Entry{Actor: actor, Action: action, Target: target})
}

// errNotWithToken refuses what only the person at a browser may do (mint tokens, change the password,
// delete the account): a leaked integration token must not be able to outlive its revocation or lock the
// owner out.
var errNotWithToken = apperr.New(apperr.Forbidden, "token_not_allowed",
	"This cannot be done with an access token. Sign in with your password in the browser.")

// ChangePassword: POST /me/password — wrong current passwords count against the per-person limit.
func (h *Handlers) ChangePassword(c *fiber.Ctx) error {
	p := auth.From(c)
	if p.ViaToken {
		return errNotWithToken
	}
	var in ChangePasswordInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	attempt, err := h.limits.Take(c.UserContext(), h.loginEmail, NormaliseEmail(p.Email))
	if err != nil {
		return err
	}
	if err := h.svc.ChangePassword(c.UserContext(), p, in); err != nil {
		if err != ErrWrongPassword {
			_ = attempt.Undo(c.UserContext())
		}
		return err
	}
	_ = attempt.Undo(c.UserContext())
	if err := h.record(c, p.UserID, "account.password_changed", "user:"+p.UserID); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// Sessions: GET /me/sessions — my signed-in browsers.
func (h *Handlers) Sessions(c *fiber.Ctx) error {
	p := auth.From(c)
	ss, err := h.svc.Sessions(c.UserContext(), p.UserID, p.SessionID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return httpx.OK(c, httpx.List[SessionInfo]{Items: ss})
}

// SignOutEverywhere: DELETE /me/sessions — ends every session (this one too) and revokes every token.
func (h *Handlers) SignOutEverywhere(c *fiber.Ctx) error {
	if err := h.svc.SignOutEverywhere(c.UserContext(), auth.From(c).UserID); err != nil {
		return err
	}
	if err := h.record(c, auth.From(c).UserID, "account.signed_out_everywhere", "user:"+auth.From(c).UserID); err != nil {
		return err
	}
	c.ClearCookie(auth.SessionCookie)
	return httpx.NoContent(c)
}

// EmailInput names an account by its email (reset requests and admin-issued links).
type EmailInput struct {
	Email string `json:"email"`
}

// RequestReset: POST /auth/password-reset — emails a reset link if the address has an account; the answer
// is the same either way. Every request counts, per client address and per email.
func (h *Handlers) RequestReset(c *fiber.Ctx) error {
	var in EmailInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	if _, err := h.limits.Take(ctx, h.resetIP, httpx.IP(c)); err != nil {
		return err
	}
	if _, err := h.limits.Take(ctx, h.resetEmail, NormaliseEmail(in.Email)); err != nil {
		return err
	}
	if err := h.svc.RequestReset(ctx, in.Email); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusAccepted)
}

// CompleteReset: POST /auth/password-reset/complete — a new password with a reset link. Wrong links count
// against the client address; a successful reset lifts the account's login lockout.
func (h *Handlers) CompleteReset(c *fiber.Ctx) error {
	var in CompleteResetInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	attempt, err := h.limits.Take(ctx, h.resetUse, httpx.IP(c))
	if err != nil {
		return err
	}
	email, err := h.svc.CompleteReset(ctx, in)
	if err != nil {
		if apperr.IsKind(err, apperr.Invalid) && err != errResetInvalid && err != errResetUsed {
			_ = attempt.Undo(ctx) // a weak new password is not a guess
		}
		return err
	}
	_ = attempt.Undo(ctx)
	if err := h.limits.Forget(ctx, h.loginEmail, email); err != nil {
		return err
	}
	if id, err := h.svc.UserIDByEmail(ctx, email); err == nil {
		if err := h.record(c, id, "account.password_reset", "user:"+id); err != nil {
			return err
		}
	}
	c.ClearCookie(auth.SessionCookie)
	return httpx.NoContent(c)
}

// IssueResetLink: POST /admin/password-reset-links — a one-time link for a person without mail (platform
// admins, not with a token). The link is shown once; hand it over in person.
func (h *Handlers) IssueResetLink(c *fiber.Ctx) error {
	p := auth.From(c)
	if p.ViaToken {
		return errNotWithToken
	}
	var in EmailInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	r, err := h.svc.IssueResetLink(c.UserContext(), p.UserID, in.Email)
	if err != nil {
		return err
	}
	if id, err := h.svc.UserIDByEmail(c.UserContext(), in.Email); err == nil {
		if err := h.record(c, p.UserID, "account.reset_link_issued", "user:"+id); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return httpx.Created(c, r)
}
