package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
)

// liveSession is one exchange day's live session during the evening: the host organisation's admin speaks
// (an Opus-sized packet every 20 ms, numbered) and registered participants listen through the server's SFU.
type liveSession struct {
	sent      atomic.Int64
	received  []*atomic.Int64
	joined    time.Duration
	clients   []*client.Client
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	listening []string
}

func startLive(ctx context.Context, e *evening, accounts map[string]string, listeners int) *liveSession {
	host := e.login("montse@example.org", accounts["montse@example.org"])
	var me struct {
		Memberships []struct{ OrganisationID, Role string }
	}
	e.getJSON(host, "/api/v1/auth/session", &me)
	org := ""
	for _, m := range me.Memberships {
		if m.Role == "admin" {
			org = m.OrganisationID
		}
	}
	if org == "" {
		fatal("live: the demo host administers no organisation")
	}
	start := time.Now().Add(-10 * time.Minute).UTC()
	day := struct{ ID string }{}
	b := e.do(host, "live: create the day", "POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": org,
		"title": "Vespre de barri en directe", "startsAt": start, "endsAt": start.Add(4 * time.Hour),
		"agenda": []map[string]any{{"text": "Habitatge"}, {"text": "Bretxa digital"}}}, 201)
	if b == nil {
		fatal("live: the exchange day could not be created")
	}
	check(json.Unmarshal(b, &day))
	ls := &liveSession{}
	lctx, cancel := context.WithCancel(ctx)
	ls.cancel = cancel
	joinStart := time.Now()
	hostClient := ls.join(lctx, e, host, day.ID, true, nil)
	people := []string{"pilar@example.org", "lucia@example.org", "giulia@example.org", "jordi@example.org"}
	for _, email := range people[:min(listeners, len(people))] {
		s := e.login(email, accounts[email])
		e.do(s, "live: register", "POST", "/api/v1/exchange-days/"+day.ID+"/registration", nil, 200)
		n := &atomic.Int64{}
		ls.received = append(ls.received, n)
		ls.listening = append(ls.listening, email)
		ls.join(lctx, e, s, day.ID, false, n)
	}
	ls.joined = time.Since(joinStart)
	ls.wg.Add(1)
	go func() { // the host speaks until the evening ends
		defer ls.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for seq := uint64(1); ; seq++ {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
			err := hostClient.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111,
				SequenceNumber: uint16(seq), Timestamp: uint32(seq * 960), SSRC: 4242}, Payload: counter(seq)})
			if err == nil {
				ls.sent.Add(1)
			}
		}
	}()
	return ls
}

// join connects one person to the live session over the server's WebSocket; received counts the host's
// packets that reach them.
func (ls *liveSession) join(ctx context.Context, e *evening, s *session, day string, publish bool, received *atomic.Int64) *client.Client {
	h := http.Header{}
	h.Set("Cookie", "teixit_session="+s.cookie)
	h.Set("Origin", e.base)
	url := strings.Replace(e.base, "http://", "ws://", 1) + "/api/v1/exchange-days/" + day + "/live"
	conn, status, err := client.DialWebSocket(ctx, url, h)
	if err != nil {
		fatalf("live: join: %v (status %d)", err, status)
	}
	cfg := client.Config{Join: signal.Join{AudioOnly: true}, Publish: publish}
	if received != nil {
		cfg.OnRTP = func(_ *webrtc.TrackRemote, p *rtp.Packet) {
			if len(p.Payload) >= 8 && binary.BigEndian.Uint64(p.Payload) >= 1 {
				received.Add(1)
			}
		}
	}
	c, err := client.New(ctx, conn, cfg)
	check(err)
	ls.clients = append(ls.clients, c)
	ls.wg.Add(1)
	go func() { defer ls.wg.Done(); _ = c.Run(ctx) }()
	return c
}

func (ls *liveSession) stop() {
	time.Sleep(time.Second) // the last packets in flight arrive
	ls.cancel()
	for _, c := range ls.clients {
		c.Close()
	}
	ls.wg.Wait()
}

func (ls *liveSession) report() {
	sent := ls.sent.Load()
	fmt.Printf("\nlive session: 1 host speaking, %d listening, joined in %v; %d packets sent (50/s)\n", len(ls.received),
		ls.joined.Round(time.Millisecond), sent)
	for i, n := range ls.received {
		got := n.Load()
		lost := 0.0
		if sent > 0 {
			lost = 100 * float64(max(sent-got, 0)) / float64(sent)
		}
		fmt.Printf("  %-20s received %d (%.2f %% not received, the first second's joining included)\n", ls.listening[i], got, lost)
	}
}

// counter puts a sequence number in an audio payload so listeners can count what arrived.
func counter(seq uint64) []byte {
	b := make([]byte, 80)
	binary.BigEndian.PutUint64(b, seq)
	return b
}
