// Package signal defines the versioned JSON signalling protocol spoken between
// a browser and the SFU over one WebSocket: the envelope, one payload type per
// message type, and a strict decoder. It knows nothing of rooms or WebRTC; the
// protocol itself is described in media/PROTOCOL.md.
package signal

// Version is the protocol version carried in every envelope's "v" field.
const Version = 1

// Revision counts backward-compatible additions to version 1 (new message
// types and fields a client may ignore); it is sent in Welcome so a client
// can tell which ones the server speaks. Revision 2 added the recording
// notice and consent, and the key points; revision 3 the participant's mic
// (the server's view of who is sending) and set_question's keepHands.
const Revision = 3

// MaxMessageSize bounds one encoded client message; larger ones are rejected
// before any JSON parsing.
const MaxMessageSize = 64 << 10

// Message types. Those marked "both" may travel in either direction.
const (
	TypeJoin        = "join"        // client → server
	TypeLeave       = "leave"       // client → server
	TypeOffer       = "offer"       // both
	TypeAnswer      = "answer"      // both
	TypeCandidate   = "candidate"   // both
	TypeRaiseHand   = "raise_hand"  // client → server
	TypeLowerHand   = "lower_hand"  // client → server
	TypeGrantFloor  = "grant_floor" // client → server
	TypeRevokeFloor = "revoke_floor"
	TypeMute        = "mute"
	TypeUnmute      = "unmute"
	TypeRemove      = "remove"
	TypeSetQuestion = "set_question"
	TypeChat        = "chat" // both
	TypeSpeaking    = "speaking"
	TypeICERestart  = "ice_restart"
	TypeEnd         = "end"
	// TypeRecordingConsent answers "may your turn be recorded?" (revision 2).
	TypeRecordingConsent = "recording_consent"

	TypeWelcome     = "welcome" // server → client
	TypeParticipant = "participant"
	TypeLeft        = "participant_left"
	TypeQueue       = "queue"
	TypeFloor       = "floor"
	TypeQuestion    = "question"
	TypeError       = "error"
	TypeEnded       = "ended"
	// Revision 2.
	TypeRecording       = "recording"
	TypeKeyPoint        = "key_point"
	TypeKeyPointRemoved = "key_point_removed"
)

// Join asks to enter the room. ResumeToken, when set, is the token received in
// an earlier Welcome: the participant then gets back its role, queue place and
// floor if it returns within the grace period.
type Join struct {
	DisplayName string `json:"displayName,omitempty"`
	AudioOnly   bool   `json:"audioOnly,omitempty"`
	ResumeToken string `json:"resumeToken,omitempty"`
}

// SDP carries an offer or an answer.
type SDP struct {
	SDP string `json:"sdp"`
}

// Candidate is one trickled ICE candidate, shaped like the browser's
// RTCIceCandidateInit. An empty Candidate string means end of candidates.
type Candidate struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex,omitempty"`
	UsernameFragment *string `json:"usernameFragment,omitempty"`
}

// Target names the participant a moderation command applies to.
type Target struct {
	ParticipantID string `json:"participantId"`
}

// SetQuestion moves the room to guide question Index (0-based). KeepHands
// (revision 3) says whether hands raised for another question stay in the
// queue; absent means they stay.
type SetQuestion struct {
	Index     int   `json:"index"`
	KeepHands *bool `json:"keepHands,omitempty"`
}

// ChatSend is a chat line sent by a client.
type ChatSend struct {
	Text string `json:"text"`
}

// Speaking reports the client's own audio level in -dBov (0 loudest, 127
// silence), as in RFC 6464; used when the audio level header extension is
// not available.
type Speaking struct {
	Level int `json:"level"`
}

// Participant is one entry of the participant list; sent alone (type
// "participant") it adds or replaces that entry.
type Participant struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Role        string `json:"role"`
	HandRaised  bool   `json:"handRaised"`
	HasFloor    bool   `json:"hasFloor"`
	Muted       bool   `json:"muted"`
	Speaking    bool   `json:"speaking"`
	Connected   bool   `json:"connected"`
	// Consent is the answer to the recording question for the current (or
	// last) floor turn: ConsentAgreed, ConsentDeclined, or empty when not
	// asked since the floor was last granted (revision 2).
	Consent string `json:"consent,omitempty"`
	// Mic is true while the server receives the person's sound (revision 3):
	// what pages say about who is heard comes from here.
	Mic bool `json:"mic"`
}

// Consent answers shown in Participant.Consent.
const (
	ConsentAgreed   = "agreed"
	ConsentDeclined = "declined"
)

// RecordingConsent is a floor holder's answer to the recording question.
// Consent is required (a pointer, so a missing field is an error rather than
// a silent "no").
type RecordingConsent struct {
	Consent *bool `json:"consent"`
}

// Recording announces that the host started or stopped the recording.
type Recording struct {
	On bool `json:"on"`
}

// KeyPoint is a key point a rapporteur noted for a guide question; AtMs
// counts from the session clock (the recording manifest's start).
type KeyPoint struct {
	ID       string `json:"id"`
	Question int    `json:"question"`
	Text     string `json:"text"`
	AtMs     int64  `json:"atMs"`
	Author   string `json:"author"`
}

// KeyPointRemoved withdraws a key point by ID.
type KeyPointRemoved struct {
	ID string `json:"id"`
}

// QueueEntry is one raised hand; Question is the guide question that was
// current when the hand was raised.
type QueueEntry struct {
	ParticipantID string `json:"participantId"`
	Question      int    `json:"question"`
}

// ChatLine is a chat message as relayed and stored by the server. At is Unix
// milliseconds.
type ChatLine struct {
	From string `json:"from"`
	Name string `json:"name"`
	Text string `json:"text"`
	At   int64  `json:"at"`
}

// RoomState is the whole visible state of a room, sent in Welcome.
type RoomState struct {
	Participants []Participant `json:"participants"`
	Queue        []QueueEntry  `json:"queue"`
	Floor        string        `json:"floor,omitempty"`
	Question     int           `json:"question"`
	Questions    int           `json:"questions"`
	Chat         []ChatLine    `json:"chat"`
	Recording    bool          `json:"recording"` // revision 2
	KeyPoints    []KeyPoint    `json:"keyPoints"` // revision 2, in the order noted
}

// Welcome answers a successful Join.
type Welcome struct {
	You         string    `json:"you"`
	Role        string    `json:"role"`
	ResumeToken string    `json:"resumeToken"`
	Revision    int       `json:"revision"` // Revision
	Room        RoomState `json:"room"`
}

// Queue is the raise-hand queue, first to speak first.
type Queue struct {
	Queue []QueueEntry `json:"queue"`
}

// Floor states of the Floor message.
const (
	FloorGranted = "granted"
	FloorRevoked = "revoked"
)

// Floor announces that a participant got or lost the floor.
type Floor struct {
	ParticipantID string `json:"participantId"`
	State         string `json:"state"`
}

// Question announces the current guide question.
type Question struct {
	Index int `json:"index"`
}

// Ended tells the client the session is over for it (room ended, removed).
type Ended struct {
	Reason string `json:"reason"`
}

// Empty is the payload of messages that carry none (leave, raise_hand, ...).
type Empty struct{}
