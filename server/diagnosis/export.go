package diagnosis

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/opendata"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// MaxExported bounds the contributions one export holds.
const MaxExported = 50000

// OpenContribution is a published contribution as open data: no author, nickname, facilitator or exact
// time — only the day it was made.
type OpenContribution struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Theme    string   `json:"theme"`
	Language string   `json:"language"`
	Text     string   `json:"text"`
	Point    *Point   `json:"point,omitempty"`
	Supports int      `json:"supports"`
	Day      string   `json:"day"`
	CitedBy  []string `json:"citedBy"`
}

// OpenData is a diagnosis's published content.
type OpenData struct {
	Diagnosis     OpenDiagnosis      `json:"diagnosis"`
	Contributions []OpenContribution `json:"contributions"`
	Findings      []Finding          `json:"findings"`
	Priorities    []Priority         `json:"priorities"`
	Actions       []Action           `json:"actions"`
	GeneratedAt   time.Time          `json:"generatedAt"`
}

// OpenDiagnosis is the diagnosis itself as open data.
type OpenDiagnosis struct {
	ID              string       `json:"id"`
	Title           string       `json:"title"`
	Description     string       `json:"description"`
	TerritoryID     string       `json:"territoryId"`
	TerritoryName   string       `json:"territoryName"`
	OrganisationIDs []string     `json:"organisationIds"`
	Themes          []string     `json:"themes"`
	Phase           string       `json:"phase"`
	Schedule        []PhaseDates `json:"schedule"`
}

// OpenData gathers a diagnosis's published content through the read model as an anonymous reader.
func (s *Service) OpenData(ctx context.Context, diagID string) (*OpenData, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	api := d.api(false)
	out := &OpenData{Diagnosis: OpenDiagnosis{ID: d.ID, Title: d.Title, Description: d.Description, TerritoryID: d.TerritoryID,
		OrganisationIDs: api.OrganisationIDs, Themes: api.Themes, Phase: d.Phase, Schedule: api.Schedule},
		Contributions: []OpenContribution{}, Findings: []Finding{}, GeneratedAt: s.now().UTC()}
	if t, err := s.terr.Get(ctx, d.TerritoryID); err == nil {
		out.Diagnosis.TerritoryName = t.Name
	}
	cursor := ""
	for len(out.Contributions) < MaxExported {
		res, err := s.rm.List(ctx, search.Reader{}, search.ListRequest{Kind: KindContribution, Sort: "created",
			Filters: map[string][]string{"parent": {d.ID}}, Cursor: cursor, PerPage: 100, IDsOnly: true})
		if err != nil {
			return nil, err
		}
		docs, err := store.GetMany[contribDoc](ctx, s.st.Store, colContributions, readmodel.RecordIDs(res.Items))
		if err != nil {
			return nil, err
		}
		for _, c := range docs {
			if c == nil || c.Status != StatusPublished {
				continue
			}
			oc := OpenContribution{ID: c.ID, Kind: c.Kind, Theme: c.Theme, Language: c.Language, Text: c.Text,
				Supports: c.Supports, Day: c.CreatedAt.Format("2006-01-02"), CitedBy: nonNil(c.FindingIDs)}
			if c.Point != nil {
				oc.Point = &Point{Lat: c.Point.Lat, Lon: c.Point.Lon}
			}
			out.Contributions = append(out.Contributions, oc)
		}
		if res.NextCursor == "" {
			break
		}
		cursor = res.NextCursor
	}
	for cursor = ""; ; {
		page, next, err := s.Findings(ctx, nil, d.ID, "", cursor, 100)
		if err != nil {
			return nil, err
		}
		out.Findings = append(out.Findings, page...)
		if next == "" || len(out.Findings) >= 5000 {
			break
		}
		cursor = next
	}
	pr, err := s.Priorities(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out.Priorities = pr.Items
	if out.Actions, err = s.allActions(ctx, d.ID); err != nil {
		return nil, err
	}
	if out.Actions == nil {
		out.Actions = []Action{}
	}
	return out, nil
}

// CSV writes the published contributions as CSV (UTF-8 with a byte-order mark, so that spreadsheets read
// accents right; header row). Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
func (o *OpenData) CSV() []byte {
	out := opendata.NewCSV("id", "kind", "theme", "language", "text", "lat", "lon", "supports", "day", "cited_by")
	for _, c := range o.Contributions {
		lat, lon := "", ""
		if c.Point != nil {
			lat, lon = strconv.FormatFloat(c.Point.Lat, 'f', -1, 64), strconv.FormatFloat(c.Point.Lon, 'f', -1, 64)
		}
		out.Row(c.ID, c.Kind, c.Theme, c.Language, c.Text, lat, lon, strconv.Itoa(c.Supports), c.Day, strings.Join(c.CitedBy, " "))
	}
	return out.Bytes()
}

// GeoJSON returns a FeatureCollection: the territory boundary (when there is one) and one Point feature
// per located published contribution.
func (s *Service) GeoJSON(ctx context.Context, o *OpenData) ([]byte, error) {
	type feature struct {
		Type       string         `json:"type"`
		Geometry   any            `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	features := []feature{}
	t, err := s.terr.Get(ctx, o.Diagnosis.TerritoryID)
	if err == nil && t.Boundary != nil {
		features = append(features, feature{Type: "Feature", Geometry: t.Boundary,
			Properties: map[string]any{"role": "territory", "territoryId": t.ID, "name": t.Name}})
	}
	for _, c := range o.Contributions {
		if c.Point == nil {
			continue
		}
		features = append(features, feature{Type: "Feature",
			Geometry: map[string]any{"type": "Point", "coordinates": []float64{c.Point.Lon, c.Point.Lat}},
			Properties: map[string]any{"role": "contribution", "id": c.ID, "kind": c.Kind, "theme": c.Theme,
				"language": c.Language, "text": c.Text, "supports": c.Supports, "day": c.Day}})
	}
	// RFC 7946 §7.1: a FeatureCollection must not have "properties"; the diagnosis goes in a foreign member.
	return json.Marshal(map[string]any{"type": "FeatureCollection", "features": features,
		"diagnosis": map[string]any{"id": o.Diagnosis.ID, "title": o.Diagnosis.Title}})
}
