package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/testkit"
)

var wsHeaders = []string{"Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
	"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}

// TestRoomOpensBeforeTheDay: the room opens TEIXIT_LIVE_OPENS_BEFORE (1 h) before the start: three hours
// early the status says not_open with the opening time, and the socket and ICE servers are refused with
// not_open in the reader's language; an hour early is open.
func TestRoomOpensBeforeTheDay(t *testing.T) {
	f := setup(t)
	var org struct{ ID string }
	f.a.Do(f.host, "POST", "/api/v1/organisations", map[string]string{"name": "Casal", "kind": "association"}).JSON(t, &org)
	mk := func(start time.Time) string {
		var day struct{ ID string }
		r := f.a.Do(f.host, "POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": org.ID, "title": "Jornada futura",
			"startsAt": start, "endsAt": start.Add(2 * time.Hour), "agenda": []map[string]any{{"text": "Quina xarxa tenim?"}}})
		if r.Status != 201 && r.Status != 200 {
			t.Fatalf("create day: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &day)
		return day.ID
	}
	later, soon := mk(time.Now().Add(3*time.Hour)), mk(time.Now().Add(50*time.Minute))
	base := "/api/v1/exchange-days/"
	f.a.Run(t, []testkit.Scenario{
		{Name: "status three hours early", Method: "GET", Path: base + later + "/live/status", Status: 200, Contains: []string{`"state":"not_open"`, `"opensAt":"`}},
		{Name: "socket three hours early", As: f.host, Method: "GET", Path: base + later + "/live", Headers: wsHeaders, Status: 409, Contains: []string{`"code":"not_open"`, `"opensAt":"`}},
		{Name: "ICE servers three hours early, in Catalan", As: f.host, Method: "GET", Path: base + later + "/live/ice-servers",
			Headers: []string{"Accept-Language", "ca"}, Status: 409, Contains: []string{`"code":"not_open"`, "s'obre"}},
		{Name: "status 50 minutes early", Method: "GET", Path: base + soon + "/live/status", Status: 200, Contains: []string{`"state":"open"`}},
		{Name: "ICE servers 50 minutes early", As: f.host, Method: "GET", Path: base + soon + "/live/ice-servers", Status: 200},
		{Name: "status of an unknown day", Method: "GET", Path: base + "nope/live/status", Status: 404},
	})
}

// TestEndedIsFinal: once the host ends the session, the status says ended, the socket and ICE servers are
// refused with "ended" (in the reader's language), on this node and on a node started afterwards.
func TestEndedIsFinal(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	welcome := make(chan struct{}, 1)
	ended := make(chan struct{}, 1)
	host, err := client.New(ctx, dial(t, f, f.host), client.Config{Join: signal.Join{AudioOnly: true},
		OnMessage: func(m signal.Message) {
			switch m.Payload.(type) {
			case *signal.Welcome:
				welcome <- struct{}{}
			case *signal.Ended:
				ended <- struct{}{}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	go func() { _ = host.Run(ctx) }()
	<-welcome
	if err := host.Send(ctx, signal.TypeEnd, "end", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ended:
	case <-ctx.Done():
		t.Fatal("no ended message")
	}
	live := "/api/v1/exchange-days/" + f.day + "/live"
	for _, a := range []*testkit.App{f.a, testkit.NewAppOn(t, f.a.Store)} {
		a.Run(t, []testkit.Scenario{
			{Name: "status", Method: "GET", Path: live + "/status", Status: 200, Contains: []string{`"state":"ended"`}},
			{Name: "socket", As: f.participant, Method: "GET", Path: live, Headers: wsHeaders, Status: 409, Contains: []string{`"code":"ended"`}},
			{Name: "ICE servers in Spanish", As: f.participant, Method: "GET", Path: live + "/ice-servers",
				Headers: []string{"Accept-Language", "es"}, Status: 409, Contains: []string{`"code":"ended"`, "jornada"}},
		})
	}
}

// TestShutdownIsNotTheEnd: a node that shuts down (a restart, a deploy) closes its live sockets without an
// "ended" message — the day is not over, so pages reconnect — and the day stays open: a node started
// afterwards on the same store serves it.
func TestShutdownIsNotTheEnd(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	welcome := make(chan struct{}, 1)
	ended := make(chan string, 1)
	host, err := client.New(ctx, dial(t, f, f.host), client.Config{Join: signal.Join{AudioOnly: true},
		OnMessage: func(m signal.Message) {
			switch p := m.Payload.(type) {
			case *signal.Welcome:
				welcome <- struct{}{}
			case *signal.Ended:
				ended <- p.Reason
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	done := make(chan struct{})
	go func() { _ = host.Run(ctx); close(done) }()
	<-welcome
	if err := f.a.Live.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the host's socket is still open after the node shut down")
	}
	select {
	case reason := <-ended:
		t.Fatalf("the host was told the session ended (%q): the page would not reconnect", reason)
	default:
	}
	live := "/api/v1/exchange-days/" + f.day + "/live"
	testkit.NewAppOn(t, f.a.Store).Run(t, []testkit.Scenario{
		{Name: "the day is still open on the next node", Method: "GET", Path: live + "/status", Status: 200, Contains: []string{`"state":"open"`}},
	})
}
