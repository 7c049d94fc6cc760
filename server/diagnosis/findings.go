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
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/store"
)

// FindingInput creates or changes a finding; nil fields are left alone on update.
type FindingInput struct {
	SWOT            *string   `json:"swot" api:"required"`
	Title           *string   `json:"title" api:"required"`
	Text            *string   `json:"text"`
	ContributionIDs *[]string `json:"contributionIds"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (FindingInput) Enums() map[string][]string {
	return map[string][]string{"swot": SWOTTypes}
}

func (s *Service) validateFinding(ctx context.Context, d *diagDoc, f *findingDoc, in FindingInput, create bool) error {
	fields := apperr.Fields{}
	if in.SWOT != nil || create {
		f.SWOT = deref(in.SWOT)
		if !slices.Contains(SWOTTypes, f.SWOT) {
			fields["swot"] = apperr.OneOf(SWOTTypes...)
		}
	}
	if in.Title != nil || create {
		f.Title = strings.TrimSpace(deref(in.Title))
		fields.Length("title", f.Title, 3, 200)
	}
	if in.Text != nil {
		f.Text = strings.TrimSpace(*in.Text)
		fields.MaxLength("text", f.Text, 5000)
	}
	if in.ContributionIDs != nil {
		ids := clean.Unique(*in.ContributionIDs)
		if len(ids) > MaxCitations {
			fields["contributionIds"] = apperr.MaxItems(MaxCitations)
		}
		for _, id := range ids {
			if len(fields) > 0 {
				break
			}
			var c contribDoc
			err := s.st.GetRef(ctx, colContributions, id, &c)
			switch {
			case store.IsNotFound(err) || (err == nil && (c.DiagnosisID != d.ID || c.Status != StatusPublished)):
				fields["contributionIds"] = apperr.Because("not_citable", "id", excerpt(id, 40))
			case err != nil:
				return err
			case !slices.Contains(c.FindingIDs, f.ID) && len(c.FindingIDs) >= MaxCitingFindings:
				fields["contributionIds"] = apperr.Because("cited_too_often", "max", MaxCitingFindings)
			}
		}
		f.ContributionIDs = ids
	}
	return apperr.Validation(fields)
}

func (s *Service) findingsPhase(d *diagDoc) error {
	if d.Phase != PhaseGathering && d.Phase != PhaseSynthesis {
		return wrongPhase(d.Phase, "findings are written while gathering and synthesising")
	}
	return nil
}

// CreateFinding adds a SWOT finding (organisers, while gathering or synthesising) and records it in each
// cited contribution. The finding is written first: a crash before the back-references leaves at worst a
// contribution that does not yet list a finding citing it.
func (s *Service) CreateFinding(ctx context.Context, p *auth.Principal, diagID string, in FindingInput) (*Finding, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	if err := s.requireOrganiser(ctx, p, d, "Only professionals of the organising organisations write findings."); err != nil {
		return nil, err
	}
	if err := s.findingsPhase(d); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	f := &findingDoc{ID: store.NewID(), DiagnosisID: d.ID, AuthorID: p.UserID, ContributionIDs: []string{},
		CreatedAt: now, UpdatedAt: now}
	if err := s.validateFinding(ctx, d, f, in, true); err != nil {
		return nil, err
	}
	if err := s.rm.Changed(ctx, KindFinding, f.ID, func() error { return s.st.Insert(ctx, colFindings, f) }); err != nil {
		return nil, err
	}
	if err := s.cite(ctx, f.ID, f.ContributionIDs, "$addToSet"); err != nil {
		return nil, err
	}
	s.tellCited(ctx, p, f, f.ContributionIDs)
	out := f.api()
	return &out, nil
}

// cite adds ($addToSet) or removes ($pull) a finding id in contributions' citing lists.
func (s *Service) cite(ctx context.Context, findingID string, contribIDs []string, op string) error {
	for _, cid := range contribIDs {
		err := s.rm.Changed(ctx, KindContribution, cid, func() error {
			return s.st.update(ctx, colContributions, cid, bson.M{op: bson.M{"findingIds": findingID}})
		})
		if err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	return nil
}

func (s *Service) finding(ctx context.Context, id string) (*findingDoc, *diagDoc, error) {
	return partOf(ctx, s, colFindings, id, errFindingNotFound, func(f *findingDoc) string { return f.DiagnosisID })
}

// GetFinding returns one finding (findings are public).
func (s *Service) GetFinding(ctx context.Context, id string) (*Finding, error) {
	f, _, err := s.finding(ctx, id)
	if err != nil {
		return nil, err
	}
	out := f.api()
	return &out, nil
}

// UpdateFinding changes a finding (organisers, while gathering or synthesising), moving the citations.
func (s *Service) UpdateFinding(ctx context.Context, p *auth.Principal, id string, in FindingInput) (*Finding, error) {
	f, d, err := s.finding(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireOrganiser(ctx, p, d, "Only professionals of the organising organisations change findings."); err != nil {
		return nil, err
	}
	if err := s.findingsPhase(d); err != nil {
		return nil, err
	}
	before := f.ContributionIDs
	if err := s.validateFinding(ctx, d, f, in, false); err != nil {
		return nil, err
	}
	f.UpdatedAt = s.now().UTC()
	if err := s.rm.Changed(ctx, KindFinding, id, func() error {
		return s.st.update(ctx, colFindings, id, bson.M{"$set": bson.M{"swot": f.SWOT, "title": f.Title, "text": f.Text,
			"contributionIds": f.ContributionIDs, "updatedAt": f.UpdatedAt}})
	}); err != nil {
		return nil, err
	}
	if err := s.cite(ctx, id, minus(before, f.ContributionIDs), "$pull"); err != nil {
		return nil, err
	}
	if err := s.cite(ctx, id, minus(f.ContributionIDs, before), "$addToSet"); err != nil {
		return nil, err
	}
	s.tellCited(ctx, p, f, minus(f.ContributionIDs, before))
	out := f.api()
	return &out, nil
}

func minus(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// DeleteFinding removes a finding (organisers, while gathering or synthesising): back-references first,
// then the finding, so no contribution is left citing a finding that is gone.
func (s *Service) DeleteFinding(ctx context.Context, p *auth.Principal, id string) error {
	f, d, err := s.finding(ctx, id)
	if err != nil {
		return err
	}
	if err := s.requireOrganiser(ctx, p, d, "Only professionals of the organising organisations delete findings."); err != nil {
		return err
	}
	if err := s.findingsPhase(d); err != nil {
		return err
	}
	if err := s.cite(ctx, id, f.ContributionIDs, "$pull"); err != nil {
		return err
	}
	return s.rm.Changed(ctx, KindFinding, id, func() error { return s.st.Delete(ctx, colFindings, id) })
}

// Findings lists a diagnosis's findings from the read model, optionally of one SWOT type.
func (s *Service) Findings(ctx context.Context, p *auth.Principal, diagID, swot, cursor string, n int) ([]Finding, string, error) {
	filters, err := s.partsFilter(ctx, diagID, "swot", "swot", swot, SWOTTypes)
	if err != nil {
		return nil, "", err
	}
	return listed(ctx, s, p, search.ListRequest{Kind: KindFinding, Filters: filters, Sort: "created",
		Cursor: cursor, PerPage: paging.Lists.Of(n)}, colFindings, func(d *findingDoc) Finding { return d.api() })
}

// Discussed is what comments on a contribution or a finding need to know of it (server/comment's target):
// who moderates them (the diagnosis's lead organisation), a title for notices, and whether it takes
// comments (a published contribution, any finding) — which also makes them public.
type Discussed struct {
	OrgID, Title string
	Open         bool
}

// Discussion resolves a contribution or finding for comments as p may see it: NotFound when p may not.
func (s *Service) Discussion(ctx context.Context, p *auth.Principal, kind, id string) (*Discussed, error) {
	switch kind {
	case KindContribution:
		c, d, _, err := s.contribution(ctx, p, id)
		if err != nil {
			return nil, err
		}
		return &Discussed{OrgID: lead(d), Title: excerpt(c.Text, 80), Open: c.Status == StatusPublished}, nil
	case KindFinding:
		f, d, err := s.finding(ctx, id)
		if err != nil {
			return nil, err
		}
		return &Discussed{OrgID: lead(d), Title: f.Title, Open: true}, nil
	}
	return nil, apperr.NotFoundf("The record")
}

func lead(d *diagDoc) string {
	if len(d.OrgIDs) == 0 {
		return ""
	}
	return d.OrgIDs[0]
}
