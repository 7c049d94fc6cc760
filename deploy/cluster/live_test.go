package cluster

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	mediaclient "github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
)

// livePeer is a participant's real Pion client with what it has seen.
type livePeer struct {
	c      *mediaclient.Client
	mu     sync.Mutex
	ids    map[string]string // display name → participant id
	hands  map[string]bool
	chats  []string
	keys   []string
	floor  string
	recOn  bool
	marked atomic.Int64 // RTP packets carrying a counter ≥ 1,000,000
	closed chan struct{}
	seq    uint16 // the RTP sequence of the next packet spoken (contiguous: receivers drop jumps back)
}

func (p *livePeer) onMessage(m signal.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch pl := m.Payload.(type) {
	case *signal.Welcome:
		for _, v := range pl.Room.Participants {
			p.ids[v.DisplayName] = v.ID
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
	}
}

func (p *livePeer) wait(t *testing.T, ctx context.Context, what string, cond func() bool) {
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

// joinLive opens the day's live WebSocket through base (the front) as c, retrying while the day's room is
// moving (409 live_moving) or the front has no node for it yet (502), and waits until c is in the room.
func joinLive(t *testing.T, ctx context.Context, base, origin, day string, c *client, name string, publish bool) *livePeer {
	t.Helper()
	h := http.Header{}
	h.Set("Cookie", "teixit_session="+c.cookie)
	h.Set("Origin", origin)
	u := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/exchange-days/" + day + "/live"
	var conn mediaclient.Conn
	for {
		var status int
		var err error
		conn, status, err = mediaclient.DialWebSocket(ctx, u, h)
		if err == nil {
			break
		}
		if (status != http.StatusConflict && status != http.StatusBadGateway && status != 0) || ctx.Err() != nil {
			t.Fatalf("%s joining through %s: %v (status %d)", name, base, err, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	p := &livePeer{ids: map[string]string{}, hands: map[string]bool{}, closed: make(chan struct{})}
	cl, err := mediaclient.New(ctx, conn, mediaclient.Config{Join: signal.Join{AudioOnly: true}, Publish: publish,
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
	p.wait(t, ctx, name+" in the room", func() bool { return p.ids[name] != "" })
	return p
}

// speak sends n marked audio packets (20 ms apart) from p, counting from `from`.
func speak(p *livePeer, from uint64, n int) {
	for i := 0; i < n; i++ {
		payload := make([]byte, 80)
		binary.BigEndian.PutUint64(payload, from+uint64(i))
		p.seq++
		_ = p.c.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: p.seq,
			Timestamp: uint32(p.seq) * 960, SSRC: 42}, Payload: payload})
		time.Sleep(20 * time.Millisecond)
	}
}

// hear checks that 100 packets spoken by from after a warm-up reach every listener.
func hear(t *testing.T, from *livePeer, listeners map[string]*livePeer, round uint64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		all := true
		for _, l := range listeners {
			all = all && l.marked.Load() > 0
		}
		if all {
			break
		}
		speak(from, round*1_000_000, 5)
	}
	before := map[string]int64{}
	for n, l := range listeners {
		before[n] = l.marked.Load()
	}
	speak(from, round*1_000_000+500_000, 100)
	time.Sleep(500 * time.Millisecond)
	for n, l := range listeners {
		if got := l.marked.Load() - before[n]; got < 100 {
			t.Errorf("%s received %d of 100 packets", n, got)
		}
	}
}

// owner is the node (index) whose metrics say it holds a live day's room, or -1.
func (c *cluster) owner(t *testing.T) int {
	t.Helper()
	anon := &client{http: newHTTP()}
	for i, n := range c.nodes {
		r, err := anon.on(n).do("GET", "/metrics", nil)
		if err == nil && bytes.Contains(r.Body, []byte("teixit_live_days_owned 1\n")) {
			return i
		}
	}
	return -1
}

// TestLiveRoomThroughTheFront (issue 11, cluster test 4, and the recording half of test 5): the host and two
// participants join one day through the nginx front, which spreads them over the nodes: one room (everyone
// sees everyone), 100 of 100 packets from the speaker reach the others over the owner's UDP port, chat and a
// key point posted through another node reach everyone. The turn is recorded on the owner; once stopped, the
// recording's manifest, segment bytes (and a range of them) and whole-session download are served by every
// node. Then the owner is killed with SIGKILL: everyone rejoins through the front, another node takes the day
// over and serves it again (100 of 100 packets).
func TestLiveRoomThroughTheFront(t *testing.T) {
	c := need(t)
	t.Cleanup(func() { c.logsOnFailure(t) })
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	run := tag()
	origin := c.front // TEIXIT_BASE_URL
	host := register(t, c.nodes[0], "livehost-"+run+"@example.org")
	pep := register(t, c.nodes[1], "livepep-"+run+"@example.org")
	lia := register(t, c.nodes[2], "livelia-"+run+"@example.org")
	org, r, err := createOrg(host, "Amfitriona "+run)
	if org == "" {
		t.Fatalf("organisation: %v %d %s", err, r.Status, r.Body)
	}
	start := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	r, err = host.do("POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": org, "title": "Jornada en directe " + run,
		"description": "Micròfon obert.", "startsAt": start, "endsAt": start.Add(2 * time.Hour), "timeZone": "Europe/Madrid",
		"agenda": []map[string]any{{"text": "Com ho feu?"}}, "recordingVisibility": "members"})
	var day struct {
		ID string `json:"id"`
	}
	if err != nil || r.Status != http.StatusCreated || json.Unmarshal(r.Body, &day) != nil {
		t.Fatalf("day: %v %d %s", err, r.Status, r.Body)
	}
	for i, p := range []*client{pep, lia} {
		if r, err := p.on(c.nodes[(i+1)%3]).do("POST", "/api/v1/exchange-days/"+day.ID+"/registration", map[string]any{}); err != nil || r.Status != http.StatusOK {
			t.Fatalf("registration: %v %d %s", err, r.Status, r.Body)
		}
	}
	names := map[*client]string{host: "Cluster livehost-" + run + "@example.org", pep: "Cluster livepep-" + run + "@example.org",
		lia: "Cluster livelia-" + run + "@example.org"}

	h := joinLive(t, ctx, c.front, origin, day.ID, host, names[host], false)
	owner := c.owner(t)
	if owner < 0 {
		t.Fatal("no node owns the day after the host joined")
	}
	p := joinLive(t, ctx, c.front, origin, day.ID, pep, names[pep], true)
	l := joinLive(t, ctx, c.front, origin, day.ID, lia, names[lia], false)
	for _, who := range []*livePeer{h, p, l} {
		who.wait(t, ctx, "one room with all three", func() bool { return len(who.ids) >= 3 })
	}

	// Recording on (through a node that is not the owner), the floor to Pep, 100/100 packets.
	other := c.nodes[(owner+1)%3]
	if r, err := host.on(other).do("POST", "/api/v1/exchange-days/"+day.ID+"/recording/live", nil); err != nil || r.Status != http.StatusOK {
		t.Fatalf("recording on: %v %d %s", err, r.Status, r.Body)
	}
	h.wait(t, ctx, "recording on in the room", func() bool { return h.recOn })
	if err := p.c.Send(ctx, signal.TypeRaiseHand, "hand", nil); err != nil {
		t.Fatal(err)
	}
	h.wait(t, ctx, "Pep's hand", func() bool { return h.hands[names[pep]] })
	h.mu.Lock()
	pepID := h.ids[names[pep]]
	h.mu.Unlock()
	if err := h.c.Send(ctx, signal.TypeGrantFloor, "grant", &signal.Target{ParticipantID: pepID}); err != nil {
		t.Fatal(err)
	}
	p.wait(t, ctx, "the floor", func() bool { return p.floor == pepID })
	yes := true
	if err := p.c.Send(ctx, signal.TypeRecordingConsent, "consent", &signal.RecordingConsent{Consent: &yes}); err != nil {
		t.Fatal(err)
	}
	hear(t, p, map[string]*livePeer{"the host": h, "Lia": l}, 1)

	// Chat and a key point posted through yet another node reach everyone.
	if err := l.c.Send(ctx, signal.TypeChat, "c1", &signal.ChatSend{Text: "Hola " + run}); err != nil {
		t.Fatal(err)
	}
	if r, err := host.on(c.nodes[(owner+2)%3]).do("POST", "/api/v1/exchange-days/"+day.ID+"/key-points",
		map[string]any{"question": 0, "text": "Fons comú " + run}); err != nil || r.Status >= 300 {
		t.Fatalf("key point: %v %d %s", err, r.Status, r.Body)
	}
	for n, who := range map[string]*livePeer{"the host": h, "Pep": p, "Lia": l} {
		who.wait(t, ctx, n+" seeing the chat line and the key point", func() bool {
			return len(who.chats) > 0 && who.chats[len(who.chats)-1] == "Hola "+run && len(who.keys) > 0 && who.keys[len(who.keys)-1] == "Fons comú "+run
		})
	}

	// The turn ends; recording off: the owner imports the segment into the media store (S3), and every node
	// serves the recording.
	if err := h.c.Send(ctx, signal.TypeRevokeFloor, "end-turn", &signal.Target{ParticipantID: pepID}); err != nil {
		t.Fatal(err)
	}
	if r, err := host.on(other).do("DELETE", "/api/v1/exchange-days/"+day.ID+"/recording/live", nil); err != nil || r.Status != http.StatusOK {
		t.Fatalf("recording off: %v %d %s", err, r.Status, r.Body)
	}
	var seg struct{ mediaID string }
	var want []byte
	for i, n := range c.nodes {
		var rec struct {
			Turns []struct {
				MediaID string `json:"mediaId"`
				URL     string `json:"url"`
			} `json:"turns"`
		}
		for {
			r, err := host.on(n).do("GET", "/api/v1/exchange-days/"+day.ID+"/recording", nil)
			if err == nil && r.Status == http.StatusOK && json.Unmarshal(r.Body, &rec) == nil && len(rec.Turns) > 0 {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("node %d never served the recording: %v %d %s", i+1, err, r.Status, r.Body)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if seg.mediaID == "" {
			seg.mediaID = rec.Turns[0].MediaID
		}
		if rec.Turns[0].MediaID != seg.mediaID {
			t.Errorf("node %d lists segment %s, node 1 %s", i+1, rec.Turns[0].MediaID, seg.mediaID)
		}
		r, err := host.on(n).do("GET", rec.Turns[0].URL, nil)
		if err != nil || r.Status != http.StatusOK || len(r.Body) < 100 || !bytes.HasPrefix(r.Body, []byte("OggS")) {
			t.Fatalf("segment through node %d: %v %d (%d bytes)", i+1, err, r.Status, len(r.Body))
		}
		if want == nil {
			want = r.Body
		} else if !bytes.Equal(r.Body, want) {
			t.Errorf("node %d serves other bytes for the segment", i+1)
		}
		rr, err := host.on(n).do("GET", rec.Turns[0].URL, nil, "Range", "bytes=10-59")
		if err != nil || rr.Status != http.StatusPartialContent || !bytes.Equal(rr.Body, want[10:60]) {
			t.Errorf("range through node %d: %v %d %q", i+1, err, rr.Status, rr.Body)
		}
		// Nobody outside the host organisation hears a members-only recording, on any node.
		if r, err := lia.on(n).do("GET", rec.Turns[0].URL, nil); err != nil || r.Status != http.StatusNotFound {
			t.Errorf("a registered non-member read the segment through node %d: %v %d", i+1, err, r.Status)
		}
		dl, err := host.on(n).do("GET", "/api/v1/exchange-days/"+day.ID+"/recording/download", nil)
		if err != nil || dl.Status != http.StatusOK || !bytes.HasPrefix(dl.Body, []byte("OggS")) {
			t.Errorf("download through node %d: %v %d (%d bytes)", i+1, err, dl.Status, len(dl.Body))
		}
	}

	// The owner dies. Everyone rejoins through the front; another node takes the day over.
	killed := time.Now()
	c.kill9(t, owner)
	defer c.restart(t, owner)
	for _, who := range []*livePeer{h, p, l} {
		select {
		case <-who.closed:
		case <-ctx.Done():
			t.Fatal("a participant's connection outlived the owner")
		}
	}
	h2 := joinLive(t, ctx, c.front, origin, day.ID, host, names[host], false)
	took := time.Since(killed)
	p2 := joinLive(t, ctx, c.front, origin, day.ID, pep, names[pep], true)
	l2 := joinLive(t, ctx, c.front, origin, day.ID, lia, names[lia], false)
	t.Logf("the day was served again %v after its owner was killed (lease 3 s)", took)
	if o := c.owner(t); o < 0 || o == owner {
		t.Fatalf("after the kill the owner is node %d (was %d)", o+1, owner+1)
	}
	for _, who := range []*livePeer{h2, p2, l2} {
		who.wait(t, ctx, "one room again", func() bool { return len(who.ids) >= 3 })
	}
	h2.mu.Lock()
	pepID = h2.ids[names[pep]]
	h2.mu.Unlock()
	if err := p2.c.Send(ctx, signal.TypeRaiseHand, "hand2", nil); err != nil {
		t.Fatal(err)
	}
	h2.wait(t, ctx, "Pep's hand again", func() bool { return h2.hands[names[pep]] })
	if err := h2.c.Send(ctx, signal.TypeGrantFloor, "grant2", &signal.Target{ParticipantID: pepID}); err != nil {
		t.Fatal(err)
	}
	p2.wait(t, ctx, "the floor again", func() bool { return p2.floor == pepID })
	hear(t, p2, map[string]*livePeer{"the host": h2, "Lia": l2}, 3)
}

// logsOnFailure prints the end of every node's log when t failed.
func (c *cluster) logsOnFailure(t *testing.T) {
	if !t.Failed() {
		return
	}
	for i := range c.nodes {
		b, _ := os.ReadFile(filepath.Join(c.dir, fmt.Sprintf("node%d.log", i+1)))
		lines := strings.Split(string(b), "\n")
		t.Logf("node %d log (end):\n%s", i+1, strings.Join(lines[max(0, len(lines)-60):], "\n"))
	}
}
