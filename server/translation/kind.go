package translation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/auth"
)

// Kind is one kind of user content that can be read in other languages. Registering one is naming its
// read-model kind: the kind's loader already gives its text, language, visibility and status — the same
// access rule the index applies — so a translation is readable exactly where its original is.
type Kind struct {
	// Name is the read-model kind ("practice", "contribution", …).
	Name string
	// TitleFromBody is true when the indexed title is only an excerpt of the body (contributions, comments):
	// then only the body is translated and the title is the translation's excerpt.
	TitleFromBody bool
	// Link is the page of a record of the kind.
	Link func(id string) string
	// Editors tells whether p may edit the original record, and so correct its translations (a contribution's
	// or comment's author, say). Nil: the admins and professionals of the record's organisation. Platform
	// admins always may.
	Editors func(ctx context.Context, p *auth.Principal, id string) (bool, error)
	// CorrectAt, when set, is the page where people correct a record's translation in its own shape (a
	// practice, section by section): the kind's translations are not corrected here, so there is one way.
	CorrectAt func(id, lang string) string
}

// Source is a record's translatable text as its kind's loader indexes it.
type Source struct {
	Kind, ID string
	Doc      search.Document
	Language string // the original language (detected when the record does not say)
	Version  string // a digest of the original's language and text: a new version of the source changes it
}

// Fields are the texts translated, in a fixed order: title then body (body only for TitleFromBody kinds).
func (s *Source) Fields(k Kind) []string {
	if k.TitleFromBody {
		return []string{s.Doc.Body}
	}
	return []string{s.Doc.Title, s.Doc.Body}
}

// Published reports whether the record is public content, translated ahead of time into every language.
func (s *Source) Published() bool {
	return slices.Contains(s.Doc.Visibility, search.Public) && (s.Doc.Status == "" || s.Doc.Status == "published")
}

func version(lang string, fields []string) string {
	h := sha256.New()
	h.Write([]byte(lang))
	for _, f := range fields {
		h.Write([]byte{0})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

var detector = search.NewDetector()

// source loads a record through its kind's loader; ErrNotFound-like absence is (nil, nil) never: it returns
// errNoRecord.
func (s *Service) source(ctx context.Context, kind, id string) (*Source, Kind, error) {
	k, ok := s.kinds[kind]
	if !ok {
		return nil, k, errUnknownKind(kind)
	}
	load := s.loaders[kind]
	docs, err := load(ctx, []string{id})
	if err != nil {
		return nil, k, err
	}
	d, ok := docs[id]
	if !ok {
		return nil, k, errNoRecord
	}
	return s.sourceOf(k, id, d), k, nil
}

func (s *Service) sourceOf(k Kind, id string, d search.Document) *Source {
	src := &Source{Kind: k.Name, ID: id, Doc: d, Language: d.Language}
	if !slices.Contains(Languages, src.Language) {
		src.Language = detector.Detect(d.Title+"\n"+d.Body, "")
	}
	src.Version = version(src.Language, src.Fields(k))
	return src
}
