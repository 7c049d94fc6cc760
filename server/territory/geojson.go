package territory

import (
	"encoding/json"
	"fmt"
	"math"
)

// Geometry is a GeoJSON (RFC 7946) Polygon or MultiPolygon boundary. Coordinates are [longitude, latitude].
type Geometry struct {
	Type        string          `json:"type" bson:"type"`
	Coordinates json.RawMessage `json:"coordinates" bson:"-"`
	// polygons holds the parsed rings: polygon → ring → position.
	polygons [][][][2]float64
}

// ParseGeometry validates a GeoJSON geometry: a Polygon or MultiPolygon whose linear rings have at least four
// positions, are closed (first = last), hold valid longitudes and latitudes, and number at most maxPositions
// positions in all. It returns a reason a person can act on when the geometry is invalid.
func ParseGeometry(raw json.RawMessage, maxPositions int) (*Geometry, string) {
	var g Geometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, "must be a GeoJSON geometry object"
	}
	switch g.Type {
	case "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return nil, "Polygon coordinates must be a list of rings of [longitude, latitude] positions"
		}
		g.polygons = [][][][2]float64{nil}
		p, why := parseRings(rings)
		if why != "" {
			return nil, why
		}
		g.polygons[0] = p
	case "MultiPolygon":
		var polys [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil || len(polys) == 0 {
			return nil, "MultiPolygon coordinates must be a non-empty list of polygons"
		}
		for i, rings := range polys {
			p, why := parseRings(rings)
			if why != "" {
				return nil, fmt.Sprintf("polygon %d: %s", i+1, why)
			}
			g.polygons = append(g.polygons, p)
		}
	default:
		return nil, `must be a GeoJSON "Polygon" or "MultiPolygon"`
	}
	n := 0
	for _, p := range g.polygons {
		for _, r := range p {
			n += len(r)
		}
	}
	if n > maxPositions {
		return nil, fmt.Sprintf("has %d positions; simplify it to at most %d", n, maxPositions)
	}
	return &g, ""
}

func parseRings(rings [][][]float64) ([][][2]float64, string) {
	if len(rings) == 0 {
		return nil, "a polygon needs at least one ring"
	}
	out := make([][][2]float64, len(rings))
	for i, ring := range rings {
		if len(ring) < 4 {
			return nil, "each ring needs at least 4 positions (the first repeated at the end)"
		}
		for _, pos := range ring {
			if len(pos) < 2 || len(pos) > 3 {
				return nil, "each position must be [longitude, latitude]"
			}
			lon, lat := pos[0], pos[1]
			if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
				return nil, "longitude must be within -180..180 and latitude within -90..90 (GeoJSON order is [longitude, latitude])"
			}
			out[i] = append(out[i], [2]float64{lon, lat})
		}
		if first, last := ring[0], ring[len(ring)-1]; first[0] != last[0] || first[1] != last[1] {
			return nil, "each ring must be closed: repeat the first position at the end"
		}
	}
	return out, ""
}

// Contains reports whether the point (lon, lat) lies inside the boundary (inside an outer ring and outside
// that polygon's holes).
func (g *Geometry) Contains(lon, lat float64) bool {
	for _, p := range g.polygons {
		if len(p) == 0 || !inRing(p[0], lon, lat) {
			continue
		}
		inHole := false
		for _, hole := range p[1:] {
			if inRing(hole, lon, lat) {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

// inRing is the even-odd ray-casting test.
func inRing(ring [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// stored is how a boundary is kept: the GeoJSON text itself (the embedded store does not support nested
// arrays, and a boundary is only ever read whole).
func (g *Geometry) stored() string {
	b, _ := json.Marshal(g)
	return string(b)
}

// geometryFrom parses a stored boundary; "" means none.
func geometryFrom(stored string) *Geometry {
	if stored == "" {
		return nil
	}
	g, why := ParseGeometry(json.RawMessage(stored), 1<<30)
	if why != "" {
		return nil // cannot happen: only validated geometries are stored
	}
	return g
}
