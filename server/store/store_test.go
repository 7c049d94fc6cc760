package store_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

func TestIDLookupUsesExpressionIndex(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	if !s.Embedded() {
		t.Skip("only the embedded store has SQLite tables")
	}
	ctx := context.Background()
	ran := 0
	ms := []store.Migration{{Name: "0001_things", Up: func(ctx context.Context, s *store.Store) error {
		ran++
		return s.CreateCollections(ctx, "things")
	}}}
	if err := s.Migrate(ctx, ms); err != nil {
		t.Fatal(err)
	}
	plan, err := s.ExplainIDLookup(ctx, "things")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING INDEX") || !strings.Contains(plan, "_teixit_id") {
		t.Fatalf("_id lookup does not use the expression index: %q", plan)
	}
	// Migrations are recorded and not run again.
	if err := s.Migrate(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if ran != 1 {
		t.Fatalf("migration ran %d times", ran)
	}
	names, err := s.Migrations(ctx)
	if err != nil || len(names) != 1 || names[0] != "0001_things" {
		t.Fatalf("recorded migrations %v %v", names, err)
	}
	// And the lookup through the driver still finds documents.
	if _, err := s.C("things").InsertOne(ctx, bson.M{"_id": "abc", "v": 1}); err != nil {
		t.Fatal(err)
	}
	var got bson.M
	if err := s.C("things").FindOne(ctx, bson.M{"_id": "abc"}).Decode(&got); err != nil || got["v"] != int32(1) {
		t.Fatalf("find by _id: %v %v", got, err)
	}
}

func TestDuplicateMigrationName(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	m := store.Migration{Name: "x", Up: func(context.Context, *store.Store) error { return nil }}
	if err := s.Migrate(context.Background(), []store.Migration{m, m}); err == nil {
		t.Fatal("a migration listed twice must be refused")
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	if err := s.CreateCollections(ctx, "things"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.C("things").InsertOne(ctx, bson.M{"_id": "a"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.C("things").InsertOne(ctx, bson.M{"_id": "a"})
	if err = store.Wrap("insert", err); !store.IsDuplicate(err) {
		t.Fatalf("duplicate _id not reported as ErrDuplicate: %v", err)
	}
	err = store.Wrap("find", s.C("things").FindOne(ctx, bson.M{"_id": "missing"}).Err())
	if !strings.Contains(err.Error(), store.ErrNotFound.Error()) {
		t.Fatalf("missing document: %v", err)
	}
}

func TestNewIDAndValidID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := store.NewID()
		if len(id) != 16 || !store.ValidID(id) || seen[id] {
			t.Fatalf("bad id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "$where", "a b", "ABC", strings.Repeat("a", 129), "a/b", "{}"} {
		if store.ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}
