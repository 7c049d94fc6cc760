package recording_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/server/testkit"
)

type turnView struct {
	Number     int
	Speaker    string
	Question   int
	StartMs    int64
	EndMs      int64
	DurationMs int64
	MediaID    string
	URL        string
	Mine       bool
}

type recView struct {
	Turns      []turnView
	ByQuestion []struct {
		Question int
		Turns    []int
	}
	BySpeaker []struct {
		Speaker string
		Turns   []int
	}
	OwnTurnsOnly bool
	CanManage    bool
	DownloadURL  string
}

func (f *fixture) manifest(t *testing.T, c *testkit.Client, path string) recView {
	t.Helper()
	r := f.a.Do(c, "GET", path, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	var v recView
	r.JSON(t, &v)
	return v
}

func (f *fixture) standardSession(t *testing.T) {
	t.Helper()
	f.record(t,
		speech{who: f.host, name: "Helena Host", role: room.Host, question: 0, packets: 50},
		speech{who: f.resident, name: "Rosa Resident", role: room.Speaker, question: 1, packets: 30},
		speech{who: f.member, name: "Maria Member", role: room.Speaker, question: 1, packets: 20})
}

// TestRecordingAccessMatrix: who sees the manifest, the segments (with ranges) and private links, and that
// every refusal reads exactly like an unknown recording.
func TestRecordingAccessMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil) // recording: members (the default)
	f.standardSession(t)
	rec := f.base + "/recording"

	notFound := f.a.Do(nil, "GET", "/api/v1/exchange-days/nosuchday/recording", nil)
	if notFound.Status != 404 {
		t.Fatalf("unknown day: %d", notFound.Status)
	}
	for name, c := range map[string]*testkit.Client{"anonymous": nil, "outsider": f.outsider, "other organisation's member": f.ot} {
		r := f.a.Do(c, "GET", rec, nil)
		if r.Status != 404 || !bytes.Equal(r.Body, notFound.Body) {
			t.Errorf("%s: %d %s (must read like an unknown recording: %s)", name, r.Status, r.Body, notFound.Body)
		}
	}

	m := f.manifest(t, f.member, rec)
	if len(m.Turns) != 3 || m.Turns[0].Speaker != "Helena Host" || m.Turns[1].Speaker != "Rosa Resident" || m.Turns[2].Number != 3 {
		t.Fatalf("member's manifest: %+v", m.Turns)
	}
	if len(m.ByQuestion) != 2 || fmt.Sprint(m.ByQuestion[1].Turns) != "[2 3]" || len(m.BySpeaker) != 3 || m.CanManage {
		t.Fatalf("chapters: %+v %+v", m.ByQuestion, m.BySpeaker)
	}
	for _, tv := range m.Turns {
		if tv.EndMs <= tv.StartMs || tv.DurationMs != tv.EndMs-tv.StartMs || tv.URL != "/api/v1/media/"+tv.MediaID {
			t.Fatalf("turn timing or URL: %+v", tv)
		}
	}
	if !f.manifest(t, f.host, rec).CanManage {
		t.Fatal("the host manages the recording")
	}
	// The resident spoke but is not a member: only their own turn, through a signed URL.
	own := f.manifest(t, f.resident, rec)
	if !own.OwnTurnsOnly || len(own.Turns) != 1 || !own.Turns[0].Mine || !strings.Contains(own.Turns[0].URL, "sig=") {
		t.Fatalf("speaker's view: %+v", own)
	}
	if r := f.a.Do(nil, "GET", own.Turns[0].URL, nil); r.Status != 200 {
		t.Fatalf("speaker's own turn: %d", r.Status)
	}

	// Segments in the media store: members only, with ranges.
	seg := m.Turns[0].URL
	body := f.a.Do(f.member, "GET", seg, nil)
	if body.Status != 200 || body.Header.Get("Content-Type") != "audio/ogg" || !bytes.HasPrefix(body.Body, []byte("OggS")) ||
		body.Header.Get("ETag") == "" || !strings.HasPrefix(body.Header.Get("Cache-Control"), "private") {
		t.Fatalf("member reads a segment: %d %v", body.Status, body.Header)
	}
	size := len(body.Body)
	unknownMedia := f.a.Do(nil, "GET", "/api/v1/media/rec:"+f.day+":99", nil)
	f.a.Run(t, []testkit.Scenario{
		{Name: "range", As: f.member, Method: "GET", Path: seg, Headers: []string{"Range", "bytes=0-3"}, Status: 206, Contains: []string{"OggS"}},
		{Name: "suffix range", As: f.member, Method: "GET", Path: seg, Headers: []string{"Range", "bytes=-10"}, Status: 206},
		{Name: "range past the end", As: f.member, Method: "GET", Path: seg, Headers: []string{"Range", fmt.Sprintf("bytes=%d-", size)}, Status: 416},
		{Name: "malformed range", As: f.member, Method: "GET", Path: seg, Headers: []string{"Range", "bytes=abc"}, Status: 416},
		{Name: "reversed range", As: f.member, Method: "GET", Path: seg, Headers: []string{"Range", "bytes=9-3"}, Status: 416},
		{Name: "anonymous", Method: "GET", Path: seg, Status: 404},
		{Name: "outsider", As: f.outsider, Method: "GET", Path: seg, Status: 404},
		{Name: "other organisation", As: f.ot, Method: "GET", Path: seg, Status: 404},
		{Name: "the resident, for someone else's turn", As: f.resident, Method: "GET", Path: seg, Status: 404},
		{Name: "unknown media id", As: f.member, Method: "GET", Path: "/api/v1/media/rec:" + f.day + ":99", Status: 404},
		{Name: "path trick", As: f.member, Method: "GET", Path: "/api/v1/media/..%2F..%2Frecordings%2F" + f.day + "%2Fseg-0001.ogg", Status: 404},
		{Name: "tampered media signature", Method: "GET", Path: seg + "?exp=9999999999&sig=AAAA", Status: 404},
	})
	if r := f.a.Do(nil, "GET", seg, nil); !bytes.Equal(r.Body, unknownMedia.Body) {
		t.Errorf("a refused segment must read like an unknown file: %s vs %s", r.Body, unknownMedia.Body)
	}

	// Private links.
	f.a.Run(t, []testkit.Scenario{
		{Name: "anonymous asks for a link", Method: "POST", Path: rec + "/links", Status: 401},
		{Name: "outsider asks for a link", As: f.outsider, Method: "POST", Path: rec + "/links", Status: 404},
		{Name: "the speaker who is not a member", As: f.resident, Method: "POST", Path: rec + "/links", Status: 404},
		{Name: "too long a link", As: f.member, Method: "POST", Path: rec + "/links", Body: map[string]int{"hours": 100000}, Status: 400},
	})
	var link struct{ URL, PageURL, DownloadURL string }
	r := f.a.Do(f.member, "POST", rec+"/links", map[string]int{"hours": 24})
	if r.Status != 201 {
		t.Fatalf("member's link: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &link)
	if !strings.HasPrefix(link.PageURL, "/exchange-days/"+f.day+"/recording?link=") {
		t.Fatalf("page link: %q", link.PageURL)
	}
	viaLink := f.manifest(t, nil, link.URL)
	if len(viaLink.Turns) != 3 || !strings.Contains(viaLink.Turns[0].URL, "sig=") {
		t.Fatalf("manifest through the link: %+v", viaLink.Turns)
	}
	signedSeg := viaLink.Turns[0].URL
	if r := f.a.Do(nil, "GET", signedSeg, nil, "Range", "bytes=0-3"); r.Status != 206 {
		t.Fatalf("signed segment: %d %s", r.Status, r.Body)
	}
	u, _ := url.Parse(link.URL)
	tok := u.Query().Get("link")
	tampered := tok[:len(tok)-2] + "AA"
	parts := strings.SplitN(tok, ".", 3)
	longer := parts[0] + "." + fmt.Sprint(time.Now().Add(999*time.Hour).Unix()) + "." + parts[2]
	otherUser := f.outsider.UserID + "." + parts[1] + "." + parts[2]
	for name, p := range map[string]string{"tampered signature": tampered, "extended expiry": longer, "someone else's name": otherUser,
		"garbage": "x", "path trick": "../../etc/passwd"} {
		r := f.a.Do(nil, "GET", rec+"?link="+url.QueryEscape(p), nil)
		if r.Status != 404 || !bytes.Equal(r.Body, notFound.Body) {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	// Expired: the same link a day and a bit later.
	f.a.Recordings.SetClock(func() time.Time { return time.Now().Add(25 * time.Hour) })
	if r := f.a.Do(nil, "GET", link.URL, nil); r.Status != 404 || !bytes.Equal(r.Body, notFound.Body) {
		t.Errorf("expired link: %d %s", r.Status, r.Body)
	}
	f.a.Recordings.SetClock(time.Now)

	// Revocation: host admins only; every link and signed segment URL stops working.
	f.a.Run(t, []testkit.Scenario{
		{Name: "a member cannot revoke", As: f.member, Method: "DELETE", Path: rec + "/links", Status: 403},
		{Name: "an outsider learns nothing", As: f.outsider, Method: "DELETE", Path: rec + "/links", Status: 404},
		{Name: "the host revokes", As: f.host, Method: "DELETE", Path: rec + "/links", Status: 204},
		{Name: "revoked link", Method: "GET", Path: link.URL, Status: 404},
		{Name: "revoked download link", Method: "GET", Path: link.DownloadURL, Status: 404},
		{Name: "revoked signed segment", Method: "GET", Path: signedSeg, Status: 404},
		{Name: "the member still plays with their session", As: f.member, Method: "GET", Path: seg, Status: 200},
	})
	r = f.a.Do(f.member, "POST", rec+"/links", nil)
	r.JSON(t, &link)
	if r := f.a.Do(nil, "GET", link.URL, nil); r.Status != 200 {
		t.Fatalf("a new link after revocation: %d", r.Status)
	}
	// A link stops working when its member leaves the organisation.
	if r := f.a.Do(f.host, "DELETE", "/api/v1/organisations/"+f.org+"/members/"+f.member.UserID, nil); r.Status != 204 {
		t.Fatalf("remove member: %d %s", r.Status, r.Body)
	}
	if r := f.a.Do(nil, "GET", link.URL, nil); r.Status != 404 {
		t.Errorf("link of a former member: %d", r.Status)
	}
}

// TestRecordingVisibilitySettings: a public recording plays for everyone; "none" only for host admins
// (through signed URLs); changing the setting changes the segments' visibility at the next read.
func TestRecordingVisibilitySettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]any{"recordingVisibility": "none"})
	f.standardSession(t)
	rec := f.base + "/recording"
	f.a.Run(t, []testkit.Scenario{
		{Name: "member who spoke: only their turn", As: f.member, Method: "GET", Path: rec, Status: 200,
			Contains: []string{`"ownTurnsOnly":true`, "Maria Member"}, NotContains: []string{"Helena Host", "Rosa Resident"}},
		{Name: "member who did not speak", As: f.outsider, Method: "GET", Path: rec, Status: 404},
		{Name: "moderator, recording kept from members", As: f.moderator, Method: "GET", Path: rec, Status: 404},
		{Name: "member asks for a link", As: f.member, Method: "POST", Path: rec + "/links", Status: 404},
	})
	m := f.manifest(t, f.host, rec)
	if len(m.Turns) != 3 || !strings.Contains(m.Turns[0].URL, "sig=") {
		t.Fatalf("host's manifest of a hidden recording: %+v", m.Turns)
	}
	plain := "/api/v1/media/" + m.Turns[0].MediaID
	root := f.a.Register("root@example.org", "Root")
	if _, err := f.a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	pm := f.manifest(t, root, rec)
	f.a.Run(t, []testkit.Scenario{
		{Name: "a platform admin reads the hidden recording like its host", As: root, Method: "GET", Path: rec, Status: 200,
			Contains: []string{"Helena Host", "Rosa Resident", "Maria Member"}},
		{Name: "and plays a segment", As: root, Method: "GET", Path: pm.Turns[0].URL, Status: 200},
		{Name: "the host through the signed URL", Method: "GET", Path: m.Turns[0].URL, Status: 200},
		{Name: "a member without one", As: f.member, Method: "GET", Path: plain, Status: 404},
		{Name: "make it public", As: f.host, Method: "PATCH", Path: f.base, Body: map[string]string{"recordingVisibility": "public"}, Status: 200},
		{Name: "anonymous reads the manifest", Method: "GET", Path: rec, Status: 200, Contains: []string{"Rosa Resident"}},
		{Name: "anonymous plays a segment", Method: "GET", Path: plain, Status: 200},
	})
}
