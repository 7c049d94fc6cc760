package evaluation_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/testkit"
)

// BenchmarkEvaluationDay is an evaluation day of 300 people in 30 groups adding items at once: the p99 of
// adding an item (service call: edition, participant and group read by `_id`, the group's size from the
// read model, the item written through the outbox and waited for in the local index) with 30 writers at
// a time, and of the organisers' live synthesis page (GET …/synthesis through the HTTP app) once the
// groups have written. The 300 participants and 30 groups are inserted directly (registering 300
// accounts would measure password hashing); everything after that is the real code path.
func BenchmarkEvaluationDay(b *testing.B) {
	const people, groups = 300, 30
	w := newWorld(b, 0)
	w.newEvaluation(b)
	ctx := b.Context()
	now := time.Now().UTC()
	var ps, gs []any
	users := make([]string, people)
	seats := make([]bson.A, groups)
	for i := range users {
		users[i] = fmt.Sprintf("benchuser%05d", i)
		team := []string{"nord", "sud", "est"}[i%3]
		ps = append(ps, bson.M{"_id": w.ed + ":" + users[i], "editionId": w.ed, "userId": users[i], "name": "P", "role": "professional",
			"team": team, "groupId": fmt.Sprintf("%s-g%d", w.ed, i%groups+1), "joinedAt": now})
		seats[i%groups] = append(seats[i%groups], bson.M{"userId": users[i], "name": "P", "role": "professional", "team": team})
	}
	for g := 1; g <= groups; g++ {
		gs = append(gs, bson.M{"_id": fmt.Sprintf("%s-g%d", w.ed, g), "editionId": w.ed, "number": g, "name": fmt.Sprintf("Grup %d", g),
			"members": seats[g-1], "rev": 1, "createdAt": now})
	}
	if _, err := w.a.Store.C("evaluation_groups").InsertMany(ctx, gs); err != nil {
		b.Fatal(err)
	}
	if _, err := w.a.Store.C("evaluation_participants").InsertMany(ctx, ps); err != nil {
		b.Fatal(err)
	}
	if _, err := w.a.Store.C("evaluation_editions").UpdateOne(ctx, bson.M{"_id": w.ed},
		bson.M{"$set": bson.M{"groupsFormed": true, "groups": groups, "phase": "groups"}}); err != nil {
		b.Fatal(err)
	}
	if err := w.a.ReadModel.Rebuild(ctx, nil); err != nil {
		b.Fatal(err)
	}
	areas := []string{w.areaCare, w.areaPap}
	var next atomic.Int64
	add := func() {
		i := int(next.Add(1))
		p := &auth.Principal{UserID: users[i%people]}
		_, err := w.a.Evaluations.AddItem(ctx, p, fmt.Sprintf("%s-g%d", w.ed, i%people%groups+1), evaluation.ItemInput{
			AreaID: areas[i%2], Kind: evaluation.ItemKinds[i%2], Text: fmt.Sprintf("Aportació %d: la paperassa dels ajuts ens treu temps d'atenció", i)})
		if err != nil {
			b.Error(err)
		}
	}
	b.Run("add-item", func(b *testing.B) {
		var l testkit.Latencies
		b.SetParallelism(15) // 30 writers on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Time(add)
			}
		})
		l.Report(b)
	})
	for next.Load() < 900 { // the synthesis is measured over at least three items per person
		add()
	}
	path := w.edPath + "/synthesis"
	if r := w.a.Do(w.olga, "GET", path, nil); r.Status != 200 {
		b.Fatalf("synthesis: %d %s", r.Status, r.Body)
	}
	b.Run("synthesis", func(b *testing.B) {
		testkit.TimeEach(b, func() {
			if r := w.a.Do(w.olga, "GET", path, nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		})
	})
}
