package sfu

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/signal"
)

// waitLimit bounds every wait for something that must happen; tests never
// assert durations.
const waitLimit = 15 * time.Second

func newTestSFU(t testing.TB) *SFU {
	t.Helper()
	s, err := NewSFU(Config{UDPAddr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// got is one received packet, decoded from the test payload.
type got struct {
	tag     byte
	counter uint32
	seq     uint16
	track   string
	kind    webrtc.RTPCodecType
	ssrc    uint32
}

// tclient is a real Pion peer driven through the real signalling protocol.
type tclient struct {
	t        testing.TB
	c        *client.Client
	id       string
	token    string
	welcome  *signal.Welcome
	msgs     chan signal.Message
	rtp      chan got
	serveErr chan error
	runErr   chan error
	cancel   context.CancelFunc
	seq      uint16
	mu       sync.Mutex
}

func joinRoom(t testing.TB, s *SFU, roomID string, rc RoomConfig, info ParticipantInfo, j signal.Join, publish bool) *tclient {
	t.Helper()
	return joinWith(t, s, roomID, rc, info, client.Config{Join: j, Publish: publish})
}

// joinWith joins with a full client configuration (its callbacks are set here).
func joinWith(t testing.TB, s *SFU, roomID string, rc RoomConfig, info ParticipantInfo, cc client.Config) *tclient {
	t.Helper()
	tc := startClientWith(t, s, roomID, rc, info, cc)
	w := tc.waitMsg(signal.TypeWelcome, nil)
	tc.id = w.Payload.(*signal.Welcome).You
	tc.token = w.Payload.(*signal.Welcome).ResumeToken
	tc.welcome = w.Payload.(*signal.Welcome)
	tc.waitConnected()
	return tc
}

func startClient(t testing.TB, s *SFU, roomID string, rc RoomConfig, info ParticipantInfo, j signal.Join, publish bool) *tclient {
	t.Helper()
	return startClientWith(t, s, roomID, rc, info, client.Config{Join: j, Publish: publish})
}

func startClientWith(t testing.TB, s *SFU, roomID string, rc RoomConfig, info ParticipantInfo, cc client.Config) *tclient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, b := client.Pipe()
	tc := &tclient{t: t, msgs: make(chan signal.Message, 4096), rtp: make(chan got, 8192),
		serveErr: make(chan error, 1), runErr: make(chan error, 1), cancel: cancel}
	go func() { tc.serveErr <- s.Serve(ctx, roomID, rc, info, a) }()
	cc.OnMessage = func(m signal.Message) {
		select {
		case tc.msgs <- m:
		default:
		}
	}
	cc.OnRTP = tc.onRTP
	c, err := client.New(ctx, b, cc)
	if err != nil {
		t.Fatal(err)
	}
	tc.c = c
	go func() { tc.runErr <- c.Run(ctx) }()
	t.Cleanup(tc.close)
	return tc
}

func (tc *tclient) onRTP(tr *webrtc.TrackRemote, p *rtp.Packet) {
	if len(p.Payload) < 5 {
		return
	}
	select {
	case tc.rtp <- got{tag: p.Payload[0], counter: binary.BigEndian.Uint32(p.Payload[1:]), seq: p.SequenceNumber, track: tr.StreamID(), kind: tr.Kind(), ssrc: uint32(tr.SSRC())}:
	default:
	}
}

func (tc *tclient) close() {
	_ = tc.c.Close()
	tc.cancel()
	<-tc.serveErr
	<-tc.runErr
	tc.serveErr <- nil // later close calls do not block
	tc.runErr <- nil
}

func (tc *tclient) waitConnected() {
	tc.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for tc.c.PC().ConnectionState() != webrtc.PeerConnectionStateConnected {
		if time.Now().After(deadline) {
			tc.t.Fatalf("peer not connected: %s (ICE %s)", tc.c.PC().ConnectionState(), tc.c.PC().ICEConnectionState())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitMsg returns the next message of type typ satisfying ok, skipping others.
func (tc *tclient) waitMsg(typ string, ok func(signal.Message) bool) signal.Message {
	tc.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case m := <-tc.msgs:
			if m.Type == typ && (ok == nil || ok(m)) {
				return m
			}
		case <-timeout:
			tc.t.Fatalf("no %s message", typ)
		}
	}
}

func (tc *tclient) waitError(code, ref string) {
	tc.t.Helper()
	tc.waitMsg(signal.TypeError, func(m signal.Message) bool {
		e := m.Payload.(*signal.Error)
		return e.Code == code && e.RefID == ref
	})
}

func (tc *tclient) send(typ, id string, payload any) {
	tc.t.Helper()
	if err := tc.c.Send(context.Background(), typ, id, payload); err != nil {
		tc.t.Fatal(err)
	}
}

// publish writes n Opus-sized packets tagged tag with counters from first.
func (tc *tclient) publish(tag byte, first uint32, n int) {
	tc.t.Helper()
	tc.mu.Lock()
	defer tc.mu.Unlock()
	payload := make([]byte, 80)
	payload[0] = tag
	for i := 0; i < n; i++ {
		tc.seq++
		binary.BigEndian.PutUint32(payload[1:], first+uint32(i))
		p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: tc.seq, Timestamp: uint32(tc.seq) * 960, SSRC: 0}, Payload: payload}
		if err := tc.c.Audio().WriteRTP(p); err != nil {
			tc.t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // pacing, not a timing assertion
	}
}

// collect receives packets until it has every counter in [first, first+n)
// of tag, and returns everything seen meanwhile.
func (tc *tclient) collect(tag byte, first uint32, n int) []got {
	tc.t.Helper()
	seen := map[uint32]bool{}
	var all []got
	timeout := time.After(waitLimit)
	for len(seen) < n {
		select {
		case g := <-tc.rtp:
			all = append(all, g)
			if g.tag == tag && g.counter >= first && g.counter < first+uint32(n) {
				seen[g.counter] = true
			}
		case <-timeout:
			var missing []uint32
			for i := first; i < first+uint32(n); i++ {
				if !seen[i] {
					missing = append(missing, i)
				}
			}
			tc.t.Fatalf("%s: got %d of %d packets tagged %c, missing %v", tc.id, len(seen), n, tag, missing)
		}
	}
	return all
}

// warmUp has src publish until every receiver got at least one packet: the
// first packets of a new stream may race the DTLS handshake's last flight
// (as in any WebRTC stack), and the tests assert on steady state.
func warmUp(t testing.TB, src *tclient, receivers ...*tclient) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	pending := append([]*tclient(nil), receivers...)
	for len(pending) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("warm-up: %d receivers got nothing", len(pending))
		}
		src.publish('W', 0, 5)
		var still []*tclient
		for _, r := range pending {
			if !r.drainFor('W') {
				still = append(still, r)
			}
		}
		pending = still
	}
}

// drainFor empties the received queue and reports whether tag was in it.
func (tc *tclient) drainFor(tag byte) bool {
	found := false
	for {
		select {
		case g := <-tc.rtp:
			found = found || g.tag == tag
		default:
			return found
		}
	}
}

func countTag(gs []got, tag byte) int {
	n := 0
	for _, g := range gs {
		if g.tag == tag {
			n++
		}
	}
	return n
}

func host(name string) ParticipantInfo {
	return ParticipantInfo{UserID: "u-" + name, DisplayName: name, Role: room.Host}
}

func listener(name string) ParticipantInfo {
	return ParticipantInfo{UserID: "u-" + name, DisplayName: name, Role: room.Listener}
}

func isClosed(err error) bool {
	return err == nil || errors.Is(err, client.ErrPipeClosed) || errors.Is(err, context.Canceled)
}
