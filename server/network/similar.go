package network

import (
	"context"
	"strings"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/readmodel"
)

// Need kinds a "practices that addressed this elsewhere" list starts from.
const (
	NeedContribution = "contribution"
	NeedFinding      = "finding"
	NeedAction       = "action"
)

// NeedSource is what a need (a contribution, a finding or an action of a diagnosis's plan) says, as the
// reader may see it.
type NeedSource struct {
	DiagnosisID string
	TerritoryID string
	Text        string
	Themes      []string
}

// Sources resolves needs (server/diagnosis, adapted by the app). NotFound when the reader may not see it.
type Sources interface {
	Need(ctx context.Context, p *auth.Principal, kind, id string) (*NeedSource, error)
}

// PracticeSource is what a practice says, as the reader may see it.
type PracticeSource struct {
	Text   string
	Themes []string
}

// Practices resolves practices (server/practice, adapted by the app). NotFound when the reader may not see it.
type Practices interface {
	Practice(ctx context.Context, p *auth.Principal, id string) (*PracticeSource, error)
}

// Searcher finds documents like a text (search.Index.Similar).
type Searcher interface {
	Similar(ctx context.Context, r search.Reader, req search.SimilarRequest) ([]search.SimilarHit, error)
}

// Why says why a result came up: the themes and the words it shares with the need.
type Why struct {
	SharedThemes []string `json:"sharedThemes"`
	Words        []string `json:"words"`
}

// PracticeMatch is a practice that addressed a need, ranked by similarity.
type PracticeMatch struct {
	PracticeID       string   `json:"practiceId"`
	Title            string   `json:"title"`
	Themes           []string `json:"themes"`
	OrganisationID   string   `json:"organisationId"`
	OrganisationName string   `json:"organisationName"`
	TerritoryID      string   `json:"territoryId"`
	TerritoryName    string   `json:"territoryName"`
	// Elsewhere is true when the practice comes from outside the need's territory.
	Elsewhere bool    `json:"elsewhere"`
	Why       Why     `json:"why"`
	Score     float64 `json:"score"`
}

// NeedMatch is a need raised now (a published contribution or a finding) like a practice.
type NeedMatch struct {
	Kind          string  `json:"kind"`
	ID            string  `json:"id"`
	Text          string  `json:"text"`
	DiagnosisID   string  `json:"diagnosisId"`
	TerritoryID   string  `json:"territoryId"`
	TerritoryName string  `json:"territoryName"`
	Why           Why     `json:"why"`
	Score         float64 `json:"score"`
}

// similarLimit bounds each list; the page shows the best few.
const similarLimit = 10

func (s *Service) territoryName(ctx context.Context, id string, cache map[string]string) string {
	if id == "" {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	t, err := s.Territories.Get(ctx, id)
	name := ""
	if err == nil {
		name = t.Name
	}
	cache[id] = name
	return name
}

// PracticesFor lists published practices that addressed a need elsewhere, best first: the need's words
// and theme compared through the search index (any language's words weigh; sharing the theme adds), each
// with why it came up. Practices the reader may not see never appear.
func (s *Service) PracticesFor(ctx context.Context, p *auth.Principal, kind, id string) ([]PracticeMatch, error) {
	if s.Sources == nil || s.Search == nil {
		return nil, apperr.NotFoundf("The need")
	}
	need, err := s.Sources.Need(ctx, p, kind, id)
	if err != nil {
		return nil, err
	}
	hits, err := s.Search.Similar(ctx, readmodel.ReaderFor(p), search.SimilarRequest{Text: need.Text, Themes: need.Themes,
		Kinds: []string{"practice"}, Limit: 3 * similarLimit})
	if err != nil {
		var ie *search.InputError
		if asInput(err, &ie) {
			return []PracticeMatch{}, nil // a need of stop words only: nothing to compare
		}
		return nil, err
	}
	here := map[string]bool{}
	if t, err := s.Territories.Get(ctx, need.TerritoryID); err == nil {
		here[t.ID] = true
		for _, a := range t.Ancestors {
			here[a] = true
		}
	}
	names, orgNames := map[string]string{}, map[string]string{}
	out := []PracticeMatch{}
	seen := map[string]bool{}
	for _, h := range hits {
		pid := rawID(h.ID)
		if h.Parent != "" { // a translation: its practice
			pid = h.Parent
		}
		pid, _, _ = strings.Cut(pid, ":")
		if seen[pid] || len(out) >= similarLimit {
			continue
		}
		seen[pid] = true
		m := PracticeMatch{PracticeID: pid, Title: h.Title, Themes: nonNil(h.Themes), OrganisationID: h.Organisation, Score: h.Score,
			Why: Why{SharedThemes: nonNil(h.SharedThemes), Words: nonNil(h.Words)}}
		if n := len(h.Territory); n > 0 { // a practice's territory list ends with its own territory
			m.TerritoryID = h.Territory[n-1]
			m.TerritoryName = s.territoryName(ctx, m.TerritoryID, names)
		}
		m.Elsewhere = m.TerritoryID == "" || !here[m.TerritoryID]
		if h.Organisation != "" {
			if _, ok := orgNames[h.Organisation]; !ok {
				orgNames[h.Organisation], _ = s.Orgs.Name(ctx, h.Organisation)
			}
			m.OrganisationName = orgNames[h.Organisation]
		}
		out = append(out, m)
	}
	return out, nil
}

// NeedsFor lists needs raised now like a practice: published needs and findings of diagnoses, best first,
// each with its territory and why it came up.
func (s *Service) NeedsFor(ctx context.Context, p *auth.Principal, practiceID string) ([]NeedMatch, error) {
	if s.Practices == nil || s.Search == nil {
		return nil, apperr.NotFoundf("The practice")
	}
	pr, err := s.Practices.Practice(ctx, p, practiceID)
	if err != nil {
		return nil, err
	}
	hits, err := s.Search.Similar(ctx, readmodel.ReaderFor(p), search.SimilarRequest{Text: pr.Text, Themes: pr.Themes,
		Kinds: []string{NeedContribution, NeedFinding}, Limit: 2 * similarLimit})
	if err != nil {
		var ie *search.InputError
		if asInput(err, &ie) {
			return []NeedMatch{}, nil
		}
		return nil, err
	}
	names := map[string]string{}
	out := []NeedMatch{}
	for _, h := range hits {
		if len(out) >= similarLimit {
			break
		}
		m := NeedMatch{Kind: h.Kind, ID: rawID(h.ID), Text: h.Title, DiagnosisID: h.Parent, Score: h.Score,
			Why: Why{SharedThemes: nonNil(h.SharedThemes), Words: nonNil(h.Words)}}
		if len(h.Territory) > 0 { // a diagnosis record's territory list starts with the diagnosis's territory
			m.TerritoryID = h.Territory[0]
			m.TerritoryName = s.territoryName(ctx, m.TerritoryID, names)
		}
		out = append(out, m)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
