package seed_test

import (
	"testing"

	"github.com/teixit/teixit/server/seed"
	"github.com/teixit/teixit/server/testkit"
)

// TestDemoData seeds one app twice (seeding again must add nothing: each check counts what it finds) and runs
// every check of the demo data on it. Seeding is most of this package's time, so it is done once, not per check.
func TestDemoData(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	for i := 0; i < 2; i++ {
		if _, err := seed.Load(t.Context(), a.App); err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
	}
	t.Run("a diagnosis, seeded once", func(t *testing.T) { demoDiagnosis(t, a) })
	t.Run("an evaluation, seeded once", func(t *testing.T) { demoEvaluation(t, a) })
	t.Run("a practice, seeded once", func(t *testing.T) { demoPractice(t, a) })
	t.Run("streams index what loaders index", func(t *testing.T) { streamsIndexWhatLoadersIndex(t, a) })
}
