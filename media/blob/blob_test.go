package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPutOpenDelete(t *testing.T) {
	fs, err := NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := fs.Put(ctx, strings.NewReader("hola veïns"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if !ValidHash(info.Hash) || info.Size != int64(len("hola veïns")) {
		t.Fatalf("info %+v", info)
	}
	again, err := fs.Put(ctx, strings.NewReader("hola veïns"), 100)
	if err != nil || again != info {
		t.Fatalf("same content, different blob: %+v %v", again, err)
	}
	f, err := fs.Open(info.Hash)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	if _, err := f.ReadAt(b, 5); err != nil || string(b) != "veïn"[:4] {
		t.Fatalf("ReadAt: %q %v", b, err)
	}
	f.Close()
	if err := fs.Delete(info.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Open(info.Hash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := fs.Delete(info.Hash); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestLimitsAndBadHashes(t *testing.T) {
	root := t.TempDir()
	fs, _ := NewFS(root)
	if _, err := fs.Put(context.Background(), bytes.NewReader(make([]byte, 101)), 100); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := fs.Put(context.Background(), bytes.NewReader(make([]byte, 100)), 100); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	left, _ := os.ReadDir(filepath.Join(root, "tmp"))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63) + "/", strings.Repeat("g", 64)} {
		if _, err := fs.Open(bad); !errors.Is(err, ErrBadHash) {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fs.Put(ctx, io.LimitReader(zero{}, 1000), 2000); err == nil {
		t.Fatal("a cancelled upload was stored")
	}
}

type zero struct{}

func (zero) Read(p []byte) (int, error) { return len(p), nil }
