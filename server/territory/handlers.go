package territory

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Handlers are the HTTP endpoints of territories.
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// List: GET /territories?parent=&level=.
func (h *Handlers) List(c *fiber.Ctx) error {
	ts, err := h.svc.List(c.UserContext(), c.Query("parent"), c.Query("level"))
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.List[Territory]{Items: ts})
}

// Get: GET /territories/:id.
func (h *Handlers) Get(c *fiber.Ctx) error {
	t, err := h.svc.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, t)
}

// Surroundings: GET /territories/:id/surroundings.
func (h *Handlers) Surroundings(c *fiber.Ctx) error {
	s, err := h.svc.Surroundings(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, s)
}

// Create: POST /territories.
func (h *Handlers) Create(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.Create)
}

// Update: PATCH /territories/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Update)
}
