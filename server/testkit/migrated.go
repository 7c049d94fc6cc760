package testkit

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/store"
)

// Apps start on migrated databases. Migrating a fresh one (creating every collection, its indexes and the
// SQLite `_id` expression indexes through FerretDB) took ~1.2 s of the ~1.5 s an app took to build under the
// race detector, for every test. So the first time a test binary asks for one, the real migrations run once
// on a template database, whose SQLite file is then copied under migratedPool names, and a second embedded
// FerretDB starts on that folder: it finds them like any existing database (~35 ms each under the race
// detector, hence a pool about the size of a package's apps). NewApp and Nodes take one each (an app's own
// Migrate then finds every migration done, as on a restarted server); when they run out, or with
// TEIXIT_TEST_MONGODB_URI (no file to copy), databases are migrated as before.
const migratedPool = 48

var (
	migratedOnce  sync.Once
	migratedStore *store.Store // nil: no pool
	migratedMu    sync.Mutex
	migratedNext  int
)

// openMigrated builds the pool and starts its store. A failure only leaves the pool empty.
func openMigrated() (*store.Store, error) {
	dir, err := storeDir("migrated")
	if err != nil {
		return nil, err
	}
	if err := prepareMigrated(dir); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return store.Open(ctx, store.Options{DataDir: dir, Database: migratedName(0), Logger: Quiet()})
}

// prepareMigrated builds the template in dir and copies it migratedPool times.
func prepareMigrated(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tpl, err := store.Open(ctx, store.Options{DataDir: dir, Database: "template", Logger: Quiet()})
	if err != nil {
		return err
	}
	err = tpl.Migrate(ctx, app.Migrations())
	if cerr := tpl.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	file := filepath.Join(dir, "db", "template.sqlite")
	// Closing the store closed FerretDB's connections, and SQLite moved the write-ahead log into the file and
	// removed it: the file alone is the database. Should a log be left, copies would miss its pages.
	if _, err := os.Stat(file + "-wal"); !os.IsNotExist(err) {
		return fmt.Errorf("the template's write-ahead log is still there (%v)", err)
	}
	for i := range migratedPool {
		if err := copyFile(file, filepath.Join(dir, "db", migratedName(i)+".sqlite")); err != nil {
			return err
		}
	}
	return os.Remove(file)
}

func migratedName(i int) string { return fmt.Sprintf("migrated%d", i) }

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// MigratedStore returns a database on which every migration has run and nothing else, for t alone (dropped
// when t ends): one of the pool's when one is left, else a fresh database (see migratedPool).
func MigratedStore(t testing.TB) *store.Store {
	t.Helper()
	migratedOnce.Do(func() {
		if os.Getenv("TEIXIT_TEST_MONGODB_URI") != "" {
			return
		}
		st, err := openMigrated()
		if err != nil {
			fmt.Fprintf(os.Stderr, "testkit: no migrated databases, every app migrates its own: %v\n", err)
			return
		}
		migratedStore = st
	})
	migratedMu.Lock()
	i := migratedNext
	migratedNext++
	migratedMu.Unlock()
	if migratedStore == nil || i >= migratedPool {
		return Store(t)
	}
	return dropAtEnd(t, migratedStore.Derive(migratedName(i)))
}
