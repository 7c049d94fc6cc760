// Package room is the state machine of one live session: participants and
// their roles, the raise-hand queue, the floor, the current guide question,
// bounded chat history, capacity, disconnection grace and the ended state.
// It does no I/O and starts no goroutine; time is passed in by the caller, so
// every rule is testable without clocks. A Room is not safe for concurrent use:
// its owner (the SFU) serialises calls.
package room

import (
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/teixit/teixit/media/signal"
)

// Role of a participant. Host and moderators run the session and may always
// speak; a speaker or listener publishes only while holding the floor; a
// rapporteur takes notes and is otherwise a listener.
type Role string

// Roles.
const (
	Host       Role = "host"
	Moderator  Role = "moderator"
	Rapporteur Role = "rapporteur"
	Speaker    Role = "speaker"
	Listener   Role = "listener"
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	switch r {
	case Host, Moderator, Rapporteur, Speaker, Listener:
		return true
	}
	return false
}

// Moderates reports whether r may grant and revoke the floor, mute, remove
// and move the guide question, and always speak.
func (r Role) Moderates() bool { return r == Host || r == Moderator }

// DefaultGrace is how long a dropped participant keeps its place.
const DefaultGrace = 30 * time.Second

// DefaultChatHistory is the number of chat lines kept when Config leaves it 0.
const DefaultChatHistory = 200

// Config sets the limits of one room.
type Config struct {
	Questions   int           // number of guide questions; 0 means none
	Capacity    int           // maximum participants, connected or in grace; 0 means unlimited
	ChatHistory int           // chat lines kept; 0 means DefaultChatHistory
	Grace       time.Duration // 0 means DefaultGrace
}

// Participant is one person in the room. Fields are read-only for callers.
type Participant struct {
	ID          string
	UserID      string
	DisplayName string
	Role        Role
	AudioOnly   bool
	HandRaised  bool
	Muted       bool
	Speaking    bool
	Connected   bool
	// Mic is the server's view of the person's microphone: the SFU receives
	// their sound (an audio track whose packets arrive). A page says "you are
	// heard" only when this is true, whatever the browser believes.
	Mic bool
	// Consent is the answer to the recording question for the current or
	// last floor turn (signal.ConsentAgreed, ConsentDeclined, or "").
	Consent string
	// Gone is set once the participant has left or been removed, so holders
	// of a stale pointer can tell.
	Gone bool

	token    string
	deadline time.Time // when a disconnected participant is dropped
	seq      uint64    // join order
}

// Room is the state of one session. Create it with New.
type Room struct {
	cfg      Config
	byID     map[string]*Participant
	byToken  map[string]*Participant
	order    []*Participant
	queue    []signal.QueueEntry
	floor    string
	question int
	chat     []signal.ChatLine
	keyPts   []signal.KeyPoint
	rec      bool
	ended    bool
	seq      uint64
}

// New returns an empty room with cfg's limits, defaults filled in.
func New(cfg Config) *Room {
	if cfg.ChatHistory <= 0 {
		cfg.ChatHistory = DefaultChatHistory
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.Questions < 0 {
		cfg.Questions = 0
	}
	return &Room{cfg: cfg, byID: map[string]*Participant{}, byToken: map[string]*Participant{}}
}

// Errors returned by Room methods; each is a *signal.Error so the SFU can send
// it to the client as is.
var (
	ErrEnded      = &signal.Error{Code: signal.CodeEnded, Message: "the session has ended"}
	ErrFull       = &signal.Error{Code: signal.CodeFull, Message: "the room is full"}
	ErrBadRole    = &signal.Error{Code: signal.CodeBadMessage, Message: "unknown role"}
	ErrBadToken   = &signal.Error{Code: signal.CodeNotFound, Message: "resume token unknown or expired"}
	ErrNotYours   = &signal.Error{Code: signal.CodeForbidden, Message: "this resume token belongs to someone else"}
	ErrNotFound   = &signal.Error{Code: signal.CodeNotFound, Message: "no such participant"}
	ErrForbidden  = &signal.Error{Code: signal.CodeForbidden, Message: "your role does not allow this"}
	ErrBadIndex   = &signal.Error{Code: signal.CodeBadMessage, Message: "no such guide question"}
	ErrNotAllowed = &signal.Error{Code: signal.CodeConflict, Message: "not possible in the current state"}
)

// Join adds a participant and returns it, with a fresh ID and resume token.
// It fails with ErrEnded, ErrFull or ErrBadRole.
func (r *Room) Join(userID, displayName string, role Role, audioOnly bool) (*Participant, error) {
	if r.ended {
		return nil, ErrEnded
	}
	if !role.Valid() {
		return nil, ErrBadRole
	}
	if r.cfg.Capacity > 0 && len(r.order) >= r.cfg.Capacity {
		return nil, ErrFull
	}
	r.seq++
	p := &Participant{
		ID: randomID(9), UserID: userID, DisplayName: displayName, Role: role,
		AudioOnly: audioOnly, Connected: true, token: randomID(18), seq: r.seq,
	}
	r.byID[p.ID] = p
	r.byToken[p.token] = p
	r.order = append(r.order, p)
	return p, nil
}

// Token is the resume token of p, to be sent in its Welcome only.
func (p *Participant) Token() string { return p.token }

// Rejoin gives back the participant holding token, connected again, with its
// role, queue place (and the guide question its hand was raised for) and
// floor. A participant that is still connected is taken over (the caller
// closes the old connection). It fails with ErrEnded, ErrBadToken (unknown,
// from an earlier session, or expired and already removed by Expire) or
// ErrNotYours (the token is another user's: nothing changes for its owner).
func (r *Room) Rejoin(token, userID string) (*Participant, error) {
	if r.ended {
		return nil, ErrEnded
	}
	p, ok := r.byToken[token]
	if !ok || token == "" {
		return nil, ErrBadToken
	}
	if p.UserID != userID {
		return nil, ErrNotYours
	}
	p.Connected = true
	p.deadline = time.Time{}
	return p, nil
}

// Disconnect marks id as dropped: it keeps everything until now+Grace, when
// Expire removes it. Unknown ids are ignored.
func (r *Room) Disconnect(id string, now time.Time) {
	if p, ok := r.byID[id]; ok {
		p.Connected = false
		p.Speaking = false
		p.Mic = false
		p.deadline = now.Add(r.cfg.Grace)
	}
}

// NextExpiry is the earliest deadline of a disconnected participant, and
// false if there is none.
func (r *Room) NextExpiry() (time.Time, bool) {
	var t time.Time
	for _, p := range r.order {
		if !p.Connected && (t.IsZero() || p.deadline.Before(t)) {
			t = p.deadline
		}
	}
	return t, !t.IsZero()
}

// Expire removes disconnected participants whose grace ended at or before now
// and returns their IDs.
func (r *Room) Expire(now time.Time) []string {
	var gone []string
	for _, p := range append([]*Participant(nil), r.order...) {
		if !p.Connected && !now.Before(p.deadline) {
			r.drop(p)
			gone = append(gone, p.ID)
		}
	}
	return gone
}

// Leave removes id at once (its own choice). Unknown ids are ErrNotFound.
func (r *Room) Leave(id string) error {
	p, ok := r.byID[id]
	if !ok {
		return ErrNotFound
	}
	r.drop(p)
	return nil
}

func (r *Room) drop(p *Participant) {
	delete(r.byID, p.ID)
	delete(r.byToken, p.token)
	for i, q := range r.order {
		if q == p {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
	r.dequeue(p.ID)
	if r.floor == p.ID {
		r.floor = ""
	}
	p.Gone = true
	p.Connected = false
}

// Participant returns the participant with id, or ErrNotFound.
func (r *Room) Participant(id string) (*Participant, error) {
	if p, ok := r.byID[id]; ok {
		return p, nil
	}
	return nil, ErrNotFound
}

// Len is the number of participants, connected or in grace.
func (r *Room) Len() int { return len(r.order) }

// Ended reports whether End was called.
func (r *Room) Ended() bool { return r.ended }

// Floor is the ID of the participant holding the floor, or "".
func (r *Room) Floor() string { return r.floor }

// Question is the current guide question index.
func (r *Room) Question() int { return r.question }

// CanPublish reports whether the SFU forwards id's media: host and moderators
// unless muted, others only while holding the floor and not muted.
func (r *Room) CanPublish(id string) bool {
	p, ok := r.byID[id]
	if !ok || p.Muted || r.ended {
		return false
	}
	return p.Role.Moderates() || r.floor == id
}

func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("room: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
