package sfu

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/signal"
)

// turnLog is a minimal recorder behind the Hooks seam: it keeps, per turn,
// the packets' first payload bytes and whether the sink was closed.
type turnLog struct {
	mu    sync.Mutex
	turns []*turnSink
	added chan *turnSink
}

type turnSink struct {
	turn    Turn
	codec   string
	mu      sync.Mutex
	packets int
	closed  bool
	late    int // writes after Close
}

func (l *turnLog) OnTrack(t Turn, p ParticipantInfo, c webrtc.RTPCodecParameters) RTPSink {
	s := &turnSink{turn: t, codec: c.MimeType}
	l.mu.Lock()
	l.turns = append(l.turns, s)
	l.mu.Unlock()
	l.added <- s
	return s
}

func (s *turnSink) WriteRTP(p *rtp.Packet) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.late++
	}
	s.packets++
	return nil
}

func (s *turnSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *turnSink) state() (int, bool, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.packets, s.closed, s.late
}

// TestHooksSeeFloorTurns checks the recorder seam: a turn starts when a
// participant's media starts being forwarded, carries the guide question,
// receives the forwarded packets, and is closed when the floor is revoked.
func TestHooksSeeFloorTurns(t *testing.T) {
	s := newTestSFU(t)
	rec := &turnLog{added: make(chan *turnSink, 16)}
	rc := RoomConfig{Questions: 4, Hooks: rec}
	h := joinRoom(t, s, "rec", rc, host("host"), signal.Join{}, true)
	a := joinRoom(t, s, "rec", rc, listener("a"), signal.Join{}, true)
	b := joinRoom(t, s, "rec", rc, listener("b"), signal.Join{}, false)
	warmUp(t, h, a, b)
	hostTurn := <-rec.added
	if hostTurn.turn.ParticipantID != h.id || hostTurn.codec != webrtc.MimeTypeOpus {
		t.Fatalf("first turn %+v %s, want the host's audio", hostTurn.turn, hostTurn.codec)
	}

	h.send(signal.TypeSetQuestion, "", &signal.SetQuestion{Index: 2})
	b.waitMsg(signal.TypeQuestion, nil)
	h.send(signal.TypeGrantFloor, "", &signal.Target{ParticipantID: a.id})
	b.waitMsg(signal.TypeFloor, nil)
	a.publish('A', 0, 20)
	b.collect('A', 0, 20)
	var at *turnSink
	select {
	case at = <-rec.added:
	case <-time.After(waitLimit):
		t.Fatal("no turn for the floor holder")
	}
	if at.turn.ParticipantID != a.id || at.turn.Question != 2 || at.turn.Number != 2 || at.turn.UserID != "u-a" {
		t.Fatalf("floor turn %+v", at.turn)
	}
	h.send(signal.TypeRevokeFloor, "", &signal.Target{ParticipantID: a.id})
	b.waitMsg(signal.TypeFloor, func(m signal.Message) bool { return m.Payload.(*signal.Floor).State == signal.FloorRevoked })
	a.publish('A', 100, 10)
	h.publish('H', 0, 10)
	b.collect('H', 0, 10)
	n, closed, late := at.state()
	if !closed || late != 0 || n < 20 {
		t.Fatalf("floor turn sink: %d packets, closed %v, %d writes after close", n, closed, late)
	}
}

// TestSpeakingFromAudioLevel sends RFC 6464 audio levels from the floor
// holder: loud packets turn its speaking flag on, silence turns it off.
func TestSpeakingFromAudioLevel(t *testing.T) {
	s := newTestSFU(t)
	h := joinRoom(t, s, "spk", RoomConfig{}, host("host"), signal.Join{}, false)
	a := joinRoom(t, s, "spk", RoomConfig{}, listener("a"), signal.Join{}, true)
	var extID uint8
	for _, snd := range a.c.PC().GetSenders() {
		for _, e := range snd.GetParameters().HeaderExtensions {
			if e.URI == audioLevelURI {
				extID = uint8(e.ID)
			}
		}
	}
	if extID == 0 {
		t.Fatal("audio level extension not negotiated")
	}
	h.send(signal.TypeGrantFloor, "", &signal.Target{ParticipantID: a.id})
	h.waitMsg(signal.TypeFloor, nil)
	seq := uint16(0)
	send := func(level byte, n int) {
		for i := 0; i < n; i++ {
			seq++ // SRTP replay protection drops repeated sequence numbers
			p := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 960}, Payload: make([]byte, 40)}
			if err := p.Header.SetExtension(extID, []byte{level}); err != nil {
				t.Fatal(err)
			}
			if err := a.c.Audio().WriteRTP(p); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond) // pacing only
		}
	}
	speaking := func(want bool) func(signal.Message) bool {
		return func(m signal.Message) bool {
			p := m.Payload.(*signal.Participant)
			return p.ID == a.id && p.Speaking == want
		}
	}
	send(20, 30) // -20 dBov: voice
	h.waitMsg(signal.TypeParticipant, speaking(true))
	send(127, 30) // silence
	h.waitMsg(signal.TypeParticipant, speaking(false))
}

// TestRoomOpenAndClosed: Open gives the room its hooks and recording state when the room is created (a
// joiner reads it in the welcome); Closed runs once when the host ends the room, and once more for the next
// room with the same ID when its last participant leaves.
func TestRoomOpenAndClosed(t *testing.T) {
	s := newTestSFU(t)
	var mu sync.Mutex
	opened, closed := 0, 0
	rc := RoomConfig{Questions: 1,
		Open: func() (Hooks, bool) {
			mu.Lock()
			defer mu.Unlock()
			opened++
			return nil, true
		},
		Closed: func() {
			mu.Lock()
			defer mu.Unlock()
			closed++
		}}
	counts := func() (int, int) {
		mu.Lock()
		defer mu.Unlock()
		return opened, closed
	}
	h := joinRoom(t, s, "life", rc, host("host"), signal.Join{}, false)
	a := joinRoom(t, s, "life", rc, listener("a"), signal.Join{}, false)
	if o, c := counts(); o != 1 || c != 0 {
		t.Fatalf("opened %d closed %d after two joins", o, c)
	}
	h.send(signal.TypeEnd, "", nil)
	a.waitMsg(signal.TypeEnded, nil)
	waitFor(t, func() bool { _, c := counts(); return c == 1 })

	s2 := newTestSFU(t) // an ended ID refuses joins for an hour: use a fresh SFU for the "last one left" case
	b := joinRoom(t, s2, "life", rc, listener("b"), signal.Join{}, false)
	b.send(signal.TypeLeave, "", nil)
	waitFor(t, func() bool { o, c := counts(); return o == 2 && c == 2 })
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
