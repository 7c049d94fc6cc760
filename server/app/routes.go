package app

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/territory"
)

// access is a route's access rule: its middleware and the name the OpenAPI document shows.
type access struct {
	name string
	h    fiber.Handler
}

var (
	public = access{"public", auth.Public}
	user   = access{"user", auth.User}
	admin  = access{"platform_admin", auth.PlatformAdmin}
)

// route is one line of the route table. Body and Resp name schemas in schemas.go (for the OpenAPI document).
type route struct {
	Method, Path string
	Access       access
	Handler      fiber.Handler
	Summary      string
	Body, Resp   string
}

// table is every API route with its access rule on its own line. Rules finer than "signed in" (organisation
// admin, member of…) are checked by the domain service and named in the summary.
func (a *App) table() []route {
	acc := account.NewHandlers(a.Accounts, account.HandlerOptions{
		Limits: a.Limits, LoginLimit: a.Config.LoginLimit, LoginWindow: a.Config.LoginWindow,
		RegisterLimit: a.Config.RegisterLimit, SecureCookie: a.Config.SecureCookies(), Audit: a.Audit})
	acc.SetMemberships(a.Organisations)
	org := organisation.NewHandlers(a.Organisations)
	org.Audit = a.Audit
	ter := territory.NewHandlers(a.Territories)
	dia := diagnosis.NewHandlers(a.Diagnoses)
	med := mediafile.NewHandlers(a.Media)
	xd := exchange.NewHandlers(a.Exchange, a.Config.BaseURL)
	routes := []route{
		{"POST", "/auth/register", public, acc.Register, "Create an account and sign in (limited per client address)", "RegisterInput", "Session"},
		{"POST", "/auth/login", public, acc.Login, "Sign in (failed attempts limited per client address and per email)", "LoginInput", "Session"},
		{"POST", "/auth/logout", public, acc.Logout, "Sign out", "", ""},
		{"GET", "/auth/session", public, acc.Session, "The current user, memberships and CSRF token", "", "Session"},
		{"POST", "/auth/password-reset", public, acc.RequestReset, "Email a one-time reset link if the address has an account (same answer either way; limited)", "EmailInput", ""},
		{"POST", "/auth/password-reset/complete", public, acc.CompleteReset, "Set a new password with a reset link (ends every session and token; lifts the login lockout)", "CompleteResetInput", ""},
		{"POST", "/admin/password-reset-links", admin, acc.IssueResetLink, "A one-time reset link for a person without mail, shown once (not with a token)", "EmailInput", "AdminReset"},
		{"PATCH", "/me", user, acc.UpdateMe, "Change my name or language", "UpdateMeInput", "User"},
		{"GET", "/me/export", user, acc.Export, "Everything Teixit holds about me, as JSON", "", "Object"},
		{"DELETE", "/me", user, acc.DeleteMe, "Delete my account (contributions stay, anonymised; not with a token)", "", ""},
		{"POST", "/me/password", user, acc.ChangePassword, "Change my password (asks the current one; ends my other sessions and tokens; not with a token)", "ChangePasswordInput", ""},
		{"GET", "/me/sessions", user, acc.Sessions, "My signed-in browsers", "", "SessionList"},
		{"DELETE", "/me/sessions", user, acc.SignOutEverywhere, "Sign out of every device (all sessions and tokens)", "", ""},
		{"GET", "/tokens", user, acc.ListTokens, "My personal access tokens", "", "TokenList"},
		{"POST", "/tokens", user, acc.CreateToken, "Create a personal access token: scopes read (GET) and/or write, 1–365 days (default read, 90); shown once; not with a token", "TokenInput", "Token"},
		{"DELETE", "/tokens/:id", user, acc.RevokeToken, "Revoke one of my tokens", "", ""},

		{"GET", "/organisations", public, org.List, "List organisations", "", "OrganisationList"},
		{"POST", "/organisations", user, org.Create, "Create an organisation (you become its admin)", "OrganisationInput", "Organisation"},
		{"GET", "/organisations/:id", public, org.Get, "An organisation, with my role in it", "", "Organisation"},
		{"PATCH", "/organisations/:id", user, org.Update, "Change an organisation (its admins)", "OrganisationInput", "Organisation"},
		{"GET", "/organisations/:id/members", user, org.Members, "Members and roles (members only)", "", "MemberList"},
		{"POST", "/organisations/:id/members", user, org.AddMember, "Add a member by email (its admins)", "MemberInput", "Member"},
		{"PATCH", "/organisations/:id/members/:userId", user, org.SetRole, "Change a member's role (its admins)", "RoleInput", "Member"},
		{"DELETE", "/organisations/:id/members/:userId", user, org.RemoveMember, "Remove a member (its admins) or leave", "", ""},

		{"GET", "/search", public, a.ReadModel.Search, "Full-text search over everything the reader may see, with facets", "", "SearchResults"},
		{"GET", "/search/suggest", public, a.ReadModel.Suggest, "Title completions as you type", "", "SuggestionList"},

		{"GET", "/organisations/:id/calendar.ics", public, xd.OrgCalendar, "An organisation's exchange days as iCalendar", "", ""},
		{"GET", "/exchange-days", public, xd.List, "Exchange days (?org=, ?upcoming=true), from the read model", "", "ExchangeDayList"},
		{"POST", "/exchange-days", user, xd.Create, "Schedule an exchange day (host admins and professionals)", "ExchangeDayInput", "ExchangeDay"},
		{"GET", "/exchange-days/:id", public, xd.Get, "An exchange day with my registration", "", "ExchangeDay"},
		{"PATCH", "/exchange-days/:id", user, xd.Update, "Change an exchange day (host admins and professionals)", "ExchangeDayInput", "ExchangeDay"},
		{"POST", "/exchange-days/:id/cancel", user, xd.Cancel, "Cancel an exchange day (host admins and professionals)", "", "ExchangeDay"},
		{"POST", "/exchange-days/:id/registration", user, xd.Register, "Register (members-only and invite rules apply; waiting list when full)", "ExchangeRegisterInput", "ExchangeDay"},
		{"DELETE", "/exchange-days/:id/registration", user, xd.Unregister, "Cancel my registration (the first person waiting gets the place)", "", ""},
		{"GET", "/exchange-days/:id/calendar.ics", public, xd.DayCalendar, "The exchange day as iCalendar", "", ""},
		{"GET", "/exchange-days/:id/live", user, a.Live.Join(), "The live session's signalling WebSocket (registered participants and host members; media/PROTOCOL.md)", "", ""},
		{"GET", "/exchange-days/:id/live/status", public, a.Live.StatusOf, "Whether the live session can be joined now: open, not_open (with opensAt), ended or cancelled", "", "LiveStatus"},
		{"GET", "/exchange-days/:id/live/ice-servers", user, a.Live.ICEServers, "STUN/TURN servers with short-lived credentials", "", "ICEServers"},
		{"POST", "/exchange-days/:id/recording/live", user, a.Live.StartRecording, "Start recording the live session's floor turns (host only; everyone in the room is told; other speakers' turns only with their consent)", "", "RecordingState"},
		{"DELETE", "/exchange-days/:id/recording/live", user, a.Live.StopRecording, "Stop recording the live session (host only); its segments are imported into the media store once closed", "", "RecordingState"},

		{"POST", "/media", user, med.Upload, "Upload a file (multipart field file; ?purpose=contribution|attachment)", "", "MediaAsset"},
		{"GET", "/media/:id", public, med.Serve, "A file's bytes (range requests; private files need access or a signed link)", "", ""},
		{"GET", "/media/:id/info", public, med.Info, "A file's metadata (same access as the file)", "", "MediaAsset"},

		{"POST", "/admin/reindex", admin, a.ReadModel.StartReindex, "Rebuild the search index in the background (serving continues)", "", "ReindexStatus"},
		{"GET", "/admin/reindex", admin, a.ReadModel.ReindexState, "Progress of the index rebuild", "", "ReindexStatus"},

		{"GET", "/config", public, a.clientConfig, "Public settings the browser app needs (map tiles)", "", "ClientConfig"},
		{"GET", "/territories", public, ter.List, "Territories, filtered by ?parent= and ?level=", "", "TerritoryList"},
		{"POST", "/territories", user, ter.Create, "Create a territory (platform and municipality admins)", "TerritoryInput", "Territory"},
		{"GET", "/territories/:id", public, ter.Get, "A territory with its GeoJSON boundary", "", "Territory"},
		{"PATCH", "/territories/:id", user, ter.Update, "Change a territory (platform and municipality admins)", "TerritoryInput", "Territory"},

		{"GET", "/diagnoses", public, dia.List, "Diagnoses, filtered by ?territory= (and inside it), ?theme=, ?phase=, ?org= (lead organisation)", "", "DiagnosisList"},
		{"POST", "/diagnoses", user, dia.Create, "Start a diagnosis (admins or professionals of every organising organisation)", "DiagnosisInput", "Diagnosis"},
		{"GET", "/diagnoses/:id", public, dia.Get, "A diagnosis with its phase plan and settings", "", "Diagnosis"},
		{"PATCH", "/diagnoses/:id", user, dia.Update, "Change a diagnosis or move it to another phase (its organisers)", "DiagnosisInput", "Diagnosis"},
		{"GET", "/diagnoses/:id/contributions", public, dia.Contributions, "Contributions, filtered by ?kind= ?theme= ?status=, ?sort=-created|created|supports|-supports", "", "ContributionList"},
		{"POST", "/diagnoses/:id/contributions", public, dia.Contribute, "Contribute while gathering: signed in, with a nickname (if allowed; pre-moderated) or assisted by a facilitator", "ContributionInput", "Contribution"},
		{"GET", "/diagnoses/:id/moderation", user, dia.ModerationQueue, "Pending and reported contributions (organisers)", "", "ContributionList"},
		{"GET", "/diagnoses/:id/findings", public, dia.Findings, "SWOT findings, filtered by ?swot=", "", "FindingList"},
		{"POST", "/diagnoses/:id/findings", user, dia.CreateFinding, "Write a finding citing contributions (organisers, gathering or synthesis)", "FindingInput", "Finding"},
		{"POST", "/diagnoses/:id/ballot", user, dia.Vote, "Cast my ballot, or one for an assisted person (prioritisation; final)", "BallotInput", "Ballot"},
		{"GET", "/diagnoses/:id/priorities", public, dia.Priorities, "Findings and needs ranked by votes", "", "Priorities"},
		{"GET", "/diagnoses/:id/actions", public, dia.Actions, "Actions of the plan, filtered by ?status=", "", "ActionList"},
		{"POST", "/diagnoses/:id/actions", user, dia.CreateAction, "Add an action with indicators (organisers)", "ActionInput", "Action"},
		{"GET", "/diagnoses/:id/dashboard", public, dia.Dashboard, "Counts by kind, theme and week, supports, priorities, indicator trends", "", "Dashboard"},
		{"GET", "/diagnoses/:id/export.csv", public, dia.ExportCSV, "Published contributions as CSV open data (no personal data)", "", "CSVText"},
		{"GET", "/diagnoses/:id/export.json", public, dia.ExportJSON, "Published content as JSON open data (no personal data)", "", "OpenData"},
		{"GET", "/diagnoses/:id/export.geojson", public, dia.ExportGeoJSON, "Located contributions and the territory as a GeoJSON FeatureCollection", "", "Object"},
		{"GET", "/contributions/:id", public, dia.GetContribution, "A contribution (pending: organisers and its author; hidden: organisers)", "", "Contribution"},
		{"PATCH", "/contributions/:id", user, dia.UpdateContribution, "Change my contribution while gathering", "ContributionInput", "Contribution"},
		{"DELETE", "/contributions/:id", user, dia.DeleteContribution, "Withdraw my contribution while gathering (not once cited)", "", ""},
		{"POST", "/contributions/:id/support", user, dia.Support, "Support a contribution (\"me too\"; once per person)", "", "Contribution"},
		{"DELETE", "/contributions/:id/support", user, dia.Unsupport, "Withdraw my support", "", "Contribution"},
		{"POST", "/contributions/:id/report", user, dia.Report, "Report a contribution to the organisers (once per person)", "ContributionReport", ""},
		{"POST", "/contributions/:id/moderation", user, dia.Moderate, "Publish or hide a contribution (organisers; hiding needs a reason)", "ContributionModeration", "Contribution"},
		{"GET", "/findings/:id", public, dia.GetFinding, "A finding", "", "Finding"},
		{"PATCH", "/findings/:id", user, dia.UpdateFinding, "Change a finding (organisers, gathering or synthesis)", "FindingInput", "Finding"},
		{"DELETE", "/findings/:id", user, dia.DeleteFinding, "Delete a finding (organisers, gathering or synthesis)", "", ""},
		{"GET", "/actions/:id", public, dia.GetAction, "An action with its indicators", "", "Action"},
		{"PATCH", "/actions/:id", user, dia.UpdateAction, "Change an action or its indicators (organisers)", "ActionInput", "Action"},
		{"POST", "/actions/:id/indicators/:indicatorId/measurements", user, dia.AddMeasurement, "Record a dated indicator value (organisers)", "MeasurementInput", "Action"},
	}
	routes = append(routes, a.auditRoutes()...)
	routes = append(routes, a.recordingRoutes()...)
	routes = append(routes, a.networkRoutes()...)
	routes = append(routes, a.evaluationRoutes()...)
	routes = append(routes, a.translationRoutes()...)
	return append(routes, a.practiceRoutes()...)
}

// APIPrefix is where the JSON API lives.
const APIPrefix = "/api/v1"

func (a *App) mountRoutes() {
	a.Fiber.Get("/healthz", a.healthz)
	a.Fiber.Get("/readyz", a.readyz)
	a.Fiber.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{})))
	// Node to node (server/live relay.go): signed with the shared secret, not part of the public API.
	a.Fiber.Get("/internal/live/:id/ws", a.Live.RelayJoin())
	a.Fiber.Post("/internal/live/:id", a.Live.RelayAction)
	a.Fiber.Get("/internal/node", a.Live.NodeID) // the internal URL self-check (/readyz)

	api := a.Fiber.Group(APIPrefix, httpx.JSONBodyLimit(a.Config.BodyLimit), auth.Middleware(a.Accounts))
	a.Fiber.Get("/feeds/practices.atom", practice.NewHandlers(a.Practices).Feed)
	// One-click unsubscribe from email notices (RFC 8058): the signed token is the credential, no session.
	unsub := notify.NewHandlers(a.Notify).Unsubscribe
	a.Fiber.Get("/unsubscribe", unsub)
	a.Fiber.Post("/unsubscribe", unsub)
	a.routes = a.table()
	for _, r := range a.routes {
		api.Add(r.Method, r.Path, r.Access.h, r.Handler)
		if r.Method == fiber.MethodGet {
			// HEAD wherever GET exists, through the same access check (fasthttp sends no body).
			api.Add(fiber.MethodHead, r.Path, r.Access.h, r.Handler)
		}
	}
	api.Get("/openapi.json", a.openAPIHandler)
	api.All("/*", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	a.mountFrontend()
}

func (a *App) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

func (a *App) readyz(c *fiber.Ctx) error {
	if err := a.Ready(c.UserContext()); err != nil {
		a.Log.Warn("not ready", "err", err)
		// Only ready or not: the reason (the store's address, say) goes to the log, not to the public.
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
