package seed_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/testkit"
)

// streamsIndexWhatLoadersIndex: a rebuild reads a kind with a Stream in one scan instead of loading each
// record by id; over the demo data, every such kind must stream exactly the documents its loader gives for
// the same records (and no record the loader leaves out).
func streamsIndexWhatLoadersIndex(t *testing.T, a *testkit.App) {
	ctx := t.Context()
	compared := 0
	for _, kind := range a.ReadModel.Kinds() {
		k, _ := a.ReadModel.Registered(kind)
		if k.Stream == nil {
			continue
		}
		got := map[string]search.Document{}
		err := k.Stream(ctx, func(id string, d search.Document) error { got[id] = d; return nil })
		if err != nil {
			t.Fatalf("%s: stream: %v", kind, err)
		}
		var ids []string
		if err := k.All(ctx, func(id string) error { ids = append(ids, id); return nil }); err != nil {
			t.Fatal(err)
		}
		want, err := k.Load(context.Background(), ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d streamed, %d loaded", kind, len(got), len(want))
		}
		for id, w := range want {
			if g, ok := got[id]; !ok || !reflect.DeepEqual(g, w) {
				t.Errorf("%s %s:\nstreamed %+v\nloaded   %+v", kind, id, g, w)
			}
		}
		if len(want) > 0 {
			compared++
		}
	}
	if compared < 3 { // the demo data has organisations, actors and relations (no exchange day)
		t.Fatalf("only %d kinds had records to compare", compared)
	}
}
