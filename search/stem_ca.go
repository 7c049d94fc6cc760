package search

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// stemCaFilterName is the Catalan light stemmer token filter.
const stemCaFilterName = "teixit_stem_ca"

// minStemRunes is the shortest stem the Catalan stemmer leaves behind; words
// whose stem would be shorter are kept whole (vi, mar, pa).
const minStemRunes = 3

// caRule rewrites suffix to repl. Rules are tried in order; the first that
// applies ends stemming unless cont is set.
type caRule struct {
	suffix, repl string
	cont         bool // keep stripping plural/gender endings after this rule
}

// caRules is a light (inflectional only) Catalan stemmer in the spirit of
// Savoy's light stemmers for Romance languages: it conflates number and
// gender and leaves derivation alone, so participació/participacions meet
// but participació/participant do not.
var caRules = []caRule{
	// -ció/-cions, -sió/-sions, -ió/-ions: participació, participacions → participaci
	{suffix: "ions", repl: "i"},
	{suffix: "ió", repl: "i"},
	// -tge/-tges: habitatge, habitatges → habitatg
	{suffix: "tges", repl: "tg"},
	{suffix: "tge", repl: "tg"},
	// -ca/-ques, -ga/-gues: pràctica, pràctiques → pràctic; amiga, amigues → amig
	{suffix: "ques", repl: "c"},
	{suffix: "gues", repl: "g"},
	{suffix: "qües", repl: "qü"},
	{suffix: "gües", repl: "gü"},
	{suffix: "que", repl: "c"},
	{suffix: "gue", repl: "g"},
	// -ós/-osos/-osa/-oses: famós → famos, like famosos and famosa
	{suffix: "ós", repl: "os"},
	// stressed final vowels take -n- before gender and plural endings (see caStressed)
	{suffix: "à", repl: "an"},
	{suffix: "í", repl: "in"},
	{suffix: "ú", repl: "un"},
	{suffix: "ó", repl: "on"},
	{suffix: "às", repl: "an"},
	{suffix: "ís", repl: "in"},
	{suffix: "ús", repl: "un"},
	{suffix: "ès", repl: "es"},
	// plural: -es, -os, -as, then -s; gender/theme vowels -a, -e, -o
	{suffix: "es", repl: "", cont: true},
	{suffix: "os", repl: "", cont: true},
	{suffix: "as", repl: "", cont: true},
	{suffix: "s", repl: "", cont: true},
}

// caFinalVowels are removed once after plural stripping (casa/cases → cas,
// centre/centres → centr).
var caFinalVowels = []string{"a", "e", "o"}

// StemCatalan returns the light stem of a lowercase Catalan word. Accents are
// kept (folding runs after stemming).
func StemCatalan(w string) string {
	if utf8.RuneCountInString(w) <= minStemRunes {
		return stemStressed(w)
	}
	for _, r := range caRules {
		if !strings.HasSuffix(w, r.suffix) {
			continue
		}
		stem := w[:len(w)-len(r.suffix)]
		if utf8.RuneCountInString(stem) < minStemRunes-1 || (r.cont && utf8.RuneCountInString(stem) < minStemRunes) {
			continue
		}
		w = stem + r.repl
		if !r.cont {
			return w
		}
		break
	}
	for _, v := range caFinalVowels {
		if strings.HasSuffix(w, v) && utf8.RuneCountInString(w)-1 >= minStemRunes {
			return w[:len(w)-len(v)]
		}
	}
	return w
}

// caStressed: a stressed final vowel takes an -n- before gender and plural
// endings (veí/veïns/veïna/veïnes → veïn; germà/germans → german; comú/comuns
// → comun; lleó/lleons → lleon).
var caStressed = map[string]string{"à": "an", "í": "in", "ú": "un", "ó": "on"}

// stemStressed handles short words (veí, mà) that only need the stressed
// vowel rule.
func stemStressed(w string) string {
	last, size := utf8.DecodeLastRuneInString(w)
	if repl, ok := caStressed[string(last)]; ok && len(w) > size {
		return w[:len(w)-size] + repl
	}
	return w
}

type stemCaFilter struct{}

// Filter stems each token in place.
func (stemCaFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if s := StemCatalan(string(tok.Term)); s != string(tok.Term) {
			tok.Term = []byte(s)
		}
	}
	return input
}
