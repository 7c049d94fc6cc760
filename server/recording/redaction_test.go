package recording_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/server/testkit"
)

// TestRedactions: a speaker asks to remove their own turn (not others'), the host confirms, and the turn
// leaves the manifest, the media store, the download and search (with the key point noted meanwhile).
func TestRedactions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	dir := filepath.Join(f.a.Config.DataDir, "recordings", f.day)
	f.standardSession(t)
	rec, red := f.base+"/recording", f.base+"/recording/redactions"
	before := f.manifest(t, f.member, rec)
	hostTurn, residentTurn := before.Turns[0], before.Turns[1]

	// A key point noted while the resident spoke, and one outside any turn.
	m, err := recorder.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	during := m.Turns[1].StartedAt.Add(m.Turns[1].EndedAt.Sub(m.Turns[1].StartedAt) / 2)
	f.a.Recordings.SetClock(func() time.Time { return during })
	k := f.addKeyPoint(t, f.host, 1, "La Rosa explica el cas Trencaclosques del seu bloc")
	// Stamped through server/live's SessionClock (wired by server/app): the recording's start.
	if want := during.Sub(m.Started).Milliseconds(); k.AtMs != want {
		t.Fatalf("key point at %d ms, want %d (the recording's clock)", k.AtMs, want)
	}
	f.a.Recordings.SetClock(func() time.Time { return m.Turns[2].EndedAt.Add(time.Minute) })
	f.addKeyPoint(t, f.host, 1, "Conclusió Rodamon sobre els inquilins")
	f.a.Recordings.SetClock(time.Now)
	if r := f.a.Do(f.host, "POST", f.base+"/summary/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}

	// The summary links the key point to the moment and the turn being spoken then.
	f.a.Run(t, []testkit.Scenario{{Name: "moment in turn 2", Method: "GET", Path: f.base + "/summary", Status: 200,
		Contains: []string{`"turn":2,"url":"/exchange-days/` + f.day + `/recording?t=`}}})
	var req struct{ ID, Status string }
	f.a.Run(t, []testkit.Scenario{
		{Name: "anonymous", Method: "POST", Path: red, Body: map[string]any{"turns": []int{2}}, Status: 401},
		{Name: "someone else's turn", As: f.resident, Method: "POST", Path: red, Body: map[string]any{"turns": []int{1}}, Status: 403},
		{Name: "own and someone else's", As: f.resident, Method: "POST", Path: red, Body: map[string]any{"turns": []int{2, 3}}, Status: 403},
		{Name: "a member, someone else's turn", As: f.member, Method: "POST", Path: red, Body: map[string]any{"turns": []int{1}}, Status: 403},
		{Name: "a member, a turn that does not exist", As: f.member, Method: "POST", Path: red, Body: map[string]any{"turns": []int{42}}, Status: 400},
		{Name: "no turns", As: f.resident, Method: "POST", Path: red, Body: map[string]any{"turns": []int{}}, Status: 400},
		{Name: "an outsider learns nothing", As: f.outsider, Method: "POST", Path: red, Body: map[string]any{"turns": []int{1}}, Status: 404},
	})
	r := f.a.Do(f.resident, "POST", red, map[string]any{"turns": []int{residentTurn.Number}})
	if r.Status != 201 {
		t.Fatalf("own turn: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &req)
	if req.Status != "pending" {
		t.Fatalf("request: %+v", req)
	}
	signed := f.manifest(t, f.resident, rec).Turns[0].URL
	f.a.Run(t, []testkit.Scenario{
		{Name: "pending: still listed", As: f.member, Method: "GET", Path: rec, Status: 200, Contains: []string{"Rosa Resident"}},
		{Name: "the speaker sees their request", As: f.resident, Method: "GET", Path: red, Status: 200, Contains: []string{req.ID, `"userName":"Rosa Resident"`}},
		{Name: "an outsider lists nothing", As: f.outsider, Method: "GET", Path: red, Status: 200, NotContains: []string{req.ID, "Rosa"}},
		{Name: "a member does not see it", As: f.member, Method: "GET", Path: red, Status: 200, NotContains: []string{req.ID}},
		{Name: "the speaker cannot confirm", As: f.resident, Method: "POST", Path: red + "/" + req.ID + "/confirm", Status: 403},
		{Name: "the moderator cannot confirm", As: f.moderator, Method: "POST", Path: red + "/" + req.ID + "/confirm", Status: 403},
		{Name: "unknown request", As: f.host, Method: "POST", Path: red + "/nope/confirm", Status: 404},
		{Name: "search finds the key point before", As: f.member, Method: "GET", Path: "/api/v1/search?q=Trencaclosques", Status: 200, Contains: []string{"key_point"}},
		{Name: "the host confirms", As: f.host, Method: "POST", Path: red + "/" + req.ID + "/confirm", Status: 200, Contains: []string{`"status":"confirmed"`}},
		{Name: "confirming twice is harmless", As: f.host, Method: "POST", Path: red + "/" + req.ID + "/confirm", Status: 200},
		{Name: "gone from the manifest", As: f.member, Method: "GET", Path: rec, Status: 200, NotContains: []string{"Rosa Resident"}, Contains: []string{"Maria Member"}},
		{Name: "the speaker no longer has turns there", As: f.resident, Method: "GET", Path: rec, Status: 404},
		{Name: "the host still reads whose turns and which", As: f.host, Method: "GET", Path: red, Status: 200,
			Contains: []string{`"userName":"Rosa Resident"`, `"turnDetails":[{"number":2,"speaker":"Rosa Resident","question":1,"startMs":` +
				fmt.Sprint(residentTurn.StartMs) + `,"durationMs":` + fmt.Sprint(residentTurn.DurationMs) + `}]`}},
		{Name: "gone from the media store", As: f.member, Method: "GET", Path: residentTurn.URL, Status: 404},
		{Name: "its signed URL too", Method: "GET", Path: signed, Status: 404},
		{Name: "others' turns still play", As: f.member, Method: "GET", Path: hostTurn.URL, Status: 200},
		{Name: "gone from the key points", As: f.member, Method: "GET", Path: f.base + "/key-points", Status: 200, NotContains: []string{"Trencaclosques"}, Contains: []string{"Rodamon"}},
		{Name: "gone from search", As: f.member, Method: "GET", Path: "/api/v1/search?q=Trencaclosques", Status: 200, NotContains: []string{"key_point", "exchange_summary"}},
		{Name: "the rest still in search", As: f.member, Method: "GET", Path: "/api/v1/search?q=Rodamon", Status: 200, Contains: []string{"key_point"}},
		{Name: "gone from the summary", Method: "GET", Path: f.base + "/summary", Status: 200, NotContains: []string{"Trencaclosques"}},
		{Name: "the host is asked to look at the published summary again", As: f.host, Method: "GET", Path: f.base + "/summary", Status: 200,
			Contains: []string{`"review":"removal"`}, NotContains: []string{"Trencaclosques"}},
		{Name: "the host removes any turn at once", As: f.host, Method: "POST", Path: red, Body: map[string]any{"turns": []int{hostTurn.Number}}, Status: 201, Contains: []string{`"status":"confirmed"`}},
	})
	if _, err := os.Stat(filepath.Join(dir, "seg-0002.ogg")); !os.IsNotExist(err) {
		t.Errorf("the redacted segment file is still on disk: %v", err)
	}
	f.a.Recordings.SetFFmpeg("off")
	r = f.a.Do(f.member, "GET", rec+"/download", nil)
	if serials, _ := oggLinks(t, r.Body); r.Status != 200 || len(serials) != 1 {
		t.Fatalf("download after redactions: %d, %d links", r.Status, len(serials))
	}
}

// TestPersonalData: the export lists a person's recorded turns, key points and removal requests; deleting
// the account keeps the key points' text without their author and clears them as rapporteur.
func TestPersonalData(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.standardSession(t)
	if r := f.a.Do(f.host, "PUT", f.base+"/rapporteur", map[string]string{"userId": f.resident.UserID}); r.Status != 204 {
		t.Fatalf("rapporteur: %d %s", r.Status, r.Body)
	}
	f.addKeyPoint(t, f.resident, 0, "Nota de la relatora Esquirol")
	if r := f.a.Do(f.resident, "POST", f.base+"/recording/redactions", map[string]any{"turns": []int{2}}); r.Status != 201 {
		t.Fatalf("redaction: %d %s", r.Status, r.Body)
	}
	f.a.Run(t, []testkit.Scenario{
		{Name: "export", As: f.resident, Method: "GET", Path: "/api/v1/me/export", Status: 200,
			Contains: []string{`"recordings"`, "Esquirol", `"recordedTurns":[{"dayId":"` + f.day + `","number":2`, `"redactionRequests":[{`}},
		{Name: "the host reads who asked", As: f.host, Method: "GET", Path: f.base + "/recording/redactions", Status: 200, Contains: []string{`"userName":"Rosa Resident"`}},
		{Name: "delete the account", As: f.resident, Method: "DELETE", Path: "/api/v1/me", Status: 204},
		{Name: "the request keeps no requester name", As: f.host, Method: "GET", Path: f.base + "/recording/redactions", Status: 200, Contains: []string{`"userName":""`}},
		{Name: "the key point stays, without its author", As: f.member, Method: "GET", Path: f.base + "/key-points", Status: 200,
			Contains: []string{"Esquirol", `"author":""`}, NotContains: []string{"Rosa Resident", f.resident.UserID}},
	})
}
