package search

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ca"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
)

// Language detection is a function-word vote restricted to our five
// languages. Small general detectors either lack Catalan (whatlanggo) or embed
// models for 75 languages (lingua-go, hundreds of MB); function words are
// what tells ca from es from it apart anyway, and Bleve already ships the
// lists. Each stop word votes for the languages whose list holds it, split
// evenly, plus a few spelling clues (l·l, ny, ñ, -zione, -eau).

// stopVotes maps a word to the weight it gives each language.
type stopVotes map[string]map[string]float64

// Detector guesses the language of a text among Languages.
type Detector struct {
	votes stopVotes
}

// NewDetector builds a detector from Bleve's stop word lists.
func NewDetector() *Detector {
	lists := map[string][]byte{
		Catalan: ca.CatalanStopWords, Spanish: es.SpanishStopWords, Italian: it.ItalianStopWords,
		English: en.EnglishStopWords, French: fr.FrenchStopWords,
	}
	holders := map[string][]string{}
	for lang, raw := range lists {
		tm := analysis.NewTokenMap()
		if err := tm.LoadBytes(raw); err != nil {
			continue // the lists are compiled in; a parse error would be a Bleve bug
		}
		for w := range tm {
			holders[w] = append(holders[w], lang)
		}
	}
	v := stopVotes{}
	for w, langs := range holders {
		m := make(map[string]float64, len(langs))
		for _, l := range langs {
			m[l] = 1 / float64(len(langs))
		}
		v[w] = m
	}
	return &Detector{votes: v}
}

// spellingClues are substrings typical of one language.
var spellingClues = []struct{ sub, lang string }{
	{"l·l", Catalan}, {"ny", Catalan}, {"ció", Catalan}, {"tge", Catalan}, {"ix", Catalan},
	{"ñ", Spanish}, {"ción", Spanish}, {"ía", Spanish},
	{"zione", Italian}, {"gli", Italian}, {"cch", Italian},
	{"eau", French}, {"oi", French}, {"tion", French},
	{"th", English}, {"w", English},
}

// Detect returns the most likely language of text, or fallback when the
// text gives no clue (empty, numbers only, or a tie).
func (d *Detector) Detect(text, fallback string) string {
	score := map[string]float64{}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '·'
	})
	for _, w := range words {
		for lang, s := range d.votes[w] {
			score[lang] += s
		}
		for _, c := range spellingClues {
			if strings.Contains(w, c.sub) {
				score[c.lang] += 0.3
			}
		}
	}
	best, bestScore, tie := fallback, 0.0, false
	for _, lang := range Languages {
		switch s := score[lang]; {
		case s > bestScore:
			best, bestScore, tie = lang, s, false
		case s == bestScore && s > 0:
			tie = true
		}
	}
	if tie || bestScore == 0 {
		return fallback
	}
	return best
}
