package search

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ProgressBar returns a Progress that draws a one-line bar on w (a terminal)
// with percentage, rate and ETA, at most every 200 ms and once at the end:
//
//	[##########----------]  50%  50000/100000  2,731 docs/s  ETA 18s
func ProgressBar(w io.Writer) Progress {
	return progressBar(w, time.Now)
}

func progressBar(w io.Writer, now func() time.Time) Progress {
	var mu sync.Mutex
	start := now()
	var last time.Time
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		final := total > 0 && done >= total
		if !final && t.Sub(last) < 200*time.Millisecond {
			return
		}
		last = t
		fmt.Fprint(w, "\r"+renderProgress(done, total, t.Sub(start)))
		if final {
			fmt.Fprintln(w)
		}
	}
}

// renderProgress formats one state of the bar.
func renderProgress(done, total int, elapsed time.Duration) string {
	const width = 20
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	if total <= 0 {
		return fmt.Sprintf("%d docs  %s docs/s", done, thousands(int(rate)))
	}
	total = max(total, done) // an estimated total that fell short: never "29/24"

	frac := min(float64(done)/float64(total), 1)
	filled := int(frac * width)
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("[%s%s] %3d%%  %d/%d  %s docs/s  ETA %s",
		strings.Repeat("#", filled), strings.Repeat("-", width-filled), int(frac*100), done, total, thousands(int(rate)), eta)
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
