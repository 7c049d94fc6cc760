package search

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestApplyGetDeleteCheckpoint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	docs := fixture()
	if err := ix.Apply(ctx, Batch{Upserts: docs, Checkpoint: 7}); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Get("contribution:1")
	if err != nil {
		t.Fatal(err)
	}
	want := docs[4]
	want.Status = statusPublished
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get:\n got %+v\nwant %+v", got, want)
	}
	if _, err := ix.Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	if cp, err := ix.Checkpoint(); err != nil || cp != 7 {
		t.Fatalf("checkpoint %d %v", cp, err)
	}
	// checkpoint never moves backwards; a stale base is refused
	if err := ix.Apply(ctx, Batch{Deletes: []string{"contribution:1"}, Base: 7, Checkpoint: 5}); err != nil {
		t.Fatal(err)
	}
	if cp, _ := ix.Checkpoint(); cp != 7 {
		t.Fatalf("checkpoint went back to %d", cp)
	}
	if err := ix.Apply(ctx, Batch{Base: 9, Checkpoint: 10}); !errors.Is(err, ErrCheckpointMoved) {
		t.Fatalf("base ahead of index: %v", err)
	}
	if n, _ := ix.Count(); n != uint64(len(docs)-1) {
		t.Fatalf("count %d", n)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Count(); err == nil {
		t.Fatal("count after close")
	}
	// reopen: documents and checkpoint persist
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != uint64(len(docs)-1) {
		t.Fatalf("count after reopen %d", n)
	}
	if cp, _ := ix.Checkpoint(); cp != 7 {
		t.Fatalf("checkpoint after reopen %d", cp)
	}
	if ix.Stale() {
		t.Fatal("fresh index reported stale")
	}
	if _, err := ix.Get("contribution:1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted doc: %v", err)
	}
}

func TestApplyDetectsLanguage(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	apply(t, ix, Document{ID: "d", Kind: "comment", Title: "Els veïns del barri",
		Body: "Volem més espais per a la gent gran i per als joves del barri.", Visibility: []string{Public}})
	d, err := ix.Get("d")
	if err != nil || d.Language != Catalan {
		t.Fatalf("%+v %v", d, err)
	}
	res, err := ix.Search(context.Background(), Reader{}, SearchRequest{Q: "espai", Langs: []string{"ca"}})
	if err != nil || res.Total != 1 {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestApplyRejectsInvalid(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	for name, d := range map[string]Document{
		"no id":     {Kind: "x"},
		"no kind":   {ID: "x"},
		"bad lang":  {ID: "x", Kind: "x", Language: "de"},
		"bad extra": {ID: "x", Kind: "x", Keywords: map[string]string{"a.b": "c"}},
		"bad num":   {ID: "x", Kind: "x", Numbers: map[string]float64{"": 1}},
	} {
		var ie *InputError
		if err := ix.Apply(context.Background(), Batch{Upserts: []Document{d}}); !errors.As(err, &ie) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n, _ := ix.Count(); n != 0 {
		t.Fatalf("count %d after rejected batches", n)
	}
}

// A kind's version moves after every batch that touches one of its documents (upsert or delete) and after a
// rebuild's swap, and at no other time: memos of computed values (server/readmodel.Memo) rely on both.
func TestVersionMovesOnlyWithItsKinds(t *testing.T) {
	t.Parallel()
	ix := openTest(t)
	ctx := context.Background()
	practices, contributions, both := ix.Version("practice"), ix.Version("contribution"), ix.Version("practice", "contribution")
	apply(t, ix, Document{ID: "practice:v1", Kind: "practice", Language: "ca", Title: "Horts urbans", Visibility: []string{Public}})
	if ix.Version("practice") == practices || ix.Version("practice", "contribution") == both {
		t.Fatal("an upsert of a practice did not move the practices' version")
	}
	if ix.Version("contribution") != contributions {
		t.Fatal("an upsert of a practice moved the contributions' version")
	}
	practices, both = ix.Version("practice"), ix.Version("practice", "contribution")
	if err := ix.Apply(ctx, Batch{Checkpoint: 7}); err != nil { // a checkpoint alone changes no document
		t.Fatal(err)
	}
	if ix.Version("practice", "contribution") != both {
		t.Fatal("a batch without documents moved a version")
	}
	if err := ix.Apply(ctx, Batch{Deletes: []string{"practice:v1"}}); err != nil {
		t.Fatal(err)
	}
	if ix.Version("practice") == practices || ix.Version("contribution") != contributions {
		t.Fatal("a deletion of a practice did not move only the practices' version")
	}
	contributions = ix.Version("contribution")
	if err := ix.Rebuild(ctx, 8, 0, sliceSource(nil), nil); err != nil {
		t.Fatal(err)
	}
	if ix.Version("contribution") == contributions {
		t.Fatal("a rebuild's swap did not move every version")
	}
}
