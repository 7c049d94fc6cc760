package search

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Suggestion is a title completion.
type Suggestion struct {
	ID    string
	Kind  string
	Title string
}

// Suggestion limits.
const (
	MaxSuggest      = 20
	minSuggestRunes = 2 // of the word being typed
)

// Suggest completes titles as the user types: every complete word of prefix
// must be in the title (accents and case ignored, no stemming) and the last,
// partial word must start a title word. Only published documents r may see
// are suggested, best match first.
func (ix *Index) Suggest(ctx context.Context, r Reader, prefix string, limit int) ([]Suggestion, error) {
	if len(prefix) > MaxQueryLen || !utf8.ValidString(prefix) {
		return nil, inputErr("prefix", "invalid prefix")
	}
	if limit <= 0 || limit > MaxSuggest {
		limit = 10
	}
	words := splitWords(prefix)
	if len(words) == 0 {
		return nil, inputErr("prefix", "type at least %d letters", minSuggestRunes)
	}
	if utf8.RuneCountInString(Fold(strings.ToLower(words[len(words)-1]))) < minSuggestRunes {
		return nil, inputErr("prefix", "type at least %d letters", minSuggestRunes)
	}
	var out []Suggestion
	err := ix.with(func(bi bleve.Index) error {
		last := simpleTerm(bi.Mapping(), words[len(words)-1])
		if last == "" { // only an elided article
			return nil
		}
		parts := []query.Query{termQ(fStatus, statusPublished), accessFilter(r)}
		for _, w := range words[:len(words)-1] {
			parts = append(parts, matchSimple(w))
		}
		p := query.NewPrefixQuery(last)
		p.SetField(fSuggest)
		parts = append(parts, p)
		sr := bleve.NewSearchRequestOptions(allOf(parts...), limit, 0, false)
		sr.Fields = []string{fMeta}
		res, err := bi.SearchInContext(ctx, sr)
		if err != nil {
			return fmt.Errorf("search: suggest: %w", err)
		}
		for _, h := range res.Hits {
			m := storedMeta(h)
			out = append(out, Suggestion{ID: h.ID, Kind: m.Kind, Title: m.Title})
		}
		return nil
	})
	return out, err
}

func matchSimple(w string) query.Query {
	q := query.NewMatchQuery(w)
	q.SetField(fSuggest)
	q.Analyzer = simpleAnalyzer
	return q
}

// simpleTerm is w as the suggestion field indexes it (lowercase, no elided article, folded).
func simpleTerm(m mapping.IndexMapping, w string) string {
	a := m.AnalyzerNamed(simpleAnalyzer)
	if a == nil {
		return Fold(strings.ToLower(w))
	}
	toks := a.Analyze([]byte(w))
	if len(toks) == 0 {
		return ""
	}
	return string(toks[len(toks)-1].Term)
}
