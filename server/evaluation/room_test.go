package evaluation_test

import (
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/testkit"
)

// TestGroupOnlineRoom: a group of an edition meeting online has its own room on the live SFU. Only its
// members enter (not another group's, not the organisers, not strangers), only in the group phase of an
// online edition; inside, everyone may speak at once with no floor to ask for: a member's audio reaches
// another member through the SFU without any grant (real Pion peers over the server's WebSocket).
func TestGroupOnlineRoom(t *testing.T) {
	t.Parallel()
	w, gs := formed(t)
	a := w.a
	g1, g2 := gs[0], gs[1]
	room := "/api/v1/evaluation-groups/" + g1.ID + "/live"
	in1, other := w.clientOf(notFacilitator(g1)), w.clientOf(notFacilitator(g2))
	a.Run(t, []testkit.Scenario{
		{Name: "an in-person edition has no rooms", As: in1, Method: "GET", Path: room, Status: 409, Contains: []string{`"code":"not_online"`}},
	})
	ok(t, a.Do(w.olga, "PATCH", w.edPath, map[string]string{"mode": "both"}), 200)
	a.Run(t, []testkit.Scenario{
		{Name: "not before the group phase", As: in1, Method: "GET", Path: room, Status: 409, Contains: []string{`"code":"wrong_phase"`}},
	})
	w.phase(t, "groups")
	a.Run(t, []testkit.Scenario{
		{Name: "anonymous", Method: "GET", Path: room, Status: 401},
		{Name: "another group's member", As: other, Method: "GET", Path: room, Status: 403, Contains: []string{`"code":"not_in_group"`}},
		{Name: "the organiser does not listen in", As: w.olga, Method: "GET", Path: room, Status: 403, Contains: []string{`"code":"not_in_group"`}},
		{Name: "a stranger", As: w.xavi, Method: "GET", Path: room, Status: 404},
		{Name: "a member, but not as a WebSocket", As: in1, Method: "GET", Path: room, Status: 400, Contains: []string{`"code":"websocket_required"`}},
		{Name: "ICE servers for members", As: in1, Method: "GET", Path: room + "/ice-servers", Status: 200, Contains: []string{`"credential":"`}},
		{Name: "none for others", As: other, Method: "GET", Path: room + "/ice-servers", Status: 403},
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.Serve(ln) }()
	base := ln.Addr().String()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var got atomic.Int64
	roles := make(chan string, 2)
	onWelcome := func(m signal.Message) {
		if wl, ok := m.Payload.(*signal.Welcome); ok {
			roles <- wl.Role
		}
	}
	listener, err := client.New(ctx, dialRoom(t, base, room, w.clientOf(g1.FacilitatorID)), client.Config{
		Join: signal.Join{AudioOnly: true}, OnMessage: onWelcome,
		OnRTP: func(_ *webrtc.TrackRemote, p *rtp.Packet) {
			if len(p.Payload) >= 8 && binary.BigEndian.Uint64(p.Payload) >= 1000 {
				got.Add(1)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	go func() { _ = listener.Run(ctx) }()
	speaker, err := client.New(ctx, dialRoom(t, base, room, in1), client.Config{Join: signal.Join{AudioOnly: true}, Publish: true, OnMessage: onWelcome})
	if err != nil {
		t.Fatal(err)
	}
	defer speaker.Close()
	go func() { _ = speaker.Run(ctx) }()
	for i := 0; i < 2; i++ {
		select {
		case role := <-roles:
			if role != "moderator" {
				t.Fatalf("a group member enters as %q: everyone in a group may speak", role)
			}
		case <-ctx.Done():
			t.Fatal("no welcome")
		}
	}
	// The member speaks at once, nobody granting anything.
	for seq := uint64(1000); got.Load() < 10 && ctx.Err() == nil; seq++ {
		payload := make([]byte, 80)
		binary.BigEndian.PutUint64(payload, seq)
		_ = speaker.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(seq),
			Timestamp: uint32(seq * 960), SSRC: 42}, Payload: payload})
		time.Sleep(20 * time.Millisecond)
	}
	if got.Load() < 10 {
		t.Fatalf("the other member heard %d packets", got.Load())
	}
}

func dialRoom(t *testing.T, base, path string, c *testkit.Client) client.Conn {
	t.Helper()
	h := http.Header{}
	h.Set("Cookie", "teixit_session="+c.Cookie)
	h.Set("Origin", "http://"+base)
	conn, status, err := client.DialWebSocket(context.Background(), "ws://"+base+path, h)
	if err != nil {
		t.Fatalf("dial %s: %v (status %d)", path, err, status)
	}
	return conn
}
