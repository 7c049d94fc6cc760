// Package paging is the one rule for how many items a list answers per page. Every list of the API takes an
// optional `limit`; the handler reads it with Limit (a bad value is a 400 naming the field), the service
// bounds it with its list's Size, so a caller outside HTTP (seed, tests, workers) gets the same bounds.
package paging

import (
	"strconv"
	"strings"

	"github.com/teixit/teixit/server/apperr"
)

// Size says how many items a list gives per page: Default when none is asked for, never more than Max.
type Size struct{ Default, Max int }

// Lists is the size of the API's ordinary lists (organisations, diagnoses, practices, days, actors, comments,
// notifications, evaluations): 30 a page, at most 100.
var Lists = Size{Default: 30, Max: 100}

// Of bounds an asked-for page size n: 0 (or less) gives the default, more than Max gives Max.
func (s Size) Of(n int) int {
	switch {
	case n <= 0:
		return s.Default
	case n > s.Max:
		return s.Max
	}
	return n
}

// Limit reads a `limit` query value: "" is 0 (the list's default); anything but a whole number of at least 1
// is a validation error on the field "limit".
func Limit(raw string) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, apperr.Validation(apperr.Fields{"limit": apperr.MinNumber(1)})
	}
	return n, nil
}
