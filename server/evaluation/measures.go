package evaluation

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/followup"
	"github.com/teixit/teixit/server/store"
)

// MeasureInput creates or changes an improvement measure; nil fields are left alone on update.
type MeasureInput struct {
	Title           *string                    `json:"title"`
	Description     *string                    `json:"description"`
	ResponsibleTeam *string                    `json:"responsibleTeam"`
	Due             *string                    `json:"due"`
	PointIDs        *[]string                  `json:"pointIds"`
	Status          *string                    `json:"status"`
	Indicators      *[]followup.IndicatorInput `json:"indicators"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (MeasureInput) Enums() map[string][]string {
	return map[string][]string{"status": MeasureStatuses}
}

func (s *Service) applyMeasure(ctx context.Context, ed *editionDoc, m *measureDoc, in MeasureInput, create bool) error {
	fields := apperr.Fields{}
	if in.Title != nil || create {
		t := ""
		if in.Title != nil {
			t = *in.Title
		}
		textField(fields, "title", &t, 3, 200, &m.Title)
	}
	if in.Description != nil {
		textField(fields, "description", in.Description, 0, 5000, &m.Description)
	}
	if in.ResponsibleTeam != nil || create {
		t := ""
		if in.ResponsibleTeam != nil {
			t = *in.ResponsibleTeam
		}
		textField(fields, "responsibleTeam", &t, 2, 120, &m.ResponsibleTeam)
	}
	if in.Due != nil {
		if *in.Due != "" && !followup.ValidDate(*in.Due) {
			fields["due"] = apperr.Date()
		}
		m.Due = *in.Due
	}
	if in.Status != nil || create {
		st := "planned"
		if in.Status != nil {
			st = *in.Status
		}
		if !slices.Contains(MeasureStatuses, st) {
			fields["status"] = apperr.OneOf(MeasureStatuses...)
		}
		m.Status = st
	}
	if in.PointIDs != nil {
		ids := clean.Unique(*in.PointIDs)
		if len(ids) > MaxPointsPerMeasure {
			fields["pointIds"] = apperr.MaxItems(MaxPointsPerMeasure)
		}
		for _, id := range ids {
			var pt pointDoc
			err := s.st.GetRef(ctx, colPoints, id, &pt)
			if store.IsNotFound(err) || (err == nil && (pt.EditionID != ed.ID || pt.Kind != "weakness")) {
				fields["pointIds"] = apperr.Because("weaknesses_only")
				break
			} else if err != nil {
				return err
			}
		}
		m.PointIDs = ids
	}
	if in.Indicators != nil {
		m.Indicators = followup.Apply(m.Indicators, *in.Indicators, fields)
	}
	return apperr.Validation(fields)
}

// CreateMeasure turns weaknesses into an improvement measure with a responsible team, a date and
// indicators (organisers; any phase from the synthesis on).
func (s *Service) CreateMeasure(ctx context.Context, p *auth.Principal, edID string, in MeasureInput) (*Measure, error) {
	ed, ev, _, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers decide measures.")
	if err != nil {
		return nil, err
	}
	if ed.Phase == PhasePreparation || ed.Phase == PhaseGroups {
		return nil, wrongPhase(ed.Phase, "measures come from the synthesis on")
	}
	now := s.now().UTC()
	m := &measureDoc{ID: store.NewID(), EditionID: ed.ID, EvaluationID: ev.ID, PointIDs: []string{},
		Indicators: []followup.IndicatorDoc{}, CreatedAt: now, UpdatedAt: now}
	if err := s.applyMeasure(ctx, ed, m, in, true); err != nil {
		return nil, err
	}
	if err := s.rm.Changed(ctx, KindMeasure, m.ID, func() error { return s.st.Insert(ctx, colMeasures, m) }); err != nil {
		return nil, err
	}
	out := m.api()
	return &out, nil
}

func (s *Service) measure(ctx context.Context, p *auth.Principal, id string) (*measureDoc, *editionDoc, rights, error) {
	m, err := store.GetByID[measureDoc](ctx, s.st.Store, colMeasures, id, errMeasureNotFound)
	if err != nil {
		return nil, nil, rights{}, err
	}
	ed, _, r, err := s.editionFor(ctx, p, m.EditionID)
	if err != nil && apperr.IsKind(err, apperr.NotFound) {
		err = errMeasureNotFound
	}
	return m, ed, r, err
}

// GetMeasure returns a measure (readers of its edition).
func (s *Service) GetMeasure(ctx context.Context, p *auth.Principal, id string) (*Measure, error) {
	m, _, _, err := s.measure(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := m.api()
	return &out, nil
}

// UpdateMeasure changes a measure (organisers).
func (s *Service) UpdateMeasure(ctx context.Context, p *auth.Principal, id string, in MeasureInput) (*Measure, error) {
	return s.modifyMeasure(ctx, p, id, func(ed *editionDoc, m *measureDoc) error { return s.applyMeasure(ctx, ed, m, in, false) })
}

// AddMeasurement records a dated value of one of a measure's indicators (organisers), as for a
// diagnosis's action.
func (s *Service) AddMeasurement(ctx context.Context, p *auth.Principal, id, indicatorID string, in followup.MeasurementInput) (*Measure, error) {
	if err := followup.CheckMeasurement(in, s.now()); err != nil {
		return nil, err
	}
	return s.modifyMeasure(ctx, p, id, func(_ *editionDoc, m *measureDoc) error {
		return followup.Record(m.Indicators, indicatorID, in)
	})
}

// modifyMeasure is a read-modify-write guarded by the measure's revision; a concurrent change is retried,
// then answered 409 concurrent_change.
func (s *Service) modifyMeasure(ctx context.Context, p *auth.Principal, id string, change func(*editionDoc, *measureDoc) error) (*Measure, error) {
	for attempt := 0; attempt < 5; attempt++ {
		m, ed, r, err := s.measure(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if err := requireOrganiser(p, r, "Only the organisers change measures."); err != nil {
			return nil, err
		}
		if err := change(ed, m); err != nil {
			return nil, err
		}
		rev := m.Rev
		m.Rev, m.UpdatedAt = rev+1, s.now().UTC()
		err = s.rm.Changed(ctx, KindMeasure, id, func() error {
			return s.st.updateIf(ctx, colMeasures, id, rev, bson.M{"$set": bson.M{"title": m.Title, "description": m.Description,
				"responsibleTeam": m.ResponsibleTeam, "due": m.Due, "pointIds": m.PointIDs, "status": m.Status,
				"indicators": m.Indicators, "rev": m.Rev, "updatedAt": m.UpdatedAt}})
		})
		if store.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out := m.api()
		return &out, nil
	}
	return nil, apperr.New(apperr.Conflict, "concurrent_change", "The measure changed meanwhile: try again.")
}

// measures reads every measure of an edition through the read model (bounded at 500).
func (s *Service) measures(ctx context.Context, edID string) ([]Measure, error) {
	docs, err := everyListed[measureDoc](ctx, s, KindMeasure, colMeasures, map[string][]string{"parent": {edID}}, 500)
	if err != nil {
		return nil, err
	}
	out := make([]Measure, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.api())
	}
	return out, nil
}

// Trend is one indicator's course on the evaluation's dashboard (followup.Progress).
type Trend struct {
	MeasureID    string                 `json:"measureId"`
	MeasureTitle string                 `json:"measureTitle"`
	Indicator    followup.Indicator     `json:"indicator"`
	Latest       *float64               `json:"latest"`
	Progress     *float64               `json:"progress"`
	Measurements []followup.Measurement `json:"measurements"`
}

// Dashboard is an edition's measures by status with each indicator's progress.
type Dashboard struct {
	EditionID string    `json:"editionId"`
	Measures  []Measure `json:"measures"`
	ByStatus  []Count   `json:"byStatus"`
	Trends    []Trend   `json:"trends"`
}

// Dashboard follows an edition's measures (readers of the edition).
func (s *Service) Dashboard(ctx context.Context, p *auth.Principal, edID string) (*Dashboard, error) {
	ed, _, _, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	ms, err := s.measures(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	out := &Dashboard{EditionID: ed.ID, Measures: ms, Trends: []Trend{}}
	by := map[string]int{}
	for _, m := range ms {
		by[m.Status]++
		for _, ind := range m.Indicators {
			l, pr := followup.Progress(ind)
			out.Trends = append(out.Trends, Trend{MeasureID: m.ID, MeasureTitle: m.Title, Indicator: ind, Latest: l, Progress: pr, Measurements: ind.Measurements})
		}
	}
	for _, st := range MeasureStatuses {
		if by[st] > 0 {
			out.ByStatus = append(out.ByStatus, Count{Value: st, Count: by[st]})
		}
	}
	return out, nil
}
