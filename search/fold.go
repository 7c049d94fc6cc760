package search

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// foldFilterName is the token filter that removes accents after stemming, so
// "participacio" finds "participació" in every language.
const foldFilterName = "teixit_fold"

// foldMap maps accented Latin letters used by ca/es/it/en/fr to their base
// letter. Lowercase only: the filter runs after lowercasing.
var foldMap = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ò': "o", 'ó': "o", 'ô': "o", 'ö': "o", 'õ': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ç': "c", 'ñ': "n", 'ÿ': "y",
	'œ': "oe", 'æ': "ae", 'ß': "ss",
	'·': "", // Catalan ela geminada: col·lectiu → collectiu
	'’': "'",
}

// Fold returns s with accents removed as the analyzers do (s must already be
// lowercase for the result to match indexed terms).
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if rep, ok := foldMap[r]; ok {
			b.WriteString(rep)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type foldFilter struct{}

// Filter folds each token in place.
func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if f := Fold(string(tok.Term)); len(f) != len(tok.Term) || f != string(tok.Term) {
			tok.Term = []byte(f)
		}
	}
	return input
}

// init registers Teixit's token filters with Bleve's registry, the only way
// Bleve resolves filters named in an index mapping. The registrations are
// constant and carry no configuration.
func init() {
	registry.RegisterTokenFilter(foldFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
	registry.RegisterTokenFilter(stemCaFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return stemCaFilter{}, nil
	})
}
