package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
	"github.com/teixit/teixit/server/testkit/postgres"
)

// TestFerretDBOnPostgreSQLUsesIDIndex runs `teixit ferretdb`'s engine on a real PostgreSQL and checks that a
// find by `_id` through the driver is answered from the GIN expression index the keeper created, on a
// collection created after FerretDB started (as every test database and new collection is).
func TestFerretDBOnPostgreSQLUsesIDIndex(t *testing.T) {
	t.Parallel()
	pg := postgres.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	uri := pg.FerretDB(t, "teixit")
	s, err := store.Open(ctx, store.Options{URI: uri, Database: "things_db", Logger: testkit.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	docs := make([]any, 3000)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("id%05d", i), "n": i, "text": strings.Repeat("x", 200)}
	}
	if _, err := s.C("things").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}

	keeper, err := store.NewPGIDIndexes(ctx, mustCustom(t, pg.URL("teixit")), testkit.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer keeper.Close()
	conn, err := pgx.Connect(ctx, pg.URL("teixit"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var plan string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := conn.Exec(ctx, `ANALYZE`); err != nil {
			t.Fatal(err)
		}
		if plan, err = keeper.ExplainIDLookup(ctx, "things_db", "things"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plan, "teixit_id_") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(plan, "teixit_id_") {
		var idx []string
		rows, _ := conn.Query(ctx, `SELECT indexdef FROM pg_indexes WHERE schemaname = 'things_db'`)
		for rows.Next() {
			var d string
			_ = rows.Scan(&d)
			idx = append(idx, d)
		}
		rows.Close()
		t.Fatalf("the _id filter does not use the GIN index:\n%s\nindexes: %s", plan, strings.Join(idx, "\n"))
	}

	// The real path: the driver's find goes through FerretDB's SQL and increments the index's scan count.
	scans := func() int64 {
		var n int64
		err := conn.QueryRow(ctx, `SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes
			WHERE schemaname = 'things_db' AND indexrelname LIKE 'teixit_id_%'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := scans()
	for i := 0; i < 20; i++ {
		var got bson.M
		if err := s.C("things").FindOne(ctx, bson.M{"_id": fmt.Sprintf("id%05d", i*7)}).Decode(&got); err != nil || got["n"] != int32(i*7) {
			t.Fatalf("find by _id: %v %v", got, err)
		}
	}
	deadline = time.Now().Add(10 * time.Second)
	for scans() < before+20 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if after := scans(); after < before+20 {
		t.Fatalf("20 finds by _id scanned the index %d times", after-before)
	}
	// Missing ids are still answered as missing.
	if err := store.Wrap("find", s.C("things").FindOne(ctx, bson.M{"_id": "nope"}).Err()); !strings.Contains(fmt.Sprint(err), "not found") {
		t.Fatalf("missing _id: %v", err)
	}
}

func TestFerretDBRefusesUnreachablePostgreSQL(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := store.RunFerretDB(ctx, store.FerretDBOptions{PostgreSQLURL: "postgres://nobody@127.0.0.1:1/x", Addr: "127.0.0.1:0",
		Logger: testkit.Quiet()})
	if err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Fatalf("an unreachable PostgreSQL must fail at start, got %v", err)
	}
	for _, bad := range []string{"", "mongodb://x", "postgres://"} {
		if err := store.RunFerretDB(ctx, store.FerretDBOptions{PostgreSQLURL: bad, Addr: "127.0.0.1:0"}); err == nil {
			t.Fatalf("URL %q accepted", bad)
		}
	}
}

func mustCustom(t *testing.T, u string) string {
	t.Helper()
	out, err := store.WithCustomPlans(u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "plan_cache_mode=force_custom_plan") {
		t.Fatalf("custom plans not set: %s", out)
	}
	return out
}

// BenchmarkFindByID compares a find by `_id` on the embedded SQLite store and on FerretDB over PostgreSQL
// (with the keeper's GIN index and custom plans), 10,000 documents of ~300 B, 8 goroutines
// (deploy/README.md, "Capacity").
func BenchmarkFindByID(b *testing.B) {
	ctx := context.Background()
	fill := func(b *testing.B, s *store.Store) {
		docs := make([]any, 10000)
		for i := range docs {
			docs[i] = bson.M{"_id": fmt.Sprintf("id%05d", i), "n": i, "text": strings.Repeat("x", 250)}
		}
		if _, err := s.C("things").InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	find := func(b *testing.B, s *store.Store) {
		b.SetParallelism(4) // × GOMAXPROCS goroutines
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i = (i + 7919) % 10000
				if err := s.C("things").FindOne(ctx, bson.M{"_id": fmt.Sprintf("id%05d", i)}).Err(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.Run("sqlite", func(b *testing.B) {
		s := testkit.Store(b)
		if !s.Embedded() {
			b.Skip("TEIXIT_TEST_MONGODB_URI is set")
		}
		if err := s.Migrate(ctx, []store.Migration{{Name: "things", Up: func(ctx context.Context, s *store.Store) error {
			return s.CreateCollections(ctx, "things")
		}}}); err != nil {
			b.Fatal(err)
		}
		fill(b, s)
		if err := s.EnsureIDIndexes(ctx); err != nil {
			b.Fatal(err)
		}
		find(b, s)
	})
	b.Run("postgresql", func(b *testing.B) {
		pg := postgres.Require(b)
		s, err := store.Open(ctx, store.Options{URI: pg.FerretDB(b, "teixit"), Database: "bench", Logger: testkit.Quiet()})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close(ctx)
		fill(b, s)
		time.Sleep(time.Second) // the keeper indexes the new table
		find(b, s)
	})
}
