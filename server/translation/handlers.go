package translation

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Handlers are the translation endpoints (parse → call → respond).
type Handlers struct{ s *Service }

// NewHandlers serves s.
func NewHandlers(s *Service) *Handlers { return &Handlers{s: s} }

// Get: GET /translations/:kind/:id/:lang — the translation and its state; never waits for the engine.
func (h *Handlers) Get(c *fiber.Ctx) error {
	v, err := h.s.Get(c.UserContext(), auth.From(c), c.Params("kind"), c.Params("id"), c.Params("lang"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return httpx.OK(c, v)
}

// Ready: GET /translations/:kind?lang=&ids=a,b,c — the ready translations of a list's records.
func (h *Handlers) Ready(c *fiber.Ctx) error {
	var ids []string
	if q := c.Query("ids"); q != "" {
		ids = strings.Split(q, ",")
	}
	items, err := h.s.Ready(c.UserContext(), auth.From(c), c.Params("kind"), ids, c.Query("lang"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return httpx.OK(c, httpx.List[Shown]{Items: items})
}

// Ask: POST /translations/:kind/:id/:lang — queue it for a reader who waits (202 while queued).
func (h *Handlers) Ask(c *fiber.Ctx) error {
	v, err := h.s.Ask(c.UserContext(), auth.From(c), c.Params("kind"), c.Params("id"), c.Params("lang"))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if v.State != "ready" || v.Working {
		status = fiber.StatusAccepted
	}
	return c.Status(status).JSON(v)
}

// Correct: PUT /translations/:kind/:id/:lang — a correction by someone who may edit the original.
func (h *Handlers) Correct(c *fiber.Ctx) error {
	var in CorrectionInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	v, err := h.s.Correct(c.UserContext(), auth.From(c), c.Params("kind"), c.Params("id"), c.Params("lang"), in)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}
