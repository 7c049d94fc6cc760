// Package recorder writes the floor turns of a live session to disk: one Ogg
// Opus or WebM VP8 segment per turn, copied from the RTP the SFU forwards (no
// transcoding), and a JSON timeline manifest. It implements sfu.Hooks and
// imports neither server/ nor Fiber.
package recorder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"
	"github.com/pion/webrtc/v3/pkg/media/oggwriter"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
)

const (
	opusRate = 48000
	// FlushEvery bounds what a power loss can cost: open segments are
	// fsynced this often. A process crash loses nothing already written,
	// since every packet is written to the file as one Ogg page at once.
	FlushEvery = 2 * time.Second
	// queueLen packets (20 ms each) may wait for the disk before new ones
	// are dropped: the forwarding path never blocks on the recorder.
	queueLen = 512
	// keyframeEvery bounds the PLIs a video turn waiting for a keyframe sends.
	keyframeEvery = time.Second
	// CodecVP8 is the manifest codec of a video segment (WebM).
	CodecVP8 = "video/vp8"
)

// Recorder records one room into one directory. Recording is off until
// SetRecording(true). Host and moderator tracks are recorded while it is on;
// anybody else's only while that user consents (SetConsent). Turning
// recording on during a turn starts a segment at the turn's next packet.
type Recorder struct {
	dir string
	on  atomic.Bool
	wg  sync.WaitGroup

	consent  sync.Map     // user ID → bool
	question atomic.Int64 // the room's current guide question (OnQuestion)

	mu     sync.Mutex // held briefly, also from the forwarding path
	man    Manifest
	next   int       // the next segment's number (see Numbering)
	number Numbering // nil: numbers are this folder's alone
	ver    int       // manifest version, bumped on every change
	active map[*sink]struct{}
	err    error // first disk error, reported by Close
	closed bool  // Close was called: no new segment starts

	saveMu sync.Mutex // serialises manifest writes, outside mu
	saved  int        // version last written
}

var (
	_ sfu.Hooks         = (*Recorder)(nil)
	_ sfu.ConsentHooks  = (*Recorder)(nil)
	_ sfu.QuestionHooks = (*Recorder)(nil)
)

// Numbering claims segment numbers for a recording that more than one recorder writes over time (a day's room
// moving between nodes, each with its own folder): it takes the first number not yet taken at or above from and
// returns it. A segment's number is claimed off the forwarding path, before its file is created; the segment
// keeps the recorder's own count when the claim fails (the Numbering reports why).
type Numbering func(from int) (int, error)

// SetNumbering makes the recorder claim every new segment's number through f (nil: its own count only).
func (r *Recorder) SetNumbering(f Numbering) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.number = f
}

// OnQuestion follows the room's guide question: a segment being written when it changes is closed and the
// turn goes on in a new segment listed under the new question (the host's microphone is one turn for the
// whole session; its segments must still fall under the right chapters).
func (r *Recorder) OnQuestion(index int) { r.question.Store(int64(index)) }

// New opens dir (created if missing) for recording a session that started at
// started. If dir already holds a manifest (the server restarted), it is
// recovered first and new turns are appended to it.
func New(dir string, started time.Time) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	r := &Recorder{dir: dir, active: map[*sink]struct{}{}, next: 1,
		man: Manifest{Version: 1, Started: started.UTC(), Turns: []Entry{}}}
	if _, err := Recover(dir); err == nil {
		m, err := ReadManifest(dir)
		if err != nil {
			return nil, err
		}
		r.man = m
		r.next = nextNumber(m)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	} else if err := writeManifest(dir, r.man); err != nil {
		return nil, err
	}
	return r, nil
}

// Dir is where the segments and the manifest are written.
func (r *Recorder) Dir() string { return r.dir }

// Started is the session clock: turn and consent offsets (startMs, atMs)
// count from it. After a restart it is the first session's start, read from
// the manifest, so every session of a day shares one time base.
func (r *Recorder) Started() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.man.Started
}

// SetRecording turns recording on or off. Turning it off ends the segments
// being written; turning it on starts one at each ongoing turn's next packet.
func (r *Recorder) SetRecording(on bool) {
	r.on.Store(on)
	if on {
		return
	}
	r.mu.Lock()
	open := make([]*sink, 0, len(r.active))
	for s := range r.active {
		open = append(open, s)
	}
	r.mu.Unlock()
	for _, s := range open {
		_ = s.Close()
	}
}

// Recording reports whether packets are being recorded.
func (r *Recorder) Recording() bool { return r.on.Load() }

// SetConsent records whether userID agrees to be recorded; it applies from
// the user's next packet (withdrawing it ends their open segment).
func (r *Recorder) SetConsent(userID string, ok bool) { r.consent.Store(userID, ok) }

// OnConsent implements sfu.ConsentHooks: it applies the answer (an empty
// one, on a new floor grant, means "not yet": not recorded) and lists real
// answers in the manifest. It is called with the room locked, so the
// manifest is written by a goroutine.
func (r *Recorder) OnConsent(c sfu.Consent) {
	r.SetConsent(c.Participant.UserID, c.Answer == "agreed")
	if c.Answer == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.man.Consents = append(r.man.Consents, ConsentEntry{ParticipantID: c.ParticipantID, UserID: c.Participant.UserID,
		DisplayName: c.Participant.DisplayName, Question: c.Question, Consent: c.Answer == "agreed",
		AtMS: c.At.Sub(r.man.Started).Milliseconds(), At: c.At.UTC()})
	r.ver++
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.save()
	}()
}

func (r *Recorder) allowed(p sfu.ParticipantInfo) bool {
	if p.Role == room.Host || p.Role == room.Moderator {
		return true
	}
	ok, _ := r.consent.Load(p.UserID)
	return ok == true
}

// Manifest returns a copy of the current timeline.
func (r *Recorder) Manifest() Manifest {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.man
	m.Turns = append([]Entry(nil), r.man.Turns...)
	m.Consents = append([]ConsentEntry(nil), r.man.Consents...)
	return m
}

// OnTrack implements sfu.Hooks: every Opus or VP8 turn gets a sink, so that
// turning recording on mid-turn records the rest of it. Other codecs are not
// recorded.
func (r *Recorder) OnTrack(t sfu.Turn, p sfu.ParticipantInfo, codec webrtc.RTPCodecParameters) sfu.RTPSink {
	switch {
	case strings.EqualFold(codec.MimeType, webrtc.MimeTypeOpus):
		return &turnSink{r: r, turn: t, info: p, codec: webrtc.MimeTypeOpus}
	case strings.EqualFold(codec.MimeType, webrtc.MimeTypeVP8):
		return &turnSink{r: r, turn: t, info: p, codec: CodecVP8, video: true}
	}
	return nil
}

// turnSink follows one turn and opens or closes its segment as recording
// and consent change.
type turnSink struct {
	r      *Recorder
	turn   sfu.Turn
	info   sfu.ParticipantInfo
	codec  string
	video  bool         // a segment starts only at a keyframe
	lastKF atomic.Int64 // unix ns of the last keyframe request

	mu     sync.Mutex
	seg    *sink
	closed bool
}

// WriteRTP never blocks on the disk: starting a segment only takes the
// recorder's lock briefly and starts the segment's goroutine.
func (ts *turnSink) WriteRTP(p *rtp.Packet) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.closed {
		return nil
	}
	want := ts.r.on.Load() && ts.r.allowed(ts.info)
	q := int(ts.r.question.Load())
	if ts.seg != nil && (!want || ts.seg.isClosed() || ts.seg.question != q) {
		_ = ts.seg.Close()
		ts.seg = nil
	}
	if want && ts.seg == nil {
		if ts.video && !vp8KeyframeStart(p.Payload) {
			ts.askKeyframe() // e.g. recording switched on, or the question changed, mid-turn
			return nil
		}
		ts.seg = ts.r.startSegment(ts.turn, ts.info, ts.codec, q, time.Now(), ts.askKeyframe)
	}
	if ts.seg != nil {
		return ts.seg.WriteRTP(p)
	}
	return nil
}

// askKeyframe asks the publisher for a keyframe through the SFU (a PLI), at
// most once per keyframeEvery.
func (ts *turnSink) askKeyframe() {
	if ts.turn.RequestKeyframe == nil {
		return
	}
	now := time.Now().UnixNano()
	last := ts.lastKF.Load()
	if now-last < int64(keyframeEvery) || !ts.lastKF.CompareAndSwap(last, now) {
		return
	}
	ts.turn.RequestKeyframe()
}

// Close ends the turn and its open segment.
func (ts *turnSink) Close() error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.closed = true
	if ts.seg != nil {
		_ = ts.seg.Close()
		ts.seg = nil
	}
	return nil
}

// startSegment lists a new segment (without an end) and starts writing it.
// It returns nil once the recorder is closed.
func (r *Recorder) startSegment(t sfu.Turn, p sfu.ParticipantInfo, codec string, question int, at time.Time, askKey func()) *sink {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	idx, n := len(r.man.Turns), r.next
	r.next++
	e := Entry{Number: t.Number, ParticipantID: t.ParticipantID, UserID: p.UserID, DisplayName: p.DisplayName,
		Role: string(p.Role), Question: question, StartMS: at.Sub(r.man.Started).Milliseconds(),
		StartedAt: at.UTC(), File: segmentName(n, codec), Codec: codec}
	r.man.Turns = append(r.man.Turns, e)
	r.ver++
	s := &sink{r: r, idx: idx, n: n, question: question, path: filepath.Join(r.dir, e.File), codec: codec, askKey: askKey,
		ch: make(chan *rtp.Packet, queueLen)}
	r.active[s] = struct{}{}
	r.wg.Add(1)
	go s.run()
	return s
}

// Close waits until every segment is finished (the SFU closes the sinks when
// turns end; SetRecording(false) closes them too) and returns the first disk
// error met.
// A closed recorder starts no new segment; the directory can be opened again
// with New (the next session of the day appends to it).
func (r *Recorder) Close() error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.SetRecording(false)
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *Recorder) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
}

// save writes the current manifest unless a newer one was written already;
// the disk write happens outside r.mu.
func (r *Recorder) save() {
	r.saveMu.Lock()
	defer r.saveMu.Unlock()
	r.mu.Lock()
	ver, m := r.ver, r.man
	m.Turns = append([]Entry(nil), r.man.Turns...)
	m.Consents = append([]ConsentEntry(nil), r.man.Consents...)
	r.mu.Unlock()
	if ver <= r.saved {
		return
	}
	if err := writeManifest(r.dir, m); err != nil {
		r.fail(err)
		return
	}
	r.saved = ver
}

// sink is one segment being written.
type sink struct {
	r        *Recorder
	idx      int // its entry in the manifest
	n        int // its number (file name)
	question int // guide question the segment is listed under
	path     string
	codec    string
	askKey   func()
	ch       chan *rtp.Packet

	mu      sync.Mutex
	closed  bool
	dropped int
}

// WriteRTP copies p into the segment's queue; it never blocks, and drops the
// packet if the disk is too far behind.
func (s *sink) WriteRTP(p *rtp.Packet) error {
	cp := &rtp.Packet{Header: p.Header, Payload: append([]byte(nil), p.Payload...)}
	cp.Header.Extensions = nil
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	select {
	case s.ch <- cp:
	default:
		s.dropped++
	}
	return nil
}

func (s *sink) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close ends the segment; it may be called more than once.
func (s *sink) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
	s.mu.Unlock()
	return nil
}

func (s *sink) run() {
	defer s.r.wg.Done()
	r := s.r
	s.claimNumber()
	r.save() // the turn is in the manifest, without an end, before its first byte
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	var w segmentFile
	if err == nil {
		w, err = s.open(f)
	}
	if err != nil {
		r.fail(fmt.Errorf("recorder: segment %s: %w", s.path, err))
		for range s.ch { // drain until the sink is closed
		}
		if f != nil {
			_ = f.Close()
		}
		r.end(s, time.Now(), true)
		return
	}
	tick := time.NewTicker(FlushEvery)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case p, ok := <-s.ch:
			if !ok {
				done = true
				break
			}
			if err := w.WriteRTP(p); err != nil {
				r.fail(fmt.Errorf("recorder: segment %s: %w", s.path, err))
			}
		case <-tick.C:
			_ = w.Sync()
		}
	}
	end := time.Now()
	media, err := w.Close()
	if err != nil {
		r.fail(err)
	}
	r.end(s, end, !media)
}

// claimNumber takes the segment's number through the recorder's Numbering before the file exists, moving the
// segment to the first free number when its own is taken (packets queue meanwhile).
func (s *sink) claimNumber() {
	r := s.r
	r.mu.Lock()
	f := r.number
	r.mu.Unlock()
	if f == nil {
		return
	}
	n, err := f(s.n)
	if err != nil || n == s.n {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := &r.man.Turns[s.idx]
	e.File = segmentName(n, s.codec)
	s.n, s.path = n, filepath.Join(r.dir, e.File)
	r.next = max(r.next, n+1)
	r.ver++
}

// segmentFile writes one segment's packets in its container.
type segmentFile interface {
	WriteRTP(p *rtp.Packet) error
	Sync() error
	// Close finishes the file and reports whether it holds any media.
	Close() (media bool, err error)
}

func (s *sink) open(f *os.File) (segmentFile, error) {
	if s.codec == CodecVP8 {
		return newWebMSegment(f, s.path, s.askKey), nil
	}
	w, err := oggwriter.NewWith(f, opusRate, 2)
	if err != nil {
		return nil, err
	}
	return &oggSegment{f: f, w: w, path: s.path}, nil
}

func extFor(codec string) string {
	if codec == CodecVP8 {
		return "webm"
	}
	return "ogg"
}

// oggSegment is an Ogg Opus segment: one complete page per packet.
type oggSegment struct {
	f    *os.File
	w    *oggwriter.OggWriter
	path string
}

func (o *oggSegment) WriteRTP(p *rtp.Packet) error { return o.w.WriteRTP(p) }
func (o *oggSegment) Sync() error                  { return o.f.Sync() }

func (o *oggSegment) Close() (bool, error) {
	if err := o.w.Close(); err != nil { // closes f
		return false, fmt.Errorf("recorder: segment %s: %w", o.path, err)
	}
	_, audio, err := finishOgg(o.path)
	return audio, err
}

func (r *Recorder) end(s *sink, at time.Time, empty bool) {
	r.mu.Lock()
	delete(r.active, s)
	r.man.Turns[s.idx].setEnd(r.man.Started, at.UTC())
	r.man.Turns[s.idx].Empty = empty
	r.ver++
	r.mu.Unlock()
	r.save()
}
