package paging

import (
	"testing"

	"github.com/teixit/teixit/server/apperr"
)

func TestSizeOf(t *testing.T) {
	s := Size{Default: 20, Max: 50}
	for in, want := range map[int]int{-3: 20, 0: 20, 1: 1, 20: 20, 50: 50, 51: 50, 1 << 30: 50} {
		if got := s.Of(in); got != want {
			t.Errorf("Of(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestLimit(t *testing.T) {
	for raw, want := range map[string]int{"": 0, " ": 0, "1": 1, "75": 75, " 7 ": 7, "100000": 100000} {
		n, err := Limit(raw)
		if err != nil || n != want {
			t.Errorf("Limit(%q) = %d, %v; want %d", raw, n, err, want)
		}
	}
	for _, raw := range []string{"0", "-1", "ten", "1.5", "9999999999999999999999", "1e3", "0x10"} {
		_, err := Limit(raw)
		if !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("Limit(%q): want a validation error, got %v", raw, err)
		}
		e, _ := apperr.As(err)
		if e == nil || e.Fields["limit"].Code == "" {
			t.Errorf("Limit(%q): the error must name the field limit: %#v", raw, e)
		}
	}
}
