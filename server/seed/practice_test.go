package seed_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/testkit"
)

// demoPractice: one published practice, translated into Spanish and Italian, adopted once, with two comments.
func demoPractice(t *testing.T, a *testkit.App) {
	ps, _, err := a.Practices.List(t.Context(), nil, practice.ListInput{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("practices after seeding twice: %v %+v", err, ps)
	}
	p, err := a.Practices.Get(t.Context(), nil, ps[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "published" || strings.Join(p.Translations, ",") != "es,it" || p.Transfers.Count != 1 ||
		p.Transfers.Items[0].Status != "implementing" {
		t.Fatalf("demo practice: %+v", p)
	}
	r := a.Do(nil, "GET", "/api/v1/practices/"+p.ID+"/comments", nil)
	if n := strings.Count(string(r.Body), `"targetKind":"practice"`); n != 2 {
		t.Fatalf("%d comments: %s", n, r.Body)
	}
	if r := a.Do(nil, "GET", "/api/v1/practices/"+p.ID+"?lang=it", nil); !strings.Contains(string(r.Body), "Sessioni di accoglienza") {
		t.Fatalf("italian: %s", r.Body)
	}
}
