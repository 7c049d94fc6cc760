// Package client is a minimal Go participant for the SFU: it speaks the
// signalling protocol over any message Conn, answers the server's offers,
// trickles candidates, can publish one Opus track and hands every received
// RTP packet to a callback. Tests and the load tool use it as a real peer.
package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/pion/ice/v2"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/signal"
)

// Conn is the signalling transport, the same shape as sfu.Conn.
type Conn interface {
	ReadMessage(ctx context.Context) ([]byte, error)
	WriteMessage(ctx context.Context, msg []byte) error
	Close() error
}

// LoopbackAPI returns a WebRTC API whose ICE uses 127.0.0.1 over UDP only,
// with no mDNS and no interceptors: cheap, and it touches no other network.
func LoopbackAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("client: codecs: %w", err)
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: "urn:ietf:params:rtp-hdrext:ssrc-audio-level"}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("client: audio level: %w", err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)), nil
}

// Config sets up a Client.
type Config struct {
	API     *webrtc.API // nil means LoopbackAPI()
	Join    signal.Join
	Publish bool // attach an Opus track to the first offer's receiving m-line
	// PublishVideo attaches a VP8 track likewise (the room must allow video).
	PublishVideo bool
	// ICEServers (e.g. a TURN relay) and RelayOnly (force the relay, as a
	// restrictive network would) configure the PeerConnection.
	ICEServers []webrtc.ICEServer
	RelayOnly  bool
	// OnMessage gets every server message except offers and candidates,
	// from the Run goroutine.
	OnMessage func(signal.Message)
	// OnRTP gets every received RTP packet, from the track's read goroutine;
	// p is reused after it returns.
	OnRTP func(t *webrtc.TrackRemote, p *rtp.Packet)
}

// Client is one participant. Create with New, then call Run.
type Client struct {
	cfg   Config
	conn  Conn
	pc    *webrtc.PeerConnection
	audio *webrtc.TrackLocalStaticRTP
	video *webrtc.TrackLocalStaticRTP
	plis  atomic.Int64
	wmu   sync.Mutex
	added bool
	// descMu makes our answer leave before candidates gathered for it;
	// cands holds remote candidates that arrive before the offer.
	descMu sync.Mutex
	cands  []webrtc.ICECandidateInit
	wg     sync.WaitGroup
}

// New creates the PeerConnection and sends the join message.
func New(ctx context.Context, conn Conn, cfg Config) (*Client, error) {
	api := cfg.API
	if api == nil {
		var err error
		if api, err = LoopbackAPI(); err != nil {
			return nil, err
		}
	}
	pcfg := webrtc.Configuration{ICEServers: cfg.ICEServers}
	if cfg.RelayOnly {
		pcfg.ICETransportPolicy = webrtc.ICETransportPolicyRelay
	}
	pc, err := api.NewPeerConnection(pcfg)
	if err != nil {
		return nil, fmt.Errorf("client: peer connection: %w", err)
	}
	c := &Client{cfg: cfg, conn: conn, pc: pc}
	if cfg.Publish {
		c.audio, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "me")
		if err != nil {
			_ = pc.Close()
			return nil, err
		}
	}
	if cfg.PublishVideo {
		c.video, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "cam", "me")
		if err != nil {
			_ = pc.Close()
			return nil, err
		}
	}
	pc.OnICECandidate(func(ic *webrtc.ICECandidate) {
		if ic == nil {
			return
		}
		j := ic.ToJSON()
		c.descMu.Lock()
		defer c.descMu.Unlock()
		_ = c.Send(ctx, signal.TypeCandidate, "", &signal.Candidate{Candidate: j.Candidate, SDPMid: j.SDPMid, SDPMLineIndex: j.SDPMLineIndex})
	})
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		c.wg.Add(1)
		defer c.wg.Done()
		buf := make([]byte, 1500)
		var p rtp.Packet
		for {
			n, _, err := t.Read(buf)
			if err != nil {
				return
			}
			if cfg.OnRTP != nil && p.Unmarshal(buf[:n]) == nil {
				cfg.OnRTP(t, &p)
			}
		}
	})
	if err := c.Send(ctx, signal.TypeJoin, "join", &cfg.Join); err != nil {
		_ = pc.Close()
		return nil, err
	}
	return c, nil
}

// Audio is the published track (nil unless Config.Publish): write Opus RTP to it.
func (c *Client) Audio() *webrtc.TrackLocalStaticRTP { return c.audio }

// Video is the published VP8 track (nil unless Config.PublishVideo).
func (c *Client) Video() *webrtc.TrackLocalStaticRTP { return c.video }

// PLIs counts picture-loss indications the server sent about our video.
func (c *Client) PLIs() int { return int(c.plis.Load()) }

// PC is the underlying PeerConnection.
func (c *Client) PC() *webrtc.PeerConnection { return c.pc }

// Send writes one message; safe for concurrent use.
func (c *Client) Send(ctx context.Context, typ, id string, payload any) error {
	b, err := signal.Encode(typ, id, payload)
	if err != nil {
		return err
	}
	return c.SendRaw(ctx, b)
}

// SendRaw writes bytes as they are, to test the server's decoder.
func (c *Client) SendRaw(ctx context.Context, b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.conn.WriteMessage(ctx, b)
}

// Run reads server messages until the connection ends, answering offers
// and adding candidates. It returns nil once an "ended" message arrived.
func (c *Client) Run(ctx context.Context) error {
	ended := false
	for {
		b, err := c.conn.ReadMessage(ctx)
		if err != nil {
			if ended {
				return nil
			}
			return err
		}
		m, err := signal.DecodeServer(b)
		if err != nil {
			return fmt.Errorf("client: bad server message: %w", err)
		}
		switch pl := m.Payload.(type) {
		case *signal.SDP:
			if m.Type == signal.TypeOffer {
				if err := c.answer(ctx, pl.SDP); err != nil {
					return err
				}
			}
		case *signal.Candidate:
			ci := webrtc.ICECandidateInit{Candidate: pl.Candidate, SDPMid: pl.SDPMid, SDPMLineIndex: pl.SDPMLineIndex}
			if c.pc.RemoteDescription() == nil {
				c.cands = append(c.cands, ci)
			} else {
				_ = c.pc.AddICECandidate(ci)
			}
		case *signal.Ended:
			ended = true
		}
		if c.cfg.OnMessage != nil && m.Type != signal.TypeCandidate {
			c.cfg.OnMessage(m)
		}
	}
}

func (c *Client) answer(ctx context.Context, sdp string) error {
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		return fmt.Errorf("client: remote offer: %w", err)
	}
	for _, ci := range c.cands {
		_ = c.pc.AddICECandidate(ci)
	}
	c.cands = nil
	if !c.added {
		c.added = true
		for _, tr := range []*webrtc.TrackLocalStaticRTP{c.audio, c.video} {
			if tr == nil {
				continue
			}
			sender, err := c.pc.AddTrack(tr)
			if err != nil {
				return fmt.Errorf("client: add track: %w", err)
			}
			c.wg.Add(1)
			go c.readRTCP(sender)
		}
	}
	c.descMu.Lock()
	defer c.descMu.Unlock()
	a, err := c.pc.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("client: answer: %w", err)
	}
	if err := c.pc.SetLocalDescription(a); err != nil {
		return fmt.Errorf("client: local answer: %w", err)
	}
	return c.Send(ctx, signal.TypeAnswer, "", &signal.SDP{SDP: a.SDP})
}

// readRTCP drains a sender's RTCP, counting picture-loss indications.
func (c *Client) readRTCP(sender *webrtc.RTPSender) {
	defer c.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, _, err := sender.Read(buf)
		if err != nil {
			return
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		for _, p := range pkts {
			if _, ok := p.(*rtcp.PictureLossIndication); ok {
				c.plis.Add(1)
			}
		}
	}
}

// Close closes the PeerConnection and the Conn and waits for the track
// goroutines.
func (c *Client) Close() error {
	err := errors.Join(c.pc.Close(), c.conn.Close())
	c.wg.Wait()
	return err
}
