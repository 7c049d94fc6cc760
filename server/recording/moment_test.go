package recording_test

import (
	"fmt"
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

// recordOverlap records the host's always-on microphone as one long turn (segment 1) with the resident's
// floor turn (segment 2) inside it, as the SFU does, and returns the manifest.
func (f *fixture) recordOverlap(t *testing.T) recorder.Manifest {
	t.Helper()
	dir := filepath.Join(f.a.Config.DataDir, "recordings", f.day)
	rec, err := recorder.New(dir, time.Now().Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rec.SetRecording(true)
	opus := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}}
	open := func(n int, who *testkit.Client, name string, role room.Role) sfu.RTPSink {
		rec.SetConsent(who.UserID, true)
		return rec.OnTrack(sfu.Turn{Number: n, ParticipantID: "p" + who.UserID, UserID: who.UserID, Kind: webrtc.RTPCodecTypeAudio, Start: time.Now()},
			sfu.ParticipantInfo{UserID: who.UserID, DisplayName: name, Role: role}, opus)
	}
	seq := map[sfu.RTPSink]uint16{}
	write := func(s sfu.RTPSink, ssrc uint32, packets int) {
		for i := 0; i < packets; i++ {
			n := seq[s]
			seq[s]++
			p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: n, Timestamp: uint32(n) * 960, SSRC: ssrc},
				Payload: []byte{0xfc, 0xff, 0xfe}}
			if err := s.WriteRTP(p); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
		}
	}
	host := open(1, f.host, "Helena Host", room.Host)
	write(host, 1, 30)
	time.Sleep(30 * time.Millisecond)
	speaker := open(2, f.resident, "Rosa Resident", room.Speaker)
	for i := 0; i < 30; i++ {
		write(host, 1, 1)
		write(speaker, 2, 1)
	}
	if err := speaker.Close(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	write(host, 1, 30)
	if err := host.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := recorder.ReadManifest(dir)
	if err != nil || len(m.Turns) != 2 {
		t.Fatalf("manifest: %v %+v", err, m.Turns)
	}
	return m
}

// TestMomentPointsAtTheFloor: a key point noted while a speaker had the floor links the summary's moment to
// the speaker's turn, not to the host's microphone recorded all along; before and after the speaker's turn it
// is the host's.
func TestMomentPointsAtTheFloor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	m := f.recordOverlap(t)
	f.manifest(t, f.host, f.base+"/recording") // imports the segments
	hostTurn, speakerTurn := m.Turns[0], m.Turns[1]
	if hostTurn.UserID != f.host.UserID || !hostTurn.StartedAt.Before(speakerTurn.StartedAt) || !speakerTurn.EndedAt.Before(*hostTurn.EndedAt) {
		t.Fatalf("the speaker's turn must lie inside the host's: %+v", m.Turns)
	}
	at := func(ts time.Time, text string) {
		f.a.Recordings.SetClock(func() time.Time { return ts })
		f.addKeyPoint(t, f.host, 0, text)
	}
	at(hostTurn.StartedAt.Add(10*time.Millisecond), "Abans Obertura")
	at(speakerTurn.StartedAt.Add(speakerTurn.EndedAt.Sub(speakerTurn.StartedAt)/2), "Durant Floreta")
	at(hostTurn.EndedAt.Add(-10*time.Millisecond), "Despres Tancament")
	f.a.Recordings.SetClock(time.Now)
	var sum struct {
		Sections []struct {
			Moments []struct {
				Text string
				Turn int
			}
		}
	}
	r := f.a.Do(f.host, "GET", f.base+"/summary", nil)
	if r.Status != 200 {
		t.Fatalf("summary: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &sum)
	got := fmt.Sprint(sum.Sections[0].Moments)
	if want := "[{Abans Obertura 1} {Durant Floreta 2} {Despres Tancament 1}]"; got != want {
		t.Fatalf("moments: %s, want %s", got, want)
	}
}
