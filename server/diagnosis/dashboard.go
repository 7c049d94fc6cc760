package diagnosis

import (
	"context"
	"sort"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/followup"
	"github.com/teixit/teixit/server/readmodel"
)

// Count is a value with how many items have it (the read model's facet count).
type Count = readmodel.Facet

// IndicatorTrend is one indicator's course: baseline, target, its measurements and how far the latest one
// has gone from the baseline towards the target (null when baseline equals target or nothing was measured).
type IndicatorTrend struct {
	ActionID     string        `json:"actionId"`
	ActionTitle  string        `json:"actionTitle"`
	IndicatorID  string        `json:"indicatorId"`
	Name         string        `json:"name"`
	Unit         string        `json:"unit"`
	Baseline     float64       `json:"baseline"`
	Target       float64       `json:"target"`
	Latest       *float64      `json:"latest"`
	Progress     *float64      `json:"progress"`
	Measurements []Measurement `json:"measurements"`
}

// Dashboard sums up a diagnosis. Every count comes from read-model facets over published content (the same
// for every reader); supports, ballots and votes come from the diagnosis's counters document.
type Dashboard struct {
	DiagnosisID   string           `json:"diagnosisId"`
	Phase         string           `json:"phase"`
	Contributions int              `json:"contributions"`
	ByKind        []Count          `json:"byKind"`
	ByTheme       []Count          `json:"byTheme"`
	ByLanguage    []Count          `json:"byLanguage"`
	PerWeek       []Count          `json:"perWeek"` // ISO weeks (YYYY-Www), oldest first
	Supports      int              `json:"supports"`
	Findings      int              `json:"findings"`
	BySWOT        []Count          `json:"bySwot"`
	Ballots       int              `json:"ballots"`
	Priorities    []Priority       `json:"priorities"`
	Actions       int              `json:"actions"`
	ByStatus      []Count          `json:"actionsByStatus"`
	Indicators    []IndicatorTrend `json:"indicators"`
}

// Dashboard is a diagnosis's dashboard, computed again only after this node's index took a change of the
// diagnosis's kinds (every input below — index counts, the stats document, ballots, actions — is written
// through the read model's Changed under one of them).
func (s *Service) Dashboard(ctx context.Context, diagID string) (*Dashboard, error) {
	return s.dashboards.Get(diagID, func() (*Dashboard, error) { return s.dashboard(ctx, diagID) })
}

func (s *Service) dashboard(ctx context.Context, diagID string) (*Dashboard, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	parent := map[string][]string{"parent": {d.ID}}
	everyone := search.Reader{}
	out := &Dashboard{DiagnosisID: d.ID, Phase: d.Phase, Indicators: []IndicatorTrend{}}
	cc, err := s.rm.Counts(ctx, everyone, KindContribution, parent, []string{"contribution_kind", "theme", "language", "week"})
	if err != nil {
		return nil, err
	}
	out.Contributions = int(cc.Total)
	out.ByKind, out.ByTheme = readmodel.FacetsOf(cc.Facets["contribution_kind"]), readmodel.FacetsOf(cc.Facets["theme"])
	out.ByLanguage, out.PerWeek = readmodel.FacetsOf(cc.Facets["language"]), readmodel.FacetsOf(cc.Facets["week"])
	sort.Slice(out.PerWeek, func(i, j int) bool { return out.PerWeek[i].Value < out.PerWeek[j].Value })
	fc, err := s.rm.Counts(ctx, everyone, KindFinding, parent, []string{"swot"})
	if err != nil {
		return nil, err
	}
	out.Findings, out.BySWOT = int(fc.Total), readmodel.FacetsOf(fc.Facets["swot"])
	ac, err := s.rm.Counts(ctx, everyone, KindAction, parent, []string{"action_status"})
	if err != nil {
		return nil, err
	}
	out.Actions, out.ByStatus = int(ac.Total), readmodel.FacetsOf(ac.Facets["action_status"])
	st, err := s.st.stats(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out.Supports = st.Supports
	pr, err := s.Priorities(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out.Ballots, out.Priorities = pr.Ballots, pr.Items
	actions, err := s.allActions(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range actions {
		for _, ind := range a.Indicators {
			out.Indicators = append(out.Indicators, trend(a, ind))
		}
	}
	return out, nil
}

func trend(a Action, ind Indicator) IndicatorTrend {
	t := IndicatorTrend{ActionID: a.ID, ActionTitle: a.Title, IndicatorID: ind.ID, Name: ind.Name, Unit: ind.Unit,
		Baseline: ind.Baseline, Target: ind.Target, Measurements: ind.Measurements}
	t.Latest, t.Progress = followup.Progress(ind)
	return t
}

// allActions reads every action of a diagnosis through the read model (plans hold tens, bounded at 1000).
func (s *Service) allActions(ctx context.Context, diagID string) ([]Action, error) {
	var out []Action
	cursor := ""
	for len(out) < 1000 {
		page, next, err := s.Actions(ctx, nil, diagID, "", cursor, 100)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	return out, nil
}
