package app

import (
	"context"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/readmodel"
)

// buildEvaluations wires evaluations (server/evaluation): organisations for roles and members, the read
// model (with full-text search for merge suggestions), diagnosis actions and practice transfers as
// subjects, and notifications.
func (a *App) buildEvaluations() {
	a.Evaluations = evaluation.NewService(evaluation.Deps{Store: evaluation.NewStore(a.Store), Orgs: a.Organisations,
		ReadModel: evaluationIndex{a.ReadModel}, Subjects: evaluationSubjects{a}, Notify: a.Notify})
	for _, kind := range evaluation.Kinds {
		a.ReadModel.Register(kind, readmodel.Kind{Load: a.Evaluations.LoadOf(kind), All: a.Evaluations.AllOf(kind),
			Count: a.Evaluations.CountOf(kind), Link: evaluation.Link(kind)})
	}
	a.Accounts.AddHook(a.Evaluations)
}

// evaluationIndex adds the index's full-text search (merge suggestions) to the read model.
type evaluationIndex struct{ *readmodel.ReadModel }

func (e evaluationIndex) Find(ctx context.Context, r search.Reader, req search.SearchRequest) (*search.SearchResult, error) {
	return e.Index.Search(ctx, r, req)
}

// liveRooms admits people to the live rooms of the one SFU (server/live): exchange days' sessions, and the
// online rooms of evaluation groups (keyed by the group's id), where every member of the group may speak —
// they enter as moderators, so there is no floor queue — and nobody else enters. Rooms of both kinds share
// the signalling, ownership leases and relays between nodes; a group has no host, so nobody ends it for
// good and nobody records it.
type liveRooms struct {
	days   *exchange.Service
	groups *evaluation.Service
}

func (r liveRooms) Admit(ctx context.Context, p *auth.Principal, id string) (*exchange.Admission, error) {
	if !evaluation.IsGroupID(id) {
		return r.days.Admit(ctx, p, id)
	}
	adm, err := r.groups.AdmitRoom(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &exchange.Admission{DayID: adm.GroupID, Role: string(room.Moderator), Questions: adm.Areas, Capacity: adm.Size}, nil
}

func (r liveRooms) Get(ctx context.Context, p *auth.Principal, id string) (*exchange.Day, error) {
	return r.days.Get(ctx, p, id)
}

// evaluationSubjects names the diagnosis action or practice transfer an evaluation is about.
type evaluationSubjects struct{ a *App }

func (s evaluationSubjects) SubjectName(ctx context.Context, p *auth.Principal, kind, ref string) (string, error) {
	switch kind {
	case evaluation.SubjectAction:
		act, err := s.a.Diagnoses.GetAction(ctx, ref)
		if err != nil {
			return "", err
		}
		return act.Title, nil
	case evaluation.SubjectTransfer:
		t, err := s.a.Practices.GetTransfer(ctx, p, ref)
		if err != nil {
			return "", err
		}
		return t.AdopterName, nil
	}
	return "", apperr.NotFoundf("The subject")
}

// evaluationRoutes are the routes of evaluations; finer rules (organiser, participant, group member) are
// checked by the service's one access rule and named in each summary.
func (a *App) evaluationRoutes() []route {
	ev := evaluation.NewHandlers(a.Evaluations)
	return []route{
		{"GET", "/evaluations", public, ev.List, "Evaluations I may see (members of their organisations; public reports), ?org= ?subject=<diagnosis_action|transfer>:<id>", "", "EvaluationList"},
		{"POST", "/evaluations", user, ev.Create, "Start an evaluation and its first edition (admins of every organising organisation)", "EvaluationInput", "EvaluationCreated"},
		{"GET", "/evaluations/:id", public, ev.Get, "An evaluation with its editions (members, participants; public reports)", "", "EvaluationOverview"},
		{"PATCH", "/evaluations/:id", user, ev.Update, "Change an evaluation (organisers)", "EvaluationInput", "Evaluation"},
		{"POST", "/evaluations/:id/editions", user, ev.NewEdition, "Start the next edition from the last one (organisers)", "EditionInput", "Edition"},
		{"GET", "/evaluation-editions/:id", public, ev.GetEdition, "An edition with my group (members, participants)", "", "Edition"},
		{"PATCH", "/evaluation-editions/:id", user, ev.UpdateEdition, "Change an edition's guide, dates, people or phase (organisers)", "EditionInput", "Edition"},
		{"GET", "/evaluation-editions/:id/participants", user, ev.Participants, "Participants with their groups (organisers)", "", "PersonList"},
		{"POST", "/evaluation-editions/:id/participants/members", user, ev.InviteMembers, "Make every member of the invited roles a participant (organisers)", "", "EvaluationAdded"},
		{"POST", "/evaluation-editions/:id/participants/me", user, ev.Join, "Take part: invited role, partner organisation or invitation code", "EvaluationJoinInput", "Edition"},
		{"PATCH", "/evaluation-editions/:id/participants/:userId", user, ev.Place, "Move a participant to a group or name their team (organisers; threshold kept)", "EvaluationPlaceInput", "Person"},
		{"GET", "/evaluation-editions/:id/groups", user, ev.Groups, "Groups with sizes (shown from the anonymity threshold) and item counts", "", "GroupList"},
		{"POST", "/evaluation-editions/:id/groups", user, ev.CreateGroup, "Form one more group by hand (organisers; threshold kept)", "EvaluationNewGroupInput", "Group"},
		{"POST", "/evaluation-editions/:id/groups/formation", user, ev.FormGroups, "Form groups automatically, mixing roles and teams (organisers, preparation)", "", "GroupList"},
		{"GET", "/evaluation-editions/:id/items", user, ev.Items, "Items attributed to groups, ?group= ?area= ?kind= ?merged=yes|no (organisers)", "", "ItemList"},
		{"GET", "/evaluation-groups/:id", user, ev.GetGroup, "A group's table: members, guide and items (its members and organisers)", "", "GroupView"},
		{"PATCH", "/evaluation-groups/:id", user, ev.UpdateGroup, "Rename a group or change its facilitator (organisers)", "EvaluationGroupInput", "Group"},
		{"GET", "/evaluation-groups/:id/live", user, a.Live.Join(), "The group's online room: signalling WebSocket (its members only, group phase, online editions; everyone may speak; media/PROTOCOL.md)", "", ""},
		{"GET", "/evaluation-groups/:id/live/ice-servers", user, a.Live.ICEServers, "STUN/TURN servers for the group's online room (its members)", "", "ICEServers"},
		{"POST", "/evaluation-groups/:id/items", user, ev.AddItem, "Add a strength or weakness at my group's table (its members, group phase)", "EvaluationItemInput", "Item"},
		{"DELETE", "/evaluation-items/:id", user, ev.DeleteItem, "Take an item back (its writer or the facilitator, group phase)", "", ""},
		{"GET", "/evaluation-items/:id/similar", user, ev.Similar, "Items and merged items of the edition with similar words (organisers)", "", "SuggestionsList"},
		{"GET", "/evaluation-editions/:id/synthesis", user, ev.Synthesis, "Live synthesis: counts, merged items with groups and votes, unmerged items (organisers)", "", "Synthesis"},
		{"POST", "/evaluation-editions/:id/points", user, ev.Merge, "Merge items of this edition into one point (organisers, groups or synthesis)", "EvaluationPointInput", "Point"},
		{"POST", "/evaluation-points/:id/items", user, ev.AddToPoint, "Merge more items into a point (organisers)", "EvaluationPointInput", "Point"},
		{"DELETE", "/evaluation-points/:id", user, ev.Unmerge, "Undo a merge (organisers)", "", ""},
		{"POST", "/evaluation-editions/:id/ballot", user, ev.Vote, "Vote priorities among merged items (participants, prioritisation; final)", "EvaluationBallotInput", "EditionMe"},
		{"POST", "/evaluation-editions/:id/measures", user, ev.CreateMeasure, "Turn weaknesses into an improvement measure with team, date, indicators (organisers)", "MeasureInput", "Measure"},
		{"GET", "/evaluation-editions/:id/dashboard", user, ev.Dashboard, "Measures by status with indicator progress (members, participants)", "", "EvaluationDashboard"},
		{"GET", "/evaluation-measures/:id", user, ev.GetMeasure, "An improvement measure", "", "Measure"},
		{"PATCH", "/evaluation-measures/:id", user, ev.UpdateMeasure, "Change a measure or its indicators (organisers)", "MeasureInput", "Measure"},
		{"POST", "/evaluation-measures/:id/indicators/:indicatorId/measurements", user, ev.AddMeasurement, "Record a dated indicator value (organisers)", "MeasurementInput", "Measure"},
		{"GET", "/evaluation-editions/:id/reviews", user, ev.Reviews, "The previous edition's measures with this edition's review", "", "ReviewList"},
		{"PUT", "/evaluation-editions/:id/reviews/:measureId", user, ev.Review, "Review a measure of the previous edition: done, in progress or dropped (organisers)", "ReviewInput", "Reviewed"},
		{"GET", "/evaluation-editions/:id/comparison", user, ev.Compare, "Merged items raised again, new and no longer raised since the previous edition", "", "Comparison"},
		{"POST", "/evaluation-editions/:id/report", user, ev.PublishReport, "Publish the report to members or to everyone (organisers, follow-up); participants are told", "EvaluationReportInput", "Edition"},
		{"GET", "/evaluation-editions/:id/report", public, ev.Report, "The report (public, members-only, or a draft for organisers); no personal data", "", "EvaluationReport"},
		{"GET", "/evaluation-editions/:id/export.json", public, ev.ExportJSON, "The report as JSON open data (no personal data)", "", "EvaluationReport"},
		{"GET", "/evaluation-editions/:id/export.csv", public, ev.ExportCSV, "Merged items as CSV open data (no personal data)", "", "CSVText"},
	}
}
