package network

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/opendata"
	"github.com/teixit/teixit/server/paging"
)

// Handlers are the HTTP endpoints of the network: parse, call the service, respond.
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// ListActors: GET /actors?territory=&theme=&kind=&status=&cursor=&limit=.
func (h *Handlers) ListActors(c *fiber.Ctx) error {
	n, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	items, next, err := h.svc.ListActors(c.UserContext(), auth.From(c), ActorList{Territory: c.Query("territory"),
		Theme: c.Query("theme"), Kind: c.Query("kind"), Status: c.Query("status"), Cursor: c.Query("cursor"), Limit: n})
	return httpx.Page(c, items, next, err)
}

// CreateActor: POST /actors.
func (h *Handlers) CreateActor(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.CreateActor)
}

// GetActor: GET /actors/:id.
func (h *Handlers) GetActor(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.GetActor)
}

// UpdateActor: PATCH /actors/:id.
func (h *Handlers) UpdateActor(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.UpdateActor)
}

// Moderate: POST /actors/:id/moderation.
func (h *Handlers) Moderate(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.Moderate)
}

// Claim: POST /actors/:id/claim.
func (h *Handlers) Claim(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.RequestClaim)
}

// DecideClaim: POST /actors/:id/claim/decision.
func (h *Handlers) DecideClaim(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.DecideClaim)
}

// ActorRelations: GET /actors/:id/relations.
func (h *Handlers) ActorRelations(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.ActorRelations)
}

// ProposeRelation: POST /relations.
func (h *Handlers) ProposeRelation(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.ProposeRelation)
}

// GetRelation: GET /relations/:id.
func (h *Handlers) GetRelation(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.GetRelation)
}

// ConfirmRelation: POST /relations/:id/confirm.
func (h *Handlers) ConfirmRelation(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.ConfirmRelation)
}

// RemoveRelation: DELETE /relations/:id.
func (h *Handlers) RemoveRelation(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.RemoveRelation)
}

// Network: GET /territories/:id/network?theme=&kind=.
func (h *Handlers) Network(c *fiber.Ctx) error {
	g, err := h.svc.Network(c.UserContext(), auth.From(c), c.Params("id"), GraphInput{Theme: c.Query("theme"), Kind: c.Query("kind")})
	if err != nil {
		return err
	}
	return httpx.OK(c, g)
}

// PracticesFor: GET /{contributions|findings|actions}/:id/practices.
func (h *Handlers) PracticesFor(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ms, err := h.svc.PracticesFor(c.UserContext(), auth.From(c), kind, c.Params("id"))
		if err != nil {
			return err
		}
		return httpx.OK(c, httpx.List[PracticeMatch]{Items: ms})
	}
}

// NeedsFor: GET /practices/:id/needs.
func (h *Handlers) NeedsFor(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.NeedsFor)
}

// NetworkGeoJSON: GET /territories/:id/network.geojson.
func (h *Handlers) NetworkGeoJSON(c *fiber.Ctx) error {
	b, err := h.svc.GeoJSON(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return opendata.Send(c, "network-"+c.Params("id")+".geojson", opendata.TypeGeoJSON, b)
}

// NetworkCSV: GET /territories/:id/network.csv.
func (h *Handlers) NetworkCSV(c *fiber.Ctx) error {
	b, err := h.svc.CSV(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return opendata.Send(c, "network-"+c.Params("id")+".csv", opendata.TypeCSV, b)
}

// Invite: POST /actors/:id/invitations.
func (h *Handlers) Invite(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.Invite)
}

// ActorInvitations: GET /actors/:id/invitations.
func (h *Handlers) ActorInvitations(c *fiber.Ctx) error {
	return httpx.ListOn(c, auth.From(c), h.svc.ActorInvitations)
}

// OpenInvitation: POST /actor-invitations/:id/open (the key travels in the body, never in the address).
func (h *Handlers) OpenInvitation(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.OpenInvitation)
}

// AcceptInvitation: POST /actor-invitations/:id/accept.
func (h *Handlers) AcceptInvitation(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.AcceptInvitation)
}

// DeclineInvitation: POST /actor-invitations/:id/decline.
func (h *Handlers) DeclineInvitation(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.DeclineInvitation)
}

// WithdrawInvitation: POST /actor-invitations/:id/withdraw.
func (h *Handlers) WithdrawInvitation(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.WithdrawInvitation)
}
