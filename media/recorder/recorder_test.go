package recorder

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"
	"github.com/pion/webrtc/v3/pkg/media/oggreader"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
	"github.com/teixit/teixit/media/signal"
)

const waitLimit = 15 * time.Second

// peer is a real Pion participant talking the real protocol to the SFU.
type peer struct {
	t    *testing.T
	c    *client.Client
	id   string
	msgs chan signal.Message
	rtp  chan byte // first payload byte of each received packet
	seq  uint16
	vids atomic.Int64 // video packets received
	vseq uint16       // video sequence number and frame count sent
	vfrm uint32
}

func newSFU(t *testing.T) *sfu.SFU {
	s, err := sfu.NewSFU(sfu.Config{UDPAddr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newRecordedRoom is a real SFU and a recorder in a fresh folder, with the room config that records through it.
func newRecordedRoom(t *testing.T, questions int, video bool) (*sfu.SFU, string, *Recorder, sfu.RoomConfig) {
	t.Helper()
	s, dir := newSFU(t), t.TempDir()
	rec, err := New(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s, dir, rec, sfu.RoomConfig{Questions: questions, Video: video, Hooks: rec}
}

func join(t *testing.T, s *sfu.SFU, rc sfu.RoomConfig, info sfu.ParticipantInfo, publish bool) *peer {
	t.Helper()
	return joinWith(t, s, rc, info, client.Config{Publish: publish})
}

// joinWith joins with cfg's Publish and PublishVideo.
func joinWith(t *testing.T, s *sfu.SFU, rc sfu.RoomConfig, info sfu.ParticipantInfo, cfg client.Config) *peer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, b := client.Pipe()
	p := &peer{t: t, msgs: make(chan signal.Message, 4096), rtp: make(chan byte, 8192)}
	served, ran := make(chan struct{}), make(chan struct{})
	go func() { _ = s.Serve(ctx, "day", rc, info, a); close(served) }()
	c, err := client.New(ctx, b, client.Config{Join: signal.Join{}, Publish: cfg.Publish, PublishVideo: cfg.PublishVideo,
		OnMessage: func(m signal.Message) {
			select {
			case p.msgs <- m:
			default:
			}
		},
		OnRTP: func(tr *webrtc.TrackRemote, pk *rtp.Packet) {
			if tr.Kind() == webrtc.RTPCodecTypeVideo {
				p.vids.Add(1)
				return
			}
			if len(pk.Payload) > 0 {
				select {
				case p.rtp <- pk.Payload[0]:
				default:
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	p.c = c
	go func() { _ = c.Run(ctx); close(ran) }()
	t.Cleanup(func() { _ = c.Close(); cancel(); <-served; <-ran })
	p.id = p.wait(signal.TypeWelcome, nil).Payload.(*signal.Welcome).You
	deadline := time.Now().Add(waitLimit)
	for c.PC().ConnectionState() != webrtc.PeerConnectionStateConnected {
		if time.Now().After(deadline) {
			t.Fatal("peer not connected")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return p
}

func (p *peer) wait(typ string, ok func(signal.Message) bool) signal.Message {
	p.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case m := <-p.msgs:
			if m.Type == typ && (ok == nil || ok(m)) {
				return m
			}
		case <-timeout:
			p.t.Fatalf("no %s message", typ)
		}
	}
}

func (p *peer) send(typ string, payload any) {
	p.t.Helper()
	if err := p.c.Send(context.Background(), typ, "", payload); err != nil {
		p.t.Fatal(err)
	}
}

// talk sends n Opus packets of 20 ms (960 samples), paced in real time when
// paced is set, tagged with tag.
func (p *peer) talk(tag byte, n int, paced bool) {
	p.t.Helper()
	payload := bytes.Repeat([]byte{tag}, 60)
	for i := 0; i < n; i++ {
		p.seq++
		pk := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: p.seq,
			Timestamp: uint32(p.seq) * 960}, Payload: payload}
		if err := p.c.Audio().WriteRTP(pk); err != nil {
			p.t.Fatal(err)
		}
		if paced {
			time.Sleep(20 * time.Millisecond)
		} else {
			time.Sleep(time.Millisecond)
		}
	}
}

// receives waits until p got a packet tagged tag, while from keeps talking.
func (p *peer) receives(from *peer, tag byte) {
	p.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		from.talk(tag, 5, false)
		for drained := false; !drained; {
			select {
			case b := <-p.rtp:
				if b == tag {
					return
				}
			default:
				drained = true
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no packet tagged %c", tag)
		}
	}
}

func floorState(id, state string) func(signal.Message) bool {
	return func(m signal.Message) bool {
		f := m.Payload.(*signal.Floor)
		return f.ParticipantID == id && f.State == state
	}
}

// checkOgg parses path page by page with pion's reader and returns the
// duration its last granule position gives.
func checkOgg(t *testing.T, path string) (time.Duration, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, h, err := oggreader.NewWith(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if h.SampleRate != opusRate {
		t.Fatalf("%s: sample rate %d", path, h.SampleRate)
	}
	var last uint64
	pages := 1
	for {
		_, ph, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: page %d: %v", path, pages, err)
		}
		if ph.GranulePosition < last {
			t.Fatalf("%s: page %d granule %d after %d", path, pages, ph.GranulePosition, last)
		}
		last = ph.GranulePosition
		pages++
	}
	return time.Duration(last) * time.Second / opusRate, pages
}

// TestSessionRecordsFloorTurns runs a session through the real SFU: the
// speakers answer the recording question over the protocol; a consenting
// listener's 2 s turn and a second speaker's 1 s turn become two Ogg segments
// listed in order; a speaker who declines is not recorded (but is heard), nor
// is a later turn of a consenting speaker who was not asked again.
func TestSessionRecordsFloorTurns(t *testing.T) {
	s, dir, rec, rc := newRecordedRoom(t, 3, false)
	h := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host}, false)
	a := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-anna", DisplayName: "Anna", Role: room.Listener}, true)
	b := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-biel", DisplayName: "Biel", Role: room.Listener}, true)
	c := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-carla", DisplayName: "Carla", Role: room.Listener}, true)
	yes, no := true, false
	turn := func(p *peer, tag byte, packets int, consent *bool) {
		h.send(signal.TypeGrantFloor, &signal.Target{ParticipantID: p.id})
		h.wait(signal.TypeFloor, floorState(p.id, signal.FloorGranted))
		if consent != nil {
			p.send(signal.TypeRecordingConsent, &signal.RecordingConsent{Consent: consent})
			want := signal.ConsentDeclined
			if *consent {
				want = signal.ConsentAgreed
			}
			h.wait(signal.TypeParticipant, func(m signal.Message) bool {
				v := m.Payload.(*signal.Participant)
				return v.ID == p.id && v.Consent == want && v.HasFloor
			})
		}
		if packets > 0 {
			p.talk(tag, packets, true)
		} else {
			h.receives(p, tag) // heard, whatever the answer
		}
		h.send(signal.TypeRevokeFloor, &signal.Target{ParticipantID: p.id})
		h.wait(signal.TypeFloor, floorState(p.id, signal.FloorRevoked))
	}
	// Warm-up turns with recording off: the first packets of a new stream
	// may race the DTLS handshake, and the test asserts on steady state.
	turn(a, 'w', 0, nil)
	turn(b, 'w', 0, nil)
	rec.SetRecording(true)
	turn(c, 'c', 0, &no) // declined: not recorded, still heard
	turn(a, 'a', 100, &yes)
	turn(b, 'b', 50, &yes)
	turn(a, 'x', 0, nil) // a new turn asks again: without an answer, not recorded
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Turns) != 2 {
		t.Fatalf("manifest has %d turns, want 2: %+v", len(m.Turns), m.Turns)
	}
	for i, want := range []struct {
		user, name string
		talk       time.Duration
	}{{"u-anna", "Anna", 2 * time.Second}, {"u-biel", "Biel", time.Second}} {
		e := m.Turns[i]
		if e.UserID != want.user || e.DisplayName != want.name || e.Codec != webrtc.MimeTypeOpus || e.EndMS == nil || *e.EndMS <= e.StartMS {
			t.Fatalf("turn %d: %+v", i, e)
		}
		if i > 0 && (e.StartMS < *m.Turns[i-1].EndMS || e.Number <= m.Turns[i-1].Number) {
			t.Fatalf("turn %d not after turn %d: %+v", i, i-1, m.Turns)
		}
		d, pages := checkOgg(t, filepath.Join(dir, e.File))
		if diff := d - want.talk; diff < -want.talk/20 || diff > want.talk/20 {
			t.Fatalf("turn %d: %v of audio in %d pages, want %v ± 5%%", i, d, pages, want.talk)
		}
	}
	// The answers are in the manifest, in order, so the host sees who declined.
	if len(m.Consents) != 3 {
		t.Fatalf("consents %+v", m.Consents)
	}
	for i, want := range []struct {
		user    string
		consent bool
	}{{"u-carla", false}, {"u-anna", true}, {"u-biel", true}} {
		if e := m.Consents[i]; e.UserID != want.user || e.Consent != want.consent || e.ParticipantID == "" || e.AtMS < 0 {
			t.Fatalf("consent %d: %+v", i, e)
		}
	}
}

// TestQuestionChangeSplitsASegment: the host's microphone is one turn for the
// whole session; when the guide question changes during it, the segment is
// closed and the rest goes to a new segment listed under the new question.
func TestQuestionChangeSplitsASegment(t *testing.T) {
	s, dir, rec, rc := newRecordedRoom(t, 3, false)
	h := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-host", DisplayName: "Host", Role: room.Host}, true)
	l := join(t, s, rc, sfu.ParticipantInfo{UserID: "u-l", DisplayName: "Listener", Role: room.Listener}, false)
	l.receives(h, 'w') // the host's stream flows before recording starts
	rec.SetRecording(true)
	h.talk('1', 25, true)
	h.send(signal.TypeSetQuestion, &signal.SetQuestion{Index: 1})
	h.wait(signal.TypeQuestion, func(m signal.Message) bool { return m.Payload.(*signal.Question).Index == 1 })
	h.talk('2', 25, true)
	rec.SetRecording(false)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Turns) != 2 || m.Turns[0].Question != 0 || m.Turns[1].Question != 1 || m.Turns[0].Number != m.Turns[1].Number {
		t.Fatalf("want two segments of the host's turn under questions 0 and 1: %+v", m.Turns)
	}
	for _, e := range m.Turns {
		if d, _ := checkOgg(t, filepath.Join(dir, e.File)); d < 300*time.Millisecond {
			t.Fatalf("%s holds only %v", e.File, d)
		}
	}
}
