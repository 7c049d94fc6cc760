package recording_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/recording"
	"github.com/teixit/teixit/server/testkit"
)

// liveRoom stands in for the live room: it records what the service tells it (the real server/live adapter is
// wired by server/app; its own tests cover the broadcast).
type liveRoom struct {
	mu        sync.Mutex
	announced []recording.KeyPoint
	retracted []string
	started   time.Time
}

func (r *liveRoom) AnnounceKeyPoint(_ string, kp recording.KeyPoint) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.announced = append(r.announced, kp)
}
func (r *liveRoom) RetractKeyPoint(_, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retracted = append(r.retracted, id)
}
func (r *liveRoom) SessionClock(string) (time.Time, bool) { return r.started, !r.started.IsZero() }

func (f *fixture) addKeyPoint(t *testing.T, c *testkit.Client, q int, text string) recording.KeyPoint {
	t.Helper()
	r := f.a.Do(c, "POST", f.base+"/key-points", map[string]any{"question": q, "text": text})
	if r.Status != 201 {
		t.Fatalf("key point: %d %s", r.Status, r.Body)
	}
	var kp recording.KeyPoint
	r.JSON(t, &kp)
	return kp
}

// TestKeyPointsSummaryAndSearch: the rapporteur notes key points live, they become a draft summary per
// guide question linked to moments of the recording, the host edits and publishes it, and search shows it
// (and the key points) to whom it should.
func TestKeyPointsSummaryAndSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil) // summary: public (the default)
	rm := &liveRoom{started: time.Now().Add(-90 * time.Second)}
	f.a.Recordings.SetAnnouncer(rm)
	kp := f.base + "/key-points"
	f.a.Run(t, []testkit.Scenario{
		{Name: "a member cannot choose the rapporteur", As: f.member, Method: "PUT", Path: f.base + "/rapporteur", Body: map[string]string{"userId": f.resident.UserID}, Status: 403},
		{Name: "an outsider cannot be rapporteur", As: f.moderator, Method: "PUT", Path: f.base + "/rapporteur", Body: map[string]string{"userId": f.outsider.UserID}, Status: 400},
		{Name: "the moderator names the resident", As: f.moderator, Method: "PUT", Path: f.base + "/rapporteur", Body: map[string]string{"userId": f.resident.UserID}, Status: 204},
		{Name: "anonymous notes", Method: "POST", Path: kp, Body: map[string]any{"question": 0, "text": "x"}, Status: 401},
		{Name: "a member who is not rapporteur", As: f.member, Method: "POST", Path: kp, Body: map[string]any{"question": 0, "text": "x"}, Status: 403},
		{Name: "no such question", As: f.resident, Method: "POST", Path: kp, Body: map[string]any{"question": 7, "text": "x"}, Status: 400, Contains: []string{`"question"`}},
		{Name: "no question", As: f.resident, Method: "POST", Path: kp, Body: map[string]any{"text": "x"}, Status: 400},
		{Name: "empty text", As: f.resident, Method: "POST", Path: kp, Body: map[string]any{"question": 0, "text": "  "}, Status: 400, Contains: []string{`"text"`}},
		{Name: "not JSON", As: f.resident, Method: "POST", Path: kp, Body: "{", Status: 400},
	})
	// server/live asks this when someone joins the room (the rapporteur gets the "rapporteur" role)
	if !f.a.Recordings.IsRapporteur(t.Context(), f.day, f.resident.UserID) || f.a.Recordings.IsRapporteur(t.Context(), f.day, f.member.UserID) ||
		f.a.Recordings.IsRapporteur(t.Context(), "nope", f.resident.UserID) || f.a.Recordings.IsRapporteur(t.Context(), f.day, "") {
		t.Fatal("IsRapporteur must hold for the named resident only")
	}
	k1 := f.addKeyPoint(t, f.resident, 0, "Els impagaments comencen amb la primera factura de llum")
	k2 := f.addKeyPoint(t, f.moderator, 1, "Una assemblea mensual amb els inquilins redueix els conflictes")
	k3 := f.addKeyPoint(t, f.host, 1, "Nota per esborrar")
	if k1.AtMs < 89000 || k1.AtMs > 120000 || k1.AuthorName != "Rosa Resident" {
		t.Fatalf("key point stamped with the session clock: %+v", k1)
	}
	f.a.Run(t, []testkit.Scenario{
		{Name: "a member cannot remove others' key points", As: f.member, Method: "DELETE", Path: kp + "/" + k3.ID, Status: 403},
		{Name: "the host removes one", As: f.host, Method: "DELETE", Path: kp + "/" + k3.ID, Status: 204},
		{Name: "removing it again", As: f.host, Method: "DELETE", Path: kp + "/" + k3.ID, Status: 404},
		{Name: "participants read them", As: f.resident, Method: "GET", Path: kp, Status: 200, Contains: []string{k1.ID, k2.ID}, NotContains: []string{k3.ID}},
		{Name: "members read them", As: f.member, Method: "GET", Path: kp, Status: 200, Contains: []string{k2.ID}},
		{Name: "outsiders do not", As: f.outsider, Method: "GET", Path: kp, Status: 403},
		{Name: "anonymous does not", Method: "GET", Path: kp, Status: 401},
	})
	if len(rm.announced) != 3 || len(rm.retracted) != 1 || rm.retracted[0] != k3.ID || rm.announced[1].Text != k2.Text {
		t.Fatalf("the room was told: %+v %v", rm.announced, rm.retracted)
	}

	sum := f.base + "/summary"
	f.a.Run(t, []testkit.Scenario{
		{Name: "no summary yet for the public", Method: "GET", Path: sum, Status: 404},
		{Name: "nor for members", As: f.member, Method: "GET", Path: sum, Status: 404},
		{Name: "the host sees the draft", As: f.host, Method: "GET", Path: sum, Status: 200,
			Contains: []string{`"status":"draft"`, "- Els impagaments comencen", `"keyPointId":"` + k1.ID + `"`, `"canEdit":true`}},
		{Name: "a member cannot edit", As: f.member, Method: "PUT", Path: sum, Body: map[string]any{"sections": []map[string]any{{"question": 0, "markdown": "x"}}}, Status: 403},
		{Name: "the moderator cannot edit", As: f.moderator, Method: "PUT", Path: sum, Body: map[string]any{"sections": []map[string]any{{"question": 0, "markdown": "x"}}}, Status: 403},
		{Name: "a bad section", As: f.host, Method: "PUT", Path: sum, Body: map[string]any{"sections": []map[string]any{{"question": 5, "markdown": "x"}}}, Status: 400},
		{Name: "a section twice", As: f.host, Method: "PUT", Path: sum, Body: map[string]any{"sections": []map[string]any{{"question": 0}, {"question": 0}}}, Status: 400},
		{Name: "too long", As: f.host, Method: "PUT", Path: sum, Body: map[string]any{"sections": []map[string]any{{"question": 0, "markdown": strings.Repeat("a", 20001)}}}, Status: 400},
		{Name: "the host edits (sanitised)", As: f.host, Method: "PUT", Path: sum, Status: 200,
			Body: map[string]any{"sections": []map[string]any{{"question": 0, "markdown": "**Impagaments**: detectar-los d'hora. Paraulaclau <script>alert(1)</script> [x](javascript:alert(1))"}}},
			// JSON escapes < and >: the HTML keeps the bold, drops the script and the javascript: link.
			Contains: []string{`"html":"\u003cp\u003e\u003cstrong\u003eImpagaments\u003c/strong\u003e: detectar-los d\u0026#39;hora. Paraulaclau alert(1) x\u003c/p\u003e`,
				"Una assemblea mensual"}},
		{Name: "still a draft for the public", Method: "GET", Path: sum, Status: 404},
		{Name: "a member cannot publish", As: f.member, Method: "POST", Path: sum + "/publish", Status: 403},
		{Name: "the moderator cannot publish", As: f.moderator, Method: "POST", Path: sum + "/publish", Status: 403},
		{Name: "anonymous cannot publish", Method: "POST", Path: sum + "/publish", Status: 401},
		{Name: "the host publishes", As: f.host, Method: "POST", Path: sum + "/publish", Status: 200, Contains: []string{`"status":"published"`}},
		{Name: "anonymous reads it", Method: "GET", Path: sum, Status: 200, Contains: []string{"Paraulaclau", `"canEdit":false`}},
		{Name: "another organisation's member reads it", As: f.ot, Method: "GET", Path: sum, Status: 200},
		{Name: "search: public summary for everyone", Method: "GET", Path: "/api/v1/search?q=Paraulaclau", Status: 200, Contains: []string{"exchange_summary"}},
		{Name: "search: key points only for members", Method: "GET", Path: "/api/v1/search?q=assemblea", Status: 200, NotContains: []string{"key_point"}},
		{Name: "search: not for another organisation", As: f.ot, Method: "GET", Path: "/api/v1/search?q=assemblea", Status: 200, NotContains: []string{"key_point"}},
		{Name: "search: members find key points", As: f.member, Method: "GET", Path: "/api/v1/search?q=assemblea", Status: 200, Contains: []string{"key_point"}},
		{Name: "search: removed key point gone", As: f.host, Method: "GET", Path: "/api/v1/search?q=esborrar", Status: 200, NotContains: []string{"key_point"}},
		{Name: "unknown day", Method: "GET", Path: "/api/v1/exchange-days/nosuchday/summary", Status: 404},
		// Changing a published summary asks the host to republish: readers keep the published text meanwhile.
		{Name: "the host changes the published summary", As: f.host, Method: "PUT", Path: sum, Status: 200,
			Body:     map[string]any{"sections": []map[string]any{{"question": 0, "markdown": "Text nou Repensat"}}},
			Contains: []string{`"status":"published"`, `"review":"edited"`, "Repensat"}},
		{Name: "readers still read the published text", Method: "GET", Path: sum, Status: 200, Contains: []string{"Paraulaclau"},
			NotContains: []string{"Repensat", `"review"`}},
		{Name: "search keeps the published text", Method: "GET", Path: "/api/v1/search?q=Repensat", Status: 200, NotContains: []string{"exchange_summary"}},
		{Name: "the host republishes", As: f.host, Method: "POST", Path: sum + "/publish", Status: 200, Contains: []string{"Repensat"}, NotContains: []string{`"review"`}},
		{Name: "readers read the new text", Method: "GET", Path: sum, Status: 200, Contains: []string{"Repensat"}, NotContains: []string{"Paraulaclau"}},
		{Name: "editing back to the published text asks nothing", As: f.host, Method: "PUT", Path: sum, Status: 200,
			Body: map[string]any{"sections": []map[string]any{{"question": 0, "markdown": "Text nou Repensat"}}}, NotContains: []string{`"review"`}},
	})
}

// TestMembersOnlySummary: a summary kept for members is invisible (404, and absent from search) to
// everyone else.
func TestMembersOnlySummary(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]any{"summaryVisibility": "members"})
	f.addKeyPoint(t, f.host, 0, "Cal un protocol Ximpleria per als impagaments")
	sum := f.base + "/summary"
	f.a.Run(t, []testkit.Scenario{
		{Name: "the host publishes", As: f.host, Method: "POST", Path: sum + "/publish", Status: 200, Contains: []string{"Ximpleria"}},
		{Name: "anonymous", Method: "GET", Path: sum, Status: 404},
		{Name: "registered resident", As: f.resident, Method: "GET", Path: sum, Status: 404},
		{Name: "other organisation", As: f.ot, Method: "GET", Path: sum, Status: 404},
		{Name: "member", As: f.member, Method: "GET", Path: sum, Status: 200, Contains: []string{"Ximpleria"}},
		{Name: "search, anonymous", Method: "GET", Path: "/api/v1/search?q=Ximpleria", Status: 200, NotContains: []string{"exchange_summary"}},
		{Name: "search, other organisation", As: f.ot, Method: "GET", Path: "/api/v1/search?q=Ximpleria", Status: 200, NotContains: []string{"exchange_summary"}},
		{Name: "search, member", As: f.member, Method: "GET", Path: "/api/v1/search?q=Ximpleria", Status: 200, Contains: []string{"exchange_summary"}},
		{Name: "the host makes summaries public", As: f.host, Method: "PATCH", Path: f.base, Body: map[string]string{"summaryVisibility": "public"}, Status: 200},
		{Name: "read at once", Method: "GET", Path: sum, Status: 200, Contains: []string{"Ximpleria"}},
	})
	// Search follows after the maintenance pass re-announces the summary.
	if _, err := f.a.Recordings.Maintain(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.a.Run(t, []testkit.Scenario{
		{Name: "search, anonymous, once public", Method: "GET", Path: "/api/v1/search?q=Ximpleria", Status: 200, Contains: []string{"exchange_summary"}},
	})
}

// Comments on a published summary: read where the summary is read, written by signed-in readers, moderated by
// the host; none before it is published.
func TestSummaryComments(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]any{"summaryVisibility": "members"})
	f.addKeyPoint(t, f.host, 0, "Cal un protocol per als impagaments")
	comments := f.base + "/summary/comments"
	f.a.Run(t, []testkit.Scenario{
		{Name: "no comments on a draft", As: f.member, Method: "POST", Path: comments, Body: map[string]string{"text": "Massa aviat"}, Status: 404},
		{Name: "the host publishes", As: f.host, Method: "POST", Path: f.base + "/summary/publish", Status: 200},
		{Name: "a member comments", As: f.member, Method: "POST", Path: comments, Body: map[string]string{"text": "Gràcies pel resum Papallona"}, Status: 201},
		{Name: "members read it", As: f.host, Method: "GET", Path: comments, Status: 200, Contains: []string{"Papallona"}},
		{Name: "anonymous: the summary is for members", Method: "GET", Path: comments, Status: 404},
		{Name: "another organisation cannot comment", As: f.ot, Method: "POST", Path: comments, Body: map[string]string{"text": "Hola"}, Status: 404},
		{Name: "empty comment", As: f.member, Method: "POST", Path: comments, Body: map[string]string{"text": "  "}, Status: 400},
		{Name: "the host makes the summary public", As: f.host, Method: "PATCH", Path: f.base, Body: map[string]string{"summaryVisibility": "public"}, Status: 200},
		// Written for members, a comment stays theirs when the summary goes public; new ones are public.
		{Name: "a new comment on the public summary", As: f.member, Method: "POST", Path: comments, Body: map[string]string{"text": "Ara per a tothom Marieta"}, Status: 201},
		{Name: "anonymous reads the public one only", Method: "GET", Path: comments, Status: 200, Contains: []string{"Marieta"}, NotContains: []string{"Papallona"}},
		{Name: "members read both", As: f.host, Method: "GET", Path: comments, Status: 200, Contains: []string{"Marieta", "Papallona"}},
		{Name: "anonymous cannot write", Method: "POST", Path: comments, Body: map[string]string{"text": "Hola"}, Status: 401},
	})
}
