package diagnosis

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/audit"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/opendata"
	"github.com/teixit/teixit/server/paging"
)

// Handlers are the HTTP endpoints of diagnoses: parse, call the service, respond.
type Handlers struct {
	svc *Service
	o   HandlerOptions
}

// HandlerOptions are what the handlers need beyond the service.
type HandlerOptions struct {
	// Audit records what facilitators enter on someone's behalf (nil: not recorded).
	Audit *audit.Log
	// BaseURL makes absolute links in calendars (empty: the request's own).
	BaseURL string
	// Language is the language of an answer written on the server (a calendar): httpx.RequestLanguage.
	Language func(c *fiber.Ctx) string
}

// Calendar: GET /diagnoses/:id/calendar.ics — the planned phases, in the reader's language.
func (h *Handlers) Calendar(c *fiber.Ctx) error {
	base := h.o.BaseURL
	if base == "" {
		base = c.BaseURL()
	}
	lang := "en"
	if h.o.Language != nil {
		lang = h.o.Language(c)
	}
	body, err := h.svc.Calendar(c.UserContext(), c.Params("id"), lang, base)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="diagnosis.ics"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptLanguage)
	return c.SendString(body)
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, o HandlerOptions) *Handlers { return &Handlers{svc: svc, o: o} }

// List: GET /diagnoses?territory=&theme=&phase=&org=&cursor=&limit=.
func (h *Handlers) List(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.List(c.UserContext(), auth.From(c), ListInput{Territory: c.Query("territory"),
		Theme: c.Query("theme"), Phase: c.Query("phase"), Org: c.Query("org"), Cursor: c.Query("cursor"), Limit: limit})
	return httpx.Page(c, items, next, err)
}

// Create: POST /diagnoses.
func (h *Handlers) Create(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.Create)
}

// Get: GET /diagnoses/:id.
func (h *Handlers) Get(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Get)
}

// Update: PATCH /diagnoses/:id.
func (h *Handlers) Update(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Update)
}

// Contributions: GET /diagnoses/:id/contributions?kind=&theme=&status=&sort=&cursor=&limit=.
func (h *Handlers) Contributions(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.Contributions(c.UserContext(), auth.From(c), c.Params("id"), ContributionList{
		Kind: c.Query("kind"), Theme: c.Query("theme"), Status: c.Query("status"), Sort: c.Query("sort"),
		Cursor: c.Query("cursor"), Limit: limit})
	return httpx.Page(c, items, next, err)
}

// Contribute: POST /diagnoses/:id/contributions (signed in, or with a nickname when allowed).
func (h *Handlers) Contribute(c *fiber.Ctx) error {
	var in ContributionInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	out, err := h.svc.Contribute(c.UserContext(), Caller{P: auth.From(c), IP: httpx.IP(c)}, c.Params("id"), in)
	if err != nil {
		return err
	}
	if in.Assisted != nil {
		if err := h.recordAssisted(c, "contribution.assisted", "contribution:"+out.ID, in.Assisted.Note); err != nil {
			return err
		}
	}
	return httpx.Created(c, out)
}

// GetContribution: GET /contributions/:id.
func (h *Handlers) GetContribution(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.GetContribution)
}

// UpdateContribution: PATCH /contributions/:id.
func (h *Handlers) UpdateContribution(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.UpdateContribution)
}

// DeleteContribution: DELETE /contributions/:id.
func (h *Handlers) DeleteContribution(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.DeleteContribution)
}

// Support: POST /contributions/:id/support.
func (h *Handlers) Support(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusCreated, auth.From(c), h.svc.Support)
}

// Unsupport: DELETE /contributions/:id/support.
func (h *Handlers) Unsupport(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.Unsupport)
}

// Report: POST /contributions/:id/report.
func (h *Handlers) Report(c *fiber.Ctx) error {
	return httpx.DoBodyOn(c, auth.From(c), h.svc.Report)
}

// Moderate: POST /contributions/:id/moderation.
func (h *Handlers) Moderate(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Moderate)
}

// ModerationQueue: GET /diagnoses/:id/moderation.
func (h *Handlers) ModerationQueue(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.ModerationQueue(c.UserContext(), auth.From(c), c.Params("id"), c.Query("cursor"), limit)
	return httpx.Page(c, items, next, err)
}

// Findings: GET /diagnoses/:id/findings?swot=.
func (h *Handlers) Findings(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.Findings(c.UserContext(), auth.From(c), c.Params("id"), c.Query("swot"), c.Query("cursor"), limit)
	return httpx.Page(c, items, next, err)
}

// CreateFinding: POST /diagnoses/:id/findings.
func (h *Handlers) CreateFinding(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.CreateFinding)
}

// GetFinding: GET /findings/:id.
func (h *Handlers) GetFinding(c *fiber.Ctx) error {
	out, err := h.svc.GetFinding(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

// UpdateFinding: PATCH /findings/:id.
func (h *Handlers) UpdateFinding(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.UpdateFinding)
}

// DeleteFinding: DELETE /findings/:id.
func (h *Handlers) DeleteFinding(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.DeleteFinding)
}

// Vote: POST /diagnoses/:id/ballot.
func (h *Handlers) Vote(c *fiber.Ctx) error {
	var in BallotInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	out, err := h.svc.Vote(c.UserContext(), auth.From(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	if in.Assisted != nil {
		if err := h.recordAssisted(c, "ballot.assisted", "diagnosis:"+c.Params("id"), in.Assisted.Note); err != nil {
			return err
		}
	}
	return httpx.Created(c, out)
}

// Priorities: GET /diagnoses/:id/priorities.
func (h *Handlers) Priorities(c *fiber.Ctx) error {
	out, err := h.svc.Priorities(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

// Actions: GET /diagnoses/:id/actions?status=.
func (h *Handlers) Actions(c *fiber.Ctx) error {
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.Actions(c.UserContext(), auth.From(c), c.Params("id"), c.Query("status"), c.Query("cursor"), limit)
	return httpx.Page(c, items, next, err)
}

// CreateAction: POST /diagnoses/:id/actions.
func (h *Handlers) CreateAction(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.CreateAction)
}

// GetAction: GET /actions/:id.
func (h *Handlers) GetAction(c *fiber.Ctx) error {
	out, err := h.svc.GetAction(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

// UpdateAction: PATCH /actions/:id.
func (h *Handlers) UpdateAction(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.UpdateAction)
}

// AddMeasurement: POST /actions/:id/indicators/:indicatorId/measurements.
func (h *Handlers) AddMeasurement(c *fiber.Ctx) error {
	var in MeasurementInput
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	out, err := h.svc.AddMeasurement(c.UserContext(), auth.From(c), c.Params("id"), c.Params("indicatorId"), in)
	if err != nil {
		return err
	}
	return httpx.Created(c, out)
}

// Dashboard: GET /diagnoses/:id/dashboard.
func (h *Handlers) Dashboard(c *fiber.Ctx) error {
	out, err := h.svc.Dashboard(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

// ExportJSON: GET /diagnoses/:id/export.json.
func (h *Handlers) ExportJSON(c *fiber.Ctx) error {
	o, err := h.svc.OpenData(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return opendata.SendJSON(c, "diagnosis-"+o.Diagnosis.ID+".json", o)
}

// ExportCSV: GET /diagnoses/:id/export.csv.
func (h *Handlers) ExportCSV(c *fiber.Ctx) error {
	o, err := h.svc.OpenData(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return opendata.Send(c, "diagnosis-"+o.Diagnosis.ID+".csv", opendata.TypeCSV, o.CSV())
}

// ExportGeoJSON: GET /diagnoses/:id/export.geojson.
func (h *Handlers) ExportGeoJSON(c *fiber.Ctx) error {
	o, err := h.svc.OpenData(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	b, err := h.svc.GeoJSON(c.UserContext(), o)
	if err != nil {
		return err
	}
	return opendata.Send(c, "diagnosis-"+o.Diagnosis.ID+".geojson", opendata.TypeGeoJSON, b)
}

// recordAssisted writes the audit entry of something a facilitator entered on someone's behalf (the person
// agreed; who they are is not asked), under the diagnosis's lead organisation so its admins read it too.
func (h *Handlers) recordAssisted(c *fiber.Ctx, action, target, note string) error {
	if h.o.Audit == nil {
		return nil
	}
	d, err := h.svc.diagnosis(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	org := ""
	if len(d.OrgIDs) > 0 {
		org = d.OrgIDs[0]
	}
	return h.o.Audit.Record(c.UserContext(), audit.Entry{Actor: auth.From(c).UserID, OnBehalfOf: audit.AssistedPerson, Org: org,
		Action: action, Target: target, Detail: note})
}
