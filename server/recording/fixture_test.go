package recording_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
	"github.com/teixit/teixit/server/testkit"
)

// fixture is one exchange day hosted by an organisation, with everyone the access matrix needs.
type fixture struct {
	a                                               *testkit.App
	org, otherOrg, day, base                        string
	host, moderator, member, resident, outsider, ot *testkit.Client
}

func newFixture(t testing.TB, extra map[string]any) *fixture {
	t.Helper()
	a := testkit.NewApp(t)
	f := &fixture{a: a}
	f.host = a.Register("host@example.org", "Helena Host")
	f.moderator = a.Register("mod@example.org", "Marc Moderator")
	f.member = a.Register("member@example.org", "Maria Member")
	f.resident = a.Register("resident@example.org", "Rosa Resident")
	f.outsider = a.Register("outsider@example.org", "Oriol Outsider")
	f.ot = a.Register("other@example.org", "Olga Other")
	var org struct{ ID string }
	a.Do(f.host, "POST", "/api/v1/organisations", map[string]string{"name": "Xarxa d'habitatge", "kind": "housing_entity"}).JSON(t, &org)
	f.org = org.ID
	var other struct{ ID string }
	a.Do(f.ot, "POST", "/api/v1/organisations", map[string]string{"name": "Una altra entitat", "kind": "association"}).JSON(t, &other)
	f.otherOrg = other.ID
	for email, role := range map[string]string{"mod@example.org": "professional", "member@example.org": "member"} {
		a.Join(f.host, f.org, email, role)
	}
	start := time.Now().Add(-30 * time.Minute).Truncate(time.Minute)
	d := map[string]any{"hostOrgId": f.org, "title": "Jornada d'intercanvi sobre habitatge", "description": "Micròfon obert.",
		"startsAt": start, "endsAt": start.Add(2 * time.Hour), "timeZone": "Europe/Madrid",
		"agenda": []map[string]any{{"text": "Com gestioneu els impagaments?"}, {"text": "Relació amb els inquilins"}}}
	for k, v := range extra {
		d[k] = v
	}
	r := a.Do(f.host, "POST", "/api/v1/exchange-days", d)
	if r.Status != 201 {
		t.Fatalf("create day: %d %s", r.Status, r.Body)
	}
	var day struct{ ID string }
	r.JSON(t, &day)
	f.day, f.base = day.ID, "/api/v1/exchange-days/"+day.ID
	if r := a.Do(f.resident, "POST", f.base+"/registration", nil); r.Status != 200 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	return f
}

// speech is one recorded turn: who, which guide question, how many 20 ms packets.
type speech struct {
	who      *testkit.Client
	name     string
	role     room.Role
	question int
	packets  int
}

// record writes the turns with media/recorder's own API into the day's recordings folder, as a live session
// would, and returns the folder.
func (f *fixture) record(t *testing.T, turns ...speech) string {
	t.Helper()
	dir := filepath.Join(f.a.Config.DataDir, "recordings", f.day)
	rec, err := recorder.New(dir, time.Now().Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rec.SetRecording(true)
	opus := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}}
	for i, s := range turns {
		rec.SetConsent(s.who.UserID, true)
		rec.OnQuestion(s.question) // as the SFU does when the host moves on
		sink := rec.OnTrack(sfu.Turn{Number: i + 1, ParticipantID: "p" + s.who.UserID, UserID: s.who.UserID, Question: s.question,
			Kind: webrtc.RTPCodecTypeAudio, Start: time.Now()}, sfu.ParticipantInfo{UserID: s.who.UserID, DisplayName: s.name, Role: s.role}, opus)
		for n := 0; n < s.packets; n++ {
			p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(n), Timestamp: uint32(n) * 960, SSRC: uint32(i + 1)},
				Payload: []byte{0xfc, 0xff, 0xfe}} // an Opus frame (CELT, 20 ms, silence)
			if err := sink.WriteRTP(p); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}
