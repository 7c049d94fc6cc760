package sfu

import (
	"context"
	"testing"
	"time"

	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/media/turnserver"
)

// TestRelayOnlyListenerThroughTURN connects a listener that may only use a
// relay (as behind a restrictive firewall) through the embedded TURN server
// with short-lived credentials, and checks the host's audio reaches it.
func TestRelayOnlyListenerThroughTURN(t *testing.T) {
	relay, err := turnserver.New(turnserver.Config{ListenIP: "127.0.0.1", RelayIP: "127.0.0.1", Secret: []byte("a-test-secret-of-enough-bytes")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = relay.Close() })
	var ice []webrtc.ICEServer
	for _, is := range relay.Issuer("127.0.0.1").ICEServers("u-relayed", time.Minute) {
		ice = append(ice, webrtc.ICEServer{URLs: is.URLs, Username: is.Username, Credential: is.Credential})
	}

	s := newTestSFU(t)
	h := joinRoom(t, s, "t", RoomConfig{}, host("host"), signal.Join{}, true)

	srv, cli := client.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, "t", RoomConfig{}, listener("relayed"), srv) }()
	tc := &tclient{t: t, msgs: make(chan signal.Message, 1024), rtp: make(chan got, 1024), serveErr: done, runErr: make(chan error, 1), cancel: cancel}
	c, err := client.New(ctx, cli, client.Config{ICEServers: ice, RelayOnly: true,
		OnMessage: func(m signal.Message) { tc.msgs <- m },
		OnRTP:     tc.onRTP})
	if err != nil {
		t.Fatal(err)
	}
	tc.c = c
	go func() { tc.runErr <- c.Run(ctx) }()
	t.Cleanup(tc.close)
	tc.waitMsg(signal.TypeWelcome, nil)
	tc.waitConnected()
	pair, err := c.PC().SCTP().Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local.Typ != webrtc.ICECandidateTypeRelay {
		t.Fatalf("selected pair %v (%v), want a relay candidate", pair, err)
	}
	warmUp(t, h, tc)
	h.publish('H', 0, 20)
	tc.collect('H', 0, 20)
}
