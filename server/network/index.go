package network

import (
	"context"
	"strings"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/store"
)

// Read-model kinds of this package.
const (
	KindActor    = "actor"
	KindRelation = "relation"
)

// ActorLink is an actor's page in the app.
func ActorLink(id string) string { return "/actors/" + id }

// RelationLink is a relation's place in the app: the page of the actor that proposed it... or, since the
// id holds both ends, the first one's page.
func RelationLink(id string) string {
	from, _, _ := strings.Cut(id, ":")
	return ActorLink(from)
}

// actorVisibility: published → public; pending → its moderator organisations and the person who suggested
// it; hidden → the moderators only (and the suggester, who reads the reason on its page by id).
func actorVisibility(a *actorDoc) []string {
	if a.Status == StatusPublished {
		return []string{search.Public}
	}
	v := make([]string, 0, len(a.ModeratorOrgIDs)+1)
	for _, o := range a.ModeratorOrgIDs {
		v = append(v, search.OrgPrefix+o)
	}
	if a.Status == StatusPending && a.SuggestedBy != "" {
		v = append(v, search.UserPrefix+a.SuggestedBy)
	}
	return v
}

func onTeixit(a *actorDoc) string {
	if a.OrgID != "" {
		return "yes"
	}
	return "no"
}

func (s *Service) actorDocument(a *actorDoc) search.Document {
	d := search.Document{Title: a.Name, Body: strings.TrimSpace(a.Description + "\n" + a.Population), Themes: a.Themes,
		Territory: a.Lineage, Organisation: a.speaker(), Status: a.Status, Visibility: actorVisibility(a),
		Created: a.CreatedAt, Updated: a.UpdatedAt,
		Keywords: map[string]string{"actor_kind": a.Kind, "on_teixit": onTeixit(a)}}
	if a.Status != StatusPublished {
		d.Organisation = ""
	}
	if a.Point != nil {
		d.Geo = &search.GeoPoint{Lat: a.Point.Lat, Lon: a.Point.Lon}
	}
	if a.OrgID != "" {
		d.Keywords["org_id"] = a.OrgID
	}
	return d
}

// LoadActors is the loader of kind "actor": title = name, body = description and population, themes,
// territory = its territories with their ancestors, organisation = the one that speaks for it; keywords
// actor_kind, on_teixit (yes|no), org_id.
func (s *Service) LoadActors(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := make(map[string]search.Document, len(ids))
	for _, id := range ids {
		var a actorDoc
		if err := s.Store.Get(ctx, colActors, id, &a); store.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		out[id] = s.actorDocument(&a)
	}
	return out, nil
}

// LoadRelations is the loader of kind "relation": title "A · B", territory = both actors' territories,
// visible to everyone unless it waits for a confirmation (then to the two organisations only); keywords
// rel_type, rel_status, from, to. A relation whose actor is gone or not published is not indexed.
func (s *Service) LoadRelations(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := make(map[string]search.Document, len(ids))
	actors := map[string]*actorDoc{}
	get := func(id string) (*actorDoc, error) {
		if a, ok := actors[id]; ok {
			return a, nil
		}
		var a actorDoc
		if err := s.Store.Get(ctx, colActors, id, &a); store.IsNotFound(err) {
			actors[id] = nil
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		actors[id] = &a
		return &a, nil
	}
	for _, id := range ids {
		var r relationDoc
		if err := s.Store.Get(ctx, colRelations, id, &r); store.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		from, err := get(r.From)
		if err != nil {
			return nil, err
		}
		to, err := get(r.To)
		if err != nil {
			return nil, err
		}
		if d, ok := relationDocument(&r, from, to); ok {
			out[id] = d
		}
	}
	return out, nil
}

// relationDocument is a relation's search document, or false when it is not indexed (an actor gone or not
// published).
func relationDocument(r *relationDoc, from, to *actorDoc) (search.Document, bool) {
	if from == nil || to == nil || from.Status != StatusPublished || to.Status != StatusPublished {
		return search.Document{}, false
	}
	vis := []string{search.Public}
	if r.Status == RelProposed {
		vis = []string{search.OrgPrefix + r.ProposerOrg, search.OrgPrefix + r.AwaitingOrg}
	}
	return search.Document{Title: from.Name + " · " + to.Name, Body: r.Source + "\n" + r.Note,
		Territory: clean.Unique(append(append([]string{}, from.Lineage...), to.Lineage...)), Organisation: r.ProposerOrg,
		Visibility: vis, Created: r.CreatedAt, Updated: r.UpdatedAt,
		Keywords: map[string]string{"rel_type": r.Type, "rel_status": r.Status, "from": r.From, "to": r.To}}, true
}

// StreamOf streams every record of a kind with its document in one scan (rebuilds): no read per record.
// Relations need both actors: the actors are read first, in one scan, and kept while the relations stream.
func (s *Service) StreamOf(kind string) func(ctx context.Context, yield func(string, search.Document) error) error {
	if kind == KindActor {
		return func(ctx context.Context, yield func(string, search.Document) error) error {
			return store.Each(ctx, s.Store.Store, colActors, func(a *actorDoc) error { return yield(a.ID, s.actorDocument(a)) })
		}
	}
	return func(ctx context.Context, yield func(string, search.Document) error) error {
		actors := map[string]*actorDoc{}
		err := store.Each(ctx, s.Store.Store, colActors, func(a *actorDoc) error { actors[a.ID] = a; return nil })
		if err != nil {
			return err
		}
		return store.Each(ctx, s.Store.Store, colRelations, func(r *relationDoc) error {
			if d, ok := relationDocument(r, actors[r.From], actors[r.To]); ok {
				return yield(r.ID, d)
			}
			return nil
		})
	}
}

// AllOf streams every id of a kind (rebuilds).
func (s *Service) AllOf(kind string) func(ctx context.Context, yield func(string) error) error {
	col := colActors
	if kind == KindRelation {
		col = colRelations
	}
	return func(ctx context.Context, yield func(string) error) error {
		return s.Store.EachID(ctx, col, nil, yield)
	}
}

// CountOf estimates how many records of a kind a rebuild reads.
func (s *Service) CountOf(kind string) func(ctx context.Context) (int, error) {
	col := colActors
	if kind == KindRelation {
		col = colRelations
	}
	return func(ctx context.Context) (int, error) { return s.Store.Estimate(ctx, col) }
}
