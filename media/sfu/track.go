package sfu

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"
)

// binding is what Bind learnt about one negotiated sender.
type binding struct {
	ssrc uint32
	pt   uint8
	ws   webrtc.TrackLocalWriter
}

// downTrack is a TrackLocal added to exactly one subscriber's
// PeerConnection. It writes through a header it owns, so forwarding does not
// allocate; writes are serialised by the owning fanout's lock.
type downTrack struct {
	id, streamID string
	codec        webrtc.RTPCodecCapability
	peer         *peer
	fan          *fanout
	sender       *webrtc.RTPSender
	b            atomic.Pointer[binding]
	hdr          rtp.Header
}

var _ webrtc.TrackLocal = (*downTrack)(nil)

// Bind implements webrtc.TrackLocal.
func (d *downTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	for _, c := range ctx.CodecParameters() {
		if strings.EqualFold(c.MimeType, d.codec.MimeType) {
			d.b.Store(&binding{ssrc: uint32(ctx.SSRC()), pt: uint8(c.PayloadType), ws: ctx.WriteStream()})
			if d.fan != nil && d.fan.kind == webrtc.RTPCodecTypeVideo {
				d.fan.requestKeyframe()
			}
			return c, nil
		}
	}
	return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
}

// Unbind implements webrtc.TrackLocal.
func (d *downTrack) Unbind(webrtc.TrackLocalContext) error {
	d.b.Store(nil)
	return nil
}

// ID implements webrtc.TrackLocal.
func (d *downTrack) ID() string { return d.id }

// RID implements webrtc.TrackLocal.
func (d *downTrack) RID() string { return "" }

// StreamID implements webrtc.TrackLocal.
func (d *downTrack) StreamID() string { return d.streamID }

// Kind implements webrtc.TrackLocal.
func (d *downTrack) Kind() webrtc.RTPCodecType {
	if strings.HasPrefix(d.codec.MimeType, "video/") {
		return webrtc.RTPCodecTypeVideo
	}
	return webrtc.RTPCodecTypeAudio
}

// write sends one packet with this binding's SSRC and payload type and no
// header extensions (their ids were negotiated with the publisher, not here).
// write sends one packet to the subscriber and reports whether it went out (false before the track is
// bound by negotiation, or when the connection refused it: a dropped packet).
func (d *downTrack) write(h *rtp.Header, payload []byte) bool {
	b := d.b.Load()
	if b == nil {
		return false
	}
	d.hdr.Version = 2
	d.hdr.Padding = false
	d.hdr.Marker = h.Marker
	d.hdr.SequenceNumber = h.SequenceNumber
	d.hdr.Timestamp = h.Timestamp
	d.hdr.SSRC = b.ssrc
	d.hdr.PayloadType = b.pt
	_, err := b.ws.WriteRTP(&d.hdr, payload)
	return err == nil
}

// fanout is one forwarded stream as subscribers see it: a fixed SSRC per
// subscriber whatever the publisher behind it. The room has one floor fanout
// per kind (whoever holds the floor writes there) and one per kind for each
// host or moderator. Switching publishers rewrites sequence numbers and
// timestamps so subscribers see one continuous stream: no renegotiation.
type fanout struct {
	name  string // "floor" or the owner's participant ID
	kind  webrtc.RTPCodecType
	codec webrtc.RTPCodecCapability
	self  string // participant not to forward to (owner); "" for floor

	mu    sync.Mutex
	rw    rewriter
	downs atomic.Pointer[[]*downTrack] // copy-on-write
	cur   atomic.Pointer[source]       // last source written
}

func newFanout(name, self string, kind webrtc.RTPCodecType, codec webrtc.RTPCodecCapability) *fanout {
	f := &fanout{name: name, self: self, kind: kind, codec: codec}
	f.downs.Store(&[]*downTrack{})
	return f
}

// forward writes p from src to every subscriber but src's own peer and
// returns how many copies it wrote.
func (f *fanout) forward(src *source, p *rtp.Packet, clockRate uint32, nowNanos int64) (sent, dropped int) {
	f.mu.Lock()
	if f.cur.Load() != src {
		f.cur.Store(src)
	}
	f.rw.rewrite(&p.Header, clockRate, nowNanos)
	for _, d := range *f.downs.Load() {
		if d.peer != src.peer {
			if d.write(&p.Header, p.Payload) {
				sent++
			} else {
				dropped++
			}
		}
	}
	f.mu.Unlock()
	return sent, dropped
}

func (f *fanout) add(d *downTrack) {
	f.mu.Lock()
	old := *f.downs.Load()
	n := make([]*downTrack, len(old), len(old)+1)
	copy(n, old)
	n = append(n, d)
	f.downs.Store(&n)
	f.mu.Unlock()
}

func (f *fanout) remove(d *downTrack) {
	f.mu.Lock()
	old := *f.downs.Load()
	n := make([]*downTrack, 0, len(old))
	for _, x := range old {
		if x != d {
			n = append(n, x)
		}
	}
	f.downs.Store(&n)
	f.mu.Unlock()
}

// requestKeyframe asks the current video publisher for a keyframe, so a new
// subscriber (or one after a switch) gets a picture fast.
func (f *fanout) requestKeyframe() {
	if s := f.cur.Load(); s != nil {
		s.requestKeyframe()
	}
}

// rewriter maps the sequence numbers and timestamps of successive publishers
// onto one continuous output stream.
type rewriter struct {
	ssrc    uint32
	started bool
	seqOff  uint16
	tsOff   uint32
	lastSeq uint16
	lastTS  uint32
	lastAt  int64
}

func (w *rewriter) rewrite(h *rtp.Header, clockRate uint32, now int64) {
	if !w.started || h.SSRC != w.ssrc {
		if w.started {
			elapsed := uint32(1)
			if now > w.lastAt && clockRate > 0 {
				elapsed = uint32((now-w.lastAt)/1000) * (clockRate / 1000) / 1000
				if elapsed == 0 {
					elapsed = 1
				}
			}
			w.seqOff = w.lastSeq + 1 - h.SequenceNumber
			w.tsOff = w.lastTS + elapsed - h.Timestamp
			h.Marker = true
		}
		w.ssrc = h.SSRC
		w.started = true
		w.lastSeq = h.SequenceNumber + w.seqOff - 1
	}
	h.SequenceNumber += w.seqOff
	h.Timestamp += w.tsOff
	if int16(h.SequenceNumber-w.lastSeq) > 0 {
		w.lastSeq = h.SequenceNumber
		w.lastTS = h.Timestamp
		w.lastAt = now
	}
}
