package territory

import (
	"context"
	"encoding/json"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// Surroundings are what a territory's map shows around it when there is no tile server: the areas it is
// made of and the ones beside it, each outlined and named, so a resident can tell where things are.
type Surroundings struct {
	Areas []Area `json:"areas"`
}

// Area is a territory drawn for context, its outline simplified for the map.
type Area struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Level string `json:"level"`
	// Relation is "part" (inside the territory) or "neighbour" (beside it: the same parent).
	Relation string    `json:"relation"`
	Boundary *Geometry `json:"boundary"`
}

const (
	// MaxAreas bounds the areas one map draws around a territory.
	MaxAreas = 60
	// contextPositions is how many positions an area keeps at most once simplified: enough to recognise
	// a neighbourhood's shape, light enough for a slow phone.
	contextPositions = 400
)

// Surroundings returns the territory's parts and neighbours that have a boundary, by name.
func (s *Service) Surroundings(ctx context.Context, id string) (*Surroundings, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Surroundings{Areas: []Area{}}
	add := func(docs []doc, relation string) {
		for _, a := range docs {
			if g := geometryFrom(a.Boundary); g != nil {
				out.Areas = append(out.Areas, Area{ID: a.ID, Name: a.Name, Level: a.Level, Relation: relation,
					Boundary: g.simplified(contextPositions)})
			}
		}
	}
	parts, err := s.st.parts(ctx, d.ID, MaxAreas)
	if err != nil {
		return nil, err
	}
	add(parts, "part")
	if d.ParentID != "" && len(out.Areas) < MaxAreas {
		neighbours, err := s.st.neighbours(ctx, d, MaxAreas-len(out.Areas))
		if err != nil {
			return nil, err
		}
		add(neighbours, "neighbour")
	}
	return out, nil
}

// simplified returns the geometry with at most about max positions (Douglas-Peucker, the tolerance
// doubled until it fits), dropping rings too small to draw; the geometry itself when it already fits.
func (g *Geometry) simplified(max int) *Geometry {
	mp := make(orb.MultiPolygon, len(g.polygons))
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	n := 0
	for i, p := range g.polygons {
		mp[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			mp[i][j] = make(orb.Ring, len(r))
			for k, pos := range r {
				mp[i][j][k] = orb.Point(pos)
				minX, maxX = math.Min(minX, pos[0]), math.Max(maxX, pos[0])
				minY, maxY = math.Min(minY, pos[1]), math.Max(maxY, pos[1])
			}
			n += len(r)
		}
	}
	if n <= max {
		return g
	}
	tolerance := math.Hypot(maxX-minX, maxY-minY) / 2000
	for range 12 {
		s := drawable(simplify.DouglasPeucker(tolerance).MultiPolygon(mp.Clone()))
		if count(s) <= max || tolerance > 1 {
			if len(s) == 0 {
				return g // nothing drawable left: better heavy than gone
			}
			out := &Geometry{Type: "MultiPolygon"}
			for _, p := range s {
				poly := make([][][2]float64, len(p))
				for j, r := range p {
					poly[j] = make([][2]float64, len(r))
					for k, pt := range r {
						poly[j][k] = [2]float64(pt)
					}
				}
				out.polygons = append(out.polygons, poly)
			}
			out.Coordinates, _ = json.Marshal(out.polygons)
			return out
		}
		tolerance *= 2
	}
	return g
}

// drawable keeps the rings GeoJSON still calls rings (four positions or more) and the polygons whose outer
// ring survived.
func drawable(mp orb.MultiPolygon) orb.MultiPolygon {
	out := orb.MultiPolygon{}
	for _, p := range mp {
		var poly orb.Polygon
		for j, r := range p {
			if len(r) >= 4 {
				poly = append(poly, r)
			} else if j == 0 {
				break
			}
		}
		if len(poly) > 0 {
			out = append(out, poly)
		}
	}
	return out
}

func count(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}
