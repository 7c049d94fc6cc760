package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func sliceSource(docs []Document) Source {
	return func(ctx context.Context, yield func(Document) error) error {
		for _, d := range docs {
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestRebuildSwapsWhileServing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ix, fixture()...)
	before, _ := os.ReadFile(dir + "/" + currentFile)

	var fresh []Document
	for i := 0; i < 1200; i++ {
		fresh = append(fresh, Document{ID: fmt.Sprint("r:", i), Kind: "practice", Language: "ca",
			Title: "Reconstruït", Body: "cos", Visibility: []string{Public}})
	}
	// readers keep querying during the rebuild and swap
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var queries, failures atomic.Int64
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := ix.Search(context.Background(), Reader{}, SearchRequest{Kinds: []string{"practice"}}); err != nil {
					failures.Add(1)
				}
				queries.Add(1)
			}
		}()
	}
	var calls []string
	err = ix.Rebuild(context.Background(), 42, len(fresh), sliceSource(fresh), func(done, total int) {
		calls = append(calls, fmt.Sprint(done, "/", total))
	})
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if failures.Load() != 0 {
		t.Fatalf("%d of %d queries failed during the swap", failures.Load(), queries.Load())
	}
	if calls[len(calls)-1] != "1200/1200" || len(calls) < 3 {
		t.Fatalf("progress calls %v", calls)
	}
	if n, _ := ix.Count(); n != 1200 {
		t.Fatalf("count %d", n)
	}
	if cp, _ := ix.Checkpoint(); cp != 42 {
		t.Fatalf("checkpoint %d", cp)
	}
	after, _ := os.ReadFile(dir + "/" + currentFile)
	if bytes.Equal(before, after) {
		t.Fatal("CURRENT not switched")
	}
	if _, err := os.Stat(dir + "/" + strings.TrimSpace(string(before))); !os.IsNotExist(err) {
		t.Fatalf("old generation left behind: %v", err)
	}
	ix.Close()
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 1200 {
		t.Fatalf("count after reopen %d", n)
	}
}

func TestRebuildFailureLeavesLiveIndex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	apply(t, ix, fixture()...)
	boom := errors.New("store went away")
	err = ix.Rebuild(context.Background(), 1, 0, func(ctx context.Context, yield func(Document) error) error {
		yield(Document{ID: "z", Kind: "practice", Language: "ca", Title: "z"})
		return boom
	}, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if n, _ := ix.Count(); n != uint64(len(fixture())) {
		t.Fatalf("live index changed: %d", n)
	}
	entries, _ := os.ReadDir(dir)
	gens := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "gen-") {
			gens++
		}
	}
	if gens != 1 {
		t.Fatalf("%d generation folders, want 1", gens)
	}
}

func TestProgressRender(t *testing.T) {
	t.Parallel()
	got := renderProgress(50000, 100000, 20*time.Second)
	want := "[##########----------]  50%  50000/100000  2,500 docs/s  ETA 20s"
	if got != want {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
	if got := renderProgress(29, 24, time.Second); got != "[####################] 100%  29/29  29 docs/s  ETA 0s" {
		t.Fatalf("estimate fell short: %q", got)
	}
	if got := renderProgress(10, 0, time.Second); got != "10 docs  10 docs/s" {
		t.Fatalf("unknown total: %q", got)
	}
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	bar := progressBar(&buf, func() time.Time { return clock })
	bar(1, 10) // first call draws
	clock = clock.Add(time.Second)
	bar(10, 10)
	if !strings.HasSuffix(buf.String(), "100%  10/10  10 docs/s  ETA 0s\n") {
		t.Fatalf("final line %q", buf.String())
	}
}
