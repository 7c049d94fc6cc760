package notify

import (
	"html"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/paging"
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
	return httpx.Body(c, fiber.StatusCreated, auth.From(c), h.svc.Follow)
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
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	p, err := h.svc.List(c.UserContext(), auth.From(c).UserID, c.Query("cursor"), limit)
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}

// Read: POST /notifications/:id/read.
func (h *Handlers) Read(c *fiber.Ctx) error {
	return httpx.DoOn(c, auth.From(c).UserID, h.svc.MarkRead)
}

// ReadAll: POST /notifications/read-all.
func (h *Handlers) ReadAll(c *fiber.Ctx) error {
	if err := h.svc.MarkRead(c.UserContext(), auth.From(c).UserID, ""); err != nil {
		return err
	}
	return httpx.NoContent(c)
}

// GetSettings: GET /me/notification-settings.
func (h *Handlers) GetSettings(c *fiber.Ctx) error {
	st, err := h.svc.GetSettings(c.UserContext(), auth.From(c).UserID)
	if err != nil {
		return err
	}
	return httpx.OK(c, st)
}

// PutSettings: PUT /me/notification-settings {email: immediate|daily|never}.
func (h *Handlers) PutSettings(c *fiber.Ctx) error {
	return httpx.Body(c, fiber.StatusOK, auth.From(c).UserID, h.svc.SetSettings)
}

var unsubscribeWords = map[string][3]string{ // title, button, done
	"en": {"Stop emails from Teixit", "Stop all emails", "Done: Teixit will send you no more emails. Notices stay in the app; you can turn emails on again in your account."},
	"ca": {"Deixar de rebre correus de Teixit", "No vull rebre cap correu", "Fet: Teixit no t'enviarà més correus. Els avisos continuen a l'aplicació; els pots tornar a activar al teu compte."},
	"es": {"Dejar de recibir correos de Teixit", "No quiero recibir ningún correo", "Hecho: Teixit no te enviará más correos. Los avisos siguen en la aplicación; puedes volver a activarlos en tu cuenta."},
	"it": {"Non ricevere più email da Teixit", "Non voglio più ricevere email", "Fatto: Teixit non ti invierà più email. Gli avvisi restano nell'app; puoi riattivarle nel tuo account."},
}

// Unsubscribe: GET /unsubscribe?token= shows a one-button page (a mail client's link preview must not
// unsubscribe anyone); POST /unsubscribe?token= unsubscribes at once (RFC 8058 one-click, and the button).
// Both live outside /api/v1: the token is the credential, so no session or CSRF token is involved. A
// changed or cut token is a 400 in the one error shape.
func (h *Handlers) Unsubscribe(c *fiber.Ctx) error {
	token := c.Query("token")
	if _, err := h.svc.tokenUser(token); err != nil {
		return err
	}
	lang := httpx.RequestLanguage(c, nil)
	if _, ok := unsubscribeWords[lang]; !ok {
		lang = "ca"
	}
	w := unsubscribeWords[lang]
	var body string
	if c.Method() == fiber.MethodPost {
		if err := h.svc.Unsubscribe(c.UserContext(), token); err != nil {
			return err
		}
		body = "<p role=\"status\">" + html.EscapeString(w[2]) + "</p>"
	} else {
		body = "<form method=\"post\" action=\"/unsubscribe?token=" + url.QueryEscape(token) + "\"><button type=\"submit\">" +
			html.EscapeString(w[1]) + "</button></form>"
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("<!doctype html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" " +
		"content=\"width=device-width, initial-scale=1\"><title>" + html.EscapeString(w[0]) + "</title></head><body><main><h1>" +
		html.EscapeString(w[0]) + "</h1>" + body + "</main></body></html>")
}
