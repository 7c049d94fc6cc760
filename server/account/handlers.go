package account

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Handlers are the HTTP endpoints of accounts, sessions and tokens.
type Handlers struct {
	svc          *Service
	ipLimit      *auth.Limiter
	emailLimit   *auth.Limiter
	secureCookie bool
	memberships  MembershipLister
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
	// LoginLimit is the number of login attempts allowed per IP and per email in LoginWindow.
	LoginLimit  int
	LoginWindow time.Duration
	// SecureCookie marks the session cookie Secure (behind TLS).
	SecureCookie bool
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, o HandlerOptions) *Handlers {
	if o.LoginLimit == 0 {
		o.LoginLimit = 10
	}
	if o.LoginWindow == 0 {
		o.LoginWindow = 15 * time.Minute
	}
	return &Handlers{svc: svc, secureCookie: o.SecureCookie,
		ipLimit:    auth.NewLimiter(o.LoginLimit*3, o.LoginWindow),
		emailLimit: auth.NewLimiter(o.LoginLimit, o.LoginWindow)}
}

// SetMemberships wires the organisation domain into the session endpoint.
func (h *Handlers) SetMemberships(m MembershipLister) { h.memberships = m }

type sessionResponse struct {
	User        *User           `json:"user"`
	CSRFToken   string          `json:"csrfToken"`
	Memberships []MembershipRef `json:"memberships"`
}

func (h *Handlers) sessionBody(c *fiber.Ctx, u *User, csrf string) (sessionResponse, error) {
	resp := sessionResponse{User: u, CSRFToken: csrf, Memberships: []MembershipRef{}}
	if u != nil && h.memberships != nil {
		doc, err := h.svc.st.user(c.UserContext(), u.ID)
		if err != nil {
			return resp, err
		}
		ms, err := h.memberships.MembershipsOf(c.UserContext(), u.ID, doc.OrgIDs)
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
	Password string `json:"password"`
}

// Login: POST /auth/login — rate limited per IP and per email; one answer for every wrong credential.
func (h *Handlers) Login(c *fiber.Ctx) error {
	var in loginInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	email := NormaliseEmail(in.Email)
	for _, chk := range []struct {
		l   *auth.Limiter
		key string
	}{{h.ipLimit, c.IP()}, {h.emailLimit, email}} {
		if ok, wait := chk.l.Allow(chk.key); !ok {
			return &apperr.Error{Kind: apperr.RateLimited, Code: "rate_limited", RetryAfter: wait,
				Message: "Too many login attempts. Wait a few minutes and try again."}
		}
	}
	u, err := h.svc.Authenticate(c.UserContext(), email, in.Password)
	if err != nil {
		return err
	}
	h.emailLimit.Reset(email)
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
	var in UpdateInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	u, err := h.svc.Update(c.UserContext(), auth.From(c).UserID, in)
	if err != nil {
		return err
	}
	return httpx.OK(c, u)
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

// DeleteMe: DELETE /me.
func (h *Handlers) DeleteMe(c *fiber.Ctx) error {
	if err := h.svc.Delete(c.UserContext(), auth.From(c).UserID); err != nil {
		return err
	}
	c.ClearCookie(auth.SessionCookie)
	return httpx.NoContent(c)
}

type tokenInput struct {
	Name string `json:"name"`
}

// CreateToken: POST /tokens.
func (h *Handlers) CreateToken(c *fiber.Ctx) error {
	var in tokenInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	t, err := h.svc.CreateToken(c.UserContext(), auth.From(c).UserID, in.Name)
	if err != nil {
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
	if err := h.svc.RevokeToken(c.UserContext(), auth.From(c).UserID, strings.ToLower(c.Params("id"))); err != nil {
		return err
	}
	return httpx.NoContent(c)
}
