package room

import (
	"testing"

	"github.com/teixit/teixit/media/signal"
)

func TestRecordingConsentPerTurn(t *testing.T) {
	r := New(Config{Questions: 2})
	host := join(t, r, "host", Host)
	a, b := join(t, r, "a", Listener), join(t, r, "b", Listener)

	if !r.SetRecording(true) || r.SetRecording(true) || !r.State().Recording {
		t.Fatal("SetRecording must report a change once and show in the state")
	}
	if err := r.SetConsent(a.ID, true); err != ErrNoFloor {
		t.Fatalf("consent without the floor: %v", err)
	}
	if err := r.SetConsent(host.ID, true); err != ErrAlwaysRecorded {
		t.Fatalf("consent from the host: %v", err)
	}
	if err := r.SetConsent("nobody", true); code(err) != signal.CodeNotFound {
		t.Fatalf("consent from a stranger: %v", err)
	}
	if _, err := r.GrantFloor(host.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	must(t, r.SetConsent(a.ID, false))
	if v, _ := r.View(a.ID); v.Consent != signal.ConsentDeclined || !r.CanPublish(a.ID) {
		t.Fatalf("declining keeps the floor and shows the answer: %+v", v)
	}
	must(t, r.SetConsent(a.ID, true)) // may change their mind during the turn
	if v, _ := r.View(a.ID); v.Consent != signal.ConsentAgreed {
		t.Fatalf("changed answer: %+v", v)
	}
	if _, err := r.GrantFloor(host.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.View(a.ID); v.Consent != signal.ConsentAgreed {
		t.Fatalf("the last answer stays visible after the turn: %+v", v)
	}
	if _, err := r.GrantFloor(host.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.View(a.ID); v.Consent != "" {
		t.Fatalf("a new turn asks again: %+v", v)
	}
}

func TestKeyPointsKeptForLateJoiners(t *testing.T) {
	r := New(Config{})
	r.AddKeyPoint(signal.KeyPoint{ID: "k1", Text: "one"})
	r.AddKeyPoint(signal.KeyPoint{ID: "k2", Text: "two"})
	r.AddKeyPoint(signal.KeyPoint{ID: "k1", Text: "one, edited"})
	r.RemoveKeyPoint("k2")
	r.RemoveKeyPoint("unknown")
	if kp := r.State().KeyPoints; len(kp) != 1 || kp[0].Text != "one, edited" {
		t.Fatalf("key points %+v", kp)
	}
	for i := 0; i < MaxKeyPoints+5; i++ {
		r.AddKeyPoint(signal.KeyPoint{ID: string(rune('a'+i%26)) + string(rune(i))})
	}
	if n := len(r.State().KeyPoints); n != MaxKeyPoints {
		t.Fatalf("kept %d key points", n)
	}
	r.ForceEnd()
	if r.AddKeyPoint(signal.KeyPoint{ID: "late"}) || r.SetRecording(false) {
		t.Fatal("an ended room changed")
	}
}
