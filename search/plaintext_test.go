package search

import (
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Just words, 3 of them.", "Just words, 3 of them."},
		{"### Què funciona?\n\nLes **famílies** _grans_ viuen soles.", "Què funciona?\nLes famílies grans viuen soles."},
		{"- Cada dilluns\n- A les 25 persones", "Cada dilluns\nA les 25 persones"},
		{"Vegeu [la guia](https://example.org/guia) i <https://example.org>.", "Vegeu la guia i https://example.org."},
		{"Codi `x = 1` aquí.\n\n> Una cita", "Codi x = 1 aquí.\nUna cita"},
		{"Text <b>en negreta</b>", "Text en negreta"},
	} {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSnippetsShowNoMarkdown(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	apply(t, ix, Document{ID: "practice:m", Kind: "practice", Language: "ca", Title: "Trucades",
		Body: "### Què fem\n\nLes voluntàries **truquen** a les [famílies](https://example.org/f) cada setmana.", Visibility: []string{Public}})
	res, err := ix.Search(t.Context(), Reader{}, SearchRequest{Q: "famílies"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	all := strings.Join(res.Hits[0].Highlights, "\n")
	if !strings.Contains(all, "<mark>famílies</mark>") || strings.ContainsAny(all, "*#[]()") || strings.Contains(all, "example.org") {
		t.Errorf("snippet with Markdown syntax: %q", all)
	}
}

// BenchmarkPlainText: the cost PlainText adds to indexing one practice-sized Markdown body.
func BenchmarkPlainText(b *testing.B) {
	body := strings.Repeat("### Què fem\n\nLes voluntàries **truquen** a les [famílies](https://example.org/f) cada setmana.\n\n- Cada dilluns\n- A les 25 persones\n\n", 8)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_ = PlainText(body)
	}
}
