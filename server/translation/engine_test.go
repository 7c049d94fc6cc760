package translation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/translation"
	"github.com/teixit/teixit/server/translation/apytest"
)

const practiceCa = `## El problema

Moltes **famílies** del barri viuen soles. Vegeu [la guia del centre](https://example.org/guia?a=1&b=2) o escriviu a info@example.org.

1. Primer pas: trucar a 25 persones grans cada setmana.
2. Segon pas: una trobada al casal amb ` + "`codi-42`" + `.

> Una cita de la Maria Puig.

| Qui | Quan |
|-----|------|
| Veïns | Dilluns |

` + "```" + `
no es tradueix: casa gran
` + "```" + `
<script>alert("hola")</script>`

func TestEngineDirectAndPivotKeepMarkdown(t *testing.T) {
	t.Parallel()
	e, err := translation.NewEngine(apytest.Start(t), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	r, err := e.RouteFor(ctx, "ca", "es")
	if err != nil || r.Engine() != "apertium:ca>es" {
		t.Fatalf("ca→es route = %v, %v", r, err)
	}
	out, err := e.Translate(ctx, r, []string{"El centre acull les famílies", practiceCa})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out[0], "familias") {
		t.Errorf("title not translated: %q", out[0])
	}
	body := out[1]
	for _, want := range []string{"## ", "**familias**", "](https://example.org/guia?a=1&b=2)", "info@example.org",
		"1. ", "2. ", "25", "`codi-42`", "> ", "|-----|------|", "```\nno es tradueix: casa gran\n```",
		"la Maria Puig", "<script>"} {
		if !strings.Contains(body, want) {
			t.Errorf("ca→es lost %q:\n%s", want, body)
		}
	}
	if strings.Count(body, "\n") != strings.Count(practiceCa, "\n") {
		t.Errorf("line count changed: %d → %d\n%s", strings.Count(practiceCa, "\n"), strings.Count(body, "\n"), body)
	}
	if strings.Contains(body, "<i") || strings.Contains(body, "<n") {
		t.Errorf("placeholder tags leaked:\n%s", body)
	}

	// it→en has no pair in Debian: it goes through Catalan.
	r, err = e.RouteFor(ctx, "it", "en")
	if err != nil || len(r) != 3 || r[1] != "ca" {
		t.Fatalf("it→en route = %v, %v", r, err)
	}
	out, err = e.Translate(ctx, r, []string{"- Il centro di ascolto accoglie le *famiglie* ogni settimana."})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out[0], "- ") || !strings.Contains(out[0], "*famil") || !strings.Contains(strings.ToLower(out[0]), "week") {
		t.Errorf("it→ca→en = %q", out[0])
	}

	// it→ca is direct.
	if r, err := e.RouteFor(ctx, "it", "ca"); err != nil || len(r) != 2 {
		t.Errorf("it→ca route = %v, %v", r, err)
	}
}

func TestEngineBadInput(t *testing.T) {
	t.Parallel()
	e, err := translation.NewEngine(apytest.Start(t), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range [][2]string{{"ca", "de"}, {"xx", "ca"}, {"ca", ""}} {
		if _, err := e.RouteFor(ctx, c[0], c[1]); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("RouteFor(%q, %q) = %v, want a 400", c[0], c[1], err)
		}
	}
	// 100 KB of text: several requests, every line back, in bounded time.
	para := "El centre acull les famílies del barri cada setmana i els ofereix un espai de trobada.\n"
	big := strings.Repeat(para, 100_000/len(para)+1)
	r, _ := e.RouteFor(ctx, "ca", "es")
	start := time.Now()
	out, err := e.Translate(ctx, r, []string{big})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out[0], "\n") != strings.Count(big, "\n") || !strings.Contains(out[0], "familias") {
		t.Errorf("100 KB: %d lines back of %d", strings.Count(out[0], "\n"), strings.Count(big, "\n"))
	}
	t.Logf("100 KB ca→es in %v", time.Since(start))
}

func TestEngineDown(t *testing.T) {
	t.Parallel()
	e, err := translation.NewEngine(apytest.Down(t), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.RouteFor(context.Background(), "ca", "es"); err == nil || !strings.Contains(err.Error(), translation.ErrEngine.Error()) {
		t.Fatalf("down engine: %v", err)
	}
	if _, err := translation.NewEngine("ftp://x", 0); err == nil {
		t.Error("a non-http URL was accepted")
	}
}
