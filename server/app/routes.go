package app

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/recording"
	"github.com/teixit/teixit/server/territory"
	"github.com/teixit/teixit/server/translation"
)

// access is a route's access rule: its middleware (nobody, signed in, platform admin) and the rule's name,
// which the OpenAPI document prints (`x-access`, described in `x-access-rules`) and the route × reader
// matrix test (access_matrix_test.go) holds each route to. Rules finer than the middleware are checked by
// the domain service, through the one policy of server/auth (POLICY.md); the name says which.
type access struct {
	name string
	h    fiber.Handler
}

// The rule vocabulary. "Its organisation" is the organisation the record belongs to: the organisation in the
// path, a diagnosis's organisers, an exchange day's host, a practice's or actor's organisation, an
// evaluation's organisers. Platform admins pass every rule but the ones about oneself.
var (
	public = access{"public", auth.Public}   // anyone, signed in or not
	record = access{"record", auth.Public}   // anyone who may read the record: published ones are public; pending, hidden, draft or members-only ones only whom their visibility names (404 for everyone else)
	user   = access{"signed_in", auth.User}  // anyone signed in
	self   = access{"self", auth.User}       // anyone signed in, on their own account, tokens, notices and follows
	member = access{"org_member", auth.User} // members of its organisation (any role)
	staff  = access{"org_staff", auth.User}  // admins and professionals of its organisation
	orgAdm = access{"org_admin", auth.User}  // admins of its organisation
	party  = access{"party", auth.User}      // the people the record is about: its author, registered participants, a group's members, the two sides of a relation or transfer (rules in the summary)
	admin  = access{"platform_admin", auth.PlatformAdmin}
)

// accessRules describes the vocabulary for the OpenAPI document.
var accessRules = map[string]string{
	"public":         "anyone, signed in or not",
	"record":         "anyone who may read the record (published: anyone; pending, hidden, draft or members-only: whom its visibility names; everyone else 404)",
	"signed_in":      "anyone signed in",
	"self":           "anyone signed in, on their own account, tokens, notices and follows",
	"org_member":     "members of the record's organisation (any role), platform admins",
	"org_staff":      "admins and professionals of the record's organisation, platform admins",
	"org_admin":      "admins of the record's organisation, platform admins",
	"party":          "the people the record is about (author, participants, group members, either side); see the summary",
	"platform_admin": "platform admins",
}

// route is one line of the route table. Body and Resp name schemas in schemas.go (for the OpenAPI document).
type route struct {
	Method, Path string
	Access       access
	Handler      fiber.Handler
	Summary      string
	Body, Resp   string
}

// table is every API route, each on its own line with its access rule — the one place a route is declared
// (feeds, unsubscribe and node-to-node routes outside /api/v1 are in mountRoutes below). Rules finer than "signed in" (organisation
// admin, member of…) are checked by the domain service and named in the summary.
func (a *App) table() []route {
	acc := account.NewHandlers(a.Accounts, account.HandlerOptions{
		Limits: a.Limits, LoginLimit: a.Config.LoginLimit, LoginWindow: a.Config.LoginWindow,
		RegisterLimit: a.Config.RegisterLimit, SecureCookie: a.Config.SecureCookies(), Audit: a.Audit})
	org := organisation.NewHandlers(a.Organisations, organisation.HandlerOptions{Audit: a.Audit})
	ter := territory.NewHandlers(a.Territories)
	dia := diagnosis.NewHandlers(a.Diagnoses, diagnosis.HandlerOptions{Audit: a.Audit, BaseURL: a.Config.BaseURL,
		Language: func(c *fiber.Ctx) string { return httpx.RequestLanguage(c, accountLanguage) }})
	med := mediafile.NewHandlers(a.Media)
	xd := exchange.NewHandlers(a.Exchange, a.Config.BaseURL)
	rec := recording.NewHandlers(a.Recordings)
	nw := network.NewHandlers(a.Network)
	ev := evaluation.NewHandlers(a.Evaluations)
	tr := translation.NewHandlers(a.Translations)
	pr := practice.NewHandlers(a.Practices)
	cm := comment.NewHandlers(a.Comments)
	nt := notify.NewHandlers(a.Notify)
	return []route{
		{"POST", "/auth/register", public, acc.Register, "Create an account and sign in (limited per client address)", "RegisterInput", "Session"},
		{"POST", "/auth/login", public, acc.Login, "Sign in (failed attempts limited per client address and per email)", "LoginInput", "Session"},
		{"POST", "/auth/logout", public, acc.Logout, "Sign out", "", ""},
		{"GET", "/auth/session", public, acc.Session, "The current user, memberships and CSRF token", "", "Session"},
		{"POST", "/auth/password-reset", public, acc.RequestReset, "Email a one-time reset link if the address has an account (same answer either way; limited)", "EmailInput", ""},
		{"POST", "/auth/password-reset/complete", public, acc.CompleteReset, "Set a new password with a reset link (ends every session and token; lifts the login lockout)", "CompleteResetInput", ""},
		{"POST", "/admin/password-reset-links", admin, acc.IssueResetLink, "A one-time reset link for a person without mail, shown once (not with a token)", "EmailInput", "AdminReset"},
		{"PATCH", "/me", self, acc.UpdateMe, "Change my name or language", "UpdateMeInput", "User"},
		{"GET", "/me/export", self, a.audited("account.exported", "user", acc.Export), "Everything Teixit holds about me, as JSON", "", "Object"},
		{"DELETE", "/me", self, acc.DeleteMe, "Delete my account (contributions stay, anonymised; not with a token)", "", ""},
		{"POST", "/me/password", self, acc.ChangePassword, "Change my password (asks the current one; ends my other sessions and tokens; not with a token)", "ChangePasswordInput", ""},
		{"GET", "/me/invitations", self, org.MyInvitations, "Invitations to organisations waiting for my answer", "", "MembershipInvitationList"},
		{"POST", "/me/invitations/:id/accept", self, org.Accept, "Accept an invitation: join the organisation with its role", "", "Member"},
		{"POST", "/me/invitations/:id/decline", self, org.Decline, "Decline an invitation", "", ""},
		{"GET", "/me/sessions", self, acc.Sessions, "My signed-in browsers", "", "SessionList"},
		{"DELETE", "/me/sessions", self, acc.SignOutEverywhere, "Sign out of every device (all sessions and tokens)", "", ""},
		{"GET", "/tokens", self, acc.ListTokens, "My personal access tokens", "", "TokenList"},
		{"POST", "/tokens", self, acc.CreateToken, "Create a personal access token: scopes read (GET) and/or write, 1–365 days (default read, 90); shown once; not with a token", "TokenInput", "Token"},
		{"DELETE", "/tokens/:id", self, acc.RevokeToken, "Revoke one of my tokens", "", ""},

		{"GET", "/organisations", public, org.List, "List organisations (?kind=association|services_centre|housing_entity|municipality|network|other, ?sort=name|created|-created, ?cursor=&limit=)", "", "OrganisationList"},
		{"POST", "/organisations", user, org.Create, "Create an organisation (you become its admin)", "OrganisationInput", "Organisation"},
		{"GET", "/organisations/:id", public, org.Get, "An organisation, with my role in it", "", "Organisation"},
		{"PATCH", "/organisations/:id", orgAdm, org.Update, "Change an organisation (its admins)", "OrganisationInput", "Organisation"},
		{"GET", "/organisations/:id/members", member, org.Members, "Members and roles (members only)", "", "MemberList"},
		{"POST", "/organisations/:id/invitations", orgAdm, org.Invite, "Invite an email address to join with a role (its admins; the same answer whether or not it has an account)", "MembershipInvitationInput", "MembershipInvitation"},
		{"GET", "/organisations/:id/invitations", orgAdm, org.Invitations, "The organisation's invitations, waiting and answered (its admins)", "", "MembershipInvitationList"},
		{"DELETE", "/organisations/:id/invitations/:invitationId", orgAdm, org.Withdraw, "Withdraw a waiting invitation (its admins)", "", ""},
		{"PATCH", "/organisations/:id/members/:userId", orgAdm, org.SetRole, "Change a member's role (its admins)", "RoleInput", "Member"},
		{"DELETE", "/organisations/:id/members/:userId", orgAdm, org.RemoveMember, "Remove a member (its admins) or leave", "", ""},

		{"GET", "/search", public, a.ReadModel.Search, "Full-text search over everything the reader may see, with facets (?q=&kind=&theme=&territory=&org=&lang= (comma-separated lists), ?from=&to= (YYYY-MM-DD), ?sort=relevance|date, ?page=&perPage=)", "", "SearchResults"},
		{"GET", "/search/suggest", public, a.ReadModel.Suggest, "Title completions as you type (?q=, at least 2 letters)", "", "SuggestionList"},

		{"GET", "/organisations/:id/calendar.ics", public, xd.OrgCalendar, "An organisation's exchange days as iCalendar", "", ""},
		{"GET", "/exchange-days", public, xd.List, "Exchange days (?org=, ?upcoming=true, ?cursor=&limit=), from the read model", "", "ExchangeDayList"},
		{"POST", "/exchange-days", user, xd.Create, "Schedule an exchange day (host admins and professionals)", "ExchangeDayInput", "ExchangeDay"},
		{"GET", "/exchange-days/:id", public, xd.Get, "An exchange day with my registration", "", "ExchangeDay"},
		{"PATCH", "/exchange-days/:id", staff, xd.Update, "Change an exchange day (host admins and professionals)", "ExchangeDayInput", "ExchangeDay"},
		{"POST", "/exchange-days/:id/cancel", staff, xd.Cancel, "Cancel an exchange day (host admins and professionals)", "", "ExchangeDay"},
		{"POST", "/exchange-days/:id/registration", user, xd.Register, "Register (members-only and invite rules apply; waiting list when full)", "ExchangeRegisterInput", "ExchangeDay"},
		{"DELETE", "/exchange-days/:id/registration", party, xd.Unregister, "Cancel my registration (the first person waiting gets the place)", "", ""},
		{"GET", "/exchange-days/:id/calendar.ics", public, xd.DayCalendar, "The exchange day as iCalendar", "", ""},
		{"GET", "/exchange-days/:id/live", party, a.Live.Join(), "The live session's signalling WebSocket (registered participants and host members; media/PROTOCOL.md)", "", ""},
		{"GET", "/exchange-days/:id/live/status", public, a.Live.StatusOf, "Whether the live session can be joined now: open, not_open (with opensAt), ended or cancelled", "", "LiveStatus"},
		{"GET", "/exchange-days/:id/live/ice-servers", party, a.Live.ICEServers, "STUN/TURN servers with short-lived credentials", "", "ICEServers"},
		{"POST", "/exchange-days/:id/recording/live", orgAdm, a.Live.StartRecording, "Start recording the live session's floor turns (host only; everyone in the room is told; other speakers' turns only with their consent)", "", "RecordingState"},
		{"DELETE", "/exchange-days/:id/recording/live", orgAdm, a.Live.StopRecording, "Stop recording the live session (host only); its segments are imported into the media store once closed", "", "RecordingState"},

		{"POST", "/media", user, med.Upload, "Upload a file (multipart field file; ?purpose=contribution|attachment)", "", "MediaAsset"},
		{"GET", "/media/:id", record, med.Serve, "A file's bytes (range requests; private files need access or a signed link: ?exp=&sig=)", "", ""},
		{"GET", "/media/:id/info", record, med.Info, "A file's metadata (same access as the file, signed links too: ?exp=&sig=)", "", "MediaAsset"},

		{"POST", "/admin/reindex", admin, a.ReadModel.StartReindex, "Rebuild the search index in the background (serving continues)", "", "ReindexStatus"},
		{"GET", "/admin/reindex", admin, a.ReadModel.ReindexState, "Progress of the index rebuild", "", "ReindexStatus"},

		{"GET", "/config", public, a.clientConfig, "Public settings the browser app needs (map tiles)", "", "ClientConfig"},
		{"GET", "/territories", public, ter.List, "Territories, filtered by ?parent= and ?level=", "", "TerritoryList"},
		{"POST", "/territories", user, ter.Create, "Create a territory (platform and municipality admins)", "TerritoryInput", "Territory"},
		{"GET", "/territories/:id", public, ter.Get, "A territory with its GeoJSON boundary", "", "Territory"},
		{"GET", "/territories/:id/surroundings", public, ter.Surroundings, "The areas a territory's map shows around it with no tile server: its parts and its neighbours, named, outlines simplified", "", "Surroundings"},
		{"PATCH", "/territories/:id", user, ter.Update, "Change a territory (platform and municipality admins)", "TerritoryInput", "Territory"},

		{"GET", "/diagnoses", public, dia.List, "Diagnoses, filtered by ?territory= (and inside it), ?theme=, ?phase=gathering|synthesis|prioritisation|action_plan|follow_up, ?org= (lead organisation); ?cursor=&limit= page through", "", "DiagnosisList"},
		{"POST", "/diagnoses", user, dia.Create, "Start a diagnosis (admins or professionals of every organising organisation)", "DiagnosisInput", "Diagnosis"},
		{"GET", "/diagnoses/:id", public, dia.Get, "A diagnosis with its phase plan and settings", "", "Diagnosis"},
		{"GET", "/diagnoses/:id/calendar.ics", public, dia.Calendar, "The diagnosis's planned phases as iCalendar, named in the request's language", "", ""},
		{"PATCH", "/diagnoses/:id", staff, dia.Update, "Change a diagnosis or move it to another phase (its organisers)", "DiagnosisInput", "Diagnosis"},
		{"GET", "/diagnoses/:id/contributions", public, dia.Contributions, "Contributions, filtered by ?kind=need|asset|proposal ?theme= ?status=, ?sort=-created|created|supports|-supports; ?cursor=&limit= page through", "", "ContributionList"},
		{"POST", "/diagnoses/:id/contributions", public, dia.Contribute, "Contribute while gathering: signed in, with a nickname (if allowed; pre-moderated) or assisted by a facilitator", "ContributionInput", "Contribution"},
		{"GET", "/diagnoses/:id/moderation", staff, dia.ModerationQueue, "Pending and reported contributions (organisers; ?cursor=&limit= page through)", "", "ContributionList"},
		{"GET", "/diagnoses/:id/findings", public, dia.Findings, "SWOT findings, filtered by ?swot=strength|weakness|opportunity|threat; ?cursor=&limit= page through", "", "FindingList"},
		{"POST", "/diagnoses/:id/findings", staff, dia.CreateFinding, "Write a finding citing contributions (organisers, gathering or synthesis)", "FindingInput", "Finding"},
		{"POST", "/diagnoses/:id/ballot", user, dia.Vote, "Cast my ballot, or one for an assisted person (prioritisation; final)", "BallotInput", "Ballot"},
		{"GET", "/diagnoses/:id/priorities", public, dia.Priorities, "Findings and needs ranked by votes", "", "Priorities"},
		{"GET", "/diagnoses/:id/actions", public, dia.Actions, "Actions of the plan, filtered by ?status=planned|in_progress|done|cancelled; ?cursor=&limit= page through", "", "ActionList"},
		{"POST", "/diagnoses/:id/actions", staff, dia.CreateAction, "Add an action with indicators (organisers)", "ActionInput", "Action"},
		{"GET", "/diagnoses/:id/dashboard", public, dia.Dashboard, "Counts by kind, theme and week, supports, priorities, indicator trends", "", "Dashboard"},
		{"GET", "/diagnoses/:id/export.csv", public, dia.ExportCSV, "Published contributions as CSV open data (no personal data)", "", "CSVText"},
		{"GET", "/diagnoses/:id/export.json", public, dia.ExportJSON, "Published content as JSON open data (no personal data)", "", "OpenData"},
		{"GET", "/diagnoses/:id/export.geojson", public, dia.ExportGeoJSON, "Located contributions and the territory as a GeoJSON FeatureCollection", "", "Object"},
		{"GET", "/contributions/:id", record, dia.GetContribution, "A contribution (pending: organisers and its author; hidden: organisers)", "", "Contribution"},
		{"PATCH", "/contributions/:id", party, dia.UpdateContribution, "Change my contribution while gathering", "ContributionInput", "Contribution"},
		{"DELETE", "/contributions/:id", party, dia.DeleteContribution, "Withdraw my contribution while gathering (not once cited)", "", ""},
		{"POST", "/contributions/:id/support", user, dia.Support, "Support a contribution (\"me too\"; once per person)", "", "Contribution"},
		{"DELETE", "/contributions/:id/support", user, dia.Unsupport, "Withdraw my support", "", "Contribution"},
		{"POST", "/contributions/:id/report", user, dia.Report, "Report a contribution to the organisers (once per person)", "ContributionReport", ""},
		{"POST", "/contributions/:id/moderation", staff, a.audited("contribution.moderated", "contribution", dia.Moderate), "Publish or hide a contribution (organisers; hiding needs a reason)", "ContributionModeration", "Contribution"},
		{"GET", "/findings/:id", public, dia.GetFinding, "A finding", "", "Finding"},
		{"PATCH", "/findings/:id", staff, dia.UpdateFinding, "Change a finding (organisers, gathering or synthesis)", "FindingInput", "Finding"},
		{"DELETE", "/findings/:id", staff, dia.DeleteFinding, "Delete a finding (organisers, gathering or synthesis)", "", ""},
		{"GET", "/actions/:id", public, dia.GetAction, "An action with its indicators", "", "Action"},
		{"PATCH", "/actions/:id", staff, dia.UpdateAction, "Change an action or its indicators (organisers)", "ActionInput", "Action"},
		{"POST", "/actions/:id/indicators/:indicatorId/measurements", staff, dia.AddMeasurement, "Record a dated indicator value (organisers)", "MeasurementInput", "Action"},

		// Audit log
		{"GET", "/admin/audit", admin, a.auditAll, "The audit log of sensitive actions, newest first (?before=RFC3339, ?limit=, ?download=true)", "", "AuditList"},
		{"GET", "/organisations/:id/audit", orgAdm, a.auditOrg, "The organisation's audit log (its admins; ?before=, ?limit=, ?download=true)", "", "AuditList"},
		// Recordings, key points and summaries of exchange days
		{"GET", "/exchange-days/:id/recording", record, rec.Recording, "The recording's manifest with chapters by question and speaker (per the day's setting: members, public or host admins; ?link= a private link; speakers see their own turns)", "", "Recording"},
		{"GET", "/exchange-days/:id/recording/download", record, rec.Download, "The whole session as one Ogg Opus file, without removed turns (same access as the recording, or ?link= a private link's token)", "", ""},
		{"POST", "/exchange-days/:id/recording/links", member, a.audited("recording.link_created", "exchange_day", rec.CreateLink), "A member's private link to the recording (signed, expiring; body {hours})", "RecordingLinkInput", "RecordingLink"},
		{"DELETE", "/exchange-days/:id/recording/links", orgAdm, a.audited("recording.links_revoked", "exchange_day", rec.RevokeLinks), "Revoke every private link of the recording (host admins)", "", ""},
		{"GET", "/exchange-days/:id/recording/redactions", party, rec.Redactions, "Requests to remove turns (host admins: all; others: their own)", "", "RedactionList"},
		{"POST", "/exchange-days/:id/recording/redactions", party, rec.RequestRedaction, "Ask to remove my own turns (host admins: any, confirmed at once)", "RedactionInput", "Redaction"},
		{"POST", "/exchange-days/:id/recording/redactions/:rid/confirm", orgAdm, a.audited("recording.turns_removed", "exchange_day", rec.ConfirmRedaction), "Confirm a removal: the turns leave playback, download and search (host admins)", "", "Redaction"},
		{"GET", "/exchange-days/:id/rapporteur", party, rec.Rapporteur, "Who takes notes (key points) during the session (host members and registered participants); those who choose also get the candidates", "", "Rapporteur"},
		{"PUT", "/exchange-days/:id/rapporteur", staff, a.audited("exchange.rapporteur_set", "exchange_day", rec.SetRapporteur), "Choose the day's rapporteur (host admins and professionals)", "RapporteurInput", ""},
		{"GET", "/exchange-days/:id/key-points", party, rec.KeyPoints, "Key points noted during the session (host members and registered participants)", "", "KeyPointList"},
		{"POST", "/exchange-days/:id/key-points", party, rec.AddKeyPoint, "Note a key point for a guide question, stamped with the session time (rapporteur, host, moderators)", "KeyPointInput", "KeyPoint"},
		{"DELETE", "/exchange-days/:id/key-points/:kp", party, rec.DeleteKeyPoint, "Remove a key point (its author, rapporteur, host, moderators)", "", ""},
		{"GET", "/exchange-days/:id/summary", record, rec.Summary, "The summary (published: per the day's setting, public or members; draft: host admins and professionals)", "", "Summary"},
		{"PUT", "/exchange-days/:id/summary", orgAdm, rec.PutSummary, "Edit the summary's sections in Markdown (host admins)", "SummaryInput", "Summary"},
		{"POST", "/exchange-days/:id/summary/publish", orgAdm, rec.PublishSummary, "Publish the summary (host admins)", "", "Summary"},
		// The network of actors
		{"GET", "/actors", public, nw.ListActors, "Actors (?territory=&theme=&kind=&status=pending for moderators and suggesters&cursor=&limit=), from the read model", "", "ActorList"},
		{"POST", "/actors", user, nw.CreateActor, "Add an actor for your organisation (its professionals and admins; self=true adds the organisation itself), or suggest one (anyone signed in; moderated)", "ActorInput", "Actor"},
		{"GET", "/actors/:id", record, nw.GetActor, "An actor (suggestions: their moderators and who suggested them)", "", "Actor"},
		{"PATCH", "/actors/:id", staff, nw.UpdateActor, "Change an actor (staff of the organisation that speaks for it)", "ActorInput", "Actor"},
		{"POST", "/actors/:id/moderation", staff, a.audited("actor.moderated", "actor", nw.Moderate), "Publish or hide a suggested actor (organisations mapping or diagnosing its territory; hiding needs a reason)", "ActorModeration", "Actor"},
		{"POST", "/actors/:id/claim", orgAdm, nw.Claim, "Claim an actor as your organisation on Teixit (its admins; the actor's steward accepts)", "ActorClaimInput", "Actor"},
		{"POST", "/actors/:id/claim/decision", staff, nw.DecideClaim, "Accept or decline a claim (staff of the actor's steward)", "ActorClaimDecision", "Actor"},
		{"GET", "/actors/:id/relations", public, nw.ActorRelations, "An actor's relations (proposed ones: the two organisations only)", "", "RelationList"},
		{"POST", "/relations", user, nw.ProposeRelation, "Propose a relation from an actor your organisation speaks for (confirmed by the other side when it is on Teixit)", "RelationInput", "Relation"},
		{"GET", "/relations/:id", public, nw.GetRelation, "A relation", "", "Relation"},
		{"POST", "/relations/:id/confirm", party, nw.ConfirmRelation, "Confirm a proposed relation (staff of the other side's organisation)", "", "Relation"},
		{"DELETE", "/relations/:id", party, nw.RemoveRelation, "Withdraw or decline a relation (staff of either side)", "", ""},
		{"GET", "/actors/:id/invitations", user, nw.ActorInvitations, "The actor's invitations your organisations sent, with their state (sent, opened, accepted, declined, withdrawn, expired)", "", "InvitationList"},
		{"POST", "/actors/:id/invitations", staff, nw.Invite, "Invite an actor's contact to join Teixit (staff of the organisation that keeps the actor) or a diagnosis (its organisers); emailed when mail is set up, and the link is in the answer", "InvitationInput", "Invitation"},
		{"POST", "/actor-invitations/:id/open", public, nw.OpenInvitation, "Read an invitation with the key of its link (records that it was opened)", "InvitationKey", "Invitation"},
		{"POST", "/actor-invitations/:id/accept", orgAdm, nw.AcceptInvitation, "Accept an invitation as an organisation (its admins; staff when the actor is already that organisation)", "InvitationAnswer", "Invitation"},
		{"POST", "/actor-invitations/:id/decline", public, nw.DeclineInvitation, "Decline an invitation with the key of its link (no account needed), with an optional reason", "InvitationAnswer", "Invitation"},
		{"POST", "/actor-invitations/:id/withdraw", staff, nw.WithdrawInvitation, "Withdraw an open invitation (staff of the inviting organisation)", "", "Invitation"},
		{"GET", "/territories/:id/network", public, nw.Network, "A territory's network: actors (?theme=&kind=), relations, uncovered themes and isolated actors", "", "NetworkGraph"},
		{"GET", "/territories/:id/network.geojson", public, nw.NetworkGeoJSON, "Open data: the territory's public actors as a GeoJSON FeatureCollection, their relations as properties", "", "Object"},
		{"GET", "/territories/:id/network.csv", public, nw.NetworkCSV, "Open data: the territory's public actors and relations as CSV (UTF-8 with BOM)", "", "CSVText"},
		{"GET", "/contributions/:id/practices", public, nw.PracticesFor(network.NeedContribution), "Practices that addressed this need elsewhere (theme and text similarity, explained)", "", "PracticeMatchList"},
		{"GET", "/findings/:id/practices", public, nw.PracticesFor(network.NeedFinding), "Practices that addressed this finding elsewhere (theme and text similarity, explained)", "", "PracticeMatchList"},
		{"GET", "/actions/:id/practices", public, nw.PracticesFor(network.NeedAction), "Practices that addressed this action's needs elsewhere (theme and text similarity, explained)", "", "PracticeMatchList"},
		{"GET", "/practices/:id/needs", public, nw.NeedsFor, "Where the need a practice addresses is raised now: needs and findings of diagnoses, explained", "", "NeedMatchList"},
		// Service evaluation
		{"GET", "/evaluations", public, ev.List, "Evaluations I may see (members of their organisations; public reports), ?org= ?subject= (diagnosis_action:<id> or transfer:<id>); ?cursor=&limit= page through", "", "EvaluationList"},
		{"POST", "/evaluations", user, ev.Create, "Start an evaluation and its first edition (admins of every organising organisation)", "EvaluationInput", "EvaluationCreated"},
		{"GET", "/evaluations/:id", record, ev.Get, "An evaluation with its editions (members, participants; public reports)", "", "EvaluationOverview"},
		{"PATCH", "/evaluations/:id", orgAdm, ev.Update, "Change an evaluation (organisers)", "EvaluationInput", "Evaluation"},
		{"POST", "/evaluations/:id/editions", orgAdm, ev.NewEdition, "Start the next edition from the last one (organisers)", "EditionInput", "Edition"},
		{"GET", "/evaluation-editions/:id", record, ev.GetEdition, "An edition with my group (members, participants)", "", "Edition"},
		{"PATCH", "/evaluation-editions/:id", orgAdm, ev.UpdateEdition, "Change an edition's guide, dates, people or phase (organisers)", "EditionInput", "Edition"},
		{"GET", "/evaluation-editions/:id/participants", orgAdm, ev.Participants, "Participants with their groups (organisers)", "", "PersonList"},
		{"POST", "/evaluation-editions/:id/participants/members", orgAdm, ev.InviteMembers, "Make every member of the invited roles a participant (organisers)", "", "EvaluationAdded"},
		{"POST", "/evaluation-editions/:id/participants/me", user, ev.Join, "Take part: invited role, partner organisation or invitation code", "EvaluationJoinInput", "Edition"},
		{"PATCH", "/evaluation-editions/:id/participants/:userId", orgAdm, ev.Place, "Move a participant to a group or name their team (organisers; threshold kept)", "EvaluationPlaceInput", "Person"},
		{"GET", "/evaluation-editions/:id/groups", record, ev.Groups, "Groups with sizes (shown from the anonymity threshold) and item counts", "", "GroupList"},
		{"POST", "/evaluation-editions/:id/groups", orgAdm, ev.CreateGroup, "Form one more group by hand (organisers; threshold kept)", "EvaluationNewGroupInput", "Group"},
		{"POST", "/evaluation-editions/:id/groups/formation", orgAdm, ev.FormGroups, "Form groups automatically, mixing roles and teams (organisers, preparation)", "", "GroupList"},
		{"GET", "/evaluation-editions/:id/items", orgAdm, ev.Items, "Items attributed to groups, ?group= ?area= ?kind=strength|weakness ?merged=yes|no, ?cursor=&limit= (organisers)", "", "ItemList"},
		{"GET", "/evaluation-groups/:id", party, ev.GetGroup, "A group's table: members, guide and items (its members and organisers)", "", "GroupView"},
		{"PATCH", "/evaluation-groups/:id", orgAdm, a.audited("evaluation.group_changed", "evaluation_group", ev.UpdateGroup), "Rename a group or change its facilitator (organisers)", "EvaluationGroupInput", "Group"},
		{"GET", "/evaluation-groups/:id/live", party, a.Live.Join(), "The group's online room: signalling WebSocket (its members only, group phase, online editions; everyone may speak; media/PROTOCOL.md)", "", ""},
		{"GET", "/evaluation-groups/:id/live/ice-servers", party, a.Live.ICEServers, "STUN/TURN servers for the group's online room (its members)", "", "ICEServers"},
		{"POST", "/evaluation-groups/:id/items", party, ev.AddItem, "Add a strength or weakness at my group's table (its members, group phase)", "EvaluationItemInput", "Item"},
		{"DELETE", "/evaluation-items/:id", party, ev.DeleteItem, "Take an item back (its writer or the facilitator, group phase)", "", ""},
		{"GET", "/evaluation-items/:id/similar", orgAdm, ev.Similar, "Items and merged items of the edition with similar words (organisers)", "", "SuggestionsList"},
		{"GET", "/evaluation-editions/:id/synthesis", record, ev.Synthesis, "Live synthesis: counts, merged items with groups and votes (members and participants); unmerged items too for organisers", "", "Synthesis"},
		{"POST", "/evaluation-editions/:id/points", orgAdm, ev.Merge, "Merge items of this edition into one point (organisers, groups or synthesis)", "EvaluationPointInput", "Point"},
		{"POST", "/evaluation-points/:id/items", orgAdm, ev.AddToPoint, "Merge more items into a point (organisers)", "EvaluationPointInput", "Point"},
		{"DELETE", "/evaluation-points/:id", orgAdm, ev.Unmerge, "Undo a merge (organisers)", "", ""},
		{"POST", "/evaluation-editions/:id/ballot", party, ev.Vote, "Vote priorities among merged items (participants, prioritisation; final)", "EvaluationBallotInput", "EditionMe"},
		{"POST", "/evaluation-editions/:id/measures", orgAdm, ev.CreateMeasure, "Turn weaknesses into an improvement measure with team, date, indicators (organisers)", "MeasureInput", "Measure"},
		{"GET", "/evaluation-editions/:id/dashboard", record, ev.Dashboard, "Measures by status with indicator progress (members, participants)", "", "EvaluationDashboard"},
		{"GET", "/evaluation-measures/:id", record, ev.GetMeasure, "An improvement measure", "", "Measure"},
		{"PATCH", "/evaluation-measures/:id", orgAdm, ev.UpdateMeasure, "Change a measure or its indicators (organisers)", "MeasureInput", "Measure"},
		{"POST", "/evaluation-measures/:id/indicators/:indicatorId/measurements", orgAdm, ev.AddMeasurement, "Record a dated indicator value (organisers)", "MeasurementInput", "Measure"},
		{"GET", "/evaluation-editions/:id/reviews", record, ev.Reviews, "The previous edition's measures with this edition's review", "", "ReviewList"},
		{"PUT", "/evaluation-editions/:id/reviews/:measureId", orgAdm, ev.Review, "Review a measure of the previous edition: done, in progress or dropped (organisers)", "ReviewInput", "Reviewed"},
		{"GET", "/evaluation-editions/:id/comparison", record, ev.Compare, "Merged items raised again, new and no longer raised since the previous edition", "", "Comparison"},
		{"POST", "/evaluation-editions/:id/report", orgAdm, ev.PublishReport, "Publish the report to members or to everyone (organisers, follow-up); participants are told", "EvaluationReportInput", "Edition"},
		{"GET", "/evaluation-editions/:id/report", record, ev.Report, "The report (public, members-only, or a draft for organisers); no personal data", "", "EvaluationReport"},
		{"GET", "/evaluation-editions/:id/export.json", record, ev.ExportJSON, "The report as JSON open data (no personal data)", "", "EvaluationReport"},
		{"GET", "/evaluation-editions/:id/export.csv", record, ev.ExportCSV, "Merged items as CSV open data (no personal data)", "", "CSVText"},
		// Machine translation
		{"GET", "/translations/:kind", public, tr.Ready, "The ready translations into ?lang=ca|es|it|en|fr of up to 100 records of a kind (?ids=a,b,c), those the reader may read, for a list shown in the reader's language; never queues", "", "ShownTranslationList"},
		{"GET", "/translations/:kind/:id/:lang", record, tr.Get, "A record's translation into ca|es|it|en|fr and its state (ready, queued, failed, none, original); readable where the original is; 404 translation_off without an engine", "", "TranslationView"},
		{"POST", "/translations/:kind/:id/:lang", record, tr.Ask, "Ask for it (202 while queued; poll GET): the reader waits, the engine works in the background", "", "TranslationView"},
		{"PUT", "/translations/:kind/:id/:lang", staff, tr.Correct, "Correct a translation (people who may edit the original); marked reviewed", "TranslationCorrection", "TranslationView"},
		// Good practices, transfers, comments, follows and notifications
		{"GET", "/practices/export.csv", public, pr.ExportCSV, "Open data: every published practice as CSV (UTF-8 with BOM; no personal data)", "", "CSVText"},
		{"GET", "/practices/export.json", public, pr.ExportJSON, "Open data: every published practice as JSON (no personal data)", "", "PracticeOpenData"},
		{"GET", "/practices", public, pr.List, "Published practices (?theme=&territory=&org=&lang=&status=&sort=newest|transferred|rated&cursor=&limit=)", "", "PracticeList"},
		{"POST", "/practices", user, pr.Create, "Write a draft practice (professionals and admins of its organisation)", "PracticeInput", "Practice"},
		{"GET", "/practices/:id", record, pr.Get, "A practice in ?lang=, the reader's language or the original", "", "Practice"},
		{"PATCH", "/practices/:id", staff, pr.Update, "Change a practice (its organisation's professionals and admins; published → new version)", "PracticeInput", "Practice"},
		{"POST", "/practices/:id/publish", staff, pr.Publish, "Publish a complete draft (400 lists what is missing)", "", "Practice"},
		{"POST", "/practices/:id/archive", staff, pr.Archive, "Archive a published practice", "", "Practice"},
		{"PUT", "/practices/:id/translations/:lang", staff, pr.PutTranslation, "Replace the translation into ca|es|it|en|fr", "TranslationInput", "Practice"},
		{"GET", "/practices/:id/versions", public, pr.Versions, "Published versions, newest first", "", "VersionList"},
		{"GET", "/practices/:id/versions/:n/diff", public, pr.Diff, "Line diff per field between version n-1 and n", "", "Diff"},
		{"GET", "/practices/:id/related", public, pr.Related, "Practices like this one that the reader may see (?limit=)", "", "PracticeList"},
		{"GET", "/practices/:id/transfers", public, pr.Transfers, "Where a practice has been transferred and how it went", "", "TransferList"},
		{"POST", "/practices/:id/transfers", user, pr.CreateTransfer, "Declare that your organisation adopts a practice (its professionals and admins)", "TransferInput", "Transfer"},
		{"GET", "/transfers/:id", public, pr.GetTransfer, "A transfer with its stages and outcome", "", "Transfer"},
		{"PATCH", "/transfers/:id", party, pr.PatchTransfer, "Move a transfer to its next stage, edit notes and outcome (adopting organisation)", "TransferPatch", "Transfer"},
		{"GET", "/transfers/:id/updates", public, pr.Updates, "Dated updates of a transfer, newest first", "", "UpdateList"},
		{"POST", "/transfers/:id/updates", party, pr.AddUpdate, "Post an update (adopting organisation) or a reply (origin organisation)", "UpdateInput", "Update"},
		{"GET", "/practices/:id/comments", public, cm.ListFor(practice.IndexKind), "Comments on a practice, oldest first (?cursor=&limit=&parentCommentId=; ?status=hidden|reported for moderators)", "", "CommentList"},
		{"POST", "/practices/:id/comments", user, cm.CreateFor(practice.IndexKind), "Comment on a published practice, or reply to a comment", "CommentInput", "Comment"},
		{"GET", "/contributions/:id/comments", public, cm.ListFor(diagnosis.KindContribution), "Comments on a contribution, oldest first (?cursor=&limit=&parentCommentId=; ?status=hidden|reported for moderators)", "", "CommentList"},
		{"POST", "/contributions/:id/comments", user, cm.CreateFor(diagnosis.KindContribution), "Comment on a published contribution, or reply to a comment", "CommentInput", "Comment"},
		{"GET", "/exchange-days/:id/summary/comments", public, cm.ListFor(recording.SummaryKind), "Comments on a day's published summary, oldest first, public when the summary is, else for the host's members (?cursor=&limit=&parentCommentId=; ?status=hidden|reported for moderators)", "", "CommentList"},
		{"POST", "/exchange-days/:id/summary/comments", user, cm.CreateFor(recording.SummaryKind), "Comment on a day's published summary, or reply to a comment", "CommentInput", "Comment"},
		{"GET", "/findings/:id/comments", public, cm.ListFor(diagnosis.KindFinding), "Comments on a finding, oldest first (?cursor=&limit=&parentCommentId=; ?status=hidden|reported for moderators)", "", "CommentList"},
		{"POST", "/findings/:id/comments", user, cm.CreateFor(diagnosis.KindFinding), "Comment on a finding, or reply to a comment", "CommentInput", "Comment"},
		{"PATCH", "/comments/:id", party, cm.Edit, "Edit your comment (within 15 minutes)", "CommentEdit", "Comment"},
		{"POST", "/comments/:id/report", user, cm.Report, "Report a comment to the moderators", "ReportInput", "Comment"},
		{"POST", "/comments/:id/moderation", orgAdm, a.audited("comment.moderated", "comment", cm.Moderate), "Hide or publish a comment (the target organisation's admins)", "ModerationInput", "Comment"},
		{"GET", "/follows", self, nt.Follows, "What I follow", "", "FollowList"},
		{"POST", "/follows", self, nt.Follow, "Follow a practice, an organisation or a theme", "FollowInput", "Follow"},
		{"DELETE", "/follows", self, nt.Unfollow, "Unfollow (?kind=&target=)", "", ""},
		{"GET", "/notifications", self, nt.List, "My notifications, unread first (?cursor=&limit=)", "", "NotificationPage"},
		{"POST", "/notifications/read-all", self, nt.ReadAll, "Mark all my notifications read", "", ""},
		{"POST", "/notifications/:id/read", self, nt.Read, "Mark a notification read", "", ""},
		{"GET", "/me/notification-settings", self, nt.GetSettings, "How I get notices by email: immediate, daily (digest) or never", "", "NotificationSettings"},
		{"PUT", "/me/notification-settings", self, nt.PutSettings, "Choose how I get notices by email", "NotificationSettingsInput", "NotificationSettings"},
	}
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

	// Consistent first: a person's next read, on any node, waits for their last write (and its session change).
	api := a.Fiber.Group(APIPrefix, httpx.JSONBodyLimit(a.Config.BodyLimit),
		a.ReadModel.Consistent(a.Config.SecureCookies()), auth.Middleware(a.Accounts))
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
