package room

import (
	"time"

	"github.com/teixit/teixit/media/signal"
)

// moderator returns actor if it may moderate, else an error.
func (r *Room) moderator(actor string) (*Participant, error) {
	if r.ended {
		return nil, ErrEnded
	}
	p, ok := r.byID[actor]
	if !ok {
		return nil, ErrNotFound
	}
	if !p.Role.Moderates() {
		return nil, ErrForbidden
	}
	return p, nil
}

func (r *Room) target(id string) (*Participant, error) {
	if p, ok := r.byID[id]; ok {
		return p, nil
	}
	return nil, ErrNotFound
}

// RaiseHand puts id at the end of the queue, tagged with the current guide
// question. Raising an already raised hand changes nothing. Host and
// moderators may raise too (e.g. to mark an intervention).
func (r *Room) RaiseHand(id string) error {
	if r.ended {
		return ErrEnded
	}
	p, err := r.target(id)
	if err != nil {
		return err
	}
	if p.HandRaised {
		return nil
	}
	if r.floor == id {
		return ErrNotAllowed
	}
	p.HandRaised = true
	r.queue = append(r.queue, signal.QueueEntry{ParticipantID: id, Question: r.question})
	return nil
}

// LowerHand takes id out of the queue; lowering a lowered hand changes nothing.
func (r *Room) LowerHand(id string) error {
	if r.ended {
		return ErrEnded
	}
	if _, err := r.target(id); err != nil {
		return err
	}
	r.dequeue(id)
	return nil
}

func (r *Room) dequeue(id string) {
	for i, e := range r.queue {
		if e.ParticipantID == id {
			r.queue = append(r.queue[:i], r.queue[i+1:]...)
			break
		}
	}
	if p, ok := r.byID[id]; ok {
		p.HandRaised = false
	}
}

// GrantFloor gives the floor to target (there is one floor: the previous
// holder, returned as revoked, loses it). The target leaves the queue, is
// unmuted, and a listener becomes a speaker. Only host and moderators may.
func (r *Room) GrantFloor(actor, target string) (revoked string, err error) {
	if _, err := r.moderator(actor); err != nil {
		return "", err
	}
	t, err := r.target(target)
	if err != nil {
		return "", err
	}
	if r.floor == target {
		return "", nil
	}
	revoked = r.floor
	if old, ok := r.byID[revoked]; ok && !old.Role.Moderates() {
		old.Speaking = false // no longer forwarded, so no longer heard
	}
	r.floor = target
	r.dequeue(target)
	t.Muted = false
	if !t.Role.Moderates() {
		t.Consent = "" // every turn asks again while recording
	}
	if t.Role == Listener {
		t.Role = Speaker
	}
	return revoked, nil
}

// RevokeFloor takes the floor from target. Only host and moderators may; a
// participant may also give up its own floor. Revoking a floor target does
// not hold is ErrNotAllowed.
func (r *Room) RevokeFloor(actor, target string) error {
	if actor != target {
		if _, err := r.moderator(actor); err != nil {
			return err
		}
	}
	if _, err := r.target(target); err != nil {
		return err
	}
	if r.floor != target {
		return ErrNotAllowed
	}
	r.floor = ""
	if t := r.byID[target]; !t.Role.Moderates() {
		t.Speaking = false
	}
	return nil
}

// Mute stops forwarding target's media until a moderator unmutes it or grants
// it the floor again. Only host and moderators may (anyone may mute itself).
func (r *Room) Mute(actor, target string) error {
	return r.setMuted(actor, target, true)
}

// Unmute lifts Mute. Only host and moderators may.
func (r *Room) Unmute(actor, target string) error {
	if _, err := r.moderator(actor); err != nil {
		return err
	}
	return r.setMuted(actor, target, false)
}

func (r *Room) setMuted(actor, target string, muted bool) error {
	if actor != target {
		if _, err := r.moderator(actor); err != nil {
			return err
		}
	}
	t, err := r.target(target)
	if err != nil {
		return err
	}
	t.Muted = muted
	if muted {
		t.Speaking = false
	}
	return nil
}

// Remove expels target. Only host and moderators may, and nobody may remove
// the host.
func (r *Room) Remove(actor, target string) error {
	if _, err := r.moderator(actor); err != nil {
		return err
	}
	t, err := r.target(target)
	if err != nil {
		return err
	}
	if t.Role == Host {
		return ErrForbidden
	}
	r.drop(t)
	return nil
}

// SetQuestion moves the session to guide question index. Only host and
// moderators may; index must be below Config.Questions. With keepHands the
// queue stays as it is (each hand keeps the question it was raised for);
// without it, hands raised for any other question are lowered, and their IDs
// returned so the room can tell them.
func (r *Room) SetQuestion(actor string, index int, keepHands bool) (lowered []string, err error) {
	if _, err := r.moderator(actor); err != nil {
		return nil, err
	}
	if index < 0 || index >= r.cfg.Questions {
		return nil, ErrBadIndex
	}
	r.question = index
	if keepHands {
		return nil, nil
	}
	for _, e := range append([]signal.QueueEntry(nil), r.queue...) {
		if e.Question != index {
			r.dequeue(e.ParticipantID)
			lowered = append(lowered, e.ParticipantID)
		}
	}
	return lowered, nil
}

// SetMic records whether the SFU receives id's sound and reports whether that
// changed.
func (r *Room) SetMic(id string, on bool) bool {
	p, ok := r.byID[id]
	if !ok || p.Mic == on {
		return false
	}
	p.Mic = on
	return true
}

// Chat appends a line from id to the bounded history and returns it.
func (r *Room) Chat(id, text string, now time.Time) (signal.ChatLine, error) {
	if r.ended {
		return signal.ChatLine{}, ErrEnded
	}
	p, err := r.target(id)
	if err != nil {
		return signal.ChatLine{}, err
	}
	line := signal.ChatLine{From: id, Name: p.DisplayName, Text: text, At: now.UnixMilli()}
	if len(r.chat) >= r.cfg.ChatHistory {
		copy(r.chat, r.chat[1:])
		r.chat = r.chat[:len(r.chat)-1]
	}
	r.chat = append(r.chat, line)
	return line, nil
}

// SetSpeaking records whether id is audibly speaking and reports whether that
// changed. Muted or silenced participants never count as speaking.
func (r *Room) SetSpeaking(id string, speaking bool) bool {
	p, ok := r.byID[id]
	if !ok {
		return false
	}
	speaking = speaking && r.CanPublish(id)
	if p.Speaking == speaking {
		return false
	}
	p.Speaking = speaking
	return true
}

// End closes the session for everyone. Only the host may. Afterwards every
// method fails with ErrEnded.
func (r *Room) End(actor string) error {
	if r.ended {
		return ErrEnded
	}
	p, err := r.target(actor)
	if err != nil {
		return err
	}
	if p.Role != Host {
		return ErrForbidden
	}
	r.ended = true
	return nil
}

// ForceEnd ends the session on the server's behalf (e.g. the exchange day was
// closed through the API).
func (r *Room) ForceEnd() { r.ended = true }

// Participants lists everyone in join order, as the protocol shows them.
func (r *Room) Participants() []signal.Participant {
	out := make([]signal.Participant, len(r.order))
	for i, p := range r.order {
		out[i] = r.view(p)
	}
	return out
}

// View is one participant as the protocol shows it, or ErrNotFound.
func (r *Room) View(id string) (signal.Participant, error) {
	p, ok := r.byID[id]
	if !ok {
		return signal.Participant{}, ErrNotFound
	}
	return r.view(p), nil
}

func (r *Room) view(p *Participant) signal.Participant {
	return signal.Participant{
		ID: p.ID, DisplayName: p.DisplayName, Role: string(p.Role),
		HandRaised: p.HandRaised, HasFloor: r.floor == p.ID, Muted: p.Muted,
		Speaking: p.Speaking, Connected: p.Connected, Consent: p.Consent, Mic: p.Mic,
	}
}

// Queue is a copy of the raise-hand queue, first to speak first.
func (r *Room) Queue() []signal.QueueEntry {
	return append([]signal.QueueEntry{}, r.queue...)
}

// State is the whole visible state of the room.
func (r *Room) State() signal.RoomState {
	return signal.RoomState{
		Participants: r.Participants(),
		Queue:        r.Queue(),
		Floor:        r.floor,
		Question:     r.question,
		Questions:    r.cfg.Questions,
		Chat:         append([]signal.ChatLine{}, r.chat...),
		Recording:    r.rec,
		KeyPoints:    append([]signal.KeyPoint{}, r.keyPts...),
	}
}

// All returns the participants in join order; the slice is a copy.
func (r *Room) All() []*Participant {
	return append([]*Participant(nil), r.order...)
}
