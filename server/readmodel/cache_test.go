package readmodel_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/teixit/teixit/server/readmodel"
)

func TestCacheKeepsTheLoadersCopy(t *testing.T) {
	t.Parallel()
	c := readmodel.NewCache[string](10)
	store := map[string]string{"a": "a1", "b": "b1"}
	var fetched []string
	fetch := func(ids []string) ([]*string, error) {
		fetched = append(fetched, ids...)
		out := make([]*string, len(ids))
		for i, id := range ids {
			if v, ok := store[id]; ok {
				out[i] = &v
			}
		}
		return out, nil
	}
	get := func(ids ...string) []string {
		t.Helper()
		docs, err := c.GetMany(ids, fetch)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range docs {
			if d == nil {
				out = append(out, "-")
			} else {
				out = append(out, *d)
			}
		}
		return out
	}
	if got := get("b", "gone", "a"); !slices.Equal(got, []string{"b1", "-", "a1"}) {
		t.Fatalf("first read %v", got)
	}
	fetched = nil
	if got := get("a", "b"); !slices.Equal(got, []string{"a1", "b1"}) || len(fetched) != 0 {
		t.Fatalf("second read %v, fetched %v (want all from memory)", got, fetched)
	}
	// a write: the loader reads the new state and replaces the entry
	store["a"] = "a2"
	c.Loaded("a", "a2")
	if got := get("a"); got[0] != "a2" {
		t.Fatalf("after the loader: %v", got)
	}
	// a list read that raced with a write: it read the old state, and the loader stored the new one before
	// the read was added; the loader's copy must stay
	store["c"] = "c1"
	if _, err := c.GetMany([]string{"c"}, func(ids []string) ([]*string, error) {
		old := store["c"]
		store["c"] = "c2"
		c.Loaded("c", "c2")
		return []*string{&old}, nil
	}); err != nil {
		t.Fatal(err)
	}
	fetched = nil
	if got := get("c"); got[0] != "c2" || len(fetched) != 0 {
		t.Fatalf("the loader's copy was replaced by a racing read: %v", got)
	}
	c.Gone("a")
	delete(store, "a")
	if got := get("a"); got[0] != "-" {
		t.Fatalf("after Gone: %v", got)
	}
	// a read that raced with a deletion: it read the record, the loader then found it gone; the deleted
	// record must not come back into memory
	store["d"] = "d1"
	if _, err := c.GetMany([]string{"d"}, func(ids []string) ([]*string, error) {
		old := store["d"]
		delete(store, "d")
		c.Gone("d")
		return []*string{&old}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := get("d"); got[0] != "-" {
		t.Fatalf("a deleted record came back from a racing read: %v", got)
	}
	if _, err := c.GetMany([]string{"zz"}, func([]string) ([]*string, error) { return nil, errors.New("down") }); err == nil {
		t.Fatal("a store error must be returned")
	}
}

func TestMarksRememberUntilTheRecordChanges(t *testing.T) {
	t.Parallel()
	m := readmodel.NewMarks(10)
	supports := map[string]bool{"c1:ana": true}
	var fetched []string
	fetch := func(person string) func([]string) ([]bool, error) {
		return func(records []string) ([]bool, error) {
			fetched = append(fetched, records...)
			out := make([]bool, len(records))
			for i, r := range records {
				out[i] = supports[r+":"+person]
			}
			return out, nil
		}
	}
	get := func(person string, records ...string) []bool {
		t.Helper()
		out, err := m.Get(person, records, fetch(person))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := get("ana", "c1", "c2"); !slices.Equal(got, []bool{true, false}) {
		t.Fatalf("first read %v", got)
	}
	fetched = nil
	if got := get("ana", "c2", "c1"); !slices.Equal(got, []bool{false, true}) || len(fetched) != 0 {
		t.Fatalf("second read %v, fetched %v (want all from memory)", got, fetched)
	}
	if got := get("bea", "c1"); got[0] || !slices.Equal(fetched, []string{"c1"}) {
		t.Fatalf("another person's mark must be read for them: %v, fetched %v", got, fetched)
	}
	// ana supports c2: the write is announced under c2, whose loader forgets it
	supports["c2:ana"] = true
	m.Forget("c2")
	fetched = nil
	if got := get("ana", "c1", "c2"); !slices.Equal(got, []bool{true, true}) || !slices.Equal(fetched, []string{"c2"}) {
		t.Fatalf("after the change: %v, fetched %v (want c2 read again, c1 from memory)", got, fetched)
	}
	// a read that raced with a change: it read the old state, then the loader forgot; it must not be kept
	if got, err := m.Get("eva", []string{"c3"}, func([]string) ([]bool, error) {
		supports["c3:eva"] = true
		m.Forget("c3")
		return []bool{false}, nil
	}); err != nil || got[0] {
		t.Fatalf("racing read: %v %v", got, err)
	}
	if got := get("eva", "c3"); !got[0] {
		t.Fatal("a read that raced with a change was kept")
	}
	if _, err := m.Get("ona", []string{"c1"}, func([]string) ([]bool, error) { return nil, errors.New("down") }); err == nil {
		t.Fatal("a store error must be returned")
	}
}

// TestCacheFillKeepsOnlyWhatTheLoaderDidNotTouch: a bulk read kept ahead of first reads never replaces the
// loader's copy nor brings back a record the loader found gone during the read, and stops once the cache is
// full.
func TestCacheFillKeepsOnlyWhatTheLoaderDidNotTouch(t *testing.T) {
	t.Parallel()
	c := readmodel.NewCache[string](3)
	c.Loaded("a", "a2") // before the fill: newer than the fill's copy
	var offered []string
	err := c.Fill(func(keep func(string, string) bool) error {
		// the loader runs while the scan reads a snapshot from before its calls
		c.Gone("b")
		c.Loaded("c", "c2")
		for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
			offered = append(offered, id)
			if !keep(id, id+"1") {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := func(id string) string {
		docs, err := c.GetMany([]string{id}, func(ids []string) ([]*string, error) { return make([]*string, len(ids)), nil })
		if err != nil || docs[0] == nil {
			return "-"
		}
		return *docs[0]
	}
	if g := []string{got("a"), got("b"), got("c"), got("d")}; !slices.Equal(g, []string{"a2", "-", "c2", "d1"}) {
		t.Errorf("after the fill: %v, want [a2 - c2 d1]", g)
	}
	if !slices.Equal(offered, []string{"a", "b", "c", "d"}) {
		t.Errorf("the scan went on after the cache was full: offered %v", offered)
	}
}
