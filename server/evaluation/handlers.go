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

func respond[Out any](c *fiber.Ctx, status int, out Out, err error) error {
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
	return respond(c, 200, httpx.List[Evaluation]{Items: items, NextCursor: next}, err)
}

// Create: POST /evaluations.
func (h *Handlers) Create(c *fiber.Ctx) error {
	return decoded(c, 201, func(in Input) (*Created, error) { return h.svc.Create(c.UserContext(), auth.From(c), in) })
}

// Get: GET /evaluations/:id.
func (h *Handlers) Get(c *fiber.Ctx) error {
	out, err := h.svc.Get(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// Update: PATCH /evaluations/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	return decoded(c, 200, func(in Input) (*Evaluation, error) {
		return h.svc.Update(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// NewEdition: POST /evaluations/:id/editions.
func (h *Handlers) NewEdition(c *fiber.Ctx) error {
	return decoded(c, 201, func(in EditionInput) (*Edition, error) {
		return h.svc.NewEdition(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// GetEdition: GET /evaluation-editions/:id.
func (h *Handlers) GetEdition(c *fiber.Ctx) error {
	out, err := h.svc.GetEdition(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// UpdateEdition: PATCH /evaluation-editions/:id.
func (h *Handlers) UpdateEdition(c *fiber.Ctx) error {
	return decoded(c, 200, func(in EditionInput) (*Edition, error) {
		return h.svc.UpdateEdition(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// InviteMembers: POST /evaluation-editions/:id/participants/members.
func (h *Handlers) InviteMembers(c *fiber.Ctx) error {
	out, err := h.svc.InviteMembers(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// Join: POST /evaluation-editions/:id/participants/me.
func (h *Handlers) Join(c *fiber.Ctx) error {
	return decoded(c, 201, func(in JoinInput) (*Edition, error) {
		return h.svc.Join(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// Participants: GET /evaluation-editions/:id/participants.
func (h *Handlers) Participants(c *fiber.Ctx) error {
	out, err := h.svc.Participants(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, httpx.List[Person]{Items: out}, err)
}

// Place: PATCH /evaluation-editions/:id/participants/:userId.
func (h *Handlers) Place(c *fiber.Ctx) error {
	return decoded(c, 200, func(in PlaceInput) (*Person, error) {
		return h.svc.Place(c.UserContext(), auth.From(c), c.Params("id"), c.Params("userId"), in)
	})
}

// FormGroups: POST /evaluation-editions/:id/groups/formation.
func (h *Handlers) FormGroups(c *fiber.Ctx) error {
	out, err := h.svc.FormGroups(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, httpx.List[Group]{Items: out}, err)
}

// Groups: GET /evaluation-editions/:id/groups.
func (h *Handlers) Groups(c *fiber.Ctx) error {
	out, err := h.svc.Groups(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, httpx.List[Group]{Items: out}, err)
}

// CreateGroup: POST /evaluation-editions/:id/groups.
func (h *Handlers) CreateGroup(c *fiber.Ctx) error {
	return decoded(c, 201, func(in NewGroupInput) (*Group, error) {
		return h.svc.CreateGroup(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// GetGroup: GET /evaluation-groups/:id.
func (h *Handlers) GetGroup(c *fiber.Ctx) error {
	out, err := h.svc.GetGroup(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// UpdateGroup: PATCH /evaluation-groups/:id.
func (h *Handlers) UpdateGroup(c *fiber.Ctx) error {
	return decoded(c, 200, func(in GroupInput) (*Group, error) {
		return h.svc.UpdateGroup(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// AddItem: POST /evaluation-groups/:id/items.
func (h *Handlers) AddItem(c *fiber.Ctx) error {
	return decoded(c, 201, func(in ItemInput) (*Item, error) {
		return h.svc.AddItem(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// DeleteItem: DELETE /evaluation-items/:id.
func (h *Handlers) DeleteItem(c *fiber.Ctx) error {
	if err := h.svc.DeleteItem(c.UserContext(), auth.From(c), c.Params("id")); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// Items: GET /evaluation-editions/:id/items?group=&area=&kind=&merged=&cursor=&limit=.
func (h *Handlers) Items(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.Items(c.UserContext(), auth.From(c), c.Params("id"), ItemList{Group: c.Query("group"),
		Area: c.Query("area"), Kind: c.Query("kind"), Merged: c.Query("merged"), Cursor: c.Query("cursor"), Limit: limit})
	return respond(c, 200, httpx.List[Item]{Items: items, NextCursor: next}, err)
}

// Merge: POST /evaluation-editions/:id/points.
func (h *Handlers) Merge(c *fiber.Ctx) error {
	return decoded(c, 201, func(in PointInput) (*Point, error) {
		return h.svc.Merge(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// AddToPoint: POST /evaluation-points/:id/items.
func (h *Handlers) AddToPoint(c *fiber.Ctx) error {
	return decoded(c, 200, func(in PointInput) (*Point, error) {
		return h.svc.AddToPoint(c.UserContext(), auth.From(c), c.Params("id"), in.ItemIDs)
	})
}

// Unmerge: DELETE /evaluation-points/:id.
func (h *Handlers) Unmerge(c *fiber.Ctx) error {
	if err := h.svc.Unmerge(c.UserContext(), auth.From(c), c.Params("id")); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// Similar: GET /evaluation-items/:id/similar.
func (h *Handlers) Similar(c *fiber.Ctx) error {
	out, err := h.svc.Similar(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, httpx.List[Suggestion]{Items: out}, err)
}

// Synthesis: GET /evaluation-editions/:id/synthesis.
func (h *Handlers) Synthesis(c *fiber.Ctx) error {
	out, err := h.svc.Synthesis(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// Vote: POST /evaluation-editions/:id/ballot.
func (h *Handlers) Vote(c *fiber.Ctx) error {
	return decoded(c, 201, func(in BallotInput) (*Me, error) {
		return h.svc.Vote(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// CreateMeasure: POST /evaluation-editions/:id/measures.
func (h *Handlers) CreateMeasure(c *fiber.Ctx) error {
	return decoded(c, 201, func(in MeasureInput) (*Measure, error) {
		return h.svc.CreateMeasure(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// GetMeasure: GET /evaluation-measures/:id.
func (h *Handlers) GetMeasure(c *fiber.Ctx) error {
	out, err := h.svc.GetMeasure(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// UpdateMeasure: PATCH /evaluation-measures/:id.
func (h *Handlers) UpdateMeasure(c *fiber.Ctx) error {
	return decoded(c, 200, func(in MeasureInput) (*Measure, error) {
		return h.svc.UpdateMeasure(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// AddMeasurement: POST /evaluation-measures/:id/indicators/:indicatorId/measurements.
func (h *Handlers) AddMeasurement(c *fiber.Ctx) error {
	return decoded(c, 201, func(in followup.MeasurementInput) (*Measure, error) {
		return h.svc.AddMeasurement(c.UserContext(), auth.From(c), c.Params("id"), c.Params("indicatorId"), in)
	})
}

// Dashboard: GET /evaluation-editions/:id/dashboard.
func (h *Handlers) Dashboard(c *fiber.Ctx) error {
	out, err := h.svc.Dashboard(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// Reviews: GET /evaluation-editions/:id/reviews.
func (h *Handlers) Reviews(c *fiber.Ctx) error {
	out, err := h.svc.Reviews(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, httpx.List[Reviewed]{Items: out}, err)
}

// Review: PUT /evaluation-editions/:id/reviews/:measureId.
func (h *Handlers) Review(c *fiber.Ctx) error {
	return decoded(c, 200, func(in ReviewInput) (*Reviewed, error) {
		return h.svc.Review(c.UserContext(), auth.From(c), c.Params("id"), c.Params("measureId"), in)
	})
}

// Compare: GET /evaluation-editions/:id/comparison.
func (h *Handlers) Compare(c *fiber.Ctx) error {
	out, err := h.svc.Compare(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
}

// PublishReport: POST /evaluation-editions/:id/report.
func (h *Handlers) PublishReport(c *fiber.Ctx) error {
	return decoded(c, 200, func(in ReportInput) (*Edition, error) {
		return h.svc.PublishReport(c.UserContext(), auth.From(c), c.Params("id"), in)
	})
}

// Report: GET /evaluation-editions/:id/report.
func (h *Handlers) Report(c *fiber.Ctx) error {
	out, err := h.svc.Report(c.UserContext(), auth.From(c), c.Params("id"))
	return respond(c, 200, out, err)
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
