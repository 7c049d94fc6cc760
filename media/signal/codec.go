package signal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error codes sent in Error messages.
const (
	CodeBadMessage = "bad_message" // not JSON, unknown field, bad payload
	CodeTooLarge   = "too_large"
	CodeBadVersion = "bad_version"
	CodeUnknown    = "unknown_type"
	CodeNotJoined  = "not_joined" // a command before join
	CodeForbidden  = "forbidden"  // role does not allow it
	CodeNotFound   = "not_found"  // unknown participant
	CodeConflict   = "conflict"   // state does not allow it (glare, already joined)
	CodeFull       = "full"       // room at capacity
	CodeEnded      = "ended"      // room has ended
	CodeInternal   = "internal"   // server-side failure
	CodeRateLimit  = "rate_limited"
)

// Error is both a protocol error payload and a Go error: the decoder and the
// room return it, and the server sends it back as is. Message is safe to show.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	RefID   string `json:"refId,omitempty"`
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsError turns any error into an *Error, keeping its code if it is one and
// hiding the text of others behind CodeInternal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: "internal error"}
}

// Message is a decoded envelope whose Payload is a pointer to the payload
// type of its Type (e.g. *Join for "join", *Empty for "leave").
type Message struct {
	Type    string
	ID      string
	Payload any
}

type envelope struct {
	V       int             `json:"v"`
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Limits on payload fields.
const (
	MaxNameRunes = 64
	MaxChatRunes = 2000
	MaxIDLen     = 64
	maxSDPLen    = 60 << 10
	maxCandLen   = 1024
	maxTokenLen  = 128
)

type payloadSpec struct {
	new      func() any
	validate func(any) error
}

func none(any) error { return nil }

var clientTypes = map[string]payloadSpec{
	TypeJoin:             {func() any { return new(Join) }, validateJoin},
	TypeLeave:            {func() any { return new(Empty) }, none},
	TypeOffer:            {func() any { return new(SDP) }, validateSDP},
	TypeAnswer:           {func() any { return new(SDP) }, validateSDP},
	TypeCandidate:        {func() any { return new(Candidate) }, validateCandidate},
	TypeRaiseHand:        {func() any { return new(Empty) }, none},
	TypeLowerHand:        {func() any { return new(Empty) }, none},
	TypeGrantFloor:       {func() any { return new(Target) }, validateTarget},
	TypeRevokeFloor:      {func() any { return new(Target) }, validateTarget},
	TypeMute:             {func() any { return new(Target) }, validateTarget},
	TypeUnmute:           {func() any { return new(Target) }, validateTarget},
	TypeRemove:           {func() any { return new(Target) }, validateTarget},
	TypeSetQuestion:      {func() any { return new(SetQuestion) }, validateQuestion},
	TypeChat:             {func() any { return new(ChatSend) }, validateChat},
	TypeSpeaking:         {func() any { return new(Speaking) }, validateSpeaking},
	TypeICERestart:       {func() any { return new(Empty) }, none},
	TypeEnd:              {func() any { return new(Empty) }, none},
	TypeRecordingConsent: {func() any { return new(RecordingConsent) }, validateConsent},
}

var serverTypes = map[string]payloadSpec{
	TypeWelcome:         {func() any { return new(Welcome) }, none},
	TypeParticipant:     {func() any { return new(Participant) }, none},
	TypeLeft:            {func() any { return new(Target) }, none},
	TypeQueue:           {func() any { return new(Queue) }, none},
	TypeFloor:           {func() any { return new(Floor) }, none},
	TypeQuestion:        {func() any { return new(Question) }, none},
	TypeChat:            {func() any { return new(ChatLine) }, none},
	TypeError:           {func() any { return new(Error) }, none},
	TypeEnded:           {func() any { return new(Ended) }, none},
	TypeOffer:           {func() any { return new(SDP) }, validateSDP},
	TypeAnswer:          {func() any { return new(SDP) }, validateSDP},
	TypeCandidate:       {func() any { return new(Candidate) }, validateCandidate},
	TypeRecording:       {func() any { return new(Recording) }, none},
	TypeKeyPoint:        {func() any { return new(KeyPoint) }, none},
	TypeKeyPointRemoved: {func() any { return new(KeyPointRemoved) }, none},
}

// DecodeClient strictly decodes one client → server message: at most
// MaxMessageSize bytes, version 1, a known type, no unknown fields anywhere,
// and a payload valid for its type. A failure is always an *Error whose RefID
// is the message id when it could be read, so the server can answer it.
func DecodeClient(data []byte) (Message, error) {
	return decode(data, clientTypes, MaxMessageSize)
}

// DecodeServer decodes one server → client message, for Go clients (tests,
// the load tool). It is as strict as DecodeClient but has no size limit.
func DecodeServer(data []byte) (Message, error) {
	return decode(data, serverTypes, 0)
}

func decode(data []byte, types map[string]payloadSpec, maxSize int) (Message, error) {
	if maxSize > 0 && len(data) > maxSize {
		return Message{}, Errorf(CodeTooLarge, "message larger than %d bytes", MaxMessageSize)
	}
	var env envelope
	if err := strictUnmarshal(data, &env); err != nil {
		return Message{}, Errorf(CodeBadMessage, "envelope: %s", cleanJSONErr(err))
	}
	if len(env.ID) > MaxIDLen {
		return Message{}, Errorf(CodeBadMessage, "id longer than %d bytes", MaxIDLen)
	}
	if env.V != Version {
		return Message{}, &Error{Code: CodeBadVersion, Message: fmt.Sprintf("unsupported version %d", env.V), RefID: env.ID}
	}
	spec, ok := types[env.Type]
	if !ok {
		return Message{}, &Error{Code: CodeUnknown, Message: fmt.Sprintf("unknown message type %q", truncate(env.Type, 32)), RefID: env.ID}
	}
	p := spec.new()
	raw := env.Payload
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	if err := strictUnmarshal(raw, p); err != nil {
		return Message{}, &Error{Code: CodeBadMessage, Message: env.Type + ": " + cleanJSONErr(err), RefID: env.ID}
	}
	if err := spec.validate(p); err != nil {
		return Message{}, &Error{Code: CodeBadMessage, Message: env.Type + ": " + err.Error(), RefID: env.ID}
	}
	return Message{Type: env.Type, ID: env.ID, Payload: p}, nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// cleanJSONErr keeps encoding/json's messages but drops the Go type names.
func cleanJSONErr(err error) string {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Sprintf("field %q has the wrong type", ute.Field)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at offset %d", se.Offset)
	}
	return truncate(strings.TrimPrefix(err.Error(), "json: "), 120)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Encode builds one envelope. It fails only if payload cannot be marshalled.
func Encode(typ, id string, payload any) ([]byte, error) {
	var raw json.RawMessage
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("signal: encode %s: %w", typ, err)
		}
		raw = b
	}
	return json.Marshal(envelope{V: Version, Type: typ, ID: id, Payload: raw})
}

// cleanText reports why s is not acceptable user text: invalid UTF-8, control
// characters (other than newline and tab when multiline), or too many runes.
func cleanText(s string, maxRunes int, multiline bool) error {
	if !utf8.ValidString(s) {
		return errors.New("text is not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return fmt.Errorf("text longer than %d characters", maxRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return errors.New("text contains control characters")
		}
	}
	return nil
}

func validateJoin(p any) error {
	j := p.(*Join)
	if err := cleanText(j.DisplayName, MaxNameRunes, false); err != nil {
		return fmt.Errorf("displayName: %w", err)
	}
	if len(j.ResumeToken) > maxTokenLen {
		return errors.New("resumeToken too long")
	}
	return nil
}

func validateSDP(p any) error {
	s := p.(*SDP)
	if s.SDP == "" {
		return errors.New("sdp is empty")
	}
	if len(s.SDP) > maxSDPLen {
		return errors.New("sdp too long")
	}
	if !strings.HasPrefix(s.SDP, "v=0") {
		return errors.New("sdp does not start with v=0")
	}
	return nil
}

func validateCandidate(p any) error {
	c := p.(*Candidate)
	if len(c.Candidate) > maxCandLen {
		return errors.New("candidate too long")
	}
	if c.SDPMid != nil && len(*c.SDPMid) > MaxIDLen {
		return errors.New("sdpMid too long")
	}
	if c.UsernameFragment != nil && len(*c.UsernameFragment) > 256 {
		return errors.New("usernameFragment too long")
	}
	return nil
}

func validateTarget(p any) error {
	t := p.(*Target)
	if t.ParticipantID == "" {
		return errors.New("participantId is required")
	}
	if len(t.ParticipantID) > MaxIDLen {
		return errors.New("participantId too long")
	}
	return nil
}

func validateQuestion(p any) error {
	if p.(*SetQuestion).Index < 0 {
		return errors.New("index must not be negative")
	}
	return nil
}

func validateChat(p any) error {
	c := p.(*ChatSend)
	if strings.TrimSpace(c.Text) == "" {
		return errors.New("text is empty")
	}
	return cleanText(c.Text, MaxChatRunes, true)
}

func validateSpeaking(p any) error {
	if l := p.(*Speaking).Level; l < 0 || l > 127 {
		return errors.New("level must be within 0..127")
	}
	return nil
}

func validateConsent(p any) error {
	if p.(*RecordingConsent).Consent == nil {
		return errors.New("consent (true or false) is required")
	}
	return nil
}
