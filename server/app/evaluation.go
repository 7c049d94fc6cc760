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
