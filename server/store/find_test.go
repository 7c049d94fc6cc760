package store_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

func TestFind(t *testing.T) {
	t.Parallel()
	s := testkit.Store(t)
	ctx := context.Background()
	if err := s.CreateCollections(ctx, "things"); err != nil {
		t.Fatal(err)
	}
	type thing struct {
		ID    string `bson:"_id"`
		Owner string `bson:"owner"`
		N     int    `bson:"n"`
	}
	for _, d := range []thing{{"a", "ana", 3}, {"b", "ana", 1}, {"c", "bo", 2}, {"d", "ana", 2}} {
		if err := s.Insert(ctx, "things", d); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(ts []thing) string {
		var b strings.Builder
		for _, d := range ts {
			b.WriteString(d.ID)
		}
		return b.String()
	}
	byN := options.Find().SetSort(bson.D{{Key: "n", Value: 1}, {Key: "_id", Value: 1}})
	for _, tc := range []struct {
		name   string
		filter any
		opts   []*options.FindOptions
		want   string
	}{
		{"nil filter reads all", nil, []*options.FindOptions{byN}, "bcda"},
		{"filter", bson.M{"owner": "ana"}, []*options.FindOptions{byN}, "bda"},
		{"limit", bson.M{"owner": "ana"}, []*options.FindOptions{options.Find().SetSort(bson.M{"n": -1}).SetLimit(2)}, "ad"},
		{"none", bson.M{"owner": "nobody"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := store.Find[thing](ctx, s, "things", tc.filter, tc.opts...)
			if err != nil || ids(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", ids(got), err, tc.want)
			}
			if tc.want == "" && got != nil {
				t.Fatalf("no match must be a nil slice, got %#v", got)
			}
		})
	}
	t.Run("projection", func(t *testing.T) {
		got, err := store.Find[thing](ctx, s, "things", bson.M{"_id": "c"}, options.Find().SetProjection(bson.M{"owner": 0}))
		if err != nil || len(got) != 1 || got[0] != (thing{ID: "c", N: 2}) {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("errors name the collection", func(t *testing.T) {
		// A document that does not decode into T fails the read, not just that document.
		_, err := store.Find[struct {
			Owner int `bson:"owner"`
		}](ctx, s, "things", nil)
		if err == nil || !strings.HasPrefix(err.Error(), "things: find: ") {
			t.Fatalf("decode error: %v", err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := store.Find[thing](cancelled, s, "things", nil); err == nil || !strings.HasPrefix(err.Error(), "things: find: ") {
			t.Fatalf("cancelled read: %v", err)
		}
	})
}
