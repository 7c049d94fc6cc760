// Package testkit gives tests the real thing: one embedded FerretDB per test binary, a fresh database per
// test (dropped in t.Cleanup), and the real Fiber app driven in-process, with scenarios written as data.
package testkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/store"
)

var (
	sharedOnce  sync.Once
	sharedStore *store.Store
	sharedErr   error
	dbSeq       int
	dbMu        sync.Mutex
)

// Quiet is a logger that discards everything (tests assert on responses, not logs), unless TEIXIT_TEST_LOG
// is set: then warnings and errors go to stderr (to see why a request failed while debugging).
func Quiet() *slog.Logger {
	if os.Getenv("TEIXIT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Store returns a fresh, empty database on the test binary's embedded FerretDB (or on TEIXIT_TEST_MONGODB_URI
// when set, to run the same tests against MongoDB). The database is dropped when the test ends.
func Store(t testing.TB) *store.Store {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "teixit-test-store-")
		if err != nil {
			sharedErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		sharedStore, sharedErr = store.Open(ctx, store.Options{URI: os.Getenv("TEIXIT_TEST_MONGODB_URI"),
			DataDir: dir, Database: "teixit_test", Logger: Quiet()})
	})
	if sharedErr != nil {
		t.Fatalf("testkit: open store: %v", sharedErr)
	}
	dbMu.Lock()
	dbSeq++
	name := fmt.Sprintf("t%d_%s_%d", os.Getpid(), sanitize(t.Name()), dbSeq)
	dbMu.Unlock()
	s := sharedStore.Derive(name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.DB.Drop(ctx)
	})
	return s
}

func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
		if b.Len() >= 24 {
			break
		}
	}
	return b.String()
}

// Pooled returns a second client on t's database with its own pool of up to size connections (closed when
// the test ends): as far as atomicity goes, another node sharing the store.
func Pooled(t testing.TB, s *store.Store, size uint64) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := s.Reopen(ctx, size)
	if err != nil {
		t.Fatalf("testkit: pooled store: %v", err)
	}
	t.Cleanup(func() { _ = o.Close(context.Background()) })
	return o
}
