package search

import (
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // registers the "custom" analyzer type
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/ca"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Analyzer names registered in the index mapping. Every text field and every
// match query names one of them explicitly.
const (
	// simpleAnalyzer tokenizes, lowercases and folds accents without stemming;
	// it serves title suggestions.
	simpleAnalyzer  = "teixit_simple"
	keywordAnalyzer = keyword.Name
)

// analyzerFor returns the analyzer name for a language's text fields.
func analyzerFor(lang string) string { return "teixit_" + lang }

// analyzerChains lists each language's token filters, in order, after the
// unicode tokenizer. Stemming runs before folding (the stemmers rely on
// accents: -ció, -à); folding last makes every language accent-insensitive.
var analyzerChains = map[string][]string{
	Catalan: {lowercase.Name, ca.ElisionName, ca.StopName, stemCaFilterName, foldFilterName},
	Spanish: {lowercase.Name, es.StopName, es.LightStemmerName, foldFilterName},
	Italian: {lowercase.Name, it.ElisionName, it.StopName, it.LightStemmerName, foldFilterName},
	English: {en.PossessiveName, lowercase.Name, en.StopName, en.SnowballStemmerName, foldFilterName},
	French:  {lowercase.Name, fr.ElisionName, fr.StopName, fr.LightStemmerName, foldFilterName},
}

// addAnalyzers registers Teixit's analyzers in an index mapping.
func addAnalyzers(im *mapping.IndexMappingImpl) error {
	for lang, chain := range analyzerChains {
		filters := make([]interface{}, len(chain))
		for i, f := range chain {
			filters[i] = f
		}
		if err := im.AddCustomAnalyzer(analyzerFor(lang), map[string]interface{}{
			"type":          "custom",
			"tokenizer":     unicode.Name,
			"token_filters": filters,
		}); err != nil {
			return err
		}
	}
	return im.AddCustomAnalyzer(simpleAnalyzer, map[string]interface{}{
		"type":      "custom",
		"tokenizer": unicode.Name,
		// Elided articles go (l'habitatge → habitatge, dell'anno → anno), so "habit" completes l'habitatge.
		"token_filters": []interface{}{lowercase.Name, ca.ElisionName, it.ElisionName, fr.ElisionName, foldFilterName},
	})
}

// validLang reports whether lang is one of Languages.
func validLang(lang string) bool {
	_, ok := analyzerChains[lang]
	return ok
}
