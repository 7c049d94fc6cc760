package exchange

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
)

// Handlers are the HTTP endpoints of exchange days.
type Handlers struct {
	svc     *Service
	baseURL string
}

// NewHandlers builds the handlers; baseURL (may be empty) makes calendar links absolute.
func NewHandlers(svc *Service, baseURL string) *Handlers {
	return &Handlers{svc: svc, baseURL: baseURL}
}

func (h *Handlers) base(c *fiber.Ctx) string {
	if h.baseURL != "" {
		return h.baseURL
	}
	return c.BaseURL()
}

// List: GET /exchange-days?org=&upcoming=true&cursor=&limit=.
func (h *Handlers) List(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	p := auth.From(c)
	days, next, err := h.svc.List(c.UserContext(), p, readmodel.ReaderFor(p),
		ListInput{Org: c.Query("org"), Upcoming: c.QueryBool("upcoming"), Cursor: c.Query("cursor"), Limit: limit})
	return httpx.Page(c, days, next, err)
}

// Create: POST /exchange-days.
func (h *Handlers) Create(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.Create)
}

// Get: GET /exchange-days/:id.
func (h *Handlers) Get(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Get)
}

// Update: PATCH /exchange-days/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Update)
}

// Cancel: POST /exchange-days/:id/cancel.
func (h *Handlers) Cancel(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Cancel)
}

// Register: POST /exchange-days/:id/registration (body optional: {"inviteCode"}).
func (h *Handlers) Register(c *fiber.Ctx) error {
	var in RegisterInput
	if len(c.Body()) > 0 {
		if err := httpx.Decode(c, &in); err != nil {
			return err
		}
	}
	d, err := h.svc.Register(c.UserContext(), auth.From(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return httpx.OK(c, d)
}

// Unregister: DELETE /exchange-days/:id/registration.
func (h *Handlers) Unregister(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.Unregister)
}

func sendICS(c *fiber.Ctx, body, filename string) error {
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.SendString(body)
}

// DayCalendar: GET /exchange-days/:id/calendar.ics.
func (h *Handlers) DayCalendar(c *fiber.Ctx) error {
	body, err := h.svc.DayCalendar(c.UserContext(), c.Params("id"), h.base(c))
	if err != nil {
		return err
	}
	return sendICS(c, body, "exchange-day.ics")
}

// OrgCalendar: GET /organisations/:id/calendar.ics.
func (h *Handlers) OrgCalendar(c *fiber.Ctx) error {
	body, err := h.svc.OrgCalendar(c.UserContext(), c.Params("id"), h.base(c))
	if err != nil {
		return err
	}
	return sendICS(c, body, "exchange-days.ics")
}
