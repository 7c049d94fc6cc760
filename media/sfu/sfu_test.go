package sfu

import (
	"testing"

	"github.com/teixit/teixit/media/signal"
)

// TestFloorControlsForwarding drives a host and four listeners, all real
// Pion peers on loopback: only the floor holder's and the host's packets
// reach the others, and grant, revoke, switch and mute take effect in order.
// The host's packets serve as a barrier: once a listener has all of a host
// batch sent after a forbidden batch, the forbidden one had its chance.
func TestFloorControlsForwarding(t *testing.T) {
	s := newTestSFU(t)
	rc := RoomConfig{Questions: 3}
	h := joinRoom(t, s, "r1", rc, host("host"), signal.Join{}, true)
	a := joinRoom(t, s, "r1", rc, listener("a"), signal.Join{AudioOnly: true}, true)
	b := joinRoom(t, s, "r1", rc, listener("b"), signal.Join{}, true)
	others := []*tclient{joinRoom(t, s, "r1", rc, listener("c"), signal.Join{}, false),
		joinRoom(t, s, "r1", rc, listener("d"), signal.Join{}, false)}
	everyone := []*tclient{h, a, b, others[0], others[1]}

	// Host (always forwarded) reaches all four listeners.
	warmUp(t, h, a, b, others[0], others[1])
	h.publish('H', 0, 30)
	for _, l := range []*tclient{a, b, others[0], others[1]} {
		l.collect('H', 0, 30)
	}

	// B has no floor: its packets are dropped, the host's still arrive.
	b.publish('B', 0, 30)
	h.publish('H', 100, 30)
	for _, l := range []*tclient{a, others[0], others[1]} {
		if gs := l.collect('H', 100, 30); countTag(gs, 'B') != 0 {
			t.Fatalf("listener %s received packets from a listener without the floor", l.id)
		}
	}

	// A raises its hand and gets the floor: A reaches everyone else.
	a.send(signal.TypeRaiseHand, "1", nil)
	h.waitMsg(signal.TypeQueue, func(m signal.Message) bool {
		q := m.Payload.(*signal.Queue).Queue
		return len(q) == 1 && q[0].ParticipantID == a.id
	})
	h.send(signal.TypeGrantFloor, "2", &signal.Target{ParticipantID: a.id})
	for _, c := range everyone {
		c.waitMsg(signal.TypeFloor, func(m signal.Message) bool {
			f := m.Payload.(*signal.Floor)
			return f.ParticipantID == a.id && f.State == signal.FloorGranted
		})
	}
	a.publish('A', 0, 50)
	var lastSeq uint16
	for _, l := range []*tclient{h, b, others[0], others[1]} {
		gs := l.collect('A', 0, 50)
		if l == others[0] {
			lastSeq = lastFloorSeq(gs, 'A')
		}
	}

	// Granting B revokes A: A is announced revoked, then B granted, and B's
	// packets continue the same floor stream (no renegotiation, contiguous
	// sequence numbers), while A's are no longer forwarded.
	h.send(signal.TypeGrantFloor, "3", &signal.Target{ParticipantID: b.id})
	for _, c := range everyone {
		c.waitMsg(signal.TypeFloor, func(m signal.Message) bool {
			f := m.Payload.(*signal.Floor)
			return f.ParticipantID == a.id && f.State == signal.FloorRevoked
		})
		c.waitMsg(signal.TypeFloor, func(m signal.Message) bool {
			f := m.Payload.(*signal.Floor)
			return f.ParticipantID == b.id && f.State == signal.FloorGranted
		})
	}
	b.publish('B', 1000, 40)
	gs := others[0].collect('B', 1000, 40)
	if first := firstFloorSeq(gs, 'B'); first != lastSeq+1 {
		t.Errorf("floor stream not contiguous across the switch: A ended at %d, B started at %d", lastSeq, first)
	}
	a.publish('A', 1000, 30)
	h.publish('H', 200, 30)
	for _, l := range []*tclient{others[0], others[1]} {
		if gs := l.collect('H', 200, 30); countTag(gs, 'A') != 0 {
			t.Fatalf("revoked speaker still forwarded to %s", l.id)
		}
	}

	// Muting B stops it; a listener cannot mute.
	a.send(signal.TypeMute, "4", &signal.Target{ParticipantID: h.id})
	a.waitError(signal.CodeForbidden, "4")
	h.send(signal.TypeMute, "5", &signal.Target{ParticipantID: b.id})
	others[1].waitMsg(signal.TypeParticipant, func(m signal.Message) bool {
		p := m.Payload.(*signal.Participant)
		return p.ID == b.id && p.Muted
	})
	b.publish('B', 2000, 30)
	h.publish('H', 300, 30)
	for _, l := range []*tclient{others[0], others[1]} {
		if gs := l.collect('H', 300, 30); countTag(gs, 'B') != 0 {
			t.Fatalf("muted speaker still forwarded to %s", l.id)
		}
	}

	st := s.Stats()
	if st.Rooms != 1 || st.Participants != 5 || st.Connections != 5 || st.PacketsOut <= st.PacketsIn || st.PacketsIn == 0 ||
		st.PacketsWithheld == 0 { // the muted speaker's packets were received and withheld
		t.Fatalf("stats %+v", st)
	}
}

func lastFloorSeq(gs []got, tag byte) uint16 {
	var s uint16
	for _, g := range gs {
		if g.tag == tag && g.track == "floor" {
			s = g.seq
		}
	}
	return s
}

func firstFloorSeq(gs []got, tag byte) uint16 {
	for _, g := range gs {
		if g.tag == tag && g.track == "floor" {
			return g.seq
		}
	}
	return 0
}
