package evaluation

import (
	"context"
	"slices"
	"strings"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// Reviewed is an earlier edition's measure with this edition's judgement of it (none yet: Status empty).
type Reviewed struct {
	Measure Measure `json:"measure"`
	Status  string  `json:"status,omitempty"`
	Note    string  `json:"note,omitempty"`
}

// ReviewInput judges an earlier measure: done, in progress or dropped, with a note.
type ReviewInput struct {
	Status string `json:"status" api:"required"`
	Note   string `json:"note"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ReviewInput) Enums() map[string][]string {
	return map[string][]string{"status": ReviewStatuses}
}

// Reviews lists the previous edition's measures with this edition's reviews (readers).
func (s *Service) Reviews(ctx context.Context, p *auth.Principal, edID string) ([]Reviewed, error) {
	ed, _, _, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	return s.reviews(ctx, ed)
}

func (s *Service) reviews(ctx context.Context, ed *editionDoc) ([]Reviewed, error) {
	out := []Reviewed{}
	if ed.PreviousID == "" {
		return out, nil
	}
	ms, err := s.measures(ctx, ed.PreviousID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		rv := Reviewed{Measure: m}
		var d reviewDoc
		if err := s.st.Get(ctx, colReviews, participantID(ed.ID, m.ID), &d); err == nil {
			rv.Status, rv.Note = d.Status, d.Note
		} else if !store.IsNotFound(err) {
			return nil, err
		}
		out = append(out, rv)
	}
	return out, nil
}

// Review records this edition's judgement of a measure of the previous edition (organisers; a later
// review replaces an earlier one). A measure of any other edition is a 400.
func (s *Service) Review(ctx context.Context, p *auth.Principal, edID, measureID string, in ReviewInput) (*Reviewed, error) {
	ed, _, _, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers review measures.")
	if err != nil {
		return nil, err
	}
	fields := apperr.Fields{}
	if !slices.Contains(ReviewStatuses, in.Status) {
		fields["status"] = apperr.OneOf(ReviewStatuses...)
	}
	note := strings.TrimSpace(in.Note)
	fields.MaxLength("note", note, 2000)
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	var m measureDoc
	err = store.ErrNotFound
	if store.ValidID(measureID) && ed.PreviousID != "" {
		err = s.st.Get(ctx, colMeasures, measureID, &m)
	}
	if store.IsNotFound(err) || (err == nil && m.EditionID != ed.PreviousID) {
		return nil, apperr.Validation(apperr.Fields{"measureId": apperr.Because("not_previous_edition")})
	} else if err != nil {
		return nil, err
	}
	d := reviewDoc{ID: participantID(ed.ID, m.ID), EditionID: ed.ID, MeasureID: m.ID, Status: in.Status, Note: note, ReviewedAt: s.now().UTC()}
	if err := s.st.replace(ctx, colReviews, d.ID, &d); err != nil {
		return nil, err
	}
	return &Reviewed{Measure: m.api(), Status: d.Status, Note: d.Note}, nil
}

// Comparison sets an edition's merged points against the previous edition's: raised again (a point
// linked to one of last time), new, and no longer raised (last time's points nobody linked), with counts
// per kind for the chart.
type Comparison struct {
	EditionID      string  `json:"editionId"`
	PreviousID     string  `json:"previousId,omitempty"`
	RaisedAgain    []Point `json:"raisedAgain"`
	New            []Point `json:"new"`
	NoLongerRaised []Point `json:"noLongerRaised"`
	Counts         []Bar   `json:"counts"`
}

// Bar is one bar of the comparison chart: a kind (strength/weakness) and a status with its count.
type Bar struct {
	Kind   string `json:"kind"`
	Status string `json:"status"` // raised_again | new | no_longer_raised
	Count  int    `json:"count"`
}

// Compare builds the comparison (readers of the edition).
func (s *Service) Compare(ctx context.Context, p *auth.Principal, edID string) (*Comparison, error) {
	ed, _, _, err := s.editionFor(ctx, p, edID)
	if err != nil {
		return nil, err
	}
	return s.compare(ctx, ed)
}

func (s *Service) compare(ctx context.Context, ed *editionDoc) (*Comparison, error) {
	out := &Comparison{EditionID: ed.ID, PreviousID: ed.PreviousID, RaisedAgain: []Point{}, New: []Point{}, NoLongerRaised: []Point{}}
	now, err := s.points(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	var before []Point
	if ed.PreviousID != "" {
		if before, err = s.points(ctx, ed.PreviousID); err != nil {
			return nil, err
		}
	}
	linked := map[string]bool{}
	for _, pt := range now {
		if pt.PreviousID != "" {
			linked[pt.PreviousID] = true
			out.RaisedAgain = append(out.RaisedAgain, pt)
		} else {
			out.New = append(out.New, pt)
		}
	}
	for _, pt := range before {
		if !linked[pt.ID] {
			out.NoLongerRaised = append(out.NoLongerRaised, pt)
		}
	}
	for _, kind := range ItemKinds {
		for _, g := range []struct {
			status string
			pts    []Point
		}{{"raised_again", out.RaisedAgain}, {"new", out.New}, {"no_longer_raised", out.NoLongerRaised}} {
			n := 0
			for _, pt := range g.pts {
				if pt.Kind == kind {
					n++
				}
			}
			out.Counts = append(out.Counts, Bar{Kind: kind, Status: g.status, Count: n})
		}
	}
	return out, nil
}
