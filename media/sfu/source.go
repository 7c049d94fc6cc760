package sfu

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"
)

// audioLevelURI is the RFC 6464 header extension used for the speaking flag.
const audioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

// speakingThreshold: a level (-dBov) below this counts as voice.
const speakingThreshold = 50

// source is one track a participant publishes. Its read loop forwards each
// packet to dest, the fanout chosen by the room's floor rules; nil drops it.
type source struct {
	peer      *peer
	track     *webrtc.TrackRemote
	kind      webrtc.RTPCodecType
	clockRate uint32
	levelID   uint8

	dest    atomic.Pointer[fanout]
	hasSink atomic.Bool
	sinkMu  sync.Mutex
	sink    RTPSink // recorder sink of the current turn

	loud     int // voice packets in the recent window, for hysteresis
	speaking bool
}

func newSource(p *peer, t *webrtc.TrackRemote, r *webrtc.RTPReceiver) *source {
	s := &source{peer: p, track: t, kind: t.Kind(), clockRate: t.Codec().ClockRate}
	if s.kind == webrtc.RTPCodecTypeAudio {
		for _, e := range r.GetParameters().HeaderExtensions {
			if e.URI == audioLevelURI {
				s.levelID = uint8(e.ID)
			}
		}
	}
	return s
}

// run reads until the track ends. It reuses one buffer and one packet, so
// the steady state allocates nothing here.
func (s *source) run() {
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	for {
		n, _, err := s.track.Read(buf)
		if err != nil {
			return
		}
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		s.peer.room.s.packetsIn.Add(1)
		if s.levelID != 0 {
			s.level(&pkt)
		}
		f := s.dest.Load()
		if f == nil {
			s.peer.room.s.packetsWithheld.Add(1) // the floor rules keep this sender unheard
			continue
		}
		if s.hasSink.Load() {
			s.writeSink(&pkt)
		}
		sent, dropped := f.forward(s, &pkt, s.clockRate, time.Now().UnixNano())
		s.peer.room.s.packetsOut.Add(uint64(sent))
		if dropped > 0 {
			s.peer.room.s.packetsDropped.Add(uint64(dropped))
		}
	}
}

// level updates the speaking flag from the audio level extension, with
// hysteresis over about 200 ms so one loud packet does not flicker the UI.
func (s *source) level(p *rtp.Packet) {
	ext := p.GetExtension(s.levelID)
	if len(ext) == 0 {
		return
	}
	if ext[0]&0x7f < speakingThreshold {
		if s.loud < 10 {
			s.loud++
		}
	} else if s.loud > 0 {
		s.loud--
	}
	switch {
	case !s.speaking && s.loud >= 8:
		s.speaking = true
	case s.speaking && s.loud == 0:
		s.speaking = false
	default:
		return
	}
	s.peer.room.setSpeaking(s.peer.id, s.speaking)
}

func (s *source) requestKeyframe() {
	if s.kind != webrtc.RTPCodecTypeVideo {
		return
	}
	_ = s.peer.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(s.track.SSRC())}})
}

// setSink replaces the recorder sink, closing the previous one. The lock
// makes sure no write reaches a sink after its Close.
func (s *source) setSink(k RTPSink) {
	s.sinkMu.Lock()
	old := s.sink
	s.sink = k
	s.hasSink.Store(k != nil)
	s.sinkMu.Unlock()
	if old != nil {
		_ = old.Close()
	}
}

func (s *source) writeSink(p *rtp.Packet) {
	s.sinkMu.Lock()
	if s.sink != nil {
		_ = s.sink.WriteRTP(p)
	}
	s.sinkMu.Unlock()
}
