// Package territory owns the territories diagnoses are about: a hierarchy (city → district → neighbourhood)
// with optional GeoJSON boundaries. Territories are few (hundreds), so lists read the whole collection.
package territory

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// Levels of the hierarchy.
var Levels = []string{"city", "district", "neighbourhood", "other"}

// MaxPositions bounds a boundary's size: a simplified neighbourhood outline needs far fewer.
const MaxPositions = 5000

// MaxTerritories bounds what one list returns; the collection is small by nature.
const MaxTerritories = 5000

type doc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	Level     string    `bson:"level"`
	ParentID  string    `bson:"parentId,omitempty"`
	Ancestors []string  `bson:"ancestors"`          // root first; lets a district search find its neighbourhoods
	Boundary  string    `bson:"boundary,omitempty"` // GeoJSON text
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// Territory is the API view.
type Territory struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Level     string    `json:"level"`
	ParentID  string    `json:"parentId,omitempty"`
	Ancestors []string  `json:"ancestors"`
	Boundary  *Geometry `json:"boundary,omitempty"`
}

func (d *doc) api(withBoundary bool) Territory {
	t := Territory{ID: d.ID, Name: d.Name, Level: d.Level, ParentID: d.ParentID, Ancestors: d.Ancestors}
	if t.Ancestors == nil {
		t.Ancestors = []string{}
	}
	if withBoundary {
		t.Boundary = geometryFrom(d.Boundary)
	}
	return t
}

// Admins decides who manages territories: platform admins and admins of a municipality organisation.
type Admins interface {
	IsMunicipalityAdmin(ctx context.Context, p *auth.Principal) (bool, error)
}

// Service implements territories.
type Service struct {
	st     *Store
	admins Admins
	now    func() time.Time
}

// NewService builds the service.
func NewService(st *Store, admins Admins) *Service {
	return &Service{st: st, admins: admins, now: time.Now}
}

// Input creates or changes a territory; nil fields are left alone on update. Boundary null removes it.
type Input struct {
	Name     *string         `json:"name" api:"required"`
	Level    *string         `json:"level" api:"required"`
	ParentID *string         `json:"parentId"`
	Boundary json.RawMessage `json:"boundary"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (Input) Enums() map[string][]string {
	return map[string][]string{"level": Levels}
}

func (s *Service) requireManager(ctx context.Context, p *auth.Principal) error {
	if p.PlatformAdmin {
		return nil
	}
	ok, err := s.admins.IsMunicipalityAdmin(ctx, p)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Forbid("Only platform administrators and municipality administrators manage territories.")
	}
	return nil
}

var errNotFound = apperr.NotFoundf("The territory")

func (s *Service) load(ctx context.Context, id string) (*doc, error) {
	return s.st.territory(ctx, id)
}

// Getter is what a domain needs of territories to name and place its records: one territory by id with
// its ancestors and boundary (a NotFound error when unknown). *Service implements it.
type Getter interface {
	Get(ctx context.Context, id string) (*Territory, error)
}

// Get returns a territory with its boundary.
func (s *Service) Get(ctx context.Context, id string) (*Territory, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	t := d.api(true)
	return &t, nil
}

// Boundary returns a territory's boundary, or nil when it has none (a NotFound error when the territory
// does not exist). Diagnoses use it to check that a contribution's point falls inside.
func (s *Service) Boundary(ctx context.Context, id string) (*Geometry, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return geometryFrom(d.Boundary), nil
}

// List returns territories filtered by parent and level, by name, without boundaries.
func (s *Service) List(ctx context.Context, parentID, level string) ([]Territory, error) {
	if level != "" && !slices.Contains(Levels, level) {
		return nil, apperr.Validation(apperr.Fields{"level": apperr.OneOf(Levels...)})
	}
	docs, err := s.st.territories(ctx, parentID, level)
	if err != nil {
		return nil, err
	}
	out := make([]Territory, len(docs))
	for i := range docs {
		out[i] = docs[i].api(false)
	}
	return out, nil
}

// Create adds a territory (platform and municipality admins).
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*Territory, error) {
	if err := s.requireManager(ctx, p); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	d := &doc{ID: store.NewID(), CreatedAt: now, UpdatedAt: now}
	if err := s.apply(ctx, d, in, true); err != nil {
		return nil, err
	}
	if err := s.st.insertTerritory(ctx, d); err != nil {
		return nil, err
	}
	t := d.api(true)
	return &t, nil
}

// Update changes a territory (platform and municipality admins). Moving it under another parent is not
// allowed: descendants keep their ancestor lists, so a move would need re-parenting them all.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id string, in Input) (*Territory, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireManager(ctx, p); err != nil {
		return nil, err
	}
	if in.ParentID != nil && *in.ParentID != d.ParentID {
		return nil, apperr.New(apperr.Conflict, "cannot_move", "A territory cannot be moved under another parent; create a new one instead.")
	}
	if err := s.apply(ctx, d, in, false); err != nil {
		return nil, err
	}
	d.UpdatedAt = s.now().UTC()
	if err := s.st.replaceTerritory(ctx, d); err != nil {
		return nil, err
	}
	t := d.api(true)
	return &t, nil
}

func (s *Service) apply(ctx context.Context, d *doc, in Input, create bool) error {
	fields := apperr.Fields{}
	if in.Name != nil || create {
		n := ""
		if in.Name != nil {
			n = strings.TrimSpace(*in.Name)
		}
		fields.Length("name", n, 1, 120)
		d.Name = n
	}
	if in.Level != nil || create {
		l := ""
		if in.Level != nil {
			l = *in.Level
		}
		if !slices.Contains(Levels, l) {
			fields["level"] = apperr.OneOf(Levels...)
		}
		d.Level = l
	}
	if create && in.ParentID != nil && *in.ParentID != "" {
		parent, err := s.load(ctx, *in.ParentID)
		switch {
		case apperr.IsKind(err, apperr.NotFound):
			fields["parentId"] = apperr.UnknownRef()
		case err != nil:
			return err
		default:
			d.ParentID = parent.ID
			d.Ancestors = append(append([]string{}, parent.Ancestors...), parent.ID)
		}
	}
	if d.Ancestors == nil {
		d.Ancestors = []string{}
	}
	if len(in.Boundary) > 0 {
		if string(in.Boundary) == "null" {
			d.Boundary = ""
		} else if g, why := ParseGeometry(in.Boundary, MaxPositions); why != "" {
			fields["boundary"] = apperr.Because("geometry", "detail", why)
		} else {
			d.Boundary = g.stored()
		}
	}
	return apperr.Validation(fields)
}
