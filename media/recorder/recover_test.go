package recorder

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/ogg"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
)

const crashDirEnv = "TEIXIT_RECORDER_CRASH_DIR"

// TestCrashChild is the process TestRecoverAfterKill kills: it records one
// turn of 250 packets (5 s of audio) and then hangs with the segment open.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestRecoverAfterKill")
	}
	rec, err := New(dir, time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	rec.SetRecording(true)
	rec.OnQuestion(2)
	k := rec.OnTrack(sfu.Turn{Number: 7, ParticipantID: "p1", UserID: "u-host", Question: 2, Kind: webrtc.RTPCodecTypeAudio, Start: time.Now()},
		sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host},
		webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: opusRate, Channels: 2}})
	for i := 0; i < 250; i++ {
		_ = k.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: 5000 + uint32(i)*960},
			Payload: make([]byte, 70)})
	}
	select {}
}

// TestRecoverAfterKill kills a recording process with SIGKILL, tears its last
// page in half as a crash mid-write would, and checks that Recover leaves a
// segment that parses to the end and a manifest whose turn ends with the last
// complete page; a new Recorder on the directory then appends after it.
func TestRecoverAfterKill(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seg := filepath.Join(dir, "seg-0001.ogg")
	deadline := time.Now().Add(waitLimit)
	for {
		b, _ := os.ReadFile(seg)
		if len(ogg.Scan(b)) == 252 { // two header pages + 250 audio pages
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("child wrote %d pages", len(ogg.Scan(b)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Turns) != 1 || m.Turns[0].EndMS != nil {
		t.Fatalf("manifest after the crash: %+v", m.Turns)
	}
	st, err := os.Stat(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(seg, st.Size()-20); err != nil { // cut the last page
		t.Fatal(err)
	}

	fixed, err := Recover(dir)
	if err != nil || len(fixed) != 1 || fixed[0] != 7 {
		t.Fatalf("Recover: %v %v", fixed, err)
	}
	d, pages := checkOgg(t, seg)
	if pages != 251 {
		t.Fatalf("%d pages after recovery, want 251", pages)
	}
	b, _ := os.ReadFile(seg)
	ps := ogg.Scan(b)
	if last := ps[len(ps)-1]; last.Flags&0x04 == 0 || last.Offset+int64(last.Size) != int64(len(b)) {
		t.Fatalf("last page %+v of %d bytes: not end-of-stream or trailing bytes", last, len(b))
	}
	m, err = ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := m.Turns[0]
	if e.EndMS == nil || e.EndedAt == nil || !e.Recovered || e.UserID != "u-host" || e.Question != 2 {
		t.Fatalf("recovered turn %+v", e)
	}
	if got := time.Duration(*e.EndMS-e.StartMS) * time.Millisecond; got < d-time.Millisecond || got > d+time.Millisecond {
		t.Fatalf("turn lasts %v in the manifest, %v of audio", got, d)
	}
	if want := 248 * 20 * time.Millisecond; d < want-time.Millisecond || d > want+time.Millisecond {
		t.Fatalf("%v of audio recovered, want %v", d, want)
	}
	if again, err := Recover(dir); err != nil || len(again) != 0 {
		t.Fatalf("second Recover: %v %v", again, err)
	}

	rec, err := New(dir, m.Started)
	if err != nil {
		t.Fatal(err)
	}
	rec.SetRecording(true)
	k := rec.OnTrack(sfu.Turn{Number: 1, ParticipantID: "p2", UserID: "u-host", Start: time.Now()},
		sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host},
		webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}})
	_ = k.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, Timestamp: 960}, Payload: make([]byte, 70)})
	_ = k.Close()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if m2 := rec.Manifest(); len(m2.Turns) != 2 || m2.Turns[1].File != "seg-0002.ogg" || !m2.Started.Equal(m.Started) || m2.Turns[1].EndMS == nil {
		t.Fatalf("after restart: %+v", m2)
	}
}
