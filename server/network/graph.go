package network

import (
	"context"
	"slices"
	"sort"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// GraphActor is one node of the network page: what the map, the list and the table need, nothing more
// (a page of 2,000 actors stays a few hundred kilobytes before compression).
type GraphActor struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Themes    []string `json:"themes"`
	OnTeixit  bool     `json:"onTeixit"`
	Point     *Point   `json:"point,omitempty"`
	Relations int      `json:"relations"`
}

// GraphRelation is one edge of the network page. Its id is not sent: it is RelationID(from, type, to), and
// leaving it out takes a third off the page's data (measured: 39 → 26 KB gzipped for 2,000 relations).
type GraphRelation struct {
	ID     string `json:"-"`
	From   string `json:"from"`
	To     string `json:"to"`
	Type   string `json:"type"`
	Status string `json:"status"`
}

// ThemeHole is a theme raised in the territory's diagnoses that no actor there works on.
type ThemeHole struct {
	Theme string `json:"theme"`
	// Needs is how many published needs of the territory's diagnoses raise it.
	Needs int `json:"needs"`
}

// Graph is a territory's network: its actors (filtered by theme and kind), the relations among them, and
// the holes in words.
type Graph struct {
	Territory struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"territory"`
	Actors    []GraphActor    `json:"actors"`
	Relations []GraphRelation `json:"relations"`
	// UncoveredThemes are themes raised in the territory's diagnoses (needs) that no actor of the
	// territory works on, most raised first.
	UncoveredThemes []ThemeHole `json:"uncoveredThemes"`
	// Isolated are the ids of listed actors with no relation at all (empty when the relations are cut).
	Isolated []string `json:"isolated"`
	// Truncated is true when the territory has more than MaxGraph actors or relations: the page then shows the
	// first MaxGraph of each (by name), relation counts are lower bounds and no actor is called isolated.
	Truncated bool `json:"truncated"`
}

// GraphInput filters the network page.
type GraphInput struct {
	Theme, Kind string
}

// listAll pages through a read-model list (stored fields, no bodies) up to max items.
func (s *Service) listAll(ctx context.Context, r search.Reader, req search.ListRequest, max int) ([]search.Document, bool, error) {
	var out []search.Document
	req.PerPage, req.Sort = 100, "title"
	for {
		res, err := s.ReadModel.List(ctx, r, req)
		if err != nil {
			return nil, false, err
		}
		out = append(out, res.Items...)
		if len(out) >= max {
			return out[:max], true, nil
		}
		if res.NextCursor == "" {
			return out, false, nil
		}
		req.Cursor = res.NextCursor
	}
}

// Network returns a territory's network as the reader may see it, entirely from the read model.
func (s *Service) Network(ctx context.Context, p *auth.Principal, territoryID string, in GraphInput) (*Graph, error) {
	f := apperr.Fields{}
	filters := map[string][]string{"territory": {territoryID}}
	readmodel.Choose(filters, f, "theme", "theme", in.Theme, s.Themes)
	readmodel.Choose(filters, f, "kind", "actor_kind", in.Kind, ActorKinds)
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	if !store.ValidID(territoryID) {
		return nil, apperr.NotFoundf("The territory")
	}
	t, err := s.Territories.Get(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	r := readmodel.ReaderFor(p)
	g := &Graph{Actors: []GraphActor{}, Relations: []GraphRelation{}, UncoveredThemes: []ThemeHole{}, Isolated: []string{}}
	g.Territory.ID, g.Territory.Name = t.ID, t.Name
	actors, truncA, err := s.listAll(ctx, r, search.ListRequest{Kind: KindActor, Filters: filters}, MaxGraph)
	if err != nil {
		return nil, err
	}
	rels, truncR, err := s.listAll(ctx, r, search.ListRequest{Kind: KindRelation,
		Filters: map[string][]string{"territory": {territoryID}}}, MaxGraph)
	if err != nil {
		return nil, err
	}
	g.Truncated = truncA || truncR
	index := make(map[string]int, len(actors))
	for _, d := range actors {
		a := GraphActor{ID: rawID(d.ID), Name: d.Title, Kind: d.Keywords["actor_kind"], Themes: d.Themes,
			OnTeixit: d.Keywords["on_teixit"] == "yes"}
		if a.Themes == nil {
			a.Themes = []string{}
		}
		if d.Geo != nil {
			a.Point = &Point{Lat: d.Geo.Lat, Lon: d.Geo.Lon}
		}
		index[a.ID] = len(g.Actors)
		g.Actors = append(g.Actors, a)
	}
	for _, d := range rels {
		from, to := d.Keywords["from"], d.Keywords["to"]
		if i, ok := index[from]; ok {
			g.Actors[i].Relations++
		}
		if i, ok := index[to]; ok {
			g.Actors[i].Relations++
		}
		_, okF := index[from]
		_, okT := index[to]
		if okF && okT {
			g.Relations = append(g.Relations, GraphRelation{ID: rawID(d.ID), From: from, To: to,
				Type: d.Keywords["rel_type"], Status: d.Keywords["rel_status"]})
		}
	}
	// With the relations cut at MaxGraph, an actor whose relations were all cut would look isolated: say
	// nothing rather than something wrong (the page says the network is cut).
	for _, a := range g.Actors {
		if a.Relations == 0 && !truncR {
			g.Isolated = append(g.Isolated, a.ID)
		}
	}
	if g.UncoveredThemes, err = s.uncovered(ctx, territoryID); err != nil {
		return nil, err
	}
	return g, nil
}

// uncovered are the themes raised by published needs of the territory's diagnoses (or named by its
// diagnoses) that no published actor of the territory works on. Counts are the same for every reader:
// they cover public content only.
func (s *Service) uncovered(ctx context.Context, territoryID string) ([]ThemeHole, error) {
	public := search.Reader{}
	in := map[string][]string{"territory": {territoryID}}
	needs, err := s.ReadModel.Counts(ctx, public, "contribution",
		map[string][]string{"territory": {territoryID}, "contribution_kind": {"need"}}, []string{"theme"})
	if err != nil {
		return nil, err
	}
	diags, err := s.ReadModel.Counts(ctx, public, "diagnosis", in, []string{"theme"})
	if err != nil {
		return nil, err
	}
	covered, err := s.ReadModel.Counts(ctx, public, KindActor, in, []string{"theme"})
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for _, fc := range covered.Facets["theme"] {
		has[fc.Value] = fc.Count > 0
	}
	raised := map[string]int{}
	for _, fc := range needs.Facets["theme"] {
		raised[fc.Value] += fc.Count
	}
	for _, fc := range diags.Facets["theme"] {
		if _, ok := raised[fc.Value]; !ok {
			raised[fc.Value] = 0
		}
	}
	out := []ThemeHole{}
	for th, n := range raised {
		if !has[th] && slices.Contains(s.Themes, th) {
			out = append(out, ThemeHole{Theme: th, Needs: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Needs != out[j].Needs {
			return out[i].Needs > out[j].Needs
		}
		return out[i].Theme < out[j].Theme
	})
	return out, nil
}
