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
	_, err := r.SetQuestion(host.ID, 1, true)
	must(t, err)
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
		if _, err := r.SetQuestion(actor, 1, true); code(err) != signal.CodeForbidden {
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
	if _, err := r.SetQuestion(host.ID, 2, true); code(err) != signal.CodeBadMessage {
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
	back, err := r.Rejoin(b.Token(), b.UserID)
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
	if _, err := r.Rejoin(c.Token(), c.UserID); !errors.Is(err, ErrBadToken) {
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

// A hand keeps the question it was raised for; moving on with keepHands false
// lowers the hands raised for other questions (and says whose), with true
// keeps them in their places.
func TestMovingQuestionKeepsOrLowersOldHands(t *testing.T) {
	r := New(Config{Questions: 3})
	host := join(t, r, "host", Host)
	a, b, c := join(t, r, "a", Listener), join(t, r, "b", Listener), join(t, r, "c", Listener)
	must(t, r.RaiseHand(a.ID))
	must(t, r.RaiseHand(b.ID))
	lowered, err := r.SetQuestion(host.ID, 1, true)
	must(t, err)
	if len(lowered) != 0 || len(r.Queue()) != 2 {
		t.Fatalf("keepHands lowered %v, queue %v", lowered, r.Queue())
	}
	must(t, r.RaiseHand(c.ID))
	lowered, err = r.SetQuestion(host.ID, 1, false) // staying on question 1: only question 0's hands go
	must(t, err)
	if len(lowered) != 2 || lowered[0] != a.ID || lowered[1] != b.ID {
		t.Fatalf("lowered %v", lowered)
	}
	assertQueue(t, r, []signal.QueueEntry{{ParticipantID: c.ID, Question: 1}})
	if a.HandRaised || b.HandRaised || !c.HandRaised {
		t.Fatal("hand flags do not match the queue")
	}
	lowered, err = r.SetQuestion(host.ID, 2, false)
	must(t, err)
	if len(lowered) != 1 || len(r.Queue()) != 0 {
		t.Fatalf("moving to question 3: lowered %v, queue %v", lowered, r.Queue())
	}
	if _, err := r.SetQuestion(a.ID, 0, false); code(err) != signal.CodeForbidden {
		t.Fatalf("a participant moved the question: %v", err)
	}
}

// A resume token works only for the user it was given to: another user's try
// is refused and leaves the owner's place, grace and connection state alone.
func TestResumeTokenOfAnotherUserIsRefused(t *testing.T) {
	r := New(Config{Questions: 2})
	host := join(t, r, "host", Host)
	a, b := join(t, r, "a", Listener), join(t, r, "b", Listener)
	must(t, r.RaiseHand(a.ID))
	_, err := r.SetQuestion(host.ID, 1, true)
	must(t, err)
	t0 := time.Unix(1000, 0)
	r.Disconnect(a.ID, t0)
	if _, err := r.Rejoin(a.Token(), b.UserID); !errors.Is(err, ErrNotYours) || code(err) != signal.CodeForbidden {
		t.Fatalf("another user's token: %v", err)
	}
	if a.Connected {
		t.Fatal("a refused rejoin marked the owner connected")
	}
	if next, ok := r.NextExpiry(); !ok || !next.Equal(t0.Add(DefaultGrace)) {
		t.Fatal("a refused rejoin changed the owner's grace")
	}
	back, err := r.Rejoin(a.Token(), a.UserID)
	must(t, err)
	if back != a || !a.HandRaised {
		t.Fatal("the owner did not get its place back")
	}
	assertQueue(t, r, []signal.QueueEntry{{ParticipantID: a.ID, Question: 0}})
	if _, err := r.Rejoin("", a.UserID); !errors.Is(err, ErrBadToken) {
		t.Fatalf("empty token: %v", err)
	}
}

func TestMicFlagFollowsTheServer(t *testing.T) {
	r := New(Config{})
	a := join(t, r, "a", Listener)
	if !r.SetMic(a.ID, true) || r.SetMic(a.ID, true) {
		t.Fatal("SetMic does not report changes")
	}
	if v, _ := r.View(a.ID); !v.Mic {
		t.Fatal("view without mic")
	}
	r.Disconnect(a.ID, time.Unix(1, 0))
	if v, _ := r.View(a.ID); v.Mic {
		t.Fatal("a dropped participant still shows a microphone")
	}
	if r.SetMic("nobody", true) {
		t.Fatal("unknown participant")
	}
}
