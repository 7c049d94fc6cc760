package practice

import (
	"context"
	"errors"
	"strings"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/store"
)

// Read-model kinds: a practice (original "practice:<id>" and each translation "practice:<id>:<lang>",
// each analysed in its own language) and a transfer ("transfer:<id>").
const (
	IndexKind    = "practice"
	TransferKind = "transfer"
)

// Link is a practice's page in the app (a translation links to the practice).
func Link(id string) string {
	id, _, _ = strings.Cut(id, ":")
	return "/practices/" + id
}

// TransferLink is a transfer's page in the app.
func TransferLink(id string) string { return "/transfers/" + id }

func visibility(d *practiceDoc) []string {
	if d.Status == StatusDraft {
		return []string{search.OrgPrefix + d.OrgID}
	}
	return []string{search.Public}
}

// indexStatus is the practice status as is: default lists and full-text search match only "published",
// so drafts (listed with ?status=draft by their organisation) and archived practices (still readable by
// link, listed with ?status=archived) stay out of them.
func indexStatus(d *practiceDoc) string { return d.Status }

func textBody(t textDoc) string {
	parts := []string{t.Summary, t.Problem, t.TargetPopulation}
	for _, st := range t.Steps {
		parts = append(parts, st.Title, st.Detail)
	}
	parts = append(parts, t.Resources.People, t.Resources.Time, t.Resources.Budget, t.Results, t.Evidence, t.EvaluationSummary)
	return strings.Join(parts, "\n\n") // a paragraph each, so a machine translation reads in parts
}

// Load implements the read model's loader for practices and their translations.
func (s *Service) Load(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := make(map[string]search.Document, len(ids))
	cache := map[string]*practiceDoc{}
	for _, id := range ids {
		pid, lang, isTr := strings.Cut(id, ":")
		d, ok := cache[pid]
		if !ok {
			var err error
			d, err = s.st.get(ctx, pid)
			if errors.Is(err, store.ErrNotFound) {
				d = nil
			} else if err != nil {
				return nil, err
			}
			cache[pid] = d
		}
		if d == nil {
			continue
		}
		if isTr && lang == "" {
			continue // "id:" names no translation
		}
		if doc, ok := d.document(lang); ok {
			out[id] = doc
		}
	}
	return out, nil
}

// document is the practice's search document in its own language (lang ""), or its translation into lang
// (false when there is none).
func (d *practiceDoc) document(lang string) (search.Document, bool) {
	t, variant, parent, docLang := d.Text, "original", "", d.Language
	if lang != "" {
		tr, ok := d.Translations[lang]
		if !ok || lang == d.Language {
			return search.Document{}, false
		}
		t, variant, parent, docLang = tr, "translation", d.ID, lang
	}
	return search.Document{Title: t.Title, Body: textBody(t), Language: docLang, Themes: d.Themes,
		Territory: d.Ancestors, Organisation: d.OrgID, Parent: parent, Status: indexStatus(d),
		Visibility: visibility(d), Created: d.CreatedAt, Updated: d.UpdatedAt,
		Keywords: map[string]string{"variant": variant},
		Numbers:  map[string]float64{"transfers": float64(d.Stats.Transfers), "rating": d.Stats.Rating}}, true
}

// Stream streams every practice and its translations with their documents in one scan (rebuilds).
func (s *Service) Stream(ctx context.Context, yield func(string, search.Document) error) error {
	return s.st.eachPractice(ctx, func(d *practiceDoc) error {
		doc, _ := d.document("")
		if err := yield(d.ID, doc); err != nil {
			return err
		}
		for lang := range d.Translations {
			if tr, ok := d.document(lang); ok {
				if err := yield(d.ID+":"+lang, tr); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// All streams every practice id and its translations' ids (for rebuilds).
func (s *Service) All(ctx context.Context, yield func(string) error) error {
	return s.st.ids(ctx, colPractices, func(id string) error {
		if err := yield(id); err != nil {
			return err
		}
		d, err := s.st.get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		for lang := range d.Translations {
			if err := yield(id + ":" + lang); err != nil {
				return err
			}
		}
		return nil
	})
}

// Count estimates the rebuild's size (translations are not counted).
func (s *Service) Count(ctx context.Context) (int, error) { return s.st.count(ctx, colPractices) }

// LoadTransfers implements the read model's loader for transfers: stage, adaptation note and outcome,
// visible to everyone once the practice is published (to both organisations while it is a draft).
func (s *Service) LoadTransfers(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := make(map[string]search.Document, len(ids))
	for _, id := range ids {
		t, err := s.st.transfer(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		pd, err := s.st.get(ctx, t.PracticeID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		vis := []string{search.OrgPrefix + t.AdopterOrgID, search.OrgPrefix + t.OriginOrgID}
		if pd.Status != StatusDraft {
			vis = append(vis, search.Public)
		}
		name, err := s.orgs.Name(ctx, t.AdopterOrgID)
		if err != nil {
			name = ""
		}
		body := []string{pd.Text.Title, t.Note}
		var rating float64
		if t.Outcome != nil {
			body = append(body, t.Outcome.Lessons)
			rating = float64(t.Outcome.Rating)
		}
		out[id] = search.Document{Title: name, Body: strings.Join(body, "\n"), Themes: pd.Themes, Territory: pd.Ancestors,
			Organisation: t.AdopterOrgID, Parent: t.PracticeID, Visibility: vis, Created: t.CreatedAt, Updated: t.UpdatedAt,
			Keywords: map[string]string{"stage": t.Status, "adopter": t.AdopterOrgID, "origin": t.OriginOrgID},
			Numbers:  map[string]float64{"rating": rating}}
	}
	return out, nil
}

// AllTransfers streams every transfer id.
func (s *Service) AllTransfers(ctx context.Context, yield func(string) error) error {
	return s.st.ids(ctx, colTransfers, yield)
}

// CountTransfers estimates how many transfers a rebuild reads.
func (s *Service) CountTransfers(ctx context.Context) (int, error) {
	return s.st.count(ctx, colTransfers)
}
