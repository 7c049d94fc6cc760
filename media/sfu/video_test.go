package sfu

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
)

// TestVideoKeyframeOnSubscribeAndAudioOnly: with video allowed, a new video
// subscriber makes the SFU ask the publisher for a keyframe (PLI) and then
// receives its video; an audio-only participant never gets video.
func TestVideoKeyframeOnSubscribeAndAudioOnly(t *testing.T) {
	s := newTestSFU(t)
	rc := RoomConfig{Video: true}
	h := joinWith(t, s, "v", rc, host("host"), client.Config{Publish: true, PublishVideo: true})
	ao := joinRoom(t, s, "v", rc, listener("audio-only"), signal.Join{AudioOnly: true}, false)

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { // the camera: fake VP8 payloads at 30 packets/s
		payload := []byte{0x10, 0, 0, 0, 0, 0, 0, 0}
		for seq := uint16(1); ctx.Err() == nil; seq++ {
			_ = h.c.Video().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 3000}, Payload: payload})
			time.Sleep(33 * time.Millisecond)
		}
	}()
	warmUp(t, h, ao)
	before := h.c.PLIs()

	v := joinRoom(t, s, "v", rc, listener("viewer"), signal.Join{}, false)
	deadline := time.Now().Add(waitLimit)
	for h.c.PLIs() == before {
		if time.Now().After(deadline) {
			t.Fatal("no PLI reached the publisher when a video subscriber joined")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ssrc := waitKind(t, v, webrtc.RTPCodecTypeVideo, h.id)

	// A subscriber's own PLI is relayed to the publisher.
	before = h.c.PLIs()
	if err := v.c.PC().WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}}); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(waitLimit)
	for h.c.PLIs() == before {
		if time.Now().After(deadline) {
			t.Fatal("a subscriber's PLI did not reach the publisher")
		}
		time.Sleep(10 * time.Millisecond)
	}

	h.publish('H', 0, 20)
	for _, g := range ao.collect('H', 0, 20) {
		if g.kind == webrtc.RTPCodecTypeVideo {
			t.Fatal("audio-only participant received video")
		}
	}
	for _, tr := range ao.c.PC().GetTransceivers() {
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			t.Fatalf("audio-only participant has a video transceiver (mid %s)", tr.Mid())
		}
	}
}

func waitKind(t *testing.T, tc *tclient, kind webrtc.RTPCodecType, stream string) uint32 {
	t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case g := <-tc.rtp:
			if g.kind == kind && g.track == stream {
				return g.ssrc
			}
		case <-timeout:
			t.Fatalf("no %s packets from %s", kind, stream)
		}
	}
}

// TestICERestart: on ice_restart the server sends a new offer with fresh ICE
// credentials; after the answer, media still flows.
func TestICERestart(t *testing.T) {
	s := newTestSFU(t)
	h := joinRoom(t, s, "ice", RoomConfig{}, host("host"), signal.Join{}, true)
	l := joinRoom(t, s, "ice", RoomConfig{}, listener("l"), signal.Join{}, false)
	warmUp(t, h, l)
	oldUfrag := ufrag(l.c.PC().RemoteDescription().SDP)
	l.send(signal.TypeICERestart, "", nil)
	l.waitMsg(signal.TypeOffer, func(m signal.Message) bool { return ufrag(m.Payload.(*signal.SDP).SDP) != oldUfrag })
	deadline := time.Now().Add(waitLimit)
	for l.c.PC().SignalingState() != webrtc.SignalingStateStable || ufrag(l.c.PC().RemoteDescription().SDP) == oldUfrag {
		if time.Now().After(deadline) {
			t.Fatal("restart offer not applied")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// An ICE restart clears both agents' selected pairs; until the new checks nominate a pair, packets have no
	// path and are dropped (as on a real network change). "Connected" can still be the state from before the
	// restart, so wait for what makes media flow: a newly selected pair here and packets arriving again.
	deadline = time.Now().Add(waitLimit)
	ice := l.c.PC().SCTP().Transport().ICETransport()
	for pair, _ := ice.GetSelectedCandidatePair(); pair == nil; pair, _ = ice.GetSelectedCandidatePair() {
		if time.Now().After(deadline) {
			t.Fatal("no candidate pair selected after the restart")
		}
		time.Sleep(5 * time.Millisecond)
	}
	l.waitConnected()
	warmUp(t, h, l)
	h.publish('H', 0, 20)
	l.collect('H', 0, 20)
}

func ufrag(sdp string) string {
	for _, line := range strings.Split(sdp, "\r\n") {
		if strings.HasPrefix(line, "a=ice-ufrag:") {
			return line
		}
	}
	return ""
}
