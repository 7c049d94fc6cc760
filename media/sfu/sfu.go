// Package sfu is Teixit's selective forwarding unit for live exchange-day
// sessions: one *SFU per process holds the rooms it serves, each participant
// has one Pion PeerConnection, and all ICE traffic shares one UDP socket.
// Floor rules come from media/room, messages from media/signal; the transport
// of signalling is the small Conn interface, so the package knows nothing of
// HTTP or WebSockets.
package sfu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/signal"
)

// Config configures an SFU.
type Config struct {
	// UDPAddr is the IP to bind the single ICE UDP socket to. Set it to the
	// server's address in production: "" binds all interfaces and then every
	// local address (loopback, container bridges) becomes a host candidate.
	// Tests use "127.0.0.1".
	UDPAddr string
	// UDPPort is the ICE UDP port; 0 picks a free one (see (*SFU).UDPPort).
	UDPPort int
	// PublicIPs, when set, replace the host candidates' addresses (1:1 NAT).
	PublicIPs []string
	// Grace is how long a dropped participant keeps its place; 0 means
	// room.DefaultGrace (30 s).
	Grace time.Duration
	// JoinTimeout bounds the wait for the first join message; 0 means 15 s.
	JoinTimeout time.Duration
	// EndedTTL is how long an ended room's ID keeps refusing joins (a late
	// reconnect gets "ended" instead of a fresh empty room); 0 means 1 h.
	EndedTTL time.Duration
	// SocketBuffer is the kernel receive/send buffer asked for the ICE UDP
	// socket; 0 means 1 MiB. All peers share this socket, so a short stall
	// of the process must not overflow it; much more would only queue audio
	// that arrives too late to play (Linux caps it at net.core.rmem_max).
	SocketBuffer int
	// Logger receives operational logs; nil means slog.Default().
	Logger *slog.Logger
}

// Opus and VP8 as negotiated with every peer.
var (
	opusCodec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}
	vp8Codec  = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: []webrtc.RTCPFeedback{
		{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}}}
)

// SFU holds the rooms of one process. It is safe for concurrent use.
type SFU struct {
	cfg   Config
	log   *slog.Logger
	udp   *net.UDPConn
	mux   ice.UDPMux
	api   *webrtc.API
	mu    sync.Mutex
	rms   map[string]*sfuRoom
	ended map[string]time.Time // ended room ID → when
	done  bool

	packetsIn, packetsOut           atomic.Uint64
	packetsWithheld, packetsDropped atomic.Uint64
}

// Stats is a snapshot for metrics.
type Stats struct {
	Rooms        int    // live rooms
	Participants int    // in those rooms, connected or in grace
	Connections  int    // connected participants
	PacketsIn    uint64 // RTP packets received from publishers, forwarded or not
	PacketsOut   uint64 // RTP packets written to subscribers
	// PacketsWithheld counts packets received from someone the floor rules keep unheard (no floor, muted).
	PacketsWithheld uint64
	// PacketsDropped counts copies that should have reached a subscriber but could not be written (track
	// not negotiated yet, or the connection refused the write).
	PacketsDropped uint64
}

// Stats returns counters since NewSFU and current sizes.
func (s *SFU) Stats() Stats {
	s.mu.Lock()
	rs := make([]*sfuRoom, 0, len(s.rms))
	for _, r := range s.rms {
		rs = append(rs, r)
	}
	s.mu.Unlock()
	st := Stats{Rooms: len(rs), PacketsIn: s.packetsIn.Load(), PacketsOut: s.packetsOut.Load(),
		PacketsWithheld: s.packetsWithheld.Load(), PacketsDropped: s.packetsDropped.Load()}
	for _, r := range rs {
		r.mu.Lock()
		st.Participants += r.st.Len()
		st.Connections += len(r.peers)
		r.mu.Unlock()
	}
	return st
}

// NewSFU opens the ICE UDP socket and prepares the WebRTC stack. Close
// releases both.
func NewSFU(cfg Config) (*SFU, error) {
	if cfg.Grace <= 0 {
		cfg.Grace = room.DefaultGrace
	}
	if cfg.JoinTimeout <= 0 {
		cfg.JoinTimeout = 15 * time.Second
	}
	if cfg.SocketBuffer <= 0 {
		cfg.SocketBuffer = 1 << 20
	}
	if cfg.EndedTTL <= 0 {
		cfg.EndedTTL = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	var ip net.IP
	if cfg.UDPAddr != "" {
		if ip = net.ParseIP(cfg.UDPAddr); ip == nil {
			return nil, fmt.Errorf("sfu: bad UDPAddr %q", cfg.UDPAddr)
		}
	}
	udp, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: cfg.UDPPort})
	if err != nil {
		return nil, fmt.Errorf("sfu: listen udp: %w", err)
	}
	// Best effort: the kernel clamps to its maximum and errors are harmless.
	_ = udp.SetReadBuffer(cfg.SocketBuffer)
	_ = udp.SetWriteBuffer(cfg.SocketBuffer)
	s := &SFU{cfg: cfg, log: cfg.Logger, udp: udp, rms: map[string]*sfuRoom{}, ended: map[string]time.Time{}}
	s.mux = webrtc.NewICEUDPMux(nil, udp)
	if s.api, err = newAPI(cfg, s.mux); err != nil {
		_ = s.mux.Close()
		return nil, err
	}
	return s, nil
}

func newAPI(cfg Config, mux ice.UDPMux) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: opusCodec, PayloadType: 111}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("sfu: register opus: %w", err)
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: vp8Codec, PayloadType: 96}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, fmt.Errorf("sfu: register vp8: %w", err)
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: audioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("sfu: register audio level: %w", err)
	}
	// NACK (generator and responder) and RTCP sender/receiver reports only:
	// no stats or TWCC interceptors, which cost a goroutine and memory per
	// stream and buy nothing for audio-first rooms.
	ir := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(m, ir); err != nil {
		return nil, fmt.Errorf("sfu: nack: %w", err)
	}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, fmt.Errorf("sfu: rtcp reports: %w", err)
	}
	se := webrtc.SettingEngine{}
	se.SetICEUDPMux(mux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled) // no multicast socket
	if ip := net.ParseIP(cfg.UDPAddr); ip != nil && ip.IsLoopback() {
		se.SetIncludeLoopbackCandidate(true) // tests and the load tool
	}
	if len(cfg.PublicIPs) > 0 {
		se.SetNAT1To1IPs(cfg.PublicIPs, webrtc.ICECandidateTypeHost)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}

// UDPPort is the port of the ICE UDP socket.
func (s *SFU) UDPPort() int { return s.udp.LocalAddr().(*net.UDPAddr).Port }

// ErrClosed is returned by Serve once the SFU is closed.
var ErrClosed = errors.New("sfu: closed")

// Rooms is the number of live rooms.
func (s *SFU) Rooms() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rms)
}

// HasRoom reports whether room id is open here.
func (s *SFU) HasRoom(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.rms[id]
	return ok
}

// room returns the room with id, creating it with rc if needed.
func (s *SFU) room(id string, rc RoomConfig) (*sfuRoom, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil, ErrClosed
	}
	if t, ok := s.ended[id]; ok && time.Since(t) < s.cfg.EndedTTL {
		return nil, room.ErrEnded
	}
	r, ok := s.rms[id]
	if !ok {
		r = newRoom(s, id, rc)
		s.rms[id] = r
	}
	return r, nil
}

// forget drops r from the map if it is still the room for its id; an ended
// room's ID is remembered for EndedTTL.
func (s *SFU) forget(r *sfuRoom, ended bool) {
	s.mu.Lock()
	if ended {
		now := time.Now()
		for id, t := range s.ended {
			if now.Sub(t) >= s.cfg.EndedTTL {
				delete(s.ended, id)
			}
		}
		s.ended[r.id] = now
	}
	if s.rms[r.id] == r {
		delete(s.rms, r.id)
	}
	r.closedLocked()
	s.mu.Unlock()
}

// EndRoom ends room id for everyone (e.g. the exchange day was closed through
// the API): each participant gets an "ended" message, every PeerConnection is
// closed and the room is forgotten. Unknown ids are ignored.
func (s *SFU) EndRoom(id string, reason string) {
	s.mu.Lock()
	r := s.rms[id]
	s.mu.Unlock()
	if r != nil {
		r.end(reason)
	}
}

// Close ends every room and closes the UDP socket.
func (s *SFU) Close() error {
	s.mu.Lock()
	s.done = true
	rs := make([]*sfuRoom, 0, len(s.rms))
	for _, r := range s.rms {
		rs = append(rs, r)
	}
	s.mu.Unlock()
	for _, r := range rs {
		r.end("server shutting down")
	}
	return s.mux.Close()
}

// Serve runs one participant's session on conn until it leaves, is removed,
// the room ends, conn fails or ctx is done; it closes conn before returning.
// The first message must be a join (others get a not_joined error). It
// returns nil when the session ended normally (leave, removed, room ended)
// and the transport or context error otherwise.
func (s *SFU) Serve(ctx context.Context, roomID string, rc RoomConfig, p ParticipantInfo, conn Conn) error {
	defer conn.Close()
	if !p.Role.Valid() {
		return fmt.Errorf("sfu: invalid role %q", p.Role)
	}
	for {
		jctx, cancel := context.WithTimeout(ctx, s.cfg.JoinTimeout)
		join, ref, err := awaitJoin(jctx, conn)
		cancel()
		if err != nil {
			return err
		}
		r, err := s.room(roomID, rc)
		if err != nil {
			writeError(ctx, conn, signal.AsError(err), ref)
			return err
		}
		pe, err := r.admit(ctx, p, join, ref, conn)
		if err != nil {
			if join.ResumeToken != "" && (errors.Is(err, room.ErrBadToken) || errors.Is(err, room.ErrNotYours)) {
				continue // the kept place is gone or not theirs: they may join afresh on the same connection
			}
			return err
		}
		return pe.serve(ctx)
	}
}
