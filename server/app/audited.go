package app

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/audit"
	"github.com/teixit/teixit/server/auth"
)

// audited writes an audit log entry (server/audit) when h succeeds: who did it, the stable action code and
// the record it touched (kind:<id> from the route's :id). Route lines wrap the handlers of sensitive actions
// with it — moderation, exports of personal data, private links to recordings, removals, facilitators — so the
// log is declared beside each route instead of being remembered in each handler. An entry that cannot be
// written is an error: an action that happened must not pass unlogged.
func (a *App) audited(action, kind string, h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := h(c); err != nil {
			return err
		}
		if s := c.Response().StatusCode(); s < 200 || s >= 300 {
			return nil
		}
		e := audit.Entry{Actor: auth.From(c).UserID, Action: action}
		switch id := c.Params("id"); {
		case id != "" && kind != "":
			e.Target = kind + ":" + id
		case kind == "user": // the person's own record (/me/…)
			e.Target = "user:" + e.Actor
		}
		return a.Audit.Record(c.UserContext(), e)
	}
}
