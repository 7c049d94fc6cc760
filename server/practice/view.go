package practice

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/theme"
)

// pickLanguage chooses the language to show: the one asked for, else the reader's, when a text exists in
// it; otherwise the original.
func pickLanguage(d *practiceDoc, asked string, p *auth.Principal) string {
	for _, l := range []string{asked, readerLang(p)} {
		if l == d.Language {
			return l
		}
		if _, ok := d.Translations[l]; ok && l != "" {
			return l
		}
	}
	return d.Language
}

func readerLang(p *auth.Principal) string {
	if p == nil {
		return ""
	}
	return p.Language
}

func (d *practiceDoc) textIn(lang string) textDoc {
	if t, ok := d.Translations[lang]; ok && lang != d.Language {
		return t
	}
	return d.Text
}

// view converts a stored practice to the API view in the chosen language, with where it was transferred.
func (s *Service) view(ctx context.Context, p *auth.Principal, d *practiceDoc, asked string) (*Practice, error) {
	return s.viewAs(ctx, p, d, asked, true, nil)
}

// orgMemo remembers organisation names and the reader's roles during one list (lists show many practices
// of few organisations); safe for the list's parallel loads.
type orgMemo struct {
	mu    sync.Mutex
	names map[string]string
	edit  map[string]bool
}

func (s *Service) orgFacts(ctx context.Context, p *auth.Principal, orgID string, m *orgMemo) (name string, canEdit bool, err error) {
	if m != nil {
		m.mu.Lock()
		name, ok1 := m.names[orgID]
		canEdit, ok2 := m.edit[orgID]
		m.mu.Unlock()
		if ok1 && ok2 {
			return name, canEdit, nil
		}
	}
	name, err = s.orgs.Name(ctx, orgID)
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		return "", false, err
	}
	if canEdit, err = s.canEdit(ctx, p, orgID); err != nil {
		return "", false, err
	}
	if m != nil {
		m.mu.Lock()
		m.names[orgID], m.edit[orgID] = name, canEdit
		m.mu.Unlock()
	}
	return name, canEdit, nil
}

// viewAs is view; lists pass withTransfers false and show only the counts (one index query less per item).
func (s *Service) viewAs(ctx context.Context, p *auth.Principal, d *practiceDoc, asked string, withTransfers bool, m *orgMemo) (*Practice, error) {
	lang := pickLanguage(d, asked, p)
	t := d.textIn(lang)
	orgName, canEdit, err := s.orgFacts(ctx, p, d.OrgID, m)
	if err != nil {
		return nil, err
	}
	v := &Practice{ID: d.ID, Status: d.Status, OriginalLanguage: d.Language, Language: lang, Translations: []string{},
		Title: t.Title, Summary: md(t.Summary), Problem: md(t.Problem),
		Context: Context{Territory: d.Territory, OrganisationID: d.OrgID, OrganisationName: orgName, TargetPopulation: t.TargetPopulation},
		Themes:  append([]string{}, d.Themes...), Steps: make([]StepView, len(t.Steps)),
		Resources: Resources{People: t.Resources.People, Time: t.Resources.Time, Budget: t.Resources.Budget},
		Results:   md(t.Results), Evidence: md(t.Evidence),
		Evaluation: Evaluation{Summary: md(t.EvaluationSummary), Indicators: make([]Indicator, len(d.Indicators))},
		Contact:    d.Contact, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, PublishedAt: d.PublishedAt}
	for l := range d.Translations {
		v.Translations = append(v.Translations, l)
	}
	sort.Strings(v.Translations)
	for i, st := range t.Steps {
		v.Steps[i] = StepView{Title: st.Title, Detail: md(st.Detail)}
	}
	for i, ind := range d.Indicators {
		v.Evaluation.Indicators[i] = Indicator{Name: ind.Name, Value: ind.Value}
	}
	v.CanEdit = canEdit
	v.Attachments = []Attachment{}
	for _, id := range d.Attachments {
		if s.media == nil {
			break
		}
		a, err := s.media.Get(ctx, id)
		if apperr.IsKind(err, apperr.NotFound) {
			continue // deleted from the media store since
		} else if err != nil {
			return nil, err
		}
		v.Attachments = append(v.Attachments, Attachment{ID: a.ID, Filename: a.Filename, Mime: a.Mime, Size: a.Size, URL: a.URL})
	}
	v.Transfers = TransferStats{Count: d.Stats.Transfers, Evaluated: d.Stats.Evaluated, AverageRating: d.Stats.Rating,
		Items: []TransferSummary{}}
	if !withTransfers {
		return v, nil
	}
	res, err := s.rm.List(ctx, readmodel.ReaderFor(p), search.ListRequest{Kind: TransferKind, PerPage: 50,
		Filters: map[string][]string{"parent": {d.ID}}, Sort: "-created"})
	if err != nil {
		return nil, err
	}
	for _, it := range res.Items {
		_, id, _ := strings.Cut(it.ID, ":")
		v.Transfers.Items = append(v.Transfers.Items, TransferSummary{ID: id, OrganisationID: it.Keywords["adopter"],
			OrganisationName: it.Title, Status: it.Keywords["stage"], Rating: int(it.Numbers["rating"])})
	}
	return v, nil
}

// Get returns a practice the reader may see, in ?lang= (or the reader's language, or the original).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id, lang string) (*Practice, error) {
	if lang != "" && !slices.Contains(Languages, lang) {
		return nil, apperr.Validation(apperr.Fields{"lang": apperr.OneOf(Languages...)})
	}
	d, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, d, lang)
}

// Summary is what other domains need to know about a practice the reader may see (comments, follows).
type Summary struct {
	ID, OrganisationID, Title, Status string
}

// Summarise returns a practice's summary if the reader may see it (NotFound otherwise); cheaper than Get.
func (s *Service) Summarise(ctx context.Context, p *auth.Principal, id string) (*Summary, error) {
	d, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &Summary{ID: d.ID, OrganisationID: d.OrgID, Title: d.Text.Title, Status: d.Status}, nil
}

// ListInput filters and orders the practices list.
type ListInput struct {
	Theme, Territory, Org, Lang, Status string
	Sort                                string // newest (default), transferred, rated
	Cursor                              string
	Limit                               int
}

// List returns a page of practices from the read model. With Lang, practices readable in that language
// (original or translation) are listed, each shown in it.
func (s *Service) List(ctx context.Context, p *auth.Principal, in ListInput) ([]Practice, string, error) {
	in.Limit = paging.Lists.Of(in.Limit)
	req := search.ListRequest{Kind: IndexKind, Cursor: in.Cursor, PerPage: in.Limit, IDsOnly: true, Filters: map[string][]string{}}
	f := apperr.Fields{}
	switch in.Sort {
	case "", "newest":
		req.Sort = "-created"
	case "transferred":
		req.Sort = "-transfers"
	case "rated":
		req.Sort = "-rating"
	default:
		f["sort"] = apperr.OneOf("newest", "transferred", "rated")
	}
	if in.Theme != "" {
		if !theme.Valid(in.Theme) {
			f["theme"] = apperr.OneOf(theme.All...)
		}
		req.Filters["theme"] = []string{in.Theme}
	}
	if in.Territory != "" {
		req.Filters["territory"] = []string{in.Territory}
	}
	if in.Org != "" {
		req.Filters["org"] = []string{in.Org}
	}
	if in.Status != "" {
		if !slices.Contains([]string{StatusDraft, StatusPublished, StatusArchived}, in.Status) {
			f["status"] = apperr.OneOf("draft", "published", "archived")
		}
		req.Filters["status"] = []string{in.Status}
	}
	if in.Lang != "" {
		if !slices.Contains(Languages, in.Lang) {
			f["lang"] = apperr.OneOf(Languages...)
		}
		req.Filters["lang"] = []string{in.Lang}
	} else {
		req.Filters["variant"] = []string{"original"}
	}
	if err := apperr.Validation(f); err != nil {
		return nil, "", err
	}
	res, err := s.rm.List(ctx, readmodel.ReaderFor(p), req)
	if err != nil {
		return nil, "", err
	}
	out, err := s.views(ctx, p, res.Items, in.Lang)
	return out, res.NextCursor, err
}

// views loads and converts listed practices, a few at a time in parallel (each is a few lookups by _id),
// keeping the list's order and skipping practices deleted since they were indexed.
func (s *Service) views(ctx context.Context, p *auth.Principal, items []search.Document, lang string) ([]Practice, error) {
	vs := make([]*Practice, len(items))
	errs := make([]error, len(items))
	sem := make(chan struct{}, 8)
	m := &orgMemo{names: map[string]string{}, edit: map[string]bool{}}
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, id string) {
			defer func() { <-sem; wg.Done() }()
			d, err := s.st.get(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return
			}
			if err == nil {
				vs[i], err = s.viewAs(ctx, p, d, lang, false, m)
			}
			errs[i] = err
		}(i, practiceIDOf(it.ID))
	}
	wg.Wait()
	out := make([]Practice, 0, len(vs))
	for i, v := range vs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if v != nil {
			out = append(out, *v)
		}
	}
	return out, nil
}

// practiceIDOf turns an index id ("practice:<id>" or "practice:<id>:<lang>") into the practice id.
func practiceIDOf(docID string) string {
	_, rest, _ := strings.Cut(docID, ":")
	id, _, _ := strings.Cut(rest, ":")
	return id
}

// relatedPage is how many related practices a page shows beside a practice.
var relatedPage = paging.Size{Default: 5, Max: 20}

// Related returns practices like this one that the reader may see: first those matching its title's
// words, then those sharing a theme (a more-like-this built from the index's own search).
func (s *Service) Related(ctx context.Context, p *auth.Principal, id string, limit int) ([]Practice, error) {
	d, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	limit = relatedPage.Of(limit)
	r := readmodel.ReaderFor(p)
	seen := map[string]bool{d.ID: true}
	var out []Practice
	add := func(req search.SearchRequest) error {
		req.Kinds, req.PerPage = []string{IndexKind}, 50
		res, err := s.search.Search(ctx, r, req)
		if err != nil {
			var ie *search.InputError
			if errors.As(err, &ie) {
				return nil // e.g. a title of stop words only: nothing to match on
			}
			return err
		}
		for _, h := range res.Hits {
			pid := practiceIDOf(h.ID)
			if seen[pid] || len(out) >= limit {
				continue
			}
			seen[pid] = true
			o, err := s.st.get(ctx, pid)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			v, err := s.viewAs(ctx, p, o, readerLang(p), false, nil)
			if err != nil {
				return err
			}
			out = append(out, *v)
		}
		return nil
	}
	words := strings.Fields(d.Text.Title)
	for _, w := range words {
		if len(out) >= limit {
			break
		}
		if len([]rune(w)) >= 5 {
			if err := add(search.SearchRequest{Q: w, Themes: d.Themes}); err != nil {
				return nil, err
			}
		}
	}
	if len(out) < limit && len(d.Themes) > 0 {
		if err := add(search.SearchRequest{Themes: d.Themes, Sort: "date"}); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []Practice{}
	}
	return out, nil
}
