// Package auth turns a request's cookie or bearer token into a Principal, enforces CSRF on cookie-authenticated
// writes, and provides the access rules the route table names (Public, User, PlatformAdmin) plus the login
// rate limiter. Who may do what to a particular record is decided by each domain's service.
package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "teixit_session"

// CSRFHeader carries the session's CSRF token on state-changing requests.
const CSRFHeader = "X-CSRF-Token"

// Principal is who is making a request.
type Principal struct {
	UserID        string
	Name          string
	Email         string
	Language      string
	PlatformAdmin bool
	// OrgIDs are the organisations the person is a member of (for access filters such as search).
	OrgIDs []string
	// StaffOrgIDs are those of OrgIDs where the person is an admin or professional ("staff of
	// organisation"): they see what is pending or hidden there.
	StaffOrgIDs []string
	// ViaToken is true for bearer-token requests (integrations); false for browser sessions.
	ViaToken bool
	// Scopes are a token's rights (ScopeRead, ScopeWrite); empty for browser sessions, which may do
	// everything the person may.
	Scopes []string
	// SessionID identifies the browser session (hashed cookie value); empty for tokens.
	SessionID string
	// CSRF is the session's CSRF token; empty for tokens.
	CSRF string
}

// Token scopes: read allows GET and HEAD requests, write every other method. A request beyond its token's
// scopes is refused before any handler runs.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// errScope answers a request its token's scopes do not cover.
var errScope = apperr.New(apperr.Forbidden, "token_scope",
	"This access token may not do this. Create a token with the write scope for changes.")

// allows reports whether a token with these scopes may make a request with this method.
func allows(scopes []string, method string) bool {
	need := ScopeWrite
	if !unsafeMethod(method) {
		need = ScopeRead
	}
	for _, s := range scopes {
		if s == need || (need == ScopeRead && s == ScopeWrite) {
			return true
		}
	}
	return false
}

// ErrUnknownCredential is returned by a Resolver when a session or token does not exist or has expired.
var ErrUnknownCredential = errors.New("auth: unknown or expired credential")

// Resolver looks up credentials. The account package implements it.
type Resolver interface {
	// SessionPrincipal returns the principal for a session cookie value, or ErrUnknownCredential.
	SessionPrincipal(ctx context.Context, cookie string) (*Principal, error)
	// TokenPrincipal returns the principal for a bearer token, or ErrUnknownCredential.
	TokenPrincipal(ctx context.Context, token string) (*Principal, error)
}

// SessionCache is a Resolver that may answer reads (GET, HEAD, OPTIONS) from memory: the account package
// keeps each node's recent sessions and forgets them on every node when they end or the person's rights
// change. Writes always go to SessionPrincipal, which reads the store.
type SessionCache interface {
	CachedSessionPrincipal(ctx context.Context, cookie string) (*Principal, error)
}

type ctxKey struct{}

// Middleware resolves the request's credential (bearer token first, then the session cookie) and stores the
// Principal for the handlers. A cookie-authenticated POST/PUT/PATCH/DELETE without the matching CSRF header
// is refused with 403. An invalid bearer token is refused with 401 (an integration must know at once); an
// expired cookie is treated as anonymous.
func Middleware(res Resolver) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		if h := c.Get(fiber.HeaderAuthorization); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || strings.TrimSpace(tok) == "" {
				return apperr.New(apperr.Unauthenticated, "invalid_token", "Use the header 'Authorization: Bearer <token>'.")
			}
			p, err := res.TokenPrincipal(ctx, strings.TrimSpace(tok))
			if errors.Is(err, ErrUnknownCredential) {
				return apperr.New(apperr.Unauthenticated, "invalid_token", "This access token is not valid; it may have been revoked.")
			}
			if err != nil {
				return err
			}
			if !allows(p.Scopes, c.Method()) {
				return errScope
			}
			c.Locals(ctxKey{}, p)
			c.SetUserContext(context.WithValue(ctx, ctxKey{}, p))
			return c.Next()
		}
		if cookie := c.Cookies(SessionCookie); cookie != "" {
			resolve := res.SessionPrincipal
			if cache, ok := res.(SessionCache); ok && !unsafeMethod(c.Method()) {
				resolve = cache.CachedSessionPrincipal
			}
			p, err := resolve(ctx, cookie)
			switch {
			case errors.Is(err, ErrUnknownCredential):
				// anonymous
			case err != nil:
				return err
			default:
				if unsafeMethod(c.Method()) && !sameToken(c.Get(CSRFHeader), p.CSRF) {
					return apperr.New(apperr.Forbidden, "csrf",
						"This request is missing its security token. Reload the page and try again.")
				}
				c.Locals(ctxKey{}, p)
				c.SetUserContext(context.WithValue(ctx, ctxKey{}, p))
			}
		}
		return c.Next()
	}
}

func unsafeMethod(m string) bool {
	return m != fiber.MethodGet && m != fiber.MethodHead && m != fiber.MethodOptions
}

func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Reader is what p may read, in the one visibility vocabulary the index and every Go re-check share
// (search.Reader.Grants); a nil principal is an anonymous reader.
func (p *Principal) Reader() search.Reader {
	if p == nil {
		return search.Reader{}
	}
	return search.Reader{UserID: p.UserID, Orgs: p.OrgIDs, Staff: p.StaffOrgIDs, Admin: p.PlatformAdmin}
}

// From returns the request's Principal, or nil for an anonymous request.
func From(c *fiber.Ctx) *Principal {
	p, _ := c.Locals(ctxKey{}).(*Principal)
	return p
}

// FromContext returns the Principal stored in a request's context, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Public is the access rule for routes anyone may call.
func Public(c *fiber.Ctx) error { return c.Next() }

// User is the access rule for routes that need a signed-in person (session or token).
func User(c *fiber.Ctx) error {
	if From(c) == nil {
		return apperr.LoginRequired()
	}
	return c.Next()
}

// PlatformAdmin is the access rule for platform administration routes.
func PlatformAdmin(c *fiber.Ctx) error {
	p := From(c)
	if p == nil {
		return apperr.LoginRequired()
	}
	if !p.PlatformAdmin {
		return apperr.Forbid("Only platform administrators can do this.")
	}
	return c.Next()
}
