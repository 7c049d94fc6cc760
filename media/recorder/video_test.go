package recorder

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/webm"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
	"github.com/teixit/teixit/media/signal"
)

const (
	frameTicks = 3000 // 90 kHz at 30 frames/s
	frameTime  = 33333 * time.Microsecond
)

// vp8Packets builds one fake VP8 frame (RFC 6386 frame tag; a keyframe has
// the start code and a 320×240 size) split in two RTP payloads with VP8
// payload descriptors (S=1 on the first, RFC 7741).
func vp8Packets(key bool, tag byte) [][]byte {
	frame := bytes.Repeat([]byte{tag}, 300)
	if key {
		copy(frame, []byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00}) // P=0, 320×240
	} else {
		copy(frame, []byte{0x11, 0x02, 0x00}) // P=1
	}
	return [][]byte{append([]byte{0x10}, frame[:150]...), append([]byte{0x00}, frame[150:]...)}
}

// film sends n frames of fake VP8 at 30 frames/s (paced), a keyframe every
// keyEvery frames (0: none) counting from the first.
func (p *peer) film(n, keyEvery int) {
	p.t.Helper()
	for i := 0; i < n; i++ {
		p.vfrm++
		for j, pl := range vp8Packets(keyEvery > 0 && i%keyEvery == 0, 'v') {
			p.vseq++
			pk := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: p.vseq,
				Timestamp: p.vfrm * frameTicks, Marker: j == 1}, Payload: pl}
			if err := p.c.Video().WriteRTP(pk); err != nil {
				p.t.Fatal(err)
			}
		}
		time.Sleep(frameTime)
	}
}

// parsedWebM is what the tests read back with ebml-go's reader.
type parsedWebM struct {
	Header  webm.EBMLHeader `ebml:"EBML"`
	Segment struct {
		Info    webm.Info      `ebml:"Info"`
		Tracks  webm.Tracks    `ebml:"Tracks"`
		Cluster []webm.Cluster `ebml:"Cluster"`
	} `ebml:"Segment"`
}

// checkWebM parses path with ebml-go and checks the structure a player
// needs: a webm doc type, one V_VP8 track, clusters and block times that
// never go back, a keyframe first. It returns the last block's time and the
// number of blocks.
func checkWebM(t *testing.T, path string) (time.Duration, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w parsedWebM
	if err := ebml.Unmarshal(f, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if w.Header.DocType != "webm" || w.Segment.Info.TimecodeScale != 1000000 {
		t.Fatalf("%s: header %+v info %+v", path, w.Header, w.Segment.Info)
	}
	if tr := w.Segment.Tracks.TrackEntry; len(tr) != 1 || tr[0].CodecID != "V_VP8" || tr[0].Video == nil ||
		tr[0].Video.PixelWidth != 320 || tr[0].Video.PixelHeight != 240 {
		t.Fatalf("%s: tracks %+v", path, tr)
	}
	last, blocks, prevCluster := int64(-1), 0, int64(-1)
	for _, c := range w.Segment.Cluster {
		if int64(c.Timecode) < prevCluster {
			t.Fatalf("%s: cluster at %d after %d", path, c.Timecode, prevCluster)
		}
		prevCluster = int64(c.Timecode)
		for _, b := range c.SimpleBlock {
			at := int64(c.Timecode) + int64(b.Timecode)
			if at <= last {
				t.Fatalf("%s: block at %d ms after %d ms", path, at, last)
			}
			if blocks == 0 && (!b.Keyframe || at != 0 || len(b.Data) != 1 || b.Data[0][0]&1 != 0) {
				t.Fatalf("%s: first block %+v is not a keyframe at 0", path, b)
			}
			if len(b.Data) != 1 || len(b.Data[0]) != 300 {
				t.Fatalf("%s: block %d holds %d frames", path, blocks, len(b.Data))
			}
			last = at
			blocks++
		}
	}
	if blocks == 0 {
		t.Fatalf("%s: no block", path)
	}
	return time.Duration(last) * time.Millisecond, blocks
}

// TestVideoTurnRecordsWebM: a consenting speaker's 2 s of VP8 becomes one
// WebM segment (video/vp8, seg-NNNN.webm) that ebml-go reads back; a
// listener sending video the whole time is never recorded.
func TestVideoTurnRecordsWebM(t *testing.T) {
	s, dir, rec, rc := newRecordedRoom(t, 2, true)
	h := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host}, false)
	a := joinWith(t, s, rc, sfu.ParticipantInfo{UserID: "u-anna", DisplayName: "Anna", Role: room.Listener}, client.Config{PublishVideo: true})
	l := joinWith(t, s, rc, sfu.ParticipantInfo{UserID: "u-lluc", DisplayName: "Lluc", Role: room.Listener}, client.Config{PublishVideo: true})
	stop := make(chan struct{})
	filmed := make(chan struct{})
	go func() { // the listener's camera runs all along, never granted the floor
		defer close(filmed)
		for {
			select {
			case <-stop:
				return
			default:
				l.film(1, 30)
			}
		}
	}()
	defer func() { close(stop); <-filmed }()

	grant := func(p *peer) {
		h.send(signal.TypeGrantFloor, &signal.Target{ParticipantID: p.id})
		h.wait(signal.TypeFloor, floorState(p.id, signal.FloorGranted))
	}
	revoke := func(p *peer) {
		h.send(signal.TypeRevokeFloor, &signal.Target{ParticipantID: p.id})
		h.wait(signal.TypeFloor, floorState(p.id, signal.FloorRevoked))
	}
	// Warm-up with recording off, until the host sees Anna's video.
	grant(a)
	deadline := time.Now().Add(waitLimit)
	for h.vids.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the host never received Anna's video")
		}
		a.film(3, 1)
	}
	revoke(a)

	rec.SetRecording(true)
	grant(a)
	yes := true
	a.send(signal.TypeRecordingConsent, &signal.RecordingConsent{Consent: &yes})
	h.wait(signal.TypeParticipant, func(m signal.Message) bool {
		v := m.Payload.(*signal.Participant)
		return v.ID == a.id && v.Consent == signal.ConsentAgreed && v.HasFloor
	})
	const frames = 60
	a.film(frames, 30)
	time.Sleep(100 * time.Millisecond) // the last packets reach the SFU before the revoke
	revoke(a)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Turns) != 1 {
		t.Fatalf("manifest has %d turns, want Anna's video only: %+v", len(m.Turns), m.Turns)
	}
	e := m.Turns[0]
	if e.UserID != "u-anna" || e.Codec != CodecVP8 || e.File != "seg-0001.webm" || e.Empty || e.EndMS == nil || *e.EndMS <= e.StartMS {
		t.Fatalf("video turn %+v", e)
	}
	last, blocks := checkWebM(t, filepath.Join(dir, e.File))
	talk := frames * frameTime
	if d := last + frameTime; d < talk*95/100 || d > talk*105/100 {
		t.Fatalf("%v of video in %d blocks, want %v ± 5%%", d, blocks, talk)
	}
	if blocks < frames*95/100 {
		t.Fatalf("%d blocks of %d frames", blocks, frames)
	}
	// Seekable: a Duration that matches the blocks and a Cues index pointing at clusters.
	dur, cues := webmIndex(t, filepath.Join(dir, e.File))
	if got := time.Duration(dur * float64(time.Millisecond)); got < last*95/100 || got > last*105/100+frameTime {
		t.Fatalf("Duration %v, last block at %v", got, last)
	}
	if cues == 0 {
		t.Fatal("no Cues in a finished WebM segment")
	}
	if _, err := exec.LookPath("ffprobe"); err == nil {
		out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", filepath.Join(dir, e.File)).Output()
		if d, perr := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err != nil || perr != nil || d < talk.Seconds()*0.9 {
			t.Fatalf("ffprobe duration %q (%v)", out, err)
		}
	}
}

// webmIndex reads a finished WebM's Duration (ms) and number of cue points.
func webmIndex(t *testing.T, path string) (float64, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w struct {
		Segment struct {
			Info webm.Info `ebml:"Info"`
			Cues struct {
				CuePoint []struct {
					CueTime uint64 `ebml:"CueTime"`
				} `ebml:"CuePoint"`
			} `ebml:"Cues"`
		} `ebml:"Segment"`
	}
	if err := ebml.Unmarshal(f, &w, ebml.WithIgnoreUnknown(true)); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return w.Segment.Info.Duration, len(w.Segment.Cues.CuePoint)
}

// TestVideoSegmentStartsAtKeyframe: recording switched on in the middle of
// the host's video asks the publisher for a keyframe (a PLI through the
// SFU's Turn.RequestKeyframe) and the segment starts at the keyframe, not at
// the interframes before it.
func TestVideoSegmentStartsAtKeyframe(t *testing.T) {
	s, dir, rec, rc := newRecordedRoom(t, 2, true)
	h := joinWith(t, s, rc, sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host}, client.Config{PublishVideo: true})
	l := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-l", DisplayName: "Listener", Role: room.Listener}, false)
	deadline := time.Now().Add(waitLimit)
	for l.vids.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the listener never received the host's video")
		}
		h.film(3, 1)
	}
	h.film(10, 0)
	before := h.c.PLIs()
	rec.SetRecording(true)
	on := time.Now()
	for h.c.PLIs() == before {
		if time.Now().After(deadline) {
			t.Fatal("no PLI reached the publisher when recording started mid-turn")
		}
		h.film(1, 0) // interframes only: not recorded
	}
	if len(rec.Manifest().Turns) != 0 {
		t.Fatalf("a segment started on an interframe: %+v", rec.Manifest().Turns)
	}
	h.film(30, 15) // the keyframe the PLI asked for, and on
	rec.SetRecording(false)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m := rec.Manifest()
	if len(m.Turns) != 1 || m.Turns[0].Codec != CodecVP8 || m.Turns[0].StartedAt.Before(on) {
		t.Fatalf("want one video segment started after recording was switched on: %+v", m.Turns)
	}
	if _, blocks := checkWebM(t, filepath.Join(dir, m.Turns[0].File)); blocks < 25 {
		t.Fatalf("%d blocks", blocks)
	}
}

// TestVideoCrashChild is the process TestRecoverTornWebM kills: it records a
// host's video turn of 90 frames (3 s) and hangs with the segment open.
func TestVideoCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestRecoverTornWebM")
	}
	rec, err := New(dir, time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	rec.SetRecording(true)
	k := rec.OnTrack(sfu.Turn{Number: 4, ParticipantID: "p1", UserID: "u-host", Kind: webrtc.RTPCodecTypeVideo, Start: time.Now()},
		sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host},
		webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: vp8Rate}})
	seq := uint16(0)
	for i := 0; i < 90; i++ {
		for j, pl := range vp8Packets(i%30 == 0, 'k') {
			seq++
			_ = k.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: 7000 + uint32(i)*frameTicks,
				Marker: j == 1}, Payload: pl})
		}
	}
	select {}
}

// TestRecoverTornWebM kills a process recording video with SIGKILL, tears
// the last block in half, and checks that Recover truncates the WebM to its
// last complete block (ebml-go reads it to the end), ends the manifest entry
// at that block, and is idempotent; a WebM torn inside its header is
// truncated to nothing and marked empty.
func TestRecoverTornWebM(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestVideoCrashChild$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seg := filepath.Join(dir, "seg-0001.webm")
	deadline := time.Now().Add(waitLimit)
	for {
		b, _ := os.ReadFile(seg)
		if scanWebM(b).blocks == 90 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("child wrote %d blocks", scanWebM(b).blocks)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if m, err := ReadManifest(dir); err != nil || len(m.Turns) != 1 || m.Turns[0].EndMS != nil {
		t.Fatalf("manifest after the crash: %+v %v", m.Turns, err)
	}
	st, err := os.Stat(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(seg, st.Size()-100); err != nil { // cut the last 300-byte block
		t.Fatal(err)
	}
	fixed, err := Recover(dir)
	if err != nil || len(fixed) != 1 || fixed[0] != 4 {
		t.Fatalf("Recover: %v %v", fixed, err)
	}
	last, blocks := checkWebM(t, seg)
	if blocks != 89 || last != 88*frameTicks/90*time.Millisecond {
		t.Fatalf("%d blocks up to %v after recovery, want 89 up to 2933ms", blocks, last)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := m.Turns[0]
	if e.EndMS == nil || !e.Recovered || e.Empty || e.Codec != CodecVP8 || time.Duration(*e.EndMS-e.StartMS)*time.Millisecond != last {
		t.Fatalf("recovered turn %+v, last block at %v", e, last)
	}
	if again, err := Recover(dir); err != nil || len(again) != 0 {
		t.Fatalf("second Recover: %v %v", again, err)
	}

	// A header torn by the crash: nothing to play, honestly marked.
	b, _ := os.ReadFile(seg)
	torn := filepath.Join(t.TempDir(), "seg.webm")
	if err := os.WriteFile(torn, b[:40], 0o600); err != nil {
		t.Fatal(err)
	}
	if ms, media, err := finishWebM(torn); err != nil || media || ms != 0 {
		t.Fatalf("torn header: %d %v %v", ms, media, err)
	}
	if st, _ := os.Stat(torn); st.Size() != 0 {
		t.Fatalf("torn header left %d bytes", st.Size())
	}
}

// TestRepairEveryPrefix cuts a finished 12-frame WebM at every length, as a
// crash could, and checks that the repair keeps only complete blocks, that
// what it keeps reads back with ebml-go, and that it never keeps a torn one.
func TestRepairEveryPrefix(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "whole.webm")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := newWebMSegment(f, path, nil)
	seq := uint16(0)
	for i := 0; i < 12; i++ {
		for j, pl := range vp8Packets(i%5 == 0, byte('a'+i)) {
			seq++
			_ = w.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(i) * frameTicks, Marker: j == 1}, Payload: pl})
		}
	}
	if media, err := w.Close(); err != nil || !media {
		t.Fatalf("close: %v %v", media, err)
	}
	whole, _ := os.ReadFile(path)
	if sc := scanWebM(whole); sc.blocks != 12 || sc.end != int64(len(whole)) || sc.lastMs != 11*frameTicks/90 {
		t.Fatalf("whole file: %+v of %d bytes", sc, len(whole))
	}
	cut := filepath.Join(dir, "cut.webm")
	prev := 0
	for n := 0; n <= len(whole); n += 1 + n%3 { // ~half of all lengths keeps it short under -race
		if err := os.WriteFile(cut, whole[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		_, media, err := finishWebM(cut)
		if err != nil {
			t.Fatal(err)
		}
		if !media {
			continue
		}
		_, blocks := checkWebM(t, cut)
		if blocks < prev || blocks > 12 {
			t.Fatalf("cut at %d: %d blocks after %d", n, blocks, prev)
		}
		prev = blocks
	}
	if _, media, err := finishWebM(path); err != nil || !media {
		t.Fatalf("the whole file: %v %v", media, err)
	}
	if _, blocks := checkWebM(t, path); blocks != 12 {
		t.Fatalf("the whole file repaired to %d blocks", blocks)
	}
}
