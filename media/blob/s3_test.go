package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/teixit/teixit/media/blob/blobtest"
)

func newS3(t *testing.T, g *blobtest.Gateway, bucket string) (*S3, error) {
	t.Helper()
	return NewS3(context.Background(), S3Config{Endpoint: g.Endpoint, Bucket: bucket, AccessKey: blobtest.AccessKey,
		SecretKey: blobtest.SecretKey, PathStyle: "true", TmpDir: t.TempDir()})
}

// TestS3OnVersitygw runs the blob contract against a real S3 gateway: put (deduplicated), whole and ranged
// reads, reads at many offsets from concurrent readers, limits, missing and malformed hashes, delete.
func TestS3OnVersitygw(t *testing.T) {
	g := blobtest.Require(t)
	g.MakeBucket(t, "media")
	s, err := newS3(t, g, "media")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	data := make([]byte, 3<<20+17) // several reads' worth, odd size
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	info, err := s.Put(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if !ValidHash(info.Hash) || info.Size != int64(len(data)) {
		t.Fatalf("info %+v", info)
	}
	again, err := s.Put(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil || again != info {
		t.Fatalf("same content, different blob: %+v %v", again, err)
	}
	// Another node (another client on the same bucket) reads the same bytes.
	other, err := newS3(t, g, "media")
	if err != nil {
		t.Fatal(err)
	}
	f, err := other.Open(info.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if f.Size() != int64(len(data)) {
		t.Fatalf("size %d", f.Size())
	}
	whole, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(whole, data) {
		t.Fatalf("whole read: %d bytes, %v", len(whole), err)
	}
	// Ranges as the media handler reads them (a section reader over ReadAt), jumping around.
	for _, r := range [][2]int64{{0, 1}, {5, 100}, {1 << 20, 1<<21 + 3}, {int64(len(data)) - 10, int64(len(data))}, {100, 101}} {
		got, err := io.ReadAll(io.NewSectionReader(f, r[0], r[1]-r[0]))
		if err != nil || !bytes.Equal(got, data[r[0]:r[1]]) {
			t.Fatalf("range %v: %d bytes, %v", r, len(got), err)
		}
	}
	if _, err := f.Seek(-3, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	tail, _ := io.ReadAll(f)
	if !bytes.Equal(tail, data[len(data)-3:]) {
		t.Fatalf("seek end: %x", tail)
	}
	if n, err := f.ReadAt(make([]byte, 10), int64(len(data))); n != 0 || err != io.EOF {
		t.Fatalf("read past the end: %d %v", n, err)
	}
	f.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int64) {
			defer wg.Done()
			f, err := s.Open(info.Hash)
			if err != nil {
				errs <- err
				return
			}
			defer f.Close()
			off := i * 300_001
			got, err := io.ReadAll(io.NewSectionReader(f, off, 200_000))
			if err != nil || !bytes.Equal(got, data[off:off+200_000]) {
				errs <- errors.New("concurrent range differs")
			}
		}(int64(i))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	if _, err := s.Put(ctx, strings.NewReader("too long"), 3); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := s.Open(strings.Repeat("a", 64)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
	if _, err := s.Open("../../etc/passwd"); !errors.Is(err, ErrBadHash) {
		t.Fatalf("malformed hash: %v", err)
	}
	if err := s.Delete(info.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Open(info.Hash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted blob still there: %v", err)
	}
	if err := s.Delete(info.Hash); err != nil {
		t.Fatalf("deleting a missing blob: %v", err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestS3RefusesUnusableBucket: a node must not start on a bucket it cannot write to.
func TestS3RefusesUnusableBucket(t *testing.T) {
	g := blobtest.Require(t)
	g.MakeBucket(t, "media")
	readonly := blobtest.RequireOn(t, g.Root, "--readonly")
	cases := []struct {
		name string
		cfg  S3Config
		want string
	}{
		{"read-only gateway", S3Config{Endpoint: readonly.Endpoint, Bucket: "media"}, "cannot write"},
		{"missing bucket", S3Config{Endpoint: g.Endpoint, Bucket: "nope"}, "does not exist"},
		{"wrong secret", S3Config{Endpoint: g.Endpoint, Bucket: "media", SecretKey: "wrong-secret-wrong-secret"}, "media"},
		{"nothing listening", S3Config{Endpoint: "http://127.0.0.1:1", Bucket: "media"}, "not usable"},
		{"not a URL", S3Config{Endpoint: "127.0.0.1:7070", Bucket: "media"}, "not an http(s) URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.PathStyle, c.cfg.TmpDir = "true", t.TempDir()
			if c.cfg.AccessKey == "" {
				c.cfg.AccessKey = blobtest.AccessKey
			}
			if c.cfg.SecretKey == "" {
				c.cfg.SecretKey = blobtest.SecretKey
			}
			_, err := NewS3(context.Background(), c.cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error with %q, got %v", c.want, err)
			}
			t.Log(err)
		})
	}
}
