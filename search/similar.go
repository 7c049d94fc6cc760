package search

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// SimilarRequest asks for published documents like a piece of text: "practices that addressed this need
// elsewhere", "where this need is raised now". Unlike Search, no word is required: every significant word
// of Text adds to the score where it matches (in any language's fields, each with its own analyzer, so
// rare words weigh more), and sharing one of Themes adds a fixed boost.
type SimilarRequest struct {
	Text    string
	Themes  []string
	Kinds   []string
	Filters map[string][]string // extra keyword filters, as in ListRequest (e.g. "variant": {"original"})
	Exclude []string            // document ids ("kind:id") to leave out
	Limit   int                 // default 10, at most 50
}

// SimilarHit is one similar document, with why it came up: the words it shares with the text (as they
// appear in it) and the themes it shares.
type SimilarHit struct {
	ID           string
	Kind         string
	Title        string
	Parent       string
	Organisation string
	Territory    []string
	Themes       []string
	Language     string
	Score        float64
	Words        []string
	SharedThemes []string
}

// Limits of a similarity query.
const (
	similarMaxWords   = 40
	similarMinRunes   = 4
	similarThemeBoost = 1.5
)

var markRE = regexp.MustCompile(`<mark>(.*?)</mark>`)

// Similar finds documents r may see that are like req.Text, best first. A text with no significant word
// still finds documents sharing a theme; with neither it is an *InputError.
func (ix *Index) Similar(ctx context.Context, r Reader, req SimilarRequest) ([]SimilarHit, error) {
	if req.Limit <= 0 {
		req.Limit = 10
	}
	if req.Limit > 50 {
		req.Limit = 50
	}
	if err := validValues("themes", req.Themes); err != nil {
		return nil, err
	}
	if len(req.Text) > 20*MaxQueryLen {
		req.Text = req.Text[:20*MaxQueryLen]
	}
	var words []string
	seen := map[string]bool{}
	for _, w := range splitWords(req.Text) {
		lw := strings.ToLower(w)
		if utf8.RuneCountInString(lw) < similarMinRunes || seen[lw] || len(words) >= similarMaxWords {
			continue
		}
		seen[lw] = true
		words = append(words, lw)
	}
	if len(words) == 0 && len(req.Themes) == 0 {
		return nil, inputErr("text", "nothing to compare: no words and no themes")
	}
	var out []SimilarHit
	err := ix.with(func(bi bleve.Index) error {
		var should []query.Query
		for _, w := range words {
			if q, _ := wordQuery(bi.Mapping(), w, false); q != nil {
				should = append(should, q)
			}
		}
		if th := anyOf(fTheme, req.Themes); th != nil {
			if b, ok := th.(query.BoostableQuery); ok {
				b.SetBoost(similarThemeBoost)
			}
			should = append(should, th)
		}
		if len(should) == 0 {
			return nil
		}
		filters, err := listQuery(r, "", req.Filters, nil) // access, status published and the extra filters
		if err != nil {
			return err
		}
		var not []query.Query
		for _, id := range req.Exclude {
			not = append(not, query.NewDocIDQuery([]string{id}))
		}
		q := query.NewBooleanQuery([]query.Query{filters, anyOf(fKind, req.Kinds)}, nil, not)
		if len(req.Kinds) == 0 {
			q = query.NewBooleanQuery([]query.Query{filters}, nil, not)
		}
		q.AddShould(should...)
		q.SetMinShould(1)
		sr := bleve.NewSearchRequestOptions(q, req.Limit, 0, false)
		sr.Fields = []string{fMeta}
		sr.Highlight = textHighlight()
		res, err := bi.SearchInContext(ctx, sr)
		if err != nil {
			return fmt.Errorf("search: similar: %w", err)
		}
		for _, h := range res.Hits {
			m := storedMeta(h)
			hit := SimilarHit{ID: h.ID, Kind: m.Kind, Title: m.Title, Parent: m.Parent, Organisation: m.Organisation,
				Territory: m.Territory, Themes: m.Themes, Language: m.Language, Score: h.Score, Words: []string{}, SharedThemes: []string{}}
			got := map[string]bool{}
			for _, frags := range h.Fragments {
				for _, f := range frags {
					for _, mm := range markRE.FindAllStringSubmatch(f, -1) {
						w := strings.ToLower(mm[1])
						if !got[w] && len(hit.Words) < 8 {
							got[w] = true
							hit.Words = append(hit.Words, w)
						}
					}
				}
			}
			sort.Strings(hit.Words)
			for _, t := range m.Themes {
				for _, want := range req.Themes {
					if t == want {
						hit.SharedThemes = append(hit.SharedThemes, t)
					}
				}
			}
			out = append(out, hit)
		}
		return nil
	})
	return out, err
}
