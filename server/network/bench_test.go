package network_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/testkit"
)

// BenchmarkNetworkPage: GET /territories/{id}/network of a neighbourhood with 500 actors and 2,000
// relations (written with insertMany, then a full read-model rebuild), as an anonymous reader.
// go test -run XXX -bench NetworkPage -benchtime=30x ./server/network/
func BenchmarkNetworkPage(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	seedNetwork(b, w, 500, 4)
	start := time.Now()
	if err := w.a.ReadModel.Rebuild(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("index rebuild of 500 actors and 2,000 relations: %v", time.Since(start).Round(time.Millisecond))
	path := "/api/v1/territories/" + w.barri + "/network"
	r := w.a.Do(nil, "GET", path, nil)
	var g struct {
		Actors, Relations []any
	}
	r.JSON(b, &g)
	if len(g.Actors) != 500 || len(g.Relations) != 2000 {
		b.Fatalf("%d actors, %d relations", len(g.Actors), len(g.Relations))
	}
	b.Logf("response: %d KB of JSON", len(r.Body)/1024)
	var l testkit.Latencies
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Time(func() {
			if r := w.a.Do(nil, "GET", path, nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		})
	}
	l.Report(b)
}

// seedNetwork writes n published actors in el Raval and perActor confirmed relations from each (to the
// actors 18, 70, 156, 276… places further round, so no pair repeats below n = 500 with four each), straight
// into the store with insertMany — the read model does not see them until a rebuild. It returns the ids.
func seedNetwork(tb testing.TB, w *world, n, perActor int) []string {
	tb.Helper()
	ctx := context.Background()
	kinds := []string{"association", "school", "parish", "health_centre", "informal_group"}
	themes := []string{"housing", "health", "culture", "coexistence", "employment"}
	types := []string{"collaborates", "refers", "funds", "shares_space"}
	now := time.Now().UTC()
	var actors []any
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench%05d", i)
		actors = append(actors, map[string]any{"_id": ids[i], "rev": 1, "name": fmt.Sprintf("Actor %04d", i), "kind": kinds[i%len(kinds)],
			"themes": []string{themes[i%len(themes)]}, "territories": []string{w.barri}, "lineage": []string{w.city, w.barri},
			"point":   map[string]float64{"lat": 41.37 + float64(i%25)*0.0004, "lon": 2.16 + float64(i/25)*0.0004},
			"contact": map[string]any{"public": false}, "stewardOrgId": w.assoc, "status": "published", "createdAt": now, "updatedAt": now})
	}
	var rels []any
	for i := range ids {
		for j := 0; j < perActor; j++ {
			typ := types[j%len(types)]
			off := (j+1)*(j+1)*17 + j + 1
			from, to := ids[i], ids[(i+off)%len(ids)]
			rels = append(rels, map[string]any{"_id": network.RelationID(from, typ, to), "rev": 1, "from": from, "to": to, "type": typ,
				"since": "2024", "source": "bench", "status": "confirmed", "proposerActor": from, "proposerOrg": w.assoc,
				"createdAt": now, "updatedAt": now})
		}
	}
	if _, err := w.a.Store.C("network_actors").InsertMany(ctx, actors); err != nil {
		tb.Fatal(err)
	}
	if _, err := w.a.Store.C("network_relations").InsertMany(ctx, rels); err != nil {
		tb.Fatal(err)
	}
	return ids
}

// BenchmarkAddActorsConcurrent: an organisation's professional adds actors to a neighbourhood from 8
// connections at once (as a browser test loading a territory's 2,000 actors does): each write is announced in
// the outbox and waited for in the local index (read-your-writes) before its answer.
// go test -run XXX -bench AddActorsConcurrent -benchtime=400x ./server/network/
func BenchmarkAddActorsConcurrent(b *testing.B) {
	w := newWorld(b)
	var n atomic.Int64
	var l testkit.Latencies
	b.SetParallelism(4) // 8 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			l.Time(func() {
				if r := w.a.Do(w.bea, "POST", "/api/v1/actors", map[string]any{"organisationId": w.assoc, "name": fmt.Sprintf("Entitat %04d", i),
					"kind": "association", "themes": []string{"coexistence"}, "territories": []string{w.barri}}); r.Status != 201 {
					b.Errorf("add actor: %d %s", r.Status, r.Body)
				}
			})
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actors/s")
	l.Report(b)
}
