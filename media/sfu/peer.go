package sfu

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/signal"
)

// outQueue is how many signalling messages may wait for a slow client before
// it is disconnected (it can rejoin with its resume token).
const outQueue = 256

// Signalling rate limit per connection: a burst of rateBurst messages, then
// rateRefill per second; excess messages are answered with rate_limited.
const (
	rateBurst  = 60
	rateRefill = 20
)

// maxPendingCandidates bounds candidates buffered before a remote description.
const maxPendingCandidates = 64

// peer is one participant's connection: its signalling Conn and its
// PeerConnection. Negotiation follows one rule: the server makes the offers
// (initial, new tracks, ICE restart); a client offer is answered only when
// no server offer is outstanding, otherwise it gets a "conflict" error and
// must roll back and answer the server's offer.
type peer struct {
	room      *sfuRoom
	id        string
	info      ParticipantInfo
	audioOnly bool
	conn      Conn
	pc        *webrtc.PeerConnection

	out       chan []byte
	closing   chan struct{}
	closeOnce sync.Once
	writerWG  sync.WaitGroup
	normal    atomic.Bool // session ended by leave, removal or room end

	// descMu orders signalling: a local description is sent before any
	// candidate gathered for it (gathering starts inside SetLocalDescription).
	descMu sync.Mutex

	tokens   float64 // rate limit bucket, read loop only
	lastTick time.Time

	negMu    sync.Mutex
	offering bool
	again    bool
	restart  bool
	closed   bool
	cands    []webrtc.ICECandidateInit
	downs    []*downTrack
}

func newPeer(r *sfuRoom, info ParticipantInfo, audioOnly bool, conn Conn) (*peer, error) {
	pc, err := r.s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	p := &peer{room: r, info: info, audioOnly: audioOnly, conn: conn, pc: pc,
		out: make(chan []byte, outQueue), closing: make(chan struct{})}
	recv := webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, recv); err != nil {
		_ = pc.Close()
		return nil, err
	}
	if r.cfg.Video && !audioOnly {
		if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, recv); err != nil {
			_ = pc.Close()
			return nil, err
		}
	}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		ci := c.ToJSON()
		p.descMu.Lock()
		defer p.descMu.Unlock()
		p.sendMsg(signal.TypeCandidate, "", &signal.Candidate{Candidate: ci.Candidate, SDPMid: ci.SDPMid,
			SDPMLineIndex: ci.SDPMLineIndex, UsernameFragment: ci.UsernameFragment})
	})
	pc.OnTrack(func(t *webrtc.TrackRemote, rc *webrtc.RTPReceiver) {
		s := newSource(p, t, rc)
		if !p.room.addSource(p, s) {
			return
		}
		s.run()
		p.room.removeSource(p, s)
	})
	p.writerWG.Add(1)
	go p.writer()
	return p, nil
}

// writer sends queued messages in order; a nil message means "flush done,
// close the connection".
func (p *peer) writer() {
	defer p.writerWG.Done()
	ctx := context.Background()
	for {
		select {
		case b := <-p.out:
			if b == nil {
				_ = p.conn.Close()
				return
			}
			if err := p.conn.WriteMessage(ctx, b); err != nil {
				_ = p.conn.Close()
				return
			}
		case <-p.closing:
			return
		}
	}
}

// send queues b without blocking; a client too slow to drain its queue is
// disconnected.
func (p *peer) send(b []byte) {
	select {
	case p.out <- b:
	case <-p.closing:
	default:
		p.room.s.log.Warn("sfu: signalling queue full, dropping connection", "room", p.room.id, "participant", p.id)
		_ = p.conn.Close()
	}
}

func (p *peer) sendMsg(typ, ref string, payload any) {
	b, err := signal.Encode(typ, ref, payload)
	if err != nil {
		p.room.s.log.Error("sfu: encode", "type", typ, "err", err)
		return
	}
	p.send(b)
}

func (p *peer) sendError(err error, ref string) {
	e := *signal.AsError(err)
	if e.RefID == "" {
		e.RefID = ref
	}
	p.sendMsg(signal.TypeError, "", &e)
}

// finish sends a last message, then closes the connection once it is out.
func (p *peer) finish(typ string, payload any) {
	p.normal.Store(true)
	p.sendMsg(typ, "", payload)
	select {
	case p.out <- nil:
	default:
		_ = p.conn.Close()
	}
}

// serve runs the read loop until the session is over, then cleans up.
func (p *peer) serve(ctx context.Context) error {
	var err error
	left := false
	for {
		var data []byte
		data, err = p.conn.ReadMessage(ctx)
		if err != nil {
			break
		}
		if !p.allow(time.Now()) {
			p.sendError(errRate, "")
			continue
		}
		m, derr := signal.DecodeClient(data)
		if derr != nil {
			p.sendError(derr, "")
			continue
		}
		if m.Type == signal.TypeLeave {
			left = true
			p.normal.Store(true)
			break
		}
		if herr := p.handle(m); herr != nil {
			p.sendError(herr, m.ID)
		}
	}
	p.room.detach(p, left)
	p.shutdown()
	if p.normal.Load() {
		return nil
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

var errRate = signal.Errorf(signal.CodeRateLimit, "too many messages; slow down")

// allow takes a token from the connection's bucket.
func (p *peer) allow(now time.Time) bool {
	if p.lastTick.IsZero() {
		p.tokens, p.lastTick = rateBurst, now
	}
	p.tokens += now.Sub(p.lastTick).Seconds() * rateRefill
	p.lastTick = now
	if p.tokens > rateBurst {
		p.tokens = rateBurst
	}
	if p.tokens < 1 {
		return false
	}
	p.tokens--
	return true
}

// shutdown closes the PeerConnection and the connection and waits for the
// writer, so nothing of the peer outlives Serve.
func (p *peer) shutdown() {
	p.closeOnce.Do(func() { close(p.closing) })
	_ = p.conn.Close()
	p.closePC()
	p.writerWG.Wait()
}

func (p *peer) closePC() {
	p.negMu.Lock()
	p.closed = true
	downs := p.downs
	p.downs = nil
	p.negMu.Unlock()
	for _, d := range downs {
		d.fan.remove(d)
	}
	_ = p.pc.Close()
	if p.closing != nil {
		p.closeOnce.Do(func() { close(p.closing) })
	}
	p.writerWG.Wait()
}

// addDown subscribes this peer to f with a new sendonly transceiver. The
// caller renegotiates.
func (p *peer) addDown(f *fanout) {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.closed {
		return
	}
	d := &downTrack{id: f.name + "-" + f.kind.String(), streamID: f.name, codec: f.codec, peer: p, fan: f}
	tr, err := p.pc.AddTransceiverFromTrack(d, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		p.room.s.log.Warn("sfu: add track", "participant", p.id, "err", err)
		return
	}
	d.sender = tr.Sender()
	p.downs = append(p.downs, d)
	f.add(d)
	go readRTCP(d)
}

// readRTCP drains the subscriber's RTCP for one sender (the interceptors need
// it read) and forwards picture-loss requests to the current publisher.
func readRTCP(d *downTrack) {
	buf := make([]byte, 1500)
	for {
		n, _, err := d.sender.Read(buf)
		if err != nil {
			return
		}
		if d.fan.kind != webrtc.RTPCodecTypeVideo {
			continue
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		for _, pk := range pkts {
			switch pk.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				d.fan.requestKeyframe()
			}
		}
	}
}

// removeDown unsubscribes from a fanout that is gone, and renegotiates.
func (p *peer) removeDown(d *downTrack) {
	d.fan.remove(d)
	p.negMu.Lock()
	if p.closed {
		p.negMu.Unlock()
		return
	}
	for i, x := range p.downs {
		if x == d {
			p.downs = append(p.downs[:i:i], p.downs[i+1:]...)
			break
		}
	}
	_ = p.pc.RemoveTrack(d.sender)
	p.negMu.Unlock()
	p.negotiate(false)
}

// negotiate sends a server offer now, or as soon as the outstanding one is
// answered.
func (p *peer) negotiate(restart bool) {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.closed {
		return
	}
	if p.offering || p.pc.SignalingState() != webrtc.SignalingStateStable {
		p.again = true
		p.restart = p.restart || restart
		return
	}
	p.descMu.Lock()
	defer p.descMu.Unlock()
	offer, err := p.pc.CreateOffer(&webrtc.OfferOptions{ICERestart: restart})
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err != nil {
		p.room.s.log.Warn("sfu: create offer", "participant", p.id, "err", err)
		return
	}
	p.offering = true
	p.sendMsg(signal.TypeOffer, "", &signal.SDP{SDP: offer.SDP})
}

var (
	errNoOffer = signal.Errorf(signal.CodeConflict, "no server offer is waiting for an answer")
	errGlare   = signal.Errorf(signal.CodeConflict, "glare: a server offer is outstanding; roll back and answer it")
	errBadSDP  = signal.Errorf(signal.CodeBadMessage, "the session description was refused")
	errBadCand = signal.Errorf(signal.CodeBadMessage, "the ICE candidate was refused")
)

func (p *peer) onAnswer(sdp string) error {
	p.negMu.Lock()
	if !p.offering {
		p.negMu.Unlock()
		return errNoOffer
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		p.negMu.Unlock()
		return errBadSDP
	}
	p.offering = false
	p.flushCandidatesLocked()
	again, restart := p.again, p.restart
	p.again, p.restart = false, false
	p.negMu.Unlock()
	if again {
		p.negotiate(restart)
	}
	return nil
}

func (p *peer) onOffer(ref, sdp string) error {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.offering || p.pc.SignalingState() != webrtc.SignalingStateStable {
		return errGlare
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		return errBadSDP
	}
	p.flushCandidatesLocked()
	p.descMu.Lock()
	defer p.descMu.Unlock()
	answer, err := p.pc.CreateAnswer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(answer)
	}
	if err != nil {
		return errBadSDP
	}
	p.sendMsg(signal.TypeAnswer, ref, &signal.SDP{SDP: answer.SDP})
	return nil
}

func (p *peer) onCandidate(c *signal.Candidate) error {
	ci := webrtc.ICECandidateInit{Candidate: c.Candidate, SDPMid: c.SDPMid, SDPMLineIndex: c.SDPMLineIndex, UsernameFragment: c.UsernameFragment}
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.pc.RemoteDescription() == nil {
		if len(p.cands) >= maxPendingCandidates {
			return errBadCand
		}
		p.cands = append(p.cands, ci)
		return nil
	}
	if err := p.pc.AddICECandidate(ci); err != nil {
		return errBadCand
	}
	return nil
}

func (p *peer) flushCandidatesLocked() {
	for _, c := range p.cands {
		_ = p.pc.AddICECandidate(c)
	}
	p.cands = nil
}

func writeError(ctx context.Context, conn Conn, e *signal.Error, ref string) {
	c := *e
	if c.RefID == "" {
		c.RefID = ref
	}
	if b, err := signal.Encode(signal.TypeError, "", &c); err == nil {
		_ = conn.WriteMessage(ctx, b)
	}
}
