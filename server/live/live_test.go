package live_test

import (
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/testkit"
)

type fixture struct {
	a                    *testkit.App
	base, day            string
	host, participant    *testkit.Client
	outsider, dayPending *testkit.Client
}

func setup(t *testing.T) *fixture {
	a := testkit.NewApp(t)
	f := &fixture{a: a}
	f.host = a.Register("host@example.org", "Amfitriona")
	f.participant = a.Register("pep@example.org", "Pep")
	f.outsider = a.Register("out@example.org", "Out")
	var org, day struct{ ID string }
	a.Do(f.host, "POST", "/api/v1/organisations", map[string]string{"name": "Xarxa d'habitatge", "kind": "housing_entity"}).JSON(t, &org)
	start := time.Now().Add(-10 * time.Minute)
	a.Do(f.host, "POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": org.ID, "title": "Jornada en directe",
		"startsAt": start, "endsAt": start.Add(2 * time.Hour), "agenda": []map[string]any{{"text": "Impagaments"}, {"text": "Bretxa digital"}}}).JSON(t, &day)
	f.day = day.ID
	if r := a.Do(f.participant, "POST", "/api/v1/exchange-days/"+day.ID+"/registration", nil); r.Status != 200 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.Serve(ln) }()
	f.base = ln.Addr().String()
	return f
}

func TestAdmissionBeforeUpgrade(t *testing.T) {
	f := setup(t)
	live := "/api/v1/exchange-days/" + f.day + "/live"
	f.a.Run(t, []testkit.Scenario{
		{Name: "anonymous", Method: "GET", Path: live, Status: 401},
		{Name: "not registered", As: f.outsider, Method: "GET", Path: live, Status: 403, Contains: []string{"Register for this exchange day"}},
		{Name: "unknown day", As: f.participant, Method: "GET", Path: "/api/v1/exchange-days/nope/live", Status: 404},
		{Name: "registered but not a WebSocket", As: f.participant, Method: "GET", Path: live, Status: 400, Contains: []string{`"code":"websocket_required"`}},
		{Name: "another site's page", As: f.participant, Method: "GET", Path: live, Headers: []string{"Origin", "https://evil.example"}, Status: 403},
		{Name: "ICE servers for participants", As: f.participant, Method: "GET", Path: live + "/ice-servers", Status: 200,
			Contains: []string{`"urls":["turn:`, `"username":"`, `"credential":"`}},
		{Name: "no ICE servers for outsiders", As: f.outsider, Method: "GET", Path: live + "/ice-servers", Status: 403},
		{Name: "cancel the day", As: f.host, Method: "POST", Path: "/api/v1/exchange-days/" + f.day + "/cancel", Status: 200},
		{Name: "a cancelled day has no live session", As: f.participant, Method: "GET", Path: live, Status: 409, Contains: []string{`"code":"cancelled"`}},
	})
}

func dial(t *testing.T, f *fixture, c *testkit.Client) client.Conn {
	t.Helper()
	h := http.Header{}
	h.Set("Cookie", "teixit_session="+c.Cookie)
	h.Set("Origin", "http://"+f.base)
	conn, status, err := client.DialWebSocket(context.Background(), "ws://"+f.base+"/api/v1/exchange-days/"+f.day+"/live", h)
	if err != nil {
		t.Fatalf("dial: %v (status %d)", err, status)
	}
	return conn
}

// TestFloorThroughTheServer: a registered participant joins over the server's WebSocket as a listener, raises
// a hand, the host (admin of the host organisation) grants the floor, and the participant's Opus packets reach
// the host through the SFU.
func TestFloorThroughTheServer(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var got atomic.Int64
	var mu sync.Mutex
	var pepID, pepRole string
	handUp := make(chan struct{}, 1)
	host, err := client.New(ctx, dial(t, f, f.host), client.Config{
		Join: signal.Join{AudioOnly: true},
		OnMessage: func(m signal.Message) {
			switch pl := m.Payload.(type) {
			case *signal.Participant:
				mu.Lock()
				if pl.DisplayName == "Pep" {
					pepID, pepRole = pl.ID, pl.Role
					if pl.HandRaised {
						select {
						case handUp <- struct{}{}:
						default:
						}
					}
				}
				mu.Unlock()
			}
		},
		OnRTP: func(_ *webrtc.TrackRemote, p *rtp.Packet) {
			if len(p.Payload) >= 8 && binary.BigEndian.Uint64(p.Payload) >= 1000 {
				got.Add(1)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	go func() { _ = host.Run(ctx) }()

	welcome := make(chan string, 1)
	pep, err := client.New(ctx, dial(t, f, f.participant), client.Config{Join: signal.Join{AudioOnly: true}, Publish: true,
		OnMessage: func(m signal.Message) {
			if w, ok := m.Payload.(*signal.Welcome); ok {
				welcome <- w.Role
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer pep.Close()
	go func() { _ = pep.Run(ctx) }()
	if role := <-welcome; role != "listener" {
		t.Fatalf("a registered participant joins as %q, want listener", role)
	}
	if err := pep.Send(ctx, signal.TypeRaiseHand, "hand", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-handUp:
	case <-ctx.Done():
		t.Fatal("the host never saw the raised hand")
	}
	mu.Lock()
	id := pepID
	mu.Unlock()
	if err := host.Send(ctx, signal.TypeGrantFloor, "grant", &signal.Target{ParticipantID: id}); err != nil {
		t.Fatal(err)
	}
	// Pep speaks: counters from 1000 up, 20 ms apart.
	deadline := time.Now().Add(30 * time.Second)
	for seq := uint64(1000); got.Load() < 10 && time.Now().Before(deadline); seq++ {
		payload := make([]byte, 80)
		binary.BigEndian.PutUint64(payload, seq)
		_ = pep.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(seq), Timestamp: uint32(seq * 960), SSRC: 42}, Payload: payload})
		time.Sleep(20 * time.Millisecond)
	}
	if got.Load() < 10 {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the host received %d of the speaker's packets (speaker role %q)", got.Load(), pepRole)
	}
}
