// Package theme is the one vocabulary of themes that diagnoses, contributions, practices, actors and exchange
// days are tagged with. The list lives in themes.json (so the frontend's tests can check that every theme has
// words in each catalog) and reaches the browser through GET /config, never as a second copy in the client.
package theme

import (
	_ "embed"
	"encoding/json"
	"slices"
)

//go:embed themes.json
var themesJSON []byte

// All is every theme, in the order forms show them.
var All = mustLoad()

func mustLoad() []string {
	var ts []string
	if err := json.Unmarshal(themesJSON, &ts); err != nil || len(ts) == 0 {
		panic("theme: themes.json must be a non-empty JSON array of strings")
	}
	return ts
}

// Valid reports whether t is one of the themes.
func Valid(t string) bool { return slices.Contains(All, t) }
