package live_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/recorder"
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
		if len(recorder.ScanPages(b)) > 52 {
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
	pages := recorder.ScanPages(b)
	if len(pages) == 0 {
		t.Fatalf("%s holds no page", seg)
	}
	if last := pages[len(pages)-1]; last.Offset+int64(last.Size) != int64(len(b)) || last.Flags&0x04 == 0 {
		t.Fatalf("%s does not end with a complete end-of-stream page: %+v, %d bytes", seg, last, len(b))
	}
}
