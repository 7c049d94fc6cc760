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
	// Audit records membership changes (nil: not recorded).
	Audit *audit.Log
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

func (h *Handlers) record(c *fiber.Ctx, action, orgID, target, detail string) error {
	return h.Audit.Record(c.UserContext(), audit.Entry{Actor: auth.From(c).UserID, Org: orgID, Action: action,
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
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.List[Organisation]{Items: items, NextCursor: next})
}

// Create: POST /organisations.
func (h *Handlers) Create(c *fiber.Ctx) error {
	var in Input
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	o, err := h.svc.Create(c.UserContext(), auth.From(c), in)
	if err != nil {
		return err
	}
	return httpx.Created(c, o)
}

// Get: GET /organisations/:id.
func (h *Handlers) Get(c *fiber.Ctx) error {
	o, err := h.svc.Get(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, o)
}

// Update: PATCH /organisations/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	var in Input
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	o, err := h.svc.Update(c.UserContext(), auth.From(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return httpx.OK(c, o)
}

// Members: GET /organisations/:id/members.
func (h *Handlers) Members(c *fiber.Ctx) error {
	ms, err := h.svc.Members(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.List[Member]{Items: ms})
}

// AddMember: POST /organisations/:id/members.
func (h *Handlers) AddMember(c *fiber.Ctx) error {
	var in MemberInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	m, err := h.svc.AddMember(c.UserContext(), auth.From(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	if err := h.record(c, "organisation.member_added", c.Params("id"), "user:"+m.UserID, string(m.Role)); err != nil {
		return err
	}
	return httpx.Created(c, m)
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
