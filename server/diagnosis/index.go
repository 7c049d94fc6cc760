package diagnosis

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// Read-model kinds of this package.
const (
	KindDiagnosis    = "diagnosis"
	KindContribution = "contribution"
	KindFinding      = "finding"
	KindAction       = "action"
)

// Link is the app page of a record of each kind.
func Link(kind string) func(id string) string {
	return func(id string) string {
		switch kind {
		case KindDiagnosis:
			return "/diagnoses/" + id
		default:
			return "/" + kind + "s/" + id
		}
	}
}

// context of a diagnosis shared by the documents inside it, cached per Load batch.
type diagContext struct {
	d         *diagDoc
	territory []string
}

type diagCache map[string]*diagContext

func (s *Service) diagContext(ctx context.Context, cache diagCache, id string) (*diagContext, error) {
	if dc, ok := cache[id]; ok {
		return dc, nil
	}
	var d diagDoc
	if err := s.st.Get(ctx, colDiagnoses, id, &d); store.IsNotFound(err) {
		cache[id] = nil
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	dc := &diagContext{d: &d, territory: []string{d.TerritoryID}}
	t, err := s.terr.Get(ctx, d.TerritoryID)
	switch {
	case err == nil:
		dc.territory = append(dc.territory, t.Ancestors...)
	case !apperr.IsKind(err, apperr.NotFound):
		return nil, err
	}
	cache[id] = dc
	return dc, nil
}

func (dc *diagContext) lead() string {
	if len(dc.d.OrgIDs) > 0 {
		return dc.d.OrgIDs[0]
	}
	return ""
}

// contributionVisibility is the one rule of who reads a contribution, its photos and its voice notes: the
// index's tokens, the Go re-check (canSee) and the media files all come from it. Published → public;
// pending → the organisers (staff of an organising organisation, not its plain members) and the person
// who entered it; hidden → the organisers.
func contributionVisibility(c *contribDoc, d *diagDoc) []string {
	if c.Status == StatusPublished {
		return []string{search.Public}
	}
	v := make([]string, 0, len(d.OrgIDs)+1)
	for _, o := range d.OrgIDs {
		v = append(v, search.StaffPrefix+o)
	}
	if e := c.editor(); c.Status == StatusPending && e != "" {
		v = append(v, search.UserPrefix+e)
	}
	return v
}

// canSee is the Go re-check of contributionVisibility for a request's principal.
func canSee(p *auth.Principal, c *contribDoc, d *diagDoc) bool {
	return p.Reader().Sees(contributionVisibility(c, d))
}

func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// LoadDiagnoses is the loader of kind "diagnosis": public, filtered by territory (with ancestors), theme,
// phase and lead organisation.
func (s *Service) LoadDiagnoses(ctx context.Context, ids []string) (map[string]search.Document, error) {
	cache, out := diagCache{}, map[string]search.Document{}
	for _, id := range ids {
		dc, err := s.diagContext(ctx, cache, id)
		if err != nil {
			return nil, err
		}
		if dc == nil {
			continue
		}
		d := dc.d
		out[id] = search.Document{Title: d.Title, Body: d.Description, Themes: d.Themes, Territory: dc.territory,
			Organisation: dc.lead(), Visibility: []string{search.Public}, Created: d.CreatedAt, Updated: d.UpdatedAt,
			Keywords: map[string]string{"phase": d.Phase}}
	}
	return out, nil
}

// LoadContributions is the loader of kind "contribution": published ones are public; pending ones are
// visible to the organising organisations and the person who entered them; hidden ones to the organising
// organisations only. Keywords: contribution_kind, queue (pending or unreviewed reports), week and day of
// creation (participation over time); Numbers: supports.
func (s *Service) LoadContributions(ctx context.Context, ids []string) (map[string]search.Document, error) {
	cache, out := diagCache{}, map[string]search.Document{}
	for _, id := range ids {
		var c contribDoc
		s.supporters.Forget(id) // a support or its withdrawal is announced as a change of its contribution
		if err := s.st.Get(ctx, colContributions, id, &c); store.IsNotFound(err) {
			s.cache.Gone(id)
			continue
		} else if err != nil {
			return nil, err
		}
		s.cache.Loaded(id, c)
		doc, ok, err := s.contributionDocument(ctx, cache, &c)
		if err != nil {
			return nil, err
		}
		if ok {
			out[id] = doc
		}
	}
	return out, nil
}

// StreamContributions yields every contribution's indexed form in one scan (index rebuilds), with each
// diagnosis's context read once.
func (s *Service) StreamContributions(ctx context.Context, yield func(string, search.Document) error) error {
	cache := diagCache{}
	return store.Each(ctx, s.st.Store, colContributions, func(c *contribDoc) error {
		doc, ok, err := s.contributionDocument(ctx, cache, c)
		if err != nil || !ok {
			return err
		}
		return yield(c.ID, doc)
	})
}

// contributionDocument is a contribution's indexed form; ok is false when its diagnosis no longer exists.
func (s *Service) contributionDocument(ctx context.Context, cache diagCache, c *contribDoc) (search.Document, bool, error) {
	dc, err := s.diagContext(ctx, cache, c.DiagnosisID)
	if err != nil || dc == nil {
		return search.Document{}, false, err
	}
	vis := contributionVisibility(c, dc.d)
	queue := "no"
	if c.inQueue() {
		queue = "yes"
	}
	y, w := c.CreatedAt.ISOWeek()
	doc := search.Document{Title: excerpt(c.Text, 90), Body: c.Text, Language: c.Language, Themes: []string{c.Theme},
		Territory: dc.territory, Organisation: dc.lead(), Parent: c.DiagnosisID, Status: c.Status, Visibility: vis,
		Created: c.CreatedAt, Updated: c.UpdatedAt,
		Keywords: map[string]string{"contribution_kind": c.Kind, "queue": queue,
			"week": fmt.Sprintf("%04d-W%02d", y, w), "day": c.CreatedAt.Format("2006-01-02")},
		Numbers: map[string]float64{"supports": float64(c.Supports)}}
	if c.Point != nil {
		doc.Geo = &search.GeoPoint{Lat: c.Point.Lat, Lon: c.Point.Lon}
	}
	return doc, true, nil
}

// LoadFindings is the loader of kind "finding": public, Keywords swot, Numbers citations.
func (s *Service) LoadFindings(ctx context.Context, ids []string) (map[string]search.Document, error) {
	cache, out := diagCache{}, map[string]search.Document{}
	for _, id := range ids {
		var f findingDoc
		if err := s.st.Get(ctx, colFindings, id, &f); store.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		dc, err := s.diagContext(ctx, cache, f.DiagnosisID)
		if err != nil {
			return nil, err
		}
		if dc == nil {
			continue
		}
		out[id] = search.Document{Title: f.Title, Body: f.Text, Themes: dc.d.Themes, Territory: dc.territory,
			Organisation: dc.lead(), Parent: f.DiagnosisID, Visibility: []string{search.Public},
			Created: f.CreatedAt, Updated: f.UpdatedAt, Keywords: map[string]string{"swot": f.SWOT},
			Numbers: map[string]float64{"citations": float64(len(f.ContributionIDs))}}
	}
	return out, nil
}

// LoadActions is the loader of kind "action": public, Organisation = the responsible one, Keywords
// action_status (the index Status stays "published" so default lists include every action).
func (s *Service) LoadActions(ctx context.Context, ids []string) (map[string]search.Document, error) {
	cache, out := diagCache{}, map[string]search.Document{}
	for _, id := range ids {
		var a actionDoc
		if err := s.st.Get(ctx, colActions, id, &a); store.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		dc, err := s.diagContext(ctx, cache, a.DiagnosisID)
		if err != nil {
			return nil, err
		}
		if dc == nil {
			continue
		}
		out[id] = search.Document{Title: a.Title, Body: a.Description, Themes: dc.d.Themes, Territory: dc.territory,
			Organisation: a.ResponsibleOrgID, Parent: a.DiagnosisID, Visibility: []string{search.Public},
			Created: a.CreatedAt, Updated: a.UpdatedAt, Keywords: map[string]string{"action_status": a.Status}}
	}
	return out, nil
}

// AllOf streams every id of a kind (index rebuilds).
func (s *Service) AllOf(kind string) func(ctx context.Context, yield func(string) error) error {
	return func(ctx context.Context, yield func(string) error) error {
		return s.st.ids(ctx, collectionOf(kind), nil, yield)
	}
}

// CountOf counts the records of a kind (the rebuild's progress bar).
func (s *Service) CountOf(kind string) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) { return s.st.count(ctx, collectionOf(kind)) }
}

func collectionOf(kind string) string {
	switch kind {
	case KindDiagnosis:
		return colDiagnoses
	case KindContribution:
		return colContributions
	case KindFinding:
		return colFindings
	default:
		return colActions
	}
}
