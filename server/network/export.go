package network

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/teixit/teixit/server/opendata"
)

// Open data of a territory's network: public actors and their confirmed or stated relations (what an
// anonymous reader sees), as GeoJSON and CSV. No contacts: they stay on the actor's page.

type geoRelation struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Status    string `json:"status"`
	Direction string `json:"direction"` // "to" (this actor → other) or "from" (other → this actor)
	With      string `json:"withId"`
	WithName  string `json:"withName"`
}

type geoFeature struct {
	Type       string        `json:"type"`
	ID         string        `json:"id"`
	Geometry   *geoPoint     `json:"geometry"` // null when the actor has no point (RFC 7946 §3.2)
	Properties geoActorProps `json:"properties"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"` // longitude, latitude
}

type geoActorProps struct {
	Name      string        `json:"name"`
	Kind      string        `json:"kind"`
	Themes    []string      `json:"themes"`
	OnTeixit  bool          `json:"onTeixit"`
	Relations []geoRelation `json:"relations"`
}

// GeoJSON is the territory's network as an RFC 7946 FeatureCollection: one Feature per actor (a Point, or
// a null geometry when it has none) with its relations as properties. The collection carries no
// "properties" (RFC 7946 §7.1 forbids it there); the territory goes in a foreign member.
func (s *Service) GeoJSON(ctx context.Context, territoryID string) ([]byte, error) {
	g, err := s.Network(ctx, nil, territoryID, GraphInput{})
	if err != nil {
		return nil, err
	}
	rels := relationsByActor(g)
	fc := struct {
		Type      string            `json:"type"`
		Territory map[string]string `json:"territory"`
		Features  []geoFeature      `json:"features"`
	}{Type: "FeatureCollection", Territory: map[string]string{"id": g.Territory.ID, "name": g.Territory.Name}, Features: []geoFeature{}}
	for _, a := range g.Actors {
		f := geoFeature{Type: "Feature", ID: a.ID, Properties: geoActorProps{Name: a.Name, Kind: a.Kind, Themes: a.Themes,
			OnTeixit: a.OnTeixit, Relations: rels[a.ID]}}
		if f.Properties.Relations == nil {
			f.Properties.Relations = []geoRelation{}
		}
		if a.Point != nil {
			f.Geometry = &geoPoint{Type: "Point", Coordinates: [2]float64{a.Point.Lon, a.Point.Lat}}
		}
		fc.Features = append(fc.Features, f)
	}
	return json.Marshal(fc)
}

func relationsByActor(g *Graph) map[string][]geoRelation {
	names := make(map[string]string, len(g.Actors))
	for _, a := range g.Actors {
		names[a.ID] = a.Name
	}
	out := map[string][]geoRelation{}
	for _, r := range g.Relations {
		out[r.From] = append(out[r.From], geoRelation{ID: r.ID, Type: r.Type, Status: r.Status, Direction: "to", With: r.To, WithName: names[r.To]})
		out[r.To] = append(out[r.To], geoRelation{ID: r.ID, Type: r.Type, Status: r.Status, Direction: "from", With: r.From, WithName: names[r.From]})
	}
	return out
}

// CSV is the territory's network as CSV (UTF-8 with a byte-order mark, so spreadsheets read accents
// right): one row per actor, its relations in one cell as "type → name" (or "name → type" when the other
// actor is the one that refers or funds). Cells a spreadsheet would run as a formula get an apostrophe.
func (s *Service) CSV(ctx context.Context, territoryID string) ([]byte, error) {
	g, err := s.Network(ctx, nil, territoryID, GraphInput{})
	if err != nil {
		return nil, err
	}
	rels := relationsByActor(g)
	out := opendata.NewCSV("id", "name", "kind", "themes", "on_teixit", "lat", "lon", "relations")
	for _, a := range g.Actors {
		lat, lon := "", ""
		if a.Point != nil {
			lat, lon = strconv.FormatFloat(a.Point.Lat, 'f', -1, 64), strconv.FormatFloat(a.Point.Lon, 'f', -1, 64)
		}
		var rs []string
		for _, r := range rels[a.ID] {
			if r.Direction == "to" {
				rs = append(rs, r.Type+" → "+r.WithName)
			} else {
				rs = append(rs, r.WithName+" → "+r.Type)
			}
		}
		out.Row(a.ID, a.Name, a.Kind, strings.Join(a.Themes, " "), strconv.FormatBool(a.OnTeixit), lat, lon, strings.Join(rs, "; "))
	}
	return out.Bytes(), nil
}
