package testkit

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// Latencies collects the duration of each operation of a benchmark so that it can report percentiles
// (testing.B only gives the mean). Safe for concurrent use (b.RunParallel).
type Latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

// Time runs fn and records how long it took.
func (l *Latencies) Time(fn func()) {
	start := time.Now()
	fn()
	d := time.Since(start)
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// Report adds p50 and p99 in milliseconds to the benchmark's output.
func (l *Latencies) Report(b *testing.B) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	at := func(q float64) float64 {
		return float64(l.d[int(q*float64(len(l.d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// TimeEach runs fn b.N times (the benchmark loop) and reports p50/p99 alongside ns/op.
func TimeEach(b *testing.B, fn func()) {
	var l Latencies
	for b.Loop() {
		l.Time(fn)
	}
	l.Report(b)
}
