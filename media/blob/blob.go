// Package blob stores bytes by content: a file's name is the SHA-256 of its content, so identical uploads are
// stored once and a stored file never changes. FS keeps them under a folder; the Store interface leaves room
// for an S3-compatible object store in production.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrNotFound is returned when no blob has the hash.
var ErrNotFound = errors.New("blob: not found")

// ErrTooLarge is returned by Put when the content exceeds the limit; nothing is stored.
var ErrTooLarge = errors.New("blob: too large")

// ErrBadHash is returned for a hash that is not 64 lowercase hex digits (it can never name a file).
var ErrBadHash = errors.New("blob: malformed hash")

// Info describes a stored blob.
type Info struct {
	Hash string // hex SHA-256 of the content
	Size int64
}

// File is an open blob: readable from any offset.
type File interface {
	io.ReaderAt
	io.ReadSeekCloser
	Size() int64
}

// Store is content-addressed storage.
type Store interface {
	// Put stores r's content (at most maxSize bytes, else ErrTooLarge) and returns its hash.
	Put(ctx context.Context, r io.Reader, maxSize int64) (Info, error)
	// Open returns the blob, or ErrNotFound.
	Open(hash string) (File, error)
	// Delete removes the blob; deleting a missing blob is not an error.
	Delete(hash string) error
}

// FS stores blobs as files under Root/aa/bb/<hash>.
type FS struct{ Root string }

// NewFS creates the folder if needed.
func NewFS(root string) (*FS, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &FS{Root: root}, nil
}

// ValidHash reports whether h is a well-formed hash.
func ValidHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (f *FS) path(hash string) string {
	return filepath.Join(f.Root, hash[:2], hash[2:4], hash)
}

// Put streams r into a temporary file while hashing it, syncs it, then renames it into place (atomic: a
// crash never leaves a partial blob under a hash name).
func (f *FS) Put(ctx context.Context, r io.Reader, maxSize int64) (Info, error) {
	tmp, info, err := spool(ctx, filepath.Join(f.Root, "tmp"), r, maxSize)
	if err != nil {
		return Info{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := tmp.Sync(); err != nil {
		return Info{}, fmt.Errorf("blob: sync: %w", err)
	}
	dst := f.path(info.Hash)
	if _, err := os.Stat(dst); err == nil {
		return info, nil // already stored: content addressing dedupes
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	return info, nil
}

// spool copies r into a new temporary file in dir while hashing it, and refuses more than maxSize bytes
// (ErrTooLarge): how every store takes content in before it knows the content's name. On success the caller
// closes and removes the file; on an error nothing is left behind.
func spool(ctx context.Context, dir string, r io.Reader, maxSize int64) (*os.File, Info, error) {
	tmp, err := os.CreateTemp(dir, "put-*")
	if err != nil {
		return nil, Info{}, fmt.Errorf("blob: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, maxSize+1))
	switch {
	case err != nil:
		err = fmt.Errorf("blob: write: %w", err)
	case n > maxSize:
		err = ErrTooLarge
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, Info{}, err
	}
	return tmp, Info{Hash: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type osFile struct {
	*os.File
	size int64
}

func (o osFile) Size() int64 { return o.size }

// Open opens a blob for reading.
func (f *FS) Open(hash string) (File, error) {
	if !ValidHash(hash) {
		return nil, ErrBadHash
	}
	fh, err := os.Open(f.path(hash))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("blob: %w", err)
	}
	return osFile{fh, st.Size()}, nil
}

// Delete removes a blob.
func (f *FS) Delete(hash string) error {
	if !ValidHash(hash) {
		return ErrBadHash
	}
	if err := os.Remove(f.path(hash)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}
