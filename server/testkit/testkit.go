// Package testkit gives tests the real thing: an embedded FerretDB per test binary, a fresh database per
// test (dropped in t.Cleanup; apps get one already migrated, see migrated.go), and the real Fiber app driven
// in-process, with scenarios written as data.
package testkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
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
		dir, err := storeDir("store")
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
	return dropAtEnd(t, sharedStore.Derive(name))
}

// dropAtEnd drops s's database when t ends.
func dropAtEnd(t testing.TB, s *store.Store) *store.Store {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.DB.Drop(ctx)
	})
	return s
}

// storeDir makes the data folder of one of this test binary's embedded stores, named with its process id,
// after removing those left by test binaries that have ended (tests have no hook at the binary's end, so
// the folders outlive it; another package's binary running at the same time keeps its own).
func storeDir(kind string) (string, error) {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "teixit-test-*"))
	if _, err := os.Stat("/proc/self"); err != nil {
		old = nil // no way to tell which binaries have ended
	}
	for _, d := range old {
		parts := strings.Split(filepath.Base(d), "-")
		if len(parts) != 5 {
			continue
		}
		if pid, err := strconv.Atoi(parts[3]); err == nil && pid != os.Getpid() {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
				_ = os.RemoveAll(d)
			}
		}
	}
	return os.MkdirTemp("", fmt.Sprintf("teixit-test-%s-%d-", kind, os.Getpid()))
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
