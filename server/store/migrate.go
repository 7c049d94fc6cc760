package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Migration is one ordered, idempotent step of schema setup. Its Name is recorded once it has run; a
// migration must be safe to run again if the process died before the record was written.
type Migration struct {
	Name string
	Up   func(ctx context.Context, s *Store) error
}

type migrationRecord struct {
	ID    string    `bson:"_id"`
	RanAt time.Time `bson:"ranAt"`
}

// Migrate runs, in order, the migrations not yet recorded, then (on the embedded store) makes sure every
// collection has the SQLite `_id` expression index. Several processes may start at once: a migration that
// runs twice is harmless because each is idempotent.
func (s *Store) Migrate(ctx context.Context, ms []Migration) error {
	if err := s.CreateCollections(ctx, "migrations", "counters", colRevisions); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.Name] {
			return fmt.Errorf("store: migration %q listed twice", m.Name)
		}
		seen[m.Name] = true
		err := s.C("migrations").FindOne(ctx, bson.M{"_id": m.Name}).Err()
		if err == nil {
			continue
		}
		if err != mongo.ErrNoDocuments {
			return Wrap("store: read migration "+m.Name, err)
		}
		s.log.Info("running migration", "name", m.Name)
		if err := m.Up(ctx, s); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
		_, err = s.C("migrations").UpdateOne(ctx, bson.M{"_id": m.Name},
			bson.M{"$set": bson.M{"ranAt": time.Now().UTC()}}, options.Update().SetUpsert(true))
		if err != nil {
			return Wrap("store: record migration "+m.Name, err)
		}
	}
	if s.embedded != nil {
		if err := s.EnsureIDIndexes(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Migrations lists the names of the migrations already applied, in name order.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	recs, err := Find[migrationRecord](ctx, s, "migrations", nil, options.Find().SetSort(bson.M{"_id": 1}))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(recs))
	for i, r := range recs {
		names[i] = r.ID
	}
	return names, nil
}

// CreateCollections creates the named collections if they do not exist. Collections must exist before the
// embedded store's `_id` indexes can be built on them, so every collection is created by a migration.
func (s *Store) CreateCollections(ctx context.Context, names ...string) error {
	existing, err := s.DB.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return Wrap("store: list collections", err)
	}
	have := map[string]bool{}
	for _, n := range existing {
		have[n] = true
	}
	for _, n := range names {
		if have[n] {
			continue
		}
		if err := s.DB.CreateCollection(ctx, n); err != nil {
			var ce mongo.CommandError
			if ok := asCommandError(err, &ce); ok && ce.Name == "NamespaceExists" {
				continue
			}
			return Wrap("store: create collection "+n, err)
		}
	}
	return nil
}

// Index describes a secondary index: Keys in order (a "-" prefix means descending).
type Index struct {
	Collection string
	Name       string
	Keys       []string
	Unique     bool
	Sparse     bool
}

// CreateIndexes creates the given indexes; creating an existing identical index is a no-op.
func (s *Store) CreateIndexes(ctx context.Context, idx ...Index) error {
	for _, ix := range idx {
		keys := bson.D{}
		for _, k := range ix.Keys {
			dir := 1
			if len(k) > 0 && k[0] == '-' {
				dir, k = -1, k[1:]
			}
			keys = append(keys, bson.E{Key: k, Value: dir})
		}
		o := options.Index().SetName(ix.Name)
		if ix.Unique {
			o.SetUnique(true)
		}
		if ix.Sparse {
			o.SetSparse(true)
		}
		if _, err := s.C(ix.Collection).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: keys, Options: o}); err != nil {
			return Wrap(fmt.Sprintf("store: create index %s.%s", ix.Collection, ix.Name), err)
		}
	}
	return nil
}
