package comment_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/testkit"
)

type fixture struct {
	a                  *testkit.App
	ana, bea, cai      *testkit.Client
	orgA, practice     string
	practicePath, base string
}

func post(t *testing.T, a *testkit.App, c *testkit.Client, path string, body any) map[string]any {
	t.Helper()
	r := a.Do(c, "POST", path, body)
	if r.Status != 201 && r.Status != 200 {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var out map[string]any
	r.JSON(t, &out)
	return out
}

// newFixture: ana is admin of orgA, which has a draft practice; bea and cai belong to no organisation.
func newFixture(t *testing.T) *fixture {
	a := testkit.NewApp(t)
	f := &fixture{a: a, ana: a.Register("ana@example.org", "Ana"), bea: a.Register("bea@example.org", "Bea"), cai: a.Register("cai@example.org", "Cai")}
	f.orgA = post(t, a, f.ana, "/api/v1/organisations", map[string]string{"name": "Centre A", "kind": "services_centre"})["id"].(string)
	f.practice = post(t, a, f.ana, "/api/v1/practices", map[string]any{
		"title": "Acollida grupal", "summary": "Resum", "problem": "Problema", "results": "Resultats", "contact": "a@example.org",
		"context": map[string]any{"organisationId": f.orgA, "targetPopulation": "Persones nouvingudes"}, "themes": []string{"coexistence"},
		"steps": []map[string]string{{"title": "Pas 1"}}, "evaluation": map[string]any{"summary": "Avaluació"}, "language": "ca"})["id"].(string)
	f.practicePath = "/api/v1/practices/" + f.practice
	f.base = f.practicePath + "/comments"
	return f
}

func TestComments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.a
	a.Run(t, []testkit.Scenario{
		{Name: "outsiders cannot comment on a draft", As: f.bea, Method: "POST", Path: f.base, Body: map[string]string{"text": "hola"}, Status: 404},
		{Name: "a draft takes no comments", As: f.ana, Method: "POST", Path: f.base, Body: map[string]string{"text": "hola"}, Status: 409,
			Contains: []string{`"comments_closed"`}},
		{Name: "publish", As: f.ana, Method: "POST", Path: f.practicePath + "/publish", Status: 200},
		{Name: "anonymous cannot comment", Method: "POST", Path: f.base, Body: map[string]string{"text": "hola"}, Status: 401},
		{Name: "empty text", As: f.bea, Method: "POST", Path: f.base, Body: map[string]string{"text": "  "}, Status: 400},
		{Name: "wrong type", As: f.bea, Method: "POST", Path: f.base, Body: `{"text": 1}`, Status: 400},
		{Name: "unknown field", As: f.bea, Method: "POST", Path: f.base, Body: `{"text": "x", "status": "hidden"}`, Status: 400},
		{Name: "unknown practice", As: f.bea, Method: "POST", Path: "/api/v1/practices/nope/comments", Body: map[string]string{"text": "x"}, Status: 404},
	})
	top := post(t, a, f.bea, f.base, map[string]string{"text": "Molt útil! <script>alert(1)</script> [x](javascript:alert(1))"})
	topID := top["id"].(string)
	html := top["text"].(map[string]any)["html"].(string)
	if strings.Contains(html, "<script") || strings.Contains(html, "javascript:") {
		t.Fatalf("unsafe comment HTML: %s", html)
	}
	reply := post(t, a, f.cai, f.base, map[string]string{"text": "Coincideixo", "parentCommentId": topID})
	replyID := reply["id"].(string)
	a.Run(t, []testkit.Scenario{
		{Name: "reply to a reply", As: f.bea, Method: "POST", Path: f.base, Body: map[string]string{"text": "x", "parentCommentId": replyID}, Status: 400,
			Contains: []string{`"parentCommentId"`}},
		{Name: "reply to an unknown comment", As: f.bea, Method: "POST", Path: f.base, Body: map[string]string{"text": "x", "parentCommentId": "nope"}, Status: 400},
		{Name: "the author is told of the reply", As: f.bea, Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Contains: []string{`"kind":"comment_reply"`, `"link":"/practices/` + f.practice + `"`}},
		{Name: "listed oldest first", Method: "GET", Path: f.base, Status: 200,
			Contains: []string{`"id":"` + topID + `"`, `"parentCommentId":"` + topID + `"`, `"author":{"id":"` + f.bea.UserID + `","name":"Bea"}`}},
		{Name: "replies of one comment", Method: "GET", Path: f.base + "?parentCommentId=" + topID, Status: 200,
			Contains: []string{replyID}, NotContains: []string{`"id":"` + topID + `"`}},
		{Name: "edit by its author", As: f.bea, Method: "PATCH", Path: "/api/v1/comments/" + topID, Body: map[string]string{"text": "Molt útil!"}, Status: 200,
			Contains: []string{`"editedAt":`}},
		{Name: "the list shows the edit at once (its in-memory copy follows the index)", Method: "GET", Path: f.base, Status: 200,
			Contains: []string{`"editedAt":`}, NotContains: []string{"alert(1)"}},
		{Name: "edit by someone else", As: f.cai, Method: "PATCH", Path: "/api/v1/comments/" + topID, Body: map[string]string{"text": "x"}, Status: 403},
		{Name: "report without reason", As: f.cai, Method: "POST", Path: "/api/v1/comments/" + topID + "/report", Body: map[string]string{"reason": ""}, Status: 400},
		{Name: "report", As: f.cai, Method: "POST", Path: "/api/v1/comments/" + topID + "/report", Body: map[string]string{"reason": "spam"}, Status: 200,
			Contains: []string{`"reports":1`}},
		{Name: "reporting twice counts once", As: f.cai, Method: "POST", Path: "/api/v1/comments/" + topID + "/report", Body: map[string]string{"reason": "spam!"}, Status: 200,
			Contains: []string{`"reports":1`}},
		{Name: "moderation by a non-admin", As: f.cai, Method: "POST", Path: "/api/v1/comments/" + topID + "/moderation",
			Body: map[string]string{"action": "hide", "reason": "spam"}, Status: 403},
		{Name: "hiding needs a reason", As: f.ana, Method: "POST", Path: "/api/v1/comments/" + topID + "/moderation",
			Body: map[string]string{"action": "hide"}, Status: 400},
		{Name: "bad action", As: f.ana, Method: "POST", Path: "/api/v1/comments/" + topID + "/moderation",
			Body: map[string]string{"action": "delete", "reason": "x"}, Status: 400},
		{Name: "reported comments, for moderators", As: f.ana, Method: "GET", Path: f.base + "?status=reported", Status: 200,
			Contains: []string{`"id":"` + topID + `"`, `"reportReasons":["spam!"]`}, NotContains: []string{replyID, f.cai.UserID}},
		{Name: "the public list carries no reasons", Method: "GET", Path: f.base, Status: 200, NotContains: []string{"reportReasons"}},
		{Name: "reported comments are not for others", As: f.cai, Method: "GET", Path: f.base + "?status=reported", Status: 403},
		{Name: "unknown status", As: f.ana, Method: "GET", Path: f.base + "?status=deleted", Status: 400},
		{Name: "hide", As: f.ana, Method: "POST", Path: "/api/v1/comments/" + topID + "/moderation",
			Body: map[string]string{"action": "hide", "reason": "spam"}, Status: 200, Contains: []string{`"status":"hidden"`}},
		{Name: "hidden comments leave the list", Method: "GET", Path: f.base, Status: 200, NotContains: []string{`"id":"` + topID + `"`}},
		{Name: "the reporter is told it was reviewed", As: f.cai, Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Contains: []string{`"kind":"comment_report_reviewed"`}},
		{Name: "reviewed, it leaves the reported list", As: f.ana, Method: "GET", Path: f.base + "?status=reported", Status: 200,
			NotContains: []string{`"id":"` + topID + `"`}},
		{Name: "moderators list hidden comments", As: f.ana, Method: "GET", Path: f.base + "?status=hidden", Status: 200,
			Contains: []string{`"id":"` + topID + `"`, `"status":"hidden"`}},
		{Name: "others cannot", Method: "GET", Path: f.base + "?status=hidden", Status: 403},
		{Name: "publish again", As: f.ana, Method: "POST", Path: "/api/v1/comments/" + topID + "/moderation",
			Body: map[string]string{"action": "publish"}, Status: 200, Contains: []string{`"status":"published"`}},
		{Name: "unknown comment", As: f.ana, Method: "PATCH", Path: "/api/v1/comments/nope", Body: map[string]string{"text": "x"}, Status: 404},
		{Name: "comments are searchable", Method: "GET", Path: "/api/v1/search?q=coincideixo", Status: 200, Contains: []string{`"kind":"comment"`, `/practices/` + f.practice}},
	})
	// the edit window closes after 15 minutes
	f.a.Comments.SetClock(func() time.Time { return time.Now().Add(16 * time.Minute) })
	a.Run(t, []testkit.Scenario{
		{Name: "edit after 15 minutes", As: f.bea, Method: "PATCH", Path: "/api/v1/comments/" + topID, Body: map[string]string{"text": "y"}, Status: 409,
			Contains: []string{`"edit_window_closed"`}},
	})
	f.a.Comments.SetClock(time.Now)
	// deleting the account keeps the comments, anonymised
	if r := a.Do(f.cai, "DELETE", "/api/v1/me", nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "the reply stays, anonymised", Method: "GET", Path: f.base, Status: 200,
			Contains: []string{`"id":"` + replyID + `"`, `"author":{"id":"","name":""}`, "Coincideixo"}, NotContains: []string{f.cai.UserID}},
	})
}

// TestManyComments: a practice with 1,000 comments pages as fast as a small one (listed from the index).
func TestManyComments(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes 1,000 comments")
	}
	f := newFixture(t)
	a := f.a
	a.Do(f.ana, "POST", f.practicePath+"/publish", nil)
	// 1,000 comments written straight to the store in one batch, then indexed by a rebuild (through the API
	// each write waits for the index, which is what people want but makes this test take minutes).
	docs := make([]any, 1000)
	at := time.Now().UTC().Add(-time.Hour)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("bulk%04d", i), "rev": 1, "targetKind": "practice", "targetId": f.practice,
			"parentId": "", "authorId": f.bea.UserID, "text": fmt.Sprintf("Comentari %d", i), "status": "published",
			"orgId": f.orgA, "public": true, "link": "/practices/" + f.practice, "reports": bson.A{},
			"createdAt": at.Add(time.Duration(i) * time.Second)}
	}
	ctx := context.Background()
	if _, err := a.Store.C("comments").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if err := a.ReadModel.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	seen, cursor, pages := 0, "", 0
	start := time.Now()
	var slowest time.Duration
	for {
		t0 := time.Now()
		var page struct {
			Items      []struct{ ID string }
			NextCursor string
		}
		a.Do(nil, "GET", f.base+"?limit=100&cursor="+cursor, nil).JSON(t, &page)
		if d := time.Since(t0); d > slowest {
			slowest = d
		}
		seen += len(page.Items)
		pages++
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if seen != 1000 || pages != 10 {
		t.Fatalf("paged %d comments in %d pages", seen, pages)
	}
	t.Logf("1,000 comments in 10 pages: %v total, slowest page %v", time.Since(start), slowest)
}
