package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/testkit"
)

// TestDeliveriesAcrossNodes: 24 notifications for one person delivered at the same moment through three
// nodes (pools of four connections each) while that person marks everything read twice. Every notification
// is in the inbox and its count agrees: with `$push` + `$inc` beside a read-then-rewrite (FerretDB applies
// both as a read then a whole-document write) deliveries went missing or the count drifted.
func TestDeliveriesAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 3)
	cai := nodes[0].Register("cai@example.org", "Cai")
	ctx := context.Background()
	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := nodes[i%3].Notify.Deliver(ctx, []string{cai.UserID}, notify.Event{Kind: "new_version",
				Title: fmt.Sprint("n", i), Link: "/x"}); err != nil {
				t.Error(err)
			}
		}()
	}
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := nodes[i+1].Do(cai, "POST", "/api/v1/notifications/read-all", nil); r.Status != 204 {
				t.Errorf("read all: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	var doc struct {
		Count int `bson:"count"`
		Items []struct {
			Title string `bson:"title"`
		} `bson:"items"`
	}
	if err := nodes[0].Store.C("inboxes").FindOne(ctx, bson.M{"_id": cai.UserID}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	titles := map[string]bool{}
	for _, it := range doc.Items {
		titles[it.Title] = true
	}
	if len(titles) != n || len(doc.Items) != n || doc.Count != n {
		t.Fatalf("inbox: %d items (%d distinct), count %d; want %d", len(doc.Items), len(titles), doc.Count, n)
	}
}
