package live_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/ogg"
	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/testkit"
)

// TestRecordingThroughTheServer: only the host starts and stops the recording; once it is on, the host's
// already-forwarded track is written under <data>/recordings/<day>/ as an Ogg segment listed in the manifest.
func TestRecordingThroughTheServer(t *testing.T) {
	f := setup(t)
	rec := "/api/v1/exchange-days/" + f.day + "/recording/live"
	f.a.Run(t, []testkit.Scenario{
		{Name: "anonymous", Method: "POST", Path: rec, Status: 401},
		{Name: "a participant cannot record", As: f.participant, Method: "POST", Path: rec, Status: 403},
		{Name: "an outsider cannot record", As: f.outsider, Method: "POST", Path: rec, Status: 403},
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	host, err := client.New(ctx, dial(t, f, f.host), client.Config{Join: signal.Join{AudioOnly: true}, Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	go func() { _ = host.Run(ctx) }()
	// The host's track is already being forwarded when recording starts: the rest of it is recorded.
	for seq := uint16(1000); seq < 1025; seq++ {
		_ = host.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq,
			Timestamp: uint32(seq) * 960, SSRC: 7}, Payload: make([]byte, 60)})
		time.Sleep(20 * time.Millisecond)
	}
	f.a.Run(t, []testkit.Scenario{
		{Name: "the host starts", As: f.host, Method: "POST", Path: rec, Status: 200, Contains: []string{`"recording":true`}},
	})

	dir := filepath.Join(f.a.Config.DataDir, "recordings", f.day)
	seg := filepath.Join(dir, "seg-0001.ogg")
	deadline := time.Now().Add(30 * time.Second)
	for seq := uint16(1025); ; seq++ { // the host speaks until its segment holds a second of audio
		_ = host.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq,
			Timestamp: uint32(seq) * 960, SSRC: 7}, Payload: make([]byte, 60)})
		time.Sleep(20 * time.Millisecond)
		b, _ := os.ReadFile(seg)
		if len(ogg.Scan(b)) > 52 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recorded audio in %s (%d bytes)", seg, len(b))
		}
	}
	f.a.Run(t, []testkit.Scenario{
		{Name: "the host stops", As: f.host, Method: "DELETE", Path: rec, Status: 200, Contains: []string{`"recording":false`}},
	})
	m := waitFinished(t, dir, 1)
	if e := m.Turns[0]; e.DisplayName != "Amfitriona" || e.Role != "host" || e.File != "seg-0001.ogg" {
		t.Fatalf("recorded turn %+v", e)
	}
	endsWithEOS(t, seg)
}

// waitFinished waits until the manifest in dir lists turns segments, the last one finished, and returns it.
func waitFinished(t *testing.T, dir string, turns int) recorder.Manifest {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		m, err := recorder.ReadManifest(dir)
		if err == nil && len(m.Turns) == turns && m.Turns[turns-1].EndMS != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("the recording did not finish: %+v %v", m, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// endsWithEOS checks that the Ogg segment ends with a complete end-of-stream page.
func endsWithEOS(t *testing.T, seg string) {
	t.Helper()
	b, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	pages := ogg.Scan(b)
	if len(pages) == 0 {
		t.Fatalf("%s holds no page", seg)
	}
	if last := pages[len(pages)-1]; last.Offset+int64(last.Size) != int64(len(b)) || last.Flags&0x04 == 0 {
		t.Fatalf("%s does not end with a complete end-of-stream page: %+v, %d bytes", seg, last, len(b))
	}
}

// TestSegmentNumbersAcrossOwners: node A records a turn of a day and dies with the segment open, before
// importing it (so the store knows nothing of its file); node B takes the day over with a folder of its own.
// B's segments must not reuse A's number — the two files would clash when A, restarted, imports its folder —
// and segments started at once on one node each get their own number.
func TestSegmentNumbersAcrossOwners(t *testing.T) {
	st := testkit.Store(t)
	a, b := startNode(t, st), startNode(t, st)
	const day = "day-with-a-dead-owner"
	opus := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}}
	host := sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host}

	open := func(n *node) (*recorder.Recorder, string) {
		dir := t.TempDir()
		r, err := recorder.New(dir, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		r.SetNumbering(n.app.Live.SegmentNumbers(day))
		r.SetRecording(true)
		return r, dir
	}
	speak := func(r *recorder.Recorder, turn int) sfu.RTPSink {
		s := r.OnTrack(sfu.Turn{Number: turn, ParticipantID: fmt.Sprint("p", turn), UserID: host.UserID}, host, opus)
		for i := 0; i < 5; i++ {
			_ = s.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(i),
				Timestamp: uint32(960 * i), SSRC: uint32(turn)}, Payload: []byte{0xf8, 0xff, 0xfe}})
		}
		return s
	}
	waitFile := func(dir, name string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				return
			}
			if time.Now().After(deadline) {
				entries, _ := os.ReadDir(dir)
				t.Fatalf("%s never written in %s (%v)", name, dir, entries)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	recA, dirA := open(a)
	speak(recA, 1) // A dies here: the segment stays open, never imported
	waitFile(dirA, "seg-0001.ogg")

	recB, dirB := open(b)
	var sinks []sfu.RTPSink
	for turn := 1; turn <= 3; turn++ { // B's room restarts its turn count; three turns start together
		sinks = append(sinks, speak(recB, turn))
	}
	for _, s := range sinks {
		_ = s.Close()
	}
	if err := recB.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := recorder.ReadManifest(dirB)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{"seg-0001.ogg": true} // A's
	for _, e := range m.Turns {
		if files[e.File] {
			t.Fatalf("B wrote %s, a number already used (manifest %+v)", e.File, m.Turns)
		}
		files[e.File] = true
		waitFile(dirB, e.File)
	}
	if len(m.Turns) != 3 {
		t.Fatalf("B's manifest has %d turns, want 3", len(m.Turns))
	}
	if _, err := os.Stat(filepath.Join(dirB, "seg-0001.ogg")); err == nil {
		t.Fatal("B created seg-0001.ogg, A's number")
	}
	_ = recA.Close()
}
