package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/testkit"
)

func TestFollowAndNotify(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana, cai := a.Register("ana@example.org", "Ana"), a.Register("cai@example.org", "Cai")
	var org, pr struct{ ID string }
	a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Centre A", "kind": "services_centre"}).JSON(t, &org)
	practice := func(title string) map[string]any {
		return map[string]any{"title": title, "summary": "Resum", "problem": "Problema", "results": "Resultats", "contact": "a@example.org",
			"context": map[string]any{"organisationId": org.ID, "targetPopulation": "Persones"}, "themes": []string{"housing"},
			"steps": []map[string]string{{"title": "Pas"}}, "evaluation": map[string]any{"summary": "Avaluació"}, "language": "ca"}
	}
	a.Do(ana, "POST", "/api/v1/practices", practice("Primera")).JSON(t, &pr)
	a.Run(t, []testkit.Scenario{
		{Name: "anonymous", Method: "GET", Path: "/api/v1/notifications", Status: 401},
		{Name: "a draft cannot be followed by outsiders", As: cai, Method: "POST", Path: "/api/v1/follows",
			Body: map[string]string{"kind": "practice", "target": pr.ID}, Status: 404},
		{Name: "publish", As: ana, Method: "POST", Path: "/api/v1/practices/" + pr.ID + "/publish", Status: 200},
		{Name: "follow the practice", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "practice", "target": pr.ID}, Status: 201},
		{Name: "follow again is harmless", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "practice", "target": pr.ID}, Status: 201},
		{Name: "follow a theme", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "theme", "target": "housing"}, Status: 201},
		{Name: "follow the organisation", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "organisation", "target": org.ID}, Status: 201},
		{Name: "unknown theme", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "theme", "target": "weather"}, Status: 400},
		{Name: "unknown kind", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "person", "target": "x"}, Status: 400,
			Contains: []string{`"kind":{"code":"one_of","params":{"values":["diagnosis","organisation","practice","theme"]}}`}},
		{Name: "unknown practice", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "practice", "target": "nope"}, Status: 404},
		{Name: "bad target", As: cai, Method: "POST", Path: "/api/v1/follows", Body: map[string]string{"kind": "practice", "target": "$where"}, Status: 400},
		{Name: "wrong type", As: cai, Method: "POST", Path: "/api/v1/follows", Body: `{"kind": 1}`, Status: 400},
		{Name: "my follows", As: cai, Method: "GET", Path: "/api/v1/follows", Status: 200, Contains: []string{`"target":"housing"`, `"target":"` + pr.ID + `"`}},
		{Name: "a new version", As: ana, Method: "PATCH", Path: "/api/v1/practices/" + pr.ID, Body: map[string]string{"results": "Millors resultats"}, Status: 200},
	})
	var second struct{ ID string }
	a.Do(ana, "POST", "/api/v1/practices", practice("Segona")).JSON(t, &second)
	a.Do(ana, "POST", "/api/v1/practices/"+second.ID+"/publish", nil)
	var page notify.Page
	a.Do(cai, "GET", "/api/v1/notifications", nil).JSON(t, &page)
	if page.Unread != 2 || len(page.Items) != 2 || page.Items[0].Kind != "new_practice" || page.Items[1].Kind != "new_version" {
		t.Fatalf("notifications (one per event, deduplicated across follows): %+v", page)
	}
	if page.Items[1].Link != "/practices/"+pr.ID {
		t.Fatalf("link: %+v", page.Items[1])
	}
	a.Run(t, []testkit.Scenario{
		{Name: "the editor is not told of their own edit", As: ana, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{`"items":[]`}},
		{Name: "mark the newest read", As: cai, Method: "POST", Path: "/api/v1/notifications/" + page.Items[0].ID + "/read", Status: 204},
		{Name: "unread first", As: cai, Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Contains: []string{`"items":[{"id":"` + page.Items[1].ID + `"`, `"unread":1`}},
		{Name: "unknown notification", As: cai, Method: "POST", Path: "/api/v1/notifications/nope/read", Status: 404},
		{Name: "read all", As: cai, Method: "POST", Path: "/api/v1/notifications/read-all", Status: 204},
		{Name: "none unread", As: cai, Method: "GET", Path: "/api/v1/notifications", Status: 200, Contains: []string{`"unread":0`}},
		{Name: "bad cursor", As: cai, Method: "GET", Path: "/api/v1/notifications?cursor=x", Status: 400},
		{Name: "unfollow", As: cai, Method: "DELETE", Path: "/api/v1/follows?kind=theme&target=housing", Status: 204},
		{Name: "unfollow again", As: cai, Method: "DELETE", Path: "/api/v1/follows?kind=theme&target=housing", Status: 404},
		{Name: "export", As: cai, Method: "GET", Path: "/api/v1/me/export", Status: 200, Contains: []string{`"follows":{"follows":[`, `"new_version"`}},
	})
}

func TestInboxIsBounded(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	cai := a.Register("cai@example.org", "Cai")
	ctx := context.Background()
	const max = 40 // MaxInbox in production; each delivery rewrites the inbox, so keep the test quick
	a.Notify.SetInboxLimit(max)
	for i := 0; i < max+20; i++ {
		if err := a.Notify.Deliver(ctx, []string{cai.UserID}, notify.Event{Kind: "new_version", Title: fmt.Sprint("n", i), Link: "/x"}); err != nil {
			t.Fatal(err)
		}
	}
	n, cursor := 0, ""
	for {
		var page notify.Page
		a.Do(cai, "GET", "/api/v1/notifications?limit=15&cursor="+cursor, nil).JSON(t, &page)
		if n == 0 && (page.Unread != max || page.Items[0].Title != fmt.Sprint("n", max+19)) {
			t.Fatalf("first page: unread %d, first %q", page.Unread, page.Items[0].Title)
		}
		n += len(page.Items)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if n != max {
		t.Fatalf("kept %d notifications, want %d", n, max)
	}
	// marking read trims the stored inbox to the bound too
	if r := a.Do(cai, "POST", "/api/v1/notifications/read-all", nil); r.Status != 204 {
		t.Fatal(r.Status)
	}
	var doc struct {
		Items []any `bson:"items"`
	}
	if err := a.Store.C("inboxes").FindOne(ctx, bson.M{"_id": cai.UserID}).Decode(&doc); err != nil || len(doc.Items) != max {
		t.Fatalf("stored inbox: %d items, %v", len(doc.Items), err)
	}
	if r := a.Do(cai, "DELETE", "/api/v1/me", nil); r.Status != 204 || !strings.Contains(fmt.Sprint(r.Status), "204") {
		t.Fatalf("delete: %d", r.Status)
	}
}
