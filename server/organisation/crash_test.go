package organisation_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/testkit"
)

// TestLeftoverMembershipDoesNotBlockDeletion: older versions wrote the admin membership (and the person's
// list) before the organisation, so a crash between them left a membership of an organisation that never
// existed, and deleting that account answered 500 for ever. Such leftovers no longer block anything.
func TestLeftoverMembershipDoesNotBlockDeletion(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	ctx := context.Background()
	ghost := "ghostorganisation"
	if _, err := a.Store.C("memberships").InsertOne(ctx, bson.M{"_id": ghost + ":" + ana.UserID, "orgId": ghost,
		"userId": ana.UserID, "role": "admin", "joinedAt": time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.C("users").UpdateOne(ctx, bson.M{"_id": ana.UserID}, bson.M{"$push": bson.M{"orgIds": ghost}}); err != nil {
		t.Fatal(err)
	}
	// Creating an organisation still works, and writes it first.
	if r := a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal del barri", "kind": "association"}); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var orgs []bson.M
	cur, err := a.Store.C("organisations").Find(ctx, bson.M{})
	if err != nil || cur.All(ctx, &orgs) != nil || len(orgs) != 1 {
		t.Fatalf("organisations: %v %v", orgs, err)
	}
	// Deleting the account is refused only for the real organisation's last admin, never with a 500.
	if r := a.Do(ana, "DELETE", "/api/v1/me", nil); r.Status != 409 {
		t.Fatalf("delete while last admin of a real organisation: %d %s", r.Status, r.Body)
	}
	if _, err := a.Store.C("organisations").DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if r := a.Do(ana, "DELETE", "/api/v1/me", nil); r.Status != 204 {
		t.Fatalf("delete with leftover memberships: %d %s", r.Status, r.Body)
	}
}
