package evaluation

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/followup"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/opendata"
	"github.com/teixit/teixit/server/paging"
)

// Handlers are the HTTP endpoints of evaluations: parse, call the service, respond.
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// decoded runs a handler body with a decoded JSON request.
func decoded[In any, Out any](c *fiber.Ctx, status int, call func(in In) (Out, error)) error {
	var in In
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	out, err := call(in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

// List: GET /evaluations?org=&cursor=&limit=.
func (h *Handlers) List(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.List(c.UserContext(), auth.From(c), ListInput{Org: c.Query("org"), Subject: c.Query("subject"), Cursor: c.Query("cursor"), Limit: limit})
	return httpx.Page(c, items, next, err)
}

// Create: POST /evaluations.
func (h *Handlers) Create(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.Create)
}

// Get: GET /evaluations/:id.
func (h *Handlers) Get(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Get)
}

// Update: PATCH /evaluations/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Update)
}

// NewEdition: POST /evaluations/:id/editions.
func (h *Handlers) NewEdition(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.NewEdition)
}

// GetEdition: GET /evaluation-editions/:id.
func (h *Handlers) GetEdition(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.GetEdition)
}

// UpdateEdition: PATCH /evaluation-editions/:id.
func (h *Handlers) UpdateEdition(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.UpdateEdition)
}

// InviteMembers: POST /evaluation-editions/:id/participants/members.
func (h *Handlers) InviteMembers(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.InviteMembers)
}

// Join: POST /evaluation-editions/:id/participants/me.
func (h *Handlers) Join(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.Join)
}

// Participants: GET /evaluation-editions/:id/participants.
func (h *Handlers) Participants(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Participants)
}

// Place: PATCH /evaluation-editions/:id/participants/:userId.
func (h *Handlers) Place(c *fiber.Ctx) error {
	return decoded(c, 200, func(in PlaceInput) (*Person, error) {
		return h.svc.Place(c.UserContext(), auth.From(c), c.Params("id"), c.Params("userId"), in)
	})
}

// FormGroups: POST /evaluation-editions/:id/groups/formation.
func (h *Handlers) FormGroups(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.FormGroups)
}

// Groups: GET /evaluation-editions/:id/groups.
func (h *Handlers) Groups(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Groups)
}

// CreateGroup: POST /evaluation-editions/:id/groups.
func (h *Handlers) CreateGroup(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.CreateGroup)
}

// GetGroup: GET /evaluation-groups/:id.
func (h *Handlers) GetGroup(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.GetGroup)
}

// UpdateGroup: PATCH /evaluation-groups/:id.
func (h *Handlers) UpdateGroup(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.UpdateGroup)
}

// AddItem: POST /evaluation-groups/:id/items.
func (h *Handlers) AddItem(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.AddItem)
}

// DeleteItem: DELETE /evaluation-items/:id.
func (h *Handlers) DeleteItem(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.DeleteItem)
}

// Items: GET /evaluation-editions/:id/items?group=&area=&kind=&merged=&cursor=&limit=.
func (h *Handlers) Items(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.Items(c.UserContext(), auth.From(c), c.Params("id"), ItemList{Group: c.Query("group"),
		Area: c.Query("area"), Kind: c.Query("kind"), Merged: c.Query("merged"), Cursor: c.Query("cursor"), Limit: limit})
	return httpx.Page(c, items, next, err)
}

// Merge: POST /evaluation-editions/:id/points.
func (h *Handlers) Merge(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.Merge)
}

// AddToPoint: POST /evaluation-points/:id/items.
func (h *Handlers) AddToPoint(c *fiber.Ctx) error {
	return decoded(c, 200, func(in PointInput) (*Point, error) {
		return h.svc.AddToPoint(c.UserContext(), auth.From(c), c.Params("id"), in.ItemIDs)
	})
}

// Unmerge: DELETE /evaluation-points/:id.
func (h *Handlers) Unmerge(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.Unmerge)
}

// Similar: GET /evaluation-items/:id/similar.
func (h *Handlers) Similar(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Similar)
}

// Synthesis: GET /evaluation-editions/:id/synthesis.
func (h *Handlers) Synthesis(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Synthesis)
}

// Vote: POST /evaluation-editions/:id/ballot.
func (h *Handlers) Vote(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.Vote)
}

// CreateMeasure: POST /evaluation-editions/:id/measures.
func (h *Handlers) CreateMeasure(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.CreateMeasure)
}

// GetMeasure: GET /evaluation-measures/:id.
func (h *Handlers) GetMeasure(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.GetMeasure)
}

// UpdateMeasure: PATCH /evaluation-measures/:id.
func (h *Handlers) UpdateMeasure(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.UpdateMeasure)
}

// AddMeasurement: POST /evaluation-measures/:id/indicators/:indicatorId/measurements.
func (h *Handlers) AddMeasurement(c *fiber.Ctx) error {
	return decoded(c, 201, func(in followup.MeasurementInput) (*Measure, error) {
		return h.svc.AddMeasurement(c.UserContext(), auth.From(c), c.Params("id"), c.Params("indicatorId"), in)
	})
}

// Dashboard: GET /evaluation-editions/:id/dashboard.
func (h *Handlers) Dashboard(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Dashboard)
}

// Reviews: GET /evaluation-editions/:id/reviews.
func (h *Handlers) Reviews(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.Reviews)
}

// Review: PUT /evaluation-editions/:id/reviews/:measureId.
func (h *Handlers) Review(c *fiber.Ctx) error {
	return decoded(c, 200, func(in ReviewInput) (*Reviewed, error) {
		return h.svc.Review(c.UserContext(), auth.From(c), c.Params("id"), c.Params("measureId"), in)
	})
}

// Compare: GET /evaluation-editions/:id/comparison.
func (h *Handlers) Compare(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Compare)
}

// PublishReport: POST /evaluation-editions/:id/report.
func (h *Handlers) PublishReport(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.PublishReport)
}

// Report: GET /evaluation-editions/:id/report.
func (h *Handlers) Report(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Report)
}

// ExportJSON: GET /evaluation-editions/:id/export.json.
func (h *Handlers) ExportJSON(c *fiber.Ctx) error {
	out, err := h.svc.Report(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	return opendata.SendJSON(c, "evaluation-"+out.Edition.ID+".json", out)
}

// ExportCSV: GET /evaluation-editions/:id/export.csv.
func (h *Handlers) ExportCSV(c *fiber.Ctx) error {
	out, err := h.svc.Report(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	return opendata.Send(c, "evaluation-"+out.Edition.ID+".csv", opendata.TypeCSV, out.CSV())
}
