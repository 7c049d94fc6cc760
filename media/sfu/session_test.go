package sfu

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/signal"
)

// TestReconnectKeepsRoleAndQueuePlace drops a listener's connection and
// brings it back with its resume token: same participant ID, same role,
// same place in the queue; a wrong user cannot use the token.
func TestReconnectKeepsRoleAndQueuePlace(t *testing.T) {
	s := newTestSFU(t)
	rc := RoomConfig{Questions: 2}
	h := joinRoom(t, s, "r", rc, host("host"), signal.Join{}, false)
	a := joinRoom(t, s, "r", rc, listener("a"), signal.Join{}, false)
	b := joinRoom(t, s, "r", rc, listener("b"), signal.Join{}, false)
	a.send(signal.TypeRaiseHand, "", nil)
	h.waitMsg(signal.TypeQueue, func(m signal.Message) bool { return len(m.Payload.(*signal.Queue).Queue) == 1 })
	h.send(signal.TypeSetQuestion, "", &signal.SetQuestion{Index: 1})
	b.waitMsg(signal.TypeQuestion, nil)
	b.send(signal.TypeRaiseHand, "", nil)
	h.waitMsg(signal.TypeQueue, func(m signal.Message) bool { return len(m.Payload.(*signal.Queue).Queue) == 2 })

	a.close() // connection lost
	h.waitMsg(signal.TypeParticipant, func(m signal.Message) bool {
		p := m.Payload.(*signal.Participant)
		return p.ID == a.id && !p.Connected && p.HandRaised
	})

	thief := startClient(t, s, "r", rc, listener("mallory"), signal.Join{ResumeToken: a.token}, false)
	thief.waitError(signal.CodeForbidden, "join")        // another user's token: refused, a's place untouched
	thief.send(signal.TypeJoin, "again", &signal.Join{}) // and may join as itself on the same connection
	if w := thief.waitMsg(signal.TypeWelcome, nil).Payload.(*signal.Welcome); w.You == a.id || w.Role != string(room.Listener) {
		t.Fatalf("the refused client joined as %+v", w)
	}

	back := joinRoom(t, s, "r", rc, listener("a"), signal.Join{ResumeToken: a.token}, false)
	if back.id != a.id {
		t.Fatalf("rejoined as %s, want %s", back.id, a.id)
	}
	h.send(signal.TypeChat, "", &signal.ChatSend{Text: "welcome back"})
	back.waitMsg(signal.TypeChat, nil)
	h.send(signal.TypeLowerHand, "", nil) // no-op for the host, triggers a queue broadcast
	m := back.waitMsg(signal.TypeQueue, nil)
	q := m.Payload.(*signal.Queue).Queue
	if len(q) != 2 || q[0].ParticipantID != a.id || q[0].Question != 0 || q[1].ParticipantID != b.id || q[1].Question != 1 {
		t.Fatalf("queue after rejoin %+v", q)
	}
	if w := back.welcome; w.Role != string(room.Listener) || len(w.Room.Queue) != 2 || w.Room.Queue[0].ParticipantID != a.id {
		t.Fatalf("welcome after rejoin: %+v", w)
	}
}

// TestGraceExpiryRemovesParticipant uses a short grace so the expiry path
// runs; the wait is bounded, nothing asserts how long it took.
func TestGraceExpiryRemovesParticipant(t *testing.T) {
	s, err := NewSFU(Config{UDPAddr: "127.0.0.1", Grace: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	h := joinRoom(t, s, "g", RoomConfig{}, host("host"), signal.Join{}, false)
	a := joinRoom(t, s, "g", RoomConfig{}, listener("a"), signal.Join{}, false)
	a.close()
	h.waitMsg(signal.TypeParticipant, func(m signal.Message) bool {
		p := m.Payload.(*signal.Participant)
		return p.ID == a.id && !p.Connected
	})
	h.waitMsg(signal.TypeLeft, func(m signal.Message) bool { return m.Payload.(*signal.Target).ParticipantID == a.id })
	late := startClient(t, s, "g", RoomConfig{}, listener("a"), signal.Join{ResumeToken: a.token}, false)
	late.waitError(signal.CodeNotFound, "join")
}

// TestBadMessagesGetErrorsAndRoomKeepsWorking sends garbage, oversized,
// unknown, forbidden and out-of-order messages: each gets an error naming
// the message, the socket stays open, and the others are unaffected.
func TestBadMessagesGetErrorsAndRoomKeepsWorking(t *testing.T) {
	s := newTestSFU(t)
	rc := RoomConfig{Questions: 1}
	early := startClient(t, s, "m", rc, listener("early"), signal.Join{}, false)
	// The client already sent its join; a second join is a conflict.
	early.waitMsg(signal.TypeWelcome, nil)
	early.send(signal.TypeJoin, "j2", &signal.Join{})
	early.waitError(signal.CodeConflict, "j2")

	h := joinRoom(t, s, "m", rc, host("host"), signal.Join{}, false)
	l := joinRoom(t, s, "m", rc, listener("l"), signal.Join{}, false)
	ctx := context.Background()
	cases := []struct {
		raw, code, ref string
	}{
		{`not json`, signal.CodeBadMessage, ""},
		{`{"v":1,"type":"chat","id":"big","payload":{"text":"` + strings.Repeat("x", signal.MaxMessageSize) + `"}}`, signal.CodeTooLarge, ""},
		{`{"v":1,"type":"fly","id":"u"}`, signal.CodeUnknown, "u"},
		{`{"v":1,"type":"chat","id":"f","payload":{"text":"x","bold":true}}`, signal.CodeBadMessage, "f"},
		{`{"v":1,"type":"welcome","id":"w"}`, signal.CodeUnknown, "w"},
		{`{"v":1,"type":"answer","id":"a","payload":{"sdp":"v=0\r\n"}}`, signal.CodeConflict, "a"},
		{`{"v":1,"type":"grant_floor","id":"g","payload":{"participantId":"x"}}`, signal.CodeForbidden, "g"},
		{`{"v":1,"type":"set_question","id":"q","payload":{"index":0}}`, signal.CodeForbidden, "q"},
		{`{"v":1,"type":"end","id":"e"}`, signal.CodeForbidden, "e"},
	}
	for _, c := range cases {
		if err := l.c.SendRaw(ctx, []byte(c.raw)); err != nil {
			t.Fatal(err)
		}
		l.waitError(c.code, c.ref)
	}
	h.send(signal.TypeGrantFloor, "h1", &signal.Target{ParticipantID: "nobody"})
	h.waitError(signal.CodeNotFound, "h1")
	h.send(signal.TypeSetQuestion, "h2", &signal.SetQuestion{Index: 5})
	h.waitError(signal.CodeBadMessage, "h2")

	// Everyone, including the offender, still works.
	l.send(signal.TypeChat, "", &signal.ChatSend{Text: "still here"})
	for _, c := range []*tclient{h, l, early} {
		c.waitMsg(signal.TypeChat, func(m signal.Message) bool { return m.Payload.(*signal.ChatLine).Text == "still here" })
	}
	if ice := l.c.PC().ConnectionState().String(); ice != "connected" {
		t.Fatalf("offender's peer connection is %s", ice)
	}
}

// TestNotJoinedAndFullRoom covers commands before join and capacity.
func TestNotJoinedAndFullRoom(t *testing.T) {
	s := newTestSFU(t)
	rc := RoomConfig{Capacity: 1}

	srv, cli := client.Pipe()
	done := make(chan error, 1)
	go func() { done <- s.Serve(context.Background(), "f", rc, listener("raw"), srv) }()
	ctx := context.Background()
	if err := cli.WriteMessage(ctx, []byte(`{"v":1,"type":"raise_hand","id":"r1"}`)); err != nil {
		t.Fatal(err)
	}
	b, err := cli.ReadMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := signal.DecodeServer(b)
	if err != nil || m.Type != signal.TypeError || m.Payload.(*signal.Error).Code != signal.CodeNotJoined || m.Payload.(*signal.Error).RefID != "r1" {
		t.Fatalf("before join: %s %v", b, err)
	}
	_ = cli.Close()
	if err := <-done; err == nil {
		t.Fatal("Serve returned nil for a connection closed before join")
	}

	joinRoom(t, s, "f", rc, host("host"), signal.Join{}, false)
	full := startClient(t, s, "f", rc, listener("x"), signal.Join{}, false)
	full.waitError(signal.CodeFull, "join")
	if err := <-full.serveErr; err == nil {
		t.Fatal("Serve returned nil for a refused join")
	}
	full.serveErr <- nil
}

// TestRoomEndClosesEverything ends a room from the host and checks that
// every Serve returns, every client is told, and no goroutine is left.
func TestRoomEndClosesEverything(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := NewSFU(Config{UDPAddr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	rc := RoomConfig{Video: true}
	h := joinRoom(t, s, "e", rc, host("host"), signal.Join{}, true)
	ls := []*tclient{
		joinRoom(t, s, "e", rc, listener("a"), signal.Join{}, true),
		joinRoom(t, s, "e", rc, listener("b"), signal.Join{AudioOnly: true}, false),
		joinRoom(t, s, "e", rc, listener("c"), signal.Join{}, false),
	}
	warmUp(t, h, ls...)
	h.send(signal.TypeGrantFloor, "", &signal.Target{ParticipantID: ls[0].id})
	ls[1].waitMsg(signal.TypeFloor, nil)
	warmUp(t, ls[0], ls[1], ls[2])

	h.send(signal.TypeEnd, "end", nil)
	for _, c := range append(ls, h) {
		c.waitMsg(signal.TypeEnded, nil)
		if err := <-c.serveErr; !isClosed(err) {
			t.Errorf("Serve returned %v", err)
		}
		c.serveErr <- nil
	}
	if n := s.Rooms(); n != 0 {
		t.Fatalf("%d rooms left", n)
	}
	for _, c := range append(ls, h) {
		c.close()
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestEndedRoomRefusesLateJoin: after EndRoom, a join (or a reconnect with
// a resume token) for that room gets "ended" instead of a fresh empty room.
func TestEndedRoomRefusesLateJoin(t *testing.T) {
	s := newTestSFU(t)
	h := joinRoom(t, s, "x", RoomConfig{}, host("host"), signal.Join{}, false)
	s.EndRoom("x", "the exchange day is closed")
	m := h.waitMsg(signal.TypeEnded, nil)
	if m.Payload.(*signal.Ended).Reason != "the exchange day is closed" {
		t.Fatalf("ended %+v", m.Payload)
	}
	late := startClient(t, s, "x", RoomConfig{}, host("host"), signal.Join{ResumeToken: h.token}, false)
	late.waitError(signal.CodeEnded, "join")
}

// TestRateLimit floods chat: the excess is answered with rate_limited, the
// connection stays open, and chat works again once the bucket refills.
func TestRateLimit(t *testing.T) {
	s := newTestSFU(t)
	l := joinRoom(t, s, "rl", RoomConfig{}, listener("l"), signal.Join{}, false)
	for i := 0; i < 3*rateBurst; i++ {
		l.send(signal.TypeChat, "", &signal.ChatSend{Text: "spam"})
	}
	l.waitError(signal.CodeRateLimit, "")
	deadline := time.Now().Add(waitLimit)
	for {
		l.send(signal.TypeChat, "", &signal.ChatSend{Text: "calm"})
		select {
		case m := <-l.msgs:
			if m.Type == signal.TypeChat && m.Payload.(*signal.ChatLine).Text == "calm" {
				return
			}
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("chat never worked again after the flood")
		}
	}
}

// TestRemoveAndLeave: a moderator removes a listener (who is told and
// disconnected), another leaves; everyone else sees them go, and once the
// last participant leaves the room is forgotten with no goroutine left.
func TestRemoveAndLeave(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := NewSFU(Config{UDPAddr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	rc := RoomConfig{}
	h := joinRoom(t, s, "rm", rc, host("host"), signal.Join{}, false)
	mod := joinRoom(t, s, "rm", rc, ParticipantInfo{UserID: "u-mod", DisplayName: "mod", Role: room.Moderator}, signal.Join{}, true)
	a := joinRoom(t, s, "rm", rc, listener("a"), signal.Join{}, false)
	b := joinRoom(t, s, "rm", rc, listener("b"), signal.Join{}, false)
	warmUp(t, mod, h, a, b) // the moderator's own stream reaches everyone

	a.send(signal.TypeRemove, "r0", &signal.Target{ParticipantID: b.id})
	a.waitError(signal.CodeForbidden, "r0")
	mod.send(signal.TypeRemove, "r1", &signal.Target{ParticipantID: h.id})
	mod.waitError(signal.CodeForbidden, "r1")
	mod.send(signal.TypeRemove, "r2", &signal.Target{ParticipantID: b.id})
	if m := b.waitMsg(signal.TypeEnded, nil); m.Payload.(*signal.Ended).Reason == "" {
		t.Fatal("removed participant got no reason")
	}
	if err := <-b.serveErr; err != nil {
		t.Fatalf("Serve of the removed participant returned %v", err)
	}
	b.serveErr <- nil
	h.waitMsg(signal.TypeLeft, func(m signal.Message) bool { return m.Payload.(*signal.Target).ParticipantID == b.id })

	mod.send(signal.TypeLeave, "", nil)
	h.waitMsg(signal.TypeLeft, func(m signal.Message) bool { return m.Payload.(*signal.Target).ParticipantID == mod.id })
	if err := <-mod.serveErr; err != nil {
		t.Fatalf("Serve after leave returned %v", err)
	}
	mod.serveErr <- nil
	// the moderator's stream is gone from the others' sessions
	a.waitMsg(signal.TypeOffer, nil)

	for _, c := range []*tclient{a, h} {
		c.send(signal.TypeLeave, "", nil)
		if err := <-c.serveErr; err != nil {
			t.Fatalf("Serve after leave returned %v", err)
		}
		c.serveErr <- nil
	}
	if n := s.Rooms(); n != 0 {
		t.Fatalf("%d rooms left after everyone left", n)
	}
	for _, c := range []*tclient{h, mod, a, b} {
		c.close()
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// The host moves to the next question without keeping old hands: the hands
// raised for the earlier question are lowered and everyone gets the new queue
// and the lowered participants' entries.
func TestQuestionChangeLowersOldHandsWhenAsked(t *testing.T) {
	s := newTestSFU(t)
	rc := RoomConfig{Questions: 3}
	h := joinRoom(t, s, "q", rc, host("host"), signal.Join{}, false)
	a := joinRoom(t, s, "q", rc, listener("a"), signal.Join{}, false)
	b := joinRoom(t, s, "q", rc, listener("b"), signal.Join{}, false)
	a.send(signal.TypeRaiseHand, "", nil)
	h.waitMsg(signal.TypeQueue, func(m signal.Message) bool { return len(m.Payload.(*signal.Queue).Queue) == 1 })
	h.send(signal.TypeSetQuestion, "", &signal.SetQuestion{Index: 1}) // keepHands absent: hands stay
	b.waitMsg(signal.TypeQuestion, func(m signal.Message) bool { return m.Payload.(*signal.Question).Index == 1 })
	b.send(signal.TypeRaiseHand, "", nil)
	h.waitMsg(signal.TypeQueue, func(m signal.Message) bool { return len(m.Payload.(*signal.Queue).Queue) == 2 })

	keep := false
	h.send(signal.TypeSetQuestion, "", &signal.SetQuestion{Index: 2, KeepHands: &keep})
	q := b.waitMsg(signal.TypeQueue, func(m signal.Message) bool { return len(m.Payload.(*signal.Queue).Queue) == 0 })
	if q.Payload.(*signal.Queue).Queue == nil {
		t.Fatal("queue sent as null")
	}
	a.waitMsg(signal.TypeParticipant, func(m signal.Message) bool {
		p := m.Payload.(*signal.Participant)
		return p.ID == a.id && !p.HandRaised
	})
	a.send(signal.TypeSetQuestion, "x", &signal.SetQuestion{Index: 0, KeepHands: &keep})
	a.waitError(signal.CodeForbidden, "x")
}

// The participant entry's mic is the server's view: false until the SFU
// receives the person's sound, true once their packets arrive.
func TestMicFlagIsTheServersView(t *testing.T) {
	s := newTestSFU(t)
	l := joinRoom(t, s, "m", RoomConfig{}, listener("l"), signal.Join{}, false)
	h := joinRoom(t, s, "m", RoomConfig{}, host("host"), signal.Join{}, true)
	if p := h.welcome.Room.Participants; len(p) != 2 || p[1].Mic {
		t.Fatalf("mic before any packet: %+v", p)
	}
	go h.publish(7, 0, 50)
	l.waitMsg(signal.TypeParticipant, func(m signal.Message) bool {
		p := m.Payload.(*signal.Participant)
		return p.ID == h.id && p.Mic
	})
}
