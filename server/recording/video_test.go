package recording_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
	"github.com/teixit/teixit/server/testkit"
)

// TestVideoSegmentImportedWithItsTurn: a turn recorded with camera gives an Ogg and a WebM entry; the WebM is
// imported (video/webm) and listed as the turn's video, signed like the audio; a camera with no audio turn is
// not imported; removing the turn removes its video too; the download stays audio only.
func TestVideoSegmentImportedWithItsTurn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	dir := filepath.Join(f.a.Config.DataDir, "recordings", f.day)
	rec, err := recorder.New(dir, time.Now().Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rec.SetRecording(true)
	opus := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}}
	vp8 := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}}
	speaker := func(c *testkit.Client, name string) sfu.ParticipantInfo {
		rec.SetConsent(c.UserID, true)
		return sfu.ParticipantInfo{UserID: c.UserID, DisplayName: name, Role: room.Speaker}
	}
	rosa := speaker(f.resident, "Rosa Resident")
	audio := rec.OnTrack(sfu.Turn{Number: 1, ParticipantID: "p-rosa", UserID: f.resident.UserID, Kind: webrtc.RTPCodecTypeAudio}, rosa, opus)
	video := rec.OnTrack(sfu.Turn{Number: 2, ParticipantID: "p-rosa", UserID: f.resident.UserID, Kind: webrtc.RTPCodecTypeVideo}, rosa, vp8)
	maria := speaker(f.member, "Maria Member") // camera only: no audio turn to go with
	lone := rec.OnTrack(sfu.Turn{Number: 3, ParticipantID: "p-maria", UserID: f.member.UserID, Kind: webrtc.RTPCodecTypeVideo}, maria, vp8)
	frame := bytes.Repeat([]byte{'v'}, 200)
	copy(frame, []byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00}) // a 320×240 keyframe
	for i := 0; i < 30; i++ {
		for j := 0; j < 2; j++ {
			n := uint16(i*2 + j)
			_ = audio.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: n, Timestamp: uint32(n) * 960}, Payload: []byte{0xfc, 0xff, 0xfe}})
		}
		for _, k := range []sfu.RTPSink{video, lone} {
			_ = k.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i) * 3000, Marker: true},
				Payload: append([]byte{0x10}, frame...)})
		}
		time.Sleep(time.Millisecond)
	}
	for _, k := range []sfu.RTPSink{video, audio, lone} {
		_ = k.Close()
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m := rec.Manifest()
	if len(m.Turns) != 3 || m.Turns[1].File != "seg-0002.webm" || m.Turns[1].Codec != recorder.CodecVP8 {
		t.Fatalf("manifest %+v", m.Turns)
	}

	r := f.a.Do(f.member, "GET", f.base+"/recording", nil)
	var v struct {
		Turns []struct {
			Number int
			URL    string
			Video  *struct {
				Number   int
				MediaID  string
				URL      string
				OffsetMs int64
			}
		}
	}
	r.JSON(t, &v)
	if r.Status != 200 || len(v.Turns) != 1 || v.Turns[0].Video == nil || v.Turns[0].Video.Number != 2 ||
		v.Turns[0].Video.MediaID != "rec:"+f.day+":2" || v.Turns[0].Video.OffsetMs < 0 {
		t.Fatalf("listed turns: %d %s", r.Status, r.Body)
	}
	vurl := v.Turns[0].Video.URL
	got := f.a.Do(f.member, "GET", vurl, nil)
	if got.Status != 200 || !strings.HasPrefix(got.Header.Get("Content-Type"), "video/webm") || !bytes.HasPrefix([]byte(got.Body), []byte{0x1a, 0x45, 0xdf, 0xa3}) {
		t.Fatalf("video segment: %d %q", got.Status, got.Header.Get("Content-Type"))
	}
	if _, err := f.a.Media.Get(t.Context(), "rec:"+f.day+":3"); err == nil {
		t.Fatal("a camera with no audio turn was imported")
	}
	if r := f.a.Do(f.host, "POST", f.base+"/recording/redactions", map[string]any{"turns": []int{v.Turns[0].Number}}); r.Status != 201 {
		t.Fatalf("remove the turn: %d %s", r.Status, r.Body)
	}
	if r := f.a.Do(f.member, "GET", vurl, nil); r.Status != 404 {
		t.Fatalf("the removed turn's video still served: %d", r.Status)
	}
	if _, err := os.Stat(filepath.Join(dir, "seg-0002.webm")); !os.IsNotExist(err) {
		t.Fatalf("the removed turn's video is still on disk: %v", err)
	}
}
