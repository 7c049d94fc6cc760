package diagnosis

import (
	"context"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/followup"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/store"
)

// IndicatorInput and MeasurementInput are the shared ones of package followup.
type (
	IndicatorInput   = followup.IndicatorInput
	MeasurementInput = followup.MeasurementInput
)

// ActionInput creates or changes an action; nil fields are left alone on update. Indicators, when given,
// replace the list of definitions (indicators left out are removed with their measurements).
type ActionInput struct {
	Title                   *string           `json:"title" api:"required"`
	Description             *string           `json:"description"`
	ResponsibleOrganisation *string           `json:"responsibleOrganisationId" api:"required"`
	FindingIDs              *[]string         `json:"findingIds"`
	Status                  *string           `json:"status"`
	Indicators              *[]IndicatorInput `json:"indicators"`
	// AdoptPracticeID, on create, makes the action "adopt this practice": a transfer of the practice to the
	// responsible organisation starts with it, and the action shows its stage.
	AdoptPracticeID *string `json:"adoptPracticeId"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ActionInput) Enums() map[string][]string {
	return map[string][]string{"status": ActionStatuses}
}

func (s *Service) validateAction(ctx context.Context, d *diagDoc, a *actionDoc, in ActionInput, create bool) error {
	fields := apperr.Fields{}
	if in.Title != nil || create {
		a.Title = strings.TrimSpace(deref(in.Title))
		fields.Length("title", a.Title, 3, 200)
	}
	if in.Description != nil {
		a.Description = strings.TrimSpace(*in.Description)
		fields.MaxLength("description", a.Description, 5000)
	}
	if in.ResponsibleOrganisation != nil || create {
		a.ResponsibleOrgID = deref(in.ResponsibleOrganisation)
		if !slices.Contains(d.OrgIDs, a.ResponsibleOrgID) {
			fields["responsibleOrganisationId"] = apperr.Because("not_organising")
		}
	}
	if in.Status != nil || create {
		a.Status = deref(in.Status)
		if create && a.Status == "" {
			a.Status = "planned"
		}
		if !slices.Contains(ActionStatuses, a.Status) {
			fields["status"] = apperr.OneOf(ActionStatuses...)
		}
	}
	if in.FindingIDs != nil {
		ids := clean.Unique(*in.FindingIDs)
		if len(ids) > MaxLinkedFindings {
			fields["findingIds"] = apperr.MaxItems(50)
		}
		for _, id := range ids {
			if len(fields) > 0 {
				break
			}
			var f findingDoc
			err := s.st.GetRef(ctx, colFindings, id, &f)
			if store.IsNotFound(err) || (err == nil && f.DiagnosisID != d.ID) {
				fields["findingIds"] = apperr.UnknownRef()
			} else if err != nil {
				return err
			}
		}
		a.FindingIDs = ids
	}
	if in.Indicators != nil {
		a.Indicators = followup.Apply(a.Indicators, *in.Indicators, fields)
	}
	return apperr.Validation(fields)
}

// CreateAction adds an action to the plan (organisers; any phase: plans are often drafted early).
func (s *Service) CreateAction(ctx context.Context, p *auth.Principal, diagID string, in ActionInput) (*Action, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	if err := s.requireOrganiser(ctx, p, d, "Only professionals of the organising organisations plan actions."); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	a := &actionDoc{ID: store.NewID(), DiagnosisID: d.ID, FindingIDs: []string{}, Indicators: []indicatorDoc{},
		CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	if err := s.validateAction(ctx, d, a, in, true); err != nil {
		return nil, err
	}
	if in.AdoptPracticeID != nil {
		// the transfer first: the action then points at something that exists (a crash in between leaves an
		// adoption the practice shows, and the organisers can create the action again: it links that transfer)
		if s.transfers == nil || !store.ValidID(*in.AdoptPracticeID) {
			return nil, apperr.Validation(apperr.Fields{"adoptPracticeId": apperr.UnknownRef()})
		}
		tid, err := s.transfers.Adopt(ctx, p, *in.AdoptPracticeID, a.ResponsibleOrgID, TransferVia{DiagnosisID: d.ID, ActionID: a.ID, TerritoryID: d.TerritoryID})
		if err != nil {
			return nil, err
		}
		a.PracticeID, a.TransferID = *in.AdoptPracticeID, tid
	}
	if err := s.rm.Changed(ctx, KindAction, a.ID, func() error { return s.st.Insert(ctx, colActions, a) }); err != nil {
		return nil, err
	}
	s.announce(ctx, d, notify.Event{Kind: NoticeAction, Title: a.Title, Link: "/diagnoses/" + d.ID + "?action=" + a.ID, Actor: p.UserID})
	return s.actionView(ctx, p, a), nil
}

// actionView is the API form of an action, with the stage of the transfer it started (if any) as p sees it.
func (s *Service) actionView(ctx context.Context, p *auth.Principal, a *actionDoc) *Action {
	out := a.api()
	if out.Practice != nil && s.transfers != nil {
		out.Practice.Stage, out.Practice.Title, _ = s.transfers.Stage(ctx, p, a.TransferID)
	}
	return &out
}

func (s *Service) action(ctx context.Context, id string) (*actionDoc, *diagDoc, error) {
	return partOf(ctx, s, colActions, id, errActionNotFound, func(a *actionDoc) string { return a.DiagnosisID })
}

// GetAction returns one action (actions are public).
func (s *Service) GetAction(ctx context.Context, id string) (*Action, error) {
	a, _, err := s.action(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.actionView(ctx, nil, a), nil
}

// UpdateAction changes an action (organisers).
func (s *Service) UpdateAction(ctx context.Context, p *auth.Principal, id string, in ActionInput) (*Action, error) {
	var moved *diagDoc
	var status string
	out, err := s.modifyAction(ctx, p, id, func(d *diagDoc, a *actionDoc) error {
		before := a.Status
		if err := s.validateAction(ctx, d, a, in, false); err != nil {
			return err
		}
		moved, status = nil, a.Status
		if a.Status != before {
			moved = d
		}
		return nil
	})
	if err == nil && moved != nil { // the action plan moved: its status changed
		s.announce(ctx, moved, notify.Event{Kind: NoticeAction, Title: out.Title + " · " + status,
			Link: "/diagnoses/" + moved.ID + "?action=" + out.ID, Actor: p.UserID})
	}
	return out, err
}

// AddMeasurement records a dated value of an indicator (organisers). Measurements stay in date order.
func (s *Service) AddMeasurement(ctx context.Context, p *auth.Principal, id, indicatorID string, in MeasurementInput) (*Action, error) {
	if err := followup.CheckMeasurement(in, s.now()); err != nil {
		return nil, err
	}
	return s.modifyAction(ctx, p, id, func(_ *diagDoc, a *actionDoc) error {
		return followup.Record(a.Indicators, indicatorID, in)
	})
}

// modifyAction is a read-modify-write of an action guarded by its revision (the store has no positional
// updates inside arrays): on a concurrent change it reloads and retries a few times, then answers 409.
func (s *Service) modifyAction(ctx context.Context, p *auth.Principal, id string, change func(*diagDoc, *actionDoc) error) (*Action, error) {
	for attempt := 0; attempt < 5; attempt++ {
		a, d, err := s.action(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.requireOrganiser(ctx, p, d, "Only professionals of the organising organisations change actions."); err != nil {
			return nil, err
		}
		if err := change(d, a); err != nil {
			return nil, err
		}
		rev := a.Rev
		a.Rev, a.UpdatedAt = rev+1, s.now().UTC()
		err = s.rm.Changed(ctx, KindAction, id, func() error {
			return s.st.updateIf(ctx, colActions, id, rev, bson.M{"$set": bson.M{"title": a.Title, "description": a.Description,
				"responsibleOrgId": a.ResponsibleOrgID, "findingIds": a.FindingIDs, "status": a.Status,
				"indicators": a.Indicators, "rev": a.Rev, "updatedAt": a.UpdatedAt}})
		})
		if store.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return s.actionView(ctx, p, a), nil
	}
	return nil, apperr.New(apperr.Conflict, "concurrent_change", "The action changed meanwhile: try again.")
}

// Actions lists a diagnosis's actions from the read model, optionally with one status.
func (s *Service) Actions(ctx context.Context, p *auth.Principal, diagID, status, cursor string, n int) ([]Action, string, error) {
	filters, err := s.partsFilter(ctx, diagID, "action_status", "status", status, ActionStatuses)
	if err != nil {
		return nil, "", err
	}
	return listed(ctx, s, p, search.ListRequest{Kind: KindAction, Filters: filters, Sort: "created",
		Cursor: cursor, PerPage: paging.Lists.Of(n)}, colActions, func(d *actionDoc) Action { return *s.actionView(ctx, p, d) })
}
