package comment

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/paging"
)

// Handlers are the HTTP endpoints of comments. The target kind is fixed per route (ListFor, CreateFor) and
// the target id is the route's :id.
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// ListFor: GET /<targets>/:id/comments?cursor=&limit=&parentCommentId=&status=hidden|reported.
func (h *Handlers) ListFor(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, err := paging.Limit(c.Query("limit"))
		if err != nil {
			return err
		}
		items, next, err := h.svc.List(c.UserContext(), auth.From(c), kind, c.Params("id"), ListQuery{
			ParentID: c.Query("parentCommentId"), Status: c.Query("status"), Cursor: c.Query("cursor"), Limit: limit})
		return httpx.Page(c, items, next, err)
	}
}

// CreateFor: POST /<targets>/:id/comments.
func (h *Handlers) CreateFor(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in Input
		if err := httpx.Decode(c, &in); err != nil {
			return err
		}
		cm, err := h.svc.Create(c.UserContext(), auth.From(c), kind, c.Params("id"), in)
		if err != nil {
			return err
		}
		return httpx.Created(c, cm)
	}
}

// Edit: PATCH /comments/:id.
func (h *Handlers) Edit(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Edit)
}

// Report: POST /comments/:id/report.
func (h *Handlers) Report(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Report)
}

// Moderate: POST /comments/:id/moderation.
func (h *Handlers) Moderate(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Moderate)
}
