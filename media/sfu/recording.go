package sfu

import (
	"time"

	"github.com/teixit/teixit/media/signal"
)

// consentLocked tells the hooks id's current answer to the recording
// question; hosts and moderators are never asked.
func (r *sfuRoom) consentLocked(id string) {
	ch, ok := r.cfg.Hooks.(ConsentHooks)
	if !ok {
		return
	}
	p, err := r.st.Participant(id)
	if err != nil || p.Role.Moderates() {
		return
	}
	ch.OnConsent(Consent{ParticipantID: id, Participant: ParticipantInfo{UserID: p.UserID, DisplayName: p.DisplayName, Role: p.Role},
		Question: r.st.Question(), Answer: p.Consent, At: time.Now()})
}

// questionLocked tells the hooks the room's current guide question.
func (r *sfuRoom) questionLocked() {
	if qh, ok := r.cfg.Hooks.(QuestionHooks); ok {
		qh.OnQuestion(r.st.Question())
	}
}

// liveRoom is the open room with id, or nil.
func (s *SFU) liveRoom(id string) *sfuRoom {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rms[id]
}

// withRoom runs fn under the lock of the open room id and reports whether
// there was one.
func (s *SFU) withRoom(id string, fn func(r *sfuRoom)) bool {
	r := s.liveRoom(id)
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dead {
		return false
	}
	fn(r)
	return true
}

// SetRecording shows room id's participants whether the session is being
// recorded: the state in every later welcome, and a "recording" message to
// everyone when it changes. The recorder itself is switched by the caller.
// It reports false when no room with that ID is open.
func (s *SFU) SetRecording(id string, on bool) bool {
	return s.withRoom(id, func(r *sfuRoom) {
		if r.st.SetRecording(on) {
			r.broadcastLocked(signal.TypeRecording, &signal.Recording{On: on})
		}
	})
}

// AnnounceKeyPoint sends a key point to everyone in room id and keeps it for
// those who join later (a key point with the same ID replaces it). It
// reports false when no room with that ID is open.
func (s *SFU) AnnounceKeyPoint(id string, kp signal.KeyPoint) bool {
	return s.withRoom(id, func(r *sfuRoom) {
		if r.st.AddKeyPoint(kp) {
			r.broadcastLocked(signal.TypeKeyPoint, &kp)
		}
	})
}

// RetractKeyPoint withdraws key point kpID from room id (everyone gets
// "key_point_removed"). It reports false when no room with that ID is open.
func (s *SFU) RetractKeyPoint(id, kpID string) bool {
	return s.withRoom(id, func(r *sfuRoom) {
		if r.st.RemoveKeyPoint(kpID) {
			r.broadcastLocked(signal.TypeKeyPointRemoved, &signal.KeyPointRemoved{ID: kpID})
		}
	})
}
