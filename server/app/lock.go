package app

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes an exclusive lock on the data folder so that a second process (another `serve`, or
// `teixit reindex` while the server runs) cannot open the same embedded store and index files. The lock is
// released by the kernel when the process ends, even after kill -9.
func lockDataDir(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("the data folder %s is in use by another teixit process; stop it first "+
			"(to rebuild the index of a running server, use POST /api/v1/admin/reindex)", dir)
	}
	return f, nil
}

// LockDataDir takes the data folder for an offline tool (teixit doctor on the embedded store), refusing
// while a server uses it; close the file to let go.
func LockDataDir(dir string) (*os.File, error) { return lockDataDir(dir) }
