package recorder

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/at-wat/ebml-go/mkvcore"
	"github.com/at-wat/ebml-go/webm"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

const (
	vp8Rate = 90000
	// clusterMaxMs: a cluster starts at every keyframe and at least this often.
	clusterMaxMs = 5000
)

// vp8KeyframeStart reports whether an RTP payload (VP8 payload descriptor +
// data) is the first packet of a VP8 keyframe: S=1, partition 0, and the
// frame tag's P bit 0 (RFC 7741 §4.3).
func vp8KeyframeStart(payload []byte) bool {
	var vp codecs.VP8Packet
	data, err := vp.Unmarshal(payload)
	return err == nil && vp.S == 1 && vp.PID == 0 && len(data) > 0 && data[0]&0x01 == 0
}

// vp8Size reads the picture size of a keyframe (RFC 6386 §9.1: 3-byte frame
// tag, start code 9d 01 2a, then 14-bit width and height); 0, 0 when absent.
func vp8Size(frame []byte) (w, h uint64) {
	if len(frame) < 10 || frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a {
		return 0, 0
	}
	return uint64(binary.LittleEndian.Uint16(frame[6:8]) & 0x3fff), uint64(binary.LittleEndian.Uint16(frame[8:10]) & 0x3fff)
}

// webmSegment writes one VP8 segment as WebM with ebml-go's SimpleBlock
// writer: live-style (Segment and Clusters of unknown size, no Cues or
// Duration), so the file is valid up to its last complete block at any
// moment. The segment starts at a keyframe (the turn sink starts it on one);
// after a lost packet, frames are dropped until the next keyframe (asked for
// through requestKey), since a VP8 decoder cannot use a frame whose reference
// is missing.
type webmSegment struct {
	f          *os.File
	path       string
	requestKey func()

	out    *errWriter
	w      webm.BlockWriteCloser // nil until the first complete keyframe
	ebmlMu sync.Mutex
	fatal  error

	haveSeq  bool
	lastSeq  uint16
	inFrame  bool
	key      bool
	frameTS  uint32
	frame    []byte
	haveTS   bool
	lastTS   uint32
	ext      int64 // RTP time since the first frame, unwrapped
	lastMs   int64
	needKey  bool
	blocks   int
	dropped  int // frames dropped (loss, no keyframe yet)
	writeErr error
}

func newWebMSegment(f *os.File, path string, requestKey func()) *webmSegment {
	if requestKey == nil {
		requestKey = func() {}
	}
	return &webmSegment{f: f, path: path, requestKey: requestKey, out: &errWriter{f: f}, needKey: true}
}

// WriteRTP assembles VP8 frames from packets (one frame per RTP timestamp,
// complete on the marker bit) and writes each complete frame as a block.
func (s *webmSegment) WriteRTP(p *rtp.Packet) error {
	if s.haveSeq && p.SequenceNumber != s.lastSeq+1 {
		s.lose()
	}
	s.haveSeq, s.lastSeq = true, p.SequenceNumber
	var vp codecs.VP8Packet
	data, err := vp.Unmarshal(p.Payload)
	if err != nil {
		return nil // not VP8: ignored
	}
	if vp.S == 1 && vp.PID == 0 {
		if s.inFrame { // the previous frame never saw its marker
			s.lose()
		}
		s.inFrame, s.frameTS, s.frame = true, p.Timestamp, s.frame[:0]
		s.key = len(data) > 0 && data[0]&0x01 == 0
	} else if !s.inFrame || p.Timestamp != s.frameTS {
		return nil // a continuation whose start was lost
	}
	s.frame = append(s.frame, data...)
	if p.Marker {
		s.inFrame = false
		return s.emit()
	}
	return nil
}

// lose drops the frame being assembled and waits for a keyframe.
func (s *webmSegment) lose() {
	if s.inFrame {
		s.dropped++
	}
	s.inFrame = false
	if !s.needKey {
		s.needKey = true
		s.requestKey()
	}
}

func (s *webmSegment) emit() error {
	if s.needKey && !s.key {
		s.dropped++
		s.requestKey()
		return nil
	}
	s.needKey = false
	if !s.haveTS {
		s.haveTS, s.lastTS = true, s.frameTS
	}
	ext := s.ext + int64(int32(s.frameTS-s.lastTS))
	ms := ext * 1000 / vp8Rate
	if ms < s.lastMs { // time went backwards: not writable in order
		s.dropped++
		return nil
	}
	s.ext, s.lastTS, s.lastMs = ext, s.frameTS, ms
	if s.w == nil {
		if err := s.open(); err != nil {
			return err
		}
	}
	// ebml-go hands the bytes to its own goroutine: they must not be reused.
	if _, err := s.w.Write(s.key, ms, append([]byte(nil), s.frame...)); err != nil {
		return err
	}
	s.blocks++
	return nil
}

// cuesReserve is the room kept after the header for the Cues index (one
// cue point per cluster, about 20 bytes: some 800 clusters; ebml-go thins the
// index out to fit a longer turn).
const cuesReserve = 16 << 10

// open writes the EBML header, Info and Tracks (with the size read from the
// first keyframe).
func (s *webmSegment) open() error {
	w, h := vp8Size(s.frame)
	ws, err := webm.NewSimpleBlockWriter(s.out, []webm.TrackEntry{{
		Name: "Video", TrackNumber: 1, TrackUID: 1, CodecID: "V_VP8", TrackType: 1,
		Video: &webm.Video{PixelWidth: w, PixelHeight: h},
	}},
		mkvcore.WithSegmentInfo(&webm.Info{TimecodeScale: 1000000, MuxingApp: "ebml-go", WritingApp: "teixit recorder"}),
		mkvcore.WithBlockInterceptor(nil), // one track: nothing to sort, write each block at once
		mkvcore.WithMinMaxClusterDuration(1, 0, clusterMaxMs),
		// A finished segment is seekable: Duration and a Cues index, written at Close into room reserved after
		// the header (WriteAt). A torn file keeps the reserved Void and the placeholder Duration, and stays
		// readable up to its last complete block as before.
		mkvcore.WithSeekHead(true),
		mkvcore.WithCues(cuesReserve),
		mkvcore.WithOnFatalHandler(func(err error) {
			s.ebmlMu.Lock()
			if s.fatal == nil {
				s.fatal = err
			}
			s.ebmlMu.Unlock()
		}))
	if err != nil {
		return fmt.Errorf("recorder: webm %s: %w", s.path, err)
	}
	s.w = ws[0]
	return nil
}

// Sync makes what was written durable.
func (s *webmSegment) Sync() error { return s.f.Sync() }

// Close finishes the file (the writer closes it) and reports whether it
// holds any frame. A segment closed before its first keyframe is an empty file.
func (s *webmSegment) Close() (bool, error) {
	var err error
	if s.w != nil {
		err = s.w.Close() // waits for ebml-go's goroutine, which closes the file
	} else {
		err = s.f.Close()
	}
	s.ebmlMu.Lock()
	err = errors.Join(err, s.fatal, s.out.error())
	s.ebmlMu.Unlock()
	if err != nil {
		return s.blocks > 0, fmt.Errorf("recorder: webm %s: %w", s.path, err)
	}
	return s.blocks > 0, nil
}

// errWriter keeps ebml-go's goroutine from ever failing on I/O (a failed
// block write would stop it and block the next Write for ever): the first
// error is kept, reported at Close, and later bytes are discarded.
type errWriter struct {
	f   *os.File
	mu  sync.Mutex
	err error
}

func (w *errWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		_, w.err = w.f.Write(b)
	}
	return len(b), nil
}

// WriteAt lets ebml-go write Duration and Cues into the reserved room at the front when the segment ends.
func (w *errWriter) WriteAt(b []byte, off int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		_, w.err = w.f.WriteAt(b, off)
	}
	return len(b), nil
}

func (w *errWriter) Close() error { return w.f.Close() }

func (w *errWriter) error() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// EBML element IDs the repair needs (Matroska/WebM).
const (
	idEBML        = 0x1A45DFA3
	idSegment     = 0x18538067
	idTracks      = 0x1654AE6B
	idCluster     = 0x1F43B675
	idTimecode    = 0xE7
	idSimpleBlock = 0xA3
	idBlockGroup  = 0xA0
)

// topLevel are Segment children: inside a Cluster of unknown size, one of
// them ends the cluster.
var topLevel = map[uint64]bool{0x114D9B74: true, 0x1549A966: true, idTracks: true, idCluster: true,
	0x1C53BB6B: true, 0x1941A469: true, 0x1043A770: true, 0x1254C367: true}

// readVint reads an EBML variable-length integer at b; keepMarker keeps the
// length marker (element IDs). unknown is set for an all-ones size.
func readVint(b []byte, keepMarker bool) (v uint64, n int, unknown bool, ok bool) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0, false, false
	}
	n = 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if len(b) < n {
		return 0, 0, false, false
	}
	v = uint64(b[0])
	if !keepMarker {
		v &= uint64(0xff >> n)
	}
	for _, c := range b[1:n] {
		v = v<<8 | uint64(c)
	}
	if !keepMarker {
		unknown = v == 1<<(7*n)-1
	}
	return v, n, unknown, true
}

// webmScan is what scanWebM found: end is the offset just after the last
// complete element; lastMs the last block's time (cluster + block timecode).
type webmScan struct {
	end    int64
	tracks bool
	blocks int
	lastMs int64
}

// scanWebM walks a (possibly torn) live-style WebM: EBML header, Segment,
// its children, and the blocks inside Clusters of known or unknown size. It
// stops at the first element that does not fit in b.
func scanWebM(b []byte) webmScan {
	var sc webmScan
	el := func(off int) (id, size uint64, hdr int, unknown, ok bool) {
		id, n, _, ok := readVint(b[off:], true)
		if !ok {
			return 0, 0, 0, false, false
		}
		size, m, unknown, ok := readVint(b[off+n:], false)
		return id, size, n + m, unknown, ok
	}
	id, size, hdr, _, ok := el(0)
	if !ok || id != idEBML || uint64(len(b)) < uint64(hdr)+size {
		return sc
	}
	off := hdr + int(size)
	id, size, hdr, unknown, ok := el(off)
	if !ok || id != idSegment {
		return sc
	}
	off += hdr
	segEnd := len(b)
	if !unknown && uint64(off)+size < uint64(len(b)) {
		segEnd = off + int(size)
	}
	sc.end = int64(off)
	var clusterTc int64
	inCluster, clusterEnd := false, 0
	for off < segEnd {
		id, size, hdr, unknown, ok := el(off)
		if !ok {
			break
		}
		if inCluster && (topLevel[id] || (clusterEnd > 0 && off >= clusterEnd)) {
			inCluster = false
		}
		if id == idCluster {
			inCluster, clusterEnd, clusterTc = true, 0, 0
			if !unknown {
				clusterEnd = off + hdr + int(size)
			}
			off += hdr // kept only once its Timecode is complete: a reader takes a missing one for 0
			continue
		}
		if unknown || uint64(off+hdr)+size > uint64(segEnd) {
			break // torn (or an unknown size we cannot skip)
		}
		body := b[off+hdr : off+hdr+int(size)]
		switch {
		case id == idTracks:
			sc.tracks = true
		case inCluster && id == idTimecode:
			var v uint64
			for _, c := range body {
				v = v<<8 | uint64(c)
			}
			clusterTc = int64(v)
		case inCluster && (id == idSimpleBlock || id == idBlockGroup):
			if id == idSimpleBlock {
				if _, n, _, ok := readVint(body, false); ok && len(body) >= n+2 {
					sc.lastMs = clusterTc + int64(int16(binary.BigEndian.Uint16(body[n:n+2])))
				}
			}
			sc.blocks++
		}
		off += hdr + int(size)
		sc.end = int64(off)
	}
	return sc
}

// finishWebM makes a torn WebM segment playable: it truncates the file after
// its last complete element (a Segment and Clusters of unknown size need no
// size fix-up). It returns the last block's time in ms and whether any block
// survived; a file whose header (up to Tracks) is torn holds nothing usable
// and is truncated to zero bytes.
func finishWebM(path string) (lastMs int64, media bool, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	sc := scanWebM(b)
	if !sc.tracks {
		sc = webmScan{}
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	defer f.Close()
	if sc.end != int64(len(b)) {
		if err := f.Truncate(sc.end); err != nil {
			return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
		}
	}
	if err := f.Sync(); err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	return sc.lastMs, sc.blocks > 0, nil
}
