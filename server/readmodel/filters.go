package readmodel

import (
	"slices"

	"github.com/teixit/teixit/server/apperr"
)

// Choose narrows a read-model list to facet = value when the request gave a value (an empty query
// parameter narrows nothing) and, when value is not one of allowed, notes the reason in refused under the
// request's parameter name param; the caller answers apperr.Validation(refused). It is how every list takes
// an optional choice (a kind, a theme, a status) from its query.
func Choose(filters map[string][]string, refused apperr.Fields, param, facet, value string, allowed []string) {
	if value == "" {
		return
	}
	if !slices.Contains(allowed, value) {
		refused[param] = apperr.OneOf(allowed...)
	}
	filters[facet] = []string{value}
}
