package search

import (
	"context"
	"testing"
	"time"
)

// openTest opens a fresh on-disk index in a temporary folder.
func openTest(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func apply(t testing.TB, ix *Index, docs ...Document) {
	t.Helper()
	if err := ix.Apply(context.Background(), Batch{Upserts: docs}); err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)

// fixture is a small multilingual corpus with every visibility.
func fixture() []Document {
	return []Document{
		{ID: "practice:1", Kind: "practice", Language: "ca", Title: "Habitatge cooperatiu al barri",
			Body:   "Els veïns i les veïnes han impulsat la participació en l'habitatge cooperatiu.",
			Themes: []string{"housing"}, Territory: []string{"bcn", "bcn-sm", "bcn-sm-poblenou"},
			Organisation: "o1", Visibility: []string{Public}, Created: t0},
		{ID: "practice:2", Kind: "practice", Language: "es", Title: "Vivienda y participación vecinal",
			Body:   "Los vecinos organizan asambleas sobre la vivienda del barrio.",
			Themes: []string{"housing", "participation"}, Territory: []string{"bcn", "bcn-ciutatvella"},
			Organisation: "o2", Visibility: []string{Public}, Created: t0.AddDate(1, 0, 0)},
		{ID: "practice:secret", Kind: "practice", Language: "ca", Title: "Pla intern de l'entitat",
			Body:   "Document confidencial sobre habitatges i participacions dels membres.",
			Themes: []string{"secret-theme"}, Territory: []string{"bcn", "bcn-secret"},
			Organisation: "x", Visibility: []string{OrgPrefix + "x"}, Created: t0},
		{ID: "note:u1", Kind: "note", Language: "en", Title: "My private housing note",
			Body: "Housing ideas only for me.", Visibility: []string{UserPrefix + "u1"}, Created: t0},
		{ID: "contribution:1", Kind: "contribution", Language: "it", Title: "Spazio per i giovani",
			Body:   "Serve uno spazio di partecipazione per i giovani del quartiere.",
			Themes: []string{"youth"}, Territory: []string{"bcn", "bcn-sm"}, Parent: "diagnosis:1",
			Visibility: []string{Public}, Created: t0, Keywords: map[string]string{"contribution_kind": "need"},
			Numbers: map[string]float64{"supports": 12}},
		{ID: "contribution:2", Kind: "contribution", Language: "fr", Title: "Jardin partagé",
			Body:   "Les habitants veulent un jardin partagé pour l'été.",
			Themes: []string{"environment"}, Territory: []string{"bcn", "bcn-sm"}, Parent: "diagnosis:1",
			Visibility: []string{Public}, Created: t0.AddDate(0, 1, 0), Keywords: map[string]string{"contribution_kind": "proposal"},
			Numbers: map[string]float64{"supports": 3}},
		{ID: "practice:draft", Kind: "practice", Language: "ca", Title: "Esborrany d'habitatge", Status: "draft",
			Body: "Encara no publicat.", Visibility: []string{Public}, Created: t0},
	}
}

func openFixture(t testing.TB) *Index {
	ix := openTest(t)
	apply(t, ix, fixture()...)
	return ix
}

func ids(hits []SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
