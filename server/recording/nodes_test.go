package recording_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/media/sfu"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

// TestRecordingServedByAnyNode: a recording made on node A (its recorder folder) is served by node B, which
// never held the room and has no folder for it: the manifest from the store, the segments' bytes and ranges
// from the shared media store (here one folder both nodes mount; S3 in `make test-cluster`), the whole-session
// download, with the same access checks. Stored gives what a node taking the day over seeds its recorder with:
// its next segment number follows every known one, on the same clock.
func TestRecordingServedByAnyNode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.standardSession(t)
	var onA struct {
		Started time.Time
		Turns   []struct {
			Number  int
			MediaID string
			URL     string
			Speaker string
		}
	}
	if r := f.a.Do(f.member, "GET", f.base+"/recording", nil); r.Status != 200 {
		t.Fatalf("recording on A: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &onA)
	}
	b := testkit.NewAppOn(t, testkit.Pooled(t, f.a.Store, 4), func(c *config.Config) {
		dir := t.TempDir()
		if err := os.Symlink(filepath.Join(f.a.Config.DataDir, "media"), filepath.Join(dir, "media")); err != nil {
			t.Fatal(err)
		}
		c.DataDir, c.Secret = dir, f.a.Config.Secret
	})
	if _, err := os.Stat(filepath.Join(b.Config.DataDir, "recordings", f.day)); !os.IsNotExist(err) {
		t.Fatalf("node B has a folder for the day: %v", err)
	}
	r := b.Do(f.member, "GET", f.base+"/recording", nil)
	var onB struct {
		Started time.Time
		Turns   []struct {
			Number  int
			MediaID string
			URL     string
			Speaker string
		}
	}
	if r.Status != 200 {
		t.Fatalf("recording on B: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &onB)
	ja, _ := json.Marshal(onA)
	jb, _ := json.Marshal(onB)
	if len(onA.Turns) != 3 || !bytes.Equal(ja, jb) {
		t.Fatalf("A and B disagree:\nA %s\nB %s", ja, jb)
	}
	for _, turn := range onB.Turns {
		ra, rb := f.a.Do(f.member, "GET", turn.URL, nil), b.Do(f.member, "GET", turn.URL, nil)
		if ra.Status != 200 || rb.Status != 200 || !bytes.Equal(ra.Body, rb.Body) || !bytes.HasPrefix(rb.Body, []byte("OggS")) {
			t.Fatalf("segment %d: A %d, B %d (%d/%d bytes)", turn.Number, ra.Status, rb.Status, len(ra.Body), len(rb.Body))
		}
		if rr := b.Do(f.member, "GET", turn.URL, nil, "Range", "bytes=4-19"); rr.Status != 206 || !bytes.Equal(rr.Body, ra.Body[4:20]) {
			t.Fatalf("range of segment %d on B: %d %q", turn.Number, rr.Status, rr.Body)
		}
		for name, c := range map[string]*testkit.Client{"anonymous": nil, "outsider": f.outsider, "other organisation": f.ot} {
			if r := b.Do(c, "GET", turn.URL, nil); r.Status != 404 {
				t.Errorf("%s reads segment %d on B: %d", name, turn.Number, r.Status)
			}
		}
	}
	for name, c := range map[string]*testkit.Client{"anonymous": nil, "outsider": f.outsider, "other organisation": f.ot} {
		if r := b.Do(c, "GET", f.base+"/recording", nil); r.Status != 404 {
			t.Errorf("%s reads the recording on B: %d", name, r.Status)
		}
	}
	b.Recordings.SetFFmpeg("off")
	dl := b.Do(f.member, "GET", f.base+"/recording/download", nil)
	if dl.Status != 200 || dl.Header.Get("X-Teixit-Download") != "chained-ogg" {
		t.Fatalf("download on B: %d %v", dl.Status, dl.Header)
	}
	if serials, _ := oggLinks(t, dl.Body); len(serials) != 3 {
		t.Fatalf("download on B has %d links, want 3", len(serials))
	}

	// A node taking the day over seeds its recorder with the stored recording: numbering and clock continue.
	m, ok := b.Recordings.Stored(context.Background(), f.day)
	if !ok || !m.Started.Equal(onA.Started) {
		t.Fatalf("stored recording: ok=%v started %v, want %v", ok, m.Started, onA.Started)
	}
	dir := filepath.Join(b.Config.DataDir, "recordings", f.day)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, recorder.ManifestName), js, 0o640); err != nil {
		t.Fatal(err)
	}
	rec, err := recorder.New(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Started().Equal(onA.Started) {
		t.Errorf("seeded recorder's clock %v, want %v", rec.Started(), onA.Started)
	}
	rec.SetRecording(true)
	rec.SetConsent(f.resident.UserID, true)
	opus := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}}
	sink := rec.OnTrack(sfu.Turn{Number: 1, ParticipantID: "p" + f.resident.UserID, UserID: f.resident.UserID, Kind: webrtc.RTPCodecTypeAudio,
		Start: time.Now()}, sfu.ParticipantInfo{UserID: f.resident.UserID, DisplayName: "Rosa Resident", Role: "listener"}, opus)
	for n := 0; n < 20; n++ {
		if err := sink.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(n), Timestamp: uint32(n) * 960, SSRC: 9},
			Payload: []byte{0xfc, 0xff, 0xfe}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	var after struct{ Turns []struct{ Number int } }
	b.Do(f.member, "GET", f.base+"/recording", nil).JSON(t, &after)
	if len(after.Turns) != 4 || after.Turns[3].Number != 4 {
		t.Fatalf("after a turn recorded on B: %+v, want turn 4 after A's 1–3", after.Turns)
	}
	// And A, which never had that file, serves it too.
	var onAAgain struct{ Turns []struct{ Number int } }
	f.a.Do(f.member, "GET", f.base+"/recording", nil).JSON(t, &onAAgain)
	if len(onAAgain.Turns) != 4 {
		t.Fatalf("A after B recorded: %+v", onAAgain.Turns)
	}
}
