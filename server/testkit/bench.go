package testkit

import (
	"slices"
	"sync"
	"syscall"
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

// TimeEach runs fn b.N times (the benchmark loop) and reports p50/p99 alongside ns/op, and the process's CPU
// time per operation (cpu-ms/op: user + system, every goroutine — the embedded store and the indexer
// included, as a server's CPU per request would be; the in-process client's small share too).
func TimeEach(b *testing.B, fn func()) {
	var l Latencies
	before := processCPU()
	n := 0
	for b.Loop() {
		l.Time(fn)
		n++
	}
	if after := processCPU(); n > 0 && before >= 0 && after >= 0 {
		b.ReportMetric(float64(after-before)/float64(n)/float64(time.Millisecond), "cpu-ms/op")
	}
	l.Report(b)
}

// processCPU is the CPU time the process has used so far (-1 when the system does not say).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
