package live_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/ogg"
	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/testkit"
)

// inbox is a joined participant's received messages.
type inbox struct {
	t  *testing.T
	c  *client.Client
	ch chan signal.Message
}

func joinAs(t *testing.T, ctx context.Context, f *fixture, who *testkit.Client, publish bool) *inbox {
	t.Helper()
	in := &inbox{t: t, ch: make(chan signal.Message, 1024)}
	c, err := client.New(ctx, dial(t, f, who), client.Config{Join: signal.Join{AudioOnly: true}, Publish: publish,
		OnMessage: func(m signal.Message) {
			select {
			case in.ch <- m:
			default:
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	in.c = c
	t.Cleanup(func() { _ = c.Close() })
	go func() { _ = c.Run(ctx) }()
	return in
}

// next waits for the first message of type typ that ok accepts (nil: any).
func (in *inbox) next(typ string, ok func(signal.Message) bool) signal.Message {
	in.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m := <-in.ch:
			if m.Type == typ && (ok == nil || ok(m)) {
				return m
			}
		case <-timeout:
			in.t.Fatalf("no %s message", typ)
		}
	}
}

func (in *inbox) send(typ string, payload any) {
	in.t.Helper()
	if err := in.c.Send(context.Background(), typ, typ, payload); err != nil {
		in.t.Fatal(err)
	}
}

// TestRecordingNoticeAndKeyPoints: a participant who joins while recording learns it from the welcome; the
// host's stop reaches everyone as a "recording" message; a consent answer without the floor is refused with
// an error (the room carries on); key points announced through the Go API reach the room, are kept for late
// joiners, and can be withdrawn; the session clock is the recording manifest's start.
func TestRecordingNoticeAndKeyPoints(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rec := "/api/v1/exchange-days/" + f.day + "/recording/live"

	if _, ok := f.a.Live.SessionClock(f.day); ok {
		t.Fatal("a day without any session has no session clock")
	}
	f.a.Live.AnnounceKeyPoint(f.day, signal.KeyPoint{ID: "early"}) // no room: nothing happens
	f.a.Live.RetractKeyPoint(f.day, "early")

	host := joinAs(t, ctx, f, f.host, false)
	if w := host.next(signal.TypeWelcome, nil).Payload.(*signal.Welcome); w.Room.Recording || w.Revision != signal.Revision {
		t.Fatalf("host welcome %+v", w)
	}
	started, ok := f.a.Live.SessionClock(f.day)
	if !ok || time.Since(started) > time.Minute {
		t.Fatalf("session clock %v %v", started, ok)
	}
	f.a.Run(t, []testkit.Scenario{{Name: "the host starts", As: f.host, Method: "POST", Path: rec, Status: 200, Contains: []string{`"recording":true`}}})
	host.next(signal.TypeRecording, func(m signal.Message) bool { return m.Payload.(*signal.Recording).On })

	f.a.Live.AnnounceKeyPoint(f.day, signal.KeyPoint{ID: "k1", Question: 1, Text: "Rent arrears start with the first unpaid bill", AtMs: 1200, Author: "Rita"})
	host.next(signal.TypeKeyPoint, nil)

	pep := joinAs(t, ctx, f, f.participant, true)
	w := pep.next(signal.TypeWelcome, nil).Payload.(*signal.Welcome)
	if !w.Room.Recording || len(w.Room.KeyPoints) != 1 || w.Room.KeyPoints[0].Text != "Rent arrears start with the first unpaid bill" {
		t.Fatalf("a late joiner's welcome: recording %v, key points %+v", w.Room.Recording, w.Room.KeyPoints)
	}

	pep.send(signal.TypeRecordingConsent, &signal.RecordingConsent{Consent: new(bool)})
	if e := pep.next(signal.TypeError, nil).Payload.(*signal.Error); e.Code != signal.CodeConflict || e.RefID != signal.TypeRecordingConsent {
		t.Fatalf("consent without the floor: %+v", e)
	}
	pep.send(signal.TypeRecordingConsent, map[string]any{})
	if e := pep.next(signal.TypeError, nil).Payload.(*signal.Error); e.Code != signal.CodeBadMessage {
		t.Fatalf("consent without an answer: %+v", e)
	}

	f.a.Live.AnnounceKeyPoint(f.day, signal.KeyPoint{ID: "k2", Question: 1, Text: "Digital divide", AtMs: 5000, Author: "Rita"})
	kp := pep.next(signal.TypeKeyPoint, nil).Payload.(*signal.KeyPoint)
	if *kp != (signal.KeyPoint{ID: "k2", Question: 1, Text: "Digital divide", AtMs: 5000, Author: "Rita"}) {
		t.Fatalf("key point %+v", kp)
	}
	f.a.Live.RetractKeyPoint(f.day, "k1")
	if r := pep.next(signal.TypeKeyPointRemoved, nil).Payload.(*signal.KeyPointRemoved); r.ID != "k1" {
		t.Fatalf("removed %+v", r)
	}

	f.a.Run(t, []testkit.Scenario{{Name: "the host stops", As: f.host, Method: "DELETE", Path: rec, Status: 200, Contains: []string{`"recording":false`}}})
	pep.next(signal.TypeRecording, func(m signal.Message) bool { return !m.Payload.(*signal.Recording).On })
	host.next(signal.TypeRecording, func(m signal.Message) bool { return !m.Payload.(*signal.Recording).On })
	if again, _ := f.a.Live.SessionClock(f.day); !again.Equal(started) {
		t.Fatalf("session clock moved: %v then %v", started, again)
	}
}

// speak sends n Opus packets, 20 ms apart, from c's microphone track.
func speak(c *client.Client, seq *uint16, n int) {
	for i := 0; i < n; i++ {
		*seq++
		_ = c.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: *seq,
			Timestamp: uint32(*seq) * 960, SSRC: 9}, Payload: make([]byte, 60)})
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRoomEndFinishesTheRecording: when the last participant leaves, the day's recording is finished at once
// (every listed segment has its end and a final end-of-stream page) without a server shutdown; the next
// session of the same day starts with recording off and appends to the same manifest, numbering on.
func TestRoomEndFinishesTheRecording(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	rec := "/api/v1/exchange-days/" + f.day + "/recording/live"
	dir := filepath.Join(f.a.Config.DataDir, "recordings", f.day)
	var seq uint16

	session := func(want int) {
		host := joinAs(t, ctx, f, f.host, true)
		if w := host.next(signal.TypeWelcome, nil).Payload.(*signal.Welcome); w.Room.Recording {
			t.Fatal("a new session starts with recording off")
		}
		f.a.Run(t, []testkit.Scenario{{Name: "start", As: f.host, Method: "POST", Path: rec, Status: 200}})
		seg := filepath.Join(dir, fmt.Sprintf("seg-%04d.ogg", want))
		deadline := time.Now().Add(30 * time.Second)
		for {
			speak(host.c, &seq, 5)
			if b, _ := os.ReadFile(seg); len(ogg.Scan(b)) > 20 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("nothing recorded in %s", seg)
			}
		}
		host.send(signal.TypeLeave, nil) // the last one leaves: the room is gone
		waitFinished(t, dir, want)       // the room's end finishes the recording
		endsWithEOS(t, seg)
	}
	session(1)
	started, _ := f.a.Live.SessionClock(f.day)
	session(2)
	m, err := recorder.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Started.Equal(started) || m.Turns[0].File != "seg-0001.ogg" || m.Turns[1].File != "seg-0002.ogg" || m.Turns[1].StartMS <= *m.Turns[0].EndMS {
		t.Fatalf("second session did not append on the same clock: %+v", m)
	}
}

// rapporteurIs names one user as every day's rapporteur, as server/recording would for its day.
type rapporteurIs string

func (r rapporteurIs) IsRapporteur(_ context.Context, _, userID string) bool {
	return string(r) == userID
}

// TestRapporteurRole: the day's named rapporteur joins as "rapporteur" (and the host stays host).
func TestRapporteurRole(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	f.a.Live.SetRapporteurs(rapporteurIs(f.participant.UserID))
	defer f.a.Live.SetRapporteurs(nil)
	host := joinAs(t, ctx, f, f.host, false)
	if w := host.next(signal.TypeWelcome, nil).Payload.(*signal.Welcome); w.Role != "host" {
		t.Fatalf("host joined as %q", w.Role)
	}
	pep := joinAs(t, ctx, f, f.participant, false)
	if w := pep.next(signal.TypeWelcome, nil).Payload.(*signal.Welcome); w.Role != "rapporteur" {
		t.Fatalf("the rapporteur joined as %q", w.Role)
	}
}

// TestConsentDuringATurnThroughTheServer: recording switched on before anyone joined shows in the first
// welcome; a participant given the floor is not recorded until they agree, is recorded from their answer on
// (the answer shows in their participant entry and in the manifest), and withdrawing it ends their segment
// while they keep the floor.
func TestConsentDuringATurnThroughTheServer(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := filepath.Join(f.a.Config.DataDir, "recordings", f.day)
	f.a.Run(t, []testkit.Scenario{{Name: "start before anyone joined", As: f.host, Method: "POST",
		Path: "/api/v1/exchange-days/" + f.day + "/recording/live", Status: 200}})

	host := joinAs(t, ctx, f, f.host, false)
	if w := host.next(signal.TypeWelcome, nil).Payload.(*signal.Welcome); !w.Room.Recording {
		t.Fatal("the first welcome does not say the session is being recorded")
	}
	pep := joinAs(t, ctx, f, f.participant, true)
	pepID := pep.next(signal.TypeWelcome, nil).Payload.(*signal.Welcome).You
	deadline := time.Now().Add(20 * time.Second)
	for pep.c.PC().ConnectionState() != webrtc.PeerConnectionStateConnected {
		if time.Now().After(deadline) {
			t.Fatal("participant not connected")
		}
		time.Sleep(10 * time.Millisecond)
	}
	host.send(signal.TypeGrantFloor, &signal.Target{ParticipantID: pepID})
	pep.next(signal.TypeFloor, func(m signal.Message) bool { return m.Payload.(*signal.Floor).State == signal.FloorGranted })
	var seq uint16
	speak(pep.c, &seq, 50) // a second without an answer: nothing recorded
	if m, _ := recorder.ReadManifest(dir); len(m.Turns) != 0 {
		t.Fatalf("recorded before consenting: %+v", m.Turns)
	}

	yes, no := true, false
	pep.send(signal.TypeRecordingConsent, &signal.RecordingConsent{Consent: &yes})
	host.next(signal.TypeParticipant, func(m signal.Message) bool {
		v := m.Payload.(*signal.Participant)
		return v.ID == pepID && v.Consent == signal.ConsentAgreed
	})
	seg := filepath.Join(dir, "seg-0001.ogg")
	deadline = time.Now().Add(30 * time.Second)
	for {
		speak(pep.c, &seq, 5)
		if b, _ := os.ReadFile(seg); len(ogg.Scan(b)) > 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the consenting speaker was not recorded")
		}
	}
	pep.send(signal.TypeRecordingConsent, &signal.RecordingConsent{Consent: &no})
	host.next(signal.TypeParticipant, func(m signal.Message) bool {
		v := m.Payload.(*signal.Participant)
		return v.ID == pepID && v.Consent == signal.ConsentDeclined && v.HasFloor
	})
	deadline = time.Now().Add(15 * time.Second)
	for {
		speak(pep.c, &seq, 2) // the segment ends at the next packet after withdrawing
		m, err := recorder.ReadManifest(dir)
		if err == nil && len(m.Turns) == 1 && m.Turns[0].EndMS != nil {
			if e := m.Turns[0]; e.DisplayName != "Pep" || e.Role != "speaker" {
				t.Fatalf("recorded turn %+v", e)
			}
			if len(m.Consents) != 2 || !m.Consents[0].Consent || m.Consents[1].Consent || m.Consents[0].DisplayName != "Pep" {
				t.Fatalf("consents %+v", m.Consents)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("withdrawing consent did not end the segment: %+v %v", m, err)
		}
	}
	speak(pep.c, &seq, 25)
	if m, _ := recorder.ReadManifest(dir); len(m.Turns) != 1 {
		t.Fatalf("recorded after withdrawing: %+v", m.Turns)
	}
}
