package practice

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/paging"
)

// Handlers are the HTTP endpoints of practices and transfers.
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// List: GET /practices?theme=&territory=&org=&lang=&status=&sort=newest|transferred|rated&cursor=&limit=.
func (h *Handlers) List(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.List(c.UserContext(), auth.From(c), ListInput{Theme: c.Query("theme"), Territory: c.Query("territory"),
		Org: c.Query("org"), Lang: c.Query("lang"), Status: c.Query("status"), Sort: c.Query("sort"), Cursor: c.Query("cursor"), Limit: limit})
	return httpx.Page(c, items, next, err)
}

// Create: POST /practices.
func (h *Handlers) Create(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.Create)
}

// Get: GET /practices/:id?lang=.
func (h *Handlers) Get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), auth.From(c), c.Params("id"), c.Query("lang"))
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

// Update: PATCH /practices/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Update)
}

// Publish: POST /practices/:id/publish.
func (h *Handlers) Publish(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Publish)
}

// Archive: POST /practices/:id/archive.
func (h *Handlers) Archive(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Archive)
}

// PutTranslation: PUT /practices/:id/translations/:lang.
func (h *Handlers) PutTranslation(c *fiber.Ctx) error {
	var in TranslationInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	v, err := h.svc.PutTranslation(c.UserContext(), auth.From(c), c.Params("id"), c.Params("lang"), in)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

// Versions: GET /practices/:id/versions.
func (h *Handlers) Versions(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Versions)
}

// Diff: GET /practices/:id/versions/:n/diff.
func (h *Handlers) Diff(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return apperr.NotFoundf("The version")
	}
	d, err := h.svc.Diff(c.UserContext(), auth.From(c), c.Params("id"), n)
	if err != nil {
		return err
	}
	return httpx.OK(c, d)
}

// Related: GET /practices/:id/related.
func (h *Handlers) Related(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, err := h.svc.Related(c.UserContext(), auth.From(c), c.Params("id"), limit)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.List[Practice]{Items: items})
}

// Transfers: GET /practices/:id/transfers.
func (h *Handlers) Transfers(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.ListTransfers)
}

// CreateTransfer: POST /practices/:id/transfers.
func (h *Handlers) CreateTransfer(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.CreateTransfer)
}

// GetTransfer: GET /transfers/:id.
func (h *Handlers) GetTransfer(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.GetTransfer)
}

// PatchTransfer: PATCH /transfers/:id.
func (h *Handlers) PatchTransfer(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.PatchTransfer)
}

// Updates: GET /transfers/:id/updates.
func (h *Handlers) Updates(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Updates)
}

// AddUpdate: POST /transfers/:id/updates.
func (h *Handlers) AddUpdate(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.AddUpdate)
}
