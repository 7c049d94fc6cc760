// Package corpus generates a synthetic multilingual corpus for Teixit's
// search benchmarks: words drawn Zipf-distributed from the Debian word lists
// (wcatalan, wspanish, witalian, wfrench, wamerican), 80–400 words per body,
// with themes, territories, kinds and visibilities mixed as in the app.
// Generation is deterministic for a given seed.
package corpus

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/teixit/teixit/search"
)

// DictFiles maps languages to the Debian word lists they are drawn from.
var DictFiles = map[string]string{
	search.Catalan: "/usr/share/dict/catalan",
	search.Spanish: "/usr/share/dict/spanish",
	search.Italian: "/usr/share/dict/italian",
	search.French:  "/usr/share/dict/french",
	search.English: "/usr/share/dict/american-english",
}

// VocabSize is the number of words kept per language (ranked at random,
// then drawn with a Zipf law over the ranks).
const VocabSize = 30000

// Generator produces documents and queries.
type Generator struct {
	seed  int64
	vocab map[string][]string // by language, in rank order
}

// Themes, kinds and territories used by the generator.
var (
	Themes = []string{"housing", "health", "education", "youth", "elderly", "employment", "environment",
		"culture", "mobility", "care", "migration", "participation"}
	Kinds = []string{"practice", "contribution", "finding", "action", "comment", "exchange_day", "key_point"}
)

// Orgs and users in visibilities.
const (
	NumOrgs          = 50
	NumUsers         = 1000
	NumDistricts     = 10
	NeighboursPerDis = 7
)

// New loads the word lists; it fails if one is missing.
func New(seed int64) (*Generator, error) {
	g := &Generator{seed: seed, vocab: map[string][]string{}}
	for lang, path := range DictFiles {
		words, err := load(path)
		if err != nil {
			return nil, fmt.Errorf("corpus: %s word list: %w", lang, err)
		}
		r := rand.New(rand.NewSource(seed))
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		if len(words) > VocabSize {
			words = words[:VocabSize]
		}
		g.vocab[lang] = words
	}
	return g, nil
}

func load(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w == "" || strings.ToLower(w) != w || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '·' }) >= 0 {
			continue
		}
		words = append(words, w)
	}
	return words, sc.Err()
}

// zipf draws word ranks.
func zipf(r *rand.Rand, n int) *rand.Zipf { return rand.NewZipf(r, 1.1, 2, uint64(n-1)) }

// Doc returns document i (the same for the same seed and i).
func (g *Generator) Doc(i int) search.Document {
	r := rand.New(rand.NewSource(g.seed*1_000_003 + int64(i)))
	lang := search.Languages[r.Intn(len(search.Languages))]
	text := g.texts(r, lang)
	kind := Kinds[r.Intn(len(Kinds))]
	themes := []string{Themes[r.Intn(len(Themes))]}
	if r.Intn(2) == 0 {
		themes = append(themes, Themes[r.Intn(len(Themes))])
	}
	district := r.Intn(NumDistricts)
	territory := []string{"city", fmt.Sprintf("d%d", district), fmt.Sprintf("d%d-n%d", district, r.Intn(NeighboursPerDis))}
	org := fmt.Sprintf("o%d", r.Intn(NumOrgs))
	var vis []string
	switch p := r.Intn(100); {
	case p < 80:
		vis = []string{search.Public}
	case p < 95:
		vis = []string{search.OrgPrefix + org}
	default:
		vis = []string{search.UserPrefix + fmt.Sprintf("u%d", r.Intn(NumUsers))}
	}
	created := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int63n(int64(6 * 365 * 24 * time.Hour))))
	d := search.Document{
		ID: fmt.Sprintf("%s:%d", kind, i), Kind: kind, Language: lang,
		Title: text(3 + r.Intn(6)), Body: text(80 + r.Intn(321)),
		Themes: themes, Territory: territory, Organisation: org, Parent: fmt.Sprintf("diagnosis:%d", r.Intn(200)),
		Visibility: vis, Created: created, Updated: created.Add(time.Duration(r.Int63n(int64(90 * 24 * time.Hour)))),
		Numbers: map[string]float64{"supports": float64(r.Intn(100))},
	}
	if kind == "contribution" {
		d.Keywords = map[string]string{"contribution_kind": []string{"need", "asset", "proposal"}[r.Intn(3)]}
	}
	return d
}

// texts returns a generator of n-word texts in lang, words drawn from its vocabulary by frequency.
func (g *Generator) texts(r *rand.Rand, lang string) func(n int) string {
	words := g.vocab[lang]
	z := zipf(r, len(words))
	return func(n int) string {
		var b strings.Builder
		for k := 0; k < n; k++ {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[z.Uint64()])
		}
		return b.String()
	}
}

// Translation is the k-th machine translation of document i (k from 0), as server/translation indexes one: the
// original's visibility, themes and places, searched as its kind, in another language with text of the same
// length drawn from that language's vocabulary.
func (g *Generator) Translation(i, k int) search.Document {
	orig := g.Doc(i)
	other := make([]string, 0, len(search.Languages)-1)
	for _, l := range search.Languages {
		if l != orig.Language {
			other = append(other, l)
		}
	}
	lang := other[k%len(other)]
	r := rand.New(rand.NewSource(g.seed*7_000_003 + int64(i)*31 + int64(k)))
	text := g.texts(r, lang)
	d := orig
	d.ID, d.Kind, d.SearchKind, d.Language, d.Parent = fmt.Sprintf("translation:%s:%s", orig.ID, lang), "translation", orig.Kind, lang, orig.ID
	d.Title, d.Body = text(len(strings.Fields(orig.Title))), text(len(strings.Fields(orig.Body)))
	d.Keywords = map[string]string{"variant": "translation", "translation_of": orig.Kind}
	return d
}

// Word returns a mid-frequency word of lang (ranks 20–2000), for queries.
func (g *Generator) Word(r *rand.Rand, lang string) string {
	return g.vocab[lang][20+r.Intn(1980)]
}

// Phrase returns two consecutive body words of document i, for phrase queries.
func (g *Generator) Phrase(r *rand.Rand, i int) string {
	w := strings.Fields(g.Doc(i).Body)
	k := r.Intn(len(w) - 1)
	return w[k] + " " + w[k+1]
}

// Typo returns a word of 6+ letters of lang with one letter replaced.
func (g *Generator) Typo(r *rand.Rand, lang string) string {
	for {
		w := []rune(g.Word(r, lang))
		if len(w) >= 6 {
			w[2+r.Intn(len(w)-3)] = 'q'
			return string(w)
		}
	}
}
