package evaluation

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/store"
)

// Read-model kinds of this package.
const (
	KindEvaluation  = "evaluation"
	KindItem        = "evaluation_item"
	KindPoint       = "evaluation_point"
	KindMeasure     = "evaluation_measure"
	KindParticipant = "evaluation_participant"
	KindVote        = "evaluation_vote"
	// KindReport is an edition's published report (keyed by the edition): its summary, read and found
	// where the report may be read.
	KindReport = "evaluation_report"
)

// Kinds lists every kind this package registers with the read model.
var Kinds = []string{KindEvaluation, KindItem, KindPoint, KindMeasure, KindParticipant, KindVote, KindReport}

// statusInternal marks documents that only this package lists and counts (participants, votes): search
// matches published documents only, so they never appear in anyone's results.
const statusInternal = "internal"

// Link is the app page of a record of each kind.
func Link(kind string) func(id string) string {
	return func(id string) string {
		switch kind {
		case KindEvaluation:
			return "/evaluations/" + id
		case KindMeasure:
			return "/evaluation-measures/" + id
		case KindReport:
			return "/evaluation-editions/" + id + "/report"
		default:
			return "/evaluations"
		}
	}
}

func collectionOf(kind string) string {
	switch kind {
	case KindEvaluation:
		return colEvaluations
	case KindItem:
		return colItems
	case KindPoint:
		return colPoints
	case KindMeasure:
		return colMeasures
	case KindParticipant:
		return colParticipants
	case KindReport:
		return colEditions
	default:
		return colVotes
	}
}

// scope is what the documents inside one evaluation share: who may see them.
type scope struct {
	ev      *evalDoc
	members []string // visibility of merged points, measures and the evaluation: organising + partner orgs
	items   []string // visibility of items: the organising organisations
	public  map[string]bool
}

type scopes map[string]*scope

// scopeOf reads an evaluation and its editions once per Load batch (nil when the evaluation is gone).
func (s *Service) scopeOf(ctx context.Context, cache scopes, evalID string) (*scope, error) {
	if sc, ok := cache[evalID]; ok {
		return sc, nil
	}
	var ev evalDoc
	if err := s.st.Get(ctx, colEvaluations, evalID, &ev); store.IsNotFound(err) {
		cache[evalID] = nil
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	sc := &scope{ev: &ev, public: map[string]bool{}}
	orgs := append([]string(nil), ev.OrgIDs...)
	for _, o := range ev.OrgIDs {
		sc.items = append(sc.items, search.OrgPrefix+o)
	}
	for n := 1; n <= ev.LastEdition; n++ {
		var ed editionDoc
		if err := s.st.Get(ctx, colEditions, editionID(ev.ID, n), &ed); store.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		for _, o := range ed.PartnerOrgIDs {
			if !slices.Contains(orgs, o) {
				orgs = append(orgs, o)
			}
		}
		sc.public[ed.ID] = ed.Report.Published && ed.Report.Visibility == "public"
	}
	for _, o := range orgs {
		sc.members = append(sc.members, search.OrgPrefix+o)
	}
	cache[evalID] = sc
	return sc, nil
}

func (sc *scope) lead() string {
	if len(sc.ev.OrgIDs) > 0 {
		return sc.ev.OrgIDs[0]
	}
	return ""
}

// visibility of a point or measure of an edition: the members, and everyone once its report is public.
func (sc *scope) visibility(editionID string) []string {
	if sc.public[editionID] {
		return append([]string{search.Public}, sc.members...)
	}
	return sc.members
}

func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n])) + "…"
}

func evalOf(editionID string) string {
	if i := strings.LastIndexByte(editionID, '-'); i > 0 {
		return editionID[:i]
	}
	return editionID
}

// LoadOf returns the loader of one kind.
func (s *Service) LoadOf(kind string) search.Loader {
	return func(ctx context.Context, ids []string) (map[string]search.Document, error) {
		cache, out := scopes{}, map[string]search.Document{}
		for _, id := range ids {
			doc, ok, err := s.document(ctx, cache, kind, id)
			if err != nil {
				return nil, err
			}
			if ok {
				out[id] = doc
			}
		}
		return out, nil
	}
}

// document is a record's indexed form; ok is false when it (or its evaluation) is gone. Items carry no
// author and only the day they were written: nothing indexed points at a person.
func (s *Service) document(ctx context.Context, cache scopes, kind, id string) (search.Document, bool, error) {
	var none search.Document
	switch kind {
	case KindEvaluation:
		sc, err := s.scopeOf(ctx, cache, id)
		if err != nil || sc == nil {
			return none, false, err
		}
		vis := sc.members
		for _, pub := range sc.public {
			if pub {
				vis = append([]string{search.Public}, sc.members...)
				break
			}
		}
		return search.Document{Title: sc.ev.Title, Body: sc.ev.Description, Organisation: sc.lead(), Visibility: vis,
			Created: sc.ev.CreatedAt, Updated: sc.ev.UpdatedAt, Keywords: map[string]string{"subject": sc.ev.Subject.Kind, "subject_ref": subjectKey(sc.ev.Subject.Kind, sc.ev.Subject.Ref)}}, true, nil
	case KindItem:
		var it itemDoc
		if err := s.st.Get(ctx, colItems, id, &it); store.IsNotFound(err) {
			return none, false, nil
		} else if err != nil {
			return none, false, err
		}
		sc, err := s.scopeOf(ctx, cache, it.EvaluationID)
		if err != nil || sc == nil {
			return none, false, err
		}
		day := it.CreatedAt.Truncate(24 * 60 * 60 * 1e9)
		merged := "no"
		if it.MergedID != "" {
			merged = "yes"
		}
		return search.Document{Title: excerpt(it.Text, 90), Body: it.Text, Language: it.Language,
			Organisation: sc.lead(), Parent: it.EditionID, Visibility: sc.items, Created: day, Updated: day,
			Keywords: map[string]string{"group": it.GroupID, "area": it.AreaID, "item_kind": it.Kind, "merged": merged}}, true, nil
	case KindPoint:
		var pt pointDoc
		if err := s.st.Get(ctx, colPoints, id, &pt); store.IsNotFound(err) {
			return none, false, nil
		} else if err != nil {
			return none, false, err
		}
		sc, err := s.scopeOf(ctx, cache, pt.EvaluationID)
		if err != nil || sc == nil {
			return none, false, err
		}
		return search.Document{Title: excerpt(pt.Text, 90), Body: pt.Text, Organisation: sc.lead(), Parent: pt.EditionID,
			Visibility: sc.visibility(pt.EditionID), Created: pt.CreatedAt, Updated: pt.UpdatedAt,
			Keywords: map[string]string{"area": pt.AreaID, "item_kind": pt.Kind},
			Numbers:  map[string]float64{"groups": float64(len(pt.GroupIDs))}}, true, nil
	case KindMeasure:
		var m measureDoc
		if err := s.st.Get(ctx, colMeasures, id, &m); store.IsNotFound(err) {
			return none, false, nil
		} else if err != nil {
			return none, false, err
		}
		sc, err := s.scopeOf(ctx, cache, m.EvaluationID)
		if err != nil || sc == nil {
			return none, false, err
		}
		return search.Document{Title: m.Title, Body: m.Description, Organisation: sc.lead(), Parent: m.EditionID,
			Visibility: sc.visibility(m.EditionID), Created: m.CreatedAt, Updated: m.UpdatedAt,
			Keywords: map[string]string{"measure_status": m.Status}}, true, nil
	case KindReport:
		var ed editionDoc
		if err := s.st.Get(ctx, colEditions, id, &ed); store.IsNotFound(err) {
			return none, false, nil
		} else if err != nil {
			return none, false, err
		}
		if !ed.Report.Published || ed.Report.Summary == "" {
			return none, false, nil // nothing to read or find until it is out with words of its own
		}
		sc, err := s.scopeOf(ctx, cache, ed.EvaluationID)
		if err != nil || sc == nil {
			return none, false, err
		}
		return search.Document{Title: sc.ev.Title + " — " + ed.Title, Body: ed.Report.Summary, Organisation: sc.lead(),
			Parent: ed.ID, Visibility: sc.visibility(ed.ID), Created: ed.Report.PublishedAt, Updated: ed.Report.PublishedAt}, true, nil
	case KindParticipant:
		var pd participantDoc
		if err := s.st.Get(ctx, colParticipants, id, &pd); store.IsNotFound(err) {
			return none, false, nil
		} else if err != nil {
			return none, false, err
		}
		team := pd.Team
		if team == "" {
			team = pd.OrgID
		}
		return search.Document{Parent: pd.EditionID, Status: statusInternal, Created: pd.JoinedAt, Updated: pd.JoinedAt,
			Keywords: map[string]string{"role": pd.Role, "team": team}}, true, nil
	default:
		var v voteDoc
		if err := s.st.Get(ctx, colVotes, id, &v); store.IsNotFound(err) {
			return none, false, nil
		} else if err != nil {
			return none, false, err
		}
		return search.Document{Parent: v.EditionID, Status: statusInternal, Keywords: map[string]string{"point": v.PointID}}, true, nil
	}
}

// AllOf streams every id of a kind (index rebuilds).
func (s *Service) AllOf(kind string) func(ctx context.Context, yield func(string) error) error {
	return func(ctx context.Context, yield func(string) error) error {
		return s.st.Store.EachID(ctx, collectionOf(kind), nil, yield)
	}
}

// CountOf estimates the records of a kind (the rebuild's progress bar).
func (s *Service) CountOf(kind string) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) { return s.st.Store.Estimate(ctx, collectionOf(kind)) }
}

// subjectKey names what an evaluation is about for the `subject_ref` filter: "<kind>:<ref>" for a diagnosis
// action or a practice transfer (the shortcut from its page lists its evaluations), the kind alone otherwise.
func subjectKey(kind, ref string) string {
	if ref == "" {
		return kind
	}
	return kind + ":" + ref
}
