package translation

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// IndexKind is the read-model kind of translations: "<kind>:<id>:<lang>", indexed in their language's fields
// with the original's visibility, status and filters, so a query in one language finds a record written in
// another.
const IndexKind = "translation"

// Limits on a correction.
const (
	MaxTitle = 500
	MaxBody  = 60_000
)

// ReadModel is what the service needs of the read model: announcing a translation's change (outbox first)
// and who a reader is for the index's access rule.
type ReadModel interface {
	Changed(ctx context.Context, kind, id string, write func() error) error
	Announce(ctx context.Context, kind, id string) error
}

// Roles says a person's role in an organisation ("admin", "professional", "member" or "").
type Roles interface {
	Role(ctx context.Context, orgID, userID string) (string, error)
}

// Deps builds a Service.
type Deps struct {
	Store *store.Store
	// Engine is nil when no engine is configured: the feature is off and its endpoints answer 404.
	Engine    *Engine
	ReadModel ReadModel
	Roles     Roles
	// Render turns Markdown into safe HTML (the same renderer the originals use).
	Render func(string) string
	// Reader converts a principal into the index's reader (readmodel.ReaderFor).
	Reader func(*auth.Principal) search.Reader
	Node   string
	Logger *slog.Logger
	// Poll is how often the job runner looks for due jobs (default 2 s); MaxAttempts bounds retries
	// (default 8, backing off from 5 s to 5 min); LeaseTTL is when a crashed node's attempt is taken over
	// (default 3 min); JobTimeout bounds one attempt (default 2 min).
	Poll, LeaseTTL, JobTimeout time.Duration
	MaxAttempts                int
}

// Service stores, queues, serves and indexes translations.
type Service struct {
	d       Deps
	st      stores
	kinds   map[string]Kind
	loaders map[string]search.Loader
	wake    chan struct{}
	changes chan change
	now     func() time.Time
}

type change struct {
	kind, id string
	doc      *search.Document // nil: the record is gone (or not indexable)
}

// New builds the service; Register kinds, then Run.
func New(d Deps) *Service {
	if d.Poll <= 0 {
		d.Poll = 2 * time.Second
	}
	if d.LeaseTTL <= 0 {
		d.LeaseTTL = 3 * time.Minute
	}
	if d.JobTimeout <= 0 {
		d.JobTimeout = 2 * time.Minute
	}
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 8
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Service{d: d, st: stores{d.Store}, kinds: map[string]Kind{}, loaders: map[string]search.Loader{},
		wake: make(chan struct{}, 1), changes: make(chan change, 1024), now: time.Now}
}

// Enabled reports whether an engine is configured.
func (s *Service) Enabled() bool { return s.d.Engine != nil }

// Register makes a kind translatable. load is the kind's read-model loader; the returned loader is to be
// registered in its place: it loads as before and tells the service what changed, so published records are
// translated ahead of time and their translations re-indexed with the original's new visibility.
func (s *Service) Register(k Kind, load search.Loader) search.Loader {
	s.kinds[k.Name] = k
	s.loaders[k.Name] = load
	return func(ctx context.Context, ids []string) (map[string]search.Document, error) {
		docs, err := load(ctx, ids)
		if err != nil {
			return docs, err
		}
		for _, id := range ids {
			c := change{kind: k.Name, id: id}
			if d, ok := docs[id]; ok {
				if d.Keywords["variant"] == "translation" {
					continue // a practice's own (manual) translation: not a record of its own
				}
				c.doc = &d
			}
			select {
			case s.changes <- c:
			default: // full: a reader's ask or the record's next change catches up
			}
		}
		return docs, nil
	}
}

var (
	errNoRecord = apperr.NotFoundf("The record")
	errOff      = apperr.New(apperr.NotFound, "translation_off", "Machine translation is not set up on this server.")
)

func errUnknownKind(kind string) error {
	return apperr.Validation(apperr.Fields{"kind": apperr.UnknownRef()})
}

// Text is a translation as shown.
type Text struct {
	Title string `json:"title"`
	// Body is the translated Markdown and its sanitised HTML.
	Body struct {
		Markdown string `json:"markdown"`
		HTML     string `json:"html"`
	} `json:"body"`
	// Machine is true for the engine's output; false once a person corrected it (Reviewed).
	Machine  bool `json:"machine"`
	Reviewed bool `json:"reviewed"`
	// Stale is true when the original changed since this translation was made or reviewed.
	Stale         bool      `json:"stale"`
	Engine        string    `json:"engine"`
	SourceVersion string    `json:"sourceVersion"`
	At            time.Time `json:"at"`
}

// View is a record's translation into one language, or where it stands.
type View struct {
	Kind             string `json:"kind"`
	ID               string `json:"id"`
	Language         string `json:"language"`
	OriginalLanguage string `json:"originalLanguage"`
	// State: "ready" (Translation is set), "queued" (a job will make it; ask again soon), "failed" (the engine
	// could not, after retries; asking again retries), "none" (nobody asked yet), "original" (the record is
	// already in that language).
	State       string `json:"state"`
	Translation *Text  `json:"translation"`
	// CanCorrect is true when the reader may edit the original, and so correct its translations.
	CanCorrect bool `json:"canCorrect"`
	// CorrectAt is the page where this kind's translations are corrected, when not through this API.
	CorrectAt string `json:"correctAt,omitempty"`
	// TitleFromBody: the title is an excerpt of the body; a correction gives the body only.
	TitleFromBody bool `json:"titleFromBody"`
	// Working is true while a job is queued for it (a stale translation is being redone).
	Working bool `json:"working"`
	// Attempts counts the engine's failures so far for the queued job (it retries with a backoff).
	Attempts int `json:"attempts"`
}

// CorrectionInput replaces a translation's text; the result is marked reviewed.
type CorrectionInput struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// readable loads the source if r may read it (NotFound otherwise: translations reveal nothing more).
func (s *Service) readable(ctx context.Context, p *auth.Principal, kind, id, lang string) (*Source, Kind, error) {
	if !s.Enabled() {
		return nil, Kind{}, errOff
	}
	if err := CheckLanguage("lang", lang); err != nil {
		return nil, Kind{}, err
	}
	src, k, err := s.source(ctx, kind, id)
	if err != nil {
		return nil, k, err
	}
	if !s.d.Reader(p).Sees(src.Doc.Visibility) { // the index's own rule: a translation is read where its original is
		return nil, k, errNoRecord
	}
	return src, k, nil
}

func (s *Service) canCorrect(ctx context.Context, p *auth.Principal, k Kind, src *Source) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.PlatformAdmin {
		return true, nil
	}
	if k.Editors != nil {
		return k.Editors(ctx, p, src.ID)
	}
	if src.Doc.Organisation == "" || s.d.Roles == nil {
		return false, nil
	}
	r, err := s.d.Roles.Role(ctx, src.Doc.Organisation, p.UserID)
	return r == "admin" || r == "professional", err
}

// Get returns the translation of a record into lang as the reader may see it. It never calls the engine.
func (s *Service) Get(ctx context.Context, p *auth.Principal, kind, id, lang string) (*View, error) {
	src, k, err := s.readable(ctx, p, kind, id, lang)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, src, k, lang)
}

func (s *Service) view(ctx context.Context, p *auth.Principal, src *Source, k Kind, lang string) (*View, error) {
	v := &View{Kind: src.Kind, ID: src.ID, Language: lang, OriginalLanguage: src.Language, State: "none", TitleFromBody: k.TitleFromBody}
	if k.CorrectAt != nil {
		v.CorrectAt = k.CorrectAt(src.ID, lang)
	}
	var err error
	if v.CanCorrect, err = s.canCorrect(ctx, p, k, src); err != nil {
		return nil, err
	}
	if lang == src.Language {
		v.State = "original"
		return v, nil
	}
	kk := key(src.Kind, src.ID, lang)
	m, r, err := s.st.pair(ctx, kk)
	if err != nil {
		return nil, err
	}
	if t := pick(m, r, src.Version); t != nil {
		v.State, v.Translation = "ready", s.text(k, t, src)
	}
	var j jobDoc
	switch err := s.st.get(ctx, colJobs, kk, &j); {
	case err == nil:
		v.Attempts, v.Working = j.Attempts, j.State == jobQueued
		if v.Translation == nil || v.Translation.Stale {
			if j.State == jobFailed && v.Translation == nil {
				v.State = "failed"
			} else if v.Translation == nil {
				v.State = "queued"
			}
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return v, nil
}

// pick chooses what readers see: an up-to-date text before a stale one, a correction before the machine's.
func pick(m, r *trDoc, version string) *trDoc {
	switch {
	case r != nil && (r.SourceVersion == version || m == nil || m.SourceVersion != version):
		return r
	case m != nil:
		return m
	}
	return r
}

func (s *Service) text(k Kind, t *trDoc, src *Source) *Text {
	out := &Text{Machine: t.ReviewedBy == "", Reviewed: t.ReviewedBy != "", Stale: t.SourceVersion != src.Version,
		Engine: t.Engine, SourceVersion: t.SourceVersion, At: t.At}
	f := append([]string{}, t.Fields...)
	if k.TitleFromBody {
		f = append([]string{excerpt(firstOr(f, 0), 90)}, f...)
	}
	out.Title, out.Body.Markdown = firstOr(f, 0), firstOr(f, 1)
	if s.d.Render != nil {
		out.Body.HTML = s.d.Render(out.Body.Markdown)
	}
	return out
}

func firstOr(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

func excerpt(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n])) + "…"
}

// Shown is one record's ready translation, as a list shows it in the reader's language.
type Shown struct {
	ID               string `json:"id"`
	OriginalLanguage string `json:"originalLanguage"`
	Translation      *Text  `json:"translation"`
}

// MaxShown bounds the records one Ready call looks up (a page of comments).
const MaxShown = 100

// Ready returns, of the records of a kind, the ones r may read that have a translation into lang ready, for a
// list in the reader's language (comments under a record). It never queues work and skips what r cannot
// read or what is already in lang.
func (s *Service) Ready(ctx context.Context, p *auth.Principal, kind string, ids []string, lang string) ([]Shown, error) {
	if len(ids) > MaxShown {
		return nil, apperr.Validation(apperr.Fields{"ids": apperr.MaxItems(MaxShown)})
	}
	out := []Shown{}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		src, k, err := s.readable(ctx, p, kind, id, lang)
		switch {
		case apperr.IsKind(err, apperr.NotFound):
			if errors.Is(err, errOff) {
				return nil, err
			}
			continue
		case err != nil:
			return nil, err
		case src.Language == lang:
			continue
		}
		m, r, err := s.st.pair(ctx, key(src.Kind, src.ID, lang))
		if err != nil {
			return nil, err
		}
		if t := pick(m, r, src.Version); t != nil {
			out = append(out, Shown{ID: src.ID, OriginalLanguage: src.Language, Translation: s.text(k, t, src)})
		}
	}
	return out, nil
}

// Ask queues the translation of a record into lang for a reader who waits for it (the page polls Get):
// a failed job is retried at once. The engine is not called here.
func (s *Service) Ask(ctx context.Context, p *auth.Principal, kind, id, lang string) (*View, error) {
	src, k, err := s.readable(ctx, p, kind, id, lang)
	if err != nil {
		return nil, err
	}
	if src.Language == "" {
		return nil, apperr.New(apperr.Invalid, "unknown_source_language", "The language of this text is not known, so it cannot be translated.")
	}
	if lang == src.Language {
		return nil, apperr.New(apperr.Invalid, "same_language", "This text is already written in "+lang+".").With("lang", lang)
	}
	if _, err := s.d.Engine.RouteFor(ctx, src.Language, lang); err != nil && !errors.Is(err, ErrEngine) {
		return nil, err // no route: a 400 now rather than a failed job later
	}
	v, err := s.view(ctx, p, src, k, lang)
	if err != nil {
		return nil, err
	}
	if v.Translation != nil && !v.Translation.Stale {
		return v, nil
	}
	if err := s.enqueue(ctx, src.Kind, src.ID, lang, true); err != nil {
		return nil, err
	}
	return s.view(ctx, p, src, k, lang)
}

// Correct replaces the translation into lang with a person's text (marked reviewed, tied to the current
// version of the original). Only someone who may edit the original may.
func (s *Service) Correct(ctx context.Context, p *auth.Principal, kind, id, lang string, in CorrectionInput) (*View, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	src, k, err := s.readable(ctx, p, kind, id, lang)
	if err != nil {
		return nil, err
	}
	ok, err := s.canCorrect(ctx, p, k, src)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Forbid("Only people who may edit the original can correct its translations.")
	}
	if k.CorrectAt != nil {
		return nil, apperr.New(apperr.Conflict, "translation_corrected_elsewhere",
			"This translation is written on its own page, section by section.").With("link", k.CorrectAt(src.ID, lang))
	}
	if lang == src.Language {
		return nil, apperr.New(apperr.Invalid, "same_language", "This text is already written in "+lang+".").With("lang", lang)
	}
	f := apperr.Fields{}
	title, body := strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	if !utf8.ValidString(title) || !utf8.ValidString(body) {
		f["body"] = apperr.WrongType("string")
	}
	if k.TitleFromBody {
		title = ""
	} else if title == "" || utf8.RuneCountInString(title) > MaxTitle {
		f["title"] = apperr.Length(1, MaxTitle)
	}
	if utf8.RuneCountInString(body) > MaxBody || (k.TitleFromBody && body == "") {
		f["body"] = apperr.Length(1, MaxBody)
	}
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	fields := []string{title, body}
	if k.TitleFromBody {
		fields = []string{body}
	}
	kk := key(src.Kind, src.ID, lang)
	d := &trDoc{ID: kk + ":r", Kind: src.Kind, Record: src.ID, Lang: lang, SourceLang: src.Language,
		SourceVersion: src.Version, Engine: "person", Fields: fields, ReviewedBy: p.UserID, At: s.now().UTC()}
	if err := s.d.ReadModel.Changed(ctx, IndexKind, kk, func() error { return s.st.put(ctx, d) }); err != nil {
		return nil, err
	}
	return s.view(ctx, p, src, k, lang)
}

// Targets lists the languages a record in lang can be read in (for the "Read in …" menu).
func (s *Service) Targets(ctx context.Context, lang string) []string {
	if !s.Enabled() {
		return nil
	}
	out, err := s.d.Engine.Targets(ctx, lang)
	if err != nil {
		return slices.DeleteFunc(append([]string{}, Languages...), func(l string) bool { return l == lang })
	}
	return out
}
