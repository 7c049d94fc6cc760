package sfu

import (
	"context"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/room"
)

// Conn is the signalling transport of one participant: one JSON message per
// call, in order. The server plugs a WebSocket; tests use an in-process pipe.
// ReadMessage and WriteMessage are each called from one goroutine at a time;
// Close may be called concurrently with both and must unblock them.
type Conn interface {
	ReadMessage(ctx context.Context) ([]byte, error)
	WriteMessage(ctx context.Context, msg []byte) error
	Close() error
}

// ParticipantInfo is who the server says is connecting; the SFU trusts it.
type ParticipantInfo struct {
	UserID      string
	DisplayName string // used when the join message carries none
	Role        room.Role
}

// Turn describes one stretch of forwarded media: from when a participant's
// track starts being forwarded (floor granted, or a moderator's track
// arriving) until it stops. The recorder writes one file per turn.
type Turn struct {
	Number        int // 1-based, per room
	ParticipantID string
	UserID        string
	Question      int // guide question current at the start
	Kind          webrtc.RTPCodecType
	Start         time.Time
	// RequestKeyframe, set for video turns, sends a PLI to the publisher: a
	// recorder starting a segment mid-turn (recording switched on, consent
	// given, question changed) or after a lost packet needs a keyframe now.
	// Safe from any goroutine; callers rate-limit it.
	RequestKeyframe func()
}

// RTPSink receives the packets of one turn. WriteRTP is called on the
// forwarding path: it must not block and must copy what it keeps (the packet
// is reused). Close is called once when the turn ends.
type RTPSink interface {
	WriteRTP(p *rtp.Packet) error
	Close() error
}

// Hooks lets the application observe a room. Calls happen with the room
// locked: they must return quickly and must not call back into the SFU.
type Hooks interface {
	// OnTrack is called when a turn starts; a nil sink means "not recorded".
	OnTrack(turn Turn, p ParticipantInfo, codec webrtc.RTPCodecParameters) RTPSink
}

// RoomConfig is given with every Serve call; the first call for a room ID
// creates the room with it, later calls' values are ignored.
type RoomConfig struct {
	Questions int   // number of guide questions
	Capacity  int   // maximum participants; 0 means unlimited
	Video     bool  // allow VP8 video besides Opus audio
	Hooks     Hooks // may be nil
	// Open, when set, is called by the Serve call that creates the room,
	// under the SFU's lock (so it is ordered after Closed of an earlier room
	// with the same ID): it returns the room's hooks, replacing Hooks, and
	// whether recording is already on. It must not call into the SFU.
	Open func() (hooks Hooks, recording bool)
	// Closed, when set, is called once the room is gone (ended, or its last
	// participant left for good), after every turn's sink was closed, under
	// the SFU's lock: no room with the same ID opens before it returns, so it
	// may finish the recording. It must not call into the SFU.
	Closed func()
	// Ended, when set, is called when the host ends the room, before the
	// participants are told (the server records the end for good). Not
	// called for rooms closed by EndRoom, Close or the last one leaving.
	Ended func()
}

// ConsentHooks is implemented by Hooks that want the answers to the
// recording question (the recorder: a declined turn is not recorded).
type ConsentHooks interface {
	// OnConsent is called with the room locked when a floor holder answers
	// (Answer is signal.ConsentAgreed or ConsentDeclined) and when the floor
	// is granted to a participant who is not a host or moderator (Answer ""
	// : asked again, not recorded until they agree).
	OnConsent(c Consent)
}

// QuestionHooks is implemented by Hooks that follow the guide question (the
// recorder starts a new segment when it changes during a turn, so chapters by
// question hold what was said about each one). OnQuestion is called with the
// room locked when the room opens and whenever the current question changes.
type QuestionHooks interface {
	OnQuestion(index int)
}

// Consent is one answer to "may your turn be recorded?".
type Consent struct {
	ParticipantID string
	Participant   ParticipantInfo
	Question      int // guide question current when answering
	Answer        string
	At            time.Time
}
