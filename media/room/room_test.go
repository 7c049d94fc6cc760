package room

import (
	"errors"
	"testing"
	"time"

	"github.com/teixit/teixit/media/signal"
)

func join(t *testing.T, r *Room, name string, role Role) *Participant {
	t.Helper()
	p, err := r.Join("u-"+name, name, role, false)
	if err != nil {
		t.Fatalf("join %s: %v", name, err)
	}
	return p
}

func code(err error) string {
	var e *signal.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestQueueOrderAndQuestionTag(t *testing.T) {
	r := New(Config{Questions: 3})
	host := join(t, r, "host", Host)
	a, b, c := join(t, r, "a", Listener), join(t, r, "b", Listener), join(t, r, "c", Listener)
	must(t, r.RaiseHand(b.ID))
	must(t, r.SetQuestion(host.ID, 1))
	must(t, r.RaiseHand(a.ID))
	must(t, r.RaiseHand(b.ID)) // idempotent: keeps b's first place
	must(t, r.RaiseHand(c.ID))
	want := []signal.QueueEntry{{ParticipantID: b.ID, Question: 0}, {ParticipantID: a.ID, Question: 1}, {ParticipantID: c.ID, Question: 1}}
	assertQueue(t, r, want)
	must(t, r.LowerHand(a.ID))
	assertQueue(t, r, []signal.QueueEntry{want[0], want[2]})
	if a.HandRaised || !b.HandRaised {
		t.Fatal("hand flags out of step with the queue")
	}
}

func TestFloorRules(t *testing.T) {
	r := New(Config{Questions: 2})
	host := join(t, r, "host", Host)
	mod := join(t, r, "mod", Moderator)
	a, b := join(t, r, "a", Listener), join(t, r, "b", Listener)
	rap := join(t, r, "rap", Rapporteur)

	if !r.CanPublish(host.ID) || !r.CanPublish(mod.ID) || r.CanPublish(a.ID) || r.CanPublish(rap.ID) {
		t.Fatal("initial publish rights wrong")
	}
	for _, actor := range []string{a.ID, rap.ID} {
		if _, err := r.GrantFloor(actor, a.ID); code(err) != signal.CodeForbidden {
			t.Fatalf("non-moderator grant: %v", err)
		}
		if err := r.Mute(actor, host.ID); code(err) != signal.CodeForbidden {
			t.Fatalf("non-moderator mute: %v", err)
		}
		if err := r.Remove(actor, b.ID); code(err) != signal.CodeForbidden {
			t.Fatalf("non-moderator remove: %v", err)
		}
		if err := r.SetQuestion(actor, 1); code(err) != signal.CodeForbidden {
			t.Fatalf("non-moderator set_question: %v", err)
		}
	}
	must(t, r.RaiseHand(a.ID))
	revoked, err := r.GrantFloor(mod.ID, a.ID)
	must(t, err)
	if revoked != "" || r.Floor() != a.ID || !r.CanPublish(a.ID) || a.Role != Speaker || a.HandRaised || len(r.Queue()) != 0 {
		t.Fatalf("after grant: floor %q role %s queue %v", r.Floor(), a.Role, r.Queue())
	}
	revoked, err = r.GrantFloor(host.ID, b.ID)
	must(t, err)
	if revoked != a.ID || r.CanPublish(a.ID) || !r.CanPublish(b.ID) {
		t.Fatal("second grant must revoke the first holder")
	}
	must(t, r.Mute(host.ID, b.ID))
	if r.CanPublish(b.ID) {
		t.Fatal("muted floor holder still publishes")
	}
	must(t, r.Unmute(mod.ID, b.ID))
	if !r.CanPublish(b.ID) {
		t.Fatal("unmuted floor holder cannot publish")
	}
	if err := r.RevokeFloor(a.ID, b.ID); code(err) != signal.CodeForbidden {
		t.Fatalf("listener revoking another: %v", err)
	}
	must(t, r.RevokeFloor(b.ID, b.ID)) // giving up one's own floor
	if r.Floor() != "" || r.CanPublish(b.ID) {
		t.Fatal("floor not released")
	}
	if err := r.RevokeFloor(host.ID, b.ID); code(err) != signal.CodeConflict {
		t.Fatalf("revoking a floor not held: %v", err)
	}
	if err := r.SetQuestion(host.ID, 2); code(err) != signal.CodeBadMessage {
		t.Fatalf("question out of range: %v", err)
	}
	if err := r.Remove(mod.ID, host.ID); code(err) != signal.CodeForbidden {
		t.Fatalf("removing the host: %v", err)
	}
	must(t, r.Remove(mod.ID, a.ID))
	if !a.Gone || r.Len() != 4 {
		t.Fatal("removed participant still present")
	}
	if _, err := r.GrantFloor(mod.ID, "nobody"); code(err) != signal.CodeNotFound {
		t.Fatalf("grant to unknown: %v", err)
	}
}

func TestReconnectKeepsRoleQueueAndFloorWithinGrace(t *testing.T) {
	r := New(Config{Grace: 30 * time.Second})
	host := join(t, r, "host", Host)
	a, b, c := join(t, r, "a", Listener), join(t, r, "b", Listener), join(t, r, "c", Listener)
	must(t, r.RaiseHand(a.ID))
	must(t, r.RaiseHand(b.ID))
	must(t, r.RaiseHand(c.ID))
	_, err := r.GrantFloor(host.ID, c.ID)
	must(t, err)

	t0 := time.Unix(1000, 0)
	r.Disconnect(b.ID, t0)
	r.Disconnect(c.ID, t0.Add(10*time.Second))
	if next, ok := r.NextExpiry(); !ok || !next.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("next expiry %v %v", next, ok)
	}
	if gone := r.Expire(t0.Add(29 * time.Second)); len(gone) != 0 {
		t.Fatalf("expired too early: %v", gone)
	}
	back, err := r.Rejoin(b.Token())
	must(t, err)
	if back != b || !b.Connected || b.Role != Listener {
		t.Fatal("rejoin did not return the same participant")
	}
	assertQueue(t, r, []signal.QueueEntry{{ParticipantID: a.ID}, {ParticipantID: b.ID}})
	if gone := r.Expire(t0.Add(40 * time.Second)); len(gone) != 1 || gone[0] != c.ID {
		t.Fatalf("expire: %v", gone)
	}
	if r.Floor() != "" {
		t.Fatal("expired participant kept the floor")
	}
	if _, err := r.Rejoin(c.Token()); !errors.Is(err, ErrBadToken) {
		t.Fatalf("rejoin after expiry: %v", err)
	}
	if _, ok := r.NextExpiry(); ok {
		t.Fatal("no one should be pending")
	}
}

func TestCapacityChatAndEnd(t *testing.T) {
	r := New(Config{Capacity: 2, ChatHistory: 2})
	host := join(t, r, "host", Host)
	a := join(t, r, "a", Listener)
	if _, err := r.Join("u", "x", Listener, false); !errors.Is(err, ErrFull) {
		t.Fatalf("over capacity: %v", err)
	}
	if _, err := r.Join("u", "x", Role("king"), false); err == nil {
		t.Fatal("bad role accepted")
	}
	now := time.Unix(0, 0)
	for _, s := range []string{"1", "2", "3"} {
		if _, err := r.Chat(a.ID, s, now); err != nil {
			t.Fatal(err)
		}
	}
	if st := r.State(); len(st.Chat) != 2 || st.Chat[0].Text != "2" || st.Chat[1].Name != "a" {
		t.Fatalf("chat history %+v", st.Chat)
	}
	if err := r.End(a.ID); code(err) != signal.CodeForbidden {
		t.Fatalf("listener ended the room: %v", err)
	}
	must(t, r.End(host.ID))
	if _, err := r.Join("u", "y", Listener, false); !errors.Is(err, ErrEnded) {
		t.Fatalf("join after end: %v", err)
	}
	if err := r.RaiseHand(a.ID); !errors.Is(err, ErrEnded) || r.CanPublish(host.ID) {
		t.Fatal("ended room still active")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func assertQueue(t *testing.T, r *Room, want []signal.QueueEntry) {
	t.Helper()
	got := r.Queue()
	if len(got) != len(want) {
		t.Fatalf("queue %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("queue %v, want %v", got, want)
		}
	}
}
