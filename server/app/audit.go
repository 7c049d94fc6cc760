package app

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/audit"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/paging"
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
	limit, err := paging.Limit(c.Query("limit"))
	if err != nil {
		return err
	}
	limit = auditPage.Of(limit)
	items, err := a.Audit.List(c.UserContext(), org, before, limit)
	if err != nil {
		return err
	}
	next := ""
	if len(items) == limit {
		next = items[len(items)-1].At.Format(time.RFC3339Nano)
	}
	// Who acted, by name (an account deleted since keeps only its id).
	ids := make([]string, 0, len(items))
	for _, e := range items {
		ids = append(ids, e.Actor)
	}
	names, err := commentPeople{a}.Names(c.UserContext(), ids)
	if err != nil {
		return err
	}
	out := make([]auditView, len(items))
	for i, e := range items {
		out[i] = auditView{Entry: e, ActorName: names[e.Actor]}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.QueryBool("download") {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="teixit-audit.json"`)
	}
	return httpx.OK(c, httpx.List[auditView]{Items: out, NextCursor: next})
}

// auditPage is a page of the audit log: 50 entries, at most audit.MaxList.
var auditPage = paging.Size{Default: 50, Max: audit.MaxList}

// auditView is an audit entry as the log's readers see it: with the acting person's name.
type auditView struct {
	audit.Entry
	ActorName string `json:"actorName,omitempty"`
}
