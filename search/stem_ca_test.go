package search

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func TestStemCatalanPairsMeet(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"habitatge", "habitatges"},
		{"participació", "participacions"},
		{"veí", "veïns", "veïna", "veïnes"},
		{"casa", "cases"},
		{"pràctica", "pràctiques"},
		{"amiga", "amigues"},
		{"persona", "persones"},
		{"centre", "centres"},
		{"jove", "joves"},
		{"professional", "professionals"},
		{"germà", "germans", "germana", "germanes"},
		{"comú", "comuns", "comuna", "comunes"},
		{"lleó", "lleons", "lleona"},
		{"regió", "regions"},
		{"fuster", "fusters", "fustera", "fusteres"},
		{"nen", "nens", "nena", "nenes"},
		{"història", "històries"},
		{"polític", "política", "polítics", "polítiques"},
		{"camí", "camins"},
	}
	for _, g := range groups {
		want := Fold(StemCatalan(g[0]))
		for _, w := range g[1:] {
			if got := Fold(StemCatalan(w)); got != want {
				t.Errorf("%s → %q, %s → %q: should meet", g[0], want, w, got)
			}
		}
	}
}

func TestStemCatalanPairsStayApart(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"habitatge", "hàbit"},
		{"participació", "participant"},
		{"veí", "vi"},
		{"educació", "educador"},
		{"centre", "cent"},
		{"barri", "barra"},
		{"treball", "treballador"},
		{"escola", "escolta"},
		{"salut", "saló"},
		{"mar", "marc"},
	}
	for _, p := range pairs {
		a, b := Fold(StemCatalan(p[0])), Fold(StemCatalan(p[1]))
		if a == b {
			t.Errorf("%s and %s both stem to %q: over-stemming", p[0], p[1], a)
		}
	}
}

func TestStemCatalanShortWordsKept(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"vi", "pa", "mar", "sol", "de"} {
		if got := StemCatalan(w); got != w {
			t.Errorf("StemCatalan(%q) = %q, want it unchanged", w, got)
		}
	}
}

// catalanDict is the word list of Debian's wcatalan package.
const catalanDict = "/usr/share/dict/catalan"

func loadWords(t testing.TB, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("%s not present (install Debian package wcatalan): %v", path, err)
	}
	defer f.Close()
	words := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w != "" && strings.ToLower(w) == w {
			words[w] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return words
}

// TestStemCatalanWordList measures, on the real Catalan word list, how often
// singular/plural and masculine/feminine forms meet, and that the stemmer
// does not collapse the vocabulary (a sign of over-stemming).
func TestStemCatalanWordList(t *testing.T) {
	t.Parallel()
	words := loadWords(t, catalanDict)
	type form struct{ from, to string }
	var plurals, feminines []form
	for w := range words {
		switch {
		case words[w+"s"]:
			plurals = append(plurals, form{w, w + "s"})
		case strings.HasSuffix(w, "a") && words[w[:len(w)-1]+"es"]:
			plurals = append(plurals, form{w, w[:len(w)-1] + "es"})
		}
		if words[w+"a"] && len(w) > 3 {
			feminines = append(feminines, form{w, w + "a"})
		}
	}
	rate := func(fs []form) float64 {
		met := 0
		for _, f := range fs {
			if Fold(StemCatalan(f.from)) == Fold(StemCatalan(f.to)) {
				met++
			}
		}
		return float64(met) / float64(len(fs))
	}
	pr, fr := rate(plurals), rate(feminines)
	stems := map[string]bool{}
	for w := range words {
		stems[Fold(StemCatalan(w))] = true
	}
	ratio := float64(len(stems)) / float64(len(words))
	t.Logf("%d words: plural pairs met %.1f%% of %d, feminine pairs met %.1f%% of %d, %d distinct stems (%.2f per word)",
		len(words), pr*100, len(plurals), fr*100, len(feminines), len(stems), ratio)
	if pr < 0.95 {
		t.Errorf("plural pairs met %.1f%%, want ≥ 95%%", pr*100)
	}
	if fr < 0.90 {
		t.Errorf("feminine pairs met %.1f%%, want ≥ 90%%", fr*100)
	}
	// a light stemmer conflates inflections only: the Catalan list holds
	// every inflected form, so roughly 1 stem per 2–4 words is expected.
	if ratio < 0.2 {
		t.Errorf("%.2f distinct stems per word: over-stemming", ratio)
	}
}
