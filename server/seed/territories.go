package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/territory"
)

// Barcelona's districts and some of their neighbourhoods (real names). Boundaries are simplified shapes
// built around approximate centres — hexagons for neighbourhoods, the convex hull of those for districts
// and the city — good for demos and tests, not official limits.
type place struct {
	name     string
	lat, lon float64
}

var districts = []struct {
	name  string
	neigh []place
}{
	{"Ciutat Vella", []place{{"el Raval", 41.3797, 2.1683}, {"el Barri Gòtic", 41.3830, 2.1770}, {"la Barceloneta", 41.3800, 2.1890}, {"Sant Pere, Santa Caterina i la Ribera", 41.3870, 2.1800}}},
	{"l'Eixample", []place{{"Sant Antoni", 41.3780, 2.1620}, {"la Sagrada Família", 41.4040, 2.1740}, {"la Dreta de l'Eixample", 41.3940, 2.1660}, {"l'Antiga Esquerra de l'Eixample", 41.3890, 2.1540}, {"la Nova Esquerra de l'Eixample", 41.3830, 2.1500}, {"el Fort Pienc", 41.3960, 2.1820}}},
	{"Sants-Montjuïc", []place{{"Sants", 41.3750, 2.1340}, {"el Poble-sec", 41.3730, 2.1640}, {"la Marina del Prat Vermell", 41.3550, 2.1400}, {"Hostafrancs", 41.3750, 2.1430}}},
	{"les Corts", []place{{"les Corts", 41.3850, 2.1330}, {"la Maternitat i Sant Ramon", 41.3800, 2.1200}, {"Pedralbes", 41.3900, 2.1120}}},
	{"Sarrià-Sant Gervasi", []place{{"Sarrià", 41.3990, 2.1210}, {"Sant Gervasi - la Bonanova", 41.4060, 2.1350}, {"el Putxet i el Farró", 41.4060, 2.1450}}},
	{"Gràcia", []place{{"la Vila de Gràcia", 41.4020, 2.1570}, {"el Camp d'en Grassot i Gràcia Nova", 41.4060, 2.1650}, {"Vallcarca i els Penitents", 41.4130, 2.1450}}},
	{"Horta-Guinardó", []place{{"el Guinardó", 41.4180, 2.1700}, {"Horta", 41.4300, 2.1600}, {"el Carmel", 41.4210, 2.1550}}},
	{"Nou Barris", []place{{"la Prosperitat", 41.4420, 2.1800}, {"Verdun", 41.4430, 2.1740}, {"la Trinitat Nova", 41.4500, 2.1850}, {"Roquetes", 41.4480, 2.1720}}},
	{"Sant Andreu", []place{{"Sant Andreu", 41.4350, 2.1900}, {"el Bon Pastor", 41.4360, 2.2050}, {"la Sagrera", 41.4230, 2.1900}}},
	{"Sant Martí", []place{{"el Poblenou", 41.4000, 2.2000}, {"el Besòs i el Maresme", 41.4150, 2.2150}, {"el Clot", 41.4100, 2.1870}, {"la Verneda i la Pau", 41.4210, 2.2040}}},
}

// hexagon returns the six corners of a hexagon of radius r (metres) around a centre, as [lon, lat].
func hexagon(lat, lon, r float64) [][2]float64 {
	dLat := r / 111_320
	dLon := r / (111_320 * math.Cos(lat*math.Pi/180))
	pts := make([][2]float64, 6)
	for i := range pts {
		a := float64(i) * math.Pi / 3
		pts[i] = [2]float64{round6(lon + dLon*math.Cos(a)), round6(lat + dLat*math.Sin(a))}
	}
	return pts
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// hull is Andrew's monotone chain convex hull, counter-clockwise.
func hull(pts [][2]float64) [][2]float64 {
	p := append([][2]float64{}, pts...)
	sort.Slice(p, func(i, j int) bool { return p[i][0] < p[j][0] || p[i][0] == p[j][0] && p[i][1] < p[j][1] })
	cross := func(o, a, b [2]float64) float64 { return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0]) }
	var h [][2]float64
	for pass := 0; pass < 2; pass++ {
		start := len(h)
		for _, pt := range p {
			for len(h) >= start+2 && cross(h[len(h)-2], h[len(h)-1], pt) <= 0 {
				h = h[:len(h)-1]
			}
			h = append(h, pt)
		}
		h = h[:len(h)-1]
		for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
			p[i], p[j] = p[j], p[i]
		}
	}
	return h
}

func polygonJSON(ring [][2]float64) json.RawMessage {
	closed := append(append([][2]float64{}, ring...), ring[0])
	b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{closed}})
	return b
}

// loadTerritories creates Barcelona → districts → neighbourhoods unless the city exists already.
func loadTerritories(ctx context.Context, svc *territory.Service, adminID string) error {
	existing, err := svc.List(ctx, "", "city")
	if err != nil {
		return err
	}
	for _, t := range existing {
		if t.Name == "Barcelona" {
			return nil
		}
	}
	admin := &auth.Principal{UserID: adminID, PlatformAdmin: true}
	var all [][2]float64
	districtRings := make([][][2]float64, len(districts))
	for i, d := range districts {
		var pts [][2]float64
		for _, n := range d.neigh {
			pts = append(pts, hexagon(n.lat, n.lon, 700)...)
		}
		districtRings[i] = hull(pts)
		all = append(all, districtRings[i]...)
	}
	str := func(s string) *string { return &s }
	city, err := svc.Create(ctx, admin, territory.Input{Name: str("Barcelona"), Level: str("city"), Boundary: polygonJSON(hull(all))})
	if err != nil {
		return fmt.Errorf("seed: city: %w", err)
	}
	for i, d := range districts {
		dt, err := svc.Create(ctx, admin, territory.Input{Name: str(d.name), Level: str("district"), ParentID: &city.ID,
			Boundary: polygonJSON(districtRings[i])})
		if err != nil {
			return fmt.Errorf("seed: district %s: %w", d.name, err)
		}
		for _, n := range d.neigh {
			_, err := svc.Create(ctx, admin, territory.Input{Name: str(n.name), Level: str("neighbourhood"), ParentID: &dt.ID,
				Boundary: polygonJSON(hexagon(n.lat, n.lon, 450))})
			if err != nil {
				return fmt.Errorf("seed: neighbourhood %s: %w", n.name, err)
			}
		}
	}
	return nil
}
