package search

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"
)

// memOutbox is an in-memory stand-in for the server's outbox collection and
// one collection of records; the real ones live in server/. The index the
// indexer feeds is the real on-disk one.
type memOutbox struct {
	mu      sync.Mutex
	changes []Change // committed, any order
	records map[string]string
	failing bool
}

func newMemOutbox() *memOutbox { return &memOutbox{records: map[string]string{}} }

func (m *memOutbox) Since(_ context.Context, after uint64, limit int) ([]Change, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failing {
		return nil, errors.New("outbox unavailable")
	}
	var out []Change
	for _, c := range m.changes {
		if c.Seq > after {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// commit appends the change record and then (optionally) writes the record.
func (m *memOutbox) commit(seq uint64, id, title string, write bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.changes = append(m.changes, Change{Seq: seq, Kind: "practice", ID: id, Node: "n1"})
	if write {
		m.write(id, title)
	}
}

func (m *memOutbox) write(id, title string) {
	if title == "" {
		delete(m.records, id)
	} else {
		m.records[id] = title
	}
}

func (m *memOutbox) loader() Loader {
	return func(_ context.Context, ids []string) (map[string]Document, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		out := map[string]Document{}
		for _, id := range ids {
			if t, ok := m.records[id]; ok {
				out[id] = Document{Title: t, Body: "cos del text", Language: "ca", Visibility: []string{Public}}
			}
		}
		return out, nil
	}
}

func titleOf(t *testing.T, ix *Index, id string) string {
	t.Helper()
	d, err := ix.Get(DocID("practice", id))
	if errors.Is(err, ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return d.Title
}

func TestIndexerOrderGapsAndSettle(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	ob := newMemOutbox()
	x := NewIndexer(ix, ob, map[string]Loader{"practice": ob.loader()}, IndexerOptions{Settle: time.Nanosecond, BatchSize: 2})
	ctx := context.Background()

	ob.commit(1, "a", "Primer", true)
	ob.commit(3, "c", "Tercer", true) // seq 2 not committed yet
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if titleOf(t, ix, "a") != "Primer" || titleOf(t, ix, "c") != "Tercer" {
		t.Fatal("changes 1 and 3 not indexed")
	}
	if cp, _ := ix.Checkpoint(); cp != 3 {
		t.Fatalf("checkpoint %d, want 3", cp)
	}
	// seq 2 commits late, behind the checkpoint: the gap is still watched
	ob.commit(2, "b", "Segon", true)
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if titleOf(t, ix, "b") != "Segon" {
		t.Fatal("late change 2 missed")
	}
	if err := x.WaitFor(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// change record first, data write after the indexer loaded it: the
	// settle recheck picks the write up
	ob.commit(4, "a", "", false)
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	ob.mu.Lock()
	ob.write("a", "Primer canviat")
	ob.mu.Unlock()
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := titleOf(t, ix, "a"); got != "Primer canviat" {
		t.Fatalf("after settle: %q", got)
	}
	// deletion: the record is gone from the store
	ob.commit(5, "c", "", true)
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if titleOf(t, ix, "c") != "" {
		t.Fatal("deleted record still indexed")
	}
}

func TestIndexerRestartReplaysWindow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ob := newMemOutbox()
	ctx := context.Background()
	for i := 1; i <= 10; i++ {
		ob.commit(uint64(i), fmt.Sprint("p", i), fmt.Sprint("Pràctica ", i), true)
	}
	x := NewIndexer(ix, ob, map[string]Loader{"practice": ob.loader()}, IndexerOptions{})
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// while down: seq 9's data changes after its record was processed, and
	// seq 12 arrives before 11
	ob.mu.Lock()
	ob.write("p9", "Pràctica nou canviada")
	ob.write("p6", "Pràctica sis canviada")
	ob.write("p4", "fora de la finestra")
	ob.mu.Unlock()
	ob.commit(12, "p12", "Dotze", true)
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	x = NewIndexer(ix, ob, map[string]Loader{"practice": ob.loader()}, IndexerOptions{Window: 5, BatchSize: 2})
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := titleOf(t, ix, "p9"); got != "Pràctica nou canviada" {
		t.Fatalf("window not replayed: %q", got)
	}
	if got := titleOf(t, ix, "p6"); got != "Pràctica sis canviada" {
		t.Fatalf("start of the window (beyond one batch) not replayed: %q", got)
	}
	if got := titleOf(t, ix, "p4"); got != "Pràctica 4" {
		t.Fatalf("replay went past the window: %q", got)
	}
	ob.commit(11, "p11", "Onze", true)
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if titleOf(t, ix, "p11") != "Onze" || titleOf(t, ix, "p12") != "Dotze" {
		t.Fatal("11 or 12 missing")
	}
}

func TestIndexerRunNotifyWaitFor(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	ob := newMemOutbox()
	// a long interval: only Notify can make WaitFor return quickly
	x := NewIndexer(ix, ob, map[string]Loader{"practice": ob.loader()}, IndexerOptions{Interval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- x.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
	}()
	for i := 1; i <= 5; i++ {
		ob.commit(uint64(i), fmt.Sprint("r", i), "Escriptura pròpia", true)
		x.Notify()
		wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
		err := x.WaitFor(wctx, uint64(i))
		wcancel()
		if err != nil {
			t.Fatalf("WaitFor(%d): %v", i, err)
		}
		res, err := ix.Search(ctx, Reader{}, SearchRequest{Q: "escriptura"})
		if err != nil || res.Total != uint64(i) {
			t.Fatalf("read-your-writes after %d: %+v %v", i, res, err)
		}
	}
}

func TestIndexerErrorsAndUnknownKinds(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	ob := newMemOutbox()
	x := NewIndexer(ix, ob, map[string]Loader{"practice": ob.loader()}, IndexerOptions{})
	ctx := context.Background()
	ob.failing = true
	if _, err := x.Step(ctx); err == nil {
		t.Fatal("outbox error not reported")
	}
	ob.failing = false
	ob.mu.Lock()
	ob.changes = append(ob.changes, Change{Seq: 1, Kind: "unknown", ID: "z"})
	ob.mu.Unlock()
	ob.commit(2, "a", "Bé", true)
	if err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if cp, _ := ix.Checkpoint(); cp != 2 || titleOf(t, ix, "a") != "Bé" {
		t.Fatalf("feed stalled on unknown kind: checkpoint %d", cp)
	}
	// an invalid document is dropped, not retried forever
	german := NewIndexer(ix, ob, map[string]Loader{"practice": func(context.Context, []string) (map[string]Document, error) {
		return map[string]Document{"a": {Title: "Hallo", Language: "de"}}, nil
	}}, IndexerOptions{})
	ob.commit(3, "a", "ignored", true)
	if err := german.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if cp, _ := ix.Checkpoint(); cp != 3 || titleOf(t, ix, "a") != "" {
		t.Fatalf("invalid document: checkpoint %d, title %q", cp, titleOf(t, ix, "a"))
	}
	// a failing loader holds the checkpoint back
	bad := NewIndexer(ix, ob, map[string]Loader{"practice": func(context.Context, []string) (map[string]Document, error) {
		return nil, errors.New("store down")
	}}, IndexerOptions{})
	ob.commit(4, "b", "X", true)
	if _, err := bad.Step(ctx); err == nil {
		t.Fatal("loader error not reported")
	}
	if cp, _ := ix.Checkpoint(); cp != 3 {
		t.Fatalf("checkpoint moved past a failed load: %d", cp)
	}
}
