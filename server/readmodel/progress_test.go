package readmodel

import (
	"testing"
	"time"
)

// The admin API's reindex status gives a rate and an ETA, and never more done than total.
func TestReindexStatusRateAndETA(t *testing.T) {
	t.Parallel()
	start := time.Unix(1000, 0)
	st := ReindexStatus{Running: true, StartedAt: &start}
	st.progressAt(0, 100, start)
	if st.ETASeconds != nil || st.Rate != 0 {
		t.Fatalf("before the first batch: %+v", st)
	}
	st.progressAt(50, 100, start.Add(10*time.Second))
	if st.Rate != 5 || st.ETASeconds == nil || *st.ETASeconds != 10 {
		t.Fatalf("half way: rate %v eta %v", st.Rate, st.ETASeconds)
	}
	st.progressAt(29, 24, start.Add(10*time.Second)) // the estimate fell short
	if st.Done != 29 || st.Total != 29 || *st.ETASeconds != 0 {
		t.Fatalf("overshoot: %+v", st)
	}
}
