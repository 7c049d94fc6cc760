package auth

import (
	"sync"
	"time"
)

// Limiter counts attempts per key in a fixed window. It is in memory, per process: with several app nodes
// each enforces its own limit, which still bounds guessing to nodes × limit per window.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	hits   map[string]*bucket
	last   time.Time
}

type bucket struct {
	count int
	reset time.Time
}

// NewLimiter allows max attempts per key per window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, now: time.Now, hits: map[string]*bucket{}}
}

// Allow records an attempt for key. When the key is over its limit it returns false and how long until the
// window resets.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.last) > l.window {
		for k, b := range l.hits { // drop expired buckets so memory stays bounded
			if now.After(b.reset) {
				delete(l.hits, k)
			}
		}
		l.last = now
	}
	b := l.hits[key]
	if b == nil || now.After(b.reset) {
		b = &bucket{reset: now.Add(l.window)}
		l.hits[key] = b
	}
	if b.count >= l.max {
		return false, b.reset.Sub(now)
	}
	b.count++
	return true, 0
}

// Reset forgets a key, e.g. after a successful login.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}
