package recording

import (
	"bufio"
	"fmt"
	"os"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Handlers are the HTTP endpoints of recordings, key points and summaries.
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// private marks answers that depend on who asks: never stored by shared caches.
func private(c *fiber.Ctx) { c.Set(fiber.HeaderCacheControl, "private, no-store") }

// Recording: GET /exchange-days/:id/recording[?link=] — the manifest with chapters.
func (h *Handlers) Recording(c *fiber.Ctx) error {
	r, err := h.svc.Get(c.UserContext(), auth.From(c), c.Params("id"), c.Query("link"))
	if err != nil {
		return err
	}
	private(c)
	return httpx.OK(c, r)
}

// CreateLink: POST /exchange-days/:id/recording/links (body optional: {"hours"}).
func (h *Handlers) CreateLink(c *fiber.Ctx) error {
	var in LinkInput
	if len(c.Body()) > 0 {
		if err := httpx.Decode(c, &in); err != nil {
			return err
		}
	}
	l, err := h.svc.CreateLink(c.UserContext(), auth.From(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	private(c)
	return httpx.Created(c, l)
}

// RevokeLinks: DELETE /exchange-days/:id/recording/links.
func (h *Handlers) RevokeLinks(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c), h.svc.RevokeLinks)
}

// Download: GET /exchange-days/:id/recording/download[?link=] — the whole session as one Ogg Opus file.
func (h *Handlers) Download(c *fiber.Ctx) error {
	d, err := h.svc.Download(c.UserContext(), auth.From(c), c.Params("id"), c.Query("link"))
	if err != nil {
		return err
	}
	private(c)
	c.Set(fiber.HeaderContentType, "audio/ogg")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, d.Filename))
	c.Set("X-Teixit-Download", d.Via)
	if d.Path != "" {
		f, err := os.Open(d.Path)
		if err != nil {
			RemoveDownload(d.Path)
			return err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			RemoveDownload(d.Path)
			return err
		}
		c.Context().SetBodyStream(&removeOnClose{f, d.Path}, int(st.Size()))
		return nil
	}
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := d.Write(w); err != nil {
			h.svc.log.Warn("recording: download stream", "err", err)
		}
	})
	return nil
}

type removeOnClose struct {
	*os.File
	path string
}

func (r *removeOnClose) Close() error {
	err := r.File.Close()
	RemoveDownload(r.path)
	return err
}

// KeyPoints: GET /exchange-days/:id/key-points.
func (h *Handlers) KeyPoints(c *fiber.Ctx) error {
	kps, err := h.svc.KeyPoints(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	private(c)
	return httpx.OK(c, httpx.List[KeyPoint]{Items: kps})
}

// AddKeyPoint: POST /exchange-days/:id/key-points.
func (h *Handlers) AddKeyPoint(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.AddKeyPoint)
}

// DeleteKeyPoint: DELETE /exchange-days/:id/key-points/:kp.
func (h *Handlers) DeleteKeyPoint(c *fiber.Ctx) error {
	if err := h.svc.DeleteKeyPoint(c.UserContext(), auth.From(c), c.Params("id"), c.Params("kp")); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// Rapporteur: GET /exchange-days/:id/rapporteur.
func (h *Handlers) Rapporteur(c *fiber.Ctx) error {
	r, err := h.svc.Rapporteur(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	private(c)
	return httpx.OK(c, r)
}

// SetRapporteur: PUT /exchange-days/:id/rapporteur.
func (h *Handlers) SetRapporteur(c *fiber.Ctx) error {
	return httpx.DoBodyOn(c, auth.From(c), h.svc.SetRapporteur)
}

// Summary: GET /exchange-days/:id/summary.
func (h *Handlers) Summary(c *fiber.Ctx) error {
	s, err := h.svc.GetSummary(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	if s.Status == SummaryPublished && s.Visibility == "public" && !s.CanEdit {
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	} else {
		private(c)
	}
	return httpx.OK(c, s)
}

// PutSummary: PUT /exchange-days/:id/summary.
func (h *Handlers) PutSummary(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusOK, auth.From(c), h.svc.PutSummary)
}

// PublishSummary: POST /exchange-days/:id/summary/publish.
func (h *Handlers) PublishSummary(c *fiber.Ctx) error {
	return httpx.On(c, fiber.StatusOK, auth.From(c), h.svc.PublishSummary)
}

// Redactions: GET /exchange-days/:id/recording/redactions.
func (h *Handlers) Redactions(c *fiber.Ctx) error {
	rs, err := h.svc.Redactions(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	private(c)
	return httpx.OK(c, httpx.List[Redaction]{Items: rs})
}

// RequestRedaction: POST /exchange-days/:id/recording/redactions.
func (h *Handlers) RequestRedaction(c *fiber.Ctx) error {
	return httpx.BodyOn(c, fiber.StatusCreated, auth.From(c), h.svc.RequestRedaction)
}

// ConfirmRedaction: POST /exchange-days/:id/recording/redactions/:rid/confirm.
func (h *Handlers) ConfirmRedaction(c *fiber.Ctx) error {
	r, err := h.svc.ConfirmRedaction(c.UserContext(), auth.From(c), c.Params("id"), c.Params("rid"))
	if err != nil {
		return err
	}
	return httpx.OK(c, r)
}
