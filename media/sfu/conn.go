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
}
