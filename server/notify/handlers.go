package notify

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Handlers are the HTTP endpoints of follows and notifications (all for the signed-in person).
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Follows: GET /follows.
func (h *Handlers) Follows(c *fiber.Ctx) error {
	fs, err := h.svc.Follows(c.UserContext(), auth.From(c).UserID)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.List[Follow]{Items: fs})
}

// Follow: POST /follows {kind, target}.
func (h *Handlers) Follow(c *fiber.Ctx) error {
	var in FollowInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	f, err := h.svc.Follow(c.UserContext(), auth.From(c), in)
	if err != nil {
		return err
	}
	return httpx.Created(c, f)
}

// Unfollow: DELETE /follows?kind=&target=.
func (h *Handlers) Unfollow(c *fiber.Ctx) error {
	if err := h.svc.Unfollow(c.UserContext(), auth.From(c), c.Query("kind"), c.Query("target")); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// List: GET /notifications?cursor=&limit= (unread first, then newest).
func (h *Handlers) List(c *fiber.Ctx) error {
	limit, _ := strconv.Atoi(c.Query("limit"))
	p, err := h.svc.List(c.UserContext(), auth.From(c).UserID, c.Query("cursor"), limit)
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}

// Read: POST /notifications/:id/read.
func (h *Handlers) Read(c *fiber.Ctx) error {
	if err := h.svc.MarkRead(c.UserContext(), auth.From(c).UserID, c.Params("id")); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// ReadAll: POST /notifications/read-all.
func (h *Handlers) ReadAll(c *fiber.Ctx) error {
	if err := h.svc.MarkRead(c.UserContext(), auth.From(c).UserID, ""); err != nil {
		return err
	}
	return httpx.NoContent(c)
}
