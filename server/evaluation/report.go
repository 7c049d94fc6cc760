package evaluation

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/opendata"
)

// ReportInput publishes an edition's report: to the members of its organisations or to everyone.
type ReportInput struct {
	Visibility string `json:"visibility"`
	Summary    string `json:"summary"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ReportInput) Enums() map[string][]string {
	return map[string][]string{"visibility": Visibilities}
}

// PublishReport publishes (or republishes) the report (organisers, follow-up phase) and tells the
// participants the first time. A public report re-announces the evaluation's records so that its merged
// points and measures become public in the read model.
func (s *Service) PublishReport(ctx context.Context, p *auth.Principal, edID string, in ReportInput) (*Edition, error) {
	ed, ev, r, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers publish the report.")
	if err != nil {
		return nil, err
	}
	if ed.Phase != PhaseFollowUp {
		return nil, wrongPhase(ed.Phase, "the report is published in the follow-up")
	}
	fields := apperr.Fields{}
	if !slices.Contains(Visibilities, in.Visibility) {
		fields["visibility"] = apperr.OneOf(Visibilities...)
	}
	summary := strings.TrimSpace(in.Summary)
	fields.MaxLength("summary", summary, 10000)
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	first := !ed.Report.Published
	ed.Report = reportDoc{Published: true, Visibility: in.Visibility, Summary: summary, PublishedAt: s.now().UTC()}
	if err := s.rm.Changed(ctx, KindReport, ed.ID, func() error {
		return s.st.update(ctx, colEditions, ed.ID, bson.M{"$set": bson.M{"report": ed.Report}})
	}); err != nil {
		return nil, err
	}
	if err := s.reannounce(ctx, ev.ID, ed.ID); err != nil {
		return nil, err
	}
	if first {
		s.tell(ctx, p, ed, ev, "evaluation_report", "The report of "+ev.Title+" is out.", "/evaluation-editions/"+ed.ID+"/report")
	}
	out := s.editionView(ed, r)
	return &out, nil
}

// reannounce makes the read model re-read the evaluation and an edition's points and measures (their
// visibility follows the report's).
func (s *Service) reannounce(ctx context.Context, evalID, edID string) error {
	if err := s.rm.Changed(ctx, KindEvaluation, evalID, func() error { return nil }); err != nil {
		return err
	}
	pts, err := s.points(ctx, edID)
	if err != nil {
		return err
	}
	for _, pt := range pts {
		if err := s.rm.Changed(ctx, KindPoint, pt.ID, func() error { return nil }); err != nil {
			return err
		}
	}
	ms, err := s.measures(ctx, edID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.rm.Changed(ctx, KindMeasure, m.ID, func() error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

// ReportView is an edition's report: open data, with no person in it (groups are counted, never named
// with their members; items appear only merged into points).
type ReportView struct {
	Evaluation   Evaluation  `json:"evaluation"`
	Edition      Edition     `json:"edition"`
	Participants int         `json:"participants"`
	Groups       int         `json:"groups"`
	Items        int         `json:"items"`
	Strengths    []Point     `json:"strengths"`
	Weaknesses   []Point     `json:"weaknesses"`
	Measures     []Measure   `json:"measures"`
	Reviews      []Reviewed  `json:"reviews"`
	Comparison   *Comparison `json:"comparison"`
}

// Report returns the report: organisers always (a draft until published), members once published, anyone
// once published as public.
func (s *Service) Report(ctx context.Context, p *auth.Principal, edID string) (*ReportView, error) {
	ed, ev, err := s.edition(ctx, edID)
	if err != nil {
		return nil, err
	}
	r, err := s.rightsOn(ctx, p, ev, ed)
	if err != nil {
		return nil, err
	}
	public := ed.Report.Published && ed.Report.Visibility == "public"
	switch {
	case r.organiser, public:
	case r.reader() && ed.Report.Published:
	case r.reader():
		return nil, apperr.New(apperr.NotFound, "report_not_published", "The report of this edition is not published yet.")
	default:
		if err := requireReader(p, r); err != nil {
			return nil, errEditionNotFound
		}
	}
	ev2 := ev.api(r.organiser)
	out := &ReportView{Evaluation: ev2, Edition: ed.api(false), Strengths: []Point{}, Weaknesses: []Point{}}
	if out.Participants, err = s.participantCount(ctx, ed.ID); err != nil {
		return nil, err
	}
	out.Groups = ed.Groups
	cc, err := s.rm.Counts(ctx, everyone, KindItem, map[string][]string{"parent": {ed.ID}}, nil)
	if err != nil {
		return nil, err
	}
	out.Items = int(cc.Total)
	pts, err := s.points(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	for _, pt := range pts {
		pt.ItemIDs = []string{} // item ids lead nowhere for readers of the report
		if pt.Kind == "strength" {
			out.Strengths = append(out.Strengths, pt)
		} else {
			out.Weaknesses = append(out.Weaknesses, pt)
		}
	}
	if out.Measures, err = s.measures(ctx, ed.ID); err != nil {
		return nil, err
	}
	if out.Reviews, err = s.reviews(ctx, ed); err != nil {
		return nil, err
	}
	if out.Comparison, err = s.compare(ctx, ed); err != nil {
		return nil, err
	}
	for _, l := range [][]Point{out.Comparison.RaisedAgain, out.Comparison.New, out.Comparison.NoLongerRaised} {
		for i := range l {
			l[i].ItemIDs = []string{}
		}
	}
	return out, nil
}

// CSV is the report's merged points as CSV open data: kind, area, text, groups, votes, compared with the
// previous edition, written by opendata (byte-order mark, no formulas).
func (v *ReportView) CSV() []byte {
	out := opendata.NewCSV("kind", "area", "text", "groups", "votes", "since_last_edition")
	areas := map[string]string{}
	for _, a := range v.Edition.Areas {
		areas[a.ID] = a.Name
	}
	status := map[string]string{}
	for _, pt := range v.Comparison.RaisedAgain {
		status[pt.ID] = "raised_again"
	}
	for _, pt := range v.Comparison.New {
		status[pt.ID] = "new"
	}
	for _, pt := range append(append([]Point{}, v.Strengths...), v.Weaknesses...) {
		out.Row(pt.Kind, areas[pt.AreaID], pt.Text, strconv.Itoa(pt.Groups), strconv.Itoa(pt.Votes), status[pt.ID])
	}
	for _, pt := range v.Comparison.NoLongerRaised {
		out.Row(pt.Kind, areas[pt.AreaID], pt.Text, strconv.Itoa(pt.Groups), "", "no_longer_raised")
	}
	return out.Bytes()
}
