package translation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/translation"
	"github.com/teixit/teixit/server/translation/apytest"
)

// practice2000 is a 2,000-word Catalan practice in Markdown (paragraphs, a list, links, emphasis).
func practice2000() string {
	para := "El centre de serveis socials acull les **famílies** del barri cada dilluns i els ofereix un espai de trobada. " +
		"Les professionals escolten les necessitats, en prenen nota i les comparteixen amb [la xarxa](https://example.org/xarxa). " +
		"Cada setmana hi participen unes 25 persones grans que viuen soles.\n\n- Primer pas: trucar a les persones.\n- Segon pas: fer la trobada.\n\n"
	n := len(strings.Fields(para))
	return strings.Repeat(para, 2000/n+1)
}

// BenchmarkTranslate2000Words: one 2,000-word practice ca→es through APY, Markdown kept (see README.md).
func BenchmarkTranslate2000Words(b *testing.B) {
	e, err := translation.NewEngine(apytest.Start(b), 120*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	r, err := e.RouteFor(ctx, "ca", "es")
	if err != nil {
		b.Fatal(err)
	}
	text := practice2000()
	if _, err := e.Translate(ctx, r, []string{text}); err != nil { // the pair's pipeline starts
		b.Fatal(err)
	}
	words := len(strings.Fields(text))
	b.ResetTimer()
	for range b.N {
		if _, err := e.Translate(ctx, r, []string{text}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(words*b.N)/b.Elapsed().Seconds(), "words/s")
}
