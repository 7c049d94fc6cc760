package organisation

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/audit"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
)

// Handlers are the HTTP endpoints of organisations and memberships.
type Handlers struct {
	svc *Service
	o   HandlerOptions
}

// HandlerOptions are what the handlers need beyond the service.
type HandlerOptions struct {
	// Audit records membership changes (nil: not recorded).
	Audit *audit.Log
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, o HandlerOptions) *Handlers { return &Handlers{svc: svc, o: o} }

func (h *Handlers) record(c *fiber.Ctx, action, orgID, target, detail string) error {
	return h.o.Audit.Record(c.UserContext(), audit.Entry{Actor: auth.From(c).UserID, Org: orgID, Action: action,
		Target: target, Detail: detail})
}

// List: GET /organisations.
func (h *Handlers) List(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.List(c.UserContext(), readmodel.ReaderFor(auth.From(c)),
		ListInput{Cursor: c.Query("cursor"), Limit: limit, Kind: c.Query("kind"), Sort: c.Query("sort")})
	return httpx.Page(c, items, next, err)
}

// Create: POST /organisations.
func (h *Handlers) Create(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.Create)
}

// Get: GET /organisations/:id.
func (h *Handlers) Get(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Get)
}

// Update: PATCH /organisations/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Update)
}

// Members: GET /organisations/:id/members.
func (h *Handlers) Members(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Members)
}

// Invite: POST /organisations/:id/invitations.
func (h *Handlers) Invite(c *fiber.Ctx) error {
	var in InvitationInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	v, err := h.svc.Invite(c.UserContext(), auth.From(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	if err := h.record(c, "organisation.member_invited", c.Params("id"), "invitation:"+v.ID, v.Role); err != nil {
		return err
	}
	return httpx.Created(c, v)
}

// Invitations: GET /organisations/:id/invitations.
func (h *Handlers) Invitations(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Invitations)
}

// Withdraw: DELETE /organisations/:id/invitations/:invitationId.
func (h *Handlers) Withdraw(c *fiber.Ctx) error {
	inv := c.Params("invitationId")
	if err := h.svc.Withdraw(c.UserContext(), auth.From(c), c.Params("id"), inv); err != nil {
		return err
	}
	if err := h.record(c, "organisation.invitation_withdrawn", c.Params("id"), "invitation:"+inv, ""); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// MyInvitations: GET /me/invitations.
func (h *Handlers) MyInvitations(c *fiber.Ctx) error {
	items, err := h.svc.MyInvitations(c.UserContext(), auth.From(c))
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.List[Invitation]{Items: items})
}

// Accept: POST /me/invitations/:id/accept — the person joins (recorded as the organisation's member_added,
// by the person themself).
func (h *Handlers) Accept(c *fiber.Ctx) error {
	m, err := h.svc.Accept(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	orgID, _, _ := strings.Cut(c.Params("id"), ":")
	if err := h.record(c, "organisation.member_added", orgID, "user:"+m.UserID, m.Role); err != nil {
		return err
	}
	return httpx.OK(c, m)
}

// Decline: POST /me/invitations/:id/decline.
func (h *Handlers) Decline(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.Decline)
}

// SetRole: PATCH /organisations/:id/members/:userId.
func (h *Handlers) SetRole(c *fiber.Ctx) error {
	var in RoleInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	m, err := h.svc.SetRole(c.UserContext(), auth.From(c), c.Params("id"), strings.ToLower(c.Params("userId")), in)
	if err != nil {
		return err
	}
	if err := h.record(c, "organisation.role_changed", c.Params("id"), "user:"+m.UserID, string(m.Role)); err != nil {
		return err
	}
	return httpx.OK(c, m)
}

// RemoveMember: DELETE /organisations/:id/members/:userId.
func (h *Handlers) RemoveMember(c *fiber.Ctx) error {
	userID := strings.ToLower(c.Params("userId"))
	if err := h.svc.RemoveMember(c.UserContext(), auth.From(c), c.Params("id"), userID); err != nil {
		return err
	}
	if err := h.record(c, "organisation.member_removed", c.Params("id"), "user:"+userID, ""); err != nil {
		return err
	}
	return httpx.NoContent(c)
}
