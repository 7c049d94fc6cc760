package app

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/audit"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/organisation"
)

func (a *App) auditAll(c *fiber.Ctx) error { return a.auditList(c, "") }

func (a *App) auditOrg(c *fiber.Ctx) error {
	p, org := auth.From(c), c.Params("id")
	if !p.PlatformAdmin {
		role, err := a.Organisations.Role(c.UserContext(), org, p.UserID)
		if err != nil {
			return err
		}
		if role != organisation.RoleAdmin {
			return apperr.Forbid("Only the organisation's admins can read its audit log.")
		}
	}
	return a.auditList(c, org)
}

func (a *App) auditList(c *fiber.Ctx, org string) error {
	var before time.Time
	if b := c.Query("before"); b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			return apperr.Validation(apperr.Fields{"before": apperr.DateTime()})
		}
		before = t
	}
	limit := c.QueryInt("limit", 50)
	items, err := a.Audit.List(c.UserContext(), org, before, limit)
	if err != nil {
		return err
	}
	next := ""
	if len(items) == limit && limit > 0 {
		next = items[len(items)-1].At.Format(time.RFC3339Nano)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.QueryBool("download") {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="teixit-audit.json"`)
	}
	return httpx.OK(c, httpx.List[audit.Entry]{Items: items, NextCursor: next})
}
