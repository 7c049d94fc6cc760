package theme

import (
	"regexp"
	"testing"
)

func TestVocabulary(t *testing.T) {
	seen := map[string]bool{}
	for _, th := range All {
		if !regexp.MustCompile(`^[a-z][a-z_]*$`).MatchString(th) || seen[th] {
			t.Errorf("theme %q must be a unique snake_case key", th)
		}
		seen[th] = true
		if !Valid(th) {
			t.Errorf("Valid(%q) = false", th)
		}
	}
	for _, bad := range []string{"", "Housing", "housing ", "nope"} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}
