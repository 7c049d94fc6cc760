package live_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

// node is one app instance serving HTTP on loopback, sharing the store with the others.
type node struct {
	app  *testkit.App
	base string // host:port
}

const testLease = 2 * time.Second

func startNode(t *testing.T, st *store.Store) *node {
	t.Helper()
	return startNodeLease(t, st, testLease)
}

func startNodeLease(t *testing.T, st *store.Store, lease time.Duration) *node {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := ln.Addr().String()
	a := testkit.NewAppOn(t, st, func(c *config.Config) {
		c.InternalURL, c.LiveLease, c.Secret = "http://"+base, lease, "the-same-secret-for-every-node-of-this-cluster"
	})
	go func() { _ = a.Serve(ln) }()
	return &node{app: a, base: base}
}

// dialDay opens the day's live WebSocket through n; the HTTP status on refusal.
func dialDay(n *node, day string, c *testkit.Client) (client.Conn, int, error) {
	h := http.Header{}
	h.Set("Cookie", "teixit_session="+c.Cookie)
	h.Set("Origin", "http://"+n.base)
	return client.DialWebSocket(context.Background(), "ws://"+n.base+"/api/v1/exchange-days/"+day+"/live", h)
}

// peer is a participant's media client with what it has seen.
type peer struct {
	c        *client.Client
	mu       sync.Mutex
	ids      map[string]string // display name → participant id
	hands    map[string]bool
	chats    []string
	keys     []string
	floor    string
	recOn    bool
	welcomed chan struct{}
	marked   atomic.Int64  // RTP packets whose payload starts with a counter ≥ 1,000,000
	ended    bool          // an "ended" message came
	closed   chan struct{} // closed when the connection is gone
}

func (p *peer) onMessage(m signal.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch pl := m.Payload.(type) {
	case *signal.Welcome:
		for _, v := range pl.Room.Participants {
			p.ids[v.DisplayName] = v.ID
		}
		select {
		case p.welcomed <- struct{}{}:
		default:
		}
	case *signal.Participant:
		p.ids[pl.DisplayName] = pl.ID
		p.hands[pl.DisplayName] = pl.HandRaised
	case *signal.ChatLine:
		p.chats = append(p.chats, pl.Text)
	case *signal.KeyPoint:
		p.keys = append(p.keys, pl.Text)
	case *signal.Floor:
		p.floor = pl.ParticipantID
	case *signal.Recording:
		p.recOn = pl.On
	case *signal.Ended:
		p.ended = true
	}
}

// join connects c to the day through n, retrying while the day's room is moving (409 live_moving), and
// waits for the welcome.
func join(t *testing.T, ctx context.Context, n *node, day string, c *testkit.Client, publish bool) *peer {
	t.Helper()
	p := &peer{ids: map[string]string{}, hands: map[string]bool{}, welcomed: make(chan struct{}, 1), closed: make(chan struct{})}
	var conn client.Conn
	for {
		var status int
		var err error
		conn, status, err = dialDay(n, day, c)
		if err == nil {
			break
		}
		if status != http.StatusConflict || ctx.Err() != nil {
			t.Fatalf("join through %s: %v (status %d)", n.base, err, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cl, err := client.New(ctx, conn, client.Config{Join: signal.Join{AudioOnly: true}, Publish: publish,
		OnMessage: p.onMessage,
		OnRTP: func(_ *webrtc.TrackRemote, pk *rtp.Packet) {
			if len(pk.Payload) >= 8 && binary.BigEndian.Uint64(pk.Payload) >= 1_000_000 {
				p.marked.Add(1)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	p.c = cl
	t.Cleanup(func() { _ = cl.Close() })
	go func() {
		defer close(p.closed)
		_ = cl.Run(ctx)
	}()
	select {
	case <-p.welcomed:
	case <-ctx.Done():
		t.Fatal("no welcome")
	}
	return p
}

// waitFor polls cond under p's lock.
func waitFor(t *testing.T, ctx context.Context, p *peer, what string, cond func() bool) {
	t.Helper()
	for {
		p.mu.Lock()
		ok := cond()
		p.mu.Unlock()
		if ok {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOneRoomAcrossTwoNodes: two app instances on one store. The host joins through A (A takes the day), a
// participant through B (B relays the WebSocket to A): one room — the host sees the participant, chat and
// the floor work, 100 audio packets sent after the grant reach the host over A's UDP port, a key point and
// the recording switch posted through B act on A's room, forged and replayed relay requests are refused.
// Then A dies without releasing the day: after the lease, B takes the day over and serves both again.
// Finally the host ends the session on B; a node started afterwards refuses the day as ended.
func TestOneRoomAcrossTwoNodes(t *testing.T) {
	st := testkit.Store(t)
	a, b := startNode(t, st), startNode(t, st)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()

	host := a.app.Register("host@example.org", "Amfitriona")
	pep := a.app.Register("pep@example.org", "Pep")
	var org, day struct{ ID string }
	a.app.Do(host, "POST", "/api/v1/organisations", map[string]string{"name": "Xarxa", "kind": "housing_entity"}).JSON(t, &org)
	start := time.Now().Add(-10 * time.Minute)
	a.app.Do(host, "POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": org.ID, "title": "Jornada a dos nodes",
		"startsAt": start, "endsAt": start.Add(2 * time.Hour), "agenda": []map[string]any{{"text": "Habitatge"}}}).JSON(t, &day)
	if r := b.app.Do(pep, "POST", "/api/v1/exchange-days/"+day.ID+"/registration", nil); r.Status != 200 {
		t.Fatalf("register through B: %d %s", r.Status, r.Body)
	}

	h := join(t, ctx, a, day.ID, host, false)
	p := join(t, ctx, b, day.ID, pep, true)
	waitFor(t, ctx, h, "the host to see Pep (one room)", func() bool { return h.ids["Pep"] != "" })
	waitFor(t, ctx, p, "Pep to see the host", func() bool { return p.ids["Amfitriona"] != "" })

	// Chat both ways, floor, packets.
	if err := p.c.Send(ctx, signal.TypeChat, "c1", &signal.ChatSend{Text: "Hola des del node B"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, h, "Pep's chat line on A", func() bool { return len(h.chats) > 0 && h.chats[len(h.chats)-1] == "Hola des del node B" })
	if err := p.c.Send(ctx, signal.TypeRaiseHand, "hand", nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, h, "Pep's hand", func() bool { return h.hands["Pep"] })
	h.mu.Lock()
	pepID := h.ids["Pep"]
	h.mu.Unlock()
	if err := h.c.Send(ctx, signal.TypeGrantFloor, "grant", &signal.Target{ParticipantID: pepID}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, p, "the floor", func() bool { return p.floor == pepID })
	sendAudio := func(from uint64, n int) {
		for i := 0; i < n; i++ {
			payload := make([]byte, 80)
			seq := from + uint64(i)
			binary.BigEndian.PutUint64(payload, seq)
			_ = p.c.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(seq),
				Timestamp: uint32(seq * 960), SSRC: 42}, Payload: payload})
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Warm up until the route delivers, then count 100 packets.
	for deadline := time.Now().Add(30 * time.Second); h.marked.Load() == 0 && time.Now().Before(deadline); {
		sendAudio(1_000_000, 5)
	}
	if h.marked.Load() == 0 {
		t.Fatal("no audio reached the host through the owner's UDP port")
	}
	before := h.marked.Load()
	sendAudio(2_000_000, 100)
	time.Sleep(500 * time.Millisecond)
	if got := h.marked.Load() - before; got < 98 {
		t.Fatalf("the host received %d of 100 packets sent by a participant on the other node", got)
	}

	// The owner's metrics count the room, both participants and the forwarded packets; B holds no room.
	if m := a.app.Do(nil, "GET", "/metrics", nil); !bytes.Contains(m.Body, []byte("teixit_live_rooms 1\n")) ||
		!bytes.Contains(m.Body, []byte("teixit_live_participants 2\n")) || !bytes.Contains(m.Body, []byte("teixit_live_days_owned 1\n")) ||
		bytes.Contains(m.Body, []byte("teixit_live_packets_forwarded_total 0\n")) {
		t.Errorf("owner's live metrics: %s", grepLive(m.Body))
	}
	if m := b.app.Do(nil, "GET", "/metrics", nil); !bytes.Contains(m.Body, []byte("teixit_live_rooms 0\n")) {
		t.Errorf("relaying node's live metrics: %s", grepLive(m.Body))
	}

	// A key point and the recording posted through B act on A's room.
	if r := b.app.Do(host, "POST", "/api/v1/exchange-days/"+day.ID+"/key-points", map[string]any{"question": 0, "text": "Cal un fons comú"}); r.Status != 201 && r.Status != 200 {
		t.Fatalf("key point through B: %d %s", r.Status, r.Body)
	}
	waitFor(t, ctx, p, "the key point in the room", func() bool { return len(p.keys) == 1 && p.keys[0] == "Cal un fons comú" })
	if r := b.app.Do(host, "POST", "/api/v1/exchange-days/"+day.ID+"/recording/live", nil); r.Status != 200 {
		t.Fatalf("recording through B: %d %s", r.Status, r.Body)
	}
	waitFor(t, ctx, h, "recording on in the room", func() bool { return h.recOn })

	// Relay requests: forged, for another node, replayed.
	relayPost := func(n *node, tok string) int {
		body, _ := json.Marshal(map[string]string{"token": tok})
		resp, err := http.Post("http://"+n.base+"/internal/live/"+day.ID, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := relayPost(a, "eyJkYXkiOiJ4In0.forged"); s != http.StatusForbidden {
		t.Fatalf("forged relay token: %d, want 403", s)
	}
	tok, err := b.app.Live.SignRelay(day.ID, a.app.Live.Node(), "key_point_removed")
	if err != nil {
		t.Fatal(err)
	}
	if s := relayPost(b, tok); s != http.StatusForbidden {
		t.Fatalf("a token for node A accepted by node B: %d", s)
	}
	if s := relayPost(a, tok); s != http.StatusOK {
		t.Fatalf("a fresh token: %d, want 200", s)
	}
	if s := relayPost(a, tok); s != http.StatusForbidden {
		t.Fatalf("a replayed token: %d, want 403", s)
	}
	hdr := http.Header{}
	hdr.Set("X-Teixit-Relay", tok)
	if _, resp, err := websocket.DefaultDialer.Dial("ws://"+a.base+"/internal/live/"+day.ID+"/ws", hdr); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a relayed WebSocket with a used token was not refused (%v)", err)
	}

	// A dies without releasing the day (as kill -9 would): B takes it over after the lease.
	killed := time.Now()
	a.app.Live.SimulateCrash()
	_ = a.app.Live.Close()
	_ = a.app.Fiber.Shutdown()
	p2 := join(t, ctx, b, day.ID, pep, false)
	took := time.Since(killed)
	h2 := join(t, ctx, b, day.ID, host, false)
	t.Logf("the day was served again %v after its owner died (lease %v)", took, testLease)
	if took > testLease+5*time.Second {
		t.Errorf("takeover took %v, lease is %v", took, testLease)
	}
	waitFor(t, ctx, h2, "Pep in the room on B", func() bool { return h2.ids["Pep"] != "" })
	if err := p2.c.Send(ctx, signal.TypeChat, "c2", &signal.ChatSend{Text: "Ja hi tornem a ser"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, h2, "chat after the takeover", func() bool { return len(h2.chats) > 0 && h2.chats[len(h2.chats)-1] == "Ja hi tornem a ser" })

	// The host ends the session: final on every node, including one started afterwards.
	if err := h2.c.Send(ctx, signal.TypeEnd, "end", nil); err != nil {
		t.Fatal(err)
	}
	c := startNode(t, st)
	for _, n := range []*node{b, c} {
		var status int
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if _, status, _ = dialDay(n, day.ID, pep); status == http.StatusConflict {
				break
			}
		}
		if status != http.StatusConflict {
			t.Fatalf("joining an ended day through %s: status %d, want 409", n.base, status)
		}
		r := n.app.Do(pep, "GET", "/api/v1/exchange-days/"+day.ID+"/live", nil, "Connection", "Upgrade", "Upgrade", "websocket",
			"Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		if r.Status != http.StatusConflict || !bytes.Contains(r.Body, []byte(`"code":"ended"`)) {
			t.Fatalf("ended day through %s: %d %s", n.base, r.Status, r.Body)
		}
	}
}

// grepLive keeps the teixit_live_ lines of a metrics page.
func grepLive(b []byte) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "teixit_live_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "; ")
}

// TestOwnerThatCannotRenewGivesTheDayUp: node A owns a day's room and loses its link to the store (a proxy
// the test freezes; B still reaches the store). A cannot renew its lease, so it must stop serving the room
// before B may take it over: the host's WebSocket on A closes without "ended" (the page reconnects), within the
// lease. B takes the day over; once A reaches the store again it does not claim the day back: a join through A
// is relayed to B's room.
func TestOwnerThatCannotRenewGivesTheDayUp(t *testing.T) {
	st := testkit.Store(t)
	ast, link := testkit.ProxiedStore(t, st)
	const lease = 3 * time.Second
	a, b := startNodeLease(t, ast, lease), startNodeLease(t, st, lease)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()

	host := b.app.Register("host@example.org", "Amfitriona")
	pep := b.app.Register("pep@example.org", "Pep")
	var org, day struct{ ID string }
	b.app.Do(host, "POST", "/api/v1/organisations", map[string]string{"name": "Xarxa", "kind": "housing_entity"}).JSON(t, &org)
	start := time.Now().Add(-10 * time.Minute)
	b.app.Do(host, "POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": org.ID, "title": "Jornada sense magatzem",
		"startsAt": start, "endsAt": start.Add(2 * time.Hour), "agenda": []map[string]any{{"text": "Habitatge"}}}).JSON(t, &day)
	if r := b.app.Do(pep, "POST", "/api/v1/exchange-days/"+day.ID+"/registration", nil); r.Status != 200 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	h := join(t, ctx, a, day.ID, host, false)
	if m := a.app.Do(nil, "GET", "/metrics", nil); !bytes.Contains(m.Body, []byte("teixit_live_days_owned 1\n")) {
		t.Fatalf("A does not own the day: %s", grepLive(m.Body))
	}

	cut := time.Now()
	link.Pause()
	select {
	case <-h.closed:
	case <-time.After(lease + 5*time.Second):
		t.Fatalf("A still serves the room %v after losing the store (lease %v)", time.Since(cut), lease)
	}
	gaveUp := time.Since(cut)
	h.mu.Lock()
	ended := h.ended
	h.mu.Unlock()
	if ended {
		t.Fatal("the host was told the session ended: a page would not reconnect")
	}
	t.Logf("A gave the room up %v after losing the store (lease %v)", gaveUp, lease)

	// B takes the day over (after A's lease, as seen in the store) and serves it.
	h2 := join(t, ctx, b, day.ID, host, false)
	if took := time.Since(cut); took < lease-time.Second/2 {
		t.Errorf("B took the day %v after A was cut off, before A's lease (%v) ran out", took, lease)
	}
	link.Resume()
	// A, back on the store, relays to B instead of holding the day again.
	p := join(t, ctx, a, day.ID, pep, false)
	waitFor(t, ctx, h2, "Pep (joined through A) in B's room", func() bool { return h2.ids["Pep"] != "" })
	waitFor(t, ctx, p, "the host in the room Pep reached through A", func() bool { return p.ids["Amfitriona"] != "" })
	if m := a.app.Do(nil, "GET", "/metrics", nil); !bytes.Contains(m.Body, []byte("teixit_live_days_owned 0\n")) {
		t.Errorf("A's live metrics after giving the day up: %s", grepLive(m.Body))
	}
}

// TestInternalURLMustLeadBackToTheNode: a node is ready only once its TEIXIT_INTERNAL_URL reaches itself; one
// whose internal URL leads to another node, or to nothing, stays not ready (/readyz 503) with the reason.
func TestInternalURLMustLeadBackToTheNode(t *testing.T) {
	st := testkit.Store(t)
	a := startNode(t, st)
	ready := func(n *testkit.App) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return n.Ready(ctx)
	}
	for deadline := time.Now().Add(20 * time.Second); ready(a.app) != nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("a node with a right internal URL is not ready: %v", ready(a.app))
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	for url, want := range map[string]string{"http://" + a.base: "another server", "http://" + dead: "does not answer"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b := testkit.NewAppOn(t, st, func(c *config.Config) {
			c.InternalURL, c.LiveLease, c.Secret = url, testLease, "the-same-secret-for-every-node-of-this-cluster"
		})
		go func() { _ = b.Serve(ln) }()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if err = ready(b); err == nil || strings.Contains(err.Error(), want) {
				break // checked: ready (wrong) or not ready for the expected reason
			}
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("internal URL %s: ready says %v, want %q", url, err, want)
		}
		if r := b.Do(nil, "GET", "/readyz", nil); r.Status != http.StatusServiceUnavailable {
			t.Errorf("internal URL %s: /readyz %d", url, r.Status)
		}
	}
}
