// Package practice is good-practice exchange ("Innovem / Transferim"): structured practices with
// translations, published versions and their diffs, and transfers of a practice to other organisations.
// See README.md here for the data model, ids, the transfer state machine and what is indexed.
package practice

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/theme"
)

// Service implements practices and transfers.
type Service struct {
	st     *Store
	orgs   organisation.Directory
	ters   Territories
	rm     readmodel.Lister
	search Searcher
	notify Notifier
	media  mediafile.Attacher
	// baseURL is the site's public URL (Atom ids and links); empty uses the request's.
	baseURL string
	now     func() time.Time
}

// Deps are what practices need from the rest of the app.
type Deps struct {
	Store       *Store
	Orgs        organisation.Directory
	Territories Territories
	ReadModel   readmodel.Lister
	Search      Searcher
	Notify      Notifier
	// Media enables attachments (nil: practices take none).
	Media mediafile.Attacher
	// BaseURL is the site's public URL (Atom ids and links); empty uses the request's.
	BaseURL string
}

// NewService builds the service.
func NewService(d Deps) *Service {
	return &Service{st: d.Store, orgs: d.Orgs, ters: d.Territories, rm: d.ReadModel, search: d.Search, notify: d.Notify,
		media: d.Media, baseURL: d.BaseURL, now: time.Now}
}

var (
	errNotFound = apperr.NotFoundf("The practice")
	errConflict = apperr.New(apperr.Conflict, "edit_conflict", "Someone changed this practice meanwhile. Reload it and try again.")
	errArchived = apperr.New(apperr.Conflict, "archived", "This practice is archived and can no longer be edited.")
)

func (s *Service) load(ctx context.Context, id string) (*practiceDoc, error) {
	if strings.Contains(id, ":") { // translations' ids: not practices
		return nil, errNotFound
	}
	return s.st.byRef(ctx, id)
}

// isMember reports whether p belongs to the organisation (any role) or is a platform admin.
func (s *Service) role(ctx context.Context, p *auth.Principal, orgID string) (string, error) {
	if p == nil {
		return "", nil
	}
	if p.PlatformAdmin {
		return "admin", nil
	}
	return s.orgs.Role(ctx, orgID, p.UserID)
}

func (s *Service) canEdit(ctx context.Context, p *auth.Principal, orgID string) (bool, error) {
	r, err := s.role(ctx, p, orgID)
	return r == "admin" || r == "professional", err
}

// readable loads a practice the reader may see: drafts only by the organisation's members (others get
// NotFound, so drafts do not reveal that they exist).
func (s *Service) readable(ctx context.Context, p *auth.Principal, id string) (*practiceDoc, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status == StatusDraft {
		r, err := s.role(ctx, p, d.OrgID)
		if err != nil {
			return nil, err
		}
		if r == "" {
			return nil, errNotFound
		}
	}
	return d, nil
}

// editable loads a practice that p may edit (professionals and admins of its organisation).
func (s *Service) editable(ctx context.Context, p *auth.Principal, id string) (*practiceDoc, error) {
	d, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canEdit(ctx, p, d.OrgID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Forbid("Only professionals and administrators of the practice's organisation can change it.")
	}
	return d, nil
}

// Create makes a draft practice for an organisation the caller is a professional or admin of.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*Practice, error) {
	orgID := ""
	if in.Context != nil && in.Context.OrganisationID != nil {
		orgID = *in.Context.OrganisationID
	}
	lang := ""
	if in.Language != nil {
		lang = *in.Language
	}
	fields := apperr.Fields{}
	if orgID == "" {
		fields["context.organisationId"] = apperr.Required()
	} else if _, err := s.orgs.Name(ctx, orgID); apperr.IsKind(err, apperr.NotFound) {
		fields["context.organisationId"] = apperr.UnknownRef()
	} else if err != nil {
		return nil, err
	}
	if !slices.Contains(Languages, lang) {
		fields["language"] = apperr.OneOf(Languages...)
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		fields["title"] = apperr.Required()
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	if ok, err := s.canEdit(ctx, p, orgID); err != nil {
		return nil, err
	} else if !ok {
		return nil, apperr.Forbid("Only professionals and administrators of an organisation can write its practices.")
	}
	now := s.now().UTC()
	d := &practiceDoc{ID: store.NewID(), Rev: 1, OrgID: orgID, Language: lang, Status: StatusDraft, Themes: []string{},
		Translations: map[string]textDoc{}, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, editor: p.UserID}
	if err := s.apply(ctx, d, in); err != nil {
		return nil, err
	}
	if err := s.rm.Changed(ctx, IndexKind, d.ID, func() error { return s.st.insert(ctx, d) }); err != nil {
		return nil, err
	}
	if err := s.shareAttachments(ctx, d); err != nil {
		return nil, err
	}
	return s.view(ctx, p, d, lang)
}

const (
	maxTitle = 200
	maxText  = 20000
	maxShort = 500
	maxSteps = 50
	maxInd   = 50
)

// apply validates the input and copies it into d's original text and shared fields.
func (s *Service) apply(ctx context.Context, d *practiceDoc, in Input) error {
	f := apperr.Fields{}
	text := func(name string, src *string, dst *string, max int) {
		if src == nil {
			return
		}
		v := strings.TrimSpace(*src)
		if utf8.RuneCountInString(v) > max {
			f[name] = apperr.TooLong()
			return
		}
		*dst = v
	}
	t := &d.Text
	text("title", in.Title, &t.Title, maxTitle)
	text("summary", in.Summary, &t.Summary, maxText)
	text("problem", in.Problem, &t.Problem, maxText)
	text("results", in.Results, &t.Results, maxText)
	text("evidence", in.Evidence, &t.Evidence, maxText)
	text("contact", in.Contact, &d.Contact, maxShort)
	if in.Language != nil && *in.Language != d.Language {
		f["language"] = apperr.Immutable()
	}
	if c := in.Context; c != nil {
		text("context.targetPopulation", c.TargetPopulation, &t.TargetPopulation, maxText)
		if c.OrganisationID != nil && *c.OrganisationID != d.OrgID {
			f["context.organisationId"] = apperr.Immutable()
		}
		if c.Territory != nil {
			if *c.Territory == "" {
				d.Territory, d.Ancestors = "", nil
			} else if !store.ValidID(*c.Territory) {
				f["context.territory"] = apperr.UnknownRef()
			} else if lin, err := s.ters.Lineage(ctx, *c.Territory); apperr.IsKind(err, apperr.NotFound) {
				f["context.territory"] = apperr.UnknownRef()
			} else if err != nil {
				return err
			} else {
				d.Territory, d.Ancestors = *c.Territory, lin
			}
		}
	}
	if in.Themes != nil {
		seen := map[string]bool{}
		themes := []string{}
		for _, th := range *in.Themes {
			if !theme.Valid(th) {
				f["themes"] = apperr.OneOf(theme.All...)
			} else if !seen[th] {
				seen[th] = true
				themes = append(themes, th)
			}
		}
		d.Themes = themes
	}
	if in.Steps != nil {
		steps, msg := steps(*in.Steps)
		if msg.Code != "" {
			f["steps"] = msg
		}
		t.Steps = steps
	}
	if in.Resources != nil {
		r := resourcesDoc{People: strings.TrimSpace(in.Resources.People), Time: strings.TrimSpace(in.Resources.Time),
			Budget: strings.TrimSpace(in.Resources.Budget)}
		if utf8.RuneCountInString(r.People+r.Time+r.Budget) > maxText {
			f["resources"] = apperr.TooLong()
		}
		t.Resources = r
	}
	if e := in.Evaluation; e != nil {
		text("evaluation.summary", e.Summary, &t.EvaluationSummary, maxText)
		if e.Indicators != nil {
			if len(*e.Indicators) > maxInd {
				f["evaluation.indicators"] = apperr.TooLong()
			}
			ind := []indicatorDoc{}
			for _, i := range *e.Indicators {
				n, v := strings.TrimSpace(i.Name), strings.TrimSpace(i.Value)
				if n == "" || v == "" || utf8.RuneCountInString(n+v) > maxShort {
					f["evaluation.indicators"] = apperr.Because("indicator_shape")
				}
				ind = append(ind, indicatorDoc{Name: n, Value: v})
			}
			d.Indicators = ind
		}
	}
	if in.Attachments != nil {
		ids, msg, err := s.attachments(ctx, d, *in.Attachments)
		if err != nil {
			return err
		}
		if msg.Code != "" {
			f["attachments"] = msg
		}
		d.Attachments = ids
	}
	if d.ID != "" && d.Text.Title == "" {
		f["title"] = apperr.Required()
	}
	return apperr.Validation(f)
}

const maxAttachments = 20

// attachments checks media ids: each must exist and have been uploaded by the person editing, unless it
// is already attached to this practice.
func (s *Service) attachments(ctx context.Context, d *practiceDoc, ids []string) ([]string, apperr.Reason, error) {
	if s.media == nil {
		return nil, apperr.Because("no_media"), nil
	}
	if len(ids) > maxAttachments {
		return nil, apperr.MaxItems(20), nil
	}
	had := map[string]bool{}
	for _, id := range d.Attachments {
		had[id] = true
	}
	out, seen := []string{}, map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if had[id] {
			out = append(out, id)
			continue
		}
		a, err := s.media.Get(ctx, id)
		if apperr.IsKind(err, apperr.NotFound) {
			return nil, apperr.Because("not_your_file", "id", id), nil
		} else if err != nil {
			return nil, apperr.Reason{}, err
		}
		if a.Owner != d.editor {
			return nil, apperr.Because("not_your_file", "id", id), nil
		}
		out = append(out, id)
	}
	return out, apperr.Reason{}, nil
}

// shareAttachments makes the attached files readable by whoever may read the practice.
func (s *Service) shareAttachments(ctx context.Context, d *practiceDoc) error {
	if s.media == nil {
		return nil
	}
	for _, id := range d.Attachments {
		if err := s.media.SetVisibility(ctx, id, visibility(d)); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return nil
}

func steps(in []Step) ([]stepDoc, apperr.Reason) {
	if len(in) > maxSteps {
		return nil, apperr.MaxItems(maxSteps)
	}
	out := make([]stepDoc, 0, len(in))
	for _, s := range in {
		t, dt := strings.TrimSpace(s.Title), strings.TrimSpace(s.Detail)
		if t == "" || utf8.RuneCountInString(t) > maxTitle || utf8.RuneCountInString(dt) > maxText {
			return nil, apperr.Because("step_shape", "max", maxTitle)
		}
		out = append(out, stepDoc{Title: t, Detail: dt})
	}
	return out, apperr.Reason{}
}

// missing lists what a practice lacks to be published.
func missing(d *practiceDoc) apperr.Fields {
	f := apperr.Fields{}
	req := func(name, v string) {
		if strings.TrimSpace(v) == "" {
			f[name] = apperr.Because("required_to_publish")
		}
	}
	t := d.Text
	req("title", t.Title)
	req("summary", t.Summary)
	req("problem", t.Problem)
	req("context.targetPopulation", t.TargetPopulation)
	req("results", t.Results)
	req("evaluation.summary", t.EvaluationSummary)
	req("contact", d.Contact)
	if len(d.Themes) == 0 {
		f["themes"] = apperr.Because("required_to_publish")
	}
	if len(t.Steps) == 0 {
		f["steps"] = apperr.Because("required_to_publish")
	}
	return f
}

// Update changes a practice's original text and shared fields. A published practice gets a new version.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id string, in Input) (*Practice, error) {
	return s.edit(ctx, p, id, func(d *practiceDoc) error { return s.apply(ctx, d, in) })
}

// PutTranslation replaces the translation into lang. A published practice gets a new version.
func (s *Service) PutTranslation(ctx context.Context, p *auth.Principal, id, lang string, in TranslationInput) (*Practice, error) {
	if !slices.Contains(Languages, lang) {
		return nil, apperr.Validation(apperr.Fields{"lang": apperr.OneOf(Languages...)})
	}
	return s.edit(ctx, p, id, func(d *practiceDoc) error {
		if lang == d.Language {
			return apperr.Validation(apperr.Fields{"lang": apperr.Because("original_language")})
		}
		old := d.Text
		// validate through apply on a scratch copy of the original text
		tr := d.Translations[lang]
		d.Text = tr
		title, summary, problem, tp := in.Title, in.Summary, in.Problem, in.TargetPopulation
		results, evidence, es := in.Results, in.Evidence, in.EvaluationSummary
		st, res := in.Steps, in.Resources
		if st == nil {
			st = []Step{}
		}
		err := s.apply(ctx, d, Input{Title: &title, Summary: &summary, Problem: &problem, Results: &results,
			Evidence: &evidence, Steps: &st, Resources: &res, Context: &ContextInput{TargetPopulation: &tp},
			Evaluation: &EvaluationInput{Summary: &es}})
		tr, d.Text = d.Text, old
		if err != nil {
			return err
		}
		tr.UpdatedAt = s.now().UTC()
		if d.Translations == nil {
			d.Translations = map[string]textDoc{}
		}
		d.Translations[lang] = tr
		return nil
	})
}

// edit loads, changes and saves a practice conditionally on its revision; a published practice whose
// content changed gets a new version (snapshot written first) and its followers are told.
func (s *Service) edit(ctx context.Context, p *auth.Principal, id string, change func(*practiceDoc) error) (*Practice, error) {
	d, err := s.editable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if d.Status == StatusArchived {
		return nil, errArchived
	}
	d.editor = p.UserID
	before := flatten(d)
	if err := change(d); err != nil {
		return nil, err
	}
	newVersion := false
	if d.Status == StatusPublished && len(diffFields(before, flatten(d))) > 0 {
		if err := s.missingErr(d); err != nil {
			return nil, err
		}
		newVersion = true
	}
	if err := s.save(ctx, p, d, newVersion); err != nil {
		return nil, err
	}
	if newVersion {
		s.tell(ctx, p, d, "new_version", map[string][]string{notify.KindPractice: {d.ID}})
	}
	return s.view(ctx, p, d, "")
}

func (s *Service) missingErr(d *practiceDoc) error {
	if f := missing(d); len(f) > 0 {
		return &apperr.Error{Kind: apperr.Invalid, Code: "incomplete",
			Message: "The practice cannot be published yet: some fields are missing.", Fields: f}
	}
	return nil
}

// save writes d at its next revision, recording a version first when asked, and reindexes it and its
// translations. The revision is claimed first (store.ClaimRevision): of two concurrent edits one gets
// errConflict, and the version record of a new version is written only by the edit that will save it.
func (s *Service) save(ctx context.Context, p *auth.Principal, d *practiceDoc, newVersion bool) error {
	rev := d.Rev
	next, err := s.st.claimRevision(ctx, d.ID, rev)
	if errors.Is(err, store.ErrConflict) {
		return errConflict
	}
	if err != nil {
		return err
	}
	d.Rev = next
	d.UpdatedAt = s.now().UTC()
	if newVersion {
		d.Version++
		d.Versions = append(d.Versions, versionMeta{N: d.Version, At: d.UpdatedAt, AuthorID: p.UserID})
		if len(d.Versions) > MaxVersionsKept {
			d.Versions = d.Versions[len(d.Versions)-MaxVersionsKept:]
		}
		if err := s.recordVersion(ctx, d, p.UserID); err != nil {
			return err
		}
	}
	err = s.changed(ctx, d, func() error { return s.st.save(ctx, d, rev) })
	if errors.Is(err, store.ErrNotFound) {
		return errConflict
	}
	if err != nil {
		return err
	}
	return s.shareAttachments(ctx, d)
}

// changed announces the practice and each translation to the read model around one write.
func (s *Service) changed(ctx context.Context, d *practiceDoc, write func() error) error {
	ids := []string{d.ID}
	for lang := range d.Translations {
		ids = append(ids, d.ID+":"+lang)
	}
	for _, id := range ids {
		inner, id := write, id
		write = func() error { return s.rm.Changed(ctx, IndexKind, id, inner) }
	}
	return write()
}

// Publish makes a complete draft public as version 1; incomplete → 400 naming what is missing.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id string) (*Practice, error) {
	d, err := s.editable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if d.Status != StatusDraft {
		return nil, apperr.New(apperr.Conflict, "invalid_transition", "Only a draft can be published; this practice is "+d.Status+".")
	}
	if err := s.missingErr(d); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	d.Status, d.PublishedAt = StatusPublished, &now
	if err := s.save(ctx, p, d, true); err != nil {
		return nil, err
	}
	s.tell(ctx, p, d, "new_practice", map[string][]string{notify.KindOrganisation: {d.OrgID}, notify.KindTheme: d.Themes})
	return s.view(ctx, p, d, "")
}

// Archive withdraws a published practice from lists; it stays readable with its history.
func (s *Service) Archive(ctx context.Context, p *auth.Principal, id string) (*Practice, error) {
	d, err := s.editable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if d.Status != StatusPublished {
		return nil, apperr.New(apperr.Conflict, "invalid_transition", "Only a published practice can be archived; this practice is "+d.Status+".")
	}
	d.Status = StatusArchived
	if err := s.save(ctx, p, d, false); err != nil {
		return nil, err
	}
	return s.view(ctx, p, d, "")
}

// tell notifies, once each, the followers of the given targets (by follow kind) about d. Failures are
// not the editor's problem (the write has happened), so they are dropped.
func (s *Service) tell(ctx context.Context, p *auth.Principal, d *practiceDoc, kind string, targets map[string][]string) {
	var users []string
	for followKind, ids := range targets {
		u, err := s.notify.Followers(ctx, followKind, ids...)
		if err != nil {
			return
		}
		users = append(users, u...)
	}
	if len(users) > 0 {
		_ = s.notify.Deliver(ctx, users, notify.Event{Kind: kind, Title: d.Text.Title, Link: Link(d.ID), Actor: p.UserID})
	}
}
